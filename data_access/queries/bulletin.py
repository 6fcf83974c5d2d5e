"""The 通报 (published report): what a period's report says, published reports, corrections.

:func:`bulletin_figures` gathers everything a report states as plain JSON-safe values:
the headline totals, both rankings and each agency's figures (the rows of ``report
metrics``, :func:`data_access.queries.metrics.report_rows`), the red list of long-overdue
referrals and the overdue decisions. Publishing stores exactly that, with the rendered
document, and never changes it.

Corrections (更正): a later, back-dated entry may change a published period. For every
report already published, :func:`pending_corrections` recomputes its period as of its own
day with the data held now and lists each figure that differs from what was last said
(the report itself, amended by corrections listed since), so the next report carries them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from data_access.models import Agency, Decision, Meeting, PublishedReport
from data_access.queries.metrics import REPORT_COLUMNS, period_metrics, report_rows
from data_access.queries.overdue import overdue_acknowledgements
from data_access.rulebook import load_settings
from rules.metrics import SCORE_ITEMS, Period, period_code

__all__ = [
    "bulletin_figures",
    "period_title",
    "report_number",
    "pending_corrections",
    "published_reports",
    "published_docx",
    "PublishedRow",
]

#: Figures compared for corrections: every column of the report but the name and kind.
_COMPARED = tuple(c for c in REPORT_COLUMNS if c not in ("单位名称", "单位类型"))


def period_title(period: Period) -> str:
    """``2026年11月`` / ``2026年第四季度`` / ``2026年度``, as a report's title names it."""
    code = period_code(period) or ""
    if "-Q" in code:
        return f"{period.start.year}年第{'一二三四'[int(code[-1]) - 1]}季度"
    if "-" in code:
        return f"{period.start.year}年{period.start.month}月"
    if code:
        return f"{period.start.year}年度"
    return f"{period.start.isoformat()}至{period.end.isoformat()}"


def report_number(year: int, serial: int) -> str:
    return f"〔{year}〕{serial}号"


def _plain(value):
    """JSON's own view of a value, so stored and recomputed figures compare alike."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def bulletin_figures(session: Session, period: Period, as_of: date) -> dict:
    """Everything the period's report says, JSON-safe."""
    settings = load_settings(session)
    pm = period_metrics(session, period, as_of)
    ranking = pm.ranking()
    rows = report_rows(ranking)
    for r, row in zip(ranking, rows):
        row["agency_id"], row["kind"], row["考核件数"] = r.agency_id, r.kind, r.judged
    totals = pm.totals()
    overdue = overdue_acknowledgements(session, as_of)
    long_days = settings.suggest_overdue_referral_days
    red = [o for o in overdue if o.days_late >= long_days]
    decisions = _overdue_decisions(session, as_of)
    resolved = sum(m.disputes_resolved for m in pm.current.values())
    scoring = pm.scoring
    return _plain({
        "period": {"code": period_code(period), "start": period.start, "end": period.end,
                   "title": period_title(period)},
        "as_of": as_of,
        "scoring": {
            "method": scoring.method, "min_items": scoring.min_items, "per_case": scoring.per_case,
            "full_marks": {i.key: scoring.full_marks.get(i.key, 0) for i in SCORE_ITEMS},
            "weights": {i.key: scoring.weights.get(i.rate, 0) for i in SCORE_ITEMS},
        },
        "totals": {
            "referrals_sent": totals["referrals_sent"],
            "results_reported": totals["results_reported"],
            "disputes_resolved_parties": resolved,
            "overdue_ack": len(overdue),
            "long_overdue_ack": len(red),
            "long_overdue_days": long_days,
            "overdue_decisions": len(decisions),
            "ranked": sum(1 for r in ranking if r.rank is not None),
            "insufficient": sum(1 for r in ranking if r.note),
        },
        "rows": rows,
        "red_list": [
            {"移送编号": o.number, "案件名称": o.title, "移送单位": o.from_agency, "接收单位": o.to_agency,
             "移送日期": o.sent_on, "受理告知期限": o.ack_due_on, "超期天数": o.days_late}
            for o in red
        ],
        "overdue_decisions": decisions,
    })


