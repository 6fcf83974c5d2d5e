"""Write commands for the joint meeting (联席会议): scheduling, the agenda, the session.

One function per user action, each one transaction (see :mod:`data_access.commands.base`):

- scheduling: :func:`schedule_meeting` (one regular or ad hoc meeting),
  :func:`schedule_regular_meetings` (a run of regular meetings at the configured cadence),
  :func:`update_meeting`, :func:`open_agenda_collection`, :func:`cancel_meeting`;
- the agenda (议题征集): :func:`submit_agenda_item`, :func:`review_agenda_item`
  (approve / defer / decline), :func:`order_agenda`, :func:`allot_minutes`,
  :func:`add_suggested_item`, :func:`approve_agenda` (locks it), :func:`unlock_agenda`;
- the session: :func:`start_session`, :func:`select_item` (what the projector shows),
  :func:`stop_session` (the closing slide), :func:`record_attendance`, :func:`close_meeting`.

Decisions (议定事项) and their follow-up live in :mod:`data_access.commands.decisions`.

The agenda is editable while the meeting is planned or collecting items; approving it moves
the meeting to ``approved`` and locks it. Only the office can unlock it again, with a reason
that goes into the audit trail. ``rules.lifecycle`` has no ``approved -> collecting`` step on
purpose (a normal status change never reopens an agenda); :func:`unlock_agenda` is that one
audited exception.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from data_access.commands.base import (
    Actor,
    CommandError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    audit,
    authorize,
    check_version,
    snapshot,
)
from data_access.validation import Checks, unit_of_work
from data_access.models import (
    Agency,
    AgendaItem,
    AgendaItemLink,
    Attendance,
    Decision,
    Dispute,
    Meeting,
    MeetingInvitee,
    MeetingObserver,
    Referral,
)
from data_access.rulebook import load_rules
from rules import deadlines, lifecycle

__all__ = [
    "MeetingSaved",
    "ItemSaved",
    "AttendanceSaved",
    "meeting_number",
    "schedule_meeting",
    "schedule_regular_meetings",
    "update_meeting",
    "open_agenda_collection",
    "cancel_meeting",
    "submit_agenda_item",
    "review_agenda_item",
    "order_agenda",
    "allot_minutes",
    "add_suggested_item",
    "approve_agenda",
    "unlock_agenda",
    "start_session",
    "select_item",
    "stop_session",
    "record_attendance",
    "close_meeting",
    "EDITABLE_AGENDA",
    "MAX_ITEM_MINUTES",
]

#: Meeting statuses in which the agenda can still be changed (before it is approved).
EDITABLE_AGENDA = ("planned", "collecting")
#: Longest time one agenda item may be given.
MAX_ITEM_MINUTES = 180
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class MeetingSaved:
    id: int
    number: str
    title: str
    held_on: date
    status: str
    version: int


@dataclass(frozen=True)
class AttendanceSaved:
    meeting_id: int
    recorded: int  # agencies with their attendance recorded for the meeting
    changed: int  # entries this save changed


@dataclass(frozen=True)
class ItemSaved:
    id: int
    meeting_id: int
    title: str
    status: str
    late: bool
    position: int
    minutes: int
    version: int


def _today(today: date | None) -> date:
    return today or date.today()


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now()).replace(microsecond=0)


def _meeting_saved(m: Meeting) -> MeetingSaved:
    return MeetingSaved(m.id, m.number, m.title, m.date_held, m.status, m.version)


def _item_saved(i: AgendaItem) -> ItemSaved:
    return ItemSaved(i.id, i.meeting_id, i.title, i.status, i.late, i.position, i.minutes, i.version)


def _load_meeting(session: Session, meeting_id: int, *, lock: bool = False) -> Meeting:
    stmt = select(Meeting).where(Meeting.id == meeting_id)
    if lock:
        stmt = stmt.with_for_update()
    meeting = session.scalars(stmt).one_or_none()
    if meeting is None:
        raise NotFound((f"找不到编号为 {meeting_id} 的会议。", f"Meeting {meeting_id} does not exist."))
    return meeting


def _load_item(session: Session, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound((f"找不到编号为 {item_id} 的议题。", f"Agenda item {item_id} does not exist."))
    return item


def _check_meeting_version(session: Session, meeting: Meeting, expected_version: int | None) -> None:
    """Refuse an action on a meeting (or its agenda) shown at another version."""
    if expected_version is None or meeting.version == expected_version:
        return
    item_ids = [str(i) for i in session.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id))]
    check_version(session, meeting, expected_version, (f"会议 {meeting.number}", f"Meeting {meeting.number}"),
                  parts=("agenda_items", item_ids))


def _touch(meeting: Meeting) -> None:
    """A change of the agenda is a change of the meeting: bump its version, so that an
    approval (or any action) shown before the change is refused as stale."""
    flag_modified(meeting, "status")


def _transition(kind: str, current: str, target: str) -> None:
    try:
        lifecycle.check_transition(kind, current, target)
    except lifecycle.TransitionError as exc:
        raise CommandError(str(exc), "status") from None


def _require_editable_agenda(meeting: Meeting) -> None:
    if meeting.status in EDITABLE_AGENDA:
        return
    if meeting.status == "approved":
        raise CommandError(
            (
                f"{meeting.number} 的议程已审定并锁定；如需修改，请由联席会议办公室先解锁。",
                f"The agenda of {meeting.number} is approved and locked; the office must unlock it first.",
            ),
            "status",
        )
    label = lifecycle.status_label("meeting", meeting.status)
    raise CommandError(
        (
            f"{meeting.number} 当前为“{label}”，议程不能再修改。",
            f"{meeting.number} is {lifecycle.status_label('meeting', meeting.status, 'en').lower()};"
            " its agenda can no longer change.",
        ),
        "status",
    )


# --------------------------------------------------------------------------- numbering


def meeting_number(session: Session, kind: str, held_on: date) -> str:
    """``LX-2026-11`` for the regular meeting of November 2026; ``LX-2026-L01``, ``L02`` …
    for the ad hoc meetings of 2026 in the order they were scheduled."""
    if kind == "regular":
        return f"LX-{held_on.year}-{held_on.month:02d}"
    prefix = f"LX-{held_on.year}-L"
    existing = session.scalars(select(Meeting.number).where(Meeting.number.like(prefix + "%"))).all()
    used = [int(n[len(prefix):]) for n in existing if n[len(prefix):].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:02d}"


def _default_title(kind: str, held_on: date, number: str) -> str:
    if kind == "regular":
        return f"{held_on.year}年{held_on.month}月联席会议"
    return f"{held_on.year}年第{int(number.rsplit('L', 1)[1])}次临时联席会议"


# --------------------------------------------------------------------------- validation


def _clean_observers(c: Checks, observers) -> list[tuple[str, str | None]]:
    cleaned: list[tuple[str, str | None]] = []
    for entry in observers or ():
        name, capacity = (entry, None) if isinstance(entry, str) else (entry[0], entry[1] if len(entry) > 1 else None)
        name = (name or "").strip()
        capacity = (capacity or "").strip() or None
        if not name:
            continue
        if len(name) > 50 or (capacity and len(capacity) > 50):
            c.add("observers", 
                "列席人员的姓名和身份各不能超过 50 个字。",
                "An observer's name and capacity may be at most 50 characters each.",
            )
            break
        cleaned.append((name, capacity))
    return cleaned


def _check_time(c: Checks, value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if not _TIME_RE.match(value):
        c.add("start_time", "开始时间请写成“14:30”的格式。", "Write the start time as 14:30.")
    return value


# --------------------------------------------------------------------------- scheduling


def _create_meeting(session: Session, actor: Actor, *, held_on: date, kind: str, title: str | None,
                    place: str | None, start_time: str | None, chair_name: str | None,
                    invitee_ids: Sequence[int] | None, observers, today: date) -> Meeting:
    c = Checks(date.today())
    if kind not in ("regular", "ad_hoc"):
        c.add("kind", "会议类型只能是例会或临时会议。", "A meeting is either regular or ad hoc.")
    if not isinstance(held_on, date):
        c.add("held_on", "请选择会议日期。", "Choose the meeting date.")
    elif held_on < today:
        c.add("held_on", 
            f"会议日期 {held_on} 已过，不能安排在过去。",
            f"The date {held_on} has passed; a meeting cannot be scheduled in the past.",
        )
    title = c.short_text("title", title, 200, "会议名称", "title")
    place = c.short_text("place", place, 100, "会议地点", "place")
    chair_name = c.short_text("chair_name", chair_name, 50, "主持人", "chair's name")
    start_time = _check_time(c, start_time)
    observer_rows = _clean_observers(c, observers)
    if invitee_ids is None:
        invitees = list(session.scalars(select(Agency.id).where(Agency.active.is_(True)).order_by(Agency.id)))
    else:
        invitees = c.agency_ids(session, "invitee_ids", invitee_ids)
    number = None
    if c.ok("kind") and c.ok("held_on"):
        number = meeting_number(session, kind, held_on)
        if kind == "regular":
            taken = session.scalars(select(Meeting).where(Meeting.number == number)).one_or_none()
            if taken is not None:
                c.add("held_on", 
                    f"{held_on.year}年{held_on.month}月已有例会 {taken.number}（{taken.held_on}，"
                    f"{lifecycle.status_label('meeting', taken.status)}）；同月再开会请安排临时会议。",
                    f"{taken.number} is already that month's regular meeting ({taken.held_on}); "
                    "schedule an ad hoc meeting instead.",
                )
    c.done()
    meeting = Meeting(
        number=number,
        title=title or _default_title(kind, held_on, number),
        kind=kind,
        held_on=held_on,
        start_time=start_time,
        place=place,
        chair_name=chair_name,
        status="planned",
    )
    session.add(meeting)
    session.flush()
    session.add_all(MeetingInvitee(meeting_id=meeting.id, agency_id=a) for a in invitees)
    session.add_all(MeetingObserver(meeting_id=meeting.id, name=n, capacity=c) for n, c in observer_rows)
    session.flush()
    after = snapshot(meeting) | {"invitee_ids": invitees, "observers": [n for n, _ in observer_rows]}
    audit(session, actor, "meeting.schedule", "meetings", meeting.id, None, after)
    return meeting


def schedule_meeting(
    actor: Actor, *, held_on: date, kind: str = "regular", title: str | None = None, place: str | None = None,
    start_time: str | None = None, chair_name: str | None = None, invitee_ids: Sequence[int] | None = None,
    observers: Sequence[tuple[str, str | None] | str] = (), today: date | None = None, engine=None, uow=None,
) -> MeetingSaved:
    """Schedule one meeting, regular (``LX-2026-11``: one per month) or ad hoc (``LX-2026-L01``).

    ``invitee_ids`` defaults to every active member agency; ``observers`` are
    ``(name, capacity)`` pairs (人大代表、政协委员、社会监督员 …).
    """
    authorize(actor, "meeting.schedule")
    with unit_of_work(engine, uow) as session:
        meeting = _create_meeting(
            session, actor, held_on=held_on, kind=kind, title=title, place=place,
            start_time=start_time, chair_name=chair_name, invitee_ids=invitee_ids,
            observers=observers, today=_today(today),
        )
        return _meeting_saved(meeting)


def _add_months(d: date, months: int) -> date:
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    for day in range(d.day, 0, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _working_day_in_month(cal, d: date) -> date:
    """``d`` if it is a working day, else the next working day in the same month, else the
    last working day before it (a regular meeting keeps its month, hence its number)."""
    probe = d
    while probe.month == d.month:
        if cal.is_working_day(probe):
            return probe
        probe += timedelta(days=1)
    probe = d
    while probe.month == d.month:
        if cal.is_working_day(probe):
            return probe
        probe -= timedelta(days=1)
    return d


def schedule_regular_meetings(
    actor: Actor, *, first_on: date, count: int = 1, cadence_months: int | None = None,
    place: str | None = None, start_time: str | None = None, chair_name: str | None = None,
    invitee_ids: Sequence[int] | None = None, today: date | None = None, engine=None, uow=None,
) -> list[MeetingSaved]:
    """Schedule ``count`` regular meetings from ``first_on``, every ``cadence_months`` months
    (default: the ``meeting_cadence_months`` rule, monthly). Later meetings fall on the same
    day of the month, moved to a working day of that month. All or none are scheduled."""
    authorize(actor, "meeting.schedule")
    c = Checks(date.today())
    if not isinstance(count, int) or not 1 <= count <= 24:
        c.add("count", "一次可安排 1 到 24 次例会。", "Schedule between 1 and 24 meetings at a time.")
    if cadence_months is not None and (not isinstance(cadence_months, int) or not 1 <= cadence_months <= 12):
        c.add("cadence_months", "会议周期应为 1 到 12 个月。", "The cadence must be 1 to 12 months.")
    c.done()
    with unit_of_work(engine, uow) as session:
        s, cal = load_rules(session)
        step = cadence_months or s.meeting_cadence_months
        saved = []
        for k in range(count):
            held_on = first_on if k == 0 else _working_day_in_month(cal, _add_months(first_on, k * step))
            meeting = _create_meeting(
                session, actor, held_on=held_on, kind="regular", title=None, place=place,
                start_time=start_time, chair_name=chair_name, invitee_ids=invitee_ids,
                observers=(), today=_today(today),
            )
            saved.append(_meeting_saved(meeting))
        return saved


def update_meeting(
    actor: Actor, meeting_id: int, *, held_on: date, title: str, place: str | None, start_time: str | None,
    chair_name: str | None, invitee_ids: Sequence[int],
    observers: Sequence[tuple[str, str | None] | str] = (), expected_version: int | None,
    today: date | None = None, engine=None, uow=None,
) -> MeetingSaved:
    """Change a meeting's date, title, place, time, chair, invitees and observers before it
    is held. A regular meeting moved to another month takes that month's number."""
    authorize(actor, "meeting.schedule")
    with unit_of_work(engine, uow) as session:
        meeting = _load_meeting(session, meeting_id, lock=True)
        _check_meeting_version(session, meeting, expected_version)
        if meeting.status not in ("planned", "collecting", "approved"):
            raise CommandError(
                ("会议已开始、结束或取消，不能再修改安排。",
                   "The meeting has started, ended or been cancelled; its arrangements cannot change."),
                "status",
            )
        c = Checks(date.today())
        if not isinstance(held_on, date):
            c.add("held_on", "请选择会议日期。", "Choose the meeting date.")
        elif held_on != meeting.held_on and held_on < _today(today):
            c.add("held_on", f"会议日期 {held_on} 已过。", f"The date {held_on} has passed.")
        title = c.short_text("title", title, 200, "会议名称", "title", required=True)
        place = c.short_text("place", place, 100, "会议地点", "place")
        chair_name = c.short_text("chair_name", chair_name, 50, "主持人", "chair's name")
        start_time = _check_time(c, start_time)
        observer_rows = _clean_observers(c, observers)
        invitees = c.agency_ids(session, "invitee_ids", invitee_ids, allow_inactive=True)
        number = meeting.number
        if c.ok("held_on") and meeting.kind == "regular" and (
            (held_on.year, held_on.month) != (meeting.held_on.year, meeting.held_on.month)
        ):
            number = meeting_number(session, "regular", held_on)
            if session.scalars(select(Meeting.id).where(Meeting.number == number)).first() is not None:
                c.add("held_on", 
                    f"{held_on.year}年{held_on.month}月已有例会 {number}。",
                    f"That month already has its regular meeting {number}.",
                )
        c.done()
        before = snapshot(meeting) | _people(session, meeting.id)
        meeting.number = number
        meeting.held_on = held_on
        meeting.title = title
        meeting.place = place
        meeting.start_time = start_time
        meeting.chair_name = chair_name
        session.execute(delete(MeetingInvitee).where(MeetingInvitee.meeting_id == meeting.id))
        session.add_all(MeetingInvitee(meeting_id=meeting.id, agency_id=a) for a in invitees)
        old_obs = {(o.name, o.capacity): o for o in session.scalars(
            select(MeetingObserver).where(MeetingObserver.meeting_id == meeting.id))}
        for key, obs in old_obs.items():
            if key not in observer_rows:
                session.delete(obs)
        session.add_all(
            MeetingObserver(meeting_id=meeting.id, name=n, capacity=c)
            for n, c in observer_rows if (n, c) not in old_obs
        )
        session.flush()
        audit(session, actor, "meeting.update", "meetings", meeting.id, before,
              snapshot(meeting) | _people(session, meeting.id))
        return _meeting_saved(meeting)


