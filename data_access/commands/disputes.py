"""Write commands for jurisdiction disputes (职责争议): raise, advance, interim handler, resolve.

The path is fixed by the documents (DOMAIN.md): joint interim handling so the violation
does not go on (先予协同处置) → negotiation (协商) → coordination by the justice bureau
(司法局协调) → written recommendation (书面建议) → government ruling (政府裁决); it can be
resolved at any stage. Each stage entered is kept in ``dispute_stages`` with its date, note
and who moved it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.commands.base import Actor, audit, authorize, snapshot
from data_access.models import Dispute, DisputeParty, DisputeStage, Referral
from data_access.validation import (
    Checks,
    Saved,
    change_record,
    column_limit,
    next_number,
    run_write,
    saved,
)
from rules import lifecycle, permissions

KIND_LABEL = ("职责争议", "dispute")
NUMBER_WIDTH = 3

#: The two kinds of dispute, stored as codes: someone acting outside its duty, or nobody acting.
DISPUTE_KIND_LABELS: dict[str, tuple[str, str]] = {
    "overreach": ("越位", "Overreach (more than one agency claims it)"),
    "gap": ("缺位", "Gap (no agency takes it on)"),
}

LABELS: dict[str, tuple[str, str]] = {
    "subject": ("争议事项", "Subject"),
    "description": ("情况说明", "Description"),
    "kind": ("争议类型", "Kind of dispute"),
    "party_ids": ("争议各方", "Parties"),
    "referral_number": ("关联移送编号", "Linked referral number"),
    "interim_handler_id": ("先行处置单位", "Interim handler"),
    "opened_on": ("提出日期", "Date raised"),
    "on": ("进入新阶段日期", "Date of the new stage"),
    "stage_since": ("本阶段开始日期", "Start of the current stage"),
    "note": ("阶段说明", "Note on the stage"),
    "needs_meeting": ("提请联席会议研究", "Needs the joint meeting"),
    "resolved_on": ("解决日期", "Date resolved"),
    "outcome": ("处理结果", "Outcome"),
    "responsible_agency_id": ("确定的责任单位", "Agency found responsible"),
    "stage": ("阶段", "Stage"),
}


def _parties(dispute: Dispute) -> list[int]:
    return [p.agency_id for p in dispute.parties]


def _referral_id(session: Session, c: Checks, number) -> int | None:
    text = c.text(
        "referral_number", number, LABELS["referral_number"], limit=column_limit(Referral, "number"), required=False
    )
    if text is None:
        return None
    found = session.execute(select(Referral.id).where(Referral.number == text)).scalar()
    if found is None:
        c.add("referral_number", f"找不到移送编号“{text}”", f"No referral numbered “{text}”")
    return found


def raise_dispute(
    actor: Actor, *, subject: str, party_ids: Sequence[int], opened_on: date, kind: str | None = None,
    description: str | None = None, referral_number: str | None = None, interim_handler_id: int | None = None,
    today: date | None = None, engine: Engine | None = None, uow: Session | None = None,
) -> Saved:
    """Register a dispute between two or more agencies (``ZY-<year>-<3 digits>``); it starts
    in joint interim handling. A member may only raise one its own agency is party to."""
    today = today or date.today()

    def work(session: Session) -> Saved:
        L = LABELS
        c = Checks(today)
        text = c.text("subject", subject, L["subject"], limit=column_limit(Dispute, "subject"))
        about = c.text("description", description, L["description"], limit=None, required=False, multiline=True)
        kind_code = c.choice("kind", kind, DISPUTE_KIND_LABELS, L["kind"], required=False)
        parties = c.agencies(session, "party_ids", party_ids, L["party_ids"], minimum=2)
        linked = _referral_id(session, c, referral_number)
        handler = c.agency(session, "interim_handler_id", interim_handler_id, L["interim_handler_id"], required=False)
        day = c.date("opened_on", opened_on, L["opened_on"])
        c.done()
        authorize(actor, "dispute.raise", [a.id for a in parties])
        dispute = Dispute(
            number=next_number(session, Dispute, f"ZY-{today.year}-", NUMBER_WIDTH),
            subject=text,
            description=about,
            kind=kind_code,
            referral_id=linked,
            interim_handler_id=handler.id if handler else None,
            stage="joint_handling",
            opened_on=day,
            stage_since=day,
            needs_meeting=False,
        )
        session.add(dispute)
        session.flush()
        session.add_all(DisputeParty(dispute_id=dispute.id, agency_id=a.id) for a in parties)
        session.add(
            DisputeStage(dispute_id=dispute.id, stage="joint_handling", entered_on=day, username=actor.username)
        )
        after = snapshot(dispute) | {"party_ids": [a.id for a in parties]}
        audit(session, actor, "dispute.raise", Dispute.__tablename__, dispute.id, None, after)
        return saved(dispute)

    return run_write(work, engine, uow=uow)


def _open_check(c: Checks, dispute: Dispute) -> None:
    if dispute.stage == "resolved":
        c.add("stage", "该争议已解决，不能再变更", "This dispute is resolved; it cannot change any more")


def advance_dispute(
    actor: Actor, dispute_id: int, *, on: date, note: str, needs_meeting: bool | None = None,
    expected_version: int | None, today: date | None = None, engine: Engine | None = None,
    uow: Session | None = None,
) -> Saved:
    """Move the dispute to its next stage with a note saying why (e.g. negotiation failed).
    ``needs_meeting`` flags it for the joint meeting's agenda (None leaves the flag)."""

    def apply(session: Session, dispute: Dispute, c: Checks) -> None:
        L = LABELS
        _open_check(c, dispute)
        target = None
        if c.ok("stage"):
            following = [s for s in lifecycle.allowed_next("dispute", dispute.stage) if s != "resolved"]
            if following:
                target = following[0]
            else:
                c.add(
                    "stage",
                    "已到政府裁决阶段，没有下一阶段，只能结案",
                    "The dispute is at the government ruling; there is no further stage, only resolving it",
                )
        day = c.date("on", on, L["on"])
        c.not_before("on", day, dispute.stage_since, L["on"], L["stage_since"])
        remark = c.text("note", note, L["note"], limit=None, multiline=True)
        flag = c.flag("needs_meeting", needs_meeting, L["needs_meeting"]) if needs_meeting is not None else None
        c.done()
        authorize(actor, permissions.dispute_stage_action(target), _parties(dispute))
        lifecycle.check_transition("dispute", dispute.stage, target)
        dispute.stage = target
        dispute.stage_since = day
        if flag is not None:
            dispute.needs_meeting = flag
        session.add(
            DisputeStage(dispute_id=dispute.id, stage=target, entered_on=day, note=remark, username=actor.username)
        )

    return change_record(
        actor, Dispute, dispute_id, expected_version, KIND_LABEL, "dispute.advance", apply,
        today=today or date.today(), engine=engine, uow=uow,
    )


