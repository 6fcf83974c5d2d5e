"""Reads for the joint meeting: meetings, agendas, suggested items, the projector, follow-up.

Everything here takes an open SQLAlchemy session and returns small frozen dataclasses with
only what a page shows. Counts and "what is overdue" are computed in SQL on indexed columns
(``referrals(to_agency_id, status, ack_due_on)``, ``referrals(status, ack_due_on)``,
``disputes(stage, stage_since)``, ``decisions(status, due_on)``), never by loading a table.

Suggested items (:func:`suggested_items`) are proposals computed from the data each time:
- referrals whose acknowledgement is long overdue (:func:`rules.ageing.is_long_overdue`:
  ``suggest_overdue_referral_days`` (10) or more calendar days late), grouped by the receiving agency (the meeting calls the agency to account, not
  each case);
- open disputes that are stalled (:func:`rules.ageing.is_stalled`: more than
  ``dispute_stall_days`` (30) days in the stage they hold today), are flagged
  ``needs_meeting`` or wait at the coordination stage;
- open decisions of earlier meetings past their due date (so follow-up carries itself over).
A suggestion already on this meeting's agenda (by its key, or by a link a member's item
already makes) is not proposed again; referrals another item already links are not counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from data_access.models import (
    Agency,
    AgendaItem,
    AgendaItemLink,
    Attendance,
    Decision,
    DecisionAgency,
    Dispute,
    DisputeParty,
    DisputeStage,
    Meeting,
    MeetingInvitee,
    MeetingObserver,
    ProgressNote,
    Referral,
)
from data_access.queries import conditions
from data_access.queries.dashboard import dispute_stage_as_of
from data_access.rulebook import load_rules
from rules import ageing, deadlines, lifecycle
from rules.lights import Light, light_for
from rules.meetings import Countdown, countdown

__all__ = [
    "MeetingRow",
    "AttendanceRow",
    "ObserverRow",
    "LinkRef",
    "AgendaRow",
    "Suggestion",
    "OverdueReferral",
    "AgencyOverdue",
    "StageRow",
    "DisputePanel",
    "NoteRow",
    "DecisionRow",
    "ProjectorState",
    "ReportFigures",
    "report_figures",
    "projector_version",
    "list_meetings",
    "get_meeting",
    "meetings_open_for_items",
    "current_meeting_id",
    "meeting_people",
    "agenda",
    "suggested_items",
    "agency_overdue",
    "dispute_panel",
    "decision_rows",
    "meeting_decisions",
    "open_decisions",
    "decision_notes",
    "projector_state",
    "REFERRALS_LISTED",
    "REFERRALS_LINKED",
]

#: How many overdue referrals a suggestion's evidence lists, and how many it links.
REFERRALS_LISTED = 20
REFERRALS_LINKED = 50


# --------------------------------------------------------------------------- meetings


@dataclass(frozen=True)
class MeetingRow:
    id: int
    number: str
    title: str
    kind: str
    held_on: date
    start_time: str | None
    place: str | None
    chair_name: str | None
    status: str
    version: int
    current_item_id: int | None
    item_started_at: datetime | None
    agenda_cutoff: date
    items_total: int = 0
    items_approved: int = 0
    items_waiting: int = 0
    items_late: int = 0
    decisions: int = 0
    scheduled_on: date | None = None  # ``held_on`` is the day it was held once started

    @property
    def held_off_schedule(self) -> bool:
        """Held on another day than the one it was scheduled for."""
        return self.scheduled_on is not None and self.scheduled_on != self.held_on

    @property
    def agenda_editable(self) -> bool:
        return self.status in ("planned", "collecting")


def _meeting_rows(session: Session, where) -> list[MeetingRow]:
    s, _ = load_rules(session)
    items = (
        select(
            AgendaItem.meeting_id.label("mid"),
            func.count().label("total"),
            func.sum(case((AgendaItem.status == "approved", 1), else_=0)).label("approved"),
            func.sum(case((AgendaItem.status == "submitted", 1), else_=0)).label("waiting"),
            func.sum(case((and_(AgendaItem.late.is_(True), AgendaItem.status == "submitted"), 1),
                          else_=0)).label("late"),
        )
        .group_by(AgendaItem.meeting_id)
        .subquery()
    )
    decs = (
        select(Decision.meeting_id.label("mid"), func.count().label("n"))
        .group_by(Decision.meeting_id)
        .subquery()
    )
    stmt = (
        select(Meeting, items.c.total, items.c.approved, items.c.waiting, items.c.late, decs.c.n)
        .outerjoin(items, items.c.mid == Meeting.id)
        .outerjoin(decs, decs.c.mid == Meeting.id)
        .where(*where)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
    )
    out = []
    for m, total, approved, waiting, late, n in session.execute(stmt).all():
        out.append(MeetingRow(
            m.id, m.number, m.title, m.kind, m.date_held, m.start_time, m.place, m.chair_name, m.status,
            m.version, m.current_item_id, m.item_started_at, deadlines.agenda_cutoff(m.held_on, s),
            int(total or 0), int(approved or 0), int(waiting or 0), int(late or 0), int(n or 0), m.held_on,
        ))
    return out


def list_meetings(session: Session, *, statuses: tuple[str, ...] | None = None,
                  year: int | None = None) -> list[MeetingRow]:
    """Meetings, newest first, with their agenda and decision counts."""
    where = []
    if statuses:
        where.append(Meeting.status.in_(statuses))
    if year:
        where.append(Meeting.held_on.between(date(year, 1, 1), date(year, 12, 31)))
    return _meeting_rows(session, where)


def get_meeting(session: Session, meeting_id: int) -> MeetingRow | None:
    rows = _meeting_rows(session, [Meeting.id == meeting_id])
    return rows[0] if rows else None


def meetings_open_for_items(session: Session, *, today: date) -> list[MeetingRow]:
    """Meetings still taking agenda items (planned or collecting, not yet held), soonest first."""
    rows = _meeting_rows(session, [Meeting.status.in_(("planned", "collecting")), Meeting.held_on >= today])
    return sorted(rows, key=lambda r: r.held_on)


def current_meeting_id(session: Session, *, today: date) -> int | None:
    """The meeting the projector shows when none is named: the one in session, else the next
    approved one, else the latest closed one held today."""
    in_session = session.scalar(
        select(Meeting.id).where(Meeting.status == "in_session").order_by(Meeting.held_on.desc()).limit(1))
    if in_session is not None:
        return in_session
    upcoming = session.scalar(
        select(Meeting.id).where(Meeting.status == "approved", Meeting.held_on >= today)
        .order_by(Meeting.held_on).limit(1))
    if upcoming is not None:
        return upcoming
    return session.scalar(
        select(Meeting.id).where(Meeting.status == "closed", Meeting.date_held == today)
        .order_by(Meeting.id.desc()).limit(1))


@dataclass(frozen=True)
class AttendanceRow:
    agency_id: int
    name: str
    kind: str
    invited: bool
    status: str | None  # present / absent / deputised, None while not recorded
    delegate: str | None


@dataclass(frozen=True)
class ObserverRow:
    id: int
    name: str
    capacity: str | None
    attended: bool | None


def meeting_people(session: Session, meeting_id: int) -> tuple[list[AttendanceRow], list[ObserverRow]]:
    """The invited agencies (and any others recorded as attending) with their attendance,
    departments first, then towns, judicial bodies and the coordinator; and the observers."""
    invited = select(MeetingInvitee.agency_id).where(MeetingInvitee.meeting_id == meeting_id)
    attended = select(Attendance.agency_id).where(Attendance.meeting_id == meeting_id)
    kind_order = case({"coordinator": 0, "department": 1, "town": 2, "judicial": 3}, value=Agency.kind, else_=4)
    stmt = (
        select(Agency.id, Agency.name, Agency.kind, Agency.id.in_(invited), Attendance.status, Attendance.delegate)
        .outerjoin(Attendance, and_(Attendance.agency_id == Agency.id, Attendance.meeting_id == meeting_id))
        .where(or_(Agency.id.in_(invited), Agency.id.in_(attended)))
        .order_by(kind_order, Agency.id)
    )
    agencies = [AttendanceRow(i, n, k, bool(inv), st, d) for i, n, k, inv, st, d in session.execute(stmt).all()]
    observers = [
        ObserverRow(o.id, o.name, o.capacity, o.attended)
        for o in session.scalars(
            select(MeetingObserver).where(MeetingObserver.meeting_id == meeting_id).order_by(MeetingObserver.id))
    ]
    return agencies, observers


# --------------------------------------------------------------------------- agenda


@dataclass(frozen=True)
class LinkRef:
    kind: str  # referral / dispute / decision
    id: int
    label: str


@dataclass(frozen=True)
class AgendaRow:
    id: int
    meeting_id: int
    position: int
    title: str
    kind: str
    status: str
    late: bool
    suggested: bool
    submitting_agency_id: int | None
    submitting_agency: str | None
    submitted_on: date
    presenter: str | None
    minutes: int
    version: int
    evidence: dict | None
    links: tuple[LinkRef, ...] = ()
    decisions: int = 0


_STATUS_ORDER = {"approved": 0, "submitted": 1, "deferred": 2, "declined": 3}


def agenda(session: Session, meeting_id: int, *, statuses: tuple[str, ...] | None = None) -> list[AgendaRow]:
    """A meeting's agenda items: approved ones in running order, then those waiting, deferred
    and declined, each with what it links to and how many decisions it produced."""
    stmt = (
        select(AgendaItem, Agency.name)
        .outerjoin(Agency, Agency.id == AgendaItem.submitting_agency_id)
        .where(AgendaItem.meeting_id == meeting_id)
    )
    if statuses:
        stmt = stmt.where(AgendaItem.status.in_(statuses))
    items = session.execute(stmt).all()
    if not items:
        return []
    ids = [i.id for i, _ in items]
    links: dict[int, list[LinkRef]] = defaultdict(list)
    link_rows = session.execute(
        select(AgendaItemLink.item_id, AgendaItemLink.referral_id, Referral.number,
               AgendaItemLink.dispute_id, Dispute.number, AgendaItemLink.decision_id, Decision.text)
        .outerjoin(Referral, Referral.id == AgendaItemLink.referral_id)
        .outerjoin(Dispute, Dispute.id == AgendaItemLink.dispute_id)
        .outerjoin(Decision, Decision.id == AgendaItemLink.decision_id)
        .where(AgendaItemLink.item_id.in_(ids))
        .order_by(AgendaItemLink.id)
    ).all()
    for item_id, rid, rnum, did, dnum, cid, ctext in link_rows:
        if rid is not None:
            links[item_id].append(LinkRef("referral", rid, rnum))
        if did is not None:
            links[item_id].append(LinkRef("dispute", did, dnum))
        if cid is not None:
            links[item_id].append(LinkRef("decision", cid, _short(ctext, 24)))
    decided = dict(session.execute(
        select(Decision.item_id, func.count()).where(Decision.item_id.in_(ids)).group_by(Decision.item_id)
    ).all())
    rows = [
        AgendaRow(
            i.id, i.meeting_id, i.position, i.title, i.kind, i.status, i.late, i.suggested,
            i.submitting_agency_id, agency_name, i.submitted_on, i.presenter, i.minutes, i.version,
            i.evidence, tuple(links.get(i.id, ())), int(decided.get(i.id, 0)),
        )
        for i, agency_name in items
    ]
    rows.sort(key=lambda r: (_STATUS_ORDER.get(r.status, 9), r.position if r.status == "approved" else 0,
                             r.submitted_on, r.id))
    return rows


def _short(text: str | None, n: int) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------- suggestions


@dataclass(frozen=True)
class Suggestion:
    key: str
    kind: str  # an agenda item kind (rules.lifecycle.AGENDA_KINDS)
    title: str  # Chinese, stored as the item's title when added
    reason: tuple[str, str]  # why it is proposed (Chinese, English)
    evidence: dict  # JSON-safe figures stored with the item
    referral_ids: tuple[int, ...] = ()
    dispute_ids: tuple[int, ...] = ()
    decision_ids: tuple[int, ...] = ()
    minutes: int = 10


def _taken(session: Session, meeting_id: int) -> tuple[set[str], set[int], set[int]]:
    """Keys of suggestions already on the agenda, and the disputes / decisions it links."""
    keys = set()
    for evidence in session.scalars(select(AgendaItem.evidence).where(AgendaItem.meeting_id == meeting_id)):
        if isinstance(evidence, dict) and evidence.get("key"):
            keys.add(evidence["key"])
    linked = session.execute(
        select(AgendaItemLink.dispute_id, AgendaItemLink.decision_id)
        .join(AgendaItem, AgendaItem.id == AgendaItemLink.item_id)
        .where(AgendaItem.meeting_id == meeting_id, AgendaItem.status != "declined")
    ).all()
    return keys, {d for d, _ in linked if d}, {c for _, c in linked if c}


def suggested_items(session: Session, meeting_id: int, *, today: date) -> list[Suggestion]:
    """The items the data call for at this meeting, as of ``today`` (see the module docs):
    overdue decisions of earlier meetings first, then disputes, then agencies with long
    overdue acknowledgements (most cases first)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return []
    s, _cal = load_rules(session)
    keys, linked_disputes, linked_decisions = _taken(session, meeting_id)
    out: list[Suggestion] = []

    # 1. Decisions of earlier meetings still open past their due date.
    for row in decision_rows(session, [
        Decision.status == "open", Decision.due_on < today, Decision.meeting_id != meeting.id,
        Meeting.held_on <= meeting.held_on,
    ], today=today):
        key = f"decision:{row.id}"
        if key in keys or row.id in linked_decisions:
            continue
        out.append(Suggestion(
            key=key,
            kind="decision_followup",
            title=f"督办：{row.meeting_number}议定事项“{_short(row.text, 30)}”逾期{row.days_late}天",
            reason=(f"议定事项逾期 {row.days_late} 天未办结", f"decision {row.days_late} days overdue"),
            evidence={
                "key": key, "source": "decision", "decision_id": row.id, "meeting": row.meeting_number,
                "text": row.text, "lead_agency": row.lead_agency, "co_agencies": list(row.co_agencies),
                "due_on": row.due_on.isoformat(), "days_late": row.days_late, "as_of": today.isoformat(),
                "last_note": row.last_note,
            },
            decision_ids=(row.id,),
            minutes=5,
        ))

    # 2. Disputes stalled, flagged for the meeting or waiting for coordination, judged on the
    # stage each held today (its stage history), as on the disputes page.
    cur = dispute_stage_as_of(today)
    stalled = conditions.stalled(cur.c.stage_since, today, s.dispute_stall_days)
    disputes = session.execute(
        select(Dispute.id, Dispute.number, Dispute.subject, cur.c.stage, cur.c.stage_since,
               Dispute.needs_meeting, Dispute.opened_on)
        .join(cur, cur.c.dispute_id == Dispute.id)
        .where(or_(stalled, Dispute.needs_meeting.is_(True), cur.c.stage == "coordination"))
        .order_by(cur.c.stage_since, Dispute.id)
    ).all()
    parties = _dispute_parties(session, [d.id for d in disputes])
    for d in disputes:
        key = f"dispute:{d.id}"
        if key in keys or d.id in linked_disputes:
            continue
        days = ageing.days_in_stage(d.stage_since, today)
        reasons = []
        if ageing.is_stalled(d.stage_since, today, s.dispute_stall_days):
            reasons.append(("stalled", f"在“{lifecycle.status_label('dispute', d.stage)}”阶段停留 {days} 天",
                            f"{days} days at the {lifecycle.status_label('dispute', d.stage, 'en').lower()} stage"))
        if d.needs_meeting:
            reasons.append(("needs_meeting", "已提请联席会议研究", "referred to the meeting"))
        if d.stage == "coordination":
            reasons.append(("coordination", "待联席会议协调", "awaits coordination"))
        out.append(Suggestion(
            key=key,
            kind="dispute",
            title=f"职责争议{d.number}：{_short(d.subject, 40)}",
            reason=("；".join(r[1] for r in reasons), "; ".join(r[2] for r in reasons)),
            evidence={
                "key": key, "source": "dispute", "dispute_id": d.id, "number": d.number,
                "stage": d.stage, "stage_label": lifecycle.status_label("dispute", d.stage),
                "stage_since": d.stage_since.isoformat(), "days_in_stage": days,
                "opened_on": d.opened_on.isoformat(), "threshold_days": s.dispute_stall_days,
                "needs_meeting": bool(d.needs_meeting), "reasons": [r[0] for r in reasons],
                "parties": parties.get(d.id, []), "as_of": today.isoformat(),
            },
            dispute_ids=(d.id,),
            minutes=15,
        ))

    # 3. Agencies with acknowledgements long overdue.
    # Referrals an item of this meeting already discusses are left out of the counts.
    on_agenda = (
        select(AgendaItemLink.referral_id)
        .join(AgendaItem, AgendaItem.id == AgendaItemLink.item_id)
        .where(AgendaItem.meeting_id == meeting_id, AgendaItem.status != "declined",
               AgendaItemLink.referral_id.is_not(None))
    )
    overdue_filter = (Referral.status == "sent",
                      conditions.long_overdue(Referral.ack_due_on, today, s.suggest_overdue_referral_days),
                      Referral.id.not_in(on_agenda))
    groups = session.execute(
        select(Referral.to_agency_id, Agency.name, func.count(), func.min(Referral.ack_due_on))
        .join(Agency, Agency.id == Referral.to_agency_id)
        .where(*overdue_filter)
        .group_by(Referral.to_agency_id, Agency.name)
        .order_by(func.count().desc(), Referral.to_agency_id)
    ).all()
    wanted = {agency_id for agency_id, *_ in groups if f"referrals:{agency_id}" not in keys}
    listed = _oldest_overdue(session, wanted, overdue_filter, REFERRALS_LINKED, today) if wanted else {}
    for agency_id, name, n, oldest_due in groups:
        if agency_id not in wanted:
            continue
        key = f"referrals:{agency_id}"
        worst = (today - oldest_due).days
        cases = listed.get(agency_id, [])
        out.append(Suggestion(
            key=key,
            kind="overdue_referral",
            title=f"{name}移送案件受理告知超期（{n}件，最长超期{worst}天）",
            reason=(f"{n} 件移送超期 {s.suggest_overdue_referral_days} 天以上未书面告知受理情况",
                    f"{n} referrals unacknowledged {s.suggest_overdue_referral_days}+ days past due"),
            evidence={
                "key": key, "source": "referrals", "agency_id": agency_id, "agency": name, "count": n,
                "max_days_late": worst, "threshold_days": s.suggest_overdue_referral_days,
                "as_of": today.isoformat(),
                "referrals": [
                    {"number": c.number, "from": c.from_agency, "sent_on": c.sent_on.isoformat(),
                     "due_on": c.due_on.isoformat(), "days_late": c.days_late}
                    for c in cases[:REFERRALS_LISTED]
                ],
            },
            referral_ids=tuple(c.id for c in cases),
            minutes=10,
        ))
    return out


