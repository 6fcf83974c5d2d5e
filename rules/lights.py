"""Traffic lights (亮灯预警) for open time-limited items.

For an open item with due date ``due``, seen on day ``as_of``:

- **red** when ``as_of > due``: overdue (the same test as :func:`rules.deadlines.is_overdue`);
- **yellow** when ``as_of <= due`` and fewer than ``s.yellow_working_days`` working days lie
  in ``(as_of, due]``, i.e. ``cal.working_days_between(as_of, due) < s.yellow_working_days``.
  In words: yellow once, after today, fewer than N working days are left up to the due date.
  With the default N = 1 that is the due day itself; on the working day before it one
  working day still remains, so that day is green. With N = 2 the last two working days up
  to the due day are yellow (and any rest days between them). When the due date is a rest
  day (the hour-based urgent limit, or a stored date the office has since made a rest day),
  with N = 1 the last working day before it and the rest days up to it are yellow too;
- **green** otherwise.

A closed item carries no light; callers show lights only for open items.

Colours are taken from the Okabe-Ito palette (distinguishable with the common forms of
colour blindness), darkened where needed so that the paired text colour reaches a contrast
of at least 4.5:1 (WCAG AA) on a projector. Never rely on colour alone: show the label or the
symbol too.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from rules.calendar import WorkCalendar
from rules.settings import RuleSettings

__all__ = ["Light", "light_for", "LIGHT_LABELS", "LIGHT_COLORS", "LIGHT_TEXT_COLORS", "LIGHT_SYMBOLS"]


class Light(StrEnum):
    """The three lights; the values are what is stored and passed around."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


def light_for(due: date, as_of: date, cal: WorkCalendar, s: RuleSettings) -> Light:
    """The light of an open item due on ``due``, as seen on ``as_of`` (see module docs)."""
    if as_of > due:
        return Light.RED
    if cal.working_days_between(as_of, due) < s.yellow_working_days:
        return Light.YELLOW
    return Light.GREEN


#: light -> (Chinese label, English label)
LIGHT_LABELS: dict[Light, tuple[str, str]] = {
    Light.GREEN: ("绿灯/正常", "Green / on track"),
    Light.YELLOW: ("黄灯/临期", "Yellow / due soon"),
    Light.RED: ("红灯/超期", "Red / overdue"),
}

#: light -> background colour (hex). Okabe-Ito bluish green, yellow and vermillion.
LIGHT_COLORS: dict[Light, str] = {
    Light.GREEN: "#006B4F",
    Light.YELLOW: "#F0E442",
    Light.RED: "#A63D00",
}

#: light -> text colour to write on :data:`LIGHT_COLORS` (contrast >= 4.5:1).
LIGHT_TEXT_COLORS: dict[Light, str] = {
    Light.GREEN: "#FFFFFF",
    Light.YELLOW: "#000000",
    Light.RED: "#FFFFFF",
}

#: light -> a shape to show beside the colour, so the light reads without colour.
LIGHT_SYMBOLS: dict[Light, str] = {
    Light.GREEN: "●",
    Light.YELLOW: "▲",
    Light.RED: "■",
}
