"""Per-agency performance metrics: the definitions, and a reference implementation.

The dashboards compute these numbers in SQL for speed; this module is the definition they
must agree with. Tests feed the same small data set to both and compare.

General rules (they apply to every metric below):

- **Period.** ``Period(start, end)`` includes both ends. "In the period" means
  ``start <= x <= end`` for the date named by the metric.
- **As-of principle.** The numbers are those known at the end of day ``as_of``. A recorded
  date later than ``as_of`` is treated as if that event had not happened yet: a referral
  whose ``sent_on`` is after ``as_of`` does not count as sent, an acknowledgement dated after
  ``as_of`` does not count as given, and so on. A missing date (``None``) never happened.
- **Overdue.** An obligation with due date ``due`` that is still unmet is overdue on
  ``as_of`` when ``due < as_of`` (the due day itself is still on time; CONTRACT.md).
- **Timeliness rates** ("on-time rates") have the same shape: the denominator is the
  obligations that are *settled* as of ``as_of``, i.e. either met (the act happened on or
  before ``as_of``) or overdue (unmet and ``due < as_of``); items still within their limit
  are left out, so an agency is not marked late before it is. The numerator is those met
  on or before their due date. Items with no due date are left out of both. The rate is
  ``numerator / denominator`` as a float in [0, 1], or ``None`` when the denominator is 0.
- Agencies are compared by id only; a referral from an agency to itself counts as both
  sent and received.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

__all__ = [
    "ReferralFacts",
    "AssistFacts",
    "DisputeFacts",
    "DecisionFacts",
    "Period",
    "AgencyMetrics",
    "agency_metrics",
    "score",
    "RATE_FIELDS",
    "DEFAULT_WEIGHTS",
    "METRIC_LABELS",
]


# --------------------------------------------------------------------------- input facts


@dataclass(frozen=True, slots=True)
class ReferralFacts:
    """What the metrics need of one referral (one row of the referrals table)."""

    from_agency_id: int
    to_agency_id: int
    sent_on: date | None
    """移送日期; ``None`` for a draft never sent."""
    send_due_on: date | None
    """Last day to send (``rules.deadlines.send_due``); ``None`` when unknown (no discovery date)."""
    ack_on: date | None
    """受理告知日期: the written answer, whatever the outcome (受理/不予受理/退回)."""
    ack_due_on: date | None
    """Last day to acknowledge (``rules.deadlines.ack_due``)."""
    ack_workdays: int | None
    """Working days from ``sent_on`` to ``ack_on`` (``WorkCalendar.working_days_between``)."""
    result_on: date | None
    """办理结果反馈日期."""
    status: str
    """Lifecycle code (``rules.lifecycle``); not used by the metrics, kept for callers."""


@dataclass(frozen=True, slots=True)
class AssistFacts:
    """One assistance request: ``from_agency_id`` asks ``to_agency_id``."""

    to_agency_id: int
    from_agency_id: int
    requested_on: date
    due_on: date | None
    answered_on: date | None


@dataclass(frozen=True, slots=True)
class DisputeFacts:
    """One jurisdiction dispute and the agencies that are parties to it."""

    party_ids: frozenset[int]
    opened_on: date
    resolved_on: date | None


@dataclass(frozen=True, slots=True)
class DecisionFacts:
    """One decision (议定事项) of a meeting; only the lead agency answers for it here."""

    lead_agency_id: int
    due_on: date | None
    done_on: date | None
    status: str
    """``"open"``, ``"done"`` or ``"cancelled"``; cancelled decisions are left out."""


@dataclass(frozen=True, slots=True)
class Period:
    """A range of days, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                f"统计期间的结束日期 {self.end} 早于开始日期 {self.start}。 / "
                f"The period ends ({self.end}) before it starts ({self.start})."
            )

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end


# --------------------------------------------------------------------------- the metrics