def _dispute_parties(session: Session, dispute_ids: list[int]) -> dict[int, list[str]]:
    if not dispute_ids:
        return {}
    out: dict[int, list[str]] = defaultdict(list)
    for did, name in session.execute(
        select(DisputeParty.dispute_id, Agency.name).join(Agency, Agency.id == DisputeParty.agency_id)
        .where(DisputeParty.dispute_id.in_(dispute_ids)).order_by(DisputeParty.dispute_id, Agency.id)
    ).all():
        out[did].append(name)
    return out


# --------------------------------------------------------------------------- live figures


@dataclass(frozen=True)
class OverdueReferral:
    id: int
    number: str
    title: str
    from_agency: str
    sent_on: date
    due_on: date
    days_late: int


@dataclass(frozen=True)
class AgencyOverdue:
    agency_id: int
    name: str
    count: int  # overdue acknowledgements today
    oldest_days_late: int
    rows: tuple[OverdueReferral, ...]


def _oldest_overdue(session: Session, agency_ids, where, limit: int, today: date) -> dict[int, list[OverdueReferral]]:
    """Per receiving agency, its ``limit`` longest-overdue referrals (one windowed query)."""
    sender = aliased(Agency)
    rank = func.row_number().over(
        partition_by=Referral.to_agency_id, order_by=(Referral.ack_due_on, Referral.id)).label("rk")
    inner = (
        select(Referral.id, Referral.number, Referral.title, Referral.to_agency_id, sender.name.label("sender"),
               Referral.sent_on, Referral.ack_due_on, rank)
        .join(sender, sender.id == Referral.from_agency_id)
        .where(Referral.to_agency_id.in_(list(agency_ids)), *where)
        .subquery()
    )
    out: dict[int, list[OverdueReferral]] = defaultdict(list)
    for r in session.execute(select(inner).where(inner.c.rk <= limit).order_by(inner.c.to_agency_id, inner.c.rk)):
        out[r.to_agency_id].append(OverdueReferral(
            r.id, r.number, r.title, r.sender, r.sent_on, r.ack_due_on, deadlines.days_late(r.ack_due_on, today)))
    return out