def record_interim_handler(
    actor: Actor, dispute_id: int, *, agency_id: int, expected_version: int | None, today: date | None = None,
    engine: Engine | None = None, uow: Session | None = None,
) -> Saved:
    """Record which agency handles the matter meanwhile (先予协同处置) so the violation stops."""

    def apply(session: Session, dispute: Dispute, c: Checks) -> None:
        _open_check(c, dispute)
        handler = c.agency(session, "interim_handler_id", agency_id, LABELS["interim_handler_id"])
        c.done()
        authorize(actor, "dispute.advance", _parties(dispute))
        dispute.interim_handler_id = handler.id

    return change_record(
        actor, Dispute, dispute_id, expected_version, KIND_LABEL, "dispute.interim_handler", apply,
        today=today or date.today(), engine=engine, uow=uow,
    )


def resolve_dispute(
    actor: Actor, dispute_id: int, *, resolved_on: date, outcome: str,
    responsible_agency_id: int | None = None, expected_version: int | None, today: date | None = None,
    engine: Engine | None = None, uow: Session | None = None,
) -> Saved:
    """Close the dispute with its outcome and, usually, the agency found responsible."""

    def apply(session: Session, dispute: Dispute, c: Checks) -> None:
        L = LABELS
        _open_check(c, dispute)
        day = c.date("resolved_on", resolved_on, L["resolved_on"])
        c.not_before("resolved_on", day, dispute.stage_since, L["resolved_on"], L["stage_since"])
        text = c.text("outcome", outcome, L["outcome"], limit=None, multiline=True)
        responsible = c.agency(
            session, "responsible_agency_id", responsible_agency_id, L["responsible_agency_id"], required=False
        )
        c.done()
        authorize(actor, "dispute.resolve", _parties(dispute))
        if dispute.stage == "ruling":
            # Closing at the ruling stage records the government's ruling: the office only.
            authorize(actor, "dispute.rule", _parties(dispute))
        lifecycle.check_transition("dispute", dispute.stage, "resolved")
        dispute.stage = "resolved"
        dispute.stage_since = day
        dispute.resolved_on = day
        dispute.outcome = text
        dispute.responsible_agency_id = responsible.id if responsible else None
        dispute.needs_meeting = False
        session.add(DisputeStage(dispute_id=dispute.id, stage="resolved", entered_on=day, note=text,
                                 username=actor.username))

    return change_record(
        actor, Dispute, dispute_id, expected_version, KIND_LABEL, "dispute.resolve", apply,
        today=today or date.today(), engine=engine, uow=uow,
    )