def _people(session: Session, meeting_id: int) -> dict:
    invitees = sorted(session.scalars(
        select(MeetingInvitee.agency_id).where(MeetingInvitee.meeting_id == meeting_id)))
    observers = sorted(session.scalars(
        select(MeetingObserver.name).where(MeetingObserver.meeting_id == meeting_id)))
    return {"invitee_ids": invitees, "observers": observers}


def _move(session: Session, actor: Actor, meeting: Meeting, target: str, action: str, **extra) -> None:
    _transition("meeting", meeting.status, target)
    before = snapshot(meeting)
    meeting.status = target
    for key, value in extra.items():
        setattr(meeting, key, value)
    session.flush()
    audit(session, actor, action, "meetings", meeting.id, before, snapshot(meeting))


def open_agenda_collection(actor: Actor, meeting_id: int, *, expected_version: int | None,
                           engine=None, uow=None) -> MeetingSaved:
    """Announce the call for agenda items (议题征集): planned -> collecting."""
    authorize(actor, "meeting.schedule")
    with unit_of_work(engine, uow) as session:
        meeting = _load_meeting(session, meeting_id, lock=True)
        _check_meeting_version(session, meeting, expected_version)
        _move(session, actor, meeting, "collecting", "meeting.open_collection")
        return _meeting_saved(meeting)


