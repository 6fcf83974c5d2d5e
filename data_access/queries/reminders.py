"""Reads for reminders: the open time-limited items near or past their due date, the
meetings that call for agenda items or have an approved agenda, the channels, and the record
of what was sent. The rules deciding what is due are in :mod:`rules.reminders`.

Only items that can be yellow or red come back: the due-date filters run in SQL on the
stored, indexed due columns, bounded by :data:`HORIZON_DAYS` calendar days ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from data_access.models import (
    AgendaItem,
    Agency,
    AssistanceRequest,
    Decision,
    Meeting,
    Notification,
    NotificationKey,
    NotifyChannel,
    Referral,
    RuleSetting,
)
from rules.reminders import AGENDA_CALL_LEAD_DAYS, DueItem
from rules.reminders import Meeting as MeetingRow

#: Calendar days ahead that can hold the yellow window of any item (5 working days of a
#: decision plus a long holiday).
HORIZON_DAYS = 21
#: The product's address (for links in messages), kept beside the rule settings.
PRODUCT_URL_KEY = "product_url"


@dataclass(frozen=True)
class AgencyContact:
    id: int
    name: str
    kind: str
    contact: str | None
    phone: str | None


@dataclass(frozen=True)
class ChannelRow:
    id: int
    agency_id: int
    url: str


@dataclass(frozen=True)
class SentRow:
    id: int
    agency: str
    channel: str  # masked
    kind: str
    title: str
    body: str
    as_of: date
    status: str
    attempts: int
    error: str | None
    created_at: datetime
    sent_at: datetime | None


def product_url(session: Session) -> str | None:
    return session.execute(select(RuleSetting.value).where(RuleSetting.key == PRODUCT_URL_KEY)).scalar()


def agencies(session: Session) -> dict[int, AgencyContact]:
    """Every active agency with its contact (the parties named in messages)."""
    rows = session.execute(
        select(Agency.id, Agency.name, Agency.kind, Agency.contact, Agency.phone).where(Agency.active.is_(True))
    ).all()
    return {r.id: AgencyContact(*r) for r in rows}


def due_items(session: Session, as_of: date, agency_id: int | None = None) -> list[DueItem]:
    """Open referrals (awaiting acknowledgement), assistance requests (awaiting an answer)
    and decisions (not done) due before ``as_of + HORIZON_DAYS``, as they stood on ``as_of``,
    with the other party's contact. ``agency_id`` keeps the items where it acts or waits."""
    horizon = as_of + timedelta(days=HORIZON_DAYS)
    other = aliased(Agency)
    items: list[DueItem] = []

    def party(model_to, model_from):
        if agency_id is None:
            return True
        return or_(model_to == agency_id, model_from == agency_id)

    ref = session.execute(
        select(Referral.id, Referral.number, Referral.to_agency_id, Referral.ack_due_on,
               other.id, other.name, other.contact, other.phone)
        .join(other, other.id == Referral.from_agency_id)
        .where(Referral.sent_on <= as_of, Referral.ack_due_on <= horizon,
               or_(Referral.ack_on.is_(None), Referral.ack_on > as_of),
               party(Referral.to_agency_id, Referral.from_agency_id))
    ).all()
    items += [DueItem("referral", *r) for r in ref]
    ast = session.execute(
        select(AssistanceRequest.id, AssistanceRequest.number, AssistanceRequest.to_agency_id,
               AssistanceRequest.due_on, other.id, other.name, other.contact, other.phone)
        .join(other, other.id == AssistanceRequest.from_agency_id)
        .where(AssistanceRequest.requested_on <= as_of, AssistanceRequest.due_on <= horizon,
               AssistanceRequest.status != "withdrawn",
               or_(AssistanceRequest.answered_on.is_(None), AssistanceRequest.answered_on > as_of),
               party(AssistanceRequest.to_agency_id, AssistanceRequest.from_agency_id))
    ).all()
    items += [DueItem("assistance", *r) for r in ast]
    office = session.execute(
        select(Agency.id, Agency.name, Agency.contact, Agency.phone)
        .where(Agency.kind == "coordinator", Agency.active.is_(True)).order_by(Agency.id).limit(1)
    ).first()
    dec = session.execute(
        select(Decision.id, Meeting.number, Decision.lead_agency_id, Decision.due_on)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .where(Decision.due_on <= horizon, Decision.status != "cancelled",
               Meeting.held_on <= as_of,
               or_(Decision.done_on.is_(None), Decision.done_on > as_of),
               True if agency_id is None else Decision.lead_agency_id == agency_id)
    ).all()
    items += [
        DueItem("decision", d.id, f"{d.number}-{d.id}", d.lead_agency_id, d.due_on, *(office or (None,) * 4))
        for d in dec
    ]
    return items


def meetings(session: Session, as_of: date, cutoff_days: int) -> list[MeetingRow]:
    """Meetings still to be held whose agenda call or approved agenda may be due."""
    rows = session.execute(
        select(Meeting.id, Meeting.number, Meeting.title, Meeting.held_on, Meeting.status, Meeting.place,
               Meeting.start_time)
        .where(Meeting.held_on >= as_of,
               Meeting.held_on <= as_of + timedelta(days=cutoff_days + AGENDA_CALL_LEAD_DAYS + 60),
               Meeting.status.in_(("planned", "collecting", "approved")))
        .order_by(Meeting.held_on, Meeting.id)
    ).all()
    out = []
    for r in rows:
        titles: tuple[str, ...] = ()
        if r.status == "approved":
            titles = tuple(session.execute(
                select(AgendaItem.title).where(AgendaItem.meeting_id == r.id, AgendaItem.status == "approved")
                .order_by(AgendaItem.position, AgendaItem.id)
            ).scalars())
        out.append(MeetingRow(r.id, r.number, r.title, r.held_on, r.status, r.place, r.start_time, titles))
    return out


