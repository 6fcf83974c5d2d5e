"""Per-agency metrics for a period, computed in SQL, and the ranking built on them.

The definitions are :mod:`rules.metrics`; this module computes exactly the same numbers
with one GROUP BY per table on indexed date columns, so a period's figures cost the same
whether the database holds a year or ten. ``tests/test_metrics_sql.py`` compares
:func:`agency_metrics_sql` with the reference ``rules.metrics.agency_metrics`` on the sample
city, for every agency, on SQLite and PostgreSQL.

How each definition maps onto SQL (``last`` = the earlier of the period's end and
``as_of``, since a date after ``as_of`` has not happened yet):

- sent / received: ``sent_on BETWEEN start AND last``, in one pass grouped by sender,
  receiver and working days taken to acknowledge, summed per agency here; the pass runs on
  ``referrals`` (current rounds) and on ``referral_rounds`` (earlier, returned rounds);
- on-time rates: ``settled`` and ``on time`` as two conditional sums, the rate being their
  quotient in Python (``None`` when nothing is settled), as in ``rules.metrics._rate``;
- the median of ``ack_workdays``: read from each receiver's histogram of working days (they
  are small whole numbers), exactly as ``statistics.median`` would from the list;
- results reported: a separate count by ``result_on`` in the period (an event count);
- disputes through ``dispute_parties``: opened, resolved and the parties' limit each by its
  own date; the day a dispute left the parties' stages is the first stage-history row of
  司法局协调 or later (or its resolution); decisions by ``due_on`` in the whole period (not
  cut at ``as_of``: a decision due later in the period is simply not settled yet).

Both the metrics page and the overview take their figures from :func:`period_metrics`.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, func, null, or_, select
from sqlalchemy.orm import Session

from data_access.models import (
    Agency,
    AssistanceRequest,
    Decision,
    Dispute,
    DisputeParty,
    DisputeStage,
    Referral,
    ReferralRound,
)
from data_access.queries import conditions
from data_access.rulebook import load_settings
from rules.lifecycle import DISPUTE_STAGES
from rules.metrics import (
    AgencyMetrics,
    Period,
    RankEntry,
    Scoring,
    dispute_parties_due,
    judged_items,
    rank_agencies_fairly,
)

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


#: Stages past the parties' own (先予协同处置, 协商): reaching one hands the dispute on.
_HANDED_ON_STAGES = DISPUTE_STAGES[DISPUTE_STAGES.index("coordination"):]


def agency_metrics_sql(
    session: Session, period: Period, as_of: date, agency_ids: Iterable[int] | None = None,
    stall_days: int | None = None,
) -> dict[int, AgencyMetrics]:
    """:class:`rules.metrics.AgencyMetrics` for every agency (or those in ``agency_ids``);
    ``stall_days`` defaults to the database's ``dispute_stall_days``."""
    if stall_days is None:
        stall_days = load_settings(session).dispute_stall_days
    if agency_ids is None:
        ids = list(session.execute(select(Agency.id).order_by(Agency.id)).scalars())
    else:
        ids = sorted(set(agency_ids))
    last = min(period.end, as_of)

    # One pass over the period's sendings, grouped by (sender, receiver, working days to
    # acknowledge): both agencies' counts and each receiver's histogram of working days, from
    # which the median is read exactly. A few thousand groups at most, whatever the volume.
    # The sendings are the referrals' current rounds and their earlier, returned rounds
    # (``referral_rounds``), each counted where it happened (DOMAIN.md, Rounds): the same
    # grouped query on each table, summed here, so each keeps its own sent_on index.
    sent: dict[int, list[int]] = {}
    received: dict[int, list[int]] = {}
    histogram: dict[int, dict[int, int]] = {}
    for t in (Referral.__table__, ReferralRound.__table__):
        c = t.c
        acked = _happened(c.ack_on, as_of)
        ack_settled = and_(c.ack_due_on.is_not(None), or_(acked, c.ack_due_on < as_of))
        workdays = case((and_(acked, c.ack_workdays.is_not(None)), c.ack_workdays), else_=null())
        send_ok = conditions.sent_on_time(c.sent_on, c.send_due_on, c.sent_at, c.send_due_at)
        for frm, to, w, n, timed, n_send_ok, settled, ack_ok in session.execute(
            select(
                c.from_agency_id,
                c.to_agency_id,
                workdays,
                func.count(),
                func.count(c.send_due_on),
                _count_if(and_(c.send_due_on.is_not(None), send_ok)),
                _count_if(ack_settled),
                _count_if(and_(ack_settled, acked, c.ack_on <= c.ack_due_on)),
            )
            .where(c.sent_on >= period.start, c.sent_on <= last)
            .group_by(c.from_agency_id, c.to_agency_id, workdays)
        ):
            s_row = sent.setdefault(frm, [0, 0, 0])
            s_row[0] += n
            s_row[1] += timed
            s_row[2] += int(n_send_ok)
            r_row = received.setdefault(to, [0, 0, 0])
            r_row[0] += n
            r_row[1] += int(settled)
            r_row[2] += int(ack_ok)
            if w is not None:
                counts = histogram.setdefault(to, {})
                counts[int(w)] = counts.get(int(w), 0) + n
    medians = {a: _median(counts) for a, counts in histogram.items()}

    # Results reported is an event count: by the day the result was reported.
    results = dict(
        session.execute(
            select(Referral.to_agency_id, func.count())
            .where(Referral.result_on >= period.start, Referral.result_on <= last)
            .group_by(Referral.to_agency_id)
        ).all()
    )

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

    # Disputes: opened (involved) and resolved each by its own day, and the parties' limit
    # (opened + stall_days, rules.metrics.dispute_parties_due) falling in the period.
    handed = (
        select(DisputeStage.dispute_id, func.min(DisputeStage.entered_on).label("on"))
        .where(DisputeStage.stage.in_(_HANDED_ON_STAGES))
        .group_by(DisputeStage.dispute_id)
        .subquery()
    )
    left = case(
        (handed.c.on.is_(None), Dispute.resolved_on),
        (Dispute.resolved_on.is_(None), handed.c.on),
        (handed.c.on < Dispute.resolved_on, handed.c.on),
        else_=Dispute.resolved_on,
    )
    stall = timedelta(days=stall_days)
    opened = and_(Dispute.opened_on >= period.start, Dispute.opened_on <= last)
    resolved_in = and_(Dispute.resolved_on >= period.start, Dispute.resolved_on <= last)
    disputes: dict[int, list[int]] = {}
    for a, n_open, n_res in session.execute(
        select(DisputeParty.agency_id, _count_if(opened), _count_if(resolved_in))
        .join(Dispute, Dispute.id == DisputeParty.dispute_id)
        .where(or_(opened, resolved_in))
        .group_by(DisputeParty.agency_id)
    ):
        disputes[a] = [int(n_open), int(n_res), 0, 0]
    # The parties' limit (opened + stall days) in the period, as bounds on opened_on; the
    # comparison with the limit is made here, dates being plain values in both databases.
    for a, opened_on, left_on, n in session.execute(
        select(DisputeParty.agency_id, Dispute.opened_on, left, func.count())
        .join(Dispute, Dispute.id == DisputeParty.dispute_id)
        .outerjoin(handed, handed.c.dispute_id == Dispute.id)
        .where(Dispute.opened_on >= period.start - stall, Dispute.opened_on <= period.end - stall)
        .group_by(DisputeParty.agency_id, Dispute.opened_on, left)
    ):
        due = dispute_parties_due(_as_date(opened_on), stall_days)
        left_on = _as_date(left_on)
        handed_on = left_on is not None and left_on <= as_of
        if handed_on or due < as_of:
            row = disputes.setdefault(a, [0, 0, 0, 0])
            row[2] += n
            row[3] += n if handed_on and left_on <= due else 0

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
        n_recv, ack_set, ack_ok = received.get(a, (0, 0, 0))
        as_set, as_ok = assists.get(a, (0, 0))
        d_n, d_res, dh_set, dh_ok = disputes.get(a, (0, 0, 0, 0))
        dc_set, dc_ok = decisions.get(a, (0, 0))
        out[a] = AgencyMetrics(
            agency_id=a,
            referrals_sent=n_sent,
            referrals_received=n_recv,
            sent_on_time_rate=_rate(send_on_time, send_timed),
            ack_on_time_rate=_rate(ack_ok, ack_set),
            median_ack_workdays=medians.get(a),
            results_reported=int(results.get(a, 0)),
            assists_answered_on_time_rate=_rate(as_ok, as_set),
            disputes_involved=d_n,
            disputes_resolved=d_res,
            decisions_done_on_time_rate=_rate(dc_ok, dc_set),
            dispute_handling_rate=_rate(dh_ok, dh_set),
            sent_judged=send_timed,
            sent_late=send_timed - send_on_time,
            ack_judged=ack_set,
            ack_late=ack_set - ack_ok,
            assists_judged=as_set,
            assists_late=as_set - as_ok,
            decisions_judged=dc_set,
            decisions_late=dc_set - dc_ok,
            disputes_judged=dh_set,
            disputes_late=dh_set - dh_ok,
        )
    return out