def cancel_meeting(actor: Actor, meeting_id: int, *, reason: str, expected_version: int | None,
                   engine=None, uow=None) -> MeetingSaved:
    """Cancel a meeting that has not been closed; the reason goes into the audit trail."""
    authorize(actor, "meeting.schedule")
    c = Checks(date.today())
    reason = c.short_text("reason", reason, 500, "取消原因", "reason", required=True)
    c.done()
    with unit_of_work(engine, uow) as session:
        meeting = _load_meeting(session, meeting_id, lock=True)
        _check_meeting_version(session, meeting, expected_version)
        _transition("meeting", meeting.status, "cancelled")
        before = snapshot(meeting)
        meeting.status = "cancelled"
        meeting.current_item_id = None
        meeting.item_started_at = None
        session.flush()
        audit(session, actor, "meeting.cancel", "meetings", meeting.id, before,
              snapshot(meeting) | {"reason": reason})
        return _meeting_saved(meeting)


# --------------------------------------------------------------------------- agenda items


def _check_links(c: Checks, session: Session, referral_ids, dispute_ids, decision_ids):
    out = []
    for field, model, ids, zh, en in (
        ("referral_ids", Referral, referral_ids, "移送案件", "referral"),
        ("dispute_ids", Dispute, dispute_ids, "职责争议", "dispute"),
        ("decision_ids", Decision, decision_ids, "议定事项", "decision"),
    ):
        wanted = list(dict.fromkeys(int(i) for i in (ids or ())))
        if wanted:
            found = set(session.scalars(select(model.id).where(model.id.in_(wanted))))
            missing = [i for i in wanted if i not in found]
            if missing:
                c.add(field, f"关联的{zh}不存在（编号 {missing}）。", f"Unknown linked {en} (id {missing}).")
        out.append(wanted)
    return out


