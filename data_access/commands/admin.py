"""The joint meeting office's administration: member agencies, the working-day calendar and
the rule settings.

Every command has the shape of all commands (:mod:`data_access.commands.base`): the actor,
plain values, ``expected_version`` for a record it changes, and an optional unit of work
``uow`` (an open write session the caller commits; without it the command commits its own).

Stored deadlines: referrals and assistance requests keep their computed due dates
(``data_access.stored_deadlines``). A change to the calendar or to a time limit changes what
those dates should be, so the commands that make such a change call
:func:`recompute_deadlines` in the same transaction: the dashboards never show a due date the
rules no longer give.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, delete, func, or_, select
from sqlalchemy.orm import Session

from data_access.commands.base import (
    Actor,
    CommandError,
    Message,
    NotFound,
    ValidationFailed,
    join_messages,
    audit,
    authorize,
    check_trail_version,
    check_version,
    snapshot,
    trail_version,
)
from data_access.models import (
    Agency,
    AssistanceRequest,
    Base,
    CalendarOverride,
    CalendarYear,
    Referral,
    RuleSetting,
    User,
)
from data_access.rulebook import load_rules, load_settings
from data_access.stored_deadlines import assistance_deadline_fields, referral_deadline_fields
from data_access.validation import Checks, unit_of_work
from rules.calendar import MAX_YEAR, MIN_YEAR
from rules.lifecycle import AGENCY_KINDS
from rules.settings import FIELD_LABELS, RuleSettings

# ----------------------------------------------------------------------------- agencies


@dataclass(frozen=True)
class AgencySaved:
    id: int
    name: str
    version: int
    active: bool
    active_users: int = 0


_AGENCY_TEXT = {  # field: (max length, Chinese label, English label)
    "name": (100, "单位名称", "Name"),
    "short_name": (40, "简称", "Short name"),
    "contact": (50, "联系人", "Contact person"),
    "phone": (40, "联系电话", "Phone"),
}
# The product serves Chinese cities: a location outside China is a typing mistake
# (longitude and latitude swapped, a missing decimal point).
_LON_RANGE = (73.0, 136.0)
_LAT_RANGE = (3.0, 54.0)


def _kind_code(kind) -> str | None:
    if not isinstance(kind, str):
        return None
    kind = kind.strip()
    if kind in AGENCY_KINDS:
        return kind
    return {zh: code for code, zh in AGENCY_KINDS.items()}.get(kind)


def _clean_agency(session: Session, values: dict, c: Checks, *, exclude_id: int | None = None) -> dict:
    clean: dict = {}
    for key, (limit, zh, en) in _AGENCY_TEXT.items():
        text = values.get(key)
        text = text.strip() if isinstance(text, str) else None
        text = text or None
        if text is not None and len(text) > limit:
            c.add(key, f"{zh}最多{limit}个字。", f"{en}: at most {limit} characters.")
        clean[key] = text
    if not clean["name"]:
        c.add("name", "请填写单位名称。", "Enter the agency's name.")
    elif c.ok("name"):
        clash = session.execute(
            select(Agency.id).where(Agency.name == clean["name"], Agency.id != (exclude_id or -1))
        ).first()
        if clash:
            c.add("name", f"已有名为“{clean['name']}”的单位。", f"An agency named “{clean['name']}” already exists.")
    kind = _kind_code(values.get("kind"))
    if kind is None:
        c.add("kind", "请选择单位类型（部门/镇街/司法机关/牵头单位）。", "Choose the kind of agency.")
    clean["kind"] = kind
    lon, lat = values.get("lon"), values.get("lat")
    if (lon is None) != (lat is None):
        c.add("lat" if lat is None else "lon", "经度和纬度需同时填写。", "Give both longitude and latitude.")
    for key, value, (lo, hi), zh, en in (
        ("lon", lon, _LON_RANGE, "经度", "Longitude"),
        ("lat", lat, _LAT_RANGE, "纬度", "Latitude"),
    ):
        if value is None:
            clean[key] = None
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            c.add(key, f"{zh}必须是数字。", f"{en} must be a number.")
            continue
        if not lo <= number <= hi:
            c.add(key, f"{zh}应在 {lo:g} 到 {hi:g} 之间。", f"{en} must lie between {lo:g} and {hi:g}.")
        clean[key] = number
    return clean


def _load_agency(session: Session, agency_id: int) -> Agency:
    agency = session.get(Agency, agency_id) if isinstance(agency_id, int) else None
    if agency is None:
        raise NotFound(("找不到该单位。", "No such agency."))
    return agency


def _agency_to_change(session: Session, actor: Actor, agency_id: int, expected_version: int | None) -> Agency:
    """The agency the office is about to change: refused unless the actor administers agencies,
    the agency exists and ``expected_version`` (if given) is still current."""
    authorize(actor, "admin.agencies")
    agency = _load_agency(session, agency_id)
    check_version(session, agency, expected_version, (f"单位“{agency.name}”", f"Agency “{agency.name}”"))
    return agency


def _active_users(session: Session, agency_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(User).where(User.agency_id == agency_id, User.active.is_(True))
    ).scalar_one()


def _agency_saved(session: Session, agency: Agency) -> AgencySaved:
    return AgencySaved(agency.id, agency.name, agency.version, agency.active, _active_users(session, agency.id))


def add_agency(
    actor: Actor, *, name: str, kind: str, short_name: str | None = None, contact: str | None = None,
    phone: str | None = None, lon: float | None = None, lat: float | None = None, uow: Session | None = None,
) -> AgencySaved:
    """Add a member agency (its kind as a code or its Chinese label)."""
    with unit_of_work(uow=uow) as session:
        authorize(actor, "admin.agencies")
        c = Checks(date.today())
        clean = _clean_agency(
            session,
            dict(name=name, kind=kind, short_name=short_name, contact=contact, phone=phone, lon=lon, lat=lat),
            c,
        )
        c.done()
        agency = Agency(active=True, **clean)
        session.add(agency)
        session.flush()
        audit(session, actor, "agency.add", "agencies", agency.id, None, snapshot(agency))
        return _agency_saved(session, agency)


def edit_agency(
    actor: Actor, agency_id: int, *, expected_version: int | None, name: str, kind: str,
    short_name: str | None = None, contact: str | None = None, phone: str | None = None,
    lon: float | None = None, lat: float | None = None, uow: Session | None = None,
) -> AgencySaved:
    """Change an agency's details; refused if someone changed it since the form was shown."""
    with unit_of_work(uow=uow) as session:
        agency = _agency_to_change(session, actor, agency_id, expected_version)
        c = Checks(date.today())
        clean = _clean_agency(
            session,
            dict(name=name, kind=kind, short_name=short_name, contact=contact, phone=phone, lon=lon, lat=lat),
            c,
            exclude_id=agency.id,
        )
        c.done()
        before = snapshot(agency)
        for key, value in clean.items():
            setattr(agency, key, value)
        session.flush()
        audit(session, actor, "agency.edit", "agencies", agency.id, before, snapshot(agency))
        return _agency_saved(session, agency)


