"""The deadline columns stored on each referral and assistance request.

Every writer (forms, import, seeder, calendar changes) fills these columns through this one
module, so a due date in the database is always the one ``rules.deadlines`` defines.
"""

from __future__ import annotations

from datetime import date, datetime

from rules import deadlines
from rules.calendar import WorkCalendar
from rules.settings import RuleSettings


def referral_deadline_fields(
    cal: WorkCalendar,
    s: RuleSettings,
    *,
    discovered_on: date | None,
    discovered_at: datetime | None = None,
    urgent: bool = False,
    extension_notified: bool = False,
    criminal: bool = False,
    sent_on: date | None,
    ack_on: date | None = None,
    first_round: bool = True,
) -> dict:
    """``send_due_on``, ``send_due_at``, ``ack_due_on``, ``ack_due_provisional`` and
    ``ack_workdays``. The sending limit belongs to the first sending only: for a later round
    (``first_round=False``, a re-send after 退回) the send fields are ``None`` (the first
    round's, judged once, are kept in ``referral_rounds``)."""
    fields: dict = {
        "send_due_on": None,
        "send_due_at": None,
        "ack_due_on": None,
        "ack_due_provisional": False,
        "ack_workdays": None,
    }
    if discovered_on is not None and first_round:
        fields["send_due_at"] = deadlines.send_deadline_moment(
            discovered_on, urgent=urgent, s=s, discovered_at=discovered_at,
        )
        fields["send_due_on"] = deadlines.send_due(
            discovered_on,
            urgent=urgent,
            extension_notified=extension_notified,
            cal=cal,
            s=s,
            discovered_at=discovered_at,
        ).on
    if sent_on is not None:
        due = deadlines.ack_due(sent_on, criminal=criminal, cal=cal, s=s)
        fields["ack_due_on"] = due.on
        fields["ack_due_provisional"] = due.provisional
        if ack_on is not None:
            fields["ack_workdays"] = cal.working_days_between(sent_on, ack_on)
    return fields


def assistance_deadline_fields(
    cal: WorkCalendar, s: RuleSettings, *, requested_on: date, extended: bool = False
) -> dict:
    """``due_on`` and ``due_provisional`` of an assistance request."""
    due = deadlines.assist_due(requested_on, extended=extended, cal=cal, s=s)
    return {"due_on": due.on, "due_provisional": due.provisional}
