"""An agency's own page (本单位): what waits on it and what it waits on, with lights.

Waiting on the agency, on ``as_of``:
- referrals it received and has not yet acknowledged (light: the acknowledgement deadline);
- assistance requests to it that are neither answered nor withdrawn (light: the answer
  deadline);
- decisions of the joint meeting it leads or shares (co-agency), still open (light: the
  decision's due date).
The agency waits on others for the acknowledgement of the referrals it sent and for the
answer to its assistance requests.

Each list is counted by light in SQL and only its oldest ``limit`` items (earliest due date
first) are brought back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from data_access.models import Agency, AssistanceRequest, Decision, DecisionAgency, Meeting, Referral
from data_access.queries.dashboard import LightBounds, agency_label, open_decision, unacknowledged_rows
from rules.lights import Light

__all__ = ["WaitItem", "WaitList", "MyAgencyView", "my_agency", "assistance_waiting"]


@dataclass(frozen=True)
class WaitItem:
    kind: str  # "referral" / "assistance" / "decision"
    id: int
    number: str
    title: str
    counterpart: str
    since: date
    due_on: date | None
    provisional: bool
    light: Light | None
    days_late: int
    # The counterpart's contact person and phone: whom to call to chase it (DOMAIN.md, Contacts).
    contact: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class WaitList:
    total: int
    red: int
    yellow: int
    green: int
    items: list[WaitItem]


@dataclass(frozen=True)
class MyAgencyView:
    agency_id: int
    name: str
    as_of: date
    to_acknowledge: WaitList
    to_answer: WaitList
    decisions: WaitList
    awaiting_their_ack: WaitList
    awaiting_their_answer: WaitList


def _light_counts(due_col, bounds: LightBounds):
    return (
        func.count(),
        func.coalesce(func.sum(case((bounds.where(due_col, Light.RED), 1), else_=0)), 0),
        func.coalesce(func.sum(case((bounds.where(due_col, Light.YELLOW), 1), else_=0)), 0),
        func.coalesce(func.sum(case((bounds.where(due_col, Light.GREEN), 1), else_=0)), 0),
    )


def _items(kind: str, rows, bounds: LightBounds) -> list[WaitItem]:
    out = []
    for r in rows:
        due = r.due_on
        out.append(
            WaitItem(
                kind=kind,
                id=r.id,
                number=r.number,
                title=r.title,
                counterpart=agency_label(r.name, r.short_name),
                since=r.since,
                due_on=due,
                provisional=bool(r.provisional),
                light=bounds.light(due),
                days_late=max(0, (bounds.as_of - due).days) if due else 0,
                contact=getattr(r, "contact", None),
                phone=getattr(r, "phone", None),
            )
        )
    return out


def _referrals(session: Session, side, other, agency_id: int, bounds: LightBounds, limit: int) -> WaitList:
    pending = unacknowledged_rows(
        bounds.as_of,
        Referral.id.label("id"),
        Referral.number.label("number"),
        Referral.title.label("title"),
        other.label("other_id"),
        Referral.sent_on.label("since"),
        Referral.ack_due_on.label("due_on"),
        Referral.ack_due_provisional.label("provisional"),
        where=(side == agency_id,),
    )
    total, red, yellow, green = session.execute(
        select(*_light_counts(pending.c.due_on, bounds)).select_from(pending)
    ).one()
    rows = session.execute(
        select(
            pending.c.id,
            pending.c.number,
            pending.c.title,
            Agency.name,
            Agency.short_name,
            pending.c.since,
            pending.c.due_on,
            pending.c.provisional,
            Agency.contact,
            Agency.phone,
        )
        .join(Agency, Agency.id == pending.c.other_id)
        .order_by(pending.c.due_on.is_(None), pending.c.due_on, pending.c.since, pending.c.id)
        .limit(limit)
    ).all()
    return WaitList(int(total), int(red), int(yellow), int(green), _items("referral", rows, bounds))


def _assists(session: Session, side, other, agency_id: int, bounds: LightBounds, limit: int,
             light: str | None = None) -> WaitList:
    as_of = bounds.as_of
    where = and_(
        side == agency_id,
        AssistanceRequest.requested_on <= as_of,
        AssistanceRequest.status != "withdrawn",
        or_(AssistanceRequest.answered_on.is_(None), AssistanceRequest.answered_on > as_of),
        *((bounds.where(AssistanceRequest.due_on, Light(light)),) if light else ()),
    )
    total, red, yellow, green = session.execute(
        select(*_light_counts(AssistanceRequest.due_on, bounds)).where(where)
    ).one()
    rows = session.execute(
        select(
            AssistanceRequest.id,
            AssistanceRequest.number,
            AssistanceRequest.subject.label("title"),
            Agency.name,
            Agency.short_name,
            AssistanceRequest.requested_on.label("since"),
            AssistanceRequest.due_on,
            AssistanceRequest.due_provisional.label("provisional"),
            Agency.contact,
            Agency.phone,
        )
        .join(Agency, Agency.id == other)
        .where(where)
        .order_by(AssistanceRequest.due_on, AssistanceRequest.requested_on, AssistanceRequest.id)
        .limit(limit)
    ).all()
    return WaitList(int(total), int(red), int(yellow), int(green), _items("assistance", rows, bounds))


def _decisions(session: Session, agency_id: int, bounds: LightBounds, limit: int) -> WaitList:
    shared = select(DecisionAgency.decision_id).where(DecisionAgency.agency_id == agency_id)
    where = and_(
        open_decision(bounds.as_of),
        or_(Decision.lead_agency_id == agency_id, Decision.id.in_(shared)),
        Meeting.date_held <= bounds.as_of,
    )
    total, red, yellow, green = session.execute(
        select(*_light_counts(Decision.due_on, bounds))
        .select_from(Decision)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .where(where)
    ).one()
    rows = session.execute(
        select(
            Decision.id,
            Meeting.number,
            Decision.text.label("title"),
            Agency.name,
            Agency.short_name,
            Meeting.date_held.label("since"),
            Decision.due_on,
            literal(False).label("provisional"),
        )
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .join(Agency, Agency.id == Decision.lead_agency_id)
        .where(where)
        .order_by(Decision.due_on, Decision.id)
        .limit(limit)
    ).all()
    return WaitList(int(total), int(red), int(yellow), int(green), _items("decision", rows, bounds))


def my_agency(session: Session, agency_id: int, bounds: LightBounds, limit: int = 100) -> MyAgencyView | None:
    """Everything the agency's page shows, as of ``bounds.as_of``; None for an unknown agency."""
    name = session.execute(select(Agency.name).where(Agency.id == agency_id)).scalar()
    if name is None:
        return None
    return MyAgencyView(
        agency_id=agency_id,
        name=name,
        as_of=bounds.as_of,
        to_acknowledge=_referrals(session, Referral.to_agency_id, Referral.from_agency_id, agency_id, bounds, limit),
        to_answer=_assists(
            session, AssistanceRequest.to_agency_id, AssistanceRequest.from_agency_id, agency_id, bounds, limit
        ),
        decisions=_decisions(session, agency_id, bounds, limit),
        awaiting_their_ack=_referrals(
            session, Referral.from_agency_id, Referral.to_agency_id, agency_id, bounds, limit
        ),
        awaiting_their_answer=_assists(
            session, AssistanceRequest.from_agency_id, AssistanceRequest.to_agency_id, agency_id, bounds, limit
        ),
    )


def assistance_waiting(session: Session, agency_id: int, bounds: LightBounds, *, light: str | None = None,
                       limit: int = 200) -> WaitList:
    """The assistance requests waiting for ``agency_id``'s answer on ``bounds.as_of`` (those
    with ``light`` only, if given): the rows behind the figures of its page (本单位)."""
    return _assists(session, AssistanceRequest.to_agency_id, AssistanceRequest.from_agency_id, agency_id, bounds,
                    limit, light)