def agency_overdue(session: Session, agency_ids, *, today: date, limit: int = 8) -> list[AgencyOverdue]:
    """For each agency, its acknowledgements overdue today: the count and the oldest ones."""
    agency_ids = [int(a) for a in dict.fromkeys(agency_ids)]
    if not agency_ids:
        return []
    where = (Referral.status == "sent", Referral.ack_due_on < today)
    counts = {
        a: (n, oldest) for a, n, oldest in session.execute(
            select(Referral.to_agency_id, func.count(), func.min(Referral.ack_due_on))
            .where(Referral.to_agency_id.in_(agency_ids), *where).group_by(Referral.to_agency_id))
    }
    names = dict(session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(agency_ids))).all())
    rows = _oldest_overdue(session, agency_ids, where, limit, today)
    return [
        AgencyOverdue(
            a, names.get(a, str(a)), int(counts.get(a, (0, None))[0]),
            deadlines.days_late(counts[a][1], today) if a in counts else 0, tuple(rows.get(a, ())),
        )
        for a in agency_ids
    ]


@dataclass(frozen=True)
class StageRow:
    stage: str
    entered_on: date
    note: str | None


@dataclass(frozen=True)
class DisputePanel:
    id: int
    number: str
    subject: str
    stage: str
    stage_since: date
    days_in_stage: int
    opened_on: date
    parties: tuple[str, ...]
    interim_handler: str | None
    history: tuple[StageRow, ...]
    contacts: tuple[tuple[str, str | None, str | None], ...] = ()  # (agency, contact, phone) per party


