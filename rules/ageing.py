"""How long something has waited, and when that is long enough to need the meeting.

Two thresholds of :class:`rules.settings.RuleSettings`, each defined here once and used by
every page, query and document:

- **Stalled dispute** (争议停滞): a dispute may stay ``dispute_stall_days`` (30) calendar days
  in one stage; it is stalled once it has stayed *longer* (31 days and more). The stage is
  the one it held on the as-of day (its last stage entered on or before that day), so a
  past period shows the disputes that were stalled then.
- **Long overdue acknowledgement** (长期超期): an acknowledgement ``suggest_overdue_referral_days``
  (10) or more calendar days late (超期10天以上, the figure counted in, as Chinese legal usage
  counts "以上"). The overdue page splits its counts with it and the agenda suggestions
  propose such referrals to the meeting.

A third rule sorts a pending referral into an age bracket by calendar days since it was
sent (:data:`AGE_BUCKETS`: 5 days or less, 6–15, 16–30, more than 30), for the backlog
charts.

Where a query must apply a threshold in SQL it takes the bound from here
(:func:`stalled_if_in_stage_since_before`, :func:`long_overdue_if_due_on_or_before`) and
compares a date column with it; ``tests/test_rule_sql.py`` checks that the SQL and the plain
functions agree day by day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

__all__ = [
    "AGE_BUCKETS",
    "AGE_LABELS",
    "age_bucket",
    "age_bucket_bounds",
    "days_in_stage",
    "is_stalled",
    "stalled_if_in_stage_since_before",
    "is_long_overdue",
    "long_overdue_if_due_on_or_before",
    "OverdueCase",
    "AgencyOverdueSummary",
    "summarise_overdue",
]


# --------------------------------------------------------------------------- backlog age

#: Age of a pending referral in calendar days since it was sent: (code, upper bound or None),
#: youngest first; a referral belongs to the first bracket whose bound its age does not pass.
AGE_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("0-5", 5),
    ("6-15", 15),
    ("16-30", 30),
    ("30+", None),
)
AGE_LABELS: dict[str, str] = {"0-5": "5天以内", "6-15": "6–15天", "16-30": "16–30天", "30+": "30天以上"}


def age_bucket(sent_on: date, as_of: date) -> str:
    """The bracket of :data:`AGE_BUCKETS` of a referral sent on ``sent_on``, on ``as_of``."""
    age = (as_of - sent_on).days
    return next(code for code, upper in AGE_BUCKETS if upper is None or age <= upper)


def age_bucket_bounds(as_of: date) -> list[tuple[str, date]]:
    """The SQL form of :func:`age_bucket`: (code, earliest sending day) for each bracket with
    a bound, youngest first; a referral is in the first whose day its ``sent_on`` is not
    before, else in the last bracket."""
    return [(code, as_of - timedelta(days=upper)) for code, upper in AGE_BUCKETS if upper is not None]


# --------------------------------------------------------------------------- stalled disputes


def days_in_stage(stage_since: date, as_of: date) -> int:
    """Calendar days since the dispute entered its stage (0 on the day it entered it)."""
    return (as_of - stage_since).days


def is_stalled(stage_since: date, as_of: date, stall_days: int) -> bool:
    """Whether a dispute that entered its current stage on ``stage_since`` is stalled on
    ``as_of``: it has stayed more than ``stall_days`` calendar days in that stage."""
    return days_in_stage(stage_since, as_of) > stall_days


def stalled_if_in_stage_since_before(as_of: date, stall_days: int) -> date:
    """The SQL form of :func:`is_stalled`: stalled exactly when ``stage_since`` is before
    this day (``stage_since < bound``)."""
    return as_of - timedelta(days=stall_days)


# --------------------------------------------------------------------------- long overdue


def is_long_overdue(days_late: int, threshold_days: int) -> bool:
    """Whether an acknowledgement ``days_late`` calendar days late is long overdue: the
    threshold itself counts (10 days late is "10天以上")."""
    return days_late >= threshold_days


def long_overdue_if_due_on_or_before(as_of: date, threshold_days: int) -> date:
    """The SQL form of :func:`is_long_overdue` for an item still open on ``as_of``: long
    overdue exactly when its due date is on or before this day (``due <= bound``)."""
    return as_of - timedelta(days=threshold_days)


class OverdueCase(Protocol):
    """What :func:`summarise_overdue` reads of an overdue row (``OverdueRow`` has it)."""

    to_agency_id: int
    days_late: int
    provisional: bool


@dataclass(frozen=True)
class AgencyOverdueSummary:
    """One receiving agency's overdue acknowledgements on a day."""

    agency_id: int
    count: int
    max_days_late: int
    long_overdue: int
    provisional: int

    @property
    def recent(self) -> int:
        """Overdue, but less than the long-overdue threshold."""
        return self.count - self.long_overdue


def summarise_overdue(
    rows: Iterable[OverdueCase], threshold_days: int, names: dict[int, str] | None = None
) -> list[AgencyOverdueSummary]:
    """Overdue rows counted per receiving agency, most cases first, then the longest
    overdue, then by name (``names``) and id."""
    acc: dict[int, list[int]] = {}
    for row in rows:
        n = acc.setdefault(row.to_agency_id, [0, 0, 0, 0])
        n[0] += 1
        n[1] = max(n[1], row.days_late)
        n[2] += is_long_overdue(row.days_late, threshold_days)
        n[3] += bool(row.provisional)
    names = names or {}
    out = [AgencyOverdueSummary(a, c, worst, long, prov) for a, (c, worst, long, prov) in acc.items()]
    out.sort(key=lambda s: (-s.count, -s.max_days_late, names.get(s.agency_id, ""), s.agency_id))
    return out
