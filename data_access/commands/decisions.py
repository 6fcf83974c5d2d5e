"""Decisions of the joint meeting (议定事项) and their follow-up (督办).

- :func:`record_decision`: during the session, the operator records what was decided, who
  leads, who helps and by when (a few seconds per decision);
- :func:`post_progress`: the lead or a co-agency reports progress;
- :func:`complete_decision`: the lead agency (or the office / chair) marks it done, with the
  evidence of what was done.

Open decisions past their due date are proposed again on the next meeting's agenda by
``data_access.queries.meetings.suggested_items``: nothing needs to be copied forward.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.commands.base import (
    Actor,
    CommandError,
    NotFound,
    audit,
    authorize,
    check_version,
    snapshot,
)
from data_access.validation import Checks, unit_of_work
from data_access.models import AgendaItem, Decision, DecisionAgency, Meeting, ProgressNote

__all__ = ["DecisionSaved", "NoteSaved", "record_decision", "post_progress", "complete_decision"]

#: Longest decision text: a paragraph of the minutes.
MAX_DECISION_TEXT = 2000


@dataclass(frozen=True)
class DecisionSaved:
    id: int
    meeting_id: int
    item_id: int | None
    text: str
    lead_agency_id: int
    due_on: date
    status: str
    version: int


@dataclass(frozen=True)
class NoteSaved:
    id: int
    decision_id: int
    on: date


def _saved(d: Decision) -> DecisionSaved:
    return DecisionSaved(d.id, d.meeting_id, d.item_id, d.text, d.lead_agency_id, d.due_on, d.status, d.version)


def _load_decision(session: Session, decision_id: int) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound((f"找不到编号为 {decision_id} 的议定事项。", f"Decision {decision_id} does not exist."))
    return decision


def _co_ids(session: Session, decision_id: int) -> list[int]:
    return sorted(session.scalars(select(DecisionAgency.agency_id).where(DecisionAgency.decision_id == decision_id)))


def record_decision(
    actor: Actor, meeting_id: int, *, text: str, lead_agency_id: int | None,
    co_agency_ids: Sequence[int] = (), due_on: date | None, item_id: int | None = None,
    expected_version: int | None, today: date | None = None, engine=None, uow=None,
) -> DecisionSaved:
    """Record a decision taken in session. ``item_id`` is the agenda item it settles (usually
    the one on the projector); ``expected_version`` is that item's version as shown."""
    authorize(actor, "decision.record")
    today = today or date.today()
    with unit_of_work(engine, uow) as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise NotFound((f"找不到编号为 {meeting_id} 的会议。", f"Meeting {meeting_id} does not exist."))
        if meeting.status != "in_session":
            raise CommandError(
                ("只能在会议进行中记录议定事项。", "Decisions are recorded while the meeting is in session."),
                "status",
            )
        c = Checks(today)
        text = c.short_text("text", text, MAX_DECISION_TEXT, "议定事项内容", "decision", required=True)
        if lead_agency_id is None:
            c.add("lead_agency_id", "请选择牵头单位。", "Choose the lead agency.")
        else:
            c.agency_ids(session, "lead_agency_id", [lead_agency_id])
        co_ids = c.agency_ids(session, "co_agency_ids", co_agency_ids)
        if lead_agency_id is not None and int(lead_agency_id) in co_ids:
            c.add("co_agency_ids", "牵头单位不必再列为配合单位。", "The lead agency is not also a co-agency.")
        if not isinstance(due_on, date):
            c.add("due_on", "请选择完成时限。", "Choose the due date.")
        elif due_on < max(today, meeting.date_held):
            c.add("due_on", 
                f"完成时限 {due_on} 不能早于会议日期。",
                f"The due date {due_on} cannot be before the meeting.",
            )
        if item_id is not None:
            item = session.get(AgendaItem, item_id)
            if item is None or item.meeting_id != meeting.id or item.status != "approved":
                c.add("item_id", "只能关联本次会议已审定的议题。", "Link an approved item of this meeting.")
            else:
                check_version(session, item, expected_version, (f"议题“{item.title}”", f"Agenda item “{item.title}”"))
        c.done()
        decision = Decision(
            meeting_id=meeting.id,
            item_id=item_id,
            text=text,
            lead_agency_id=int(lead_agency_id),
            due_on=due_on,
            status="open",
        )
        session.add(decision)
        session.flush()
        session.add_all(DecisionAgency(decision_id=decision.id, agency_id=a) for a in co_ids)
        session.flush()
        audit(session, actor, "decision.record", "decisions", decision.id, None,
              snapshot(decision) | {"co_agency_ids": co_ids})
        return _saved(decision)