def set_agency_active(
    actor: Actor, agency_id: int, active: bool, *, expected_version: int | None, uow: Session | None = None,
) -> AgencySaved:
    """Deactivate (or reactivate) an agency. A deactivated agency keeps its history but can
    no longer be chosen in forms. Its users keep their accounts; the result says how many
    are still active so the office can decide about them."""
    with unit_of_work(uow=uow) as session:
        agency = _agency_to_change(session, actor, agency_id, expected_version)
        if agency.active != bool(active):
            before = snapshot(agency)
            agency.active = bool(active)
            session.flush()
            action = "agency.reactivate" if active else "agency.deactivate"
            audit(session, actor, action, "agencies", agency.id, before, snapshot(agency))
        return _agency_saved(session, agency)


def deactivate_agency(
    actor: Actor, agency_id: int, *, expected_version: int | None, uow: Session | None = None
) -> AgencySaved:
    return set_agency_active(actor, agency_id, False, expected_version=expected_version, uow=uow)


def reactivate_agency(
    actor: Actor, agency_id: int, *, expected_version: int | None, uow: Session | None = None
) -> AgencySaved:
    return set_agency_active(actor, agency_id, True, expected_version=expected_version, uow=uow)


def agency_history(session: Session, agency_id: int) -> dict[str, int]:
    """How many rows of each table name the agency (found from the schema's foreign keys,
    so a table added later is covered without touching this code), plus audit rows."""
    counts: dict[str, int] = {}
    agencies = Base.metadata.tables["agencies"]
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is agencies:
                n = session.execute(
                    select(func.count()).select_from(table).where(fk.parent == agency_id)
                ).scalar_one()
                if n:
                    counts[table.name] = counts.get(table.name, 0) + n
    audit_rows = Base.metadata.tables["audit_log"]
    n = session.execute(
        select(func.count()).select_from(audit_rows).where(audit_rows.c.agency_id == agency_id)
    ).scalar_one()
    if n:
        counts["audit_log"] = n
    return counts


