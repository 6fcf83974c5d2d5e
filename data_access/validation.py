"""Shared pieces of the data-entry commands: field checks in plain words, numbering, the
transaction runner and the small result every command returns.

A command collects every field error before it refuses (:class:`Checks`), so the form can
show all of them at once next to their fields. The checks also guard the database from
values a form would never send but a script or a bug might (wrong types, control
characters, ids out of range): a command refuses those with a :class:`CommandError` instead
of letting the database fail half-way.

Text limits come from the model's own column lengths (:func:`column_limit`), so a form and
the schema cannot disagree; free-text columns without a length (reasons, summaries, notes)
share :data:`LONG_TEXT_LIMIT`.
"""

from __future__ import annotations

import re
import time as clock
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from sqlalchemy import Engine, String, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from data_access.commands.base import (
    CommandError,
    Message,
    NotFound,
    StaleEdit,
    ValidationFailed,
    as_message,
    audit,
    check_version,
    snapshot,
)
from data_access import health
from data_access.db import write_session
from data_access.models import Agency

T = TypeVar("T")

#: Longest free text (reasons, summaries, notes) a form may save.
LONG_TEXT_LIMIT = 2000
#: No record of this product predates the reform; earlier dates are typing mistakes.
EARLIEST_DATE = date(2000, 1, 1)
#: How far ahead a planned date (an operation's start) may lie.
PLAN_HORIZON_DAYS = 366 * 2
#: Ids are 32-bit integers in both databases; anything else cannot name a record.
_MAX_ID = 2**31 - 1

# Control characters other than tab and newlines cannot be typed into a form and PostgreSQL
# refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Saved:
    """What a command hands back: enough for the confirmation and the next edit."""

    id: int
    number: str
    version: int
    status: str


def column_limit(model, column: str) -> int | None:
    """The declared length of a ``String`` column of ``model`` (None for unbounded text)."""
    col_type = model.__table__.c[column].type
    return col_type.length if isinstance(col_type, String) else None


def is_record_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _MAX_ID


