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
- **Counts of events** ("results reported", "disputes resolved") count what happened in the
  period: the event's own date lies in the period (and on or before ``as_of``), whenever the
  referral or dispute began.
- **Judged items.** Each timeliness rate judges items (its settled denominator); an agency's
  judged items are all of them together (:func:`judged_items`). Ranking and scoring:
  :func:`deduction_score`, :func:`weighted_score`, :func:`rank_agencies_fairly`,
  :func:`top_bottom`.
- **Rounds.** Each sending of a referral is an item of its own: a referral returned (退回)
  and sent again has two rounds, each with its own sending, acknowledgement limit and
  answer, and each counts in the period where it happened (DOMAIN.md, Rounds). A later
  round never changes an earlier one, so a period's figures as of its last day do not move
  with anything done afterwards. Sending on time is judged on the first sending only.
- Agencies are compared by id only; a referral from an agency to itself counts as both
  sent and received.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

__all__ = [
    "ReferralFacts",
    "AssistFacts",
    "DisputeFacts",
    "DecisionFacts",
    "Period",
    "AgencyMetrics",
    "agency_metrics",
    "score",
    "weighted_score",
    "deduction_score",
    "judged_items",
    "ScoreItem",
    "SCORE_ITEMS",
    "Scoring",
    "DEDUCTION",
    "WEIGHTED",
    "SCORE_METHODS",
    "RANKED_KINDS",
    "RankEntry",
    "RankPlace",
    "INSUFFICIENT",
    "rank_with_ties",
    "rank_agencies_fairly",
    "top_bottom",
    "parse_period",
    "period_code",
    "dispute_parties_due",
    "RATE_FIELDS",
    "DEFAULT_WEIGHTS",
    "METRIC_LABELS",
    "METRIC_HELP",
    "metric_help",
    "NOTE_LABELS",
]


# --------------------------------------------------------------------------- input facts