def _referrals_by_number(c: Checks, session: Session, numbers: Sequence[str]) -> list[int]:
    wanted = list(dict.fromkeys(n.strip().upper() for n in numbers or () if n and n.strip()))
    if not wanted:
        return []
    found = dict(session.execute(select(Referral.number, Referral.id).where(Referral.number.in_(wanted))).all())
    missing = [n for n in wanted if n not in found]
    if missing:
        c.add("referral_ids", 
            f"找不到这些移送编号：{'、'.join(missing)}。", f"No referral has the number(s): {', '.join(missing)}."
        )
    return [found[n] for n in wanted if n in found]


def _check_minutes(c: Checks, minutes) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_ITEM_MINUTES:
        c.add("minutes", 
            f"时长应为 1 到 {MAX_ITEM_MINUTES} 分钟的整数。",
            f"Give the minutes as a whole number from 1 to {MAX_ITEM_MINUTES}.",
        )
        return 10
    return minutes


def _add_links(session: Session, item: AgendaItem, referral_ids, dispute_ids, decision_ids) -> None:
    session.add_all(AgendaItemLink(item_id=item.id, referral_id=i) for i in referral_ids)
    session.add_all(AgendaItemLink(item_id=item.id, dispute_id=i) for i in dispute_ids)
    session.add_all(AgendaItemLink(item_id=item.id, decision_id=i) for i in decision_ids)


