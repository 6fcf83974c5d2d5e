"""The overview's reads (the chair's home), and the pieces every dashboard query shares.

All figures are "as of" a day ``as_of`` in the sense of :mod:`rules.metrics`: a recorded
date later than ``as_of`` counts as not yet happened. On a past period the overview thus
shows the picture as it stood at the end of that period; on the current one, today's.

Definitions used by every dashboard (and checked against the command line's overdue report):

- *awaiting acknowledgement* on ``D``: sent on or before ``D`` and not answered in writing
  on or before ``D`` (any outcome counts as the answer, CONTRACT.md);
- *overdue acknowledgement*: awaiting, and ``ack_due_on < D``;
- *awaiting result*: accepted on or before ``D`` and no result reported on or before ``D``;
- *open dispute*: opened on or before ``D`` and not resolved on or before ``D``;
- *open decision*: not cancelled and not done on or before ``D``.

Traffic lights are :func:`rules.lights.light_for`; in SQL they become two date comparisons
(:class:`LightBounds`), so a light can be filtered and counted on the indexed due-date
columns without computing the calendar per row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from data_access.models import (
    Agency,
    Decision,
    Dispute,
    DisputeParty,
    DisputeStage,
    Meeting,
    Referral,
    ReferralRound,
)
from data_access.queries import conditions
from data_access.queries.agencies import AgencyOption, agency_label, agency_options  # noqa: F401 - shared
from data_access.queries.metrics import PeriodMetrics, period_metrics
from rules.calendar import WorkCalendar
from rules.lifecycle import DISPUTE_OPEN_STAGES
from rules.lights import Light
from rules.metrics import Period
from rules.settings import RuleSettings

# --------------------------------------------------------------------------- shared pieces


@dataclass(frozen=True)
class LightBounds:
    """:func:`rules.lights.light_for` turned into two date comparisons.

    An open item due on ``due`` is red when ``due < as_of``, yellow when
    ``as_of <= due < yellow_before`` and green otherwise, where ``yellow_before`` is the
    ``yellow_working_days``-th working day after ``as_of``: ``working_days_between(as_of,
    due)`` grows with ``due`` and first reaches N on that day, so "fewer than N working days
    left" is exactly "due before it". The equivalence is checked against ``light_for`` in
    the tests.
    """

    as_of: date
    yellow_before: date

    @classmethod
    def build(cls, as_of: date, cal: WorkCalendar, s: RuleSettings) -> LightBounds:
        return cls(as_of, cal.add_working_days(as_of, s.yellow_working_days).on)

    def light(self, due: date | None) -> Light | None:
        if due is None:
            return None
        if due < self.as_of:
            return Light.RED
        if due < self.yellow_before:
            return Light.YELLOW
        return Light.GREEN

    def sql(self, due_col):
        """A CASE giving ``'red'``/``'yellow'``/``'green'`` (NULL when there is no due date)."""
        return case(
            (due_col.is_(None), null()),
            (due_col < self.as_of, literal(Light.RED.value)),
            (due_col < self.yellow_before, literal(Light.YELLOW.value)),
            else_=literal(Light.GREEN.value),
        )

    def where(self, due_col, light: str):
        """A sargable condition: the item due on ``due_col`` shows ``light``."""
        if light == Light.RED:
            return due_col < self.as_of
        if light == Light.YELLOW:
            return and_(due_col >= self.as_of, due_col < self.yellow_before)
        if light == Light.GREEN:
            return due_col >= self.yellow_before
        raise ValueError(f"unknown light {light!r}")


def unacknowledged(as_of: date):
    """Referrals sent on or before ``as_of`` with no written answer by then (a filter)."""
    return and_(
        Referral.sent_on <= as_of,
        or_(Referral.ack_on.is_(None), Referral.ack_on > as_of),
    )


def unacknowledged_rows(as_of: date, *columns, where=()):
    """The referrals :func:`unacknowledged` on ``as_of``, with ``columns``, as a subquery;
    an earlier round of a referral sent again counts on the days it awaited its answer.

    Written as the union of its two disjoint halves, never answered (``ack_on IS NULL``) and
    answered later (``ack_on > as_of``), so that each half is found through
    ``ix_referrals_ack_on``: a few thousand rows however long the history. Written as one
    ``OR``, SQLite walks the whole table in ``sent_on`` or agency order instead.
    """
    base = (Referral.sent_on <= as_of, *where)
    never = select(*columns).where(Referral.ack_on.is_(None), *base)
    # Bounded on both sides: SQLite, which keeps no statistics here, then rates this range
    # narrower than ``sent_on <= as_of`` and takes the ack_on index.
    later = select(*columns).where(Referral.ack_on.between(as_of + timedelta(days=1), date.max), *base)
    # Earlier rounds of referrals sent again (DOMAIN.md, Rounds) awaited their answer on a
    # day before their return, with their own dates and receiver.
    earlier = select(*(_in_round(c) for c in columns)).select_from(_ROUND_JOIN).where(
        ReferralRound.ack_on > as_of, *(_in_round(c) for c in base)
    )
    return union_all(never, later, earlier).subquery()


#: Earlier rounds joined to their referral (for its number and title).
_ROUND_JOIN = ReferralRound.__table__.join(Referral.__table__, Referral.id == ReferralRound.referral_id)
_ROUND_COLUMNS = {c.key: c for c in ReferralRound.__table__.c if c.key in Referral.__table__.c} | {
    "id": ReferralRound.__table__.c.referral_id
}


def _in_round(expression):
    """``expression`` on ``referrals`` rewritten for ``referral_rounds``: a round's own
    columns (its sending, receiver, limit, answer) replace the referral's; the rest (number,
    title) stay the referral's."""
    from sqlalchemy.sql.visitors import replacement_traverse

    table = Referral.__table__

    def swap(element):
        if getattr(element, "table", None) is table and getattr(element, "key", None) in _ROUND_COLUMNS:
            return _ROUND_COLUMNS[element.key]
        return None

    if hasattr(expression, "__clause_element__"):
        expression = expression.__clause_element__()
    return replacement_traverse(expression, {}, swap)