def channels(session: Session) -> list[ChannelRow]:
    """The active channels of active agencies."""
    rows = session.execute(
        select(NotifyChannel.id, NotifyChannel.agency_id, NotifyChannel.url)
        .join(Agency, Agency.id == NotifyChannel.agency_id)
        .where(NotifyChannel.active.is_(True), Agency.active.is_(True))
        .order_by(NotifyChannel.agency_id, NotifyChannel.id)
    ).all()
    return [ChannelRow(*r) for r in rows]


def recorded_keys(session: Session) -> set[tuple[str, int]]:
    """(key, channel) pairs already sent or awaiting a retry: never composed again."""
    return set(session.execute(select(NotificationKey.key, NotificationKey.channel_id)).all())


def failed(session: Session) -> list[Notification]:
    return list(session.execute(
        select(Notification).where(Notification.status == "failed").order_by(Notification.id)
    ).scalars())


def sent_log(session: Session, *, status: str | None = None, limit: int = 500) -> list[SentRow]:
    """The newest notifications first (the office's page), optionally only one status; the
    channel shown masked."""
    from data_access.notify import mask_url

    q = (select(Notification.id, Agency.name, NotifyChannel.url, Notification.kind, Notification.title,
                Notification.body, Notification.as_of, Notification.status, Notification.attempts,
                Notification.error, Notification.created_at, Notification.sent_at)
         .join(Agency, Agency.id == Notification.agency_id)
         .join(NotifyChannel, NotifyChannel.id == Notification.channel_id)
         .order_by(Notification.id.desc()).limit(limit))
    if status:
        q = q.where(Notification.status == status)
    masks: dict[str, str] = {}
    out = []
    for r in session.execute(q).all():
        if r.url not in masks:
            masks[r.url] = mask_url(r.url)
        out.append(SentRow(r[0], r[1], masks[r.url], *r[3:]))
    return out


@dataclass(frozen=True)
class ChannelShown:
    id: int
    masked: str
    service: str
    version: int


def masked_channels(session: Session, agency_id: int) -> list[ChannelShown]:
    """An agency's channels for the admin page: masked, never the URL itself."""
    from data_access.notify import mask_url, service_name

    rows = session.execute(
        select(NotifyChannel.id, NotifyChannel.url, NotifyChannel.version)
        .where(NotifyChannel.agency_id == agency_id, NotifyChannel.active.is_(True))
        .order_by(NotifyChannel.id)
    ).all()
    return [ChannelShown(r.id, mask_url(r.url), service_name(r.url), r.version) for r in rows]


@dataclass(frozen=True)
class OpenDecision:
    id: int
    meeting: str
    held_on: date
    text: str
    due_on: date
    lead: bool  # the agency leads it (else it is a co-agency)


def open_decisions(session: Session, agency_id: int, as_of: date) -> list[OpenDecision]:
    """Decisions assigned to the agency (lead or co-agency) and not done on ``as_of``."""
    from data_access.models import DecisionAgency

    co = select(DecisionAgency.decision_id).where(DecisionAgency.agency_id == agency_id)
    rows = session.execute(
        select(Decision.id, Meeting.number, Meeting.held_on, Decision.text, Decision.due_on,
               Decision.lead_agency_id == agency_id)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .where(or_(Decision.lead_agency_id == agency_id, Decision.id.in_(co)),
               Decision.status != "cancelled", Meeting.held_on <= as_of,
               or_(Decision.done_on.is_(None), Decision.done_on > as_of))
        .order_by(Decision.due_on, Decision.id)
    ).all()
    return [OpenDecision(*r) for r in rows]


def seen_on(session: Session, user_id: int | None) -> date | None:
    """The day the user last marked their notices read (None: never)."""
    from data_access.models import NoticeRead

    if user_id is None:
        return None
    return session.execute(select(NoticeRead.seen_on).where(NoticeRead.user_id == user_id)).scalar()


def notices(session: Session, agency_id: int, user_id: int | None, as_of: date):
    """(the agency's notices, the user's last look, the decisions assigned to the agency)."""
    from data_access.rulebook import load_rules
    from rules.reminders import notices as notice_rule

    s, cal = load_rules(session)
    last = seen_on(session, user_id)
    items = due_items(session, as_of, agency_id)
    return notice_rule(items, agency_id, as_of, cal, s, last), last, open_decisions(session, agency_id, as_of)


def count_by_status(session: Session) -> dict[str, int]:
    return dict(session.execute(
        select(Notification.status, func.count()).group_by(Notification.status)
    ).all())


__all__ = [
    "AgencyContact", "ChannelRow", "SentRow", "product_url", "agencies", "due_items", "meetings",
    "channels", "recorded_keys", "failed", "sent_log", "masked_channels", "count_by_status",
    "open_decisions", "seen_on", "notices",
]