@dataclass(frozen=True, slots=True)
class ReferralFacts:
    """What the metrics need of one sending of a referral: a referral's current round (a row
    of ``referrals``) or an earlier, returned round (a row of ``referral_rounds``). Each round
    is its own sending, with its own limit and answer (DOMAIN.md, Rounds); only the first
    round has a sending limit (``send_due_on``), so a re-send is never judged "sent late"."""

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
    sent_at: datetime | None = None
    """The moment sent, where the time of day was given."""
    send_due_at: datetime | None = None
    """The moment an urgent referral had to be sent by (discovery + 24 h), where the time of
    discovery was given: the sending is then judged in hours (``rules.deadlines.sent_on_time``)."""


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
    left_parties_on: date | None = None
    """The day the dispute left the parties' own stages (先予协同处置, 协商): it entered
    司法局协调 or a later stage, or was resolved, whichever came first; ``None`` while it is
    still in the parties' hands."""


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
    """Sendings with ``from_agency_id`` = the agency and ``sent_on`` in the period (and
    ``sent_on <= as_of``); a re-send after 退回 is a sending of its own (a new round)."""

    referrals_received: int
    """Sendings (rounds) with ``to_agency_id`` = the agency and ``sent_on`` in the period
    (and ``sent_on <= as_of``). This set is "received in the period" below."""

    sent_on_time_rate: float | None
    """Of the sendings counted in ``referrals_sent`` that have a ``send_due_on`` (first
    sendings only): the share sent in time, ``rules.deadlines.sent_on_time`` (in hours,
    ``sent_at <= send_due_at``, where both moments are known; else ``sent_on <=
    send_due_on``). (Every one of them is settled: it was sent.)"""

    ack_on_time_rate: float | None
    """Of the referrals received in the period that have an ``ack_due_on`` and are settled,
    i.e. acknowledged (``ack_on <= as_of``) or overdue (not acknowledged by ``as_of`` and
    ``ack_due_on < as_of``): the share acknowledged with ``ack_on <= ack_due_on``."""

    median_ack_workdays: float | None
    """Median (``statistics.median``: the middle value, or the mean of the two middle
    values) of ``ack_workdays`` over the referrals received in the period that were
    acknowledged (``ack_on <= as_of``) and have ``ack_workdays``; ``None`` if there are none."""

    results_reported: int
    """Results reported in the period: referrals to the agency with ``result_on`` in the
    period (and ``<= as_of``), whenever they were sent (an event count)."""

    assists_answered_on_time_rate: float | None
    """Of the assistance requests to the agency (``to_agency_id``) with ``requested_on`` in
    the period (and ``<= as_of``) that have a ``due_on`` and are settled, i.e. answered
    (``answered_on <= as_of``) or overdue (unanswered and ``due_on < as_of``): the share with
    ``answered_on <= due_on``."""

    disputes_involved: int
    """Disputes with the agency among ``party_ids`` and ``opened_on`` in the period (and
    ``<= as_of``)."""

    disputes_resolved: int
    """Disputes resolved in the period: the agency among ``party_ids`` and ``resolved_on`` in
    the period (and ``<= as_of``), whenever they were opened (an event count)."""

    decisions_done_on_time_rate: float | None
    """Of the decisions the agency leads (``lead_agency_id``), not cancelled, with ``due_on``
    in the period and settled, i.e. done (``done_on <= as_of``) or overdue (not done by
    ``as_of`` and ``due_on < as_of``): the share with ``done_on <= due_on``."""

    dispute_handling_rate: float | None = None
    """Of the disputes the agency is a party to whose parties' limit
    (:func:`dispute_parties_due`: ``opened_on`` + ``dispute_stall_days`` calendar days) falls
    in the period and that are settled, i.e. handed on (``left_parties_on <= as_of``) or
    overdue (still with the parties and the limit ``< as_of``): the share handed on (to
    司法局协调 or beyond, or resolved) by the limit."""

    sent_judged: int = 0
    """Items judged for ``sent_on_time_rate`` (its denominator)."""
    sent_late: int = 0
    """Of those, the ones that failed (sent after ``send_due_on``)."""
    ack_judged: int = 0
    """Items judged for ``ack_on_time_rate`` (settled acknowledgements)."""
    ack_late: int = 0
    """Of those, acknowledged late or overdue."""
    assists_judged: int = 0
    """Items judged for ``assists_answered_on_time_rate``."""
    assists_late: int = 0
    """Of those, answered late or overdue."""
    decisions_judged: int = 0
    """Items judged for ``decisions_done_on_time_rate``."""
    decisions_late: int = 0
    """Of those, done late or overdue."""
    disputes_judged: int = 0
    """Items judged for ``dispute_handling_rate``."""
    disputes_late: int = 0
    """Of those, left with the parties past their limit."""

    def rates(self) -> dict[str, float | None]:
        """The rate fields, by name."""
        return {name: getattr(self, name) for name in RATE_FIELDS}


#: The fields of :class:`AgencyMetrics` that are rates in [0, 1] (or ``None``).
RATE_FIELDS: tuple[str, ...] = (
    "sent_on_time_rate",
    "ack_on_time_rate",
    "assists_answered_on_time_rate",
    "decisions_done_on_time_rate",
    "dispute_handling_rate",
)


