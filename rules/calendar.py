"""China's working-day calendar, with the office's own entries on top.

What decides whether a date is a working day, strongest first:

1. **Office overrides** (``overrides``: date -> ``True`` for a make-up working day 调休上班,
   ``False`` for a rest day). What the office enters always wins.
2. **Published years.** A year is published when the ``holidays`` library carries the State
   Council's arrangement for it (for China: the years that are keys of the library's
   ``special_public_holidays`` table, read once at run time, never hard-coded) or when the
   office has entered the arrangement itself and listed the year in ``confirmed_years``.
   For a year the library carries, rest days are the library's holidays for ``"CN"``
   (statutory days, in-lieu days and substituted days off) plus Saturdays and Sundays,
   except the weekend days the library lists in ``weekend_workdays`` (make-up working
   days). For a year only the office confirmed, the base is the statutory holidays plus
   weekends, as in (3), and the office's overrides supply the rest of the arrangement.
3. **Unpublished years** (the arrangement is announced each November or December): the
   statutory holidays alone (``observed=False``: no in-lieu or make-up days are guessed),
   Saturdays and Sundays as rest days. Every date in such a year is *provisional*, and a due
   date whose counting touched such a year is flagged provisional.

Counting (DOMAIN.md, "How days are counted"): the day of the event is not counted; a limit
of N working days ends on the N-th working day after it. A limit in calendar days that ends
on a rest day moves to the next working day.

Speed: the calendar keeps, per range of years, one table built lazily and widened when a
date outside it is asked for: a flag per day, the running count of working days up to each
day and the sorted list of working days. ``add_working_days`` is then two list look-ups
(O(1)), and ``add_working_days_many`` answers each distinct start date once (there are only
a few thousand distinct dates in any realistic data set), so a million rows take well
under a second. The table is replaced whole under a lock, so a calendar can be shared
between threads (Streamlit sessions).

A ``WorkCalendar`` is immutable: when the office changes overrides or confirms a year,
build a new one.

Supported years: 1950-2100, the range for which the ``holidays`` library knows China's
statutory (including lunar) holidays. A date outside it raises ``ValueError``.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

__all__ = [
    "Due",
    "WorkCalendar",
    "MIN_YEAR",
    "MAX_YEAR",
    "library_published_years",
]

#: First and last year the calendar can answer for.
MIN_YEAR = 1950
MAX_YEAR = 2100

# How many years to build beyond the one asked for, so that ordinary use (due dates a few
# weeks ahead, reports over the last year or two) rarely widens the table.
_MARGIN_BEFORE = 1
_MARGIN_AFTER = 2


@dataclass(frozen=True, slots=True)
class Due:
    """A due date and whether it rests on a provisional (not yet published) calendar.

    ``on`` is the last day on which the act is on time: an item is overdue on ``as_of``
    when ``on < as_of``. ``provisional`` is ``True`` when a day that decided ``on`` lies in
    a year whose official holiday arrangement is not yet known (see :class:`WorkCalendar`).
    """

    on: date
    provisional: bool = False


@lru_cache(maxsize=1)
def library_published_years() -> frozenset[int]:
    """Years for which the installed ``holidays`` library has China's official arrangement.

    These are the keys of the ``special_public_holidays`` table of the library's China
    calendar (the State Council's yearly notice: substituted days off and make-up working
    days). Read once per process from the installed version, so upgrading ``holidays``
    after a new notice is all it takes to publish a new year.
    """
    from holidays.countries import china

    for holder in ("China", "ChinaStaticHolidays"):
        table = getattr(getattr(china, holder, None), "special_public_holidays", None)
        if table:
            return frozenset(int(y) for y in table)
    return frozenset()


@lru_cache(maxsize=64)
def _library_days(years: tuple[int, ...]) -> tuple[frozenset[date], frozenset[date]]:
    """(rest days, make-up working days) of the library's full arrangement for ``years``.

    Cached: every calendar built with new overrides reuses the library's answer.
    """
    if not years:
        return frozenset(), frozenset()
    lib = holidays.country_holidays("CN", years=list(years))
    return frozenset(lib.keys()), frozenset(lib.weekend_workdays)


@lru_cache(maxsize=64)
def _statutory_days(years: tuple[int, ...]) -> frozenset[date]:
    """The statutory holidays alone (no in-lieu or make-up days) for ``years``."""
    if not years:
        return frozenset()
    return frozenset(holidays.country_holidays("CN", years=list(years), observed=False).keys())


def _as_date(d: date) -> date:
    """Accept ``date`` (and ``datetime``, cut to its date); refuse anything else."""
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    raise TypeError(f"需要日期 / a date is required, got {d!r}")


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(
            f"工作日历只支持 {MIN_YEAR}–{MAX_YEAR} 年，{year} 年超出范围。 / "
            f"The working-day calendar covers {MIN_YEAR}-{MAX_YEAR}; {year} is outside it."
        )


class _Table:
    """Working-day data for the years ``first_year``..``last_year`` (inclusive).

    Day ``i`` is the date with ordinal ``base + i``.
    - ``work[i]``: 1 when day ``i`` is a working day, else 0.
    - ``through[i]``: number of working days among days ``0..i`` (inclusive).
    - ``work_ords``: ordinals of the working days, ascending; working day number ``k``
      (1-based, counted from ``base``) is ``work_ords[k - 1]``.
    """

    __slots__ = ("first_year", "last_year", "base", "end", "work", "through", "work_ords")

    def __init__(self, first_year: int, last_year: int, work: list[int]):
        self.first_year = first_year
        self.last_year = last_year
        self.base = date(first_year, 1, 1).toordinal()
        self.end = date(last_year, 12, 31).toordinal()
        self.work = work
        through: list[int] = []
        work_ords: list[int] = []
        count = 0
        base = self.base
        for i, flag in enumerate(work):
            if flag:
                count += 1
                work_ords.append(base + i)
            through.append(count)
        self.through = through
        self.work_ords = work_ords

    def covers(self, first_year: int, last_year: int) -> bool:
        return self.first_year <= first_year and last_year <= self.last_year


class WorkCalendar:
    """Working days in China, per the State Council's arrangement and the office's entries.

    ``overrides`` maps a date to ``True`` (a working day, e.g. a make-up day 调休上班) or
    ``False`` (a rest day); they always win. ``confirmed_years`` lists years whose official
    arrangement the office has entered: they count as published (not provisional) even when
    the ``holidays`` library does not yet carry them. See the module docstring for the rules.
    """

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        confirmed_years: Iterable[int] = (),
    ):
        clean: dict[date, bool] = {}
        for key, value in (overrides or {}).items():
            clean[_as_date(key)] = bool(value)
        self._overrides = MappingProxyType(clean)
        self._confirmed = frozenset(int(y) for y in confirmed_years)
        self._library_years = library_published_years()
        self._published = frozenset(self._library_years | self._confirmed)
        self._lock = threading.Lock()
        self._table: _Table | None = None

    # ----------------------------------------------------------------- description
    @property
    def overrides(self) -> Mapping[date, bool]:
        """The office's entries (read-only view)."""
        return self._overrides

    @property
    def confirmed_years(self) -> frozenset[int]:
        """Years the office has confirmed (entered the official arrangement for)."""
        return self._confirmed

    def published_years(self) -> set[int]:
        """Years with a known official arrangement: the library's years and confirmed ones."""
        return set(self._published)

    def __reduce__(self):
        # Pickle (e.g. Streamlit's cache_data) only what defines the calendar; the table and
        # the lock are rebuilt on the other side.
        return (type(self), (dict(self._overrides), tuple(sorted(self._confirmed))))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkCalendar):
            return NotImplemented
        return self._overrides == other._overrides and self._confirmed == other._confirmed

    def __hash__(self) -> int:
        return hash((frozenset(self._overrides.items()), self._confirmed))

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(overrides={len(self._overrides)} dates, "
            f"confirmed_years={sorted(self._confirmed)})"
        )

    # ----------------------------------------------------------------- table building
    def _table_for(self, first_year: int, last_year: int) -> _Table:
        """A table covering at least ``first_year``..``last_year`` (clamped to the range)."""
        first_year = max(first_year, MIN_YEAR)
        last_year = min(last_year, MAX_YEAR)
        table = self._table
        if table is not None and table.covers(first_year, last_year):
            return table
        with self._lock:
            table = self._table
            if table is not None and table.covers(first_year, last_year):
                return table
            lo = first_year - _MARGIN_BEFORE
            hi = last_year + _MARGIN_AFTER
            if table is not None:
                lo = min(lo, table.first_year)
                hi = max(hi, table.last_year)
            lo, hi = max(lo, MIN_YEAR), min(hi, MAX_YEAR)
            table = _Table(lo, hi, self._work_flags(lo, hi))
            self._table = table
            return table

    def _work_flags(self, first_year: int, last_year: int) -> list[int]:
        """One flag per day of ``first_year``..``last_year``: 1 working day, 0 rest day."""
        years = range(first_year, last_year + 1)
        lib_years = [y for y in range(first_year - 1, last_year + 2) if y in self._library_years]
        other_years = [y for y in years if y not in self._library_years]

        lib_rest, makeup = _library_days(tuple(lib_years))
        stat_rest = _statutory_days(tuple(other_years))

        library_years = self._library_years
        overrides = self._overrides
        flags: list[int] = []
        day = date(first_year, 1, 1)
        last = date(last_year, 12, 31)
        one = timedelta(days=1)
        while day <= last:
            if day in overrides:
                working = overrides[day]
            elif day.year in library_years:
                if day.weekday() >= 5:
                    working = day in makeup and day not in lib_rest
                else:
                    working = day not in lib_rest
            else:
                working = day.weekday() < 5 and day not in stat_rest
            flags.append(1 if working else 0)
            day += one
        return flags

    def _index(self, d: date, *, ahead_years: int = 0) -> tuple[_Table, int]:
        """The table and the index of ``d`` in it, the table reaching ``ahead_years`` past d."""
        _check_year(d.year)
        table = self._table_for(d.year, d.year + ahead_years)
        return table, d.toordinal() - table.base

    def _any_provisional(self, first_ord: int, last_ord: int) -> bool:
        """Whether any date with ordinal in ``first_ord..last_ord`` is in a provisional year."""
        if last_ord < first_ord:
            return False
        y0 = date.fromordinal(first_ord).year
        y1 = date.fromordinal(last_ord).year
        published = self._published
        return any(y not in published for y in range(y0, y1 + 1))

    # ----------------------------------------------------------------- questions
    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day (overrides, then the rules for its year)."""
        d = _as_date(d)
        table, i = self._index(d)
        return bool(table.work[i])

    def is_provisional(self, d: date) -> bool:
        """Whether ``d`` lies in a year whose official arrangement is not yet known."""
        return _as_date(d).year not in self._published

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days ``w`` with ``a < w <= b``; 0 when ``b <= a``.

        This is the number of working days "taken" from ``a`` to ``b`` in the sense of
        DOMAIN.md (the first day not counted): for a referral sent on ``a`` and acknowledged
        on ``b``, it is the working days it took.
        """
        a, b = _as_date(a), _as_date(b)
        if b <= a:
            return 0
        _check_year(a.year)
        _check_year(b.year)
        table = self._table_for(a.year, b.year)
        return table.through[b.toordinal() - table.base] - table.through[a.toordinal() - table.base]

    def roll_to_working_day(self, d: date) -> Due:
        """``d`` itself if it is a working day, else the next working day.

        ``provisional`` is ``True`` when ``d`` or any day the roll passed over (up to and
        including the result) lies in a provisional year.
        """
        d = _as_date(d)
        table, i = self._index(d, ahead_years=1)
        while True:
            before = table.through[i] - table.work[i]  # working days strictly before d
            if before < len(table.work_ords):
                due_ord = table.work_ords[before]
                break
            table = self._widen(table)
        return Due(date.fromordinal(due_ord), self._any_provisional(d.toordinal(), due_ord))

    def add_working_days(self, start: date, n: int) -> Due:
        """The ``n``-th working day after ``start`` (``start`` itself is not counted).

        ``n`` must be a whole number >= 0. ``n == 0`` means "no working days to wait": the
        result is ``start`` if it is a working day, else the next working day (exactly
        :meth:`roll_to_working_day`, with the same provisional rule).

        For ``n >= 1``, ``provisional`` is ``True`` when any date in ``(start, due]`` lies
        in a provisional year: a day whose status might still change decided the result.
        """
        n = _check_count(n)
        start = _as_date(start)
        if n == 0:
            return self.roll_to_working_day(start)
        table, i = self._index(start, ahead_years=1 + n // 200)
        while True:
            k = table.through[i] + n  # 1-based number of the due working day in the table
            if k <= len(table.work_ords):
                due_ord = table.work_ords[k - 1]
                break
            table = self._widen(table)
        return Due(date.fromordinal(due_ord), self._any_provisional(start.toordinal() + 1, due_ord))

    def add_calendar_days(self, start: date, n: int) -> Due:
        """``start + n`` calendar days, moved to the next working day if that is a rest day.

        ``n`` may be any whole number (negative counts back). ``provisional`` is ``True``
        when the target date or any day the roll passed over lies in a provisional year;
        the days in between do not matter to a calendar-day limit.
        """
        n = _check_int(n)
        return self.roll_to_working_day(_as_date(start) + timedelta(days=n))

    def add_working_days_many(self, starts: Sequence[date], n: int) -> list[Due]:
        """``[add_working_days(s, n) for s in starts]``, fast for millions of rows.

        Each distinct start date is computed once (there are at most a few tens of thousands
        of distinct dates in the supported range); equal inputs share one ``Due`` object,
        which is safe because ``Due`` is immutable.
        """
        n = _check_count(n)
        distinct = dict.fromkeys(starts)
        if not distinct:
            return []
        plain = [_as_date(d) for d in distinct]
        lo, hi = min(plain), max(plain)
        _check_year(lo.year)
        _check_year(hi.year)
        self._table_for(lo.year, hi.year + 1 + n // 200)  # one build for the whole batch
        memo = {key: self.add_working_days(d, n) for key, d in zip(distinct, plain)}
        return [memo[d] for d in starts]

    def working_days_in(self, first: date, last: date) -> list[date]:
        """All working days ``w`` with ``first <= w <= last`` (handy for charts and tests)."""
        first, last = _as_date(first), _as_date(last)
        if last < first:
            return []
        _check_year(first.year)
        _check_year(last.year)
        table = self._table_for(first.year, last.year)
        ords = table.work_ords
        lo = bisect_right(ords, first.toordinal() - 1)
        hi = bisect_right(ords, last.toordinal())
        return [date.fromordinal(o) for o in ords[lo:hi]]

    def _widen(self, table: _Table) -> _Table:
        """A table reaching further into the future than ``table``; error at the end of range."""
        if table.last_year >= MAX_YEAR:
            raise ValueError(
                f"期限超出工作日历范围（{MAX_YEAR} 年以后）。 / "
                f"The deadline falls after {MAX_YEAR}, beyond the working-day calendar."
            )
        return self._table_for(table.first_year, table.last_year + 5)


def _check_int(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"天数必须是整数 / the number of days must be a whole number, got {n!r}")
    return n


def _check_count(n: int) -> int:
    n = _check_int(n)
    if n < 0:
        raise ValueError(f"工作日数不能为负数 / the number of working days cannot be negative, got {n}")
    return n
