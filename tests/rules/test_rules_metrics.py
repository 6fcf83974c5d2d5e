"""Per-agency metrics on a small hand-made data set; expected numbers worked out by hand.

Agencies: A = 1, B = 2, C = 3, Z = 9 (does nothing). Period: October 2026. As of 2026-11-05.
"""

from __future__ import annotations

from datetime import date

import pytest

from rules.metrics import (
    DEFAULT_WEIGHTS,
    METRIC_LABELS,
    RATE_FIELDS,
    AgencyMetrics,
    AssistFacts,
    DecisionFacts,
    DisputeFacts,
    Period,
    ReferralFacts,
    agency_metrics,
    score,
)

A, B, C, Z = 1, 2, 3, 9
OCT = Period(date(2026, 10, 1), date(2026, 10, 31))
AS_OF = date(2026, 11, 5)


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def R(frm, to, sent, send_due, ack, ack_due, workdays, result, status):
    return ReferralFacts(frm, to, sent, send_due, ack, ack_due, workdays, result, status)


REFERRALS = [
    #   from to  sent       send_due   ack        ack_due    wd    result     status
    R(A, B, d(10, 8), d(10, 9), d(10, 12), d(10, 15), 2, d(10, 20), "reported"),  # r1
    R(A, B, d(10, 9), d(10, 8), d(10, 20), d(10, 16), 7, None, "accepted"),  # r2 sent late, acked late
    R(A, B, d(10, 30), None, None, d(11, 6), None, None, "sent"),  # r3 no send due; ack not yet due
    R(A, B, d(10, 20), d(10, 21), None, d(10, 27), None, None, "sent"),  # r4 ack overdue
    R(A, B, d(9, 30), d(9, 30), d(10, 9), d(10, 13), 2, d(10, 15), "reported"),  # r5 sent in Sept
    R(B, A, d(10, 15), d(10, 15), d(10, 16), d(10, 22), 1, d(11, 10), "reported"),  # r6 result after as_of
    R(A, B, d(11, 2), d(11, 3), None, d(11, 9), None, None, "sent"),  # r7 sent in Nov
    R(A, C, d(10, 25), d(10, 27), d(11, 7), d(11, 1), 6, None, "accepted"),  # r8 ack after as_of
    R(A, B, None, None, None, None, None, None, "draft"),  # r9 never sent
    R(C, B, d(10, 10), d(10, 12), d(10, 17), d(10, 17), 5, d(10, 30), "reported"),  # r10 acked on due day
    R(C, A, d(10, 5), d(10, 5), d(10, 9), d(10, 13), 2, d(10, 28), "reported"),  # r11 sent on due day
    R(A, B, d(10, 29), d(10, 30), None, d(11, 5), None, None, "sent"),  # r12 ack due = as_of
]

ASSISTS = [
    #            to from requested  due        answered
    AssistFacts(A, B, d(10, 10), d(10, 14), d(10, 14)),  # a1 answered on the due day
    AssistFacts(A, B, d(10, 12), d(10, 15), d(10, 20)),  # a2 late
    AssistFacts(A, C, d(10, 30), d(11, 5), None),  # a3 due = as_of: not settled
    AssistFacts(A, C, d(10, 20), d(10, 23), None),  # a4 overdue
    AssistFacts(A, B, d(9, 28), d(10, 8), d(10, 8)),  # a5 requested in Sept
    AssistFacts(A, B, d(10, 25), None, None),  # a6 no due date
    AssistFacts(B, A, d(10, 5), d(10, 9), d(10, 9)),  # a7 to B, on time
]

DISPUTES = [
    DisputeFacts(frozenset({A, B}), d(10, 3), d(10, 25)),  # d1
    DisputeFacts(frozenset({A, C}), d(10, 18), d(11, 6)),  # d2 resolved after as_of
    DisputeFacts(frozenset({B, C}), d(10, 20), None),  # d3
    DisputeFacts(frozenset({A, B}), d(9, 15), d(10, 10)),  # d4 opened in Sept
    DisputeFacts(frozenset({A}), d(11, 1), None),  # d5 opened in Nov
]

