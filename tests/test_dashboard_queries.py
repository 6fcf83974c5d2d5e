"""The dashboards' queries on a small hand-made city (tests/support/dashboard_data.py), on
SQLite and PostgreSQL; every expected figure is worked out by hand in the data's comments."""

from __future__ import annotations

import io
from datetime import date, timedelta

import docx
import pytest

from data_access.db import read_session
from data_access.documents.reminder import BODY_FONT, ISSUER, ReminderLine, reminder_notice
from data_access.queries import dashboard, disputes, metrics, my_agency, referrals
from data_access.queries import map as town_map
from data_access.queries.overdue import overdue_acknowledgements
from data_access.rulebook import load_rules
from rules.calendar import WorkCalendar
from rules.lights import Light, light_for
from rules.metrics import INSUFFICIENT, WEIGHTED, Period, Scoring
from rules.settings import RuleSettings
from tests.support import dashboard_data as data
from tests.support.dashboard_data import AS_OF, d

OCTOBER = Period(*data.OCTOBER)


@pytest.fixture
def city(empty_db):
    ids = data.build(empty_db)
    with read_session(empty_db) as session:
        s, cal = load_rules(session)
        yield session, ids, s, cal


def _bounds(s, cal, as_of=AS_OF):
    return dashboard.LightBounds.build(as_of, cal, s)


# --------------------------------------------------------------------------- lights


@pytest.mark.parametrize("yellow_days", [1, 2, 3])
def test_light_bounds_agree_with_light_for_around_the_october_holiday(yellow_days):
    cal = WorkCalendar({}, [])
    s = RuleSettings(yellow_working_days=yellow_days)
    for as_of in (date(2026, 9, 25) + timedelta(days=i) for i in range(30)):
        b = dashboard.LightBounds.build(as_of, cal, s)
        for offset in range(-3, 15):
            due = as_of + timedelta(days=offset)
            assert b.light(due) == light_for(due, as_of, cal, s), (as_of, due)


def test_light_sql_and_where_agree_with_python(city):
    session, ids, s, cal = city
    from sqlalchemy import select

    from data_access.models import Referral

    b = _bounds(s, cal)
    rows = session.execute(select(Referral.ack_due_on, b.sql(Referral.ack_due_on))).all()
    assert rows
    for due, light in rows:
        assert light == (b.light(due).value if due else None)
    for light in Light:
        n = session.execute(select(Referral.id).where(b.where(Referral.ack_due_on, light))).all()
        assert len(n) == sum(1 for due, _ in rows if due and b.light(due) == light)


# --------------------------------------------------------------------------- overview


def test_headline(city):
    session, ids, s, cal = city
    pm = metrics.period_metrics(session, OCTOBER, AS_OF)
    h = dashboard.headline(session, OCTOBER, AS_OF, s, pm.totals()["referrals_sent"])
    assert h.referrals_sent == 7  # r1 r2 r3 r4 r6 r7 r10
    assert h.awaiting_ack == 5  # r1 r2 r3 r4 r7
    assert h.overdue_ack == 3  # r1 r4 r7
    assert h.overdue_ack == len(overdue_acknowledgements(session, AS_OF))
    assert h.open_disputes == 2  # d1 d2
    assert h.next_meeting_on == d(11, 20)
    assert h.decisions_horizon == d(11, 20)
    assert (h.decisions_due, h.decisions_overdue) == (3, 2)  # c1 c2 c6; c1 c6 late


