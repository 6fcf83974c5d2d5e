"""Every dashboard page, for every role, rendered with AppTest on the sample city.

Each test checks the figures the page shows against the same figures computed here,
independently, from the raw rows (plain column selects, counted in Python): not by calling
the dashboards' query functions. And no page may raise.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data_access import models
from data_access.commands.base import Actor
from data_access.db import read_session
from rules.lights import LIGHT_LABELS, LIGHT_SYMBOLS, Light
from rules.metrics import Period, agency_metrics, deduction_score, judged_items
from tests.support.apptest import run_page
from tests.support.reference_facts import reference_facts

PAGES = ("overview", "ledger", "overdue", "disputes", "metrics", "my_agency")
ROLES = ("office", "chair", "head", "clerk", "observer")
RED_COLUMN = f"{LIGHT_SYMBOLS[Light.RED]} {LIGHT_LABELS[Light.RED][0].split('/')[0]}"  # "■ 红灯"
STALL_DAYS = 30  # the default setting; the sample city changes no setting


# --------------------------------------------------------------------------- raw rows


@dataclass
class Raw:
    today: date
    agencies: dict
    referrals: list
    assists: list
    disputes: list
    stages: list
    parties: dict
    decisions: list
    co_agencies: dict
    meetings: list
    rounds: list = ()
    """Earlier rounds of referrals sent again after a return (referral_rounds)."""
    facts: tuple = ()
    """Every row as the reference facts of ``rules.metrics`` (tests.support.reference_facts)."""

    @property
    def month(self) -> Period:
        start = self.today.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return Period(start, end)

    # -- referrals
    def unacked(self, r) -> bool:
        return r.sent_on is not None and r.sent_on <= self.today and (r.ack_on is None or r.ack_on > self.today)

    def overdue(self, r) -> bool:
        return self.unacked(r) and r.ack_due_on is not None and r.ack_due_on < self.today

    def sent_in(self, r, period: Period) -> bool:
        return r.sent_on is not None and period.start <= r.sent_on <= min(period.end, self.today)

    # -- disputes
    def open_dispute(self, d) -> bool:
        return d.opened_on <= self.today and (d.resolved_on is None or d.resolved_on > self.today)

    def stage_since(self, d) -> date:
        rows = [s for s in self.stages if s.dispute_id == d.id and s.entered_on <= self.today]
        if not rows:
            return d.stage_since
        return max(rows, key=lambda s: (s.entered_on, s.id)).entered_on

    # -- decisions
    def open_decision(self, c) -> bool:
        return c.status != "cancelled" and (c.done_on is None or c.done_on > self.today)


def _rows(session, *cols):
    return session.execute(select(*cols)).all()


_RAW: dict[str, Raw] = {}


@pytest.fixture
def raw(city_db) -> Raw:
    """The sample city's rows, read once per database (the city is read-only)."""
    url = city_db.url.render_as_string(hide_password=False)
    if url not in _RAW or _RAW[url].today != date.today():
        _RAW[url] = _load(city_db)
    return _RAW[url]