def dispute_parties_due(opened_on: date, stall_days: int) -> date:
    """The last day the parties have to settle a dispute themselves or hand it on to
    司法局协调: ``stall_days`` calendar days after it was opened (the day of opening not
    counted), the same length after which a dispute counts as stalled in one stage."""
    return opened_on + timedelta(days=stall_days)


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
    stall_days: int = 30,
) -> AgencyMetrics:
    """The reference computation of :class:`AgencyMetrics` (plain loops, for clarity).
    ``stall_days`` is ``RuleSettings.dispute_stall_days`` (:func:`dispute_parties_due`)."""
    from rules.deadlines import sent_on_time  # rules.deadlines -> rules.settings -> here

    sent = received = 0
    send_timed = send_on_time = 0
    ack_settled = ack_on_time = 0
    ack_days: list[int] = []
    results = 0
    for r in referrals:
        if r.to_agency_id == agency_id and _happened(r.result_on, as_of) and r.result_on in period:
            results += 1
        if not (_happened(r.sent_on, as_of) and r.sent_on in period):
            continue
        if r.from_agency_id == agency_id:
            sent += 1
            if r.send_due_on is not None:
                send_timed += 1
                send_on_time += sent_on_time(r.sent_on, r.send_due_on, sent_at=r.sent_at,
                                             send_due_at=r.send_due_at)
        if r.to_agency_id == agency_id:
            received += 1
            acked = _happened(r.ack_on, as_of)
            if r.ack_due_on is not None and (acked or r.ack_due_on < as_of):
                ack_settled += 1
                ack_on_time += acked and r.ack_on <= r.ack_due_on
            if acked and r.ack_workdays is not None:
                ack_days.append(r.ack_workdays)

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
    disp_settled = disp_on_time = 0
    for d in disputes:
        if agency_id not in d.party_ids:
            continue
        if d.opened_on <= as_of and d.opened_on in period:
            involved += 1
        if _happened(d.resolved_on, as_of) and d.resolved_on in period:
            resolved += 1
        due = dispute_parties_due(d.opened_on, stall_days)
        if due in period:
            handed_on = _happened(d.left_parties_on, as_of)
            if handed_on or due < as_of:
                disp_settled += 1
                disp_on_time += handed_on and d.left_parties_on <= due

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
        dispute_handling_rate=_rate(disp_on_time, disp_settled),
        sent_judged=send_timed,
        sent_late=send_timed - send_on_time,
        ack_judged=ack_settled,
        ack_late=ack_settled - ack_on_time,
        assists_judged=assist_settled,
        assists_late=assist_settled - assist_on_time,
        decisions_judged=dec_settled,
        decisions_late=dec_settled - dec_on_time,
        disputes_judged=disp_settled,
        disputes_late=disp_settled - disp_on_time,
    )


# --------------------------------------------------------------------------- the score


@dataclass(frozen=True, slots=True)
class ScoreItem:
    """One assessed item (考核项目): the rate it judges and its counts in AgencyMetrics."""

    key: str
    rate: str
    judged: str
    late: str
    label: tuple[str, str]


#: The items of the 百分制 assessment (DOMAIN.md, Scoring), in the order of the 通报.
SCORE_ITEMS: tuple[ScoreItem, ...] = (
    ScoreItem("send", "sent_on_time_rate", "sent_judged", "sent_late", ("按时移送", "Sending on time")),
    ScoreItem("ack", "ack_on_time_rate", "ack_judged", "ack_late", ("按时受理告知", "Acknowledging on time")),
    ScoreItem("assist", "assists_answered_on_time_rate", "assists_judged", "assists_late",
              ("协作请求按时答复", "Assistance answered on time")),
    ScoreItem("decisions", "decisions_done_on_time_rate", "decisions_judged", "decisions_late",
              ("议定事项按时完成", "Decisions done on time")),
    ScoreItem("disputes", "dispute_handling_rate", "disputes_judged", "disputes_late",
              ("职责争议处理", "Dispute handling")),
)

DEDUCTION = "deduction"
WEIGHTED = "weighted"
#: method code -> (Chinese label, English label)
SCORE_METHODS: dict[str, tuple[str, str]] = {
    DEDUCTION: ("百分制扣分", "100 points with deductions"),
    WEIGHTED: ("加权按时率", "Weighted on-time rates"),
}

#: Full marks per item by default (DOMAIN.md: 20, 30, 20, 20, 10; 2 points a failing case).
DEFAULT_FULL_MARKS: dict[str, int] = {"send": 20, "ack": 30, "assist": 20, "decisions": 20, "disputes": 10}
DEFAULT_POINTS_PER_CASE = 2

#: Weight of each rate in :func:`weighted_score`: by default the items' full marks, so that
#: both methods value the duties alike.
DEFAULT_WEIGHTS: dict[str, float] = {
    item.rate: DEFAULT_FULL_MARKS[item.key] / 100 for item in SCORE_ITEMS
}


def judged_items(metrics: AgencyMetrics) -> int:
    """All the items the agency's rates judged in the period (DOMAIN.md, Enough to judge):
    each referral it sent once for sending, each it received once for acknowledging, each
    assistance request, decision and dispute once. Items not yet settled are not judged."""
    return sum(getattr(metrics, item.judged) for item in SCORE_ITEMS)


