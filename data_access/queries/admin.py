"""Reads for the administration pages and the login page: users, agencies, the calendar's
years, the rule settings. All small tables; each query returns only what a page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import holidays
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.models import Agency, CalendarOverride, CalendarYear, RuleSetting, User
from rules.calendar import library_published_years
from rules.lifecycle import ROLES
from rules.settings import FIELD_LABELS, RuleSettings

_ROLE_ORDER = {code: i for i, code in enumerate(ROLES)}


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    agency_id: int | None
    agency_name: str | None
    active: bool
    locked_until: datetime | None
    failed_logins: int
    language: str
    version: int


def list_users(session: Session) -> list[UserRow]:
    """Every account, office first, then by role and username."""
    rows = session.execute(
        select(
            User.id, User.username, User.display_name, User.role, User.agency_id, Agency.name,
            User.active, User.locked_until, User.failed_logins, User.language, User.version,
        ).outerjoin(Agency, Agency.id == User.agency_id)
    ).all()
    users = [UserRow(*r) for r in rows]
    users.sort(key=lambda u: (not u.active, _ROLE_ORDER.get(u.role, 99), u.username))
    return users


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    agency_name: str | None


# The login page lists the leaders first (CONTRACT.md: admin, chair, viewer), then the
# agencies' heads and clerks.
_DEMO_ORDER = {"office": 0, "chair": 1, "observer": 2, "head": 3, "clerk": 4}


def demo_accounts(session: Session) -> list[DemoAccount]:
    """The active accounts, for the login page's list in demo mode only."""
    accounts = [
        DemoAccount(u.username, u.display_name, u.role, u.agency_name)
        for u in list_users(session)
        if u.active
    ]
    accounts.sort(key=lambda a: (_DEMO_ORDER.get(a.role, 9), a.username))
    return accounts


@dataclass(frozen=True)
class AgencyRow:
    id: int
    name: str
    short_name: str | None
    kind: str
    contact: str | None
    phone: str | None
    lon: float | None
    lat: float | None
    active: bool
    version: int
    active_users: int


def agencies_with_accounts(session: Session, *, include_inactive: bool = True) -> list[AgencyRow]:
    """Member agencies with the number of active accounts in each, active ones first."""
    users = (
        select(User.agency_id, func.count().label("n"))
        .where(User.active.is_(True), User.agency_id.is_not(None))
        .group_by(User.agency_id)
        .subquery()
    )
    stmt = select(
        Agency.id, Agency.name, Agency.short_name, Agency.kind, Agency.contact, Agency.phone,
        Agency.lon, Agency.lat, Agency.active, Agency.version, func.coalesce(users.c.n, 0),
    ).outerjoin(users, users.c.agency_id == Agency.id)
    if not include_inactive:
        stmt = stmt.where(Agency.active.is_(True))
    rows = [AgencyRow(*r) for r in session.execute(stmt).all()]
    rows.sort(key=lambda a: (not a.active, a.kind, a.name))
    return rows


# ----------------------------------------------------------------------------- calendar


@dataclass(frozen=True)
class YearStatus:
    year: int
    # "library": the holidays library carries the State Council's arrangement;
    # "office": the office entered and confirmed it; "provisional": statutory days only.
    source: str
    rest_days: int  # office entries
    working_days: int
    confirmed_by: str | None = None

    @property
    def provisional(self) -> bool:
        return self.source == "provisional"


def calendar_years(session: Session, years: range) -> list[YearStatus]:
    """Where each year's working days come from, and how many days the office entered."""
    first, last = date(years.start, 1, 1), date(years.stop - 1, 12, 31)
    counts: dict[tuple[int, bool], int] = {}
    for day, working in session.execute(
        select(CalendarOverride.day, CalendarOverride.working).where(
            CalendarOverride.day >= first, CalendarOverride.day <= last
        )
    ).all():
        counts[(day.year, bool(working))] = counts.get((day.year, bool(working)), 0) + 1
    confirmed = dict(session.execute(select(CalendarYear.year, CalendarYear.confirmed_by)).all())
    library = library_published_years()
    out = []
    for y in years:
        source = "office" if y in confirmed else "library" if y in library else "provisional"
        out.append(YearStatus(y, source, counts.get((y, False), 0), counts.get((y, True), 0), confirmed.get(y)))
    return out


@dataclass(frozen=True)
class YearDetail:
    year: int
    rest_days: list[date]
    working_days: list[date]
    confirmed: bool
    in_library: bool
    statutory: list[tuple[date, str]]  # the statutory holidays, as a starting point


def calendar_year_detail(session: Session, year: int) -> YearDetail:
    rows = session.execute(
        select(CalendarOverride.day, CalendarOverride.working)
        .where(CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31))
        .order_by(CalendarOverride.day)
    ).all()
    statutory = sorted(holidays.country_holidays("CN", years=[year], observed=False, language="zh_CN").items())
    return YearDetail(
        year=year,
        rest_days=[d for d, w in rows if not w],
        working_days=[d for d, w in rows if w],
        confirmed=session.get(CalendarYear, year) is not None,
        in_library=year in library_published_years(),
        statutory=statutory,
    )


# ----------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class SettingRow:
    key: str
    label: tuple[str, str]
    default: int
    value: int
    updated_by: str | None
    updated_at: datetime | None

    @property
    def overridden(self) -> bool:
        return self.value != self.default


def rule_settings(session: Session) -> list[SettingRow]:
    """Every setting with its default (DOMAIN.md) and the value in force."""
    stored = {
        r.key: r for r in session.execute(select(RuleSetting)).scalars().all()
    }
    values = RuleSettings.from_mapping({k: r.value for k, r in stored.items()}).to_mapping()
    defaults = RuleSettings().to_mapping()
    return [
        SettingRow(
            key, FIELD_LABELS[key], defaults[key], values[key],
            stored[key].updated_by if key in stored else None,
            stored[key].updated_at if key in stored else None,
        )
        for key in defaults
    ]
