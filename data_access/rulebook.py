"""The rules as configured in this database: settings and the working-day calendar.

``RuleSettings`` start from DOMAIN.md's defaults, overridden by the office's rows in
``rule_settings``; the calendar is ``holidays``' China calendar overridden by the office's
``calendar_overrides`` and ``calendar_years``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.models import CalendarOverride, CalendarYear, RuleSetting
from rules.calendar import WorkCalendar
from rules.settings import RuleSettings


def load_settings(session: Session) -> RuleSettings:
    rows = session.execute(select(RuleSetting.key, RuleSetting.value)).all()
    return RuleSettings.from_mapping({k: v for k, v in rows})


def load_calendar(session: Session) -> WorkCalendar:
    overrides = dict(session.execute(select(CalendarOverride.day, CalendarOverride.working)).all())
    years = session.execute(select(CalendarYear.year)).scalars().all()
    return WorkCalendar(overrides=overrides, confirmed_years=years)


def load_rules(session: Session) -> tuple[RuleSettings, WorkCalendar]:
    return load_settings(session), load_calendar(session)