def _load(city_db) -> Raw:
    with read_session(city_db) as s:
        agencies = {a.id: a for a in _rows(s, models.Agency.id, models.Agency.name, models.Agency.kind, models.Agency.active)}
        referrals = _rows(s, models.Referral.id, models.Referral.number, models.Referral.from_agency_id, models.Referral.to_agency_id,
                          models.Referral.sent_on, models.Referral.send_due_on, models.Referral.ack_on, models.Referral.ack_due_on,
                          models.Referral.ack_workdays, models.Referral.result_on, models.Referral.status,
                          models.Referral.sent_at, models.Referral.send_due_at)
        rr = models.ReferralRound
        rounds = _rows(s, rr.from_agency_id, rr.to_agency_id, rr.sent_on, rr.send_due_on, rr.ack_on, rr.ack_due_on,
                       rr.ack_workdays, rr.sent_at, rr.send_due_at)
        assists = _rows(s, models.AssistanceRequest.id, models.AssistanceRequest.from_agency_id, models.AssistanceRequest.to_agency_id,
                        models.AssistanceRequest.requested_on, models.AssistanceRequest.due_on, models.AssistanceRequest.answered_on,
                        models.AssistanceRequest.status)
        disputes = _rows(s, models.Dispute.id, models.Dispute.opened_on, models.Dispute.resolved_on, models.Dispute.stage_since,
                         models.Dispute.stage)
        stages = _rows(s, models.DisputeStage.id, models.DisputeStage.dispute_id, models.DisputeStage.entered_on, models.DisputeStage.stage)
        parties: dict[int, set] = {}
        for dispute_id, agency_id in _rows(s, models.DisputeParty.dispute_id, models.DisputeParty.agency_id):
            parties.setdefault(dispute_id, set()).add(agency_id)
        decisions = _rows(s, models.Decision.id, models.Decision.meeting_id, models.Decision.lead_agency_id, models.Decision.due_on,
                          models.Decision.done_on, models.Decision.status)
        co: dict[int, set] = {}
        for decision_id, agency_id in _rows(s, models.DecisionAgency.decision_id, models.DecisionAgency.agency_id):
            co.setdefault(decision_id, set()).add(agency_id)
        meetings = _rows(s, models.Meeting.id, models.Meeting.held_on, models.Meeting.status)
        facts = reference_facts(s)
    return Raw(date.today(), agencies, referrals, assists, disputes, stages, parties, decisions, co, meetings, rounds,
               facts)


def _busy_town(raw: Raw) -> int:
    """The town that received the most referrals: its head and clerk have the most to see."""
    counts: dict[int, int] = {}
    for r in raw.referrals:
        if raw.agencies[r.to_agency_id].kind == "town":
            counts[r.to_agency_id] = counts.get(r.to_agency_id, 0) + 1
    return max(counts, key=lambda a: (counts[a], -a))


def _actor(role: str, raw: Raw) -> Actor:
    agency = _busy_town(raw) if role in ("head", "clerk") else None
    return Actor(username=f"test-{role}", role=role, agency_id=agency)


def _run(page: str, actor: Actor, state: dict | None = None, query: dict | None = None) -> AppTest:
    at = run_page(page, actor, state, timeout=120, query=query)
    assert not at.error, [e.value for e in at.error]
    return at


def _metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, f"no figure labelled {label!r}; shown: {[m.label for m in at.metric]}"
    return found[0]


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def _frame_with(at: AppTest, column: str) -> pd.DataFrame:
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with a column {column!r}")


# --------------------------------------------------------------------------- each page, each role


def check_overview(at: AppTest, raw: Raw, actor: Actor) -> None:
    D = raw.today
    # Every sending counts, an earlier round of a referral sent again included.
    assert _int(_metric(at, "本期移送案件")) == sum(raw.sent_in(r, raw.month) for r in (*raw.referrals, *raw.rounds))
    assert _int(_metric(at, "待受理告知")) == sum(raw.unacked(r) for r in raw.referrals)
    overdue = [r for r in raw.referrals if raw.overdue(r)]
    assert _int(_metric(at, "受理告知超期")) == len(overdue)
    assert _int(_metric(at, "未结职责争议")) == sum(raw.open_dispute(d) for d in raw.disputes)
    upcoming = [m.held_on for m in raw.meetings if m.held_on >= D and m.status != "cancelled"]
    horizon = min(upcoming) if upcoming else D + timedelta(days=30)
    due = [c for c in raw.decisions if raw.open_decision(c) and c.due_on <= horizon]
    assert _int(_metric(at, "下次会议前到期议定事项")) == len(due)

    board = _frame_with(at, RED_COLUMN)
    shown = dict(zip(board["接收单位"], board[RED_COLUMN]))
    expected: dict[str, int] = {}
    for r in raw.referrals:
        if raw.unacked(r) and r.ack_due_on is not None:
            name = raw.agencies[r.to_agency_id].name
            expected[name] = expected.get(name, 0) + (r.ack_due_on < D)
    assert shown == expected
    assert overdue, "the sample city keeps some overdue acknowledgements for the board"
    assert at.get("plotly_chart"), "the overview draws its charts"
    assert at.get("deck_gl_json_chart"), "the overview draws the map"