def post_progress(
    actor: Actor, decision_id: int, *, note: str, agency_id: int | None = None, today: date | None = None,
    engine=None, uow=None,
) -> NoteSaved:
    """A responsible agency (lead or co-agency) reports progress on an open decision.
    ``agency_id`` is the reporting agency: by default the user's own when it is responsible;
    a note the office posts in its own name has none."""
    today = today or date.today()
    with unit_of_work(engine, uow) as session:
        decision = _load_decision(session, decision_id)
        responsible = [decision.lead_agency_id, *_co_ids(session, decision.id)]
        reporter = agency_id
        if reporter is None and actor.agency_id in responsible:
            reporter = actor.agency_id
        authorize(actor, "decision.progress", responsible)
        c = Checks(today)
        note = c.short_text("note", note, 2000, "进展情况", "progress note", required=True)
        if reporter is not None and int(reporter) not in responsible:
            c.add("agency_id", "填报单位须是该事项的牵头或配合单位。",
                                     "The reporting agency must be the lead or a co-agency.")
        c.done()
        if decision.status != "open":
            raise CommandError(("该议定事项已办结或撤销，不能再填报进展。",
                                  "This decision is no longer open."), "status")
        row = ProgressNote(decision_id=decision.id, on=today, agency_id=reporter,
                           username=actor.username, note=note)
        session.add(row)
        session.flush()
        audit(session, actor, "decision.progress", "decisions", decision.id, None,
              {"note_id": row.id, "on": today.isoformat(), "agency_id": reporter, "note": note})
        return NoteSaved(row.id, decision.id, today)


def complete_decision(
    actor: Actor, decision_id: int, *, evidence: str, done_on: date | None = None,
    expected_version: int | None, today: date | None = None, engine=None, uow=None,
) -> DecisionSaved:
    """Mark a decision done (办结) with the evidence of what was done. The lead agency's head
    may do it for their own decision; the office and the chair for any."""
    today = today or date.today()
    done_on = done_on or today
    with unit_of_work(engine, uow) as session:
        decision = _load_decision(session, decision_id)
        authorize(actor, "decision.complete", [decision.lead_agency_id])
        check_version(session, decision, expected_version, ("该议定事项", "The decision"))
        c = Checks(today)
        evidence = c.short_text("evidence", evidence, 2000, "办结情况及佐证", "evidence", required=True)
        meeting_on = session.scalar(select(Meeting.date_held).where(Meeting.id == decision.meeting_id))
        if done_on > today:
            c.add("done_on", "办结日期不能晚于今天。", "The completion date cannot be in the future.")
        elif done_on < meeting_on:
            c.add("done_on", "办结日期不能早于作出决定的会议。", "The completion date cannot precede the meeting.")
        c.done()
        if decision.status != "open":
            raise CommandError(("该议定事项已办结或撤销。", "This decision is no longer open."), "status")
        before = snapshot(decision)
        decision.status = "done"
        decision.done_on = done_on
        decision.evidence = evidence
        session.flush()
        audit(session, actor, "decision.complete", "decisions", decision.id, before, snapshot(decision))
        return _saved(decision)
