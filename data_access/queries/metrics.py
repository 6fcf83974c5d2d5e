"""Per-agency metrics for a period, computed in SQL, and the ranking built on them.

The definitions are :mod:`rules.metrics`; this module computes exactly the same numbers
with one GROUP BY per table on indexed date columns, so a period's figures cost the same
whether the database holds a year or ten. ``tests/test_metrics_sql.py`` compares
:func:`agency_metrics_sql` with the reference ``rules.metrics.agency_metrics`` on the sample
city, for every agency, on SQLite and PostgreSQL.

How each definition maps onto SQL (``last`` = the earlier of the period's end and
``as_of``, since a date after ``as_of`` has not happened yet):

- sent / received: ``sent_on BETWEEN start AND last``, in one pass grouped by sender,
  receiver and working days taken to acknowledge, summed per agency here;
- on-time rates: ``settled`` and ``on time`` as two conditional sums, the rate being their
  quotient in Python (``None`` when nothing is settled), as in ``rules.metrics._rate``;
- the median of ``ack_workdays``: read from each receiver's histogram of working days (they
  are small whole numbers), exactly as ``statistics.median`` would from the list;
- disputes through ``dispute_parties``; decisions by ``due_on`` in the whole period (not cut
  at ``as_of``: a decision due later in the period is simply not settled yet).

Both the metrics page and the overview take their figures from :func:`period_metrics`.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, null, or_, select
from sqlalchemy.orm import Session

from data_access.models import Agency, AssistanceRequest, Decision, Dispute, DisputeParty, Referral
from rules.metrics import DEFAULT_WEIGHTS, AgencyMetrics, Period, score

__all__ = [
    "agency_metrics_sql",
    "period_metrics",
    "previous_period",
    "rank_agencies",
    "RankedAgency",
    "PeriodMetrics",
]


def _happened(col, as_of: date):
    return and_(col.is_not(None), col <= as_of)


def _count_if(cond):
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _rate(on_time: int, settled: int) -> float | None:
    return on_time / settled if settled else None


def agency_metrics_sql(
    session: Session, period: Period, as_of: date, agency_ids: Iterable[int] | None = None
) -> dict[int, AgencyMetrics]:
    """:class:`rules.metrics.AgencyMetrics` for every agency (or those in ``agency_ids``)."""
    if agency_ids is None:
        ids = list(session.execute(select(Agency.id).order_by(Agency.id)).scalars())
    else:
        ids = sorted(set(agency_ids))
    last = min(period.end, as_of)
    in_period = and_(Referral.sent_on >= period.start, Referral.sent_on <= last)

    # One pass over the period's referrals, grouped by (sender, receiver, working days to
    # acknowledge): both agencies' counts and each receiver's histogram of working days, from
    # which the median is read exactly. A few thousand groups at most, whatever the volume.
    acked = _happened(Referral.ack_on, as_of)
    ack_settled = and_(Referral.ack_due_on.is_not(None), or_(acked, Referral.ack_due_on < as_of))
    workdays = case((and_(acked, Referral.ack_workdays.is_not(None)), Referral.ack_workdays), else_=null())
    sent: dict[int, list[int]] = {}
    received: dict[int, list[int]] = {}
    histogram: dict[int, dict[int, int]] = {}
    for frm, to, w, n, timed, send_ok, settled, ack_ok, results in session.execute(
        select(
            Referral.from_agency_id,
            Referral.to_agency_id,
            workdays,
            func.count(),
            func.count(Referral.send_due_on),
            _count_if(Referral.sent_on <= Referral.send_due_on),
            _count_if(ack_settled),
            _count_if(and_(ack_settled, acked, Referral.ack_on <= Referral.ack_due_on)),
            _count_if(_happened(Referral.result_on, as_of)),
        )
        .where(in_period)
        .group_by(Referral.from_agency_id, Referral.to_agency_id, workdays)
    ):
        s_row = sent.setdefault(frm, [0, 0, 0])
        s_row[0] += n
        s_row[1] += timed
        s_row[2] += int(send_ok)
        r_row = received.setdefault(to, [0, 0, 0, 0])
        r_row[0] += n
        r_row[1] += int(settled)
        r_row[2] += int(ack_ok)
        r_row[3] += int(results)
        if w is not None:
            counts = histogram.setdefault(to, {})
            counts[int(w)] = counts.get(int(w), 0) + n
    medians = {a: _median(counts) for a, counts in histogram.items()}

    assist_answered = _happened(AssistanceRequest.answered_on, as_of)
    assist_settled = or_(assist_answered, AssistanceRequest.due_on < as_of)
    assists = {
        a: (int(settled), int(on_time))
        for a, settled, on_time in session.execute(
            select(
                AssistanceRequest.to_agency_id,
                _count_if(assist_settled),
                _count_if(and_(assist_answered, AssistanceRequest.answered_on <= AssistanceRequest.due_on)),
            )
            .where(
                AssistanceRequest.requested_on >= period.start,
                AssistanceRequest.requested_on <= last,
                AssistanceRequest.due_on.is_not(None),
            )
            .group_by(AssistanceRequest.to_agency_id)
        )
    }

    disputes = {
        a: (int(n), int(resolved))
        for a, n, resolved in session.execute(
            select(
                DisputeParty.agency_id,
                func.count(),
                _count_if(_happened(Dispute.resolved_on, as_of)),
            )
            .join(Dispute, Dispute.id == DisputeParty.dispute_id)
            .where(Dispute.opened_on >= period.start, Dispute.opened_on <= last)
            .group_by(DisputeParty.agency_id)
        )
    }

    done = _happened(Decision.done_on, as_of)
    dec_settled = or_(done, Decision.due_on < as_of)
    decisions = {
        a: (int(settled), int(on_time))
        for a, settled, on_time in session.execute(
            select(
                Decision.lead_agency_id,
                _count_if(dec_settled),
                _count_if(and_(done, Decision.done_on <= Decision.due_on)),
            )
            .where(
                Decision.status != "cancelled",
                Decision.due_on.is_not(None),
                Decision.due_on >= period.start,
                Decision.due_on <= period.end,
            )
            .group_by(Decision.lead_agency_id)
        )
    }

    out: dict[int, AgencyMetrics] = {}
    for a in ids:
        n_sent, send_timed, send_on_time = sent.get(a, (0, 0, 0))
        n_recv, ack_set, ack_ok, results = received.get(a, (0, 0, 0, 0))
        as_set, as_ok = assists.get(a, (0, 0))
        d_n, d_res = disputes.get(a, (0, 0))
        dc_set, dc_ok = decisions.get(a, (0, 0))
        out[a] = AgencyMetrics(
            agency_id=a,
            referrals_sent=n_sent,
            referrals_received=n_recv,
            sent_on_time_rate=_rate(send_on_time, send_timed),
            ack_on_time_rate=_rate(ack_ok, ack_set),
            median_ack_workdays=medians.get(a),
            results_reported=results,
            assists_answered_on_time_rate=_rate(as_ok, as_set),
            disputes_involved=d_n,
            disputes_resolved=d_res,
            decisions_done_on_time_rate=_rate(dc_ok, dc_set),
        )
    return out


def _median(counts: dict[int, int]) -> float:
    """The median (``statistics.median``) of the values a histogram ``{value: count}`` holds:
    the middle value, or the mean of the two middle values."""
    n = sum(counts.values())
    wanted = sorted({(n - 1) // 2, n // 2})  # 0-based positions of the middle value(s)
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
    return sum(found) / len(found)


# --------------------------------------------------------------------------- periods


def _is_month_aligned(period: Period) -> bool:
    last_day = _calendar.monthrange(period.end.year, period.end.month)[1]
    return period.start.day == 1 and period.end.day == last_day


def previous_period(period: Period) -> Period:
    """The period to compare with: the same number of whole months before a period made of
    whole months (last month, last quarter, last year), else as many days just before."""
    if _is_month_aligned(period):
        months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
        index = period.start.year * 12 + period.start.month - 1 - months
        start = date(index // 12, index % 12 + 1, 1)
        return Period(start, period.start - timedelta(days=1))
    days = (period.end - period.start).days + 1
    return Period(period.start - timedelta(days=days), period.start - timedelta(days=1))


# --------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class RankedAgency:
    agency_id: int
    name: str
    short_name: str | None
    kind: str
    metrics: AgencyMetrics
    score: float | None
    rank: int | None
    previous_score: float | None
    previous_rank: int | None

    @property
    def score_change(self) -> float | None:
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (positive = moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def _ranks(scores: Mapping[int, float | None]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4): equal scores share a place; no score, no place."""
    present = [s for s in scores.values() if s is not None]
    return {a: 1 + sum(other > s for other in present) for a, s in scores.items() if s is not None}