def _overdue_decisions(session: Session, as_of: date) -> list[dict]:
    """Decisions not cancelled, due before ``as_of`` and not done by then, oldest first."""
    found = session.execute(
        select(Meeting.number, Decision.text, Agency.name, Decision.due_on)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .join(Agency, Agency.id == Decision.lead_agency_id)
        .where(
            Decision.status != "cancelled",
            Decision.due_on < as_of,
            or_(Decision.done_on.is_(None), Decision.done_on > as_of),
            Meeting.held_on <= as_of,
        )
        .order_by(Decision.due_on, Meeting.number, Decision.id)
    ).all()
    return [
        {"会议": number, "议定事项": text, "牵头单位": lead, "完成期限": due, "超期天数": (as_of - due).days}
        for number, text, lead, due in found
    ]


# --------------------------------------------------------------------------- published


@dataclass(frozen=True)
class PublishedRow:
    id: int
    number: str
    title: str
    period_code: str
    period_start: date
    period_end: date
    as_of: date
    published_at: datetime
    published_by: str
    corrections: int


def published_reports(session: Session) -> list[PublishedRow]:
    """Every published report, newest first (without the documents' bytes)."""
    rows = session.execute(
        select(PublishedReport.id, PublishedReport.year, PublishedReport.serial, PublishedReport.title,
               PublishedReport.period_code, PublishedReport.period_start, PublishedReport.period_end,
               PublishedReport.as_of, PublishedReport.published_at, PublishedReport.published_by,
               PublishedReport.figures)
        .order_by(PublishedReport.published_at.desc(), PublishedReport.id.desc())
    ).all()
    return [
        PublishedRow(r.id, report_number(r.year, r.serial), r.title, r.period_code, r.period_start, r.period_end,
                     r.as_of, r.published_at, r.published_by, len((r.figures or {}).get("corrections", [])))
        for r in rows
    ]


def published_docx(session: Session, report_id: int) -> tuple[str, bytes] | None:
    """(file name, bytes) of a published report as it was published."""
    row = session.execute(
        select(PublishedReport.year, PublishedReport.serial, PublishedReport.title, PublishedReport.docx)
        .where(PublishedReport.id == report_id)
    ).first()
    if row is None:
        return None
    return f"{row.title}（{report_number(row.year, row.serial)}）.docx", row.docx


def pending_corrections(session: Session, *, exclude_period: Period | None = None) -> list[dict]:
    """Figures of published reports that a recomputation (same period, same day, today's
    data) no longer gives, less those already listed as corrections on a later report."""
    reports = session.execute(
        select(PublishedReport).order_by(PublishedReport.published_at, PublishedReport.id)
    ).scalars().all()
    # What was last said: each report's own figures, amended by later reports' corrections.
    said: dict[int, dict[tuple[str, str], object]] = {}
    for rep in reports:
        said[rep.id] = {(row["单位名称"], c): row.get(c) for row in rep.figures.get("rows", []) for c in _COMPARED}
    for rep in reports:
        for fix in rep.figures.get("corrections", []):
            if fix["report_id"] in said:
                said[fix["report_id"]][(fix["单位名称"], fix["指标"])] = fix["更正后"]
    out: list[dict] = []
    for rep in reports:
        period = Period(rep.period_start, rep.period_end)
        if exclude_period is not None and period == exclude_period:
            continue
        now = _plain(report_rows(period_metrics(session, period, rep.as_of).ranking()))
        now_by = {(row["单位名称"], c): row.get(c) for row in now for c in _COMPARED}
        for key in sorted(set(said[rep.id]) | set(now_by)):
            was, new = said[rep.id].get(key), now_by.get(key)
            if was != new:
                out.append({
                    "report_id": rep.id, "原通报": report_number(rep.year, rep.serial),
                    "期间": rep.title, "单位名称": key[0], "指标": key[1], "原数": was, "更正后": new,
                    "原因": "发布后补录或更正了该期间内发生的事项",
                })
    return out


