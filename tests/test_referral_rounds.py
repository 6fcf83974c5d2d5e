"""Referral rounds and hours (DOMAIN.md, Rounds and Hours; issue #11, items 1 and 2).

A returned (退回) referral sent again is a new round; the earlier round is kept exactly as it
was and keeps counting in the period where it happened. Driven through the commands the
forms call and through a ledger import: October's figures, the published October 通报 and
the overdue report of an October day do not change when the referral is sent again in
November, and the referral's detail shows both rounds. A property test: no sequence of
commands dated after a period's end changes that period's figures as of its last day.
The urgent sending rule is judged in hours where the time is known.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from data_access.commands import referrals as cmd
from data_access.commands.base import CommandError
from data_access.commands.reports import publish_report
from data_access.db import read_session, write_session
from data_access.importing import read_table
from data_access.models import PublishedReport, Referral, ReferralRound
from data_access.queries.bulletin import bulletin_figures, pending_corrections
from data_access.queries.dashboard import LightBounds, monthly_trend, unacknowledged_rows
from data_access.queries.metrics import agency_metrics_sql, metrics_report
from data_access.queries.overdue import overdue_acknowledgements
from data_access.queries.referrals import referral_detail
from data_access.rulebook import load_rules
from rules import deadlines
from rules.metrics import Period, agency_metrics
from tests.support.entry_world import OFFICE, make_world
from tests.support.reference_facts import reference_facts

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
OCT_END = date(2026, 10, 31)
LATE = date(2026, 12, 1)  # a "today" after everything below


@pytest.fixture
def world(empty_db):
    return make_world()


def _content(world, **overrides) -> dict:
    values = dict(
        title="某小区违法搭建", to_agency_id=world.housing, discovered_on=date(2026, 10, 9), domain="规划建设",
        approved_by="李镇长", materials=["移送函", "现场照片"],
    )
    values.update(overrides)
    return values


def _october(session=None) -> tuple:
    """October's figures as of its last day: every agency's metrics, the report's rows, the
    overdue reports of two October days, the backlog query of one and the month's trend."""

    def read(s):
        return (
            agency_metrics_sql(s, OCTOBER, OCT_END),
            metrics_report(s, OCTOBER, OCT_END),
            overdue_acknowledgements(s, date(2026, 10, 20)),
            overdue_acknowledgements(s, OCT_END),
            _backlog(s, date(2026, 10, 20)),
            monthly_trend(s, OCT_END, months=1),
        )

    if session is not None:
        return read(session)
    with read_session() as s:
        return read(s)


def _backlog(session, as_of: date) -> list[tuple]:
    pending = unacknowledged_rows(as_of, Referral.id.label("id"), Referral.to_agency_id.label("to"),
                                  Referral.sent_on.label("sent_on"), Referral.ack_due_on.label("due"))
    return sorted(session.execute(select(pending.c.id, pending.c.to, pending.c.sent_on, pending.c.due)).all())


def _reference_agrees(session, period: Period, as_of: date) -> None:
    sql = agency_metrics_sql(session, period, as_of)
    refs, assists, disputes, decisions = reference_facts(session)
    for a, m in sql.items():
        assert m == agency_metrics(a, period, as_of, refs, assists, disputes, decisions), a


# --------------------------------------------------------------------------- the scenario


def _sent_returned_late(world) -> int:
    """Sent 10-09 (acknowledgement due 10-15), returned late on 10-30: through the commands."""
    town = world.clerk(world.town)
    saved = cmd.create_referral(town, from_agency_id=world.town, send=True, sent_on=date(2026, 10, 9),
                                sent_time=time(10, 0), today=date(2026, 10, 9), **_content(world))
    with read_session() as s:
        assert s.get(Referral, saved.id).ack_due_on == date(2026, 10, 15)  # 10-10 is a make-up working day
    cmd.acknowledge_referral(world.clerk(world.housing), saved.id, outcome="returned", ack_on=date(2026, 10, 30),
                             reason="材料不全，请补充现场检查记录", today=date(2026, 10, 30), expected_version=None)
    return saved.id


