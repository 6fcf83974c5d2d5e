"""Write commands for joint enforcement operations (联合执法行动).

Three ways to start one (DOMAIN.md):
- routine (常规启动): the office drafts a plan; it waits for the leading group's approval;
- special (专项启动): a member applies with a plan at least 3 days before it starts, and the
  office must decide within 2 days of the application (``decision_due_on`` is stored);
- emergency (应急启动): approved at once; the agencies asked must turn out the same day.

Then applied → approved | rejected; approved → in_progress → finished (with the outcome).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from data_access.commands.base import Actor, audit, authorize, snapshot
from data_access.models import JointOperation, JointOperationAgency
from data_access.rulebook import load_rules
from data_access.validation import Checks, Saved, change_record, column_limit, next_number, run_write, saved
from rules import deadlines, lifecycle

KIND_LABEL = ("联合执法行动", "joint operation")
NUMBER_WIDTH = 3

LABELS: dict[str, tuple[str, str]] = {
    "title": ("行动名称", "Operation title"),
    "mechanism": ("启动方式", "How it is started"),
    "lead_agency_id": ("牵头单位", "Lead agency"),
    "participant_ids": ("参与单位", "Participating agencies"),
    "applied_on": ("申请日期", "Date applied"),
    "start_on": ("开始日期", "Start date"),
    "end_on": ("结束日期", "End date"),
    "decided_on": ("审批日期", "Date decided"),
    "approve": ("审批结果", "Decision"),
    "on": ("日期", "Date"),
    "outcome": ("行动成效", "Outcome"),
    "status": ("状态", "Status"),
}


def create_operation(
    actor: Actor, *, title: str, mechanism: str, lead_agency_id: int, participant_ids: Sequence[int],
    start_on: date, end_on: date | None = None, applied_on: date | None = None, today: date | None = None,
    engine: Engine | None = None, uow: Session | None = None,
) -> Saved:
    """Register an operation (``LH-<year>-<3 digits>``) under its start mechanism.

    ``applied_on`` (default today) is the date the plan or application was made. A special
    operation must be applied for at least ``special_op_apply_days`` (3) days before
    ``start_on``; an emergency one is approved on the spot.
    """
    today = today or date.today()

    def work(session: Session) -> Saved:
        L = LABELS
        c = Checks(today)
        name = c.text("title", title, L["title"], limit=column_limit(JointOperation, "title"))
        how = c.choice("mechanism", mechanism, lifecycle.JOINT_OP_MECHANISMS, L["mechanism"])
        lead = c.agency(session, "lead_agency_id", lead_agency_id, L["lead_agency_id"])
        others = c.agencies(session, "participant_ids", participant_ids, L["participant_ids"])
        others = [a for a in others if lead is None or a.id != lead.id]
        if c.ok("participant_ids") and not others:
            c.add(
                "participant_ids",
                "联合执法至少要有一个牵头单位以外的参与单位",
                "A joint operation needs at least one agency besides the lead",
            )
        applied = c.date("applied_on", applied_on if applied_on is not None else today, L["applied_on"])
        start = c.date("start_on", start_on, L["start_on"], future_ok=True)
        end = c.date("end_on", end_on, L["end_on"], required=False, future_ok=True)
        c.not_before("start_on", start, applied, L["start_on"], L["applied_on"])
        c.not_before("end_on", end, start, L["end_on"], L["start_on"])
        s, cal = load_rules(session)
        if how == "special" and applied is not None and start is not None and c.ok("start_on"):
            latest = deadlines.special_op_apply_deadline(start, s)
            if applied > latest:
                c.add(
                    "start_on",
                    f"专项联合执法须在实施{s.special_op_apply_days}日前提出申请：开始日期 {start} 的申请最迟应于 {latest} 提出",
                    f"A special operation must be applied for at least {s.special_op_apply_days} days before it "
                    f"starts: for a start on {start} the application was due by {latest}",
                )
        c.done()
        authorize(actor, "operation.create", [lead.id])
        status = "approved" if how == "emergency" else "applied"
        lifecycle.check_initial("joint_operation", status, how)
        op = JointOperation(
            number=next_number(session, JointOperation, f"LH-{today.year}-", NUMBER_WIDTH),
            title=name,
            mechanism=how,
            lead_agency_id=lead.id,
            applied_on=applied,
            decision_due_on=deadlines.special_op_decision_due(applied, cal, s).on if how == "special" else None,
            decided_on=applied if how == "emergency" else None,
            start_on=start,
            end_on=end,
            status=status,
        )
        session.add(op)
        session.flush()
        # Emergency: the agencies are asked, and must turn out, the same day.
        notified = applied if how == "emergency" else None
        session.add_all(
            JointOperationAgency(operation_id=op.id, agency_id=a.id, notified_on=notified) for a in others
        )
        after = snapshot(op) | {"participant_ids": [a.id for a in others]}
        audit(session, actor, "operation.create", JointOperation.__tablename__, op.id, None, after)
        return saved(op)

    return run_write(work, engine, uow=uow)


def decide_operation(
    actor: Actor, operation_id: int, *, approve: bool, decided_on: date, expected_version: int | None,
    today: date | None = None, engine: Engine | None = None, uow: Session | None = None,
) -> Saved:
    """The office (or the leading group through the chair) approves or rejects an application.
    A decision after ``decision_due_on`` is still recorded: the light shows it was late."""

    def apply(session: Session, op: JointOperation, c: Checks) -> None:
        L = LABELS
        if not isinstance(approve, bool):
            c.add("approve", "请选择批准或不予批准", "Choose approve or reject")
        target = "approved" if approve is True else "rejected"
        try:
            lifecycle.check_transition("joint_operation", op.status, target)
        except lifecycle.TransitionError as exc:
            c.refusal("status", exc)
        day = c.date("decided_on", decided_on, L["decided_on"])
        c.not_before("decided_on", day, op.applied_on, L["decided_on"], L["applied_on"])
        c.done()
        authorize(actor, "operation.decide", [op.lead_agency_id])
        op.status = target
        op.decided_on = day
        if target == "approved":
            for member in session.query(JointOperationAgency).filter_by(operation_id=op.id, notified_on=None):
                member.notified_on = day

    return change_record(
        actor, JointOperation, operation_id, expected_version, KIND_LABEL, "operation.decide", apply,
        today=today or date.today(), engine=engine, uow=uow,
    )


def advance_operation(
    actor: Actor, operation_id: int, *, status: str, on: date, outcome: str | None = None,
    expected_version: int | None, today: date | None = None, engine: Engine | None = None,
    uow: Session | None = None,
) -> Saved:
    """The lead agency records the start (``in_progress``) or the end (``finished``, with
    the outcome and ``on`` as the end date) of an approved operation."""

    def apply(session: Session, op: JointOperation, c: Checks) -> None:
        L = LABELS
        target = c.choice("status", status, {"in_progress": 1, "finished": 1}, L["status"])
        if target is not None:
            try:
                lifecycle.check_transition("joint_operation", op.status, target)
            except lifecycle.TransitionError as exc:
                c.refusal("status", exc)
        day = c.date("on", on, L["on"])
        if target == "in_progress":
            c.not_before("on", day, op.decided_on, L["on"], L["decided_on"])
        else:
            c.not_before("on", day, op.start_on, L["on"], L["start_on"])
        result = c.text("outcome", outcome, L["outcome"], limit=None, multiline=True, required=target == "finished")
        c.done()
        authorize(actor, "operation.create", [op.lead_agency_id])
        op.status = target
        if target == "in_progress":
            op.start_on = day
        else:
            op.end_on = day
            op.outcome = result

    return change_record(
        actor, JointOperation, operation_id, expected_version, KIND_LABEL, f"operation.{status}"
        if status in ("in_progress", "finished") else "operation.advance", apply,
        today=today or date.today(), engine=engine, uow=uow,
    )