def submit_agenda_item(
    actor: Actor, meeting_id: int, *, title: str, kind: str, submitting_agency_id: int | None = None,
    referral_ids: Sequence[int] = (), referral_numbers: Sequence[str] = (), dispute_ids: Sequence[int] = (),
    decision_ids: Sequence[int] = (), presenter: str | None = None, minutes: int = 10,
    today: date | None = None, engine=None, uow=None,
) -> ItemSaved:
    """A member submits an agenda item (议题). Submitted after the cut-off (ten days before
    the meeting, ``rules.deadlines.agenda_cutoff``) it is marked late and waits for the
    office's decision. The submitting agency defaults to the user's own. Referrals may be
    given by id or by their number (移送编号, as typed on the form)."""
    today = _today(today)
    agency_id = submitting_agency_id if submitting_agency_id is not None else actor.agency_id
    authorize(actor, "agenda.submit", [agency_id])
    with unit_of_work(engine, uow) as session:
        meeting = _load_meeting(session, meeting_id, lock=True)
        _require_editable_agenda(meeting)
        s, _cal = load_rules(session)
        c = Checks(date.today())
        title = c.short_text("title", title, 200, "议题名称", "title", required=True)
        if kind not in lifecycle.AGENDA_KINDS:
            c.add("kind", "请选择议题类型。", "Choose the kind of item.")
        presenter = c.short_text("presenter", presenter, 50, "汇报人", "presenter")
        minutes = _check_minutes(c, minutes)
        if agency_id is not None:
            c.agency_ids(session, "submitting_agency_id", [agency_id])
        if today > meeting.held_on:
            c.add("meeting_id", "会议日期已过，不能再提交议题。", "The meeting date has passed.")
        by_number = _referrals_by_number(c, session, referral_numbers)
        links = _check_links(c, session, [*referral_ids, *by_number], dispute_ids, decision_ids)
        c.done()
        item = AgendaItem(
            meeting_id=meeting.id,
            title=title,
            kind=kind,
            submitting_agency_id=agency_id,
            submitted_on=today,
            late=deadlines.is_late_submission(today, meeting.held_on, s),
            presenter=presenter,
            minutes=minutes,
            status="submitted",
            position=0,
            suggested=False,
        )
        session.add(item)
        session.flush()
        _add_links(session, item, *links)
        _touch(meeting)
        audit(session, actor, "agenda.submit", "agenda_items", item.id, None,
              snapshot(item) | {"referral_ids": links[0], "dispute_ids": links[1], "decision_ids": links[2]})
        return _item_saved(item)


def _next_position(session: Session, meeting_id: int) -> int:
    top = session.scalar(
        select(func.max(AgendaItem.position)).where(
            AgendaItem.meeting_id == meeting_id, AgendaItem.status == "approved"
        )
    )
    return (top or 0) + 1


def review_agenda_item(
    actor: Actor, item_id: int, decision: str, *, minutes: int | None = None, expected_version: int | None,
    engine=None, uow=None,
) -> ItemSaved:
    """Approve (审定), defer (暂缓) or decline (不予列入) an item. An approved item goes to the
    end of the running order. A late item waits for the office: only the office decides it."""
    authorize(actor, "agenda.review")
    if decision not in ("approved", "deferred", "declined", "submitted"):
        raise ValidationFailed({"decision": ("请选择审定意见。", "Choose approve, defer or decline.")})
    with unit_of_work(engine, uow) as session:
        item = _load_item(session, item_id)
        meeting = _load_meeting(session, item.meeting_id, lock=True)
        check_version(session, item, expected_version, (f"议题“{item.title}”", f"Agenda item “{item.title}”"))
        _require_editable_agenda(meeting)
        if item.late:
            try:
                authorize(actor, "agenda.admit_late")
            except PermissionDenied:
                raise PermissionDenied(
                    ("逾期提交的议题只能由联席会议办公室决定是否列入。",
                     "A late item waits for the joint meeting office's decision."),
                    "decision",
                ) from None
        _transition("agenda_item", item.status, decision)
        c = Checks(date.today())
        if minutes is not None:
            minutes = _check_minutes(c, minutes)
        c.done()
        before = snapshot(item)
        item.status = decision
        if minutes is not None:
            item.minutes = minutes
        item.position = _next_position(session, meeting.id) if decision == "approved" else 0
        session.flush()
        audit(session, actor, f"agenda.{decision}", "agenda_items", item.id, before, snapshot(item))
        _renumber(session, meeting.id)
        _touch(meeting)
        return _item_saved(item)


