"""The SQL conditions of data_access.queries.conditions agree with the rules of rules.ageing,
evaluated by the database itself (SQLite and PostgreSQL), day by day around each threshold;
and the queries that use them judge a dispute by the stage it held on the day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Date, literal, select, union_all

from data_access.db import read_session, write_session
from data_access.models import Agency, Dispute, DisputeParty, DisputeStage
from data_access.queries import conditions, dashboard, disputes
from rules import ageing
from rules.deadlines import days_late

AS_OF = date(2026, 11, 30)


def _evaluate(build, days: list[date]) -> dict[date, bool]:
    """``build(column)`` for each day, computed in the database."""
    rows = union_all(*(select(literal(d, Date).label("d"), build(literal(d, Date)).label("v")) for d in days))
    with read_session() as session:
        return {d if isinstance(d, date) else date.fromisoformat(d): bool(v) for d, v in session.execute(select(rows.subquery()))}


@pytest.mark.parametrize("threshold", [1, 10, 30])
def test_stalled_in_sql_is_the_rule(empty_db, threshold):
    days = [AS_OF - timedelta(days=k) for k in range(threshold - 3, threshold + 4)]
    found = _evaluate(lambda col: conditions.stalled(col, AS_OF, threshold), days)
    assert found == {d: ageing.is_stalled(d, AS_OF, threshold) for d in days}
    assert set(found.values()) == {True, False}


@pytest.mark.parametrize("threshold", [1, 10, 30])
def test_long_overdue_in_sql_is_the_rule(empty_db, threshold):
    days = [AS_OF - timedelta(days=k) for k in range(threshold - 3, threshold + 4)]
    found = _evaluate(lambda col: conditions.long_overdue(col, AS_OF, threshold), days)
    assert found == {d: ageing.is_long_overdue(days_late(d, AS_OF), threshold) for d in days}
    assert set(found.values()) == {True, False}


def test_backlog_age_bucket_in_sql_is_the_rule(empty_db):
    days = [AS_OF - timedelta(days=k) for k in range(0, 40)]
    rows = union_all(*(select(literal(d, Date).label("d"), conditions.age_bucket(literal(d, Date), AS_OF).label("v"))
                       for d in days))
    with read_session() as session:
        found = {d if isinstance(d, date) else date.fromisoformat(d): v
                 for d, v in session.execute(select(rows.subquery()))}
    assert found == {d: ageing.age_bucket(d, AS_OF) for d in days}
    assert set(found.values()) == {code for code, _ in ageing.AGE_BUCKETS}


def test_every_dispute_query_judges_the_stage_held_on_the_day(empty_db):
    """A dispute 30 days in its stage is not stalled, 31 days is; and a dispute that moved
    to a new stage after the as-of day is judged on the stage it was in then."""
    with write_session() as s:
        a, b = Agency(name="甲镇", kind="town"), Agency(name="住建局", kind="department")
        s.add_all([a, b])
        s.flush()

        def dispute(number, entered, later=None):
            d = Dispute(number=number, subject=number, stage="negotiation", opened_on=entered - timedelta(days=2),
                        stage_since=later or entered)
            s.add(d)
            s.flush()
            s.add_all([DisputeParty(dispute_id=d.id, agency_id=a.id), DisputeParty(dispute_id=d.id, agency_id=b.id),
                       DisputeStage(dispute_id=d.id, stage="negotiation", entered_on=entered)])
            if later:  # moved on after AS_OF: the stored stage is newer than the one held then
                d.stage = "coordination"
                s.add(DisputeStage(dispute_id=d.id, stage="coordination", entered_on=later))
            return d

        dispute("ZY-30", AS_OF - timedelta(days=30))
        dispute("ZY-31", AS_OF - timedelta(days=31))
        dispute("ZY-MOVED", AS_OF - timedelta(days=40), later=AS_OF + timedelta(days=3))
    with read_session() as s:
        listed = {d.number: d.stalled for d in disputes.open_disputes(s, AS_OF, 30)}
        by_stage = {c.stage: c for c in dashboard.disputes_by_stage(s, AS_OF, 30)}
    assert listed == {"ZY-30": False, "ZY-31": True, "ZY-MOVED": True}
    assert (by_stage["negotiation"].fresh, by_stage["negotiation"].stalled) == (1, 2)