def delete_agency(actor: Actor, agency_id: int, *, expected_version: int | None, uow: Session | None = None) -> None:
    """Delete an agency entered by mistake. Refused for any agency with history (a referral,
    a user, a meeting, an audit row …): those are deactivated instead, never deleted."""
    with unit_of_work(uow=uow) as session:
        agency = _agency_to_change(session, actor, agency_id, expected_version)
        history = agency_history(session, agency.id)
        if history:
            raise CommandError(
                (f"“{agency.name}”已有业务记录（{sum(history.values())} 条），不能删除，只能停用。",
                 f"“{agency.name}” has history ({sum(history.values())} records): it can be deactivated, never deleted."),
                "delete",
            )
        before = snapshot(agency)
        session.delete(agency)
        session.flush()
        audit(session, actor, "agency.delete", "agencies", agency_id, before, None)


# ----------------------------------------------------------------------------- calendar


@dataclass(frozen=True)
class Recomputed:
    """How many stored deadlines a calendar or settings change rewrote."""

    referrals: int = 0
    assistance: int = 0


@dataclass(frozen=True)
class CalendarSaved:
    year: int
    rest_days: tuple[date, ...]
    working_days: tuple[date, ...]
    confirmed: bool
    changed: bool
    recomputed: Recomputed


_RANGE_SEP = re.compile(r"\s*(?:~|～|至|到|—|–|\.\.)\s*")


def parse_day_list(text: str, year: int, label: tuple[str, str]) -> tuple[list[date], list[Message]]:
    """Dates from the text the office types: one date or range per line (or separated by
    commas), ``2027-02-15`` or ``2027-02-15 ~ 2027-02-21`` (also 至/到). Returns the dates and
    one message per bad line, in plain words, naming the line."""
    days: list[date] = []
    problems: list[Message] = []
    zh, en = label
    lines = [p.strip() for chunk in (text or "").splitlines() for p in re.split(r"[,，;；、]", chunk)]
    for number, item in enumerate((p for p in lines if p), start=1):
        parts = _RANGE_SEP.split(item)
        try:
            if len(parts) == 1:
                first = last = date.fromisoformat(parts[0])
            elif len(parts) == 2:
                first, last = date.fromisoformat(parts[0]), date.fromisoformat(parts[1])
            else:
                raise ValueError(item)
        except ValueError:
            problems.append(Message(
                f"{zh}第{number}项“{item}”不是日期（格式 2027-02-15，或 2027-02-15~2027-02-21）。",
                f"{en}, item {number} “{item}” is not a date (2027-02-15, or 2027-02-15~2027-02-21).",
            ))
            continue
        if last < first:
            problems.append(Message(
                f"{zh}第{number}项“{item}”结束日早于开始日。", f"{en}, item {number} “{item}” ends before it starts."
            ))
            continue
        if first.year != year or last.year != year:
            problems.append(Message(
                f"{zh}第{number}项“{item}”不在 {year} 年内。", f"{en}, item {number} “{item}” is not in {year}."
            ))
            continue
        if (last - first).days > 31:
            problems.append(Message(
                f"{zh}第{number}项“{item}”超过一个月，请检查。",
                f"{en}, item {number} “{item}” spans more than a month; check it.",
            ))
            continue
        d = first
        while d <= last:
            days.append(d)
            d += timedelta(days=1)
    return sorted(set(days)), problems


def format_day_list(days: Iterable[date]) -> str:
    """The text form of a list of dates, runs of consecutive days as ranges, one per line:
    what :func:`parse_day_list` reads back."""
    ordered = sorted(set(days))
    lines: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] - ordered[j] == timedelta(days=1):
            j += 1
        first, last = ordered[i], ordered[j]
        lines.append(first.isoformat() if first == last else f"{first.isoformat()}~{last.isoformat()}")
        i = j + 1
    return "\n".join(lines)