def _renumber(session: Session, meeting_id: int) -> None:
    """Keep the approved items numbered 1..n without gaps, in their current order."""
    approved = session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id, AgendaItem.status == "approved")
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    for pos, item in enumerate(approved, start=1):
        if item.position != pos:
            item.position = pos
    session.flush()


def order_agenda(actor: Actor, meeting_id: int, item_ids: Sequence[int], *, expected_version: int | None,
                 engine=None, uow=None) -> list[ItemSaved]:
    """Set the running order: ``item_ids`` lists every approved item, first to last;
    ``expected_version`` is the meeting's, as the agenda was shown."""
    authorize(actor, "agenda.review")
    with unit_of_work(engine, uow) as session:
        meeting = _load_meeting(session, meeting_id, lock=True)
        _check_meeting_version(session, meeting, expected_version)
        _require_editable_agenda(meeting)
        approved = {
            i.id: i for i in session.scalars(
                select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, AgendaItem.status == "approved"))
        }
        wanted = [int(i) for i in item_ids]
        if sorted(wanted) != sorted(approved) or len(set(wanted)) != len(wanted):
            raise ValidationFailed({"item_ids": (
                "排序须包含全部已审定议题，且每个议题只出现一次。",
                "The order must list every approved item exactly once.",
            )})
        before = {i.id: i.position for i in approved.values()}
        for pos, item_id in enumerate(wanted, start=1):
            approved[item_id].position = pos
        _touch(meeting)
        session.flush()
        audit(session, actor, "agenda.order", "meetings", meeting.id,
              {"order": sorted(before, key=before.get)}, {"order": wanted})
        return [_item_saved(approved[i]) for i in wanted]


def allot_minutes(actor: Actor, item_id: int, minutes: int, *, expected_version: int | None,
                  engine=None, uow=None) -> ItemSaved:
    """Give an item its time on the agenda (the projector's countdown runs from it)."""
    authorize(actor, "agenda.review")
    c = Checks(date.today())
    minutes = _check_minutes(c, minutes)
    c.done()
    with unit_of_work(engine, uow) as session:
        item = _load_item(session, item_id)
        meeting = _load_meeting(session, item.meeting_id, lock=True)
        check_version(session, item, expected_version, (f"议题“{item.title}”", f"Agenda item “{item.title}”"))
        _require_editable_agenda(meeting)
        before = snapshot(item)
        item.minutes = minutes
        _touch(meeting)
        session.flush()
        audit(session, actor, "agenda.minutes", "agenda_items", item.id, before, snapshot(item))
        return _item_saved(item)


def add_suggested_item(
    actor: Actor, meeting_id: int, key: str, *, minutes: int | None = None, expected_version: int | None,
    today: date | None = None, engine=None, uow=None,
) -> ItemSaved:
    """Put one of the product's suggestions (see ``queries.meetings.suggested_items``) on the
    agenda, with its evidence and links, in one step. The suggestion is recomputed here from
    the data, so what is stored is what the data say now; a suggestion that no longer holds
    (the referral was acknowledged meanwhile, the item is already there) is refused."""
    from data_access.queries.meetings import suggested_items

    authorize(actor, "agenda.review")
    today = _today(today)
    with unit_of_work(engine, uow) as session:
        meeting = _load_meeting(session, meeting_id, lock=True)
        _check_meeting_version(session, meeting, expected_version)
        _require_editable_agenda(meeting)
        found = {s.key: s for s in suggested_items(session, meeting.id, today=today)}
        suggestion = found.get(key)
        if suggestion is None:
            raise CommandError(
                ("该建议议题已不成立或已在议程中，请刷新页面。",
                   "That suggestion no longer holds or is already on the agenda; reload the page."),
                "key",
            )
        c = Checks(date.today())
        minutes = _check_minutes(c, suggestion.minutes if minutes is None else minutes)
        c.done()
        item = AgendaItem(
            meeting_id=meeting.id,
            title=suggestion.title[:200],
            kind=suggestion.kind,
            submitting_agency_id=actor.agency_id,
            submitted_on=today,
            late=False,  # the office's own proposal is not a member's late submission
            presenter=None,
            minutes=minutes,
            status="submitted",
            position=0,
            suggested=True,
            evidence=suggestion.evidence,
        )
        session.add(item)
        session.flush()
        _add_links(session, item, suggestion.referral_ids, suggestion.dispute_ids, suggestion.decision_ids)
        _touch(meeting)
        audit(session, actor, "agenda.add_suggested", "agenda_items", item.id, None, snapshot(item))
        return _item_saved(item)


