"""Write commands for referrals (案件移送): one function per step of the lifecycle.

draft → sent → accepted | declined | returned; accepted → reported → closed; declined →
closed; returned → draft (the sender revises and sends again) | closed.

Every command runs in its own transaction (:func:`data_access.validation.run_write`): it
loads and locks the referral, refuses a stale form (``expected_version``), checks every
field (all errors at once, in plain Chinese / English), checks the permission matrix for
the agency concerned (the sender to create, send and revise; the receiver to acknowledge
and report), applies the lifecycle, records a :class:`ReferralEvent` for each status
change, refreshes the stored deadlines and writes the audit row. It returns a
:class:`~data_access.validation.Saved`.

``today`` defaults to the real date; tests pin it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, time

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from data_access.commands.base import Actor, audit, authorize, check_version, snapshot
from data_access.commands.routing import check_routing
from data_access.models import Referral, ReferralEvent, ReferralRound
from data_access.rounds import archived_round
from data_access.rulebook import load_rules
from data_access.stored_deadlines import referral_deadline_fields
from data_access.validation import (
    Checks,
    Saved,
    column_limit,
    expected_version_ok,
    load_for_update,
    moment,
    next_number,
    now,
    run_write,
)
from rules import lifecycle

OBJECT = "referrals"  # the audit trail's object type is the table name (see check_version)
KIND_LABEL = ("移送案件", "referral")
NUMBER_WIDTH = 6
#: The one material a referral cannot be sent without: it is the written, signed referral.
REQUIRED_MATERIAL = "移送函"

LABELS: dict[str, tuple[str, str]] = {
    "title": ("案件名称", "Case title"),
    "domain": ("违法领域", "Enforcement domain"),
    "from_agency_id": ("移送单位", "Referring agency"),
    "to_agency_id": ("接收单位", "Receiving agency"),
    "discovered_on": ("发现日期", "Date discovered"),
    "discovered_time": ("发现时间", "Time discovered"),
    "sent_on": ("移送日期", "Date sent"),
    "sent_time": ("移送时间", "Time sent"),
    "urgency": ("紧急程度", "Urgency"),
    "extension_notified": ("延期告知", "Extension notified"),
    "criminal": ("涉嫌犯罪", "Suspected crime"),
    "materials": ("移送材料", "Materials attached"),
    "approved_by": ("审批负责人", "Approved by"),
    "send": ("是否移送", "Send now"),
    "outcome": ("受理结果", "Outcome"),
    "ack_on": ("受理告知日期", "Acknowledgement date"),
    "reason": ("理由", "Reason"),
    "result_on": ("结果反馈日期", "Result date"),
    "summary": ("办理结果", "Result summary"),
    "closed_on": ("办结日期", "Closing date"),
    "note": ("备注", "Note"),
}


def _today(today: date | None) -> date:
    return today or date.today()


def _saved(ref: Referral) -> Saved:
    return Saved(id=ref.id, number=ref.number, version=ref.version, status=ref.status)


def _transition(c: Checks, current: str, target: str, field: str) -> None:
    try:
        lifecycle.check_transition("referral", current, target)
    except lifecycle.TransitionError as exc:
        c.refusal(field, exc)


def _event(session: Session, ref: Referral, actor: Actor, old: str | None, new: str, note: str | None) -> None:
    session.add(
        ReferralEvent(
            referral_id=ref.id, at=now(), username=actor.username, from_status=old, to_status=new, note=note
        )
    )


def _refresh_deadlines(ref: Referral, rules) -> None:
    s, cal = rules
    fields = referral_deadline_fields(
        cal,
        s,
        discovered_on=ref.discovered_on,
        discovered_at=ref.discovered_at,
        urgent=ref.urgency == "urgent",
        extension_notified=bool(ref.extension_notified),
        criminal=bool(ref.criminal),
        sent_on=ref.sent_on,
        ack_on=ref.ack_on,
        first_round=(ref.round_no or 1) == 1,
    )
    for key, value in fields.items():
        setattr(ref, key, value)


def _content(session: Session, c: Checks, *, title, domain, to_agency_id, discovered_on, discovered_time,
             urgency, extension_notified, criminal, materials, approved_by) -> dict:
    """The fields a sender fills in (everything but the sender and the sending), checked."""
    L = LABELS
    values = {
        "title": c.text("title", title, L["title"], limit=column_limit(Referral, "title")),
        "domain": c.choice("domain", domain, lifecycle.DOMAIN_LABELS, L["domain"], required=False),
        "to_agency": c.agency(session, "to_agency_id", to_agency_id, L["to_agency_id"]),
        "discovered_on": c.date("discovered_on", discovered_on, L["discovered_on"]),
        "discovered_time": c.time("discovered_time", discovered_time, L["discovered_time"]),
        "urgency": c.choice("urgency", urgency, lifecycle.URGENCY_LABELS, L["urgency"]) or "normal",
        "extension_notified": c.flag("extension_notified", extension_notified, L["extension_notified"]),
        "criminal": c.flag("criminal", criminal, L["criminal"]),
        "materials": c.subset("materials", materials, lifecycle.MATERIALS, L["materials"]),
        "approved_by": c.text(
            "approved_by", approved_by, L["approved_by"], limit=column_limit(Referral, "approved_by"), required=False
        ),
    }
    return values


def _check_sending(c: Checks, values: dict, sent_on, sent_time) -> tuple[date | None, time | None]:
    """The date (and optional time) of sending, and what must be there to send at all."""
    L = LABELS
    day = c.date("sent_on", sent_on, L["sent_on"])
    at = c.time("sent_time", sent_time, L["sent_time"])
    c.not_before("sent_on", day, values.get("discovered_on"), L["sent_on"], L["discovered_on"])
    if (
        c.ok("sent_on") and day is not None and day == values.get("discovered_on")
        and at is not None and values.get("discovered_time") is not None and at < values["discovered_time"]
    ):
        c.add("sent_time", "移送时间不能早于发现时间", "The time sent cannot be before the time discovered")
    if not values.get("approved_by") and c.ok("approved_by"):
        c.add(
            "approved_by",
            "移送须经本单位负责人书面批准，请填写审批负责人",
            "A referral needs the written approval of the agency head: enter who approved it",
        )
    if REQUIRED_MATERIAL not in values.get("materials", []) and c.ok("materials"):
        c.add("materials", "移送须附移送函", "A referral must include the referral letter")
    return day, at


def _apply_content(ref: Referral, values: dict) -> None:
    ref.title = values["title"]
    ref.domain = values["domain"]
    ref.to_agency_id = values["to_agency"].id
    ref.discovered_on = values["discovered_on"]
    ref.discovered_at = moment(values["discovered_on"], values["discovered_time"])
    ref.urgency = values["urgency"]
    ref.extension_notified = values["extension_notified"]
    ref.criminal = values["criminal"]
    ref.materials = values["materials"]
    ref.approved_by = values["approved_by"]


def create_referral(
    actor: Actor, *, title: str, from_agency_id: int, to_agency_id: int, discovered_on: date,
    domain: str | None = None, discovered_time: time | None = None, urgency: str = "normal",
    extension_notified: bool = False, criminal: bool = False, materials: Sequence[str] = (REQUIRED_MATERIAL,),
    approved_by: str | None = None, send: bool = True, sent_on: date | None = None,
    sent_time: time | None = None, today: date | None = None, engine: Engine | None = None,
    matter_id: int | None = None, routing_reason: str | None = None, uow: Session | None = None,
) -> Saved:
    """Register a new referral with the next ``YS-<year>-<6 digits>`` number.

    ``send=True`` records it as sent on ``sent_on`` (a clerk entering one sent on paper);
    ``send=False`` keeps it as a draft to send later with :func:`send_referral`.
    ``matter_id``: the responsibility-list entry it is about; sent elsewhere than the list
    says, ``routing_reason`` is required (:mod:`data_access.commands.routing`).
    """
    today = _today(today)

    def work(session: Session) -> Saved:
        c = Checks(today)
        values = _content(
            session, c, title=title, domain=domain, to_agency_id=to_agency_id, discovered_on=discovered_on,
            discovered_time=discovered_time, urgency=urgency, extension_notified=extension_notified,
            criminal=criminal, materials=materials, approved_by=approved_by,
        )
        sender = c.agency(session, "from_agency_id", from_agency_id, LABELS["from_agency_id"])
        if sender is not None and values["to_agency"] is not None and sender.id == values["to_agency"].id:
            c.add("to_agency_id", "不能移送给本单位自己", "A referral cannot go to the referring agency itself")
        sending = c.flag("send", send, LABELS["send"])
        day, at = _check_sending(c, values, sent_on, sent_time) if sending else (None, None)
        matter, reason = check_routing(session, c, matter_id, values["to_agency"], routing_reason)
        c.done()
        rules = load_rules(session)

        authorize(actor, "referral.create", [sender.id])
        if sending:
            authorize(actor, "referral.send", [sender.id])
        status = "sent" if sending else "draft"
        lifecycle.check_initial("referral", status)

        ref = Referral(number=next_number(session, Referral, f"YS-{today.year}-", NUMBER_WIDTH))
        _apply_content(ref, values)
        ref.from_agency_id = sender.id
        ref.sent_on = day
        ref.sent_at = moment(day, at)
        ref.status = status
        ref.matter_id = matter
        ref.routing_reason = reason
        ref.updated_by = actor.username
        _refresh_deadlines(ref, rules)
        session.add(ref)
        session.flush()
        _event(session, ref, actor, None, status, None)
        audit(session, actor, "referral.create", OBJECT, ref.id, None, snapshot(ref))
        return _saved(ref)

    return run_write(work, engine, uow=uow)


def _change(
    actor: Actor, referral_id: int, expected_version: int | None, engine: Engine | None, uow: Session | None,
    action: str, apply: Callable[[Session, Referral, Checks], list[tuple[str, str, str | None]]], today: date,
) -> Saved:
    """The frame every change shares: lock, version check, checks, permission, events, audit.

    ``apply`` validates (adding to the checks), then — once everything passed — changes the
    referral and returns the status changes it made as (old, new, note).
    """

    def work(session: Session) -> Saved:
        expected = expected_version_ok(expected_version)
        ref = load_for_update(session, Referral, referral_id, KIND_LABEL)
        check_version(session, ref, expected, (f"移送案件{ref.number}", f"Referral {ref.number}"))
        before = snapshot(ref)
        # Read the rules before changing anything, so the change is flushed once.
        rules = load_rules(session)
        c = Checks(today)
        changes = apply(session, ref, c)
        ref.updated_by = actor.username
        _refresh_deadlines(ref, rules)
        session.flush()
        for old, new, note in changes:
            _event(session, ref, actor, old, new, note)
        audit(session, actor, action, OBJECT, ref.id, before, snapshot(ref))
        return _saved(ref)

    return run_write(work, engine, uow=uow)


def send_referral(
    actor: Actor, referral_id: int, *, sent_on: date, sent_time: time | None = None,
    approved_by: str | None = None, expected_version: int | None, today: date | None = None,
    engine: Engine | None = None, uow: Session | None = None,
) -> Saved:
    """Send a draft (待移送 → 已移送). ``approved_by`` fills or replaces who approved it."""

    def apply(session, ref, c):
        _transition(c, ref.status, "sent", "status")
        approver = c.text(
            "approved_by", approved_by, LABELS["approved_by"], limit=column_limit(Referral, "approved_by"),
            required=False,
        ) or ref.approved_by
        values = {
            "discovered_on": ref.discovered_on,
            "discovered_time": ref.discovered_at.time() if ref.discovered_at else None,
            "approved_by": approver,
            "materials": list(ref.materials or []),
        }
        day, at = _check_sending(c, values, sent_on, sent_time)
        c.done()
        authorize(actor, "referral.send", [ref.from_agency_id])
        ref.approved_by = approver
        ref.sent_on, ref.sent_at = day, moment(day, at)
        ref.status = "sent"
        return [("draft", "sent", None)]

    return _change(actor, referral_id, expected_version, engine, uow, "referral.send", apply, _today(today))


def acknowledge_referral(
    actor: Actor, referral_id: int, *, outcome: str, ack_on: date, reason: str | None = None,
    expected_version: int | None, today: date | None = None, engine: Engine | None = None,
    uow: Session | None = None,
) -> Saved:
    """The receiver's written answer: accept (受理), decline (不予受理) or return (退回).

    Declining or returning needs a reason. The date may not be before the referral was sent
    nor after today.
    """

    def apply(session, ref, c):
        L = LABELS
        target = c.choice("outcome", outcome, lifecycle.ACK_OUTCOMES, L["outcome"])
        if target is not None:
            _transition(c, ref.status, target, "outcome")
        day = c.date("ack_on", ack_on, L["ack_on"])
        c.not_before("ack_on", day, ref.sent_on, L["ack_on"], L["sent_on"])
        why = c.text("reason", reason, L["reason"], limit=None, required=target in ("declined", "returned"),
                     multiline=True)
        c.done()
        authorize(actor, "referral.acknowledge", [ref.to_agency_id])
        old = ref.status
        ref.ack_outcome, ref.ack_on, ref.ack_reason = target, day, why
        ref.status = target
        return [(old, target, why)]

    return _change(actor, referral_id, expected_version, engine, uow, "referral.acknowledge", apply, _today(today))


def report_result(
    actor: Actor, referral_id: int, *, result_on: date, summary: str, expected_version: int | None,
    today: date | None = None, engine: Engine | None = None, uow: Session | None = None,
) -> Saved:
    """The receiver reports how it handled an accepted referral (已受理 → 已反馈)."""

    def apply(session, ref, c):
        L = LABELS
        _transition(c, ref.status, "reported", "status")
        day = c.date("result_on", result_on, L["result_on"])
        c.not_before("result_on", day, ref.ack_on, L["result_on"], L["ack_on"])
        text = c.text("summary", summary, L["summary"], limit=None, multiline=True)
        c.done()
        authorize(actor, "referral.report_result", [ref.to_agency_id])
        old = ref.status
        ref.result_on, ref.result_summary = day, text
        ref.status = "reported"
        return [(old, "reported", None)]

    return _change(actor, referral_id, expected_version, engine, uow, "referral.report_result", apply, _today(today))


def close_referral(
    actor: Actor, referral_id: int, *, closed_on: date, note: str | None = None, expected_version: int | None,
    today: date | None = None, engine: Engine | None = None, uow: Session | None = None,
) -> Saved:
    """Close a referral (已办结) once it was reported, declined or returned; either the sender
    or the receiver may close it."""

    def apply(session, ref, c):
        L = LABELS
        _transition(c, ref.status, "closed", "status")
        day = c.date("closed_on", closed_on, L["closed_on"])
        # Closing comes after every earlier step of the referral.
        steps = [(d, L[k]) for d, k in ((ref.sent_on, "sent_on"), (ref.ack_on, "ack_on"), (ref.result_on, "result_on")) if d]
        if steps:
            latest, latest_label = max(steps, key=lambda step: step[0])
            c.not_before("closed_on", day, latest, L["closed_on"], latest_label)
        remark = c.text("note", note, L["note"], limit=None, required=False, multiline=True)
        c.done()
        authorize(actor, "referral.close", [ref.from_agency_id, ref.to_agency_id])
        old = ref.status
        ref.closed_on = day
        ref.status = "closed"
        return [(old, "closed", remark)]

    return _change(actor, referral_id, expected_version, engine, uow, "referral.close", apply, _today(today))


def revise_referral(
    actor: Actor, referral_id: int, *, title: str, to_agency_id: int, discovered_on: date,
    domain: str | None = None, discovered_time: time | None = None, urgency: str = "normal",
    extension_notified: bool = False, criminal: bool = False, materials: Sequence[str] = (REQUIRED_MATERIAL,),
    approved_by: str | None = None, note: str | None = None, send: bool = False, sent_on: date | None = None,
    sent_time: time | None = None, expected_version: int | None, today: date | None = None,
    engine: Engine | None = None, uow: Session | None = None,
) -> Saved:
    """The sender edits a draft, or a referral returned to it (退回 → 待移送), and may send it
    again at once (``send=True``).

    Revising a returned referral ends its round (DOMAIN.md, Rounds): the round's sending,
    limit and answer are kept unchanged in ``referral_rounds`` and the referral starts the
    next round (第2次移送…), with its own sending, limit and answer. Its sending is not judged
    for timeliness again: the first sending was."""

    def apply(session, ref, c):
        L = LABELS
        if ref.status not in ("draft", "returned"):
            _transition(c, ref.status, "draft", "status")
        values = _content(
            session, c, title=title, domain=domain, to_agency_id=to_agency_id, discovered_on=discovered_on,
            discovered_time=discovered_time, urgency=urgency, extension_notified=extension_notified,
            criminal=criminal, materials=materials, approved_by=approved_by,
        )
        if values["to_agency"] is not None and values["to_agency"].id == ref.from_agency_id:
            c.add("to_agency_id", "不能移送给本单位自己", "A referral cannot go to the referring agency itself")
        remark = c.text("note", note, L["note"], limit=None, required=False, multiline=True)
        sending = c.flag("send", send, L["send"])
        day, at = _check_sending(c, values, sent_on, sent_time) if sending else (None, None)
        c.done()
        authorize(actor, "referral.create", [ref.from_agency_id])
        if sending:
            authorize(actor, "referral.send", [ref.from_agency_id])
        changes = []
        if ref.status == "returned":
            changes.append(("returned", "draft", remark))
            session.add(ReferralRound(**archived_round(ref.id, ref, actor.username, now())))
            ref.round_no = (ref.round_no or 1) + 1
        _apply_content(ref, values)
        # A new sending starts a new round; the earlier one is kept in referral_rounds.
        ref.sent_on = ref.sent_at = None
        ref.ack_on = ref.ack_outcome = ref.ack_reason = None
        ref.status = "draft"
        if sending:
            ref.sent_on, ref.sent_at = day, moment(day, at)
            ref.status = "sent"
            changes.append(("draft", "sent", None if changes else remark))
        return changes

    return _change(actor, referral_id, expected_version, engine, uow, "referral.revise", apply, _today(today))


def import_ledger(
    actor: Actor, kind: str, rows, *, filename: str | None = None,
    progress: Callable[[float, str], None] | None = None, engine: Engine | None = None,
    uow: Session | None = None,
):
    """Import a ledger of ``kind`` ("referrals" or "agencies") as one all-or-nothing
    transaction, through the same importer as the command line (``data_access.importing``).
    Raises ``importing.ImportRefused`` (a ``CommandError`` listing every bad row)."""
    from data_access import importing

    writers = {"referrals": importing.import_referrals, "agencies": importing.import_agencies}
    if kind not in writers:
        raise importing.LedgerError((f"未知的台账类型：{kind}", f"Unknown ledger kind: {kind}"))
    return run_write(
        lambda session: writers[kind](session, actor, rows, filename=filename, progress=progress), engine, uow=uow
    )