def test_backlog_board_and_ages(city):
    session, ids, s, cal = city
    backlog = {row.agency_id: row for row in dashboard.backlog_by_agency(session, AS_OF)}
    assert set(backlog) == {ids.A, ids.B}
    b, a = backlog[ids.B], backlog[ids.A]
    assert (b.awaiting_ack, b.overdue_ack, b.awaiting_result) == (3, 1, 1)
    assert (a.awaiting_ack, a.overdue_ack, a.awaiting_result) == (2, 2, 0)
    assert b.ack_by_age == {"16-30": 1, "6-15": 2}
    assert b.result_by_age == {"30+": 1}
    assert a.ack_by_age == {"6-15": 2}
    assert [row.agency_id for row in dashboard.backlog_by_agency(session, AS_OF)] == [ids.B, ids.A]
    assert [row.agency_id for row in dashboard.backlog_by_agency(session, AS_OF, kind="town")] == [ids.A]

    board = dashboard.ack_board(session, _bounds(s, cal))
    assert [(r.agency_id, r.red, r.yellow, r.green, r.max_days_late) for r in board] == [
        (ids.A, 2, 0, 0, 3),
        (ids.B, 1, 1, 1, 9),
    ]


def test_backlog_on_an_earlier_day_ignores_later_answers(city):
    session, ids, s, cal = city
    # On 10-12 r6 was answered that very day; r5 answered 10-09; r7 not yet sent.
    backlog = {row.agency_id: row for row in dashboard.backlog_by_agency(session, d(10, 12))}
    assert backlog[ids.C].awaiting_result == 1  # r6 accepted 10-12, result only on 10-20
    assert backlog[ids.B].awaiting_result == 1  # r5
    assert ids.A not in backlog  # r10 answered on 10-16, but sent 10-15... see next line
    backlog_15 = {row.agency_id: row for row in dashboard.backlog_by_agency(session, d(10, 15))}
    assert backlog_15[ids.A].awaiting_ack == 1  # r10 sent 10-15, returned only on 10-16


def test_monthly_trend(city):
    session, ids, s, cal = city
    trend = dashboard.monthly_trend(session, AS_OF, months=3)
    assert [(p.year, p.month) for p in trend] == [(2026, 9), (2026, 10), (2026, 11)]
    assert [p.sent for p in trend] == [1, 7, 0]  # r5; r1 r2 r3 r4 r6 r7 r10; r9 is after AS_OF
    assert trend[1].label == "2026-10"
    assert [p.sent for p in dashboard.monthly_trend(session, d(11, 30), months=2)] == [7, 1]


def test_disputes_by_stage_and_open_disputes(city):
    session, ids, s, cal = city
    stages = {row.stage: row for row in dashboard.disputes_by_stage(session, AS_OF, 30)}
    assert (stages["negotiation"].fresh, stages["negotiation"].stalled) == (0, 1)
    assert (stages["joint_handling"].fresh, stages["joint_handling"].stalled) == (1, 0)
    assert stages["negotiation"].oldest_days == 46
    assert sum(row.total for row in stages.values()) == 2

    rows = disputes.open_disputes(session, AS_OF, 30)
    assert [(r.number, r.stage, r.days_in_stage, r.stalled) for r in rows] == [
        ("ZY-2026-001", "negotiation", 46, True),
        ("ZY-2026-002", "joint_handling", 16, False),
    ]
    assert rows[0].parties == ["甲镇", "乙局"]
    assert rows[0].days_open == 65
    only_c = disputes.open_disputes(session, AS_OF, 30, agency_id=ids.C)
    assert [r.number for r in only_c] == ["ZY-2026-002"]
    # Today both are past: d2 is now in negotiation since 11-10.
    later = {r.number: r for r in disputes.open_disputes(session, d(11, 21), 30)}
    assert later["ZY-2026-002"].stage == "negotiation"
    # The rows behind a bar of the overview's chart (a stage, stalled or not): as many as it shows.
    for stage, row in stages.items():
        for stalled, figure in ((False, row.fresh), (True, row.stalled)):
            found = disputes.open_disputes(session, AS_OF, 30, stage=stage, stalled=stalled)
            assert len(found) == figure and all(r.stage == stage and r.stalled == stalled for r in found)


