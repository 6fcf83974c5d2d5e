"""Rules of the meeting itself: the clock of the item on the projector.

An item is allotted whole minutes on the agenda; its clock starts when the operator puts it
on the projector. The clock shows the time left as ``mm:ss`` and, once the allotted time is
used up, the time over as ``+mm:ss``; an item is over time from its first second past the
allotment (exactly on time is not over).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["Countdown", "countdown"]


@dataclass(frozen=True)
class Countdown:
    allotted_seconds: int
    elapsed_seconds: int

    @property
    def remaining_seconds(self) -> int:
        return self.allotted_seconds - self.elapsed_seconds

    @property
    def overrun(self) -> bool:
        return self.remaining_seconds < 0

    @property
    def label(self) -> str:
        """``mm:ss`` left, or ``+mm:ss`` over time."""
        left = self.remaining_seconds
        m, sec = divmod(abs(left), 60)
        return f"{'+' if left < 0 else ''}{m:02d}:{sec:02d}"


def countdown(started_at: datetime | None, minutes: int, now: datetime) -> Countdown | None:
    """The item's clock: allotted minutes against the time since it was put on screen
    (``None`` while it has not been put on screen; a clock read before its start, as a
    slightly fast machine may, shows no time elapsed)."""
    if started_at is None:
        return None
    return Countdown(minutes * 60, max(0, int((now - started_at).total_seconds())))