def _as_date(value) -> date | None:
    """A date from a result column: SQLite may hand back ISO text where a CASE mixes dates."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


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
    judged: int = 0
    """Judged items in the period (``rules.metrics.judged_items``)."""
    note: str | None = None
    """Why the agency is not ranked (``rules.metrics.INSUFFICIENT``), else ``None``."""

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
    scoring: Scoring = Scoring()
    """The office's assessment settings (``RuleSettings.scoring``) in force when computed."""

    def totals(self) -> dict[str, int]:
        """The count metrics summed over all agencies (a referral is sent by one agency)."""
        keys = ("referrals_sent", "referrals_received", "results_reported")
        return {k: sum(getattr(m, k) for m in self.current.values()) for k in keys}

    def ranking(self, scoring: Scoring | None = None) -> list[RankedAgency]:
        """Towns then departments, each by rank, unranked (样本不足) after their kind's ranked."""
        return rank_agencies(self.current, self.before, scoring or self.scoring, self.agencies)


def period_metrics(session: Session, period: Period, as_of: date) -> PeriodMetrics:
    """The metrics of ``period`` as of ``as_of`` and of the previous period as of its end
    (or ``as_of``, if that is earlier), for every agency, with the office's scoring."""
    previous = previous_period(period)
    previous_as_of = min(previous.end, as_of)
    settings = load_settings(session)
    agencies = {
        a: (name, short, kind, bool(active))
        for a, name, short, kind, active in session.execute(
            select(Agency.id, Agency.name, Agency.short_name, Agency.kind, Agency.active)
        )
    }
    stall = settings.dispute_stall_days
    return PeriodMetrics(
        period=period,
        as_of=as_of,
        previous=previous,
        previous_as_of=previous_as_of,
        current=agency_metrics_sql(session, period, as_of, agencies, stall),
        before=agency_metrics_sql(session, previous, previous_as_of, agencies, stall),
        agencies=agencies,
        scoring=settings.scoring(),
    )


