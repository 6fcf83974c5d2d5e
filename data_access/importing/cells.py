"""Parsing single cells: dates (with an optional time), 是/否, the enumerations, numbers,
lengths. Each parser returns the value or raises :class:`BadCell` whose message (Chinese /
English) is shown to the user as is."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from data_access.importing.columns import NO, YES, Column


class BadCell(ValueError):
    """A cell value that cannot be used; the message is shown as is."""


_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


def cell_text(value) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates in ISO form."""
    if type(value) is str:
        return (value.replace("\u3000", " ") if "\u3000" in value else value).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def parse_moment(value, *, allow_time: bool) -> tuple[date, datetime | None]:
    """(date, time of day if given) from a cell; ``BadCell`` when it is not a valid date."""
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second:
            return value.date(), (value.replace(second=0, microsecond=0) if allow_time else None)
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        # A spreadsheet cell holding a date as its serial number (the column lost its format).
        from openpyxl.utils.datetime import from_excel

        return parse_moment(from_excel(value), allow_time=allow_time)
    text = cell_text(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:  # the usual YYYY-MM-DD, quickly
            return date.fromisoformat(text), None
        except ValueError:
            pass  # the pattern below says what is wrong
    m = _DATE_RE.match(text)
    if not m:
        raise BadCell(
            f"日期“{text}”无法识别，应为 YYYY-MM-DD（如 2026-03-05）"
            + ("，可带时间 HH:MM" if allow_time else "")
            + f"。 / {text!r} is not a date; write YYYY-MM-DD (e.g. 2026-03-05)"
            + (", optionally with HH:MM." if allow_time else ".")
        )
    y, mo, d, hh, mm, _ss = m.groups()
    try:
        day = date(int(y), int(mo), int(d))
    except ValueError:
        raise BadCell(f"日期“{text}”不存在。 / There is no such date as {text!r}.") from None
    if hh is None:
        return day, None
    try:
        moment = datetime(day.year, day.month, day.day, int(hh), int(mm))
    except ValueError:
        raise BadCell(f"时间“{text}”无效。 / {text!r} is not a valid time.") from None
    return day, (moment if allow_time else None)


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise BadCell(f"应填“是”或“否”，而不是“{cell_text(value)}”。 / Write 是 (yes) or 否 (no), not {cell_text(value)!r}.")


def parse_enum(value, codes: Mapping[str, str], allowed_zh: Iterable[str]) -> str:
    text = cell_text(value)
    code = codes.get(text) or codes.get(text.casefold())
    if code is None:
        allowed = "、".join(allowed_zh)
        raise BadCell(f"“{text}”不是可选值，应为：{allowed}。 / {text!r} is not one of: {allowed}.")
    return code


def parse_float(value, low: float, high: float, what_zh: str, what_en: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(cell_text(value))
        except ValueError:
            raise BadCell(f"{what_zh}应为数字，而不是“{cell_text(value)}”。 / The {what_en} must be a number, not {cell_text(value)!r}.") from None
    if not low <= number <= high:
        raise BadCell(f"{what_zh}应在{low:g}到{high:g}之间。 / The {what_en} must be between {low:g} and {high:g}.")
    return number


def check_length(text: str, col: Column) -> str:
    if col.max_length and len(text) > col.max_length:
        raise BadCell(
            f"内容过长：{len(text)}个字，最多{col.max_length}个字。"
            f" / Too long: {len(text)} characters; at most {col.max_length}."
        )
    return text


def agency_key(text: str) -> str:
    return re.sub(r"\s+", "", text)