def test_dispute_detail_has_the_stage_history(city):
    session, ids, s, cal = city
    detail = disputes.dispute_detail(session, ids.disputes["d3"], AS_OF)
    assert [(st.stage, st.entered_on, st.days) for st in detail.stages] == [
        ("joint_handling", d(8, 1), 14),
        ("negotiation", d(8, 15), 47),
        ("resolved", d(10, 1), 0),
    ]
    assert [p.name for p in detail.parties] == ["甲镇（测试）", "丙街道（测试）"]
    assert disputes.dispute_detail(session, 999_999, AS_OF) is None


def test_decisions_due(city):
    session, ids, s, cal = city
    total, rows = dashboard.decisions_due(session, _bounds(s, cal), d(11, 20))
    assert total == 3
    assert [(r.text[:2], r.light, r.days_late) for r in rows] == [
        ("c1", Light.RED, 5),
        ("c6", Light.RED, 4),
        ("c2", Light.GREEN, 0),
    ]
    assert rows[0].meeting_number == "LX-2026-10"


def test_overview_bundles_everything(city):
    session, ids, s, cal = city
    o = dashboard.overview(session, OCTOBER, AS_OF, cal, s)
    assert o.headline.referrals_sent == 7
    assert o.decisions_total == 3
    assert len(o.trend) == 12
    towns = town_map.town_backlog(session, AS_OF)
    assert [(t.name, t.backlog, t.overdue_ack) for t in towns] == [("甲镇（测试）", 2, 2), ("丙街道（测试）", 0, 0)]
    assert towns[0].outline == data.SQUARE


# --------------------------------------------------------------------------- ledger


def test_ledger_filters_lights_search_and_paging(city):
    session, ids, s, cal = city
    b = _bounds(s, cal)
    F = referrals.LedgerFilter

    def numbers(f, **kw):
        return {r.number for r in referrals.ledger_page(session, f, b, **kw).rows}

    def n(key):
        return f"YS-2026-{list(data.REFERRALS).index(key) + 1:06d}"

    assert referrals.ledger_page(session, F(), b).total == 10
    assert numbers(F(light="red")) == {n("r1"), n("r4")}
    assert numbers(F(light="yellow")) == {n("r2")}
    assert numbers(F(light="green")) == {n("r3"), n("r8"), n("r9")}
    assert numbers(F(light="none")) == {n("r5"), n("r6"), n("r7"), n("r10")}
    assert numbers(F(to_agency_id=ids.B, status="sent")) == {n("r1"), n("r2"), n("r3")}
    both = numbers(F(status="sent,accepted"))  # a town's backlog on the map: either status
    assert both == numbers(F(status="sent")) | numbers(F(status="accepted")) and len(both) > 3
    assert numbers(F(from_agency_id=ids.C)) == {n("r3"), n("r7")}
    assert numbers(F(agency_id=ids.C)) == {n("r3"), n("r6"), n("r7"), n("r9")}
    assert numbers(F(domain="规划建设")) == {n("r1"), n("r5")}
    assert numbers(F(sent_from=d(10, 26), sent_to=d(10, 30))) == {n("r2"), n("r3"), n("r4"), n("r7")}
    assert numbers(F(search="违法建设")) == {n("r1"), n("r5")}
    assert numbers(F(search="ys-2026-000004")) == {n("r4")}
    assert numbers(F(search="100%")) == set()  # % is searched for literally

    first = referrals.ledger_page(session, F(), b, page=1, page_size=4)
    third = referrals.ledger_page(session, F(), b, page=3, page_size=4)
    assert (first.total, first.pages, len(first.rows), len(third.rows)) == (10, 3, 4, 2)
    assert [r.number for r in first.rows] == [n("r9"), n("r4"), n("r3"), n("r2")]  # newest sent first
    all_rows = referrals.ledger_rows(session, F(), b)
    assert [r.number for r in all_rows[:4]] == [r.number for r in first.rows]
    assert all_rows[-1].number == n("r8")  # the draft, never sent, last
    assert referrals.ledger_page(session, F(), b, page=99, page_size=4).page == 3

    row = all_rows[-1]
    assert (row.status, row.due_on, row.light) == ("draft", d(11, 6), Light.GREEN)