def deduction_score(
    metrics: AgencyMetrics,
    full_marks: Mapping[str, int] = DEFAULT_FULL_MARKS,
    per_case: int = DEFAULT_POINTS_PER_CASE,
) -> float:
    """百分制扣分: each item starts at its full marks and loses ``per_case`` points for each
    failing case (late or overdue), down to 0 at most (每起扣2分，每项扣完为止); the score
    is the sum over the items. An item with nothing to judge keeps its full marks."""
    total = 0
    for item in SCORE_ITEMS:
        marks = int(full_marks.get(item.key, 0))
        if marks < 0 or per_case < 0:
            raise ValueError("分值不能为负数 / marks and deductions must not be negative")
        total += max(0, marks - per_case * getattr(metrics, item.late))
    return float(total)


def weighted_score(metrics: AgencyMetrics, weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> float | None:
    """The weighted-rate score, 0..100.

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


#: The weighted-rate score under its historical name.
score = weighted_score


@dataclass(frozen=True, slots=True)
class Scoring:
    """How the ranking is made: the office's settings (``RuleSettings``), in one value."""

    method: str = DEDUCTION
    min_items: int = 5
    per_case: int = DEFAULT_POINTS_PER_CASE
    full_marks: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_FULL_MARKS))
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def __post_init__(self) -> None:
        if self.method not in SCORE_METHODS:
            raise ValueError(f"未知的评分方法 {self.method!r} / unknown scoring method {self.method!r}")

    def score(self, metrics: AgencyMetrics) -> float | None:
        if self.method == DEDUCTION:
            return deduction_score(metrics, self.full_marks, self.per_case)
        return weighted_score(metrics, self.weights)

    @property
    def full_total(self) -> int:
        return sum(int(self.full_marks.get(item.key, 0)) for item in SCORE_ITEMS)


# --------------------------------------------------------------------------- the ranking

#: Agency kinds ranked, each among its own kind, towns first (DOMAIN.md, Who is ranked).
#: The coordinator (牵头单位) and judicial bodies (司法机关) are not ranked nor listed.
RANKED_KINDS: tuple[str, ...] = ("town", "department")

#: The note of an agency listed but not ranked: fewer judged items than the minimum.
INSUFFICIENT = "insufficient"
NOTE_LABELS: dict[str, tuple[str, str]] = {INSUFFICIENT: ("样本不足", "Too few items to judge")}


@dataclass(frozen=True, slots=True)
class RankEntry:
    """What the ranking needs of an agency: its id, kind, name (for a stable listing order
    only, never to break a tie), judged items and score."""

    agency_id: int
    kind: str
    name: str
    judged: int
    score: float | None


@dataclass(frozen=True, slots=True)
class RankPlace:
    """An agency's place: ``rank`` within its kind (ties share it) or ``None`` with a note."""

    agency_id: int
    kind: str
    name: str
    judged: int
    score: float | None
    rank: int | None
    note: str | None


def _rank_key(score: float) -> float:
    # Scores are shown to one decimal: two agencies that read the same are tied.
    return round(score, 1)


def rank_with_ties(scores: Mapping[int, float]) -> dict[int, int]:
    """Competition ranking (1, 1, 3): a place is 1 + the number of strictly better scores;
    scores equal to one decimal share a place."""
    keys = {a: _rank_key(s) for a, s in scores.items()}
    ordered = sorted(keys.values(), reverse=True)
    first: dict[float, int] = {}
    for i, k in enumerate(ordered):
        first.setdefault(k, i + 1)
    return {a: first[k] for a, k in keys.items()}


def rank_agencies_fairly(entries: Iterable[RankEntry], min_items: int) -> list[RankPlace]:
    """Towns, then departments, each ranked among themselves. An agency with fewer than
    ``min_items`` judged items, or no score, is listed after its kind's ranked ones with the
    note :data:`INSUFFICIENT` and no rank. Other kinds are left out. Within a place agencies
    are listed by name, which decides nothing: they share the place."""
    out: list[RankPlace] = []
    entries = list(entries)
    for kind in RANKED_KINDS:
        mine = [e for e in entries if e.kind == kind]
        eligible = {e.agency_id: e.score for e in mine if e.judged >= min_items and e.score is not None}
        ranks = rank_with_ties(eligible)
        places = [
            RankPlace(e.agency_id, e.kind, e.name, e.judged, e.score, ranks.get(e.agency_id),
                      None if e.agency_id in ranks else INSUFFICIENT)
            for e in mine
        ]
        places.sort(key=lambda p: (p.rank is None, p.rank or 0, p.name))
        out.extend(places)
    return out