def check_ledger(at: AppTest, raw: Raw, actor: Actor) -> None:
    rows = [r for r in raw.referrals if raw.sent_in(r, raw.month)]
    if actor.role in ("head", "clerk"):
        rows = [r for r in rows if actor.agency_id in (r.from_agency_id, r.to_agency_id)]
    assert [h.value for h in at.subheader if h.value.startswith("共")] == [f"共 {len(rows):,} 件"]
    rows.sort(key=lambda r: (r.sent_on, r.id), reverse=True)
    shown = _frame_with(at, "移送编号")
    assert list(shown["移送编号"]) == [r.number for r in rows[:50]]


def check_overdue(at: AppTest, raw: Raw, actor: Actor) -> None:
    rows = [r for r in raw.referrals if raw.overdue(r)]
    if actor.role in ("head", "clerk"):
        rows = [r for r in rows if r.to_agency_id == actor.agency_id]
    assert _int(_metric(at, "超期件数")) == len(rows)
    assert _int(_metric(at, "涉及单位")) == len({r.to_agency_id for r in rows})
    if rows:
        longest = max((raw.today - r.ack_due_on).days for r in rows)
        assert _int(_metric(at, "最长超期（天）")) == longest
        summary = _frame_with(at, "超期件数")
        per_agency: dict[str, int] = {}
        for r in rows:
            per_agency[raw.agencies[r.to_agency_id].name] = per_agency.get(raw.agencies[r.to_agency_id].name, 0) + 1
        assert dict(zip(summary["接收单位"], summary["超期件数"])) == per_agency


def check_disputes(at: AppTest, raw: Raw, actor: Actor) -> None:
    rows = [d for d in raw.disputes if raw.open_dispute(d)]
    if actor.role in ("head", "clerk"):
        rows = [d for d in rows if actor.agency_id in raw.parties.get(d.id, set())]
    assert _int(_metric(at, "未结争议")) == len(rows)
    stalled = [d for d in rows if (raw.today - raw.stage_since(d)).days > STALL_DAYS]
    assert _int(_metric(at, "停滞争议")) == len(stalled)
    if actor.role == "observer":  # figures only: the count per stage, no dispute named
        assert not any("争议编号" in df.value.columns for df in at.dataframe)
        per_stage = _frame_with(at, "所处阶段")
        assert per_stage["未结争议"].sum() == len(rows) and per_stage["停滞争议"].sum() == len(stalled)
    elif rows:
        shown = _frame_with(at, "争议编号")
        assert len(shown) == len(rows)


def _reference(raw: Raw, agency_id: int, period: Period, as_of: date):
    return agency_metrics(agency_id, period, as_of, *raw.facts)


def check_metrics(at: AppTest, raw: Raw, actor: Actor) -> None:
    agency_id = at.selectbox(key="flt_metrics_agency").value
    if actor.role in ("head", "clerk"):
        assert agency_id == actor.agency_id
    sendings = (*raw.referrals, *raw.rounds)
    sent = sum(1 for r in sendings if r.from_agency_id == agency_id and raw.sent_in(r, raw.month))
    received = sum(1 for r in sendings if r.to_agency_id == agency_id and raw.sent_in(r, raw.month))
    assert _int(_metric(at, "移送案件数")) == sent
    assert _int(_metric(at, "接收移送数")) == received
    m = _reference(raw, agency_id, raw.month, raw.today)
    # 百分制扣分 by default, shown only for an agency with enough judged items to be ranked
    ranked = raw.agencies[agency_id].kind in ("town", "department") and judged_items(m) >= 5
    assert _metric(at, "协同评分") == (f"{deduction_score(m):.1f}" if ranked else "—")
    assert _int(_metric(at, "考核件数")) == judged_items(m)
    listed = pd.concat([df.value for df in at.dataframe if "排名" in df.value.columns])
    ranked_kinds = {a for a, ag in raw.agencies.items() if ag.kind in ("town", "department")}
    assert listed["移送案件数"].sum() == sum(raw.sent_in(r, raw.month) for r in raw.referrals
                                         if r.from_agency_id in ranked_kinds)