DECISIONS = [
    DecisionFacts(A, d(10, 15), d(10, 15), "done"),  # c1 done on the due day
    DecisionFacts(A, d(10, 20), d(10, 22), "done"),  # c2 late
    DecisionFacts(A, d(10, 31), None, "open"),  # c3 overdue
    DecisionFacts(A, d(10, 25), None, "cancelled"),  # c4 cancelled: left out
    DecisionFacts(A, d(11, 10), None, "open"),  # c5 due in Nov
    DecisionFacts(A, None, None, "open"),  # c6 no due date
    DecisionFacts(B, d(10, 30), d(10, 1), "done"),  # c7 early
    DecisionFacts(B, d(10, 28), d(11, 8), "done"),  # c8 done after as_of: overdue as of
]


def metrics(agency, period=OCT, as_of=AS_OF) -> AgencyMetrics:
    return agency_metrics(agency, period, as_of, REFERRALS, ASSISTS, DISPUTES, DECISIONS)


def test_agency_a():
    m = metrics(A)
    # sent in Oct by A: r1 r2 r3 r4 r8 r12 (r5 Sept, r7 Nov, r9 never sent) -> 6
    assert m.referrals_sent == 6
    # with a send due: r1 ok, r2 late, r4 ok, r8 ok, r12 ok (r3 has none) -> 4/5
    assert m.sent_on_time_rate == pytest.approx(0.8)
    # received by A in Oct: r6, r11 -> 2; both acknowledged by their due date -> 2/2
    assert m.referrals_received == 2
    assert m.ack_on_time_rate == 1.0
    # workdays 1 (r6) and 2 (r11): median of an even count is the mean of the middle two
    assert m.median_ack_workdays == 1.5
    # results: r11 (10-28); r6's result is dated after as_of -> 1
    assert m.results_reported == 1
    # assists to A in Oct with a due date: a1 on time, a2 late, a3 not settled, a4 overdue -> 1/3
    assert m.assists_answered_on_time_rate == pytest.approx(1 / 3)
    # disputes opened in Oct with A: d1, d2 -> 2; resolved in Oct: d1 (10-25), d4 (10-10) -> 2
    assert (m.disputes_involved, m.disputes_resolved) == (2, 2)
    # decisions led by A due in Oct, not cancelled: c1 on time, c2 late, c3 overdue -> 1/3
    assert m.decisions_done_on_time_rate == pytest.approx(1 / 3)


def test_agency_b():
    m = metrics(B)
    # sent: r6 -> 1, on its due day -> 1.0
    assert (m.referrals_sent, m.sent_on_time_rate) == (1, 1.0)
    # received in Oct: r1 r2 r3 r4 r10 r12 -> 6
    assert m.referrals_received == 6
    # settled: r1 on time, r2 late, r4 overdue, r10 on the due day (r3, r12 not yet due) -> 2/4
    assert m.ack_on_time_rate == 0.5
    # acknowledged: r1 2, r2 7, r10 5 -> median 5
    assert m.median_ack_workdays == 5.0
    # results reported in Oct: r1, r10 and r5 (sent in Sept, reported 10-15) -> 3
    assert m.results_reported == 3
    # a7 answered on time -> 1/1
    assert m.assists_answered_on_time_rate == 1.0
    # disputes opened: d1, d3 -> 2; resolved in Oct: d1, d4 -> 2
    assert (m.disputes_involved, m.disputes_resolved) == (2, 2)
    # c7 on time; c8 done only after as_of and due 10-28 < as_of -> 1/2
    assert m.decisions_done_on_time_rate == 0.5


def test_agency_c():
    m = metrics(C)
    # sent: r10 (10-10 <= 10-12), r11 (10-05 <= 10-05) -> 2, 2/2
    assert (m.referrals_sent, m.sent_on_time_rate) == (2, 1.0)
    # received: r8, acknowledged only after as_of and due 11-01 < as_of -> overdue, 0/1
    assert (m.referrals_received, m.ack_on_time_rate) == (1, 0.0)
    assert m.median_ack_workdays is None
    assert m.results_reported == 0
    assert m.assists_answered_on_time_rate is None
    # disputes d2, d3 -> 2; neither resolved by as_of
    assert (m.disputes_involved, m.disputes_resolved) == (2, 0)
    assert m.decisions_done_on_time_rate is None