def _active_in(m: AgencyMetrics) -> bool:
    return bool(judged_items(m) or m.referrals_sent or m.referrals_received or m.results_reported
                or m.disputes_involved or m.disputes_resolved)


def rank_agencies(
    current: Mapping[int, AgencyMetrics],
    previous: Mapping[int, AgencyMetrics],
    scoring: Scoring,
    agencies: Mapping[int, tuple],
) -> list[RankedAgency]:
    """Every town and department with its score, judged items and place
    (``rules.metrics.rank_agencies_fairly``), and its place in the previous period.
    The coordinator and judicial bodies are left out; an inactive agency is listed only
    when it had something in the period."""

    def places(metrics: Mapping[int, AgencyMetrics]):
        entries = []
        for a, m in metrics.items():
            name, _short, kind, active = agencies[a][:4]
            if not active and not _active_in(m):
                continue
            entries.append(RankEntry(a, kind, name, judged_items(m), scoring.score(m)))
        return {p.agency_id: p for p in rank_agencies_fairly(entries, scoring.min_items)}

    now, then = places(current), places(previous)
    out = []
    for a, p in now.items():
        name, short, kind, _active = agencies[a][:4]
        before = then.get(a)
        out.append(RankedAgency(
            a, name, short, kind, current[a], None if p.note else p.score, p.rank,
            None if before is None or before.rank is None else before.score,
            None if before is None else before.rank,
            p.judged, p.note,
        ))
    return out