def awaiting_result_rows(as_of: date, *columns, where=()):
    """Referrals accepted on or before ``as_of`` with no result reported by then, as a
    subquery: no result at all, or one dated later (``ix_referrals_outcome_result``)."""
    base = (Referral.ack_outcome == "accepted", Referral.ack_on <= as_of, Referral.sent_on <= as_of, *where)
    none = select(*columns).where(Referral.result_on.is_(None), *base)
    later = select(*columns).where(Referral.result_on > as_of, *base)
    return union_all(none, later).subquery()


def open_decision(as_of: date):
    return and_(
        Decision.status != "cancelled",
        or_(Decision.done_on.is_(None), Decision.done_on > as_of),
    )


# --------------------------------------------------------------------------- headline


@dataclass(frozen=True)
class Headline:
    """The five headline figures of the overview."""

    period: Period
    as_of: date
    referrals_sent: int
    awaiting_ack: int
    overdue_ack: int
    open_disputes: int
    decisions_due: int
    """Open decisions due on or before ``decisions_horizon`` (the overdue ones included)."""
    decisions_overdue: int
    decisions_horizon: date
    next_meeting_on: date | None


def next_meeting_on(session: Session, as_of: date) -> date | None:
    """The first meeting held on or after ``as_of`` that is not cancelled."""
    return session.execute(
        select(func.min(Meeting.held_on)).where(Meeting.held_on >= as_of, Meeting.status != "cancelled")
    ).scalar()


def decisions_horizon(session: Session, as_of: date, s: RuleSettings) -> tuple[date, date | None]:
    """Decisions "due before the next meeting" are those due on or before this day: the next
    meeting, or one meeting cadence ahead when none is scheduled."""
    nxt = next_meeting_on(session, as_of)
    return (nxt or as_of + timedelta(days=30 * s.meeting_cadence_months)), nxt


