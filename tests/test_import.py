"""Ledger import: reading files, checking every row, writing all or nothing, export.

Most checks run in-process (fast); ``tests/test_cli.py`` drives the same import through the
command line. DB tests run on SQLite and PostgreSQL through the ``empty_db`` fixture.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import event, func, select, update

from data_access.commands.base import SYSTEM, Actor, PermissionDenied
from data_access.db import read_session, write_session
from data_access.importing import (
    AGENCY_COLUMNS,
    REFERRAL_COLUMNS,
    AgencyRef,
    ImportRefused,
    UnreadableFile,
    agency_index,
    export_referrals_xlsx,
    import_agencies,
    import_referrals,
    read_table,
    template_xlsx,
    validate_agencies,
    validate_referrals,
)
from data_access.models import Agency, AuditEntry, Referral, ReferralEvent
from data_access.rulebook import load_rules
from rules import deadlines

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 11, 21)  # the fixtures' dates all lie before this day

REFERRAL_HEADER = [c.zh for c in REFERRAL_COLUMNS[:14]]


def csv_bytes(rows: list[list], header=REFERRAL_HEADER, bom: bool = False) -> bytes:
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    text = "\n".join(lines) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(rows: list[list], header=None, title: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    if header:
        ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def load_agencies(engine, path: Path = FIXTURES / "agencies.csv"):
    with write_session(engine) as session:
        return import_agencies(session, SYSTEM, read_table(path))


def count(engine, model) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def where(errors, line):
    return {e.column for e in errors if e.line == line}


# --------------------------------------------------------------------------- reading files


def test_csv_with_and_without_bom_read_the_same():
    plain = read_table(csv_bytes([["A-1", "t"]]), "x.csv")
    with_bom = read_table(csv_bytes([["A-1", "t"]], bom=True), "x.csv")
    assert plain.headers == with_bom.headers == REFERRAL_HEADER
    assert [dict(r) for r in plain] == [dict(r) for r in with_bom]
    assert plain[0].line == 2
    assert plain[0]["移送编号"] == "A-1"


def test_gbk_csv_from_chinese_excel_is_read():
    text = "单位名称,单位类型\n青山镇,镇街\n"
    sheet = read_table(text.encode("gbk"), "agencies.csv")
    assert sheet.headers == ["单位名称", "单位类型"]
    assert sheet[0]["单位名称"] == "青山镇"


def test_xlsx_title_line_blank_lines_and_real_line_numbers():
    data = xlsx_bytes(
        [["青山镇", "镇街"], [None, None], ["河西街道", "镇街"]],
        header=["单位名称", "单位类型"],
        title="某市成员单位名单",
    )
    sheet = read_table(data, "agencies.xlsx")
    assert sheet.headers == ["单位名称", "单位类型"]
    assert sheet.header_line == 2
    assert [(r.line, r["单位名称"]) for r in sheet] == [(3, "青山镇"), (5, "河西街道")]


def test_unsupported_or_broken_files_are_refused_in_plain_words(tmp_path):
    with pytest.raises(UnreadableFile, match="xlsx"):
        read_table(b"whatever", "ledger.xls")
    with pytest.raises(UnreadableFile, match="不是有效的Excel"):
        read_table(b"not a zip", "ledger.xlsx")
    with pytest.raises(UnreadableFile, match="找不到文件"):
        read_table(tmp_path / "missing.csv")


# --------------------------------------------------------------------------- checking rows (pure)

AGENCIES = {
    "青山镇": AgencyRef(1, "青山镇", True),
    "市住房和城乡建设局": AgencyRef(2, "市住房和城乡建设局", True),
    "住建局": AgencyRef(2, "市住房和城乡建设局", True),
    "市旧机构": AgencyRef(3, "市旧机构", False),
}


def good_row(number="YS-2026-000001", **over):
    row = {
        "移送编号": number, "案件名称": "违法搭建", "违法领域": "规划建设", "移送单位": "青山镇",
        "接收单位": "市住房和城乡建设局", "发现日期": "2026-03-02", "移送日期": "2026-03-04",
        "紧急程度": "普通", "延期告知": "否", "涉嫌犯罪": "否", "受理告知日期": "2026-03-09",
        "受理结果": "受理", "结果反馈日期": "2026-04-10", "办结日期": "2026-04-20",
    }
    row.update(over)
    return row


def test_a_good_row_becomes_model_values():
    clean, errors = validate_referrals([good_row()], AGENCIES, (), today=TODAY)
    assert errors == []
    (row,) = clean
    assert row["from_agency_id"] == 1 and row["to_agency_id"] == 2
    assert row["sent_on"] == date(2026, 3, 4)
    assert row["ack_outcome"] == "accepted"
    assert row["status"] == "closed"
    assert row["urgency"] == "normal" and row["criminal"] is False
    assert row["exists"] is False


def test_english_headers_and_codes_are_accepted_in_any_mix():
    row = {
        "number": "YS-1", "title": "t", "移送单位": "青山镇", "TO_AGENCY": "住建局",
        "sent_on": "2026-03-04 08:30", "urgency": "urgent", "criminal": "yes",
        "受理告知日期": "2026/3/5", "ack_outcome": "returned",
    }
    clean, errors = validate_referrals([row], AGENCIES, (), today=TODAY)
    assert errors == []
    (v,) = clean
    assert v["to_agency_id"] == 2  # found by its short name
    assert v["sent_at"] == datetime(2026, 3, 4, 8, 30)
    assert v["urgency"] == "urgent" and v["criminal"] is True
    assert v["status"] == "returned"


def test_a_date_cell_that_lost_its_format_still_reads():
    # Excel shows 46085 when a date column is formatted as a number: it is 2026-03-04.
    clean, errors = validate_referrals([good_row(移送日期=46085)], AGENCIES, (), today=TODAY)
    assert errors == [] and clean[0]["sent_on"] == date(2026, 3, 4)


def test_status_is_derived_from_the_dates():
    rows = [
        good_row("A", 受理告知日期="", 受理结果="", 结果反馈日期="", 办结日期=""),
        good_row("B", 结果反馈日期="", 办结日期=""),
        good_row("C", 受理结果="不予受理", 结果反馈日期="", 办结日期=""),
        good_row("D", 办结日期=""),
        good_row("E"),
    ]
    clean, errors = validate_referrals(rows, AGENCIES, (), today=TODAY)
    assert errors == []
    assert [r["status"] for r in clean] == ["sent", "accepted", "declined", "reported", "closed"]


# Every kind of bad row, with the columns it is refused in; the rows are read as lines 2, 3, …
BAD_ROWS = [
    (good_row("R2", 案件名称=""), {"案件名称"}),  # missing required
    (good_row("R3", 移送日期="2026-02-30"), {"移送日期"}),  # no such date
    (good_row("R4", 移送日期="next week"), {"移送日期"}),  # unparsable
    (good_row("R5", 受理告知日期="2026-03-01"), {"受理告知日期"}),  # ack before sent
    (good_row("R6", 发现日期="2026-03-10"), {"移送日期"}),  # sent before discovered
    (good_row("R7", 结果反馈日期="2026-03-08"), {"结果反馈日期"}),  # result before ack
    (good_row("R8", 办结日期="2026-03-03"), {"办结日期"}),  # closed before sent
    (good_row("R9", 移送日期="2026-12-01", 受理告知日期="", 受理结果="", 结果反馈日期="", 办结日期=""),
     {"移送日期"}),  # future
    (good_row("R10", 接收单位="市城市大脑管理局"), {"接收单位"}),  # unknown agency
    (good_row("R11", 接收单位="市旧机构"), {"接收单位"}),  # deactivated agency
    (good_row("R12", 接收单位="青山镇"), {"接收单位"}),  # to oneself
    (good_row("R13", 紧急程度="特急", 受理结果="同意", 涉嫌犯罪="也许"),
     {"紧急程度", "受理结果", "涉嫌犯罪"}),  # enumerations
    (good_row("R14", 案件名称="长" * 201), {"案件名称"}),  # too long
    (good_row("R2"), {"移送编号"}),  # duplicate key
    (good_row("R16", 受理结果=""), {"受理结果"}),  # date without outcome
    (good_row("R17", 受理结果="不予受理"), {"结果反馈日期"}),  # result for a declined one
    (good_row("R18", 违法领域="天文"), {"违法领域"}),  # unknown domain
    (good_row("R19", 受理告知日期="", 受理结果="", 结果反馈日期=""), {"办结日期"}),  # closed, never answered
]


def test_every_kind_of_bad_row_is_named_with_line_and_column():
    clean, errors = validate_referrals([row for row, _ in BAD_ROWS], AGENCIES, (), today=TODAY)
    assert clean == []
    expected = {line: columns for line, (_, columns) in enumerate(BAD_ROWS, start=2)}
    assert {line: where(errors, line) for line in expected} == expected
    by_line = {e.line: e.message for e in errors}
    assert "不存在" in by_line[3]
    assert "YYYY-MM-DD" in by_line[4]
    assert "将来" in by_line[9] and "future" in by_line[9]
    assert "市城市大脑管理局" in by_line[10]
    assert "停用" in by_line[11]
    assert "自己" in by_line[12]
    assert "最多200" in by_line[14]
    assert "第2行" in by_line[15]


def test_header_problems_missing_unknown_duplicate_and_empty():
    sheet = read_table(csv_bytes([["A-1", "t"]], header=["移送编号", "案件名称", "备注"]), "x.csv")
    clean, errors = validate_referrals(sheet, AGENCIES, (), today=TODAY)
    assert clean == []
    (missing,) = errors
    assert missing.line == 1
    for name in ("移送单位", "接收单位", "移送日期"):
        assert name in missing.message
    assert [w.column for w in clean.warnings] == ["备注"]

    dup = read_table(csv_bytes([], header=["单位名称", "name", "单位类型"]), "a.csv")
    _, errors = validate_agencies(dup)
    assert any(e.line == 1 and e.column == "name" and "重复" in e.message for e in errors)

    empty = read_table(b"", "a.csv")
    _, errors = validate_agencies(empty)
    assert any("没有数据行" in e.message for e in errors)


def test_agency_rows_are_checked():
    rows = [
        {"单位名称": "青山镇", "单位类型": "镇街", "经度": "120.1", "纬度": "30.1"},
        {"单位名称": "", "单位类型": "镇街"},
        {"单位名称": "某局", "单位类型": "委员会"},
        {"单位名称": "某局2", "单位类型": "department", "经度": "999", "纬度": "30"},
        {"单位名称": "某局3", "单位类型": "部门", "经度": "120"},
        {"单位名称": "青山镇", "单位类型": "镇街"},
        {"单位名称": "某局4", "单位类型": "部门", "简称": "简" * 41},
    ]
    clean, errors = validate_agencies(rows)
    assert [c["name"] for c in clean] == ["青山镇"]
    assert clean[0]["kind"] == "town" and clean[0]["lon"] == 120.1
    expected = {3: {"单位名称"}, 4: {"单位类型"}, 5: {"经度"}, 6: {"纬度"}, 7: {"单位名称"}, 8: {"简称"}}
    assert {line: where(errors, line) for line in expected} == expected


# --------------------------------------------------------------------------- writing


def test_agencies_from_bom_csv_and_xlsx_and_reimport_updates(empty_db):
    result = load_agencies(empty_db)
    assert (result.created, result.updated, result.unchanged) == (7, 0, 0)
    again = load_agencies(empty_db)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)

    # The same list as XLSX with one phone changed and English headers: an update, no new row.
    data = xlsx_bytes(
        [["青山镇", "town", "13900000009"], ["市应急管理局", "部门", None]],
        header=["name", "kind", "phone"],
    )
    with write_session(empty_db) as session:
        third = import_agencies(session, SYSTEM, read_table(data, "agencies.xlsx"))
    assert (third.created, third.updated, third.unchanged) == (1, 1, 0)
    with read_session(empty_db) as session:
        town = session.scalars(select(Agency).where(Agency.name == "青山镇")).one()
        assert town.phone == "13900000009"
        assert town.contact == "陈静"  # absent column: the recorded value stays
        assert town.version == 2
        audits = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "import.agencies").order_by(AuditEntry.id)
        ).all()
    assert len(audits) == 3
    assert audits[-1].object_id == "agencies.xlsx"
    assert audits[-1].after["created"] == 1 and audits[-1].after["updated"] == 1
    assert audits[-1].after["changes"]["青山镇"]["phone"] == ["13800000001", "13900000009"]
    assert count(empty_db, Agency) == 8


def test_referrals_import_derives_status_deadlines_events_and_one_audit_row(empty_db):
    load_agencies(empty_db)
    with write_session(empty_db) as session:
        result = import_referrals(session, SYSTEM, read_table(FIXTURES / "referrals.csv"), today=TODAY)
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    with read_session(empty_db) as session:
        settings, cal = load_rules(session)
        refs = {r.number: r for r in session.scalars(select(Referral))}
        assert {n: r.status for n, r in refs.items()} == {
            "YS-2026-000001": "closed",
            "YS-2026-000002": "sent",
            "YS-2026-000003": "accepted",
            "YS-2026-000004": "closed",
            "YS-2026-000005": "declined",
        }
        for r in refs.values():
            due = deadlines.ack_due(r.sent_on, criminal=r.criminal, cal=cal, s=settings)
            assert (r.ack_due_on, r.ack_due_provisional) == (due.on, due.provisional)
            if r.ack_on:
                assert r.ack_workdays == cal.working_days_between(r.sent_on, r.ack_on)
        # DOMAIN's example: sent 2026-09-30, due 2026-10-13 across the National Day holiday.
        assert refs["YS-2026-000002"].ack_due_on == date(2026, 10, 13)
        urgent = refs["YS-2026-000003"]
        assert urgent.urgency == "urgent" and urgent.criminal
        assert urgent.discovered_at == datetime(2026, 10, 1, 21, 30)
        assert urgent.sent_at == datetime(2026, 10, 2, 8, 15)
        assert urgent.send_due_on == date(2026, 10, 2)  # 24 hours after discovery
        assert refs["YS-2026-000004"].send_due_on == deadlines.send_due(
            date(2026, 5, 11), urgent=False, extension_notified=True, cal=cal, s=settings).on
        events = session.execute(select(ReferralEvent.referral_id, ReferralEvent.to_status)).all()
        assert sorted(events) == sorted((r.id, r.status) for r in refs.values())
        audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "import.referrals")).all()
        assert len(audits) == 1
        assert audits[0].after["created"] == 5 and audits[0].after["file"] == "referrals.csv"
        assert len(audits[0].after["created_numbers"]) == 5


def test_reimport_duplicates_nothing_and_updates_what_changed(empty_db):
    load_agencies(empty_db)
    sheet = read_table(FIXTURES / "referrals.csv")
    with write_session(empty_db) as session:
        import_referrals(session, SYSTEM, sheet, today=TODAY)
    with write_session(empty_db) as session:
        again = import_referrals(session, SYSTEM, sheet, today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert count(empty_db, Referral) == 5

    # The receiver has now acknowledged YS-…0002; the new ledger says so, and blanks out
    # the closing date of YS-…0001 (a blank cell never erases what is recorded).
    changed = read_table(FIXTURES / "referrals.csv")
    for row in changed:
        if row["移送编号"] == "YS-2026-000002":
            row["受理告知日期"], row["受理结果"] = "2026-10-12", "受理"
        if row["移送编号"] == "YS-2026-000001":
            row["办结日期"] = ""
    with write_session(empty_db) as session:
        third = import_referrals(session, SYSTEM, changed, today=TODAY)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 4)
    with read_session(empty_db) as session:
        two = session.scalars(select(Referral).where(Referral.number == "YS-2026-000002")).one()
        one = session.scalars(select(Referral).where(Referral.number == "YS-2026-000001")).one()
        moves = session.execute(
            select(ReferralEvent.from_status, ReferralEvent.to_status).where(ReferralEvent.referral_id == two.id)
            .order_by(ReferralEvent.id)
        ).all()
    assert two.status == "accepted" and two.ack_on == date(2026, 10, 12) and two.version == 2
    assert two.ack_workdays == 4  # Oct 8, 9, 10 (a make-up Saturday) and 12
    assert moves == [(None, "sent"), ("sent", "accepted")]
    assert one.closed_on == date(2026, 4, 20) and one.status == "closed"
    assert count(empty_db, Referral) == 5

    # Deactivating the police later does not stop its recorded referral from re-importing,
    # but a new referral to it is refused.
    with write_session(empty_db) as session:
        session.execute(update(Agency).where(Agency.name == "市公安局").values(active=False))
    with write_session(empty_db) as session:
        fourth = import_referrals(session, SYSTEM, changed, today=TODAY)
    assert (fourth.created, fourth.updated, fourth.unchanged) == (0, 0, 5)
    new_one = [good_row("YS-2026-000099", 接收单位="市公安局")]
    with pytest.raises(ImportRefused, match="1处错误"), write_session(empty_db) as session:
        import_referrals(session, SYSTEM, new_one, today=TODAY)


def test_a_bad_ledger_is_refused_whole_and_every_bad_row_named(empty_db):
    load_agencies(empty_db)
    with write_session(empty_db) as session:
        session.execute(update(Agency).where(Agency.name == "市司法局").values(active=False))
    before = (count(empty_db, Referral), count(empty_db, AuditEntry), count(empty_db, ReferralEvent))
    with pytest.raises(ImportRefused) as refused, write_session(empty_db) as session:
        import_referrals(session, SYSTEM, read_table(FIXTURES / "referrals_bad.csv"), today=TODAY)
    after = (count(empty_db, Referral), count(empty_db, AuditEntry), count(empty_db, ReferralEvent))
    assert after == before  # line 2 was fine, yet nothing at all was written
    errors = refused.value.errors
    expected = {
        3: {"案件名称"}, 4: {"移送日期"}, 5: {"受理告知日期"}, 6: {"接收单位"}, 7: {"接收单位"},
        8: {"紧急程度", "延期告知"}, 9: {"移送编号"}, 10: {"移送日期"}, 11: {"接收单位"},
        12: {"移送日期"}, 13: {"办结日期"},
    }
    assert {line: where(errors, line) for line in expected} == expected
    assert {e.line for e in errors} == set(expected)
    assert "停用" in next(e.message for e in errors if e.line == 11)
    assert [w.column for w in refused.value.warnings] == ["备注"]
    assert "12处错误（涉及11行）" in refused.value.message


def test_only_the_office_may_import(empty_db):
    load_agencies(empty_db)
    clerk = Actor(username="clerk01", role="clerk", agency_id=1)
    before = count(empty_db, AuditEntry)
    with pytest.raises(PermissionDenied), write_session(empty_db) as session:
        import_referrals(session, clerk, read_table(FIXTURES / "referrals.csv"), today=TODAY)
    assert count(empty_db, Referral) == 0 and count(empty_db, AuditEntry) == before


def test_bulk_import_runs_a_handful_of_statements_not_one_per_row(empty_db):
    load_agencies(empty_db)
    rows = [
        good_row(f"YS-2026-{i:06d}", 移送日期=f"2026-0{1 + i % 9}-1{i % 10}", 发现日期="2025-12-31",
                 受理告知日期="", 受理结果="", 结果反馈日期="", 办结日期="")
        for i in range(3000)
    ]
    statements = []

    def count_statement(*_args):
        statements.append(1)

    event.listen(empty_db, "before_cursor_execute", count_statement)
    try:
        with write_session(empty_db) as session:
            result = import_referrals(session, SYSTEM, rows, today=TODAY, batch_size=1000)
    finally:
        event.remove(empty_db, "before_cursor_execute", count_statement)
    assert result.created == 3000
    assert count(empty_db, Referral) == 3000
    assert len(statements) < 40, f"{len(statements)} statements for 3000 rows"


def test_export_then_import_into_a_fresh_database_round_trips(empty_db, backend):
    load_agencies(empty_db)
    with write_session(empty_db) as session:
        import_referrals(session, SYSTEM, read_table(FIXTURES / "referrals.csv"), today=TODAY)
    with write_session(empty_db) as session:  # an unsent draft is no ledger line
        town, dept = session.execute(select(Agency.id).order_by(Agency.id).limit(2)).scalars()
        session.add(Referral(number="DRAFT-1", title="草稿", from_agency_id=town, to_agency_id=dept,
                             status="draft"))
    with read_session(empty_db) as session:
        data = export_referrals_xlsx(session)
        assert len(read_table(export_referrals_xlsx(session, {"status": "closed"}), "e.xlsx")) == 2
    assert "DRAFT-1" not in {r["移送编号"] for r in read_table(data, "export.xlsx")}
    fields = ("number", "title", "domain", "discovered_on", "discovered_at", "sent_on", "sent_at",
              "urgency", "extension_notified", "criminal", "ack_on", "ack_outcome", "result_on",
              "closed_on", "status", "ack_due_on", "send_due_on")

    def snapshot(engine):
        with read_session(engine) as session:
            names = dict(session.execute(select(Agency.id, Agency.name)).all())
            return sorted(
                tuple(getattr(r, f) for f in fields) + (names[r.from_agency_id], names[r.to_agency_id])
                for r in session.scalars(select(Referral).where(Referral.sent_on.is_not(None)))
            )

    original = snapshot(empty_db)
    from data_access import db

    fresh = db.make_engine(backend.new_database())
    try:
        load_agencies(fresh)
        with write_session(fresh) as session:
            result = import_referrals(session, SYSTEM, read_table(data, "export.xlsx"), today=TODAY)
        assert result.created == 5
        assert snapshot(fresh) == original
    finally:
        fresh.dispose()


def test_template_has_the_headers_and_reads_as_an_empty_file():
    for kind, columns in (("agencies", AGENCY_COLUMNS), ("referrals", REFERRAL_COLUMNS)):
        sheet = read_table(template_xlsx(kind), f"{kind}.xlsx")
        assert sheet.headers == [c.zh for c in columns]
        assert len(sheet) == 0
    _, errors = validate_referrals(read_table(template_xlsx("referrals"), "t.xlsx"), AGENCIES, ())
    assert [e.message for e in errors] == ["文件中没有数据行。 / The file holds no data rows."]


def test_the_sample_citys_agency_list_imports(empty_db):
    listing = Path(__file__).parent.parent / "sample_data" / "agencies.csv"
    if not listing.exists():
        pytest.skip("sample_data/agencies.csv is not there yet")
    with write_session(empty_db) as session:
        result = import_agencies(session, SYSTEM, read_table(listing))
    assert result.created >= 30
    with read_session(empty_db) as session:
        assert len(agency_index(session)) >= result.created