def test_a_resend_through_the_forms_leaves_october_and_its_published_report_unchanged(world):
    ref_id = _sent_returned_late(world)
    before = _october()
    metrics = before[0]
    assert (metrics[world.town].referrals_sent, metrics[world.town].sent_late) == (1, 0)
    assert (metrics[world.housing].referrals_received, metrics[world.housing].ack_late) == (1, 1)
    assert [o.number for o in before[2]] and before[4]  # overdue and awaiting on 10-20
    october = publish_report(OFFICE, "2026-10", OCT_END, issued_on=date(2026, 11, 3), today=date(2026, 11, 3))
    with read_session() as s:
        published = s.get(PublishedReport, october.id).figures

    # 11-16: the town supplements the materials and sends it again (the form's 修改并重新移送).
    ref = cmd.revise_referral(world.clerk(world.town), ref_id, send=True, sent_on=date(2026, 11, 16),
                              sent_time=time(9, 30), note="已补充现场检查记录", today=date(2026, 11, 16),
                              expected_version=None, **_content(world, materials=["移送函", "现场检查记录"]))

    assert _october() == before
    with read_session() as s:
        assert pending_corrections(s) == []  # nothing to correct on the next report
        again = bulletin_figures(s, OCTOBER, OCT_END)
        assert again == {k: v for k, v in published.items() if k != "corrections"}
        # November: the re-send is a sending received by housing, not judged as sent late.
        nov = agency_metrics_sql(s, NOVEMBER, date(2026, 11, 30))
        assert (nov[world.town].referrals_sent, nov[world.town].sent_judged) == (1, 0)
        assert nov[world.housing].referrals_received == 1
        _reference_agrees(s, OCTOBER, OCT_END)
        _reference_agrees(s, NOVEMBER, date(2026, 11, 30))

        current = s.get(Referral, ref_id)
        assert (current.round_no, current.sent_on, current.status) == (2, date(2026, 11, 16), "sent")
        assert current.ack_due_on == date(2026, 11, 23)  # 5 working days from the new sending
        assert current.ack_on is None and current.send_due_on is None
        det = referral_detail(s, ref_id, LightBounds.build(LATE, *reversed(load_rules(s))))
    assert [(r.round_no, r.sent_on, r.ack_due_on, r.ack_on, r.ack_outcome, r.current) for r in det.rounds] == [
        (1, date(2026, 10, 9), date(2026, 10, 15), date(2026, 10, 30), "returned", False),
        (2, date(2026, 11, 16), date(2026, 11, 23), None, None, True),
    ]
    assert det.rounds[0].ack_days_late == 15 and det.rounds[0].sent_at == datetime(2026, 10, 9, 10, 0)
    assert det.rounds[1].sent_at == datetime(2026, 11, 16, 9, 30)
    assert det.deadlines[0].met_on == date(2026, 10, 9)  # the sending judged: the first one
    assert ref.version > 1


def test_a_returned_referral_revised_then_sent_keeps_its_first_round(world):
    ref_id = _sent_returned_late(world)
    before = _october()
    saved = cmd.revise_referral(world.clerk(world.town), ref_id, send=False, today=date(2026, 11, 10),
                                expected_version=None, **_content(world))
    assert saved.status == "draft"
    assert _october() == before
    cmd.send_referral(world.clerk(world.town), ref_id, sent_on=date(2026, 11, 16), today=date(2026, 11, 16), expected_version=None)
    cmd.acknowledge_referral(world.clerk(world.housing), ref_id, outcome="accepted", ack_on=date(2026, 11, 18),
                             today=date(2026, 11, 18), expected_version=None)
    assert _october() == before
    with read_session() as s:
        (kept,) = s.scalars(select(ReferralRound)).all()
        assert (kept.round_no, kept.sent_on, kept.ack_on, kept.ack_outcome) == (
            1, date(2026, 10, 9), date(2026, 10, 30), "returned")
        assert kept.send_due_on is not None  # the first sending's limit, judged in October
        nov = agency_metrics_sql(s, NOVEMBER, date(2026, 11, 30))
        assert (nov[world.housing].ack_judged, nov[world.housing].ack_late) == (1, 0)
        _reference_agrees(s, NOVEMBER, date(2026, 11, 30))


HEADER = ["移送编号", "案件名称", "移送单位", "接收单位", "发现日期", "移送日期", "受理告知日期", "受理结果", "受理说明"]


