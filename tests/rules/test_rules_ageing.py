"""rules.ageing: the stalled-dispute and long-overdue thresholds, and the overdue summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rules.ageing import (
    days_in_stage,
    is_long_overdue,
    is_stalled,
    long_overdue_if_due_on_or_before,
    stalled_if_in_stage_since_before,
    summarise_overdue,
)
from rules.deadlines import days_late
from rules.settings import RuleSettings

AS_OF = date(2026, 11, 30)
S = RuleSettings()


def test_a_dispute_may_stay_its_allowed_days_and_is_stalled_the_day_after():
    assert S.dispute_stall_days == 30
    assert not is_stalled(AS_OF - timedelta(days=30), AS_OF, S.dispute_stall_days)
    assert is_stalled(AS_OF - timedelta(days=31), AS_OF, S.dispute_stall_days)
    assert not is_stalled(AS_OF, AS_OF, S.dispute_stall_days)
    assert days_in_stage(AS_OF - timedelta(days=31), AS_OF) == 31


def test_ten_days_late_is_long_overdue_nine_is_not():
    assert S.suggest_overdue_referral_days == 10
    assert is_long_overdue(10, S.suggest_overdue_referral_days)
    assert not is_long_overdue(9, S.suggest_overdue_referral_days)


dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
thresholds = st.integers(min_value=1, max_value=400)


@given(since=dates, as_of=dates, n=thresholds)
def test_the_sql_bound_of_stalled_is_the_rule(since, as_of, n):
    assert (since < stalled_if_in_stage_since_before(as_of, n)) == is_stalled(since, as_of, n)


@given(due=dates, as_of=dates, n=thresholds)
def test_the_sql_bound_of_long_overdue_is_the_rule(due, as_of, n):
    # For an item still open on as_of (days_late is 0 when not yet due).
    assert (due <= long_overdue_if_due_on_or_before(as_of, n)) == is_long_overdue(days_late(due, as_of), n)


@dataclass(frozen=True)
class Row:
    to_agency_id: int
    days_late: int
    provisional: bool = False


def test_summary_counts_per_agency_and_orders_by_count_then_age_then_name():
    rows = [Row(1, 3), Row(1, 12, True), Row(2, 10), Row(2, 9), Row(3, 40)]
    out = summarise_overdue(rows, 10, {1: "乙", 2: "甲", 3: "丙"})
    assert [(s.agency_id, s.count, s.max_days_late, s.long_overdue, s.recent, s.provisional) for s in out] == [
        (1, 2, 12, 1, 1, 1),
        (2, 2, 10, 1, 1, 0),
        (3, 1, 40, 1, 0, 0),
    ]
    tied = summarise_overdue([Row(5, 4), Row(6, 4)], 10, {5: "B", 6: "A"})
    assert [s.agency_id for s in tied] == [6, 5]  # same count and age: by name


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 60), st.booleans()), max_size=60), thresholds)
def test_summary_adds_up_to_the_rows(raw, n):
    rows = [Row(a, d, p) for a, d, p in raw]
    out = summarise_overdue(rows, n)
    assert sum(s.count for s in out) == len(rows)
    assert sum(s.long_overdue for s in out) == sum(is_long_overdue(r.days_late, n) for r in rows)
    assert sum(s.provisional for s in out) == sum(r.provisional for r in rows)
    for s in out:
        assert s.max_days_late == max(r.days_late for r in rows if r.to_agency_id == s.agency_id)
    assert [(-s.count, -s.max_days_late) for s in out] == sorted((-s.count, -s.max_days_late) for s in out)


def test_backlog_age_brackets_include_their_upper_bound():
    from rules.ageing import AGE_BUCKETS, age_bucket

    on = {k: age_bucket(AS_OF - timedelta(days=k), AS_OF) for k in (0, 5, 6, 15, 16, 30, 31, 400)}
    assert on == {0: "0-5", 5: "0-5", 6: "6-15", 15: "6-15", 16: "16-30", 30: "16-30", 31: "30+", 400: "30+"}
    assert [c for c, _ in AGE_BUCKETS] == ["0-5", "6-15", "16-30", "30+"]