def _day_set(value, year: int, field: str, label: tuple[str, str], c: Checks) -> list[date]:
    if isinstance(value, str):
        days, problems = parse_day_list(value, year, label)
        if problems:
            merged = join_messages(problems)
            c.add(field, merged.zh, merged.en)
        return days
    days = []
    for d in value or ():
        if isinstance(d, datetime):
            d = d.date()
        if not isinstance(d, date) or d.year != year:
            c.add(field, f"{label[0]}中的 {d} 不在 {year} 年内。", f"{label[1]}: {d} is not in {year}.")
            continue
        days.append(d)
    return sorted(set(days))


def _year_state(session: Session, year: int) -> dict:
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = session.execute(
        select(CalendarOverride.day, CalendarOverride.working)
        .where(CalendarOverride.day >= first, CalendarOverride.day <= last)
        .order_by(CalendarOverride.day)
    ).all()
    confirmed = session.get(CalendarYear, year) is not None
    return {
        "rest_days": [d.isoformat() for d, working in rows if not working],
        "working_days": [d.isoformat() for d, working in rows if working],
        "confirmed": confirmed,
    }


def save_calendar_year(
    actor: Actor, year: int, *, rest_days: Iterable[date] | str, working_days: Iterable[date] | str,
    confirmed: bool, note: str | None = None, expected_version: int | None, uow: Session | None = None,
) -> CalendarSaved:
    """Enter the State Council's arrangement for ``year``: its rest days (holidays, including
    those falling on weekdays by 调休) and its make-up working days (weekend days worked).

    The given lists replace what the office entered for that year before. ``confirmed``
    marks the year as published, so its due dates are no longer provisional. Stored due
    dates whose counting could touch the year are recomputed in the same transaction.
    Dates may be given as ``date`` objects or as the text typed in the form
    (see :func:`parse_day_list`). ``expected_version`` is :func:`calendar_version` as the
    form showed it.
    """
    with unit_of_work(uow=uow) as session:
        authorize(actor, "admin.calendar")
        c = Checks(date.today())
        if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
            raise ValidationFailed({"year": (f"年份应在 {MIN_YEAR}–{MAX_YEAR} 之间。", f"The year must be {MIN_YEAR}-{MAX_YEAR}.")})
        rest = _day_set(rest_days, year, "rest_days", ("休息日", "Rest days"), c)
        work = _day_set(working_days, year, "working_days", ("调休上班日", "Make-up working days"), c)
        both = sorted(set(rest) & set(work))
        if both and c.ok("working_days"):
            listed = "、".join(d.isoformat() for d in both[:5])
            c.add("working_days", f"{listed} 同时填成了休息日和上班日。",
                  f"{listed} are entered both as rest days and as working days.")
        if note is not None and len(note) > 100:
            c.add("note", "备注最多100字。", "The note is at most 100 characters.")
        c.done()

        check_trail_version(session, "calendar_years", year, expected_version,
                            (f"{year} 年的工作日历", f"The calendar of {year}"))
        before = _year_state(session, year)
        after = {
            "rest_days": [d.isoformat() for d in rest],
            "working_days": [d.isoformat() for d in work],
            "confirmed": bool(confirmed),
        }
        if before == after:
            return CalendarSaved(year, tuple(rest), tuple(work), bool(confirmed), False, Recomputed())

        first, last = date(year, 1, 1), date(year, 12, 31)
        session.execute(delete(CalendarOverride).where(CalendarOverride.day >= first, CalendarOverride.day <= last))
        now = datetime.now().replace(microsecond=0)
        note = (note or "").strip() or f"{year} 年国务院放假安排"
        session.add_all(
            [CalendarOverride(day=d, working=False, note=note, entered_by=actor.username, entered_at=now) for d in rest]
            + [CalendarOverride(day=d, working=True, note=note, entered_by=actor.username, entered_at=now) for d in work]
        )
        row = session.get(CalendarYear, year)
        if confirmed and row is None:
            session.add(CalendarYear(year=year, confirmed_by=actor.username, confirmed_at=now))
        elif not confirmed and row is not None:
            session.delete(row)
        session.flush()
        audit(session, actor, "calendar.save_year", "calendar_years", year, before, after)
        counts = recompute_deadlines(session, first)
        return CalendarSaved(year, tuple(rest), tuple(work), bool(confirmed), True, counts)


# ----------------------------------------------------------------------------- stored deadlines

_BATCH = 20_000


