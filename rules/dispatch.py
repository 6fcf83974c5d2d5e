"""Same-day dispatch to a joint operation (seed 003: "接到通知当日内应当派出").

An agency asked to join an operation must send its people on the day it was notified. Its
light: green once dispatched that day; red when dispatched later (late, and it stays late in
the operation's record) or when the day has passed with no dispatch; yellow on the day
itself while nobody has been sent yet.
"""

from __future__ import annotations

from datetime import date

from rules.lights import Light


def dispatch_late(notified_on: date | None, dispatched_on: date | None) -> bool:
    """A dispatch after the day of the notice."""
    return notified_on is not None and dispatched_on is not None and dispatched_on > notified_on


def dispatch_light(notified_on: date | None, dispatched_on: date | None, as_of: date) -> Light | None:
    """The light of one invited agency's dispatch on ``as_of`` (None before any notice)."""
    if notified_on is None:
        return None
    if dispatched_on is not None and dispatched_on <= as_of:
        return Light.RED if dispatch_late(notified_on, dispatched_on) else Light.GREEN
    if as_of > notified_on:
        return Light.RED
    return Light.YELLOW