class Checks:
    """Collects field errors; :meth:`done` raises them all as one :class:`ValidationFailed`.

    ``today`` bounds the dates that cannot lie in the future.
    """

    def __init__(self, today: date):
        self.today = today
        self.errors: dict[str, Message] = {}

    def add(self, field: str, zh: str, en: str) -> None:
        # The first problem found for a field is the one worth fixing first.
        self.errors.setdefault(field, Message(zh, en))

    def refusal(self, field: str, exc: Exception) -> None:
        """Add a rule's refusal (a transition the lifecycle forbids) under ``field``."""
        self.errors.setdefault(field, as_message(exc))

    def ok(self, field: str) -> bool:
        return field not in self.errors

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(errors=dict(self.errors))

    # ----------------------------------------------------------------- plain values
    def text(
        self, field: str, value, label: tuple[str, str], *, limit: int | None, required: bool = True,
        multiline: bool = False,
    ) -> str | None:
        zh, en = label
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(field, f"{zh}应为文字", f"{en} must be text")
            return None
        value = value.strip()
        if not value:
            if required:
                self.add(field, f"请填写{zh}", f"Please fill in {en.lower()}")
            return None
        if not multiline and ("\n" in value or "\r" in value):
            self.add(field, f"{zh}只能是一行文字", f"{en} must be a single line")
            return None
        if _CONTROL.search(value):
            self.add(field, f"{zh}含有无法保存的控制字符", f"{en} contains control characters")
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.add(field, f"{zh}含有无法识别的字符", f"{en} contains invalid characters")
            return None
        limit = limit or LONG_TEXT_LIMIT
        if len(value) > limit:
            self.add(
                field,
                f"{zh}太长：最多 {limit} 个字，现有 {len(value)} 个",
                f"{en} is too long: at most {limit} characters, got {len(value)}",
            )
            return None
        return value

    def date(
        self, field: str, value, label: tuple[str, str], *, required: bool = True, future_ok: bool = False,
    ) -> date | None:
        zh, en = label
        if value is None:
            if required:
                self.add(field, f"请填写{zh}", f"Please enter {en.lower()}")
            return None
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            self.add(field, f"{zh}不是有效日期", f"{en} is not a valid date")
            return None
        if value < EARLIEST_DATE:
            self.add(
                field,
                f"{zh}（{value}）早于 {EARLIEST_DATE.year} 年，请检查",
                f"{en} ({value}) is before {EARLIEST_DATE.year}; please check it",
            )
            return None
        if not future_ok and value > self.today:
            self.add(
                field,
                f"{zh}（{value}）不能晚于今天（{self.today}）",
                f"{en} ({value}) cannot be after today ({self.today})",
            )
            return None
        if future_ok and value > self.today + timedelta(days=PLAN_HORIZON_DAYS):
            self.add(
                field,
                f"{zh}（{value}）太远了，最多提前两年",
                f"{en} ({value}) is too far ahead: at most two years",
            )
            return None
        return value

    def time(self, field: str, value, label: tuple[str, str]) -> time | None:
        """An optional time of day (the hour matters only for the 24-hour urgent rule)."""
        if value is None:
            return None
        if isinstance(value, datetime):
            value = value.time()
        if not isinstance(value, time):
            zh, en = label
            self.add(field, f"{zh}不是有效时间", f"{en} is not a valid time")
            return None
        return value.replace(second=0, microsecond=0, tzinfo=None)

    def not_before(
        self, field: str, value: date | None, earlier: date | None, label: tuple[str, str],
        earlier_label: tuple[str, str],
    ) -> None:
        if value is None or earlier is None or not self.ok(field) or value >= earlier:
            return
        self.add(
            field,
            f"{label[0]}（{value}）不能早于{earlier_label[0]}（{earlier}）",
            f"{label[1]} ({value}) cannot be before {earlier_label[1].lower()} ({earlier})",
        )

    def choice(
        self, field: str, value, options: Mapping[str, object], label: tuple[str, str], *, required: bool = True
    ) -> str | None:
        zh, en = label
        if value is None or value == "":
            if required:
                self.add(field, f"请选择{zh}", f"Please choose {en.lower()}")
            return None
        if not isinstance(value, str) or value not in options:
            self.add(field, f"{zh}不在可选范围内", f"{en} is not one of the choices")
            return None
        return value

    def flag(self, field: str, value, label: tuple[str, str]) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.add(field, f"{label[0]}只能是“是”或“否”", f"{label[1]} must be yes or no")
            return False
        return value

    def subset(
        self, field: str, values, options: Iterable[str], label: tuple[str, str]
    ) -> list[str]:
        """A list chosen from ``options``, returned in the options' own order, deduplicated."""
        if values is None:
            return []
        if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple, set, frozenset)):
            self.add(field, f"{label[0]}格式不正确", f"{label[1]} must be a list")
            return []
        options = list(options)
        unknown = [v for v in values if not isinstance(v, str) or v not in options]
        if unknown:
            self.add(field, f"{label[0]}含有未知选项", f"{label[1]} contains unknown items")
            return []
        chosen = set(values)
        return [o for o in options if o in chosen]

    def short_text(
        self, field: str, value: str | None, limit: int, zh: str, en: str, *, required: bool = False
    ) -> str | None:
        """A trimmed text of at most ``limit`` characters, or None when empty (the meeting
        forms' names, places and reasons)."""
        text = (value or "").strip()
        if not text:
            if required:
                self.add(field, f"请填写{zh}。", f"Enter the {en}.")
            return None
        if len(text) > limit:
            self.add(
                field,
                f"{zh}不能超过 {limit} 个字（现为 {len(text)} 个）。",
                f"The {en} may be at most {limit} characters (it has {len(text)}).",
            )
        return text

    # ----------------------------------------------------------------- agencies
    def agency(
        self, session: Session, field: str, value, label: tuple[str, str], *, required: bool = True,
    ) -> Agency | None:
        """An existing, active member agency; deactivated ones cannot be chosen any more."""
        zh, en = label
        if value is None:
            if required:
                self.add(field, f"请选择{zh}", f"Please choose {en.lower()}")
            return None
        if not is_record_id(value):
            self.add(field, f"{zh}不是已登记的成员单位", f"{en} is not a registered member agency")
            return None
        agency = session.get(Agency, value)
        if agency is None:
            self.add(field, f"{zh}不是已登记的成员单位", f"{en} is not a registered member agency")
            return None
        if not agency.active:
            self.add(
                field,
                f"{zh}“{agency.name}”已停用，不能选择",
                f"{en} “{agency.name}” has been deactivated and cannot be chosen",
            )
            return None
        return agency

    def agencies(
        self, session: Session, field: str, values, label: tuple[str, str], *, minimum: int = 0,
    ) -> list[Agency]:
        zh, en = label
        if values is None:
            values = []
        if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple, set, frozenset)):
            self.add(field, f"{zh}格式不正确", f"{en} must be a list")
            return []
        found: list[Agency] = []
        seen: set[int] = set()
        for value in values:
            agency = self.agency(session, field, value, label)
            if agency is None:
                return []
            if agency.id not in seen:
                seen.add(agency.id)
                found.append(agency)
        if len(found) < minimum:
            self.add(field, f"{zh}至少要选 {minimum} 个", f"Choose at least {minimum} for {en.lower()}")
            return []
        return found


    def agency_ids(
        self, session: Session, field: str, ids: Iterable[int], *, allow_inactive: bool = False
    ) -> list[int]:
        """Ids of existing member agencies, deduplicated in the given order; deactivated ones
        are refused unless ``allow_inactive`` (a record that already names them)."""
        wanted = list(dict.fromkeys(int(i) for i in ids))
        found = {a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_(wanted)))} if wanted else {}
        missing = [i for i in wanted if i not in found]
        inactive = [found[i].name for i in wanted if i in found and not found[i].active]
        if missing:
            self.add(field, f"成员单位不存在（编号 {missing}）。", f"Unknown member agency (id {missing}).")
        elif inactive and not allow_inactive:
            self.add(
                field,
                f"以下单位已停用，不能选择：{'、'.join(inactive)}。",
                f"These agencies are deactivated and cannot be chosen: {', '.join(inactive)}.",
            )
        return wanted