def _csv(*rows: list) -> bytes:
    lines = [",".join(HEADER)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_a_resend_through_the_import_leaves_october_and_its_published_report_unchanged(world):
    first = ["YS-2026-000100", "某小区违法搭建", "青山镇", "市住房和城乡建设局", "2026-10-09 08:30", "2026-10-09 10:00",
             "2026-10-30", "退回", "材料不全"]
    cmd.import_ledger(OFFICE, "referrals", read_table(_csv(first), "台账.csv"))
    before = _october()
    assert before[0][world.housing].ack_late == 1
    october = publish_report(OFFICE, "2026-10", OCT_END, issued_on=date(2026, 11, 3), today=date(2026, 11, 3))
    with read_session() as s:
        published = s.get(PublishedReport, october.id).figures

    # The ledger sent again: the row names the returned referral with a later 移送日期.
    second = ["YS-2026-000100", "某小区违法搭建", "青山镇", "市住房和城乡建设局", "2026-10-09 08:30", "2026-11-16 09:00",
              None, None, None]
    result = cmd.import_ledger(OFFICE, "referrals", read_table(_csv(second), "台账.csv"))
    assert (result.created, result.updated) == (0, 1)
    assert _october() == before
    with read_session() as s:
        assert pending_corrections(s) == []
        assert bulletin_figures(s, OCTOBER, OCT_END) == {k: v for k, v in published.items() if k != "corrections"}
        ref = s.scalars(select(Referral)).one()
        assert (ref.round_no, ref.sent_on, ref.ack_on, ref.status) == (2, date(2026, 11, 16), None, "sent")
        det = referral_detail(s, ref.id, LightBounds.build(LATE, *reversed(load_rules(s))))
        _reference_agrees(s, NOVEMBER, date(2026, 11, 30))
    assert [(r.round_no, r.sent_on, r.ack_outcome) for r in det.rounds] == [
        (1, date(2026, 10, 9), "returned"), (2, date(2026, 11, 16), None)]

    # The same file again, or the export (one line per round), changes nothing.
    again = cmd.import_ledger(OFFICE, "referrals", read_table(_csv(second), "台账.csv"))
    both = cmd.import_ledger(OFFICE, "referrals", read_table(_csv(first, second), "台账.csv"))
    assert (again.updated, both.updated, both.created) == (0, 0, 0)
    with read_session() as s:
        assert len(s.scalars(select(ReferralRound)).all()) == 1

    # A recorded round is not rewritten by a file.
    rewritten = list(first)
    rewritten[6] = "2026-10-14"
    with pytest.raises(CommandError) as refused:
        cmd.import_ledger(OFFICE, "referrals", read_table(_csv(rewritten, second), "台账.csv"))
    assert any("第1次移送已记录" in e.message for e in refused.value.errors)
    assert _october() == before


def test_an_import_of_two_rounds_into_an_empty_ledger_records_both(world):
    rows = _csv(
        ["YS-2026-000200", "案件", "青山镇", "市住房和城乡建设局", "2026-10-09", "2026-10-09", "2026-10-30", "退回", "材料不全"],
        ["YS-2026-000200", "案件", "青山镇", "市住房和城乡建设局", "2026-10-09", "2026-11-16", "2026-11-18", "受理", None],
    )
    result = cmd.import_ledger(OFFICE, "referrals", read_table(rows, "台账.csv"))
    assert result.created == 1
    with read_session() as s:
        ref = s.scalars(select(Referral)).one()
        (kept,) = s.scalars(select(ReferralRound)).all()
        assert (ref.round_no, ref.sent_on, ref.status) == (2, date(2026, 11, 16), "accepted")
        assert (kept.round_no, kept.sent_on, kept.ack_on, kept.ack_due_on) == (
            1, date(2026, 10, 9), date(2026, 10, 30), date(2026, 10, 15))
        m = agency_metrics_sql(s, OCTOBER, OCT_END)
        assert (m[world.housing].referrals_received, m[world.housing].ack_late) == (1, 1)


def test_two_rows_of_one_number_that_are_not_rounds_are_refused(world):
    rows = _csv(
        ["YS-2026-000300", "案件", "青山镇", "市住房和城乡建设局", "2026-10-09", "2026-10-09", "2026-10-12", "受理", None],
        ["YS-2026-000300", "案件", "青山镇", "市住房和城乡建设局", "2026-10-09", "2026-11-16", None, None, None],
    )
    with pytest.raises(CommandError):
        cmd.import_ledger(OFFICE, "referrals", read_table(rows, "台账.csv"))


# --------------------------------------------------------------------------- the property


class _Rollback(Exception):
    pass


def _base(world) -> list[int]:
    """October's referrals in every state a later command can move."""
    town, other, housing, police = (world.clerk(a) for a in (world.town, world.other_town, world.housing,
                                                              world.police))
    ids = []

    def make(clerk, frm, to, discovered, sent, **kw):
        saved = cmd.create_referral(clerk, from_agency_id=frm, send=sent is not None, sent_on=sent,
                                    today=date(2026, 10, 31), **_content(world, to_agency_id=to,
                                                                         discovered_on=discovered, **kw))
        ids.append(saved.id)
        return saved.id

    make(town, world.town, world.housing, date(2026, 10, 9), date(2026, 10, 9))  # never answered
    returned_late = make(town, world.town, world.housing, date(2026, 10, 9), date(2026, 10, 12))
    cmd.acknowledge_referral(housing, returned_late, outcome="returned", ack_on=date(2026, 10, 30),
                             reason="退回", today=date(2026, 10, 31), expected_version=None)
    accepted = make(other, world.other_town, world.police, date(2026, 10, 12), date(2026, 10, 13), criminal=True)
    cmd.acknowledge_referral(police, accepted, outcome="accepted", ack_on=date(2026, 10, 14), today=date(2026, 10, 31), expected_version=None)
    make(housing, world.housing, world.town, date(2026, 10, 22), date(2026, 10, 26))  # due in November
    returned_on_time = make(housing, world.housing, world.other_town, date(2026, 10, 19), date(2026, 10, 20))
    cmd.acknowledge_referral(other, returned_on_time, outcome="returned", ack_on=date(2026, 10, 22), reason="退回",
                             today=date(2026, 10, 31), expected_version=None)
    make(town, world.town, world.police, date(2026, 10, 29), date(2026, 10, 30), urgency="urgent",
         discovered_time=time(8, 0))
    make(town, world.town, world.housing, date(2026, 10, 28), None)  # a draft sent later, if at all
    return ids


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["ack", "resend", "revise", "send", "result", "close", "create"]),
        st.integers(0, 6),  # which referral
        st.integers(1, 29),  # November day
        st.sampled_from(["accepted", "declined", "returned"]),
    ),
    max_size=12,
)


