"""Reads of the responsibility list (权责清单): search, one entry and its history, what the
list says about a matter, the matters of a dispute, referrals grouped by matter.

Search runs in SQL: each word of the search text must appear in the matter, the legal basis
or the code (``LIKE``, % and _ literal); domain and agency are equality filters on indexed
columns; only the page shown comes back, with the total count. A list of a few thousand
entries is scanned in a millisecond or two on either database (``benchmarks/responsibility_search``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from data_access.models import Agency, AuditEntry, Dispute, DisputeMatter, Referral, Responsibility

__all__ = [
    "ListEntry", "search_responsibilities", "responsibility_domains", "matter_choices",
    "list_answer", "responsibility_history", "dispute_matters", "referrals_by_matter",
]


@dataclass(frozen=True)
class ListEntry:
    id: int
    code: str | None
    matter: str
    agency_id: int
    agency: str
    domain: str | None
    from_department: str | None
    legal_basis: str | None
    settled_by: str | None  # the dispute's number
    settled_on: date | None
    active: bool
    version: int


def _entry_select():
    settled = aliased(Dispute)
    return (
        select(Responsibility.id, Responsibility.code, Responsibility.matter, Responsibility.agency_id,
               Agency.name, Responsibility.domain, Responsibility.from_department,
               Responsibility.legal_basis, settled.number, Responsibility.settled_on,
               Responsibility.active, Responsibility.version)
        .join(Agency, Agency.id == Responsibility.agency_id)
        .outerjoin(settled, settled.id == Responsibility.settled_by_dispute_id)
    )


def _words(text: str | None) -> list[str]:
    return [w for w in (text or "").replace("\u3000", " ").split() if w]


def search_responsibilities(
    session: Session,
    *,
    text: str | None = None,
    basis: str | None = None,
    domain: str | None = None,
    agency_id: int | None = None,
    settled_only: bool = False,
    include_inactive: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> tuple[list[ListEntry], int]:
    """(entries of the page, total matching). ``text``: words each found in the matter,
    code or legal basis; ``basis``: words each found in the legal basis."""
    conditions = []
    for word in _words(text):
        conditions.append(or_(Responsibility.matter.contains(word, autoescape=True),
                              Responsibility.code.contains(word, autoescape=True),
                              Responsibility.legal_basis.contains(word, autoescape=True)))
    for word in _words(basis):
        conditions.append(Responsibility.legal_basis.contains(word, autoescape=True))
    if domain:
        conditions.append(Responsibility.domain == domain)
    if agency_id is not None:
        conditions.append(Responsibility.agency_id == agency_id)
    if settled_only:
        conditions.append(Responsibility.settled_by_dispute_id.is_not(None))
    if not include_inactive:
        conditions.append(Responsibility.active.is_(True))
    where = and_(True, *conditions)
    total = session.execute(select(func.count()).select_from(Responsibility).where(where)).scalar() or 0
    rows = session.execute(
        _entry_select().where(where).order_by(Responsibility.matter, Responsibility.id).limit(limit).offset(offset)
    ).all()
    return [ListEntry(*r) for r in rows], total


def responsibility(session: Session, entry_id: int) -> ListEntry | None:
    row = session.execute(_entry_select().where(Responsibility.id == entry_id)).first()
    return ListEntry(*row) if row else None


def responsibility_domains(session: Session) -> list[str]:
    return list(session.execute(
        select(Responsibility.domain).where(Responsibility.domain.is_not(None)).distinct().order_by(Responsibility.domain)
    ).scalars())


@dataclass(frozen=True)
class MatterChoice:
    id: int
    label: str  # "matter · agency" (the selectbox filters on it as the clerk types)
    agency_id: int
    agency: str


def matter_choices(session: Session) -> list[MatterChoice]:
    """Every active entry as a choice for the referral form (a few thousand short labels)."""
    rows = session.execute(
        select(Responsibility.id, Responsibility.matter, Responsibility.code, Responsibility.agency_id, Agency.name)
        .join(Agency, Agency.id == Responsibility.agency_id)
        .where(Responsibility.active.is_(True))
        .order_by(Responsibility.matter, Responsibility.id)
    ).all()
    return [MatterChoice(i, f"{m}（{code}）" if code else m, a, name) for i, m, code, a, name in rows]


def list_answer(session: Session, matter_id: int | None) -> tuple[int, str] | None:
    """(agency id, agency name) the list names for an entry."""
    if matter_id is None:
        return None
    row = session.execute(
        select(Agency.id, Agency.name).join(Responsibility, Responsibility.agency_id == Agency.id)
        .where(Responsibility.id == matter_id)
    ).first()
    return (row[0], row[1]) if row else None


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    username: str
    action: str
    before: dict | None
    after: dict | None


def responsibility_history(session: Session, entry_id: int) -> list[HistoryLine]:
    """The audited changes of one entry, newest first."""
    rows = session.execute(
        select(AuditEntry.at, AuditEntry.username, AuditEntry.action, AuditEntry.before, AuditEntry.after)
        .where(AuditEntry.object_type == Responsibility.__tablename__, AuditEntry.object_id == str(entry_id))
        .order_by(AuditEntry.id.desc())
    ).all()
    return [HistoryLine(*r) for r in rows]


def dispute_matters(session: Session, dispute_id: int) -> list[ListEntry]:
    """The list entries a dispute is about, each with what the list says now."""
    rows = session.execute(
        _entry_select().join(DisputeMatter, DisputeMatter.responsibility_id == Responsibility.id)
        .where(DisputeMatter.dispute_id == dispute_id).order_by(Responsibility.matter)
    ).all()
    return [ListEntry(*r) for r in rows]


@dataclass(frozen=True)
class MatterCount:
    matter_id: int | None
    matter: str | None
    referrals: int
    against_list: int  # sent elsewhere than the list says


def referrals_by_matter(session: Session, *, sent_from: date | None = None, sent_to: date | None = None,
                        agency_id: int | None = None, limit: int = 50) -> list[MatterCount]:
    """Sent referrals grouped by the matter they name (None: no matter picked), most first;
    ``agency_id``: only those it sent or received."""
    against = func.sum(case((Responsibility.agency_id != Referral.to_agency_id, 1), else_=0))
    stmt = (
        select(Referral.matter_id, Responsibility.matter, func.count(Referral.id), against)
        .outerjoin(Responsibility, Responsibility.id == Referral.matter_id)
        .where(Referral.sent_on.is_not(None))
        .group_by(Referral.matter_id, Responsibility.matter)
        .order_by(func.count(Referral.id).desc())
        .limit(limit)
    )
    if sent_from is not None:
        stmt = stmt.where(Referral.sent_on >= sent_from)
    if sent_to is not None:
        stmt = stmt.where(Referral.sent_on <= sent_to)
    if agency_id is not None:
        stmt = stmt.where(or_(Referral.from_agency_id == agency_id, Referral.to_agency_id == agency_id))
    return [MatterCount(m, name, n, int(a or 0)) for m, name, n, a in session.execute(stmt)]
