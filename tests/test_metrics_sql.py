"""The SQL metrics equal the reference definitions of ``rules.metrics``, agency by agency.

The reference is fed every row of the database as plain facts (a plain ``SELECT`` of the
columns, no aggregation), so the comparison checks the SQL against the definition itself.
Both the hand-made city and the sample city, several periods and as-of days, both databases.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from data_access.db import read_session
from data_access.models import Referral
from data_access.queries.metrics import _median, agency_metrics_sql
from rules.metrics import Period, agency_metrics
from tests.support import dashboard_data as data
from tests.support.reference_facts import reference_facts


def _compare(session, period: Period, as_of: date) -> int:
    """Assert SQL == reference for every agency; returns how many agencies had data."""
    facts = reference_facts(session)
    got = agency_metrics_sql(session, period, as_of)
    busy = 0
    for agency_id, metrics in got.items():
        expected = agency_metrics(agency_id, period, as_of, *facts)
        assert metrics == expected, f"agency {agency_id}, {period}, as of {as_of}"
        busy += metrics.referrals_sent + metrics.referrals_received > 0
    return busy


def test_event_counts_count_events_of_the_period_on_the_sample_city(city_db):
    """Results reported and disputes resolved are counted by the day they happened, so a
    result reported in November on a referral sent in October counts in November."""
    today = date.today()
    month = Period(today.replace(day=1), today)
    with read_session(city_db) as session:
        got = agency_metrics_sql(session, month, today)
        results = session.scalar(
            select(func.count()).select_from(Referral).where(Referral.result_on.between(month.start, today)))
        cohort = session.scalar(
            select(func.count()).select_from(Referral)
            .where(Referral.sent_on.between(month.start, today), Referral.result_on <= today))
    assert sum(m.results_reported for m in got.values()) == results
    assert results != cohort  # the sample city tells the two readings apart


@pytest.mark.parametrize(
    "period, as_of",
    [
        (Period(*data.OCTOBER), data.AS_OF),
        (Period(*data.OCTOBER), date(2026, 10, 20)),  # as of inside the period
        (Period(date(2026, 9, 1), date(2026, 11, 30)), date(2026, 11, 30)),
        (Period(date(2026, 11, 1), date(2026, 11, 30)), date(2026, 10, 31)),  # as of before it starts
    ],
)
def test_sql_metrics_match_the_reference_on_the_small_city(empty_db, period, as_of):
    data.build(empty_db)
    with read_session(empty_db) as session:
        assert _compare(session, period, as_of) >= (0 if as_of < period.start else 2)


def test_sql_median_of_an_even_count_is_the_mean_of_the_middle_two(empty_db):
    ids = data.build(empty_db)
    with read_session(empty_db) as session:
        # A received r4 (unanswered), r7 (answered after), r10 (1 working day): one value.
        m = agency_metrics_sql(session, Period(date(2026, 9, 1), date(2026, 12, 31)), date(2026, 12, 31))
        facts = reference_facts(session)
        workdays = sorted(
            r.ack_workdays for r in facts[0]
            if r.to_agency_id == ids.A and r.ack_workdays is not None and r.sent_on
        )
        assert len(workdays) == 2  # r7 and r10
        assert m[ids.A].median_ack_workdays == sum(workdays) / 2


def _sample_periods(today: date) -> list[tuple[Period, date]]:
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    last_month = Period(last_month_end.replace(day=1), last_month_end)
    return [
        (Period(month_start, (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)), today),
        (last_month, last_month.end),
        (Period(date(today.year - 1, 1, 1), date(today.year, 12, 31)), today),  # the whole data set
        (Period(today - timedelta(days=89), today), today - timedelta(days=30)),
    ]


def test_sql_metrics_match_the_reference_on_the_sample_city(city_db):
    today = date.today()
    with read_session(city_db) as session:
        for period, as_of in _sample_periods(today):
            busy = _compare(session, period, as_of)
            if period.start <= as_of and (as_of - period.start).days > 20:
                assert busy >= 10, f"the sample city should keep many agencies busy in {period}"


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=60))
def test_median_from_a_histogram_is_statistics_median(values):
    assert _median(dict(Counter(values))) == float(statistics.median(values))
