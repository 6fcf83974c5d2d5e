"""How much a projector slide may hold: plain rules, no Streamlit.

A slide is laid out for a 1280×720 projector first and scales up with the screen (every size
is a fraction of the width), so what fits at 720p fits at 1080p. Nothing may fall below the
fold and nothing may be cut: a list longer than its place shows its first rows and says how
many more there are ("另有 N 项").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

#: Lines of body text (24 px and up, about 34 px with spacing at 720p) left for a slide's
#: panels under the bar, the item's title and the row of key figures.
PANEL_LINES = 8


def condense(rows: Sequence[T], limit: int) -> tuple[tuple[T, ...], int]:
    """The rows to show and how many are left out. When rows must be left out, one line of
    the place is kept for the "另有 N 项" note, so the shown rows plus that note never take
    more than ``limit`` lines."""
    if limit < 1:
        return (), len(rows)
    if len(rows) <= limit:
        return tuple(rows), 0
    shown = max(limit - 1, 0)
    return tuple(rows[:shown]), len(rows) - shown


def ends(rows: Sequence[T], each: int) -> tuple[tuple[T, ...], tuple[T, ...]]:
    """The first and last ``each`` rows of a ranking (all of them in the first part when
    there are no more than ``2 * each``), so the top and the bottom both show."""
    if len(rows) <= 2 * each:
        return tuple(rows), ()
    return tuple(rows[:each]), tuple(rows[-each:])


#: Characters of an agency's name the report slide's red list has room for at 1280×720 (with
#: eight, the days column's heading was cut at the slide's right edge).
RED_LIST_NAME = 7


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when anything was cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def mmss(seconds: int) -> str:
    """A countdown as ``mm:ss`` (``+mm:ss`` once over time)."""
    m, s = divmod(abs(int(seconds)), 60)
    return f"{'+' if seconds < 0 else ''}{m:02d}:{s:02d}"
