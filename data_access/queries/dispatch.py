"""Each invited agency's dispatch to a joint operation, with its light, and the count of
late ones in the operation's record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.models import Agency, JointOperationAgency
from rules.dispatch import dispatch_late, dispatch_light
from rules.lights import Light


@dataclass(frozen=True)
class DispatchLine:
    agency_id: int
    agency: str
    contact: str | None
    phone: str | None
    notified_on: date | None
    dispatched_on: date | None
    late: bool
    light: Light | None


def operation_dispatches(session: Session, operation_id: int, as_of: date) -> tuple[list[DispatchLine], int]:
    """(one line per invited agency, how many dispatched late or not at all after the day)."""
    rows = session.execute(
        select(JointOperationAgency.agency_id, Agency.name, Agency.contact, Agency.phone,
               JointOperationAgency.notified_on, JointOperationAgency.dispatched_on)
        .join(Agency, Agency.id == JointOperationAgency.agency_id)
        .where(JointOperationAgency.operation_id == operation_id)
        .order_by(Agency.name)
    ).all()
    lines = [
        DispatchLine(aid, name, contact, phone, notified, dispatched, dispatch_late(notified, dispatched),
                     dispatch_light(notified, dispatched, as_of))
        for aid, name, contact, phone, notified, dispatched in rows
    ]
    return lines, sum(1 for line in lines if line.light == Light.RED)