def _apply(world, uow, ids, action) -> None:
    kind, which, day, outcome = action
    on = date(2026, 11, day)
    ref_id = ids[which % len(ids)]
    ref = uow.get(Referral, ref_id)
    sender, receiver = world.clerk(ref.from_agency_id), world.clerk(ref.to_agency_id)
    content = _content(world, to_agency_id=ref.to_agency_id, discovered_on=ref.discovered_on)
    try:
        if kind == "ack":
            cmd.acknowledge_referral(receiver, ref_id, outcome=outcome, ack_on=on, reason="理由", today=LATE, uow=uow, expected_version=None)
        elif kind == "resend":
            cmd.revise_referral(sender, ref_id, send=True, sent_on=on, today=LATE, uow=uow, expected_version=None, **content)
        elif kind == "revise":
            cmd.revise_referral(sender, ref_id, send=False, today=LATE, uow=uow, expected_version=None, **content)
        elif kind == "send":
            cmd.send_referral(sender, ref_id, sent_on=on, today=LATE, uow=uow, expected_version=None)
        elif kind == "result":
            cmd.report_result(receiver, ref_id, result_on=on, summary="已立案查处", today=LATE, uow=uow, expected_version=None)
        elif kind == "close":
            cmd.close_referral(sender, ref_id, closed_on=on, today=LATE, uow=uow, expected_version=None)
        else:  # discovered in October, sent in November
            saved = cmd.create_referral(sender, from_agency_id=ref.from_agency_id, send=True, sent_on=on,
                                        today=LATE, uow=uow, **_content(world, to_agency_id=ref.to_agency_id,
                                                                        discovered_on=date(2026, 10, 30)))
            ids.append(saved.id)
    except CommandError:
        pass  # a step the lifecycle or the dates refuse: nothing changed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_commands_dated_after_a_period_never_change_its_figures(property_world, actions):
    world, ids, before = property_world
    try:
        with write_session() as uow:
            ids = list(ids)
            for action in sorted(actions, key=lambda a: a[2]):
                _apply(world, uow, ids, action)
            uow.flush()
            assert _october(uow) == before
            _reference_agrees(uow, OCTOBER, OCT_END)
            _reference_agrees(uow, NOVEMBER, date(2026, 11, 30))
            raise _Rollback
    except _Rollback:
        pass


@pytest.fixture
def property_world(world):
    ids = _base(world)
    return world, ids, _october()


# --------------------------------------------------------------------------- hours


