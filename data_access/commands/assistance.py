"""Write commands for assistance requests (执法协作): request, extend, answer.

A town (or any member) asks another agency for a determination, technical appraisal,
testing, an opinion or on-site help; the agency asked must answer in writing within
3 working days, extendable when a technical appraisal needs longer. The due date is stored
through :mod:`data_access.stored_deadlines` and follows the office's calendar.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from data_access.commands.base import Actor, audit, authorize, snapshot
from data_access.models import AssistanceRequest
from data_access.rulebook import load_rules
from data_access.stored_deadlines import assistance_deadline_fields
from data_access.validation import Checks, Saved, change_record, column_limit, next_number, run_write, saved
from rules import lifecycle

KIND_LABEL = ("协作请求", "assistance request")
NUMBER_WIDTH = 4

LABELS: dict[str, tuple[str, str]] = {
    "kind": ("协作类型", "Kind of help"),
    "subject": ("协作事项", "Subject"),
    "from_agency_id": ("请求单位", "Requesting agency"),
    "to_agency_id": ("被请求单位", "Agency asked"),
    "requested_on": ("请求日期", "Date requested"),
    "reason": ("延期理由", "Reason for the extension"),
    "answered_on": ("答复日期", "Date answered"),
    "answer": ("答复内容", "Answer"),
    "status": ("状态", "Status"),
}


def _transition(c: Checks, current: str, target: str) -> None:
    try:
        lifecycle.check_transition("assistance", current, target)
    except lifecycle.TransitionError as exc:
        c.refusal("status", exc)


def request_assistance(
    actor: Actor, *, kind: str, subject: str, from_agency_id: int, to_agency_id: int, requested_on: date,
    today: date | None = None, engine: Engine | None = None, uow: Session | None = None,
) -> Saved:
    """Register a request with the next ``XZ-<year>-<4 digits>`` number and its due date."""
    today = today or date.today()

    def work(session: Session) -> Saved:
        L = LABELS
        c = Checks(today)
        kind_code = c.choice("kind", kind, lifecycle.ASSISTANCE_KIND_LABELS, L["kind"])
        text = c.text("subject", subject, L["subject"], limit=column_limit(AssistanceRequest, "subject"))
        asker = c.agency(session, "from_agency_id", from_agency_id, L["from_agency_id"])
        asked = c.agency(session, "to_agency_id", to_agency_id, L["to_agency_id"])
        if asker is not None and asked is not None and asker.id == asked.id:
            c.add("to_agency_id", "不能向本单位自己提出协作请求", "An agency cannot ask itself for assistance")
        day = c.date("requested_on", requested_on, L["requested_on"])
        c.done()
        authorize(actor, "assist.create", [asker.id])
        s, cal = load_rules(session)
        req = AssistanceRequest(
            number=next_number(session, AssistanceRequest, f"XZ-{today.year}-", NUMBER_WIDTH),
            kind=kind_code,
            subject=text,
            from_agency_id=asker.id,
            to_agency_id=asked.id,
            requested_on=day,
            extended=False,
            status="open",
            **assistance_deadline_fields(cal, s, requested_on=day, extended=False),
        )
        session.add(req)
        session.flush()
        audit(session, actor, "assist.create", AssistanceRequest.__tablename__, req.id, None, snapshot(req))
        return saved(req)

    return run_write(work, engine, uow=uow)


def extend_assistance(
    actor: Actor, request_id: int, *, reason: str, expected_version: int | None, today: date | None = None,
    engine: Engine | None = None, uow: Session | None = None,
) -> Saved:
    """The agency asked takes the extension for a technical appraisal: the due date moves
    back by the configured extra working days. Once per request, while it is open."""

    def apply(session: Session, req: AssistanceRequest, c: Checks) -> None:
        if req.status != "open":
            c.add(
                "status",
                f"该请求已是“{lifecycle.status_label('assistance', req.status)}”，不能再延期",
                f"The request is already “{lifecycle.status_label('assistance', req.status, 'en')}”; it cannot be extended",
            )
        elif req.extended:
            c.add("status", "该请求已经延期过一次", "The request has already been extended once")
        elif req.due_on is not None and (today or date.today()) > req.due_on:
            # An extension is announced within the limit: taken afterwards it would turn a late
            # answer, already counted in its period, into an on-time one.
            c.add("status", f"答复期限（{req.due_on}）已过，不能再延期：延期须在期限内告知",
                  f"The answer was due on {req.due_on}; an extension must be taken before then")
        why = c.text("reason", reason, LABELS["reason"], limit=None, multiline=True)
        c.done()
        authorize(actor, "assist.answer", [req.to_agency_id])
        s, cal = load_rules(session)
        req.extended = True
        req.extension_reason = why
        for key, value in assistance_deadline_fields(cal, s, requested_on=req.requested_on, extended=True).items():
            setattr(req, key, value)

    return change_record(
        actor, AssistanceRequest, request_id, expected_version, KIND_LABEL, "assist.extend", apply,
        today=today or date.today(), engine=engine, uow=uow,
    )


def answer_assistance(
    actor: Actor, request_id: int, *, answered_on: date, answer: str, expected_version: int | None,
    today: date | None = None, engine: Engine | None = None, uow: Session | None = None,
) -> Saved:
    """The written answer (待答复 → 已答复); not before the request, not after today."""

    def apply(session: Session, req: AssistanceRequest, c: Checks) -> None:
        L = LABELS
        _transition(c, req.status, "answered")
        day = c.date("answered_on", answered_on, L["answered_on"])
        c.not_before("answered_on", day, req.requested_on, L["answered_on"], L["requested_on"])
        text = c.text("answer", answer, L["answer"], limit=None, multiline=True)
        c.done()
        authorize(actor, "assist.answer", [req.to_agency_id])
        req.answered_on, req.answer = day, text
        req.status = "answered"

    return change_record(
        actor, AssistanceRequest, request_id, expected_version, KIND_LABEL, "assist.answer", apply,
        today=today or date.today(), engine=engine, uow=uow,
    )
