"""Publishing the period's 通报: one command, validated, authorised, audited, one commit.

A published report is frozen: the figures it stated (JSON) and the document it was
(``.docx`` bytes) are stored once and never changed. Differences that later, back-dated
entries make to an earlier published period are listed as corrections (更正) on the report
being published (:func:`data_access.queries.bulletin.pending_corrections`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.commands.base import Actor, audit, authorize
from data_access.documents.bulletin import bulletin_docx, bulletin_title
from data_access.models import PublishedReport
from data_access.queries.bulletin import bulletin_figures, pending_corrections, report_number
from data_access.validation import Checks, now, run_write
from rules.metrics import Period, parse_period, period_code

__all__ = ["publish_report", "Published"]


@dataclass(frozen=True)
class Published:
    id: int
    number: str
    title: str
    corrections: int


def publish_report(
    actor: Actor, period: str, as_of: date, *, issued_on: date | None = None, uow: Session | None = None,
    today: date | None = None,
) -> Published:
    """Publish the 通报 of ``period`` (``2026-11``, ``2026-Q4``, ``2026``) with its figures as
    of ``as_of``. Refused when the period is not one of those, ``as_of`` lies before the
    period's end or after today, or the period was already published."""
    today = today or date.today()
    issued_on = issued_on or today

    def work(session: Session) -> Published:
        c = Checks(today)
        parsed: Period | None = None
        try:
            parsed = parse_period(period)
        except ValueError as exc:
            zh, _, en = str(exc).partition(" / ")
            c.add("period", zh, en)
        if not isinstance(as_of, date):
            c.add("as_of", "请填写数据截至日期", "Please give the day the figures are taken on")
        elif parsed is not None and as_of < parsed.end:
            c.add("as_of", f"数据截至日期不能早于期间最后一天 {parsed.end}",
                  f"The figures' day cannot be before the period's last day, {parsed.end}")
        elif as_of > today:
            c.add("as_of", "数据截至日期不能晚于今天", "The figures' day cannot be after today")
        if parsed is not None and session.scalar(
            select(PublishedReport.id).where(PublishedReport.period_start == parsed.start,
                                             PublishedReport.period_end == parsed.end)
        ):
            c.add("period", "该期间的通报已经发布，已发布的通报不再修改",
                  "This period's report is already published; a published report never changes")
        authorize(actor, "report.publish")
        c.done()

        figures = bulletin_figures(session, parsed, as_of)
        figures["corrections"] = pending_corrections(session, exclude_period=parsed)
        year = issued_on.year
        serial = 1 + (session.scalar(select(func.max(PublishedReport.serial)).where(PublishedReport.year == year)) or 0)
        number = report_number(year, serial)
        title = bulletin_title(figures)
        report = PublishedReport(
            year=year, serial=serial, period_code=period_code(parsed), period_start=parsed.start,
            period_end=parsed.end, as_of=as_of, title=title, figures=figures,
            docx=bulletin_docx(figures, number, issued_on), published_at=now(), published_by=actor.username,
        )
        session.add(report)
        session.flush()
        audit(session, actor, "report.publish", "published_reports", report.id, None,
              {"number": number, "period": report.period_code, "as_of": as_of.isoformat(),
               "corrections": len(figures["corrections"])})
        return Published(report.id, number, title, len(figures["corrections"]))

    if uow is not None:
        return work(uow)
    return run_write(work)
