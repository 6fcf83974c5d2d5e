"""Due dates for each time limit (DOMAIN.md "Time limits"), worked out by hand.

2026 facts used below: National Day holiday 10-01..10-07 (10-05 in lieu, 10-06/07 substituted),
Sunday 09-20 and Saturday 10-10 are make-up working days.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from rules.calendar import Due, WorkCalendar, library_published_years
from rules.deadlines import (
    ack_due,
    agenda_cutoff,
    assist_due,
    days_late,
    is_late_submission,
    is_overdue,
    send_deadline_moment,
    send_due,
    special_op_apply_deadline,
    special_op_decision_due,
)
from rules.settings import RuleSettings

D = date
S = RuleSettings()


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


# --------------------------------------------------------------------------- sending


def test_send_due_three_working_days(cal):
    # discovered Mon 09-28: 09-29 (1), 09-30 (2), [holiday], 10-08 (3)
    assert send_due(D(2026, 9, 28), urgent=False, extension_notified=False, cal=cal, s=S) == Due(
        D(2026, 10, 8), False
    )


def test_send_due_extension_ten_working_days(cal):
    # 09-29, 09-30, 10-08, 10-09, 10-10 (Sat, make-up), 10-12, 10-13, 10-14, 10-15, 10-16
    due = send_due(D(2026, 9, 28), urgent=False, extension_notified=True, cal=cal, s=S)
    assert due == Due(D(2026, 10, 16), False)


def test_send_due_urgent_with_time_runs_in_hours_over_holidays(cal):
    at = datetime(2026, 10, 1, 15, 30)
    due = send_due(D(2026, 10, 1), urgent=True, extension_notified=True, cal=cal, s=S, discovered_at=at)
    assert due == Due(D(2026, 10, 2), False)  # a holiday, not moved
    moment = send_deadline_moment(D(2026, 10, 1), urgent=True, s=S, discovered_at=at)
    assert moment == datetime(2026, 10, 2, 15, 30)


def test_send_due_urgent_date_only(cal):
    assert send_due(D(2026, 12, 31), urgent=True, extension_notified=False, cal=cal, s=S) == Due(
        D(2027, 1, 1), False
    )


def test_send_due_urgent_hours_setting(cal):
    s36 = RuleSettings(urgent_send_hours=36)
    assert send_due(D(2026, 10, 1), urgent=True, extension_notified=False, cal=cal, s=s36).on == D(2026, 10, 3)
    at = datetime(2026, 10, 1, 13, 0)
    due = send_due(D(2026, 10, 1), urgent=True, extension_notified=False, cal=cal, s=s36, discovered_at=at)
    assert due.on == D(2026, 10, 3)  # 10-03 01:00


def test_send_deadline_moment_only_for_urgent_with_time(cal):
    at = datetime(2026, 10, 1, 8, 0)
    assert send_deadline_moment(D(2026, 10, 1), urgent=False, s=S, discovered_at=at) is None
    assert send_deadline_moment(D(2026, 10, 1), urgent=True, s=S) is None
    # same keyword arguments as send_due are accepted
    assert send_deadline_moment(
        D(2026, 10, 1), urgent=True, extension_notified=False, cal=cal, s=S, discovered_at=at
    ) == datetime(2026, 10, 2, 8, 0)


def test_discovery_time_must_match_date(cal):
    with pytest.raises(ValueError, match="discovery"):
        send_due(
            D(2026, 10, 1),
            urgent=True,
            extension_notified=False,
            cal=cal,
            s=S,
            discovered_at=datetime(2026, 10, 2, 8, 0),
        )


# --------------------------------------------------------------------------- acknowledging


def test_ack_due_domain_example(cal):
    assert ack_due(D(2026, 9, 30), criminal=False, cal=cal, s=S) == Due(D(2026, 10, 13), False)


@pytest.mark.skipif(2027 in library_published_years(), reason="2027 now published in holidays")
def test_ack_due_domain_provisional_example(cal):
    assert ack_due(D(2026, 12, 29), criminal=False, cal=cal, s=S) == Due(D(2027, 1, 6), True)


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        (D(2026, 11, 2), D(2026, 11, 5)),  # Mon + 3 = Thu
        (D(2026, 11, 4), D(2026, 11, 9)),  # Wed + 3 = Sat -> Mon
        (D(2026, 9, 30), D(2026, 10, 8)),  # + 3 = 10-03 holiday -> first working day 10-08
        (D(2026, 10, 7), D(2026, 10, 10)),  # + 3 = make-up Saturday, a working day
    ],
)
def test_ack_due_criminal_three_calendar_days(cal, sent, due):
    assert ack_due(sent, criminal=True, cal=cal, s=S) == Due(due, False)


def test_ack_due_uses_settings(cal):
    s = RuleSettings(ack_working_days=1)
    assert ack_due(D(2026, 9, 30), criminal=False, cal=cal, s=s).on == D(2026, 10, 8)


# --------------------------------------------------------------------------- assistance


def test_assist_due(cal):
    assert assist_due(D(2026, 9, 28), extended=False, cal=cal, s=S) == Due(D(2026, 10, 8), False)
    # + 10 working days after 10-08: 10-09, 10-10, 10-12..16, 10-19, 10-20, 10-21
    assert assist_due(D(2026, 9, 28), extended=True, cal=cal, s=S) == Due(D(2026, 10, 21), False)


@pytest.mark.skipif(2027 in library_published_years(), reason="2027 now published in holidays")
def test_assist_due_extension_into_unpublished_year_is_provisional(cal):
    due = assist_due(D(2026, 12, 21), extended=True, cal=cal, s=S)
    assert due.provisional
    assert not assist_due(D(2026, 12, 21), extended=False, cal=cal, s=S).provisional


# --------------------------------------------------------------------------- meetings and operations


def test_agenda_cutoff_and_lateness():
    meeting = D(2026, 11, 20)
    assert agenda_cutoff(meeting, S) == D(2026, 11, 10)
    assert not is_late_submission(D(2026, 11, 9), meeting, S)
    assert not is_late_submission(D(2026, 11, 10), meeting, S)  # on the cutoff day: on time
    assert is_late_submission(D(2026, 11, 11), meeting, S)
    assert agenda_cutoff(meeting, RuleSettings(agenda_cutoff_days=7)) == D(2026, 11, 13)


def test_special_operation_deadlines(cal):
    assert special_op_apply_deadline(D(2026, 11, 20), S) == D(2026, 11, 17)
    # applied Thu 11-05: + 2 = Sat 11-07 -> Mon 11-09
    assert special_op_decision_due(D(2026, 11, 5), cal, S) == Due(D(2026, 11, 9), False)
    assert special_op_decision_due(D(2026, 11, 2), cal, S) == Due(D(2026, 11, 4), False)


# --------------------------------------------------------------------------- lateness


@pytest.mark.parametrize(
    ("due", "as_of", "late", "overdue"),
    [
        (D(2026, 10, 13), D(2026, 10, 12), 0, False),
        (D(2026, 10, 13), D(2026, 10, 13), 0, False),  # due day: still on time
        (D(2026, 10, 13), D(2026, 10, 14), 1, True),
        (D(2026, 10, 13), D(2026, 11, 13), 31, True),
    ],
)
def test_days_late_and_overdue(due, as_of, late, overdue):
    assert days_late(due, as_of) == late
    assert is_overdue(due, as_of) is overdue