def approve_agenda(actor: Actor, meeting_id: int, *, expected_version: int | None,
                   engine=None, uow=None) -> MeetingSaved:
    """Approve (审定) the agenda and lock it. Every item must have been decided and at least
    one approved. A planned meeting passes through ``collecting`` on the way."""
    authorize(actor, "agenda.review")
    with unit_of_work(engine, uow) as session:
        meeting = _load_meeting(session, meeting_id, lock=True)
        _check_meeting_version(session, meeting, expected_version)
        _require_editable_agenda(meeting)
        counts = dict(session.execute(
            select(AgendaItem.status, func.count()).where(AgendaItem.meeting_id == meeting.id)
            .group_by(AgendaItem.status)
        ).all())
        c = Checks(date.today())
        if counts.get("submitted"):
            c.add("items", 
                f"还有 {counts['submitted']} 个议题未审定，请先逐一审定、暂缓或不予列入。",
                f"{counts['submitted']} item(s) still await a decision: approve, defer or decline each.",
            )
        elif not counts.get("approved"):
            c.add("items", "议程中还没有审定的议题。", "No item has been approved yet.")
        c.done()
        if meeting.status == "planned":
            _move(session, actor, meeting, "collecting", "meeting.open_collection")
        _renumber(session, meeting.id)
        _move(session, actor, meeting, "approved", "agenda.approve")
        return _meeting_saved(meeting)


def unlock_agenda(actor: Actor, meeting_id: int, *, reason: str, expected_version: int | None,
                  engine=None, uow=None) -> MeetingSaved:
    """The office reopens an approved agenda (approved -> collecting), giving a reason."""
    authorize(actor, "agenda.unlock")
    c = Checks(date.today())
    reason = c.short_text("reason", reason, 500, "解锁原因", "reason", required=True)
    c.done()
    with unit_of_work(engine, uow) as session:
        meeting = _load_meeting(session, meeting_id, lock=True)
        _check_meeting_version(session, meeting, expected_version)
        if meeting.status != "approved":
            raise CommandError(
                ("只有“议程已审定”的会议可以解锁议程。", "Only a meeting whose agenda is approved can be unlocked."),
                "status",
            )
        before = snapshot(meeting)
        meeting.status = "collecting"
        session.flush()
        audit(session, actor, "agenda.unlock", "meetings", meeting.id, before,
              snapshot(meeting) | {"reason": reason})
        return _meeting_saved(meeting)


# --------------------------------------------------------------------------- the session


def _approved_items(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id, AgendaItem.status == "approved")
        .order_by(AgendaItem.position, AgendaItem.id)
    ))


def start_session(actor: Actor, meeting_id: int, *, expected_version: int | None,
                  now: datetime | None = None, confirm_date: bool = False, engine=None,
                  uow=None) -> MeetingSaved:
    """Open the meeting (approved -> in session) with its first item on the projector, and
    record the day it is held (``started_on``). Opening it on another day than the one it
    was scheduled for must be confirmed (``confirm_date=True``): the minutes, its decisions
    and the agency pages then date it by the day it was held."""
    authorize(actor, "meeting.run")
    opened = _now(now)
    with unit_of_work(engine, uow) as session:
        meeting = _load_meeting(session, meeting_id, lock=True)
        _check_meeting_version(session, meeting, expected_version)
        if meeting.status == "approved" and opened.date() != meeting.held_on and not confirm_date:
            raise CommandError(
                (f"会议原定于 {meeting.held_on} 召开，今天是 {opened.date()}。请确认按今天召开（纪要将以今天为会议日期）。",
                 f"The meeting is scheduled for {meeting.held_on}; today is {opened.date()}. Confirm holding it "
                 "today (the minutes will be dated today)."),
                "held_on",
            )
        items = _approved_items(session, meeting.id)
        first = items[0].id if items else None
        _move(session, actor, meeting, "in_session", "meeting.start", started_on=opened.date(),
              current_item_id=first, item_started_at=opened if first else None)
        return _meeting_saved(meeting)


def select_item(actor: Actor, meeting_id: int, item_id: int | None, *, expected_version: int | None,
                now: datetime | None = None, engine=None, uow=None) -> MeetingSaved:
    """Put an approved item on the projector and start its countdown. Choosing the item
    already shown keeps its countdown running (a double click does not reset it);
    ``item_id=None`` shows the closing slide with the decisions taken."""
    authorize(actor, "meeting.run")
    with unit_of_work(engine, uow) as session:
        meeting = _load_meeting(session, meeting_id, lock=True)
        _check_meeting_version(session, meeting, expected_version)
        if meeting.status != "in_session":
            raise CommandError(
                ("会议尚未开始或已经结束。", "The meeting is not in session."), "status")
        if item_id is not None:
            item = _load_item(session, item_id)
            if item.meeting_id != meeting.id or item.status != "approved":
                raise CommandError(
                    ("只能选择本次会议已审定的议题。", "Choose an approved item of this meeting."), "item_id")
        if item_id == meeting.current_item_id:
            return _meeting_saved(meeting)
        before = snapshot(meeting)
        meeting.current_item_id = item_id
        meeting.item_started_at = _now(now) if item_id is not None else None
        session.flush()
        audit(session, actor, "meeting.select_item", "meetings", meeting.id, before, snapshot(meeting))
        return _meeting_saved(meeting)


