"""The agenda, minutes and meeting pack: generated, reopened with python-docx, read back."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from docx import Document
from docx.oxml.ns import qn

from data_access.commands import decisions as dc
from data_access.commands import meetings as mc
from data_access.db import read_session
from data_access.documents import meeting_docs as md
from data_access.queries import meetings as mq
from rules.metrics import Period
from tests.support.meeting_world import CHAIR, MEETING_ON, OFFICE, TODAY, build_world


def _text(blob: bytes) -> tuple[Document, str]:
    doc = Document(io.BytesIO(blob))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return doc, "\n".join(parts)


def _east_asian_fonts(doc: Document) -> set[str | None]:
    """The East-Asian font named by every run with text, in paragraphs and table cells."""
    fonts = set()
    cells = [p for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    for p in [*doc.paragraphs, *cells]:
        for run in p.runs:
            if run.text.strip():
                r_fonts = run._element.rPr.find(qn("w:rFonts"))
                fonts.add(None if r_fonts is None else r_fonts.get(qn("w:eastAsia")))
    return fonts


@pytest.fixture
def held_meeting(empty_db):
    """A meeting taken through its whole life with two items, two decisions, attendance."""
    w = build_world()
    m = mc.schedule_meeting(OFFICE, held_on=MEETING_ON, place="市政府3号会议室", start_time="14:30",
                            chair_name="王副市长", observers=[("李明", "人大代表")], today=TODAY)
    first = mc.submit_agenda_item(w.head(w.east), m.id, title="关于占道经营职责划分的议题", kind="dispute",
                                  dispute_ids=[w.stalled_dispute], presenter="陈主任", minutes=15, today=TODAY)
    second = mc.add_suggested_item(OFFICE, m.id, f"referrals:{w.housing}", today=TODAY, expected_version=None)
    waiting = mc.submit_agenda_item(w.head(w.hill), m.id, title="关于夜间施工扰民的议题", kind="policy", today=TODAY)
    mc.review_agenda_item(OFFICE, first.id, "approved", expected_version=None)
    mc.review_agenda_item(OFFICE, second.id, "approved", expected_version=None)
    return w, m, first, second, waiting


def test_agenda_is_a_draft_until_approved_then_lists_the_running_order(held_meeting):
    w, m, first, second, waiting = held_meeting
    with read_session() as s:
        doc, text = _text(md.agenda_docx(s, m.id))
    assert "2026年4月联席会议议程" in text and "征求意见稿" in text
    assert "关于夜间施工扰民的议题（待审定）" in text
    mc.review_agenda_item(OFFICE, waiting.id, "declined", expected_version=None)
    mc.approve_agenda(CHAIR, m.id, expected_version=None)
    with read_session() as s:
        doc, text = _text(md.agenda_docx(s, m.id))
    assert "征求意见稿" not in text and "夜间施工" not in text
    for expected in ("LX-2026-04", "2026年4月20日 14:30", "市政府3号会议室", "王副市长", "李明（人大代表）",
                     "市住房和城乡建设局、市市场监督管理局"):
        assert expected in text
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[0] == ["序号", "议题", "提交单位", "汇报人", "类型", "时长（分钟）"]
    assert rows[1] == ["1", "关于占道经营职责划分的议题", "城东街道", "陈主任", "职责争议", "15"]
    assert rows[2][0] == "2" and rows[2][1].startswith("市住房和城乡建设局移送案件受理告知超期")
    assert "议题共 2 项，预计用时 25 分钟" in text
    assert _east_asian_fonts(doc) <= {md.TITLE_FONT, md.HEADING_FONT, md.BODY_FONT}


def test_minutes_record_each_item_with_its_decisions_and_the_attendance(held_meeting):
    w, m, first, second, waiting = held_meeting
    mc.review_agenda_item(OFFICE, waiting.id, "deferred", expected_version=None)
    mc.approve_agenda(CHAIR, m.id, expected_version=None)
    mc.start_session(CHAIR, m.id, now=datetime(2026, 4, 20, 14, 30), expected_version=None)
    dc.record_decision(CHAIR, m.id, text="占道经营由城东街道牵头整治，住建局配合", lead_agency_id=w.east,
                       co_agency_ids=[w.housing], due_on=date(2026, 5, 15), item_id=first.id, today=MEETING_ON, expected_version=None)
    mc.select_item(OFFICE, m.id, second.id, expected_version=None)
    dc.record_decision(CHAIR, m.id, text="住建局5个工作日内逐件书面告知受理情况", lead_agency_id=w.housing,
                       co_agency_ids=[], due_on=date(2026, 4, 27), item_id=second.id, today=MEETING_ON, expected_version=None)
    with read_session() as s:
        _, observers = mq.meeting_people(s, m.id)
    mc.record_attendance(OFFICE, m.id, {
        w.justice: "present", w.housing: ("deputised", "张科长"), w.market: "absent", w.east: "present",
        w.hill: "present"}, observers={observers[0].id: True}, expected_version=None)
    mc.close_meeting(CHAIR, m.id, expected_version=None)
    with read_session() as s:
        doc, text = _text(md.minutes_docx(s, m.id, issued_on=date(2026, 4, 21), today=date(2026, 4, 21)))
    lines = text.splitlines()
    assert lines[0] == "联席会议纪要" and lines[1] == "〔2026〕第4期"
    assert "2026年4月21日" in lines[2] and "联席会议办公室" in lines[2]
    assert "2026年4月联席会议纪要" in text
    assert "2026年4月20日，2026年4月联席会议在市政府3号会议室召开，会议由王副市长主持，4家成员单位参加会议" in text
    assert "形成议定事项2项" in text
    i1 = lines.index("一、关于占道经营职责划分的议题")
    assert lines[i1 + 1] == "该议题由城东街道提出，陈主任汇报。"
    assert lines[i1 + 2] == "（一）占道经营由城东街道牵头整治，住建局配合。"
    assert lines[i1 + 3] == "牵头单位：城东街道；配合单位：市住房和城乡建设局；完成时限：2026年5月15日。"
    i2 = next(i for i, ln in enumerate(lines) if ln.startswith("二、市住房和城乡建设局移送案件"))
    assert lines[i2 + 3] == "牵头单位：市住房和城乡建设局；完成时限：2026年4月27日。"
    assert "夜间施工" not in text  # deferred items are not in the minutes
    assert "出席单位：市司法局、城东街道、青山镇" in text
    assert "委托出席：市住房和城乡建设局（张科长代）" in text
    assert "缺席单位：市市场监督管理局" in text
    assert "列席人员：李明（人大代表）" in text
    assert "2026年4月21日印发" in text
    fonts = _east_asian_fonts(doc)
    assert None not in fonts and md.TITLE_FONT in fonts
    font_table = next(p for p in doc.part.package.iter_parts() if str(p.partname).endswith("fontTable.xml"))
    assert "方正小标宋简体".encode() in font_table.blob and 'w:altName w:val="黑体"'.encode() in font_table.blob


def test_minutes_numbers():
    assert md.minutes_number("LX-2026-11") == "〔2026〕第11期"
    assert md.minutes_number("LX-2027-L02") == "〔2027〕临第2期"
    assert md.cn_ordinal(12) == "十二" and md.cn_ordinal(20) == "二十" and md.cn_ordinal(3) == "三"
    assert md.default_pack_period(date(2026, 3, 15)) == Period(date(2026, 2, 1), date(2026, 2, 28))


def test_meeting_pack_lists_metrics_and_overdue_referrals_per_agency(held_meeting):
    w, m, *_ = held_meeting
    with read_session() as s:
        doc, text = _text(md.meeting_pack_docx(s, m.id, period=Period(date(2026, 3, 1), date(2026, 3, 31)),
                                               as_of=TODAY, today=TODAY))
    assert "2026年4月联席会议会议材料" in text
    assert "统计期间：2026年3月1日至2026年3月31日" in text
    # Overdue on TODAY: two to housing (20 and 15 days), one to market (3 days).
    assert "超过受理告知期限仍未书面告知的移送案件共3件，涉及2家单位" in text
    assert "（一）市住房和城乡建设局：2件，最长超期20天" in text
    assert "（二）市市场监督管理局：1件，最长超期3天" in text
    overdue_rows = [[c.text for c in r.cells] for t in doc.tables[1:3] for r in t.rows[1:]]
    assert [r[0] for r in overdue_rows] == ["YS-2026-000001", "YS-2026-000002", "YS-2026-000003"]
    assert [r[5] for r in overdue_rows] == ["20", "15", "3"]
    ranking = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert ranking[0][:2] == ["排名", "单位"]
    # Sent in March: 城东街道 on 03-02 and 03-22, 青山镇 on 03-07 (the February one is outside).
    sent = {r[1]: r[2] for r in ranking[1:]}
    assert sent.get("城东街道") == "2" and sent.get("青山镇") == "1"
    assert "无督办中的议定事项" in text
    assert _east_asian_fonts(doc) == {md.TITLE_FONT, md.HEADING_FONT, md.BODY_FONT}
