"""The calendar as numpy arrays, so that a million rows find their dates by indexing.

Every date the seeder handles is a *day index*: the number of days since ``grid.first``.
The grid holds, for each day, whether it is a working day (asked once per day of the
product's own :class:`rules.calendar.WorkCalendar`) and the running count of working days.
From those:

- ``working_days_between(a, b)`` is ``through[b] - through[a]``, the calendar's own
  definition (working days in ``(a, b]``), for a whole column at once;
- the k-th working day after or before a day is one look-up in ``work_idx``.

Due dates are not re-derived here: :meth:`DayGrid.due_table` calls the product's
``rules.deadlines`` function once for each day (there are a few hundred distinct days, as
``WorkCalendar.add_working_days_many`` also exploits), and rows then look their due date up by
day index. The stored values are therefore exactly those every other writer stores through
``data_access.stored_deadlines``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import numpy as np

from rules.calendar import Due, WorkCalendar

#: Times of day for events, on a 9-minute step: morning slots for sending, afternoon slots
#: for answers, so that answers given the same day always come after the sending.
MORNING = [(datetime(2000, 1, 1, 8, 30) + timedelta(minutes=9 * j)).time() for j in range(24)]
AFTERNOON = [(datetime(2000, 1, 1, 13, 30) + timedelta(minutes=9 * j)).time() for j in range(24)]
SLOTS = MORNING + AFTERNOON
N_MORNING = len(MORNING)


def _dt_text(d: date, t: time) -> str:
    # SQLAlchemy's own storage format for DateTime on SQLite (PostgreSQL parses it too).
    return f"{d.isoformat()} {t.hour:02d}:{t.minute:02d}:{t.second:02d}.000000"


class DayGrid:
    """Working-day facts for every day from ``first`` to ``last`` (inclusive)."""

    def __init__(self, cal: WorkCalendar, first: date, last: date, *, text_values: bool):
        self.cal = cal
        self.first = first
        self.n = (last - first).days + 1
        self.days = [first + timedelta(days=i) for i in range(self.n)]
        self.work = np.fromiter((cal.is_working_day(d) for d in self.days), dtype=bool, count=self.n)
        self.through = np.cumsum(self.work, dtype=np.int32)
        self.work_idx = np.flatnonzero(self.work).astype(np.int32)
        self.year = np.fromiter((d.year for d in self.days), dtype=np.int32, count=self.n)
        self.text_values = text_values
        # Value tables end with None, so that index -1 (our "no date") reads as NULL.
        if text_values:
            self.date_values = np.array([d.isoformat() for d in self.days] + [None], dtype=object)
            stamps = [_dt_text(d, t) for d in self.days for t in SLOTS]
        else:
            self.date_values = np.array(self.days + [None], dtype=object)
            stamps = [datetime.combine(d, t) for d in self.days for t in SLOTS]
        self.stamp_values = np.array(stamps + [None], dtype=object)

    # ------------------------------------------------------------------ conversions
    def idx(self, d: date) -> int:
        i = (d - self.first).days
        if not 0 <= i < self.n:
            raise ValueError(f"{d} is outside the seeding calendar ({self.first} + {self.n} days)")
        return i

    def day(self, i: int) -> date:
        return self.days[int(i)]

    def dates(self, idx: np.ndarray) -> np.ndarray:
        """Object array of date values (text or ``date``); -1 gives None."""
        return self.date_values[idx]

    def stamps(self, idx: np.ndarray, slot: np.ndarray) -> np.ndarray:
        """Object array of datetime values at the given day and time slot; day -1 gives None."""
        flat = np.where(idx < 0, -1, idx * len(SLOTS) + slot)
        return self.stamp_values[flat]

    def stamp_value(self, moment: datetime):
        return _dt_text(moment.date(), moment.time()) if self.text_values else moment

    # ------------------------------------------------------------------ arithmetic
    def forward(self, idx: np.ndarray, k: np.ndarray) -> np.ndarray:
        """The k-th working day after each day (the day itself when k == 0)."""
        pos = np.clip(self.through[idx] + k - 1, 0, len(self.work_idx) - 1)
        return np.where(k == 0, idx, self.work_idx[pos])

    def back(self, idx: np.ndarray, k: np.ndarray) -> np.ndarray:
        """The working day d with exactly k working days in (d, day] (the day itself when k == 0)."""
        pos = self.through[idx] - k - 1
        if np.any((k > 0) & (pos < 0)):
            raise ValueError("the seeding calendar starts too late for these discovery dates")
        return np.where(k == 0, idx, self.work_idx[np.maximum(pos, 0)])

    def roll(self, idx: np.ndarray) -> np.ndarray:
        """Each day if it is a working day, else the next working day (clipped to the grid)."""
        idx = np.clip(idx, 0, self.n - 1)
        pos = np.clip(self.through[idx] - self.work[idx], 0, len(self.work_idx) - 1)
        return self.work_idx[pos]

    def working_days_between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Working days in (a, b] for each pair, as ``WorkCalendar.working_days_between``."""
        return np.where(b > a, self.through[b] - self.through[a], 0)

    # ------------------------------------------------------------------ due dates
    def due_table(self, first: int, last: int, due: Callable[[date], Due]) -> tuple[np.ndarray, np.ndarray]:
        """``due(day)`` for every day index in ``first..last``, computed once per day.

        Returns (due day index, provisional flag) arrays over the whole grid; days outside
        ``first..last`` hold -1 / False.
        """
        on = np.full(self.n, -1, dtype=np.int32)
        provisional = np.zeros(self.n, dtype=bool)
        for i in range(first, last + 1):
            d = due(self.days[i])
            on[i] = self.idx(d.on)
            provisional[i] = d.provisional
        return on, provisional
