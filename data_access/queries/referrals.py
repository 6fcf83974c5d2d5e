"""The referral ledger (移送台账): filtered, searched, paged in SQL; one referral's detail.

The ledger shows each referral's current state. Its light is that of the deadline it is
running against now: the sending deadline while it is a draft, the acknowledgement
deadline once sent and until answered; other statuses carry no light. A light filter is
turned into date comparisons on the indexed due-date columns
(:class:`~data_access.queries.dashboard.LightBounds`), and only one page of rows ever leaves
the database (the Excel export asks for the filtered rows up to a cap).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, case, func, literal, null, or_, select
from sqlalchemy.orm import Session, aliased

from data_access.models import Agency, Referral, ReferralEvent, ReferralRound
from data_access.queries.dashboard import LightBounds, agency_label
from rules.lights import Light

__all__ = [
    "LedgerFilter",
    "LedgerRow",
    "LedgerPage",
    "ledger_page",
    "ledger_rows",
    "referral_detail",
    "ReferralDetail",
    "find_referral_id",
    "EXPORT_LIMIT",
]

#: The most rows one Excel export carries (a sheet holds about a million; a browser
#: download of that size helps nobody). The page says so when the filter matches more.
EXPORT_LIMIT = 100_000

NO_LIGHT = "none"


@dataclass(frozen=True)
class LedgerFilter:
    """What the ledger is narrowed to; ``None`` means "any"."""

    from_agency_id: int | None = None
    to_agency_id: int | None = None
    domain: str | None = None
    status: str | None = None
    """A status, or several joined by commas (``"sent,accepted"``: not finished)."""
    light: str | None = None
    """``"red"``, ``"yellow"``, ``"green"`` or ``"none"`` (no running deadline), or several
    joined by commas (``"yellow,green"``: not yet overdue)."""
    sent_from: date | None = None
    sent_to: date | None = None
    search: str | None = None
    """Part of the number or of the title."""
    agency_id: int | None = None
    """Either side: referrals sent or received by this agency."""


@dataclass(frozen=True)
class LedgerRow:
    id: int
    number: str
    title: str
    domain: str | None
    from_agency: str
    to_agency: str
    sent_on: date | None
    status: str
    urgency: str
    criminal: bool
    due_on: date | None
    """The running deadline (see the module docs), if any."""
    provisional: bool
    light: Light | None
    ack_on: date | None
    ack_outcome: str | None
    result_on: date | None
    closed_on: date | None


@dataclass(frozen=True)
class LedgerPage:
    total: int
    page: int
    page_size: int
    rows: list[LedgerRow]
    sendings: int | None = None
    """With a sending-date range: the sendings in it (a referral returned and sent again in
    the range counts twice, as the figures that open this list count it)."""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _running_due():
    """The deadline a referral runs against now: sending while draft, acknowledging while sent."""
    return case(
        (Referral.status == "draft", Referral.send_due_on),
        (Referral.status == "sent", Referral.ack_due_on),
        else_=null(),
    )


def _light_condition(light: str, bounds: LightBounds):
    if light == NO_LIGHT:
        return or_(
            Referral.status.not_in(("draft", "sent")),
            and_(Referral.status == "draft", Referral.send_due_on.is_(None)),
            and_(Referral.status == "sent", Referral.ack_due_on.is_(None)),
        )
    return or_(
        and_(Referral.status == "draft", bounds.where(Referral.send_due_on, light)),
        and_(Referral.status == "sent", bounds.where(Referral.ack_due_on, light)),
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _in_sent_range(f: LedgerFilter, column) -> list:
    return [c for c in (column >= f.sent_from if f.sent_from else None,
                        column <= f.sent_to if f.sent_to else None) if c is not None]


def _sendings(session: Session, f: LedgerFilter, cond: list) -> int | None:
    """The sendings in ``f``'s date range of the referrals matching ``cond``."""
    if f.sent_from is None and f.sent_to is None:
        return None
    current = select(func.count()).select_from(Referral).where(*cond, *_in_sent_range(f, Referral.sent_on))
    earlier = (select(func.count()).select_from(ReferralRound).join(Referral, Referral.id == ReferralRound.referral_id)
               .where(*cond, *_in_sent_range(f, ReferralRound.sent_on)))
    return int(session.execute(current).scalar_one()) + int(session.execute(earlier).scalar_one())


