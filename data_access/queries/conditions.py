"""The rules of :mod:`rules.ageing` as SQL conditions, built in one place.

A query that must count or filter by a threshold in the database calls these; the bound
each one compares against comes from ``rules.ageing``, so the SQL and the plain-Python rule
cannot drift apart (``tests/test_rule_sql.py`` checks them against each other).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, literal, not_, or_

from rules import ageing


def age_bucket(sent_on_col, as_of: date):
    """A CASE giving the :data:`rules.ageing.AGE_BUCKETS` code of a referral sent on
    ``sent_on_col`` (:func:`rules.ageing.age_bucket`)."""
    whens = [(sent_on_col >= earliest, literal(code)) for code, earliest in ageing.age_bucket_bounds(as_of)]
    return case(*whens, else_=literal(ageing.AGE_BUCKETS[-1][0]))


def stalled(stage_since_col, as_of: date, stall_days: int):
    """The dispute that entered its stage on ``stage_since_col`` is stalled on ``as_of``
    (:func:`rules.ageing.is_stalled`)."""
    return stage_since_col < ageing.stalled_if_in_stage_since_before(as_of, stall_days)


def long_overdue(due_col, as_of: date, threshold_days: int):
    """The item due on ``due_col``, still open on ``as_of``, is long overdue
    (:func:`rules.ageing.is_long_overdue` of its days late)."""
    return due_col <= ageing.long_overdue_if_due_on_or_before(as_of, threshold_days)


def sent_on_time(sent_on_col, send_due_on_col, sent_at_col, send_due_at_col):
    """The sending was within its limit (:func:`rules.deadlines.sent_on_time`): in hours
    where both moments are known, else by day."""
    by_hour = and_(send_due_at_col.is_not(None), sent_at_col.is_not(None))
    return or_(
        and_(by_hour, sent_at_col <= send_due_at_col),
        and_(not_(by_hour), sent_on_col <= send_due_on_col),
    )