@dataclass(frozen=True, slots=True)
class AgencyMetrics:
    """One agency's numbers for a period, as of a day. See each field's definition."""

    agency_id: int

    referrals_sent: int
    """Referrals with ``from_agency_id`` = the agency and ``sent_on`` in the period (and
    ``sent_on <= as_of``)."""

    referrals_received: int
    """Referrals with ``to_agency_id`` = the agency and ``sent_on`` in the period (and
    ``sent_on <= as_of``). This set is "received in the period" below."""

    sent_on_time_rate: float | None
    """Of the referrals counted in ``referrals_sent`` that have a ``send_due_on``: the share
    with ``sent_on <= send_due_on``. (Every one of them is settled: it was sent.)"""

    ack_on_time_rate: float | None
    """Of the referrals received in the period that have an ``ack_due_on`` and are settled,
    i.e. acknowledged (``ack_on <= as_of``) or overdue (not acknowledged by ``as_of`` and
    ``ack_due_on < as_of``): the share acknowledged with ``ack_on <= ack_due_on``."""

    median_ack_workdays: float | None
    """Median (``statistics.median``: the middle value, or the mean of the two middle
    values) of ``ack_workdays`` over the referrals received in the period that were
    acknowledged (``ack_on <= as_of``) and have ``ack_workdays``; ``None`` if there are none."""

    results_reported: int
    """Referrals received in the period with ``result_on <= as_of`` (a result reported)."""

    assists_answered_on_time_rate: float | None
    """Of the assistance requests to the agency (``to_agency_id``) with ``requested_on`` in
    the period (and ``<= as_of``) that have a ``due_on`` and are settled, i.e. answered
    (``answered_on <= as_of``) or overdue (unanswered and ``due_on < as_of``): the share with
    ``answered_on <= due_on``."""

    disputes_involved: int
    """Disputes with the agency among ``party_ids`` and ``opened_on`` in the period (and
    ``<= as_of``)."""

    disputes_resolved: int
    """Of the disputes counted in ``disputes_involved``, those with ``resolved_on <= as_of``."""

    decisions_done_on_time_rate: float | None
    """Of the decisions the agency leads (``lead_agency_id``), not cancelled, with ``due_on``
    in the period and settled, i.e. done (``done_on <= as_of``) or overdue (not done by
    ``as_of`` and ``due_on < as_of``): the share with ``done_on <= due_on``."""

    def rates(self) -> dict[str, float | None]:
        """The rate fields, by name."""
        return {name: getattr(self, name) for name in RATE_FIELDS}


#: The fields of :class:`AgencyMetrics` that are rates in [0, 1] (or ``None``).
RATE_FIELDS: tuple[str, ...] = (
    "sent_on_time_rate",
    "ack_on_time_rate",
    "assists_answered_on_time_rate",
    "decisions_done_on_time_rate",
)


def _happened(d: date | None, as_of: date) -> bool:
    return d is not None and d <= as_of


def _rate(on_time: int, settled: int) -> float | None:
    return on_time / settled if settled else None


def agency_metrics(
    agency_id: int,
    period: Period,
    as_of: date,
    referrals: Iterable[ReferralFacts],
    assists: Iterable[AssistFacts],
    disputes: Iterable[DisputeFacts],
    decisions: Iterable[DecisionFacts],
) -> AgencyMetrics:
    """The reference computation of :class:`AgencyMetrics` (plain loops, for clarity)."""
    sent = received = 0
    send_timed = send_on_time = 0
    ack_settled = ack_on_time = 0
    ack_days: list[int] = []
    results = 0
    for r in referrals:
        if not (_happened(r.sent_on, as_of) and r.sent_on in period):
            continue
        if r.from_agency_id == agency_id:
            sent += 1
            if r.send_due_on is not None:
                send_timed += 1
                send_on_time += r.sent_on <= r.send_due_on
        if r.to_agency_id == agency_id:
            received += 1
            acked = _happened(r.ack_on, as_of)
            if r.ack_due_on is not None and (acked or r.ack_due_on < as_of):
                ack_settled += 1
                ack_on_time += acked and r.ack_on <= r.ack_due_on
            if acked and r.ack_workdays is not None:
                ack_days.append(r.ack_workdays)
            results += _happened(r.result_on, as_of)

    assist_settled = assist_on_time = 0
    for a in assists:
        if a.to_agency_id != agency_id or a.due_on is None:
            continue
        if not (a.requested_on <= as_of and a.requested_on in period):
            continue
        answered = _happened(a.answered_on, as_of)
        if answered or a.due_on < as_of:
            assist_settled += 1
            assist_on_time += answered and a.answered_on <= a.due_on

    involved = resolved = 0
    for d in disputes:
        if agency_id in d.party_ids and d.opened_on <= as_of and d.opened_on in period:
            involved += 1
            resolved += _happened(d.resolved_on, as_of)

    dec_settled = dec_on_time = 0
    for c in decisions:
        if c.lead_agency_id != agency_id or c.status == "cancelled" or c.due_on is None:
            continue
        if c.due_on not in period:
            continue
        done = _happened(c.done_on, as_of)
        if done or c.due_on < as_of:
            dec_settled += 1
            dec_on_time += done and c.done_on <= c.due_on

    return AgencyMetrics(
        agency_id=agency_id,
        referrals_sent=sent,
        referrals_received=received,
        sent_on_time_rate=_rate(send_on_time, send_timed),
        ack_on_time_rate=_rate(ack_on_time, ack_settled),
        median_ack_workdays=float(statistics.median(ack_days)) if ack_days else None,
        results_reported=results,
        assists_answered_on_time_rate=_rate(assist_on_time, assist_settled),
        disputes_involved=involved,
        disputes_resolved=resolved,
        decisions_done_on_time_rate=_rate(dec_on_time, dec_settled),
    )