def expected_version_ok(value) -> int | None:
    """The version a form showed: None (no check) or a whole number."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise CommandError(("表单版本号无效，请刷新后重试。", "The form's version is invalid; reload and try again."))


def load_for_update(session: Session, model, record_id, label: tuple[str, str]):
    """The record to change, locked against concurrent writers until the commit."""
    if not is_record_id(record_id):
        raise NotFound((f"找不到该{label[0]}。", f"No such {label[1]}."))
    obj = session.get(model, record_id, with_for_update=True)
    if obj is None:
        raise NotFound((f"找不到该{label[0]}（编号 {record_id}）。", f"No {label[1]} with id {record_id}."))
    return obj


def next_number(session: Session, model, prefix: str, width: int) -> str:
    """The next free ``prefix`` + zero-padded serial, e.g. ``YS-2026-000124``: one above the
    highest of the prefix, so numbers imported or typed in are continued, never reused.

    SQLite serialises writers (BEGIN IMMEDIATE), so reading the highest number is enough. On
    PostgreSQL creators write at once, and a lock held to commit would queue them all behind
    each other (issue 17: 460 ms at the median with 20 writers); a sequence per prefix hands
    out serials without waiting (the year's first number makes the sequence, and creators at
    that moment wait for that one commit). The price: a save that fails after taking its
    number leaves that number unused. The unique constraint on ``number`` plus
    :func:`run_write`'s retry catches the rare race with a number written by hand meanwhile.
    """
    column = model.__table__.c.number
    if session.get_bind().dialect.name == "postgresql":
        serial = _serial_from_sequence(session, prefix, _highest_serial(session, column, prefix))
    else:
        serial = _highest_serial(session, column, prefix) + 1
    while True:
        number = f"{prefix}{serial:0{width}d}"
        if session.execute(select(column).where(column == number)).first() is None:
            return number
        serial += 1


def _highest_serial(session: Session, column, prefix: str) -> int:
    # A range on the unique index instead of LIKE, which SQLite would not index; the last 50
    # are read because a number of the prefix need not end in digits ("YS-2026-legacy").
    recent = session.execute(
        select(column).where(column >= prefix, column < prefix + "\x7f").order_by(column.desc()).limit(50)
    ).scalars()
    return max((int(n[len(prefix):]) for n in recent if n[len(prefix):].isdigit()), default=0)


def _serial_from_sequence(session: Session, prefix: str, highest: int) -> int:
    """The next value of the prefix's PostgreSQL sequence (made on first use), moved past
    ``highest`` when numbers were written without it (an import, the seeder)."""
    name = "number_" + re.sub(r"[^a-z0-9]+", "_", prefix.lower()).strip("_")
    if session.execute(text("SELECT to_regclass(:n)"), {"n": name}).scalar() is None:
        try:
            with session.begin_nested():
                session.execute(text(f"CREATE SEQUENCE IF NOT EXISTS {name}"))
        except IntegrityError:
            pass  # another creator made it at the same moment; it is there now
    serial = session.execute(text("SELECT nextval(:n)"), {"n": name}).scalar()
    if serial <= highest:
        serial = session.execute(
            text(f"SELECT setval(:n, greatest(:h, (SELECT last_value FROM {name})) + 1)"),
            {"n": name, "h": highest},
        ).scalar()
    return serial


_CLASH = ("保存时与其他用户的操作冲突，未保存任何内容，请重试。",
          "The save clashed with another user's; nothing was saved. Please try again.")
_CHANGED_UNDERNEATH = ("该记录刚被其他用户修改，您的保存未执行，请刷新后重试。",
                       "The record was just changed by another user; nothing was overwritten. Reload and try again.")


class Busy(CommandError):
    """Another writer held the database, or other sessions every connection of this process,
    for longer than a write waits (and the retries of :func:`run_write` did not get through):
    nothing was saved, trying again later can work."""

    def __init__(self):
        super().__init__(health.BUSY.pair)


#: How long run_write waits before each retry after the database said it was busy.
BUSY_RETRY_SECONDS = (0.2, 0.5)


@contextmanager
def unit_of_work(engine: Engine | None = None, uow: Session | None = None) -> Iterator[Session]:
    """The session a command writes in: its own transaction (committed on leaving), or a
    savepoint of the caller's open unit of work ``uow`` (committed by the caller). A busy
    database (SQLite has already waited its busy timeout) becomes :class:`Busy`."""
    try:
        if uow is None:
            with write_session(engine) as session:
                yield session
        else:
            with uow.begin_nested():
                yield uow
    except StaleDataError:
        raise StaleEdit(_CHANGED_UNDERNEATH) from None
    except (OperationalError, PoolTimeout) as exc:
        if health.is_busy(exc):
            raise Busy() from None
        raise


def run_write(
    work: Callable[[Session], T], engine: Engine | None = None, *, uow: Session | None = None,
    attempts: int = 3,
) -> T:
    """Run ``work`` in one all-or-nothing transaction, retrying when another writer took the
    same number meanwhile, and briefly when the database was busy (then :class:`Busy`); a row
    changed underneath becomes :class:`StaleEdit`.

    ``uow`` is an open write session (:func:`data_access.db.write_session`) that the caller
    commits: the CLI, the importer and tests compose several commands in one transaction that
    way. The command then runs in a savepoint of it, so a refused command leaves the others'
    work in place, and nothing is committed here.
    """
    if uow is not None:
        try:
            with uow.begin_nested():
                return work(uow)
        except IntegrityError:
            raise CommandError(_CLASH) from None
        except StaleDataError:
            raise StaleEdit(_CHANGED_UNDERNEATH) from None
    busy_waits = list(BUSY_RETRY_SECONDS)
    attempt = 0
    while True:
        try:
            with write_session(engine) as session:
                return work(session)
        except IntegrityError:
            attempt += 1
            if attempt >= attempts:
                raise CommandError(_CLASH) from None
        except StaleDataError:
            raise StaleEdit(_CHANGED_UNDERNEATH) from None
        except (OperationalError, PoolTimeout) as exc:
            if not health.is_busy(exc):
                raise
            if not busy_waits:
                raise Busy() from None
            clock.sleep(busy_waits.pop(0))  # the other writer is usually done by then


def moment(day: date | None, at: time | None) -> datetime | None:
    if day is None or at is None:
        return None
    return datetime.combine(day, at)


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def saved(obj) -> Saved:
    status = getattr(obj, "status", None) or getattr(obj, "stage", "")
    return Saved(id=obj.id, number=obj.number, version=obj.version, status=status)


def change_record(
    actor, model, record_id, expected_version, label: tuple[str, str], action: str,
    apply: Callable[[Session, object, Checks], None], *, today: date, engine: Engine | None = None,
    uow: Session | None = None,
) -> Saved:
    """The frame of a command that changes one numbered record: lock it, refuse a stale form,
    let ``apply`` check (into the :class:`Checks`), authorize and change it, then write the
    audit row with the record's state before and after."""
    def work(session: Session) -> Saved:
        expected = expected_version_ok(expected_version)
        obj = load_for_update(session, model, record_id, label)
        check_version(session, obj, expected, (f"{label[0]}{obj.number}", f"{label[1]} {obj.number}"))
        before = snapshot(obj)
        apply(session, obj, Checks(today))
        session.flush()
        audit(session, actor, action, model.__tablename__, obj.id, before, snapshot(obj))
        return saved(obj)

    return run_write(work, engine, uow=uow)