def test_referral_detail(city):
    session, ids, s, cal = city
    b = _bounds(s, cal)
    det = referrals.referral_detail(session, ids.referrals["r1"], b)
    assert det.from_agency == "甲镇（测试）" and det.to_agency == "乙局（测试）"
    send, ack = det.deadlines
    assert (send.code, send.due_on, send.met_on, send.light) == ("send", d(10, 22), d(10, 20), None)
    assert (ack.code, ack.due_on, ack.light, ack.days_late) == ("ack", d(10, 27), Light.RED, 9)
    assert [(e.from_status, e.to_status) for e in det.history] == [("draft", "sent")]
    det6 = referrals.referral_detail(session, ids.referrals["r6"], b)
    assert [e.to_status for e in det6.history] == ["sent", "accepted"]
    assert det6.deadlines[1].met_on == d(10, 12) and det6.deadlines[1].light is None
    assert referrals.find_referral_id(session, "ys-2026-000001") == ids.referrals["r1"]
    assert referrals.referral_detail(session, 999_999, b) is None


# --------------------------------------------------------------------------- my agency


def test_my_agency_lists(city):
    session, ids, s, cal = city
    view = my_agency.my_agency(session, ids.B, _bounds(s, cal))
    ta = view.to_acknowledge
    assert (ta.total, ta.red, ta.yellow, ta.green) == (3, 1, 1, 1)
    assert [i.title for i in ta.items] == ["违法建设移送一", "占道经营移送", "无证餐饮移送"]
    assert ta.items[0].days_late == 9 and ta.items[0].counterpart == "甲镇"
    tr = view.to_answer
    assert (tr.total, tr.red, tr.yellow) == (2, 1, 1)
    assert [i.number for i in tr.items] == ["XZ-2026-0001", "XZ-2026-0002"]
    dec = view.decisions
    assert (dec.total, dec.red, dec.green) == (2, 1, 1)  # c1 leads, c2 co-agency
    assert [i.title[:2] for i in dec.items] == ["c1", "c2"]
    theirs = view.awaiting_their_ack
    assert (theirs.total, theirs.red) == (1, 1) and theirs.items[0].title == "涉嫌盗伐林木"
    assert view.awaiting_their_answer.total == 0
    # The rows behind the figures 待本单位答复协作 and 协作答复超期 (the cards open them).
    waiting = my_agency.assistance_waiting(session, ids.B, _bounds(s, cal))
    assert (waiting.total, [i.number for i in waiting.items]) == (tr.total, [i.number for i in tr.items])
    late = my_agency.assistance_waiting(session, ids.B, _bounds(s, cal), light="red")
    assert late.total == tr.red == len(late.items) and all(i.light == Light.RED for i in late.items)

    view_a = my_agency.my_agency(session, ids.A, _bounds(s, cal))
    assert view_a.awaiting_their_answer.total == 1  # XZ-0001 open; XZ-0004 withdrawn is not
    assert view_a.awaiting_their_ack.total == 2  # r1, r2 (r8 is a draft)
    assert my_agency.my_agency(session, 999_999, _bounds(s, cal)) is None


# --------------------------------------------------------------------------- ranking


