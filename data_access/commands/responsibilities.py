"""Write commands for the responsibility list (权责清单) and the disputes that settle it.

- :func:`create_responsibility`, :func:`update_responsibility`: the office's edits of one
  entry; the audit row keeps the entry before and after, which is the entry's history.
- :func:`set_dispute_matters`: which list entries a dispute is about.
- :func:`record_ruling`: the office records the government's ruling (政府裁决) on a dispute
  at the ruling stage; it resolves the dispute and may write the ruling into the list: each
  chosen entry then names the agency found responsible and cites the dispute and the day.

Every command: actor first, plain values, keyword-only ``expected_version`` for a change,
validated with :class:`~data_access.validation.Checks`, authorised from the matrix, audited,
committed once. ``uow``: an open write session to run in (the caller commits), else the
command opens and commits its own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.commands.base import Actor, audit, authorize, check_version, snapshot
from data_access.models import Dispute, DisputeMatter, DisputeStage, Responsibility
from data_access.validation import (
    Checks,
    Saved,
    column_limit,
    expected_version_ok,
    is_record_id,
    load_for_update,
    run_write,
)
from rules import lifecycle

ENTRY_LABEL = ("权责清单事项", "list entry")
DISPUTE_LABEL = ("职责争议", "dispute")

LABELS: dict[str, tuple[str, str]] = {
    "matter": ("事项名称", "Matter"),
    "agency_id": ("责任单位", "Responsible agency"),
    "domain": ("违法领域", "Domain"),
    "code": ("事项编码", "Code"),
    "from_department": ("划转部门", "Handing-down department"),
    "legal_basis": ("法律依据", "Legal basis"),
    "matter_ids": ("争议涉及的事项", "Matters in dispute"),
    "ruled_on": ("裁决日期", "Date of the ruling"),
    "outcome": ("裁决结果", "The ruling"),
    "responsible_agency_id": ("裁决确定的责任单位", "Agency the ruling names"),
    "settle_matter_ids": ("据裁决更新清单的事项", "List entries the ruling settles"),
    "stage": ("阶段", "Stage"),
}


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _saved(entry: Responsibility) -> Saved:
    return Saved(id=entry.id, number=entry.code or f"#{entry.id}", version=entry.version,
                 status="active" if entry.active else "inactive")


def _dispute_saved(dispute: Dispute) -> Saved:
    return Saved(id=dispute.id, number=dispute.number, version=dispute.version, status=dispute.stage)


def _entry_values(session: Session, c: Checks, matter, agency_id, domain, code, from_department, legal_basis,
                  *, current_id: int | None = None) -> dict:
    L = LABELS
    values = {
        "matter": c.text("matter", matter, L["matter"], limit=column_limit(Responsibility, "matter")),
        "domain": c.text("domain", domain, L["domain"], limit=column_limit(Responsibility, "domain"), required=False),
        "code": c.text("code", code, L["code"], limit=column_limit(Responsibility, "code"), required=False),
        "from_department": c.text("from_department", from_department, L["from_department"],
                                  limit=column_limit(Responsibility, "from_department"), required=False),
        "legal_basis": c.text("legal_basis", legal_basis, L["legal_basis"], limit=None, required=False,
                              multiline=True),
    }
    agency = c.agency(session, "agency_id", agency_id, L["agency_id"])
    values["agency_id"] = agency.id if agency else None
    if values["code"]:
        clash = session.execute(
            select(Responsibility.id).where(Responsibility.code == values["code"])
        ).scalar()
        if clash is not None and clash != current_id:
            c.add("code", f"事项编码“{values['code']}”已被其他事项使用", f"Code “{values['code']}” is already used")
    return values


def create_responsibility(
    actor: Actor, matter: str, agency_id: int, *, domain: str | None = None, code: str | None = None,
    from_department: str | None = None, legal_basis: str | None = None, today: date | None = None,
    uow: Session | None = None,
) -> Saved:
    """Add one entry to the list (the office)."""

    def work(session: Session) -> Saved:
        c = Checks(today or date.today())
        values = _entry_values(session, c, matter, agency_id, domain, code, from_department, legal_basis)
        c.done()
        authorize(actor, "responsibility.edit")
        entry = Responsibility(**values, active=True, updated_at=_now(), updated_by=actor.username)
        session.add(entry)
        session.flush()
        audit(session, actor, "responsibility.create", Responsibility.__tablename__, entry.id, None, snapshot(entry))
        return _saved(entry)

    return run_write(work, uow=uow)


def update_responsibility(
    actor: Actor, responsibility_id: int, matter: str, agency_id: int, *, domain: str | None = None,
    code: str | None = None, from_department: str | None = None, legal_basis: str | None = None,
    active: bool = True, expected_version: int | None, today: date | None = None, uow: Session | None = None,
) -> Saved:
    """Change one entry (the office). Changing the agency of an entry a ruling settled
    drops the citation: the list no longer says what the ruling said."""

    def work(session: Session) -> Saved:
        expected = expected_version_ok(expected_version)
        entry = load_for_update(session, Responsibility, responsibility_id, ENTRY_LABEL)
        check_version(session, entry, expected, f"{ENTRY_LABEL[0]}“{entry.matter}”")
        before = snapshot(entry)
        c = Checks(today or date.today())
        values = _entry_values(session, c, matter, agency_id, domain, code, from_department, legal_basis,
                               current_id=entry.id)
        keep = c.flag("active", active, ("有效", "Active"))
        c.done()
        authorize(actor, "responsibility.edit")
        if values["agency_id"] != entry.agency_id:
            entry.settled_by_dispute_id = None
            entry.settled_on = None
        for key, value in values.items():
            setattr(entry, key, value)
        entry.active = keep
        entry.updated_at = _now()
        entry.updated_by = actor.username
        session.flush()
        audit(session, actor, "responsibility.edit", Responsibility.__tablename__, entry.id, before, snapshot(entry))
        return _saved(entry)

    return run_write(work, uow=uow)


def _entries(session: Session, c: Checks, field: str, ids) -> list[Responsibility]:
    if ids is None:
        return []
    if isinstance(ids, (str, bytes)) or not isinstance(ids, (list, tuple, set, frozenset)):
        c.add(field, f"{LABELS[field][0]}格式不正确", f"{LABELS[field][1]} must be a list")
        return []
    found = []
    for value in dict.fromkeys(ids):
        entry = session.get(Responsibility, value) if is_record_id(value) else None
        if entry is None:
            c.add(field, f"{LABELS[field][0]}不是清单中的事项", f"{LABELS[field][1]}: not an entry of the list")
            return []
        found.append(entry)
    return found


def set_dispute_matters(
    actor: Actor, dispute_id: int, matter_ids: Sequence[int], *, expected_version: int | None,
    today: date | None = None, uow: Session | None = None,
) -> Saved:
    """Name the list entries a dispute is about (replacing the earlier choice). The parties
    and the office may, as they may move the dispute's early stages."""

    def work(session: Session) -> Saved:
        expected = expected_version_ok(expected_version)
        dispute = load_for_update(session, Dispute, dispute_id, DISPUTE_LABEL)
        check_version(session, dispute, expected, f"{DISPUTE_LABEL[0]}{dispute.number}")
        c = Checks(today or date.today())
        if dispute.stage == "resolved":
            c.add("stage", "该争议已解决，不能再变更", "This dispute is resolved; it cannot change any more")
        entries = _entries(session, c, "matter_ids", matter_ids)
        c.done()
        authorize(actor, "dispute.advance", [p.agency_id for p in dispute.parties])
        old = sorted(session.execute(
            select(DisputeMatter.responsibility_id).where(DisputeMatter.dispute_id == dispute.id)).scalars())
        new = sorted(e.id for e in entries)
        if old != new:
            session.query(DisputeMatter).filter(DisputeMatter.dispute_id == dispute.id).delete()
            session.add_all(DisputeMatter(dispute_id=dispute.id, responsibility_id=i) for i in new)
            audit(session, actor, "dispute.matters", Dispute.__tablename__, dispute.id,
                  {"matter_ids": old}, {"matter_ids": new})
        return _dispute_saved(dispute)

    return run_write(work, uow=uow)