@dataclass(frozen=True)
class PeriodMetrics:
    """One period's metrics for every agency, with the previous period's for comparison."""

    period: Period
    as_of: date
    previous: Period
    previous_as_of: date
    current: dict[int, AgencyMetrics]
    before: dict[int, AgencyMetrics]
    agencies: dict[int, tuple[str, str | None, str, bool]]
    """agency id -> (name, short name, kind, active)."""

    def totals(self) -> dict[str, int]:
        """The count metrics summed over all agencies (a referral is sent by one agency)."""
        keys = ("referrals_sent", "referrals_received", "results_reported")
        return {k: sum(getattr(m, k) for m in self.current.values()) for k in keys}

    def ranking(self, weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> list[RankedAgency]:
        return rank_agencies(self.current, self.before, weights, self.agencies)


def period_metrics(session: Session, period: Period, as_of: date) -> PeriodMetrics:
    """The metrics of ``period`` as of ``as_of`` and of the previous period as of its end
    (or ``as_of``, if that is earlier), for every agency."""
    previous = previous_period(period)
    previous_as_of = min(previous.end, as_of)
    agencies = {
        a: (name, short, kind, bool(active))
        for a, name, short, kind, active in session.execute(
            select(Agency.id, Agency.name, Agency.short_name, Agency.kind, Agency.active)
        )
    }
    return PeriodMetrics(
        period=period,
        as_of=as_of,
        previous=previous,
        previous_as_of=previous_as_of,
        current=agency_metrics_sql(session, period, as_of, agencies),
        before=agency_metrics_sql(session, previous, previous_as_of, agencies),
        agencies=agencies,
    )


def rank_agencies(
    current: Mapping[int, AgencyMetrics],
    previous: Mapping[int, AgencyMetrics],
    weights: Mapping[str, float],
    agencies: Mapping[int, tuple],
) -> list[RankedAgency]:
    """Every agency with its score (``rules.metrics.score``), place, and the same for the
    previous period; ranked agencies first by place, then the unranked ones by name.
    Inactive agencies are listed only when they had something to judge."""
    now = {a: score(m, weights) for a, m in current.items()}
    then = {a: score(m, weights) for a, m in previous.items()}
    rank_now, rank_then = _ranks(now), _ranks(then)
    out = []
    for a, m in current.items():
        name, short, kind, active = agencies[a][:4]
        if not active and now[a] is None:
            continue
        out.append(
            RankedAgency(a, name, short, kind, m, now[a], rank_now.get(a), then.get(a), rank_then.get(a))
        )
    out.sort(key=lambda r: (r.rank is None, r.rank or 0, r.name))
    return out
