"""rules.meetings: the clock of the item on the projector; and the meeting rules kept in
rules.deadlines (agenda lateness) and rules.metrics (the all-weights-zero fallback)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from rules.deadlines import agenda_cutoff, is_after_cutoff, is_late_submission
from rules.meetings import countdown
from rules.settings import RuleSettings

START = datetime(2026, 11, 30, 14, 0, 0)


def test_no_clock_before_the_item_is_on_screen():
    assert countdown(None, 10, START) is None


@pytest.mark.parametrize(
    ("elapsed", "label", "over"),
    [(0, "10:00", False), (61, "08:59", False), (600, "00:00", False), (601, "+00:01", True),
     (600 + 75, "+01:15", True)],
)
def test_the_clock_counts_down_then_up(elapsed, label, over):
    c = countdown(START, 10, START + timedelta(seconds=elapsed))
    assert (c.label, c.overrun, c.remaining_seconds) == (label, over, 600 - elapsed)


def test_a_clock_read_before_its_start_shows_nothing_elapsed():
    c = countdown(START, 5, START - timedelta(seconds=3))
    assert (c.elapsed_seconds, c.label) == (0, "05:00")


def test_an_item_submitted_on_the_cutoff_day_is_on_time():
    s = RuleSettings()
    meeting = date(2026, 12, 20)
    cutoff = agenda_cutoff(meeting, s)
    assert cutoff == date(2026, 12, 10)
    assert not is_after_cutoff(cutoff, cutoff) and is_after_cutoff(cutoff + timedelta(days=1), cutoff)
    for day in (cutoff - timedelta(days=1), cutoff, cutoff + timedelta(days=1)):
        assert is_after_cutoff(day, cutoff) == is_late_submission(day, meeting, s)