# --------------------------------------------------------------------------- the report

#: CONTRACT.md, "Metrics report": the columns, in order.
REPORT_COLUMNS: tuple[str, ...] = (
    "单位名称", "单位类型", "移送案件数", "按时移送率", "接收移送数", "按时受理告知率", "受理告知用时中位数",
    "已反馈办理结果数", "协作请求按时答复率", "涉及职责争议数", "已解决争议数", "议定事项按时完成率",
    "评分", "排名", "备注",
)
#: The metric behind each figure column (the rest: name, kind, score, rank, note).
REPORT_FIELDS: dict[str, str] = {
    "移送案件数": "referrals_sent",
    "按时移送率": "sent_on_time_rate",
    "接收移送数": "referrals_received",
    "按时受理告知率": "ack_on_time_rate",
    "受理告知用时中位数": "median_ack_workdays",
    "已反馈办理结果数": "results_reported",
    "协作请求按时答复率": "assists_answered_on_time_rate",
    "涉及职责争议数": "disputes_involved",
    "已解决争议数": "disputes_resolved",
    "议定事项按时完成率": "decisions_done_on_time_rate",
}


def _one_decimal(value: float | None) -> float | None:
    # Half away from zero, as a reader rounds (87.25 -> 87.3), not Python's banker's rounding.
    if value is None:
        return None
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def report_rows(ranking: Iterable[RankedAgency]) -> list[dict[str, object]]:
    """The report's rows, as the page shows them and the CLI writes them: one dict per
    listed agency keyed by :data:`REPORT_COLUMNS`; rates in percent and the median with one
    decimal, ``None`` where nothing fell due; 排名 an int or ``None`` with 备注 saying why."""
    from rules.lifecycle import AGENCY_KIND_LABELS
    from rules.metrics import NOTE_LABELS, RATE_FIELDS

    rows = []
    for r in ranking:
        row: dict[str, object] = {"单位名称": r.name, "单位类型": AGENCY_KIND_LABELS[r.kind][0]}
        for column, field in REPORT_FIELDS.items():
            value = getattr(r.metrics, field)
            if field in RATE_FIELDS:
                value = None if value is None else _one_decimal(value * 100)
            elif field == "median_ack_workdays":
                value = _one_decimal(value)
            row[column] = value
        # An agency not ranked shows no score: a full score on nothing judged would mislead.
        row["评分"] = None if r.note else _one_decimal(r.score)
        row["排名"] = r.rank
        row["备注"] = NOTE_LABELS[r.note][0] if r.note else ""
        rows.append(row)
    return rows


def metrics_csv(rows: Iterable[dict[str, object]]) -> str:
    """The report as CSV text (CONTRACT.md): the header, then one line per row; empty cells
    where a figure is ``None``; numbers with one decimal, counts and 排名 as bare integers."""
    import csv
    import io

    def cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.1f}"
        return str(value)

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for row in rows:
        writer.writerow([cell(row[c]) for c in REPORT_COLUMNS])
    return buf.getvalue()


def metrics_report(session: Session, period: Period, as_of: date) -> list[dict[str, object]]:
    """The metrics report of ``period`` as of ``as_of``: the rows of the metrics page."""
    return report_rows(period_metrics(session, period, as_of).ranking())