def test_idle_agency_has_no_rates():
    m = metrics(Z)
    assert (m.referrals_sent, m.referrals_received, m.results_reported) == (0, 0, 0)
    assert m.rates() == dict.fromkeys(RATE_FIELDS)
    assert score(m, DEFAULT_WEIGHTS) is None


def test_earlier_as_of_ignores_later_events():
    # As of 10-16 for B: received with sent_on <= 10-16: r1, r2, r10 -> 3.
    # r1 acked 10-12 on time; r2 (due 10-16) and r10 (due 10-17) unacked but not yet overdue.
    m = metrics(B, as_of=d(10, 16))
    assert m.referrals_received == 3
    assert m.ack_on_time_rate == 1.0
    assert m.median_ack_workdays == 2.0
    assert m.results_reported == 1  # r5's result (10-15); r1's is dated 10-20
    # d1 opened 10-03 (resolved only on 10-25) -> involved 1; d4 resolved 10-10 -> 1
    assert (m.disputes_involved, m.disputes_resolved) == (1, 1)
    # c7 (due 10-30) was done on 10-01, so it counts already; c8 is not due yet -> 1/1
    assert m.decisions_done_on_time_rate == 1.0


FOUR = {"sent_on_time_rate": 0.25, "ack_on_time_rate": 0.35, "assists_answered_on_time_rate": 0.2,
        "decisions_done_on_time_rate": 0.2}


def test_score():
    # A: 100 * (0.25*0.8 + 0.35*1.0 + 0.2*(1/3) + 0.2*(1/3)) / 1.0 = 68.333...
    assert score(metrics(A), FOUR) == pytest.approx(68.3333333)
    # B: 100 * (0.25*1 + 0.35*0.5 + 0.2*1 + 0.2*0.5) = 72.5
    assert score(metrics(B), FOUR) == pytest.approx(72.5)
    # C: only sent (1.0, w 0.25) and ack (0.0, w 0.35) present -> 100 * 0.25 / 0.6 = 41.67
    assert score(metrics(C), FOUR) == pytest.approx(100 * 0.25 / 0.6)
    # the default weights are the full marks (20/30/20/20/10); A's dispute handling: d4
    # (opened 09-15, limit 10-15) never handed on -> 0.0
    assert metrics(A).dispute_handling_rate == 0.0
    assert score(metrics(A)) == pytest.approx(100 * (0.2 * 0.8 + 0.3 + 0.2 / 3 + 0.2 / 3 + 0.1 * 0))
    assert score(metrics(B), {"ack_on_time_rate": 1}) == pytest.approx(50.0)
    # a weight of 0 drops the rate; weights need not sum to 1
    assert score(metrics(B), {"ack_on_time_rate": 0, "sent_on_time_rate": 3}) == pytest.approx(100.0)


def test_score_rejects_bad_weights():
    with pytest.raises(ValueError, match="referrals_sent"):
        score(metrics(A), {"referrals_sent": 1.0})
    with pytest.raises(ValueError):
        score(metrics(A), {"ack_on_time_rate": -1.0})
    with pytest.raises(ValueError):
        score(metrics(A), {"ack_on_time_rate": float("nan")})


def test_period_is_inclusive_and_checked():
    p = Period(date(2026, 10, 1), date(2026, 10, 31))
    assert date(2026, 10, 1) in p and date(2026, 10, 31) in p
    assert date(2026, 11, 1) not in p and None not in p
    with pytest.raises(ValueError):
        Period(date(2026, 10, 2), date(2026, 10, 1))


def test_labels_cover_all_metrics():
    names = {f for f in AgencyMetrics.__dataclass_fields__} - {"agency_id"}
    assert set(METRIC_LABELS) == names | {"score"}
    assert set(DEFAULT_WEIGHTS) == set(RATE_FIELDS)