def recompute_deadlines(session: Session, from_date: date | None, *, batch: int = _BATCH) -> Recomputed:
    """Rewrite the stored deadlines that the current calendar and settings give differently.

    ``from_date``: the first day whose status may have changed; only rows whose counting
    window reaches that day are read (a window that ends earlier counts the same days as
    before). ``None`` reads every row (a time limit changed).

    Reads in keyset batches of ``batch`` rows with only the columns the rules need, computes
    each distinct input once, and writes back only the rows that changed with one
    executemany per batch: no ORM object per row, so a province-sized ledger takes seconds.
    The rows' ``version`` is left alone: a recomputed due date is not an edit, and an open
    form on the row must still save.
    """
    session.flush()
    s, cal = load_rules(session)
    return Recomputed(
        referrals=_recompute_referrals(session, s, cal, from_date, batch),
        assistance=_recompute_assistance(session, s, cal, from_date, batch),
    )


def _recompute_referrals(session, s, cal, from_date, batch) -> int:
    t = Referral.__table__
    cols = (
        t.c.id, t.c.discovered_on, t.c.discovered_at, t.c.urgency, t.c.extension_notified,
        t.c.criminal, t.c.sent_on, t.c.ack_on, t.c.round_no,
        t.c.send_due_on, t.c.send_due_at, t.c.ack_due_on, t.c.ack_due_provisional, t.c.ack_workdays,
    )
    window = None
    if from_date is not None:
        window = or_(
            t.c.send_due_on >= from_date,
            t.c.ack_due_on >= from_date,
            t.c.ack_on >= from_date,
            t.c.sent_on >= from_date,
            t.c.discovered_on >= from_date,
        )
    send_memo: dict = {}
    ack_memo: dict = {}

    def send_part(discovered_on, discovered_at, urgent, extension):
        key = (discovered_on, discovered_at if urgent else None, urgent, extension)
        if key not in send_memo:
            fields = referral_deadline_fields(
                cal, s, discovered_on=discovered_on, discovered_at=key[1], urgent=urgent,
                extension_notified=extension, sent_on=None,
            )
            send_memo[key] = (fields["send_due_on"], fields["send_due_at"])
        return send_memo[key]

    def ack_part(sent_on, criminal, ack_on):
        key = (sent_on, criminal, ack_on)
        if key not in ack_memo:
            fields = referral_deadline_fields(
                cal, s, discovered_on=None, criminal=criminal, sent_on=sent_on, ack_on=ack_on
            )
            ack_memo[key] = (fields["ack_due_on"], fields["ack_due_provisional"], fields["ack_workdays"])
        return ack_memo[key]

    update = (
        t.update()
        .where(t.c.id == bindparam("b_id"))
        .values(
            send_due_on=bindparam("b_send"),
            send_due_at=bindparam("b_send_at"),
            ack_due_on=bindparam("b_ack"),
            ack_due_provisional=bindparam("b_prov"),
            ack_workdays=bindparam("b_days"),
        )
    )
    changed_total = 0
    last_id = 0
    while True:
        stmt = select(*cols).where(t.c.id > last_id).order_by(t.c.id).limit(batch)
        if window is not None:
            stmt = stmt.where(window)
        rows = session.execute(stmt).all()
        if not rows:
            break
        last_id = rows[-1].id
        changes = []
        for r in rows:
            send, send_at, ack, prov, days = None, None, None, False, None
            # A later round's sending is not judged (its first round's limit is archived).
            if r.discovered_on is not None and (r.round_no or 1) == 1:
                at = r.discovered_at
                if at is not None and at.date() != r.discovered_on:
                    at = None  # an inconsistent time must not stop the whole recompute
                send, send_at = send_part(r.discovered_on, at, r.urgency == "urgent", bool(r.extension_notified))
            if r.sent_on is not None:
                ack, prov, days = ack_part(r.sent_on, bool(r.criminal), r.ack_on)
            if (send, send_at, ack, bool(prov), days) != (
                r.send_due_on, r.send_due_at, r.ack_due_on, bool(r.ack_due_provisional), r.ack_workdays
            ):
                changes.append({"b_id": r.id, "b_send": send, "b_send_at": send_at, "b_ack": ack,
                                "b_prov": bool(prov), "b_days": days})
        if changes:
            session.execute(update, changes)
            changed_total += len(changes)
        if len(rows) < batch:
            break
    return changed_total