def dispute_panel(session: Session, dispute_id: int, *, today: date) -> DisputePanel | None:
    """A dispute with its parties and its path through the stages so far."""
    d = session.get(Dispute, dispute_id)
    if d is None:
        return None
    handler = session.scalar(select(Agency.name).where(Agency.id == d.interim_handler_id)) if d.interim_handler_id else None
    history = tuple(
        StageRow(st.stage, st.entered_on, st.note)
        for st in session.scalars(select(DisputeStage).where(DisputeStage.dispute_id == d.id).order_by(DisputeStage.id))
    )
    contacts = tuple(
        (name, contact, phone) for name, contact, phone in session.execute(
            select(Agency.name, Agency.contact, Agency.phone).join(DisputeParty, DisputeParty.agency_id == Agency.id)
            .where(DisputeParty.dispute_id == d.id).order_by(Agency.id)
        ).all()
    )
    return DisputePanel(
        d.id, d.number, d.subject, d.stage, d.stage_since, (today - d.stage_since).days, d.opened_on,
        tuple(name for name, _, _ in contacts), handler, history, contacts,
    )


# --------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class NoteRow:
    id: int
    on: date
    agency: str | None
    username: str | None
    note: str


@dataclass(frozen=True)
class DecisionRow:
    id: int
    meeting_id: int
    meeting_number: str
    meeting_held_on: date
    item_id: int | None
    item_title: str | None
    text: str
    lead_agency_id: int
    lead_agency: str
    co_agency_ids: tuple[int, ...]
    co_agencies: tuple[str, ...]
    due_on: date
    status: str
    done_on: date | None
    evidence: str | None
    version: int
    light: Light | None  # open decisions only
    days_late: int
    notes: int
    last_note: str | None
    last_note_on: date | None

    @property
    def agency_ids(self) -> tuple[int, ...]:
        return (self.lead_agency_id, *self.co_agency_ids)