def test_urgent_sent_38_hours_after_discovery_is_late():
    from rules.settings import RuleSettings

    s = RuleSettings()
    found = datetime(2026, 10, 9, 8, 0)
    due_at = deadlines.send_deadline_moment(found.date(), urgent=True, s=s, discovered_at=found)
    assert due_at == datetime(2026, 10, 10, 8, 0)
    sent = found + timedelta(hours=38)  # 10-10 22:00: the next date, but 38 hours
    assert not deadlines.sent_on_time(sent.date(), due_at.date(), sent_at=sent, send_due_at=due_at)
    assert deadlines.sent_on_time(sent.date(), due_at.date(), sent_at=found + timedelta(hours=23), send_due_at=due_at)
    # No time of discovery: the limit ends at the end of the day after discovery.
    assert deadlines.sent_on_time(date(2026, 10, 10), date(2026, 10, 10), sent_at=sent, send_due_at=None)
    assert not deadlines.sent_on_time(date(2026, 10, 11), date(2026, 10, 10))


def test_the_urgent_rule_is_judged_in_hours_in_every_figure(world):
    town = world.clerk(world.town)
    urgent = dict(urgency="urgent", discovered_on=date(2026, 10, 9))
    late = cmd.create_referral(town, from_agency_id=world.town, discovered_time=time(8, 0), send=True,
                               sent_on=date(2026, 10, 10), sent_time=time(22, 0), today=OCT_END,
                               **_content(world, **urgent))
    in_time = cmd.create_referral(town, from_agency_id=world.town, discovered_time=time(8, 0), send=True,
                                  sent_on=date(2026, 10, 10), sent_time=time(7, 30), today=OCT_END,
                                  **_content(world, **urgent))
    unknown = cmd.create_referral(town, from_agency_id=world.town, send=True, sent_on=date(2026, 10, 10),
                                  sent_time=time(22, 0), today=OCT_END, **_content(world, **urgent))
    unknown_late = cmd.create_referral(town, from_agency_id=world.town, send=True, sent_on=date(2026, 10, 11),
                                       today=OCT_END, **_content(world, **urgent))
    with read_session() as s:
        rows = {r.id: r for r in s.scalars(select(Referral))}
        assert rows[late.id].send_due_at == datetime(2026, 10, 10, 8, 0)
        assert rows[late.id].send_due_on == date(2026, 10, 10)  # by date it would look on time
        assert rows[unknown.id].discovered_at is None and rows[unknown.id].send_due_at is None
        assert rows[unknown.id].send_due_on == date(2026, 10, 10)  # the end of the day after discovery
        m = agency_metrics_sql(s, OCTOBER, OCT_END)[world.town]
        assert (m.sent_judged, m.sent_late) == (4, 2)  # 38 hours late, and the day after the limit's day
        _reference_agrees(s, OCTOBER, OCT_END)
        det = referral_detail(s, unknown.id, LightBounds.build(OCT_END, *reversed(load_rules(s))))
    assert det.discovered_at is None and det.send_due_at is None  # the page says 时间未填
    assert in_time.status == unknown_late.status == "sent"


def test_the_ledger_finds_a_referral_by_any_of_its_sendings_and_counts_them(world):
    """A figure that counts sendings (a re-send is a new one) opens the ledger filtered to
    their dates: the list holds each referral once and says how many sendings it holds."""
    from data_access.queries.referrals import LedgerFilter, ledger_page

    ref_id = _sent_returned_late(world)
    cmd.revise_referral(world.clerk(world.town), ref_id, send=True, sent_on=date(2026, 11, 16),
                        today=date(2026, 11, 16), expected_version=None, **_content(world))
    bounds = LightBounds(date(2026, 11, 30), date(2026, 12, 3))
    with read_session() as s:
        october = ledger_page(s, LedgerFilter(sent_from=date(2026, 10, 1), sent_to=OCT_END), bounds)
        autumn = ledger_page(s, LedgerFilter(sent_from=date(2026, 10, 1), sent_to=date(2026, 11, 30)), bounds)
        december = ledger_page(s, LedgerFilter(sent_from=date(2026, 12, 1)), bounds)
        unfiltered = ledger_page(s, LedgerFilter(), bounds)
    assert [r.id for r in october.rows] == [ref_id] and october.sendings == 1  # its first round
    assert (autumn.total, autumn.sendings) == (1, 2)
    assert (december.total, december.sendings) == (0, 0)
    assert unfiltered.sendings is None