def test_ranking_and_previous_period(city):
    session, ids, s, cal = city
    assert metrics.previous_period(OCTOBER) == Period(d(9, 1), d(9, 30))
    assert metrics.previous_period(Period(d(10, 1), d(12, 31))) == Period(d(7, 1), d(9, 30))
    assert metrics.previous_period(Period(date(2026, 1, 1), date(2026, 12, 31))) == Period(
        date(2025, 1, 1), date(2025, 12, 31)
    )
    assert metrics.previous_period(Period(d(10, 10), d(10, 19))) == Period(d(9, 30), d(10, 9))

    pm = metrics.period_metrics(session, OCTOBER, AS_OF)
    # The small city judges a handful of items: by default (at least 5) few are ranked.
    for r in pm.ranking():
        assert (r.rank is None) == (r.judged < 5) == (r.note == INSUFFICIENT) == (r.score is None)
    ranking = pm.ranking(Scoring(min_items=1))
    by_id = {r.agency_id: r for r in ranking}
    assert by_id[ids.Z].score is None and by_id[ids.Z].rank is None and by_id[ids.Z].judged == 0
    assert ranking[-1].agency_id == ids.Z  # unranked last among the departments
    assert [r.kind for r in ranking] == sorted((r.kind for r in ranking), key=("town", "department").index)
    ranked = [r for r in ranking if r.rank is not None and r.kind == "department"]
    assert [r.rank for r in ranked] == sorted(r.rank for r in ranked)
    assert all(a.score >= b.score for a, b in zip(ranked, ranked[1:]))
    # B in October: received r1 r2 r3 (r1 overdue, r2 r3 unsettled): ack rate 0/1;
    # sent r4 r10 on time (send due = sent + 3 wd); assistance: XZ-0001 not settled...
    m = pm.current[ids.B]
    assert m.ack_on_time_rate == 0.0 and m.sent_on_time_rate == 1.0
    only_ack = Scoring(method=WEIGHTED, min_items=1, weights={"ack_on_time_rate": 1.0})
    late = m.sent_late + m.ack_late + m.assists_late + m.decisions_late + m.disputes_late
    assert late == 5 and by_id[ids.B].score == 100.0 - 2 * late  # 百分制扣分: no item used up
    assert {r.agency_id: r.score for r in metrics.rank_agencies(pm.current, pm.before, only_ack, pm.agencies)
            }[ids.B] == 0.0


# --------------------------------------------------------------------------- reminder notice


def test_reminder_notice_lists_every_overdue_referral(city):
    session, ids, s, cal = city
    rows = overdue_acknowledgements(session, AS_OF, ids.A)
    lines = [ReminderLine(r.number, r.title, r.from_agency, r.sent_on, r.ack_due_on, r.days_late, r.provisional)
             for r in rows]
    blob = reminder_notice("甲镇（测试）", lines, AS_OF, issued_on=d(11, 6))
    doc = docx.Document(io.BytesIO(blob))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于督促办理超期未受理告知移送案件的通知" in text
    assert "甲镇（测试）：" in text
    assert "截至2026年11月5日" in text and "以下2件" in text
    assert text.rstrip().endswith(f"{ISSUER}\n2026年11月6日")
    table = doc.tables[0]
    body = [[c.text for c in row.cells] for row in table.rows]
    assert body[0] == ["序号", "移送编号", "案件名称", "移送单位", "移送日期", "受理告知期限", "超期天数", "期限性质"]
    assert body[1:] == [
        ["1", "YS-2026-000004", "涉嫌盗伐林木", "乙局（测试）", "2026-10-30", "2026-11-02", "3", "正式"],
        ["2", "YS-2026-000007", "河道采砂", "丙街道（测试）", "2026-10-26", "2026-11-02", "3", "正式"],
    ]
    # Chinese fonts are named on the runs (w:eastAsia), else Word may show boxes.
    from docx.oxml.ns import qn

    run = doc.tables[0].rows[1].cells[2].paragraphs[0].runs[0]
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == BODY_FONT


def test_reminder_notice_marks_provisional_due_dates():
    line = ReminderLine("YS-2026-000009", "跨年移送", "乙局", d(12, 29), date(2027, 1, 6), 2, True)
    doc = docx.Document(io.BytesIO(reminder_notice("甲镇", [line], date(2027, 1, 8))))
    assert doc.tables[0].rows[1].cells[7].text == "暂定"
    assert any("暂定" in p.text and "1件" in p.text for p in doc.paragraphs)