def check_my_agency(at: AppTest, raw: Raw, actor: Actor) -> None:
    if actor.role in ("head", "clerk"):
        agency_id = actor.agency_id
    else:
        agency_id = at.selectbox(key="flt_my_agency").value
    D = raw.today
    to_ack = [r for r in raw.referrals if r.to_agency_id == agency_id and raw.unacked(r)]
    assert _int(_metric(at, "待本单位受理告知")) == len(to_ack)
    assert _int(_metric(at, "其中超期")) == sum(raw.overdue(r) for r in to_ack)
    to_answer = [a for a in raw.assists if a.to_agency_id == agency_id and a.requested_on <= D
                 and a.status != "withdrawn" and (a.answered_on is None or a.answered_on > D)]
    assert _int(_metric(at, "待本单位答复协作")) == len(to_answer)
    held = {m.id: m.held_on for m in raw.meetings}
    ours = [c for c in raw.decisions if raw.open_decision(c) and held[c.meeting_id] <= D
            and (c.lead_agency_id == agency_id or agency_id in raw.co_agencies.get(c.id, set()))]
    assert _int(_metric(at, "本单位承办的议定事项")) == len(ours)
    theirs = [r for r in raw.referrals if r.from_agency_id == agency_id and raw.unacked(r)]
    assert _int(_metric(at, "等待他方受理告知")) == len(theirs)
    assert at.title[0].value == raw.agencies[agency_id].name


CHECKS = {
    "overview": check_overview,
    "ledger": check_ledger,
    "overdue": check_overdue,
    "disputes": check_disputes,
    "metrics": check_metrics,
    "my_agency": check_my_agency,
}


def _menu_pairs() -> list[tuple[str, str]]:
    """(page, role) for each role whose menu holds the page (the permission matrix decides;
    tests/test_read_scopes.py checks that the other roles are refused)."""
    from ui.menu import PAGES as SPECS

    specs = {spec.path: spec for spec in SPECS}
    return [(page, role) for page in PAGES for role in ROLES if specs[f"pages/{page}.py"].open_to(role)]


@pytest.mark.parametrize(("page", "role"), _menu_pairs())
def test_page_shows_the_right_figures_for_each_role(page, role, raw):
    actor = _actor(role, raw)
    at = _run(page, actor)
    CHECKS[page](at, raw, actor)


# --------------------------------------------------------------------------- interactions


def test_ledger_search_filter_and_detail(raw):
    actor = _actor("office", raw)
    at = _run("ledger", actor, {"_kept_flt_ledger_all_dates": True})
    total = len(raw.referrals)
    assert [h.value for h in at.subheader if h.value.startswith("共")] == [f"共 {total:,} 件"]

    red = [r for r in raw.referrals if r.status == "sent" and r.ack_due_on and r.ack_due_on < raw.today]
    red += [r for r in raw.referrals if r.status == "draft" and r.send_due_on and r.send_due_on < raw.today]
    at.selectbox(key="flt_ledger_light").set_value("red").run()
    assert [h.value for h in at.subheader if h.value.startswith("共")] == [f"共 {len(red):,} 件"]

    target = max(raw.referrals, key=lambda r: r.id)
    at.selectbox(key="flt_ledger_light").set_value("").run()
    at.text_input(key="flt_ledger_search").set_value(target.number.lower()).run()
    shown = _frame_with(at, "移送编号")
    assert list(shown["移送编号"]) == [target.number]
    at.selectbox(key="ledger_detail").set_value(target.id).run()
    assert not at.exception
    with read_session() as s:
        events = s.execute(select(models.ReferralEvent.id).where(models.ReferralEvent.referral_id == target.id)).all()
    history = _frame_with(at, "新状态")
    assert len(history) == len(events)
    deadlines = _frame_with(at, "到期日")
    assert list(deadlines["期限"]) == ["移送期限", "受理告知期限"]