def headline(session: Session, period: Period, as_of: date, s: RuleSettings, referrals_sent: int) -> Headline:
    """The headline figures; ``referrals_sent`` comes from the period's agency metrics
    (:func:`data_access.queries.metrics.period_metrics`), so that the overview and the
    metrics page print the same number from the same query."""
    pending = unacknowledged_rows(as_of, Referral.ack_due_on.label("due"))
    # Overdue: pending and past the due date, exactly the overdue report's condition
    # (data_access.queries.overdue); the tests check that both give the same count.
    awaiting, overdue = session.execute(
        select(func.count(), func.coalesce(func.sum(case((pending.c.due < as_of, 1), else_=0)), 0)).select_from(
            pending
        )
    ).one()
    disputes = session.execute(
        select(func.count()).where(
            Dispute.opened_on <= as_of,
            or_(Dispute.resolved_on.is_(None), Dispute.resolved_on > as_of),
        )
    ).scalar_one()
    horizon, nxt = decisions_horizon(session, as_of, s)
    due, late = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((Decision.due_on < as_of, 1), else_=0)), 0),
        ).where(open_decision(as_of), Decision.due_on <= horizon)
    ).one()
    return Headline(
        period=period,
        as_of=as_of,
        referrals_sent=int(referrals_sent),
        awaiting_ack=int(awaiting),
        overdue_ack=int(overdue),
        open_disputes=int(disputes),
        decisions_due=int(due),
        decisions_overdue=int(late),
        decisions_horizon=horizon,
        next_meeting_on=nxt,
    )


# --------------------------------------------------------------------------- backlog

@dataclass
class BacklogRow:
    """One receiving agency's backlog as of a day."""

    agency_id: int
    name: str
    short_name: str | None
    kind: str
    awaiting_ack: int = 0
    overdue_ack: int = 0
    awaiting_result: int = 0
    ack_by_age: dict[str, int] = field(default_factory=dict)
    result_by_age: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return agency_label(self.name, self.short_name)

    @property
    def total(self) -> int:
        return self.awaiting_ack + self.awaiting_result


def backlog_by_agency(session: Session, as_of: date, kind: str | None = None) -> list[BacklogRow]:
    """Per receiving agency: awaiting acknowledgement (and how many overdue), awaiting
    result, each split by age since sending (:func:`rules.ageing.age_bucket`). Agencies
    with no backlog are left out; the list is sorted by total backlog, largest first.
    ``kind`` keeps one kind of agency."""
    cols = (Referral.to_agency_id.label("agency_id"), Referral.sent_on.label("sent_on"),
            Referral.ack_due_on.label("due"))
    pending = unacknowledged_rows(as_of, *cols)
    accepted = awaiting_result_rows(as_of, *cols)
    names = {a.id: a for a in agency_options(session)}
    rows: dict[int, BacklogRow] = {}

    def row_for(agency_id: int) -> BacklogRow:
        if agency_id not in rows:
            a = names[agency_id]
            rows[agency_id] = BacklogRow(agency_id, a.name, a.short_name, a.kind)
        return rows[agency_id]

    bucket = conditions.age_bucket(pending.c.sent_on, as_of)
    for agency_id, bucket_code, n, late in session.execute(
        select(pending.c.agency_id, bucket, func.count(), func.sum(case((pending.c.due < as_of, 1), else_=0)))
        .group_by(pending.c.agency_id, bucket)
    ):
        row = row_for(agency_id)
        row.awaiting_ack += n
        row.overdue_ack += int(late or 0)
        row.ack_by_age[bucket_code] = n
    bucket = conditions.age_bucket(accepted.c.sent_on, as_of)
    for agency_id, bucket_code, n in session.execute(
        select(accepted.c.agency_id, bucket, func.count()).group_by(accepted.c.agency_id, bucket)
    ):
        row = row_for(agency_id)
        row.awaiting_result += n
        row.result_by_age[bucket_code] = n
    # The kind is kept here, after grouping: a filter inside the union would steer SQLite
    # away from the ack_on index, and there are only a few dozen agencies.
    kept = [r for r in rows.values() if kind is None or r.kind == kind]
    return sorted(kept, key=lambda r: (-r.total, -r.overdue_ack, r.agency_id))


# --------------------------------------------------------------------------- the board


@dataclass(frozen=True)
class BoardRow:
    """Pending acknowledgements of one receiving agency, counted by light."""

    agency_id: int
    name: str
    short_name: str | None
    red: int
    yellow: int
    green: int
    max_days_late: int

    @property
    def label(self) -> str:
        return agency_label(self.name, self.short_name)