def top_bottom(places: Iterable, n: int) -> tuple[list, list]:
    """The top ``n`` and bottom ``n`` of ranked places (anything with ``rank``), each list
    holding every place tied at its edge, so a list may be longer than ``n``; the bottom list
    runs from the last place up. Unranked places are in neither."""
    ranked = sorted((p for p in places if p.rank is not None), key=lambda p: p.rank)
    if n <= 0 or not ranked:
        return [], []
    top_edge = ranked[min(n, len(ranked)) - 1].rank
    top = [p for p in ranked if p.rank <= top_edge]
    rev = ranked[::-1]
    bottom_edge = rev[min(n, len(rev)) - 1].rank
    bottom = [p for p in rev if p.rank >= bottom_edge]
    return top, bottom


# --------------------------------------------------------------------------- periods


def parse_period(text: str) -> Period:
    """A period from its CONTRACT.md spelling: a month ``2026-10``, a quarter ``2026-Q4``
    or a year ``2026``. Anything else raises ``ValueError`` in both languages."""
    t = (text or "").strip().upper()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})|-Q([1-4]))?", t)
    if m and 2000 <= int(m.group(1)) <= 2999:
        year = int(m.group(1))
        if m.group(2):
            month = int(m.group(2))
            if 1 <= month <= 12:
                return Period(date(year, month, 1), _month_end(year, month))
        elif m.group(3):
            q = int(m.group(3))
            return Period(date(year, 3 * q - 2, 1), _month_end(year, 3 * q))
        else:
            return Period(date(year, 1, 1), date(year, 12, 31))
    raise ValueError(
        f"“{text}”不是有效的统计期间，应为 2026-10（月）、2026-Q4（季度）或 2026（年）。"
        f" / {text!r} is not a period: use 2026-10 (month), 2026-Q4 (quarter) or 2026 (year)."
    )


def _month_end(year: int, month: int) -> date:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def period_code(period: Period) -> str | None:
    """The CONTRACT.md spelling of a whole month, quarter or year; ``None`` for other spans."""
    s, e = period.start, period.end
    if s.day != 1 or e != _month_end(e.year, e.month) or s.year != e.year:
        return None
    months = e.month - s.month + 1
    if months == 1:
        return f"{s.year}-{s.month:02d}"
    if months == 3 and s.month % 3 == 1:
        return f"{s.year}-Q{(s.month + 2) // 3}"
    if months == 12:
        return str(s.year)
    return None


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
    "dispute_handling_rate": ("职责争议按期处理率", "Disputes handed on in time"),
    "sent_judged": ("移送考核件数", "Sendings judged"),
    "sent_late": ("超期移送件数", "Sent late"),
    "ack_judged": ("受理告知考核件数", "Acknowledgements judged"),
    "ack_late": ("超期受理告知件数", "Acknowledged late"),
    "assists_judged": ("协作请求考核件数", "Assistance requests judged"),
    "assists_late": ("协作请求超期件数", "Assistance answered late"),
    "decisions_judged": ("议定事项考核件数", "Decisions judged"),
    "decisions_late": ("议定事项超期件数", "Decisions done late"),
    "disputes_judged": ("职责争议考核件数", "Disputes judged"),
    "disputes_late": ("职责争议超期件数", "Disputes left too long"),
    "score": ("协同评分", "Coordination score"),
}


