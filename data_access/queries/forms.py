"""What the data-entry forms read: pickers, one record with its version, probable duplicates.

Every function takes an open session and brings back only what a form shows. Lists of
records to act on are capped (:data:`PICK_LIMIT`) and ordered by urgency, so a form stays
quick on a database with a million referrals; a search narrows them further.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from data_access.models import (
    Agency,
    AssistanceRequest,
    AuditEntry,
    Dispute,
    DisputeParty,
    DisputeStage,
    JointOperation,
    JointOperationAgency,
    Referral,
    ReferralEvent,
)

#: The most records a picker lists.
PICK_LIMIT = 300
#: A referral with the same title between the same two agencies this close in time is
#: probably entered twice.
DUPLICATE_WINDOW_DAYS = 7


@dataclass(frozen=True)
class LastChange:
    username: str
    at: datetime
    action: str


def last_change(session: Session, object_type: str, object_id: int) -> LastChange | None:
    """Who last changed a record, from the audit trail (shown next to its version)."""
    row = session.execute(
        select(AuditEntry.username, AuditEntry.at, AuditEntry.action)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    return LastChange(*row) if row else None


def _matches(search: str, *columns):
    """Any of ``columns`` contains ``search`` (case-insensitive; % and _ taken literally)."""
    text = search.strip()
    return or_(*(c.icontains(text, autoescape=True) for c in columns))


# --------------------------------------------------------------------------- referrals
@dataclass(frozen=True)
class ReferralPick:
    id: int
    number: str
    title: str
    status: str
    from_agency: str
    to_agency: str
    sent_on: date | None
    ack_due_on: date | None


#: Statuses in which a referral waits on its receiver, and on its sender.
RECEIVER_TURN = ("sent", "accepted", "reported", "declined")
SENDER_TURN = ("draft", "returned", "reported", "declined")


def referrals_to_act_on(
    session: Session, agency_id: int | None, *, search: str | None = None, limit: int = PICK_LIMIT
) -> list[ReferralPick]:
    """Referrals waiting on ``agency_id`` (``None``: on anyone, for the office): to
    acknowledge or report as receiver; to send, revise or close as sender (reported or
    declined ones either side may close). Those awaiting an answer come first, soonest
    deadline first, then the rest, newest first.

    Two queries, each walking an index in its own order ((receiver,) status, due date; and
    the id), so the picker stays quick however many referrals there are."""
    sender, receiver = aliased(Agency), aliased(Agency)
    base = (
        select(
            Referral.id, Referral.number, Referral.title, Referral.status,
            sender.name, receiver.name, Referral.sent_on, Referral.ack_due_on,
        )
        .join(sender, sender.id == Referral.from_agency_id)
        .join(receiver, receiver.id == Referral.to_agency_id)
    )
    if search:
        base = base.where(_matches(search, Referral.number, Referral.title))
    awaiting = base.where(Referral.status == "sent")
    others = base.where(Referral.status.in_(("accepted", "reported", "declined", "draft", "returned")))
    if agency_id is not None:
        awaiting = awaiting.where(Referral.to_agency_id == agency_id)
        others = others.where(
            or_(
                and_(Referral.to_agency_id == agency_id, Referral.status.in_(RECEIVER_TURN)),
                and_(Referral.from_agency_id == agency_id, Referral.status.in_(SENDER_TURN)),
            )
        )
    rows = session.execute(awaiting.order_by(Referral.ack_due_on, Referral.id).limit(limit)).all()
    if len(rows) < limit:
        rows += session.execute(others.order_by(Referral.id.desc()).limit(limit - len(rows))).all()
    return [ReferralPick(*row) for row in rows]


@dataclass(frozen=True)
class ReferralEdit:
    """One referral as an edit form shows it, with the version the save must match."""

    id: int
    number: str
    version: int
    status: str
    title: str
    domain: str | None
    from_agency_id: int
    from_agency: str
    to_agency_id: int
    to_agency: str
    discovered_on: date | None
    discovered_at: datetime | None
    sent_on: date | None
    urgency: str
    extension_notified: bool
    criminal: bool
    materials: list[str]
    approved_by: str | None
    send_due_on: date | None
    ack_due_on: date | None
    ack_due_provisional: bool
    ack_on: date | None
    ack_outcome: str | None
    ack_reason: str | None
    result_on: date | None
    result_summary: str | None
    closed_on: date | None
    last_change: LastChange | None
    history: list[tuple[datetime, str | None, str | None, str, str | None]]
    round_no: int = 1
    """Which sending the referral is in (DOMAIN.md, Rounds)."""


def referral_for_edit(session: Session, referral_id: int) -> ReferralEdit | None:
    ref = session.get(Referral, referral_id)
    if ref is None:
        return None
    history = session.execute(
        select(ReferralEvent.at, ReferralEvent.username, ReferralEvent.from_status, ReferralEvent.to_status,
               ReferralEvent.note)
        .where(ReferralEvent.referral_id == referral_id)
        .order_by(ReferralEvent.id)
    ).all()
    return ReferralEdit(
        id=ref.id, number=ref.number, version=ref.version, status=ref.status, title=ref.title,
        domain=ref.domain, from_agency_id=ref.from_agency_id, from_agency=ref.from_agency.name,
        to_agency_id=ref.to_agency_id, to_agency=ref.to_agency.name, discovered_on=ref.discovered_on,
        discovered_at=ref.discovered_at, sent_on=ref.sent_on, urgency=ref.urgency,
        extension_notified=bool(ref.extension_notified), criminal=bool(ref.criminal),
        materials=list(ref.materials or []), approved_by=ref.approved_by, send_due_on=ref.send_due_on,
        ack_due_on=ref.ack_due_on, ack_due_provisional=bool(ref.ack_due_provisional), ack_on=ref.ack_on,
        ack_outcome=ref.ack_outcome, ack_reason=ref.ack_reason, result_on=ref.result_on,
        result_summary=ref.result_summary, closed_on=ref.closed_on, round_no=ref.round_no or 1,
        last_change=last_change(session, Referral.__tablename__, ref.id),
        history=[tuple(row) for row in history],
    )


@dataclass(frozen=True)
class DuplicateCandidate:
    id: int
    number: str
    title: str
    status: str
    from_agency: str
    to_agency: str
    on: date | None


def probable_duplicates(
    session: Session,
    *,
    title: str,
    from_agency_id: int,
    to_agency_id: int,
    on: date,
    exclude_id: int | None = None,
    window_days: int = DUPLICATE_WINDOW_DAYS,
) -> list[DuplicateCandidate]:
    """Referrals with the same title between the same two agencies (either direction)
    dated within ``window_days`` of ``on`` (sent date, or discovery date for drafts)."""
    title = (title or "").strip()
    if not title or from_agency_id is None or to_agency_id is None or on is None:
        return []
    low, high = on - timedelta(days=window_days), on + timedelta(days=window_days)
    sender, receiver = aliased(Agency), aliased(Agency)
    when = func.coalesce(Referral.sent_on, Referral.discovered_on)
    stmt = (
        select(Referral.id, Referral.number, Referral.title, Referral.status, sender.name, receiver.name, when)
        .join(sender, sender.id == Referral.from_agency_id)
        .join(receiver, receiver.id == Referral.to_agency_id)
        .where(
            Referral.title == title,
            or_(
                and_(Referral.from_agency_id == from_agency_id, Referral.to_agency_id == to_agency_id),
                and_(Referral.from_agency_id == to_agency_id, Referral.to_agency_id == from_agency_id),
            ),
            # Spelled out so each half can use the (agency, sent_on) indexes.
            or_(
                Referral.sent_on.between(low, high),
                and_(Referral.sent_on.is_(None), Referral.discovered_on.between(low, high)),
            ),
        )
        .order_by(Referral.id.desc())
        .limit(20)
    )
    if exclude_id is not None:
        stmt = stmt.where(Referral.id != exclude_id)
    return [DuplicateCandidate(*row) for row in session.execute(stmt)]


# --------------------------------------------------------------------------- assistance
@dataclass(frozen=True)
class AssistancePick:
    id: int
    number: str
    subject: str
    kind: str
    status: str
    from_agency: str
    to_agency: str
    requested_on: date
    due_on: date
    extended: bool


def assistance_to_act_on(
    session: Session, agency_id: int | None, *, search: str | None = None, limit: int = PICK_LIMIT
) -> list[AssistancePick]:
    """Open requests waiting for an answer from ``agency_id`` (``None``: from anyone)."""
    asker, asked = aliased(Agency), aliased(Agency)
    stmt = (
        select(
            AssistanceRequest.id, AssistanceRequest.number, AssistanceRequest.subject, AssistanceRequest.kind,
            AssistanceRequest.status, asker.name, asked.name, AssistanceRequest.requested_on,
            AssistanceRequest.due_on, AssistanceRequest.extended,
        )
        .join(asker, asker.id == AssistanceRequest.from_agency_id)
        .join(asked, asked.id == AssistanceRequest.to_agency_id)
        .where(AssistanceRequest.status == "open")
    )
    if agency_id is not None:
        stmt = stmt.where(AssistanceRequest.to_agency_id == agency_id)
    if search:
        stmt = stmt.where(_matches(search, AssistanceRequest.number, AssistanceRequest.subject))
    stmt = stmt.order_by(AssistanceRequest.due_on, AssistanceRequest.id).limit(limit)
    return [AssistancePick(*row) for row in session.execute(stmt)]


@dataclass(frozen=True)
class AssistanceEdit:
    id: int
    number: str
    version: int
    status: str
    kind: str
    subject: str
    from_agency_id: int
    from_agency: str
    to_agency_id: int
    to_agency: str
    requested_on: date
    due_on: date
    due_provisional: bool
    extended: bool
    extension_reason: str | None
    answered_on: date | None
    answer: str | None
    last_change: LastChange | None


def assistance_for_edit(session: Session, request_id: int) -> AssistanceEdit | None:
    req = session.get(AssistanceRequest, request_id)
    if req is None:
        return None
    return AssistanceEdit(
        id=req.id, number=req.number, version=req.version, status=req.status, kind=req.kind,
        subject=req.subject, from_agency_id=req.from_agency_id, from_agency=req.from_agency.name,
        to_agency_id=req.to_agency_id, to_agency=req.to_agency.name, requested_on=req.requested_on,
        due_on=req.due_on, due_provisional=bool(req.due_provisional), extended=bool(req.extended),
        extension_reason=req.extension_reason, answered_on=req.answered_on, answer=req.answer,
        last_change=last_change(session, AssistanceRequest.__tablename__, req.id),
    )


# --------------------------------------------------------------------------- disputes
@dataclass(frozen=True)
class DisputePick:
    id: int
    number: str
    subject: str
    stage: str
    stage_since: date


def disputes_to_act_on(
    session: Session, agency_id: int | None, *, search: str | None = None, limit: int = PICK_LIMIT
) -> list[DisputePick]:
    """Unresolved disputes ``agency_id`` is party to (``None``: all), longest in stage first."""
    stmt = select(Dispute.id, Dispute.number, Dispute.subject, Dispute.stage, Dispute.stage_since).where(
        Dispute.stage != "resolved"
    )
    if agency_id is not None:
        stmt = stmt.where(
            Dispute.id.in_(select(DisputeParty.dispute_id).where(DisputeParty.agency_id == agency_id))
        )
    if search:
        stmt = stmt.where(_matches(search, Dispute.number, Dispute.subject))
    stmt = stmt.order_by(Dispute.stage_since, Dispute.id).limit(limit)
    return [DisputePick(*row) for row in session.execute(stmt)]


@dataclass(frozen=True)
class DisputeEdit:
    id: int
    number: str
    version: int
    stage: str
    stage_since: date
    subject: str
    description: str | None
    kind: str | None
    opened_on: date
    parties: list[tuple[int, str]]
    interim_handler_id: int | None
    interim_handler: str | None
    referral_number: str | None
    needs_meeting: bool
    stages: list[tuple[str, date, str | None, str | None]]
    last_change: LastChange | None


def dispute_for_edit(session: Session, dispute_id: int) -> DisputeEdit | None:
    d = session.get(Dispute, dispute_id)
    if d is None:
        return None
    parties = session.execute(
        select(Agency.id, Agency.name)
        .join(DisputeParty, DisputeParty.agency_id == Agency.id)
        .where(DisputeParty.dispute_id == dispute_id)
        .order_by(Agency.name)
    ).all()
    stages = session.execute(
        select(DisputeStage.stage, DisputeStage.entered_on, DisputeStage.note, DisputeStage.username)
        .where(DisputeStage.dispute_id == dispute_id)
        .order_by(DisputeStage.id)
    ).all()
    referral_number = (
        session.execute(select(Referral.number).where(Referral.id == d.referral_id)).scalar()
        if d.referral_id else None
    )
    return DisputeEdit(
        id=d.id, number=d.number, version=d.version, stage=d.stage, stage_since=d.stage_since,
        subject=d.subject, description=d.description, kind=d.kind, opened_on=d.opened_on,
        parties=[tuple(p) for p in parties], interim_handler_id=d.interim_handler_id,
        interim_handler=d.interim_handler.name if d.interim_handler else None,
        referral_number=referral_number, needs_meeting=bool(d.needs_meeting),
        stages=[tuple(s) for s in stages],
        last_change=last_change(session, Dispute.__tablename__, d.id),
    )


# --------------------------------------------------------------------------- operations
@dataclass(frozen=True)
class OperationPick:
    id: int
    number: str
    title: str
    mechanism: str
    status: str
    lead_agency: str
    start_on: date
    decision_due_on: date | None


def operations_to_act_on(
    session: Session, agency_id: int | None, *, search: str | None = None, limit: int = PICK_LIMIT
) -> list[OperationPick]:
    """Operations not yet finished or rejected, that ``agency_id`` leads or joins
    (``None``: all); awaiting a decision first, by decision due date."""
    stmt = (
        select(
            JointOperation.id, JointOperation.number, JointOperation.title, JointOperation.mechanism,
            JointOperation.status, Agency.name, JointOperation.start_on, JointOperation.decision_due_on,
        )
        .join(Agency, Agency.id == JointOperation.lead_agency_id)
        .where(JointOperation.status.in_(("applied", "approved", "in_progress")))
    )
    if agency_id is not None:
        stmt = stmt.where(
            or_(
                JointOperation.lead_agency_id == agency_id,
                JointOperation.id.in_(
                    select(JointOperationAgency.operation_id).where(JointOperationAgency.agency_id == agency_id)
                ),
            )
        )
    if search:
        stmt = stmt.where(_matches(search, JointOperation.number, JointOperation.title))
    stmt = stmt.order_by(
        case((JointOperation.status == "applied", 0), else_=1), JointOperation.decision_due_on,
        JointOperation.start_on, JointOperation.id,
    ).limit(limit)
    return [OperationPick(*row) for row in session.execute(stmt)]


@dataclass(frozen=True)
class OperationEdit:
    id: int
    number: str
    version: int
    status: str
    title: str
    mechanism: str
    lead_agency_id: int
    lead_agency: str
    participants: list[str]
    applied_on: date | None
    decision_due_on: date | None
    decided_on: date | None
    start_on: date
    end_on: date | None
    outcome: str | None
    last_change: LastChange | None


def operation_for_edit(session: Session, operation_id: int) -> OperationEdit | None:
    op = session.get(JointOperation, operation_id)
    if op is None:
        return None
    lead = session.get(Agency, op.lead_agency_id)
    participants = session.execute(
        select(Agency.name)
        .join(JointOperationAgency, JointOperationAgency.agency_id == Agency.id)
        .where(JointOperationAgency.operation_id == operation_id)
        .order_by(Agency.name)
    ).scalars().all()
    return OperationEdit(
        id=op.id, number=op.number, version=op.version, status=op.status, title=op.title,
        mechanism=op.mechanism, lead_agency_id=op.lead_agency_id, lead_agency=lead.name,
        participants=list(participants), applied_on=op.applied_on, decision_due_on=op.decision_due_on,
        decided_on=op.decided_on, start_on=op.start_on, end_on=op.end_on, outcome=op.outcome,
        last_change=last_change(session, JointOperation.__tablename__, op.id),
    )


# --------------------------------------------------------------------------- ledger import
def ledger_preview(session: Session, kind: str, rows, *, today: date | None = None):
    """What importing ``rows`` (from :func:`data_access.importing.read_table`) would do, checked
    against the database as it is now: ``(clean_rows, errors)`` as the importer gives them.
    The import itself checks again inside its transaction."""
    from data_access import importing

    if kind == "agencies":
        current = {
            a.name: {f: getattr(a, f) for f in importing.AGENCY_FIELDS}
            for a in session.execute(select(Agency)).scalars()
        }
        current.update({importing.agency_key(n): v for n, v in list(current.items())})
        return importing.validate_agencies(rows, current)
    if kind == "referrals":
        existing = importing.load_existing_referrals(session, importing.referral_numbers(rows))
        return importing.validate_referrals(rows, importing.agency_index(session), existing, today=today)
    raise ValueError(f"unknown ledger kind {kind!r}")