def _conditions(f: LedgerFilter, bounds: LightBounds) -> list:
    cond = []
    if f.from_agency_id is not None:
        cond.append(Referral.from_agency_id == f.from_agency_id)
    if f.to_agency_id is not None:
        cond.append(Referral.to_agency_id == f.to_agency_id)
    if f.agency_id is not None:
        cond.append(or_(Referral.from_agency_id == f.agency_id, Referral.to_agency_id == f.agency_id))
    if f.domain:
        cond.append(Referral.domain == f.domain)
    if f.status:
        cond.append(Referral.status.in_(f.status.split(",")))
    if f.light:
        cond.append(or_(*(_light_condition(lt, bounds) for lt in f.light.split(","))))
    if f.sent_from is not None or f.sent_to is not None:
        # Any sending in the range: the current round's, or an earlier round's (DOMAIN.md, Rounds).
        earlier = select(ReferralRound.referral_id).where(*_in_sent_range(f, ReferralRound.sent_on))
        cond.append(or_(and_(*_in_sent_range(f, Referral.sent_on)), Referral.id.in_(earlier)))
    if f.search and f.search.strip():
        text = f.search.strip()
        pattern = f"%{_escape_like(text)}%"
        cond.append(
            or_(
                Referral.number == text.upper(),
                Referral.number.ilike(pattern, escape="\\"),
                Referral.title.ilike(pattern, escape="\\"),
            )
        )
    return cond


def ledger_conditions(f: LedgerFilter, bounds: LightBounds) -> list:
    """The SQL conditions of ``f`` on ``Referral``, so that the round-trip export
    (:func:`data_access.importing.export_referrals_xlsx`) holds the same referrals as the page."""
    return _conditions(f, bounds)


def _row_select(bounds: LightBounds):
    sender, receiver = aliased(Agency), aliased(Agency)
    due = _running_due()
    provisional = case(
        (Referral.status == "sent", Referral.ack_due_provisional), else_=literal(False)
    )
    stmt = (
        select(
            Referral.id,
            Referral.number,
            Referral.title,
            Referral.domain,
            sender.name,
            sender.short_name,
            receiver.name,
            receiver.short_name,
            Referral.sent_on,
            Referral.status,
            Referral.urgency,
            Referral.criminal,
            due.label("due_on"),
            provisional.label("provisional"),
            Referral.ack_on,
            Referral.ack_outcome,
            Referral.result_on,
            Referral.closed_on,
        )
        .join(sender, sender.id == Referral.from_agency_id)
        .join(receiver, receiver.id == Referral.to_agency_id)
    )
    return stmt


def _to_row(r, bounds: LightBounds) -> LedgerRow:
    return LedgerRow(
        id=r.id,
        number=r.number,
        title=r.title,
        domain=r.domain,
        from_agency=agency_label(r[4], r[5]),
        to_agency=agency_label(r[6], r[7]),
        sent_on=r.sent_on,
        status=r.status,
        urgency=r.urgency,
        criminal=bool(r.criminal),
        due_on=r.due_on,
        provisional=bool(r.provisional),
        light=bounds.light(r.due_on),
        ack_on=r.ack_on,
        ack_outcome=r.ack_outcome,
        result_on=r.result_on,
        closed_on=r.closed_on,
    )


def _ordered(stmt):
    # Newest first, drafts (no sending date) last: an order the sent_on index can deliver
    # as it is, so a page of a million-row ledger needs no sort.
    return stmt.order_by(Referral.sent_on.desc().nulls_last(), Referral.id.desc())