def test_ledger_detail_shows_each_round_and_says_when_a_time_was_not_given(raw):
    """DOMAIN.md, Rounds and Hours: a referral sent again after 退回 shows 第1次移送 and
    第2次移送 with each round's dates and answer; a date without its time says 时间未填."""
    with read_session() as s:
        target = s.scalars(select(models.Referral).where(models.Referral.round_no > 1)
                           .order_by(models.Referral.id)).first()
        first = s.scalars(select(models.ReferralRound).where(models.ReferralRound.referral_id == target.id)
                          .order_by(models.ReferralRound.round_no)).first()
    at = _run("ledger", _actor("office", raw), {"_kept_flt_ledger_all_dates": True})
    at.text_input(key="flt_ledger_search").set_value(target.number).run()
    at.selectbox(key="ledger_detail").set_value(target.id).run()
    assert not at.exception
    rounds = _frame_with(at, "轮次")
    assert list(rounds["轮次"]) == [f"第{n}次移送" for n in range(1, target.round_no)] + [f"第{target.round_no}次移送（当前）"]
    assert rounds["移送日期"].iloc[0].startswith(first.sent_on.isoformat())
    assert rounds["受理结果"].iloc[0] == "退回" and rounds["受理告知"].iloc[0] == first.ack_on.isoformat()
    text = "\n".join(m.value for m in at.markdown)
    if target.discovered_at is None:
        assert f"{target.discovered_on.isoformat()}（时间未填）" in text


def _count(at: AppTest, unit: str) -> list[str]:
    return [h.value for h in at.subheader if h.value.startswith("共") and h.value.endswith(unit)]


def test_a_figure_s_address_opens_exactly_its_rows(raw):
    """What a figure's link puts in the address (ui.drill) narrows the list to its rows, with
    the filter shown and the count to compare: a town's backlog on the map (the ledger), a bar
    of the disputes chart (a stage, stalled or not), the assistance cards of 本单位."""
    D, chair = raw.today, _actor("chair", raw)
    town = _busy_town(raw)
    at = _run("ledger", chair, query={"label": "积压合计", "status": "sent,accepted", "to": str(town)})
    backlog = [r for r in raw.referrals if r.to_agency_id == town and r.status in ("sent", "accepted")]
    assert _count(at, "件") == [f"共 {len(backlog):,} 件"]
    assert any(b.label == "清除筛选" for b in at.button)

    open_disputes = [d for d in raw.disputes if raw.open_dispute(d)]
    for stalled in (False, True):
        for stage in ("negotiation", "joint_handling"):
            at = _run("disputes", chair, query={"label": "争议", "stage": stage, "stalled": str(int(stalled))})
            stage_of = {s.dispute_id: s for s in sorted(raw.stages, key=lambda s: (s.entered_on, s.id))
                        if s.entered_on <= D}
            expected = [d for d in open_disputes if (stage_of[d.id].stage if d.id in stage_of else d.stage) == stage
                        and ((D - raw.stage_since(d)).days > STALL_DAYS) == stalled]
            assert _count(at, "项") == [f"共 {len(expected):,} 项"], (stage, stalled)

    head = _actor("head", raw)
    asked = [a for a in raw.assists if a.to_agency_id == head.agency_id and a.requested_on <= D
             and a.status != "withdrawn" and (a.answered_on is None or a.answered_on > D)]
    for light, expected in ((None, asked), ("red", [a for a in asked if a.due_on < D])):
        query = {"label": "协作", "to": str(head.agency_id), **({"light": light} if light else {})}
        at = _run("assistance", head, query=query)
        assert _count(at, "项") == [f"共 {len(expected):,} 项"], light