def record_ruling(
    actor: Actor, dispute_id: int, ruled_on: date, outcome: str, responsible_agency_id: int, *,
    settle_matter_ids: Sequence[int] = (), expected_version: int | None, today: date | None = None,
    uow: Session | None = None,
) -> Saved:
    """The office records the government's ruling on a dispute at the ruling stage: the
    dispute is resolved with the agency the ruling names, and each entry of
    ``settle_matter_ids`` (entries the dispute is about) now names that agency and cites
    the dispute's number and the ruling's day."""

    def work(session: Session) -> Saved:
        L = LABELS
        expected = expected_version_ok(expected_version)
        dispute = load_for_update(session, Dispute, dispute_id, DISPUTE_LABEL)
        check_version(session, dispute, expected, f"{DISPUTE_LABEL[0]}{dispute.number}")
        before = snapshot(dispute)
        c = Checks(today or date.today())
        if dispute.stage != "ruling":
            c.add("stage", "只有处于“政府裁决”阶段的争议才能登记裁决",
                  "Only a dispute at the government-ruling stage can have a ruling recorded")
        day = c.date("ruled_on", ruled_on, L["ruled_on"])
        c.not_before("ruled_on", day, dispute.stage_since, L["ruled_on"], ("本阶段开始日期", "Start of the current stage"))
        text = c.text("outcome", outcome, L["outcome"], limit=None, multiline=True)
        agency = c.agency(session, "responsible_agency_id", responsible_agency_id, L["responsible_agency_id"])
        entries = _entries(session, c, "settle_matter_ids", settle_matter_ids)
        if entries:
            named = set(session.execute(select(DisputeMatter.responsibility_id)
                                        .where(DisputeMatter.dispute_id == dispute.id)).scalars())
            if any(e.id not in named for e in entries):
                c.add("settle_matter_ids", "只能更新本争议涉及的事项",
                      "Only the matters this dispute is about can be settled by its ruling")
        c.done()
        authorize(actor, "dispute.rule", [p.agency_id for p in dispute.parties])
        lifecycle.check_transition("dispute", dispute.stage, "resolved")
        dispute.stage = "resolved"
        dispute.stage_since = day
        dispute.resolved_on = day
        dispute.outcome = text
        dispute.responsible_agency_id = agency.id
        dispute.needs_meeting = False
        session.add(DisputeStage(dispute_id=dispute.id, stage="resolved", entered_on=day, note=text,
                                 username=actor.username))
        for entry in entries:
            was = snapshot(entry)
            entry.agency_id = agency.id
            entry.settled_by_dispute_id = dispute.id
            entry.settled_on = day
            entry.updated_at = _now()
            entry.updated_by = actor.username
            session.flush()
            audit(session, actor, "responsibility.ruling", Responsibility.__tablename__, entry.id, was,
                  snapshot(entry) | {"dispute_number": dispute.number})
        session.flush()
        audit(session, actor, "dispute.rule", Dispute.__tablename__, dispute.id, before,
              snapshot(dispute) | {"settled_matter_ids": [e.id for e in entries]})
        return _dispute_saved(dispute)

    return run_write(work, uow=uow)
