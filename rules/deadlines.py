"""Due dates for every time limit in DOMAIN.md, as pure functions.

All of them follow DOMAIN.md's counting: the day of the event is not counted; N working
days end on the N-th working day after it; a calendar-day limit that ends on a rest day
moves to the next working day. Limits in hours (urgent referrals) are not moved.

An item is **overdue on ``as_of`` when its due date is before ``as_of``** (``due < as_of``):
the due day itself is still on time. :func:`days_late` counts the calendar days since.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from rules.calendar import Due, WorkCalendar
from rules.settings import RuleSettings

__all__ = [
    "send_due",
    "send_deadline_moment",
    "sent_on_time",
    "ack_due",
    "assist_due",
    "agenda_cutoff",
    "is_late_submission",
    "special_op_apply_deadline",
    "special_op_decision_due",
    "days_late",
    "is_overdue",
]


def _check_moment(discovered_on: date, discovered_at: datetime | None) -> None:
    if discovered_at is not None and discovered_at.date() != discovered_on:
        raise ValueError(
            f"发现时间 {discovered_at:%Y-%m-%d %H:%M} 与发现日期 {discovered_on} 不一致。 / "
            f"The discovery time {discovered_at:%Y-%m-%d %H:%M} is not on the discovery date "
            f"{discovered_on}."
        )


def send_deadline_moment(
    discovered_on: date,
    *,
    urgent: bool,
    s: RuleSettings,
    extension_notified: bool = False,
    cal: WorkCalendar | None = None,
    discovered_at: datetime | None = None,
) -> datetime | None:
    """The exact moment an urgent referral must be sent by: ``discovered_at`` plus
    ``s.urgent_send_hours`` hours. ``None`` unless the referral is urgent and the time of
    discovery is known (other limits end with a whole day, see :func:`send_due`).

    Takes the same arguments as :func:`send_due`; ``extension_notified`` and ``cal`` do not
    matter here. ``discovered_at`` must fall on ``discovered_on`` (else ``ValueError``).
    """
    _check_moment(discovered_on, discovered_at)
    if not urgent or discovered_at is None:
        return None
    return discovered_at + timedelta(hours=s.urgent_send_hours)


def send_due(
    discovered_on: date,
    *,
    urgent: bool,
    extension_notified: bool,
    cal: WorkCalendar,
    s: RuleSettings,
    discovered_at: datetime | None = None,
) -> Due:
    """The last day to send a referral (移送期限).

    - Not urgent: ``s.send_working_days`` (3) working days after discovery, or
      ``s.send_working_days_extended`` (10) when an extension was notified in advance.
    - Urgent (urgency wins over an extension): ``s.urgent_send_hours`` (24) hours. With the
      time of discovery, the due day is the date of ``discovered_at + 24 h`` (see
      :func:`send_deadline_moment` for the moment itself); with the date only, the due day is
      ``discovered_on`` plus ``ceil(hours / 24)`` calendar days (1 by default). Hour limits run
      round the clock, so the result is never moved off a rest day and is never provisional.
    """
    if urgent:
        moment = send_deadline_moment(
            discovered_on, urgent=True, s=s, discovered_at=discovered_at
        )
        if moment is not None:
            return Due(moment.date(), False)
        return Due(discovered_on + timedelta(days=math.ceil(s.urgent_send_hours / 24)), False)
    _check_moment(discovered_on, discovered_at)
    days = s.send_working_days_extended if extension_notified else s.send_working_days
    return cal.add_working_days(discovered_on, days)


def sent_on_time(
    sent_on: date,
    send_due_on: date,
    *,
    sent_at: datetime | None = None,
    send_due_at: datetime | None = None,
) -> bool:
    """Whether a referral was sent within its sending limit.

    In hours where the limit is in hours and both moments are known: an urgent referral
    whose discovery time was given (``send_due_at`` = discovery + 24 h) and whose sending
    time was given is on time when ``sent_at <= send_due_at`` (sent 38 hours after
    discovery is late, even on the next date). Otherwise by day: ``sent_on <= send_due_on``;
    so with no discovery time an urgent limit ends at the end of the day after discovery
    (DOMAIN.md, Hours), and a sending with no time of day on the due date is on time.
    """
    if send_due_at is not None and sent_at is not None:
        return sent_at <= send_due_at
    return sent_on <= send_due_on


def ack_due(sent_on: date, *, criminal: bool, cal: WorkCalendar, s: RuleSettings) -> Due:
    """The last day for the receiver to acknowledge a referral in writing (受理告知期限).

    ``s.ack_working_days`` (5) working days after ``sent_on``; for a suspected crime
    transferred to the police (涉嫌犯罪), ``s.criminal_ack_calendar_days`` (3) calendar days,
    moved to the next working day when the third day is a rest day.
    """
    if criminal:
        return cal.add_calendar_days(sent_on, s.criminal_ack_calendar_days)
    return cal.add_working_days(sent_on, s.ack_working_days)


def assist_due(requested_on: date, *, extended: bool, cal: WorkCalendar, s: RuleSettings) -> Due:
    """The last day to answer an assistance request in writing.

    ``s.assist_working_days`` (3) working days after the request; when extended for a
    technical appraisal, a further ``s.assist_extension_working_days`` (10) working days
    counted from the normal due date. Provisional when either part is.
    """
    normal = cal.add_working_days(requested_on, s.assist_working_days)
    if not extended:
        return normal
    longer = cal.add_working_days(normal.on, s.assist_extension_working_days)
    return Due(longer.on, normal.provisional or longer.provisional)


def agenda_cutoff(meeting_on: date, s: RuleSettings) -> date:
    """The last day to submit an agenda item: ``s.agenda_cutoff_days`` (10) calendar days
    before the meeting (会前十日征集议题). A submission on this day is on time; one after it is
    late. Not moved for rest days: moving it later would shorten the office's preparation,
    and the office can accept a late item anyway."""
    return meeting_on - timedelta(days=s.agenda_cutoff_days)


def is_late_submission(submitted_on: date, meeting_on: date, s: RuleSettings) -> bool:
    """Whether an agenda item submitted on ``submitted_on`` missed the cutoff."""
    return is_after_cutoff(submitted_on, agenda_cutoff(meeting_on, s))


def is_after_cutoff(submitted_on: date, cutoff: date) -> bool:
    """Whether an item submitted on ``submitted_on`` is late for a meeting whose agenda
    cut-off (:func:`agenda_cutoff`) is ``cutoff``: the cut-off day itself is on time."""
    return submitted_on > cutoff


def special_op_apply_deadline(start_on: date, s: RuleSettings) -> date:
    """The last day to apply for a special joint operation starting on ``start_on``:
    ``s.special_op_apply_days`` (3) calendar days before it (实施联合执法3日前提出申请).
    Applying on this day or earlier is on time. Not moved for rest days (the applicant can
    always apply earlier)."""
    return start_on - timedelta(days=s.special_op_apply_days)


def special_op_decision_due(applied_on: date, cal: WorkCalendar, s: RuleSettings) -> Due:
    """The last day for the office to decide on a special joint operation:
    ``s.special_op_decide_days`` (2) calendar days after the application, moved to the next
    working day when that is a rest day."""
    return cal.add_calendar_days(applied_on, s.special_op_decide_days)


def days_late(due: date, as_of: date) -> int:
    """Calendar days from ``due`` to ``as_of`` when overdue (``due < as_of``), else 0.

    This is the overdue report's 超期天数: due Monday, still open on Wednesday -> 2.
    """
    return max(0, (as_of - due).days)


def is_overdue(due: date, as_of: date) -> bool:
    """Whether an item still open on ``as_of`` with due date ``due`` is overdue."""
    return due < as_of
