"""Traffic lights at their boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from rules.calendar import WorkCalendar
from rules.lights import LIGHT_COLORS, LIGHT_LABELS, LIGHT_SYMBOLS, LIGHT_TEXT_COLORS, Light, light_for
from rules.settings import RuleSettings

D = date
S = RuleSettings()
CAL = WorkCalendar()

# Due Tue 2026-10-13. Working days before it: Mon 10-12, Sat 10-10 (make-up), Fri 10-09.


@pytest.mark.parametrize(
    ("as_of", "light"),
    [
        (D(2026, 10, 14), Light.RED),  # the day after: overdue
        (D(2026, 11, 30), Light.RED),
        (D(2026, 10, 13), Light.YELLOW),  # the due day itself: the last working day
        (D(2026, 10, 12), Light.GREEN),  # one working day still remains after today
        (D(2026, 10, 11), Light.GREEN),  # Sunday: (10-11, 10-13] holds two working days
        (D(2026, 9, 1), Light.GREEN),
    ],
)
def test_default_threshold(as_of, light):
    assert light_for(D(2026, 10, 13), as_of, CAL, S) is light


@pytest.mark.parametrize(
    ("as_of", "light"),
    [
        (D(2026, 10, 13), Light.YELLOW),
        (D(2026, 10, 12), Light.YELLOW),  # the last two working days are 10-12 and 10-13
        (D(2026, 10, 11), Light.GREEN),
        (D(2026, 10, 10), Light.GREEN),
    ],
)
def test_two_day_threshold(as_of, light):
    assert light_for(D(2026, 10, 13), as_of, CAL, RuleSettings(yellow_working_days=2)) is light


def test_due_on_a_rest_day():
    # An urgent limit can end on a Sunday (2026-10-18). Fri 10-16 is the last working day.
    assert light_for(D(2026, 10, 18), D(2026, 10, 18), CAL, S) is Light.YELLOW
    assert light_for(D(2026, 10, 18), D(2026, 10, 17), CAL, S) is Light.YELLOW
    assert light_for(D(2026, 10, 18), D(2026, 10, 16), CAL, S) is Light.YELLOW
    assert light_for(D(2026, 10, 18), D(2026, 10, 15), CAL, S) is Light.GREEN
    assert light_for(D(2026, 10, 18), D(2026, 10, 19), CAL, S) is Light.RED


def test_values_and_labels():
    assert Light("red") is Light.RED and Light.GREEN == "green" and str(Light.YELLOW) == "yellow"
    assert LIGHT_LABELS[Light.GREEN] == ("绿灯/正常", "Green / on track")
    assert LIGHT_LABELS[Light.YELLOW][0] == "黄灯/临期"
    assert LIGHT_LABELS[Light.RED][0] == "红灯/超期"
    for table in (LIGHT_LABELS, LIGHT_COLORS, LIGHT_TEXT_COLORS, LIGHT_SYMBOLS):
        assert set(table) == set(Light)
        assert table["red"] == table[Light.RED]  # plain strings work as keys too
    assert len(set(LIGHT_COLORS.values())) == 3 and len(set(LIGHT_SYMBOLS.values())) == 3


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("light", list(Light))
def test_text_on_light_meets_wcag_aa(light):
    assert _contrast(LIGHT_COLORS[light], LIGHT_TEXT_COLORS[light]) >= 4.5