def decision_rows(session: Session, where, *, today: date, limit: int | None = None) -> list[DecisionRow]:
    """Decisions matching ``where`` (SQL conditions on Decision / Meeting), soonest due first,
    with their lead and co-agencies, progress notes and light as of ``today``."""
    s, cal = load_rules(session)
    last_note = (
        select(ProgressNote.decision_id.label("did"), func.count().label("n"), func.max(ProgressNote.id).label("last"))
        .group_by(ProgressNote.decision_id).subquery()
    )
    stmt = (
        select(Decision, Meeting.number, Meeting.date_held, AgendaItem.title, Agency.name,
               last_note.c.n, ProgressNote.note, ProgressNote.on)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .join(Agency, Agency.id == Decision.lead_agency_id)
        .outerjoin(AgendaItem, AgendaItem.id == Decision.item_id)
        .outerjoin(last_note, last_note.c.did == Decision.id)
        .outerjoin(ProgressNote, ProgressNote.id == last_note.c.last)
        .where(*where)
        .order_by(Decision.due_on, Decision.id)
    )
    if limit:
        stmt = stmt.limit(limit)
    rows = session.execute(stmt).all()
    co: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if rows:
        for did, aid, name in session.execute(
            select(DecisionAgency.decision_id, Agency.id, Agency.name)
            .join(Agency, Agency.id == DecisionAgency.agency_id)
            .where(DecisionAgency.decision_id.in_([r[0].id for r in rows]))
            .order_by(DecisionAgency.decision_id, Agency.id)
        ).all():
            co[did].append((aid, name))
    out = []
    for d, mnum, mheld, ititle, lead, n, note, note_on in rows:
        is_open = d.status == "open"
        out.append(DecisionRow(
            d.id, d.meeting_id, mnum, mheld, d.item_id, ititle, d.text, d.lead_agency_id, lead,
            tuple(a for a, _ in co[d.id]), tuple(nm for _, nm in co[d.id]), d.due_on, d.status, d.done_on,
            d.evidence, d.version, light_for(d.due_on, today, cal, s) if is_open else None,
            deadlines.days_late(d.due_on, today if is_open else (d.done_on or today)),
            int(n or 0), note, note_on,
        ))
    return out