def ledger_page(
    session: Session, f: LedgerFilter, bounds: LightBounds, page: int = 1, page_size: int = 50
) -> LedgerPage:
    """One page of the filtered ledger (1-based ``page``, clamped to the last page) and the
    number of matching referrals."""
    cond = _conditions(f, bounds)
    total = session.execute(select(func.count()).select_from(Referral).where(*cond)).scalar_one()
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    stmt = _ordered(_row_select(bounds).where(*cond)).limit(page_size).offset((page - 1) * page_size)
    rows = [_to_row(r, bounds) for r in session.execute(stmt)]
    return LedgerPage(total=int(total), page=page, page_size=page_size, rows=rows,
                      sendings=_sendings(session, f, cond))


def ledger_rows(session: Session, f: LedgerFilter, bounds: LightBounds, limit: int = EXPORT_LIMIT) -> list[LedgerRow]:
    """The filtered ledger in display order, at most ``limit`` rows (for the Excel export)."""
    stmt = _ordered(_row_select(bounds).where(*_conditions(f, bounds))).limit(limit)
    return [_to_row(r, bounds) for r in session.execute(stmt)]


# --------------------------------------------------------------------------- detail


@dataclass(frozen=True)
class Deadline:
    """One time limit of a referral: when it was due, whether it was met, its light if open."""

    code: str  # "send" / "ack"
    due_on: date | None
    provisional: bool
    met_on: date | None
    light: Light | None
    """Only while the deadline is still running (not met)."""
    days_late: int
    """Calendar days late: when met, ``met_on - due_on``; when open, ``as_of - due_on``."""


@dataclass(frozen=True)
class HistoryEvent:
    at: datetime
    username: str | None
    from_status: str | None
    to_status: str
    note: str | None


@dataclass(frozen=True)
class RoundDetail:
    """One sending of a referral (DOMAIN.md, Rounds): 第1次移送, 第2次移送 … Earlier rounds
    come from ``referral_rounds`` as they were; the last is the referral's current round."""

    round_no: int
    to_agency: str
    sent_on: date | None
    sent_at: datetime | None
    ack_due_on: date | None
    ack_due_provisional: bool
    ack_on: date | None
    ack_outcome: str | None
    ack_reason: str | None
    current: bool

    @property
    def ack_days_late(self) -> int | None:
        """Calendar days the answer came after its limit (0 on time), ``None`` unanswered."""
        if self.ack_on is None or self.ack_due_on is None:
            return None
        return max(0, (self.ack_on - self.ack_due_on).days)


@dataclass(frozen=True)
class ReferralDetail:
    id: int
    number: str
    title: str
    domain: str | None
    from_agency: str
    to_agency: str
    discovered_on: date | None
    discovered_at: datetime | None
    sent_on: date | None
    sent_at: datetime | None
    urgency: str
    extension_notified: bool
    criminal: bool
    materials: list[str]
    approved_by: str | None
    status: str
    ack_on: date | None
    ack_outcome: str | None
    ack_reason: str | None
    ack_workdays: int | None
    result_on: date | None
    result_summary: str | None
    closed_on: date | None
    version: int
    deadlines: list[Deadline]
    history: list[HistoryEvent]
    # "contact phone" of each party: whom to call to chase it (DOMAIN.md, Contacts).
    from_contact: str | None = None
    to_contact: str | None = None
    round_no: int = 1
    """Which sending the referral is in; earlier ones are in ``rounds``."""
    rounds: list[RoundDetail] = field(default_factory=list)
    """Every sending, oldest first (one, unless the referral was returned and sent again)."""
    send_due_at: datetime | None = None