def ack_board(session: Session, bounds: LightBounds) -> list[BoardRow]:
    """Every agency with referrals awaiting acknowledgement on ``bounds.as_of``, with the
    number of red, yellow and green ones and the oldest due date's days late; red first."""
    as_of = bounds.as_of
    pending = unacknowledged_rows(
        as_of, Referral.to_agency_id.label("agency_id"), Referral.ack_due_on.label("due"),
        where=(Referral.ack_due_on.is_not(None),),
    )
    light = bounds.sql(pending.c.due)
    stmt = select(
        pending.c.agency_id,
        func.sum(case((light == Light.RED.value, 1), else_=0)),
        func.sum(case((light == Light.YELLOW.value, 1), else_=0)),
        func.sum(case((light == Light.GREEN.value, 1), else_=0)),
        func.min(pending.c.due),
    ).group_by(pending.c.agency_id)
    names = {a.id: a for a in agency_options(session)}
    out = []
    for agency_id, red, yellow, green, oldest in session.execute(stmt):
        late = max(0, (as_of - oldest).days) if oldest is not None else 0
        a = names[agency_id]
        out.append(BoardRow(agency_id, a.name, a.short_name, int(red), int(yellow), int(green), late))
    return sorted(out, key=lambda r: (-r.red, -r.max_days_late, -r.yellow, r.agency_id))


# --------------------------------------------------------------------------- trend


@dataclass(frozen=True)
class TrendPoint:
    year: int
    month: int
    sent: int

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


def month_start(d: date, back: int = 0) -> date:
    """The first day of ``d``'s month, ``back`` months earlier."""
    index = d.year * 12 + d.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def monthly_trend(session: Session, as_of: date, months: int = 12) -> list[TrendPoint]:
    """Referrals sent per month over the ``months`` months up to ``as_of``'s month (every
    month present, zeros included).

    Counted per sending day from ``ix_referrals_sent_on`` alone (an index-only scan, no
    table row read) and summed into months here: twelve months of a province stay cheap.
    Every sending counts in its month: an earlier round of a referral sent again after a
    return (``referral_rounds``, DOMAIN.md, Rounds) too, as the period metrics count it.
    """
    first = month_start(as_of, months - 1)
    per_month: dict[tuple[int, int], int] = {}
    for sent_on in (Referral.sent_on, ReferralRound.sent_on):
        for day, n in session.execute(
            select(sent_on, func.count()).where(sent_on >= first, sent_on <= as_of).group_by(sent_on)
        ):
            per_month[(day.year, day.month)] = per_month.get((day.year, day.month), 0) + n
    points = []
    for back in range(months - 1, -1, -1):
        start = month_start(as_of, back)
        points.append(TrendPoint(start.year, start.month, per_month.get((start.year, start.month), 0)))
    return points


# --------------------------------------------------------------------------- disputes


def dispute_stage_as_of(as_of: date):
    """A subquery: each dispute's stage on ``as_of`` and the day it entered it.

    The stage is the last stage-history row entered on or before ``as_of``; a dispute with
    no such row falls back to its own ``stage``/``stage_since`` columns.
    """
    ranked = (
        select(
            DisputeStage.dispute_id,
            DisputeStage.stage,
            DisputeStage.entered_on,
            func.row_number()
            .over(
                partition_by=DisputeStage.dispute_id,
                order_by=(DisputeStage.entered_on.desc(), DisputeStage.id.desc()),
            )
            .label("rn"),
        )
        .where(DisputeStage.entered_on <= as_of)
        .subquery()
    )
    latest = select(ranked.c.dispute_id, ranked.c.stage, ranked.c.entered_on).where(ranked.c.rn == 1).subquery()
    return (
        select(
            Dispute.id.label("dispute_id"),
            func.coalesce(latest.c.stage, Dispute.stage).label("stage"),
            func.coalesce(latest.c.entered_on, Dispute.stage_since).label("stage_since"),
        )
        .outerjoin(latest, latest.c.dispute_id == Dispute.id)
        .where(
            Dispute.opened_on <= as_of,
            or_(Dispute.resolved_on.is_(None), Dispute.resolved_on > as_of),
        )
        .subquery()
    )


