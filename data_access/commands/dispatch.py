"""Record an invited agency's dispatch to a joint operation (派员), same day as the notice.

A dispatch is recorded once (a later correction would be a new event, not an overwrite):
the agency itself (its head or clerk) or the office records it, on or after the day the
agency was notified. Lateness is not refused: it is what the operation's record must show.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from data_access.commands.base import Actor, NotFound, audit, authorize
from data_access.models import JointOperation, JointOperationAgency
from data_access.validation import Checks, Saved, is_record_id, run_write
from rules import dispatch

LABELS = {"dispatched_on": ("派员日期", "Date people were sent"), "agency_id": ("派员单位", "Agency")}


def record_dispatch(
    actor: Actor, operation_id: int, agency_id: int, dispatched_on: date, *, today: date | None = None,
    uow: Session | None = None,
) -> Saved:
    def work(session: Session) -> Saved:
        op = session.get(JointOperation, operation_id) if is_record_id(operation_id) else None
        if op is None:
            raise NotFound("找不到该联合执法行动。 / No such joint operation.")
        member = session.get(JointOperationAgency, (op.id, agency_id), with_for_update=True) \
            if is_record_id(agency_id) else None
        c = Checks(today or date.today())
        if member is None:
            c.add("agency_id", "该单位未受邀参加本次行动", "That agency was not asked to join this operation")
        day = c.date("dispatched_on", dispatched_on, LABELS["dispatched_on"])
        if member is not None:
            if member.notified_on is None:
                c.add("dispatched_on", "行动尚未批准通知，不能登记派员",
                      "The operation has not been approved and notified yet")
            elif member.dispatched_on is not None:
                c.add("dispatched_on", f"已于 {member.dispatched_on} 登记派员",
                      f"The dispatch was already recorded on {member.dispatched_on}")
            else:
                c.not_before("dispatched_on", day, member.notified_on, LABELS["dispatched_on"],
                             ("通知日期", "Date notified"))
        c.done()
        authorize(actor, "operation.dispatch", [agency_id])
        member.dispatched_on = day
        late = dispatch.dispatch_late(member.notified_on, day)
        audit(session, actor, "operation.dispatch", JointOperation.__tablename__, op.id,
              {"agency_id": agency_id, "dispatched_on": None},
              {"agency_id": agency_id, "dispatched_on": day.isoformat(), "late": late})
        return Saved(id=op.id, number=op.number, version=op.version, status="late" if late else "on_time")

    return run_write(work, uow=uow)
