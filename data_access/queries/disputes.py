"""Jurisdiction disputes (职责争议): the open ones by stage, and one dispute's history.

A dispute's stage on a day is the last stage it entered on or before that day
(:func:`data_access.queries.dashboard.dispute_stage_as_of`). It is *stalled*
(:func:`rules.ageing.is_stalled`) when it has been in that stage for more than
``dispute_stall_days`` calendar days; the meeting should take those up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from data_access.models import Agency, Dispute, DisputeParty, DisputeStage, Referral
from data_access.queries.dashboard import agency_label, dispute_stage_as_of, party_names
from rules import ageing

__all__ = ["OpenDispute", "open_disputes", "DisputeDetail", "dispute_detail"]


@dataclass(frozen=True)
class OpenDispute:
    id: int
    number: str
    subject: str
    kind: str | None
    stage: str
    stage_since: date
    opened_on: date
    days_in_stage: int
    days_open: int
    parties: list[str]
    interim_handler: str | None
    needs_meeting: bool
    stalled: bool


def open_disputes(session: Session, as_of: date, stall_days: int, agency_id: int | None = None, *,
                  stage: str | None = None, stalled: bool | None = None) -> list[OpenDispute]:
    """Disputes open on ``as_of`` (optionally only those ``agency_id`` is a party to, those in
    ``stage``, the stalled or the not stalled ones), the stalled ones first, then the longest
    in their stage."""
    cur = dispute_stage_as_of(as_of)
    handler = aliased(Agency)
    stmt = (
        select(
            Dispute.id,
            Dispute.number,
            Dispute.subject,
            Dispute.kind,
            cur.c.stage,
            cur.c.stage_since,
            Dispute.opened_on,
            handler.name,
            handler.short_name,
            Dispute.needs_meeting,
        )
        .join(cur, cur.c.dispute_id == Dispute.id)
        .outerjoin(handler, handler.id == Dispute.interim_handler_id)
    )
    if stage is not None:
        stmt = stmt.where(cur.c.stage == stage)
    if agency_id is not None:
        stmt = stmt.where(
            Dispute.id.in_(select(DisputeParty.dispute_id).where(DisputeParty.agency_id == agency_id))
        )
    rows = session.execute(stmt).all()
    parties = party_names(session, [r.id for r in rows])
    out = [
        OpenDispute(
            id=r.id,
            number=r.number,
            subject=r.subject,
            kind=r.kind,
            stage=r.stage,
            stage_since=r.stage_since,
            opened_on=r.opened_on,
            days_in_stage=ageing.days_in_stage(r.stage_since, as_of),
            days_open=(as_of - r.opened_on).days,
            parties=parties.get(r.id, []),
            interim_handler=agency_label(r[7], r[8]) if r[7] else None,
            needs_meeting=bool(r.needs_meeting),
            stalled=ageing.is_stalled(r.stage_since, as_of, stall_days),
        )
        for r in rows
    ]
    if stalled is not None:
        out = [d for d in out if d.stalled == stalled]
    out.sort(key=lambda d: (not d.stalled, -d.days_in_stage, d.number))
    return out


@dataclass(frozen=True)
class StageStep:
    stage: str
    entered_on: date
    days: int
    """Days spent in the stage (to the next stage, or to ``as_of`` for the current one)."""
    note: str | None
    username: str | None


@dataclass(frozen=True)
class Party:
    name: str
    position: str | None


@dataclass(frozen=True)
class DisputeDetail:
    id: int
    number: str
    subject: str
    description: str | None
    kind: str | None
    stage: str
    opened_on: date
    resolved_on: date | None
    outcome: str | None
    needs_meeting: bool
    interim_handler: str | None
    responsible_agency: str | None
    referral_number: str | None
    parties: list[Party]
    stages: list[StageStep]


def dispute_detail(session: Session, dispute_id: int, as_of: date) -> DisputeDetail | None:
    handler, responsible = aliased(Agency), aliased(Agency)
    row = session.execute(
        select(Dispute, handler.name, responsible.name, Referral.number)
        .outerjoin(handler, handler.id == Dispute.interim_handler_id)
        .outerjoin(responsible, responsible.id == Dispute.responsible_agency_id)
        .outerjoin(Referral, Referral.id == Dispute.referral_id)
        .where(Dispute.id == dispute_id)
    ).first()
    if row is None:
        return None
    d, handler_name, responsible_name, referral_number = row
    parties = [
        Party(name, position)
        for name, position in session.execute(
            select(Agency.name, DisputeParty.position)
            .join(Agency, Agency.id == DisputeParty.agency_id)
            .where(DisputeParty.dispute_id == dispute_id)
            .order_by(Agency.id)
        )
    ]
    history = session.execute(
        select(DisputeStage.stage, DisputeStage.entered_on, DisputeStage.note, DisputeStage.username)
        .where(DisputeStage.dispute_id == dispute_id)
        .order_by(DisputeStage.entered_on, DisputeStage.id)
    ).all()
    stages = []
    for i, (stage, entered, note, user) in enumerate(history):
        end = history[i + 1][1] if i + 1 < len(history) else (d.resolved_on or as_of)
        stages.append(StageStep(stage, entered, max(0, (end - entered).days), note, user))
    return DisputeDetail(
        id=d.id,
        number=d.number,
        subject=d.subject,
        description=d.description,
        kind=d.kind,
        stage=d.stage,
        opened_on=d.opened_on,
        resolved_on=d.resolved_on,
        outcome=d.outcome,
        needs_meeting=bool(d.needs_meeting),
        interim_handler=handler_name,
        responsible_agency=responsible_name,
        referral_number=referral_number,
        parties=parties,
        stages=stages,
    )