#: One sentence per figure (DOMAIN.md: every figure carries its definition): the pages' help
#: marks and docs/metrics.md. ``{stall}`` is ``dispute_stall_days``, ``{min}`` the minimum
#: of judged items.
METRIC_HELP: dict[str, tuple[str, str]] = {
    "referrals_sent": ("统计期间内本单位发出的移送次数（按移送日期；退回后再次移送计为新的一次）。",
                       "Sendings the agency made in the period (by the day sent; a re-send after a "
                       "return is a new sending)."),
    "referrals_received": ("统计期间内移送给本单位的移送次数（按移送日期；退回后再次移送计为新的一次）。",
                           "Sendings to the agency in the period (by the day sent; a re-send after a return "
                           "is a new sending)."),
    "sent_on_time_rate": ("期间内首次发出且有移送期限的案件中，在期限内（一般3个工作日，紧急24小时，按小时计）发出的比例；"
                          "退回后再次移送不再评价。",
                          "Of the referrals first sent in the period that had a limit, the share sent within "
                          "it (3 working days; urgent: 24 hours, counted in hours); a re-send after a return "
                          "is not judged again."),
    "ack_on_time_rate": ("期间内收到的移送中，截至统计日已书面告知或已超期的，在期限内书面告知受理情况的比例。",
                         "Of the referrals received in the period that were answered or overdue by the day "
                         "shown, the share answered in writing within the limit."),
    "median_ack_workdays": ("期间内收到并已书面告知的移送，从移送到告知所用工作日数的中位数。",
                            "Median working days from sending to the written answer, over the referrals "
                            "received in the period and answered."),
    "results_reported": ("统计期间内本单位反馈办理结果的件数（按反馈日期，不论何时收到移送）。",
                         "Results the agency reported in the period (by the day reported, whenever the "
                         "referral arrived)."),
    "assists_answered_on_time_rate": ("期间内向本单位提出、已答复或已超期的协作请求中，在期限内书面答复的比例。",
                                      "Of the assistance requests made to the agency in the period that were "
                                      "answered or overdue, the share answered within the limit."),
    "disputes_involved": ("统计期间内提出、本单位为当事方的职责争议数（按提出日期）。",
                          "Disputes opened in the period with the agency as a party (by the day opened)."),
    "disputes_resolved": ("统计期间内解决、本单位为当事方的职责争议数（按解决日期，不论何时提出）。",
                          "Disputes with the agency as a party resolved in the period (by the day "
                          "resolved, whenever opened)."),
    "decisions_done_on_time_rate": ("本单位牵头、完成期限在期间内且已完成或已超期的议定事项中，按期完成的比例。",
                                    "Of the decisions the agency leads that fell due in the period and are "
                                    "done or overdue, the share done by their due date."),
    "dispute_handling_rate": ("本单位为当事方、提出后{stall}日的期限落在期间内的争议中，按期解决或提请司法局协调的比例。",
                              "Of the disputes with the agency as a party whose limit ({stall} days after "
                              "opening) fell in the period, the share resolved or handed to the justice "
                              "bureau's coordination in time."),
    "judged": ("考核件数：各按时率所评价事项之和（期间内到期或已办理的移送、受理告知、协作请求、议定事项、职责争议）；"
               "少于{min}件的单位列为“样本不足”，不参与排名。",
               "Judged items: all the items the on-time rates judged in the period (sendings, "
               "acknowledgements, assistance requests, decisions, disputes); fewer than {min}: listed "
               "as too few to judge, not ranked."),
    "score": ("按规则参数中的评分方法计算：默认百分制扣分，各项满分，每起超期扣分，每项扣完为止。",
              "Made by the scoring method of the rule settings: by default 100 points, each item losing "
              "points per late case until used up."),
    "rank": ("镇街、部门分别按评分排名，同分同名次（如1、1、3）；牵头单位和司法机关不参与排名。",
             "Towns and departments are ranked apart by score, equal scores sharing a place (1, 1, 3); "
             "the coordinator and judicial bodies are not ranked."),
    "note": ("“样本不足”：考核件数少于参与排名的最少件数，列出数据但不排名。",
             "Too few to judge: fewer judged items than the minimum; figures listed, not ranked."),
}


def metric_help(key: str, lang: str = "zh", *, stall: int = 30, min_items: int = 5) -> str:
    """The one-sentence definition of a figure in ``lang`` (``zh`` or ``en``)."""
    zh, en = METRIC_HELP[key]
    return (en if lang == "en" else zh).format(stall=stall, min=min_items)