def meeting_decisions(session: Session, meeting_id: int, *, today: date) -> list[DecisionRow]:
    """The decisions a meeting took, in the order of its agenda, then as recorded."""
    rows = decision_rows(session, [Decision.meeting_id == meeting_id], today=today)
    order = {i.id: i.position for i in agenda(session, meeting_id, statuses=("approved",))}
    return sorted(rows, key=lambda d: (order.get(d.item_id, 10**6), d.id))


def open_decisions(session: Session, *, today: date, agency_id: int | None = None,
                   meeting_id: int | None = None, include_done: bool = False,
                   due_to: date | None = None) -> list[DecisionRow]:
    """Decisions under follow-up (督办) across meetings, soonest due first, with lights.
    ``agency_id`` keeps those the agency leads or helps with; ``due_to`` those due on or
    before that day (the overdue ones included)."""
    where = [Decision.status.in_(("open", "done") if include_done else ("open",))]
    if due_to is not None:
        where.append(Decision.due_on <= due_to)
    if meeting_id is not None:
        where.append(Decision.meeting_id == meeting_id)
    if agency_id is not None:
        helped = select(DecisionAgency.decision_id).where(DecisionAgency.agency_id == agency_id)
        where.append(or_(Decision.lead_agency_id == agency_id, Decision.id.in_(helped)))
    return decision_rows(session, where, today=today)