def stop_session(actor: Actor, meeting_id: int, *, expected_version: int | None,
                 now: datetime | None = None, engine=None, uow=None) -> MeetingSaved:
    """End the discussion: the projector shows the closing slide with every decision taken.
    The meeting stays in session (decisions can still be corrected) until it is closed."""
    return select_item(actor, meeting_id, None, expected_version=expected_version, now=now, engine=engine, uow=uow)


def record_attendance(
    actor: Actor, meeting_id: int, agencies: Mapping[int, str | tuple[str, str | None]], *,
    observers: Mapping[int, bool] | None = None, expected_version: int | None, engine=None, uow=None,
) -> AttendanceSaved:
    """Record who came: ``agencies`` maps agency id -> ``"present"`` / ``"absent"`` /
    ``("deputised", "delegate's name")``; ``observers`` maps observer id -> attended.
    Entries given replace earlier ones; agencies not given keep theirs."""
    authorize(actor, "attendance.record")
    with unit_of_work(engine, uow) as session:
        meeting = _load_meeting(session, meeting_id, lock=True)
        _check_meeting_version(session, meeting, expected_version)
        if meeting.status not in ("approved", "in_session", "closed"):
            raise CommandError(
                ("议程审定后才能登记出席情况。", "Attendance is recorded once the agenda is approved."), "status")
        c = Checks(date.today())
        rows: dict[int, tuple[str, str | None]] = {}
        for agency_id, value in agencies.items():
            status, delegate = (value, None) if isinstance(value, str) else (value[0], value[1])
            delegate = (delegate or "").strip() or None
            if status not in lifecycle.ATTENDANCE:
                c.add(f"agency_{agency_id}", "出席情况只能是出席、缺席或委托出席。",
                                                   "Attendance is present, absent or deputised.")
            elif status == "deputised" and not delegate:
                c.add(f"agency_{agency_id}", "委托出席请填写代为出席人员姓名。",
                                                   "Name the person attending on the agency's behalf.")
            elif delegate and len(delegate) > 50:
                c.add(f"agency_{agency_id}", "出席人员姓名不能超过 50 个字。",
                                                   "The delegate's name may be at most 50 characters.")
            rows[int(agency_id)] = (status, delegate if status == "deputised" else None)
        c.agency_ids(session, "agencies", rows, allow_inactive=True)
        obs_rows = {}
        if observers:
            obs_rows = {
                o.id: o for o in session.scalars(select(MeetingObserver).where(
                    MeetingObserver.meeting_id == meeting.id, MeetingObserver.id.in_(list(observers))))
            }
            if len(obs_rows) != len(observers):
                c.add("observers", "列席人员不属于本次会议。", "Unknown observer for this meeting.")
        c.done()
        existing = {
            a.agency_id: a for a in session.scalars(select(Attendance).where(
                Attendance.meeting_id == meeting.id, Attendance.agency_id.in_(list(rows))))
        }
        before, after = {}, {}
        for agency_id, (status, delegate) in rows.items():
            row = existing.get(agency_id)
            if row is None:
                session.add(Attendance(meeting_id=meeting.id, agency_id=agency_id, status=status, delegate=delegate))
                after[str(agency_id)] = [status, delegate]
            elif (row.status, row.delegate) != (status, delegate):
                before[str(agency_id)] = [row.status, row.delegate]
                row.status, row.delegate = status, delegate
                after[str(agency_id)] = [status, delegate]
        for obs_id, attended in (observers or {}).items():
            obs = obs_rows[obs_id]
            if obs.attended != bool(attended):
                before[f"observer_{obs_id}"] = obs.attended
                obs.attended = bool(attended)
                after[f"observer_{obs_id}"] = obs.attended
        session.flush()
        if after:
            _touch(meeting)
            audit(session, actor, "attendance.record", "meetings", meeting.id, before or None, after)
        recorded = session.scalar(
            select(func.count()).select_from(Attendance).where(Attendance.meeting_id == meeting.id))
        return AttendanceSaved(meeting.id, recorded, len(after))


def close_meeting(actor: Actor, meeting_id: int, *, expected_version: int | None,
                  engine=None, uow=None) -> MeetingSaved:
    """Close the meeting (in session -> closed). Attendance must have been recorded, since
    the minutes list who attended."""
    authorize(actor, "meeting.run")
    with unit_of_work(engine, uow) as session:
        meeting = _load_meeting(session, meeting_id, lock=True)
        _check_meeting_version(session, meeting, expected_version)
        _transition("meeting", meeting.status, "closed")
        recorded = session.scalar(
            select(func.count()).select_from(Attendance).where(Attendance.meeting_id == meeting.id))
        if not recorded:
            raise ValidationFailed({"attendance": (
                "请先登记出席情况再结束会议（会议纪要需列明出席单位）。",
                "Record attendance before closing: the minutes list who attended.",
            )})
        _move(session, actor, meeting, "closed", "meeting.close", current_item_id=None, item_started_at=None)
        return _meeting_saved(meeting)