# --------------------------------------------------------------------------- the score

#: Weight of each rate in :func:`score`. Acknowledging on time is the receiver's core duty
#: and weighs most; the four weights sum to 1 but need not.
DEFAULT_WEIGHTS: dict[str, float] = {
    "sent_on_time_rate": 0.25,
    "ack_on_time_rate": 0.35,
    "assists_answered_on_time_rate": 0.2,
    "decisions_done_on_time_rate": 0.2,
}


def score(metrics: AgencyMetrics, weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> float | None:
    """The agency's coordination score, 0..100, used for the ranking.

    ``score = 100 * sum(w_i * rate_i) / sum(w_i)`` over the rates ``i`` of
    :data:`RATE_FIELDS` that are not ``None`` and have a weight ``w_i > 0`` (a rate
    missing from ``weights`` weighs 0). A rate that is ``None`` (nothing to judge) is left
    out rather than counted as 0, so an agency is judged only on what it had to do.
    Returns ``None`` when no weighted rate is present: such an agency is not ranked.
    Weights must be finite and >= 0, and may only name rate fields (else ``ValueError``).
    """
    for name, w in weights.items():
        if name not in RATE_FIELDS:
            raise ValueError(
                f"权重中的“{name}”不是可评分的比率指标。 / {name!r} is not a rate that can be weighted; "
                f"use one of {', '.join(RATE_FIELDS)}."
            )
        if not (w >= 0 and w != float("inf")):
            raise ValueError(f"权重必须是非负数 / weights must be finite and >= 0; {name} = {w!r}")
    total_w = total = 0.0
    for name in RATE_FIELDS:
        w = float(weights.get(name, 0.0))
        value = getattr(metrics, name)
        if value is None or w == 0:
            continue
        total_w += w
        total += w * value
    if total_w == 0:
        return None
    return 100.0 * total / total_w


def effective_weights(weights: Mapping[str, float]) -> tuple[dict[str, float], bool]:
    """The weights a ranking uses: ``weights`` themselves, or :data:`DEFAULT_WEIGHTS` when
    every weight is 0 (nothing could be scored). The flag says the defaults were taken, so
    that the page can say so."""
    if any(float(w) for w in weights.values()):
        return dict(weights), False
    return dict(DEFAULT_WEIGHTS), True


#: metric field -> (Chinese label, English label)
METRIC_LABELS: dict[str, tuple[str, str]] = {
    "referrals_sent": ("移送案件数", "Referrals sent"),
    "referrals_received": ("接收移送数", "Referrals received"),
    "sent_on_time_rate": ("按时移送率", "Sent on time"),
    "ack_on_time_rate": ("按时受理告知率", "Acknowledged on time"),
    "median_ack_workdays": ("受理告知用时中位数（工作日）", "Median time to acknowledge (working days)"),
    "results_reported": ("已反馈办理结果数", "Results reported"),
    "assists_answered_on_time_rate": ("协作请求按时答复率", "Assistance answered on time"),
    "disputes_involved": ("涉及职责争议数", "Disputes involved in"),
    "disputes_resolved": ("已解决争议数", "Disputes resolved"),
    "decisions_done_on_time_rate": ("议定事项按时完成率", "Decisions done on time"),
    "score": ("协同评分", "Coordination score"),
}