def decision_notes(session: Session, decision_id: int) -> list[NoteRow]:
    """A decision's progress notes, oldest first."""
    return [
        NoteRow(i, on, agency, user, note)
        for i, on, agency, user, note in session.execute(
            select(ProgressNote.id, ProgressNote.on, Agency.name, ProgressNote.username, ProgressNote.note)
            .outerjoin(Agency, Agency.id == ProgressNote.agency_id)
            .where(ProgressNote.decision_id == decision_id).order_by(ProgressNote.id)
        ).all()
    ]


# --------------------------------------------------------------------------- projector


@dataclass(frozen=True)
class ReportFigures:
    """A report item's slide (通报): the period's headline figures, both rankings' ends and
    the red list, from the same queries as the metrics page and the meeting pack."""

    period_label: str
    as_of: date
    referrals_sent: int
    results_reported: int
    overdue_now: int
    long_overdue: int  # of which at least ``red_days`` days late
    red_days: int
    towns: tuple[tuple[int | None, str, float | None], ...]  # (rank, name, score), best first
    towns_ranked: int
    departments: tuple[tuple[int | None, str, float | None], ...]
    departments_ranked: int
    red_list: tuple[tuple[str, str, int], ...]  # (number, receiving agency, days late), longest first


def report_figures(session: Session, period_key: str | None, *, meeting_on: date, today: date,
                   ends: int = 3, red_rows: int = 6) -> ReportFigures:
    """The figures a report item projects: the period named in the item (``2026-10``), else
    the month before the meeting, as of the meeting day (or today, if earlier)."""
    from data_access.queries.metrics import period_metrics
    from data_access.queries.overdue import overdue_acknowledgements
    from rules.metrics import Period

    as_of = min(today, meeting_on)
    try:  # the month the item reports on ("2026-10"), else the month before the meeting
        first = date.fromisoformat(f"{period_key}-01")
    except (TypeError, ValueError):
        first = (meeting_on.replace(day=1) - timedelta(days=1)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    period = Period(first, min(last, as_of))
    metrics = period_metrics(session, period, as_of)
    totals = metrics.totals()
    ranking = [r for r in metrics.ranking() if r.rank is not None]

    def ends_of(kind: str):
        ranked = [r for r in ranking if r.kind == kind]
        shown = ranked if len(ranked) <= 2 * ends else ranked[:ends] + ranked[-ends:]
        return tuple((r.rank, r.short_name or r.name, r.score) for r in shown), len(ranked)

    towns, n_towns = ends_of("town")
    depts, n_depts = ends_of("department")
    s, _ = load_rules(session)
    red_days = s.suggest_overdue_referral_days
    overdue = overdue_acknowledgements(session, as_of)
    long = [r for r in overdue if r.days_late >= red_days]
    label = f"{period.start.year}-{period.start.month:02d}"
    return ReportFigures(
        label, as_of, totals["referrals_sent"], totals["results_reported"], len(overdue), len(long), red_days,
        towns, n_towns, depts, n_depts,
        tuple((r.number, r.to_agency, r.days_late) for r in long[:red_rows]),
    )


def projector_version(session: Session, meeting_id: int) -> tuple:
    """A small fingerprint of what the projector shows, read twice a second by every open
    projector: the meeting's row (status, item, its start) and the decisions and progress
    notes (count and versions). The slide is redrawn only when it changes."""
    m = session.execute(
        select(Meeting.status, Meeting.version, Meeting.current_item_id, Meeting.item_started_at)
        .where(Meeting.id == meeting_id)
    ).one_or_none()
    decisions = session.execute(select(func.count(), func.sum(Decision.version))).one()
    notes = session.scalar(select(func.count()).select_from(ProgressNote))
    return (tuple(m) if m else None, tuple(decisions), notes)


@dataclass(frozen=True)
class ProjectorState:
    meeting: MeetingRow
    phase: str  # "waiting" (not started), "item" (an item on screen), "closing" (decisions slide)
    agenda: tuple[AgendaRow, ...]  # the approved items in order
    item: AgendaRow | None = None
    position: int | None = None
    clock: Countdown | None = None
    agencies: tuple[AgencyOverdue, ...] = ()
    disputes: tuple[DisputePanel, ...] = ()
    followed: tuple[DecisionRow, ...] = ()  # earlier decisions this item follows up
    followed_notes: dict = field(default_factory=dict)  # decision id -> tuple[NoteRow]
    decisions: tuple[DecisionRow, ...] = ()  # taken on this item (as recorded), or the whole meeting
    report: ReportFigures | None = None  # a report item's figures


def projector_state(session: Session, meeting_id: int, *, today: date, now: datetime,
                    report=None) -> ProjectorState | None:
    """Everything the projector shows right now, read fresh (the projector polls it).
    ``report(period_key, meeting_on, today)`` may supply a report item's figures (a cached
    :func:`report_figures`); by default they are computed here."""
    meeting = get_meeting(session, meeting_id)
    if meeting is None:
        return None
    items = tuple(agenda(session, meeting_id, statuses=("approved",)))
    if meeting.status in ("planned", "collecting", "approved", "cancelled"):
        return ProjectorState(meeting, "waiting", items)
    current = next((i for i in items if i.id == meeting.current_item_id), None)
    if meeting.status == "closed" or current is None:
        decisions = tuple(meeting_decisions(session, meeting_id, today=today))
        return ProjectorState(meeting, "closing", items, decisions=decisions)
    referral_ids = [ln.id for ln in current.links if ln.kind == "referral"]
    concerned: list[int] = []
    if current.evidence and current.evidence.get("agency_id"):
        concerned.append(int(current.evidence["agency_id"]))
    if referral_ids:
        concerned += list(session.scalars(
            select(Referral.to_agency_id).where(Referral.id.in_(referral_ids)).distinct()))
    disputes = tuple(
        p for p in (dispute_panel(session, ln.id, today=today) for ln in current.links if ln.kind == "dispute") if p)
    followed_ids = [ln.id for ln in current.links if ln.kind == "decision"]
    followed = tuple(decision_rows(session, [Decision.id.in_(followed_ids)], today=today)) if followed_ids else ()
    return ProjectorState(
        meeting,
        "item",
        items,
        item=current,
        position=items.index(current) + 1,
        clock=countdown(meeting.item_started_at, current.minutes, now),
        agencies=tuple(agency_overdue(session, list(dict.fromkeys(concerned))[:12], today=today)),
        disputes=disputes,
        followed=followed,
        followed_notes={d.id: tuple(decision_notes(session, d.id)[-3:]) for d in followed},
        decisions=tuple(sorted(decision_rows(session, [Decision.item_id == current.id], today=today),
                               key=lambda d: d.id)),
        report=((report or (lambda key, on, day: report_figures(session, key, meeting_on=on, today=day)))(
            (current.evidence or {}).get("period"), meeting.held_on, today) if current.kind == "report" else None),
    )