@dataclass(frozen=True)
class StageCount:
    stage: str
    fresh: int
    stalled: int
    oldest_days: int

    @property
    def total(self) -> int:
        return self.fresh + self.stalled


def disputes_by_stage(session: Session, as_of: date, stall_days: int) -> list[StageCount]:
    """Open disputes on ``as_of`` per stage (in the order of the path), split into those in
    their stage for at most ``stall_days`` days and those stalled longer
    (:func:`rules.ageing.is_stalled`). Every open stage is listed, with zeros."""
    cur = dispute_stage_as_of(as_of)
    stalled = conditions.stalled(cur.c.stage_since, as_of, stall_days)
    stmt = select(
        cur.c.stage,
        func.sum(case((stalled, 0), else_=1)),
        func.sum(case((stalled, 1), else_=0)),
        func.min(cur.c.stage_since),
    ).group_by(cur.c.stage)
    found = {st: (int(f), int(s), oldest) for st, f, s, oldest in session.execute(stmt)}
    out = []
    for stage in DISPUTE_OPEN_STAGES:
        fresh, stall, oldest = found.pop(stage, (0, 0, None))
        out.append(StageCount(stage, fresh, stall, (as_of - oldest).days if oldest else 0))
    return out


# --------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class DecisionDue:
    id: int
    meeting_number: str
    text: str
    lead_agency: str
    due_on: date
    light: Light | None
    days_late: int


def decisions_due(
    session: Session, bounds: LightBounds, until: date, limit: int = 50
) -> tuple[int, list[DecisionDue]]:
    """Open decisions due on or before ``until`` (overdue ones first): (how many, the first
    ``limit``)."""
    as_of = bounds.as_of
    where = and_(open_decision(as_of), Decision.due_on <= until)
    total = session.execute(select(func.count()).select_from(Decision).where(where)).scalar_one()
    lead = aliased(Agency)
    rows = session.execute(
        select(Decision.id, Meeting.number, Decision.text, lead.name, lead.short_name, Decision.due_on)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .join(lead, lead.id == Decision.lead_agency_id)
        .where(where)
        .order_by(Decision.due_on, Decision.id)
        .limit(limit)
    ).all()
    return int(total), [
        DecisionDue(i, num, text, agency_label(name, short), due, bounds.light(due), max(0, (as_of - due).days))
        for i, num, text, name, short, due in rows
    ]


# --------------------------------------------------------------------------- the overview


@dataclass(frozen=True)
class OverviewData:
    headline: Headline
    metrics: PeriodMetrics
    board: list[BoardRow]
    backlog: list[BacklogRow]
    trend: list[TrendPoint]
    disputes: list[StageCount]
    decisions_total: int
    decisions: list[DecisionDue]


def overview(
    session: Session, period: Period, as_of: date, cal: WorkCalendar, s: RuleSettings
) -> OverviewData:
    """Everything the overview shows except the map (:mod:`data_access.queries.map`)."""

    bounds = LightBounds.build(as_of, cal, s)
    metrics = period_metrics(session, period, as_of)
    head = headline(session, period, as_of, s, metrics.totals()["referrals_sent"])
    total, decisions = decisions_due(session, bounds, head.decisions_horizon)
    return OverviewData(
        headline=head,
        metrics=metrics,
        board=ack_board(session, bounds),
        backlog=backlog_by_agency(session, as_of),
        trend=monthly_trend(session, as_of),
        disputes=disputes_by_stage(session, as_of, s.dispute_stall_days),
        decisions_total=total,
        decisions=decisions,
    )


def party_names(session: Session, dispute_ids: list[int]) -> dict[int, list[str]]:
    """The short names of each dispute's parties (only for the disputes asked for)."""
    if not dispute_ids:
        return {}
    out: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(DisputeParty.dispute_id, Agency.name, Agency.short_name)
        .join(Agency, Agency.id == DisputeParty.agency_id)
        .where(DisputeParty.dispute_id.in_(dispute_ids))
        .order_by(DisputeParty.dispute_id, Agency.id)
    )
    for dispute_id, name, short in rows:
        out[dispute_id].append(agency_label(name, short))
    return dict(out)