def _recompute_assistance(session, s, cal, from_date, batch) -> int:
    t = AssistanceRequest.__table__
    memo: dict = {}
    update = (
        t.update()
        .where(t.c.id == bindparam("b_id"))
        .values(due_on=bindparam("b_due"), due_provisional=bindparam("b_prov"))
    )
    changed_total = 0
    last_id = 0
    while True:
        stmt = (
            select(t.c.id, t.c.requested_on, t.c.extended, t.c.due_on, t.c.due_provisional)
            .where(t.c.id > last_id)
            .order_by(t.c.id)
            .limit(batch)
        )
        if from_date is not None:
            stmt = stmt.where(or_(t.c.due_on >= from_date, t.c.requested_on >= from_date))
        rows = session.execute(stmt).all()
        if not rows:
            break
        last_id = rows[-1].id
        changes = []
        for r in rows:
            key = (r.requested_on, bool(r.extended))
            if key not in memo:
                fields = assistance_deadline_fields(cal, s, requested_on=r.requested_on, extended=key[1])
                memo[key] = (fields["due_on"], bool(fields["due_provisional"]))
            due, prov = memo[key]
            if (due, prov) != (r.due_on, bool(r.due_provisional)):
                changes.append({"b_id": r.id, "b_due": due, "b_prov": prov})
        if changes:
            session.execute(update, changes)
            changed_total += len(changes)
        if len(rows) < batch:
            break
    return changed_total


# ----------------------------------------------------------------------------- rule settings

#: Settings that change a stored due date; saving a new value recomputes them.
DEADLINE_SETTINGS = frozenset({
    "send_working_days",
    "send_working_days_extended",
    "urgent_send_hours",
    "ack_working_days",
    "criminal_ack_calendar_days",
    "assist_working_days",
    "assist_extension_working_days",
})


@dataclass(frozen=True)
class SettingsSaved:
    changed: dict  # key -> (old, new)
    recomputed: Recomputed


def calendar_version(session: Session, year: int) -> int:
    """The version of ``year``'s calendar a form shows and :func:`save_calendar_year` checks."""
    return trail_version(session, "calendar_years", year)


def settings_version(session: Session) -> int:
    """The version of the rule settings a form shows and :func:`save_rule_settings` checks."""
    return trail_version(session, "rule_settings")


def save_rule_settings(
    actor: Actor, values: Mapping[str, object], *, expected_version: int | None, uow: Session | None = None
) -> SettingsSaved:
    """Save the office's time limits and thresholds (any subset of ``RuleSettings``' fields).

    Every value is checked on its own, so the form shows every bad field at once. Only values
    that differ from DOMAIN.md's defaults are stored; setting a value back to its default
    removes the override. If a time limit changed, every stored due date is recomputed in
    the same transaction. ``expected_version`` is :func:`settings_version` as the form showed it.
    """
    with unit_of_work(uow=uow) as session:
        authorize(actor, "admin.settings")
        c = Checks(date.today())
        new_values: dict[str, int] = {}
        for key, value in values.items():
            if key not in FIELD_LABELS:
                c.add(key, f"未知的参数 {key}。", f"Unknown setting {key}.")
                continue
            try:
                new_values[key] = getattr(RuleSettings.from_mapping({key: value}), key)
            except ValueError as exc:
                c.refusal(key, exc)
        c.done()
        check_trail_version(session, "rule_settings", None, expected_version, ("规则参数", "The rule settings"))

        current = load_settings(session).to_mapping()
        try:  # rules across settings (not all full marks or weights 0)
            RuleSettings.from_mapping({**current, **new_values})
        except ValueError as exc:
            c.refusal(next(iter(new_values), "settings"), exc)
            c.done()
        changed = {k: (current[k], v) for k, v in new_values.items() if current[k] != v}
        if not changed:
            return SettingsSaved({}, Recomputed())
        defaults = RuleSettings().to_mapping()
        now = datetime.now().replace(microsecond=0)
        for key, (_old, new) in changed.items():
            row = session.get(RuleSetting, key)
            if new == defaults[key]:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(RuleSetting(key=key, value=str(new), updated_by=actor.username, updated_at=now))
            else:
                row.value, row.updated_by, row.updated_at = str(new), actor.username, now
        session.flush()
        audit(
            session, actor, "settings.save", "rule_settings", None,
            {k: old for k, (old, _new) in changed.items()},
            {k: new for k, (_old, new) in changed.items()},
        )
        counts = Recomputed()
        if DEADLINE_SETTINGS & changed.keys():
            counts = recompute_deadlines(session, None)
        return SettingsSaved(changed, counts)