def _deadline(code: str, due: date | None, provisional: bool, met: date | None, running: bool,
              bounds: LightBounds) -> Deadline:
    if due is None:
        return Deadline(code, None, provisional, met, None, 0)
    if met is not None:
        return Deadline(code, due, provisional, met, None, max(0, (met - due).days))
    light = bounds.light(due) if running else None
    return Deadline(code, due, provisional, None, light, max(0, (bounds.as_of - due).days) if running else 0)


def referral_detail(session: Session, referral_id: int, bounds: LightBounds) -> ReferralDetail | None:
    """The whole record of one referral with its deadlines and its history, oldest first."""
    sender, receiver = aliased(Agency), aliased(Agency)
    row = session.execute(
        select(Referral, sender.name, receiver.name, sender.contact, sender.phone, receiver.contact,
               receiver.phone)
        .join(sender, sender.id == Referral.from_agency_id)
        .join(receiver, receiver.id == Referral.to_agency_id)
        .where(Referral.id == referral_id)
    ).first()
    if row is None:
        return None
    r, sender_name, receiver_name, *contacts = row
    events = session.execute(
        select(ReferralEvent.at, ReferralEvent.username, ReferralEvent.from_status,
               ReferralEvent.to_status, ReferralEvent.note)
        .where(ReferralEvent.referral_id == referral_id)
        .order_by(ReferralEvent.at, ReferralEvent.id)
    ).all()
    earlier = session.execute(
        select(ReferralRound, receiver.name)
        .join(receiver, receiver.id == ReferralRound.to_agency_id)
        .where(ReferralRound.referral_id == referral_id)
        .order_by(ReferralRound.round_no)
    ).all()
    rounds = [
        RoundDetail(x.round_no, name, x.sent_on, x.sent_at, x.ack_due_on, bool(x.ack_due_provisional), x.ack_on,
                    x.ack_outcome, x.ack_reason, False)
        for x, name in earlier
    ]
    if r.sent_on is not None or not rounds:
        rounds.append(RoundDetail(r.round_no or 1, receiver_name, r.sent_on, r.sent_at, r.ack_due_on,
                                  bool(r.ack_due_provisional), r.ack_on, r.ack_outcome, r.ack_reason, True))
    # The sending limit is judged on the first sending (kept with round 1 once it ended).
    first = earlier[0][0] if earlier else None
    send_due, first_sent = (first.send_due_on, first.sent_on) if first else (r.send_due_on, r.sent_on)
    deadlines = [
        _deadline("send", send_due, False, first_sent, r.status == "draft" and first is None, bounds),
        _deadline("ack", r.ack_due_on, bool(r.ack_due_provisional), r.ack_on, r.status == "sent", bounds),
    ]
    return ReferralDetail(
        id=r.id,
        number=r.number,
        title=r.title,
        domain=r.domain,
        from_agency=sender_name,
        to_agency=receiver_name,
        discovered_on=r.discovered_on,
        discovered_at=r.discovered_at,
        sent_on=r.sent_on,
        sent_at=r.sent_at,
        urgency=r.urgency,
        extension_notified=bool(r.extension_notified),
        criminal=bool(r.criminal),
        materials=list(r.materials or []),
        approved_by=r.approved_by,
        status=r.status,
        ack_on=r.ack_on,
        ack_outcome=r.ack_outcome,
        ack_reason=r.ack_reason,
        ack_workdays=r.ack_workdays,
        result_on=r.result_on,
        result_summary=r.result_summary,
        closed_on=r.closed_on,
        version=r.version,
        deadlines=deadlines,
        history=[HistoryEvent(*e) for e in events],
        from_contact=" ".join(x for x in contacts[:2] if x) or None,
        to_contact=" ".join(x for x in contacts[2:] if x) or None,
        round_no=r.round_no or 1,
        rounds=rounds,
        send_due_at=first.send_due_at if first else r.send_due_at,
    )


def find_referral_id(session: Session, number: str) -> int | None:
    """The id of the referral with exactly this number (case-insensitive), if any."""
    return session.execute(
        select(Referral.id).where(Referral.number == number.strip().upper())
    ).scalar()