def test_period_and_filters_stay_put_between_pages(raw):
    """The kept filter values (what survives a page change) drive the next page."""
    actor = _actor("chair", raw)
    at = _run("overview", actor)
    start = (raw.today.replace(day=1) - timedelta(days=1)).replace(day=1)
    previous = Period(start, raw.today.replace(day=1) - timedelta(days=1))
    last_month = f"{previous.start.isoformat()}/{previous.end.isoformat()}"
    at.selectbox(key="flt_period_month").set_value(last_month).run()
    assert not at.exception
    kept = {k: v for k, v in at.session_state.to_dict().items() if k.startswith("_kept_")}
    assert kept["_kept_flt_period_month"] == last_month
    assert _int(_metric(at, "本期移送案件")) == sum(raw.sent_in(r, previous) for r in raw.referrals)

    # Another page in the same session: only the kept values survive the page change.
    metrics_page = _run("metrics", actor, kept)
    assert metrics_page.selectbox(key="flt_period_month").value == last_month
    assert metrics_page.caption[0].value.startswith(f"{start.year}年{start.month}月")
    listed = {a for a, ag in raw.agencies.items() if ag.kind in ("town", "department")}
    sent = sum(1 for r in raw.referrals if raw.sent_in(r, previous) and r.from_agency_id in listed)
    shown = sum(df.value["移送案件数"].sum() for df in metrics_page.dataframe if "排名" in df.value.columns)
    assert shown == sent


def test_english_labels(raw):
    at = _run("overview", _actor("chair", raw), {"lang": "en"})
    assert at.title[0].value == "Overview"
    labels = [m.label for m in at.metric]
    assert "Referrals sent" in labels and "Acknowledgement overdue" in labels


def test_excel_export_keeps_chinese_headers():
    from ui.components import excel_bytes

    frame = pd.DataFrame({"移送编号": ["YS-2026-000001"], "案件名称": ["占道经营"], "超期天数": [3]})
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes({"移送台账": frame})))
    sheet = book["移送台账"]
    assert [c.value for c in sheet[1]] == ["移送编号", "案件名称", "超期天数"]
    assert [c.value for c in sheet[2]] == ["YS-2026-000001", "占道经营", 3]


def test_a_committed_write_shows_at_once(empty_db):
    """Cached reads are keyed by the newest audit row: a write (which always appends one)
    shows on the next run, with no cache cleared by hand."""
    from data_access.commands.base import SYSTEM, audit, snapshot
    from data_access.db import write_session
    from data_access.rulebook import load_rules
    from data_access.stored_deadlines import referral_deadline_fields
    from tests.support import dashboard_data

    ids = dashboard_data.build(empty_db)
    at = _run("overview", Actor(username="chair", role="chair"))
    before = _int(_metric(at, "待受理告知"))
    at.run()
    assert _int(_metric(at, "待受理告知")) == before  # unchanged data, same figure

    sent = date.today() - timedelta(days=1)
    with write_session(empty_db) as s:
        settings, cal = load_rules(s)
        r = models.Referral(number="YS-2026-009999", title="刚发出的移送", from_agency_id=ids.A, to_agency_id=ids.B,
                     discovered_on=sent, sent_on=sent, status="sent",
                     **referral_deadline_fields(cal, settings, discovered_on=sent, sent_on=sent))
        s.add(r)
        s.flush()
        audit(s, SYSTEM, "referral.create", "referrals", r.id, None, snapshot(r))
    at.run()
    assert not at.exception
    assert _int(_metric(at, "待受理告知")) == before + 1
