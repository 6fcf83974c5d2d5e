"""Cached reads for the dashboards.

Every cached function takes, besides its own arguments, the database URL and the
*generations* of the areas of data it reads (``data_access.generations``): a counter per
area (referrals, disputes, meetings, agencies, settings …) that every write command moves,
in its own transaction, for the areas it changes. A committed change therefore misses the
cache of exactly the reads that show it, in every session and process, and nothing has to
clear caches by hand; signing in or out and switching the language move nothing, so they
leave every cache warm. Reading the generations is one small query.

The public functions here take plain values and return the query results (dataclasses,
picklable), so pages stay thin: read the filters, call one of these, render.
"""

from __future__ import annotations

from datetime import date
from functools import wraps

import streamlit as st

from data_access import generations as g
from data_access.db import database_url, read_session
from data_access.documents.reminder import ReminderLine, reminder_notice
from data_access.queries import dashboard, disputes, metrics, my_agency, referrals
from data_access.queries import map as town_map
from data_access.queries.overdue import overdue_acknowledgements
from data_access.rulebook import load_rules
from rules.metrics import Period

_TTL = 3600  # the generations already invalidate; this only bounds memory over a day
_ENTRIES = 64

# The areas each cached read depends on. Every read that applies deadlines or thresholds
# depends on the settings too (a changed rule rewrites stored due dates).
_RULES = (g.SETTINGS,)
_AGENCIES = (g.AGENCIES,)
_DASHBOARD = (g.AGENCIES, g.ASSISTANCE, g.DISPUTES, g.MEETINGS, g.REFERRALS, g.SETTINGS)
_REFERRALS = (g.AGENCIES, g.REFERRALS, g.SETTINGS)
_DISPUTES = (g.AGENCIES, g.DISPUTES, g.REFERRALS, g.SETTINGS)

Gens = tuple[tuple[str, int], ...]  # ((area, generation), …): hashable, part of the cache key


def _key(areas: tuple[str, ...]) -> tuple[str, Gens]:
    url = database_url()
    with read_session() as session:
        now = g.current(session)
    return url, tuple((area, now[area]) for area in areas)


def _settings_gen(gens: Gens) -> int:
    return dict(gens)[g.SETTINGS]


def _cached(areas: tuple[str, ...], *, max_entries: int = _ENTRIES):
    """Cache a read under the database URL and the current generations of ``areas`` besides
    its own arguments: the decorated ``read(url, gens, *args)`` is called as ``read(*args)``
    (keywords allowed)."""

    def decorate(read):
        kept = st.cache_data(show_spinner=False, ttl=_TTL, max_entries=max_entries)(read)

        @wraps(read)
        def now(*args, **kwargs):
            return kept(*_key(areas), *args, **kwargs)

        return now

    return decorate


# --------------------------------------------------------------------------- rules


@st.cache_resource(show_spinner=False, max_entries=8)
def _rules(url: str, settings_gen: int):
    # A resource, not data: the calendar is immutable and shared, and its lazily built
    # working-day table is worth keeping between reruns.
    with read_session() as session:
        return load_rules(session)


def rules():
    """(RuleSettings, WorkCalendar) as configured in the database now."""
    url, gens = _key(_RULES)
    return _rules(url, _settings_gen(gens))


def _bounds(url: str, gens: Gens, as_of: date) -> dashboard.LightBounds:
    s, cal = _rules(url, _settings_gen(gens))
    return dashboard.LightBounds.build(as_of, cal, s)


# --------------------------------------------------------------------------- agencies


@_cached(_AGENCIES, max_entries=8)
def agencies(url: str, gens: Gens) -> list[dashboard.AgencyOption]:
    with read_session() as session:
        return dashboard.agency_options(session)


# --------------------------------------------------------------------------- overview


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=_ENTRIES)
def _overview(url: str, gens: Gens, start: date, end: date, as_of: date):
    s, cal = _rules(url, _settings_gen(gens))
    with read_session() as session:
        data = dashboard.overview(session, Period(start, end), as_of, cal, s)
        towns = town_map.town_backlog(
            session, as_of, [row for row in data.backlog if row.kind == "town"]
        )
    return data, towns


def overview(period: Period, as_of: date) -> tuple[dashboard.OverviewData, list[town_map.TownOnMap]]:
    """The overview's figures and the map's towns for ``period`` as of ``as_of``."""
    return _overview(*_key(_DASHBOARD), period.start, period.end, as_of)


# --------------------------------------------------------------------------- metrics


@st.cache_data(show_spinner=False, ttl=_TTL, max_entries=_ENTRIES)
def _period_metrics(url: str, gens: Gens, start: date, end: date, as_of: date) -> metrics.PeriodMetrics:
    with read_session() as session:
        return metrics.period_metrics(session, Period(start, end), as_of)


def period_metrics(period: Period, as_of: date) -> metrics.PeriodMetrics:
    return _period_metrics(*_key(_DASHBOARD), period.start, period.end, as_of)


# --------------------------------------------------------------------------- ledger


@_cached(_REFERRALS)
def ledger_page(url: str, gens: Gens, f: referrals.LedgerFilter, as_of: date, page: int,
                size: int) -> referrals.LedgerPage:
    b = _bounds(url, gens, as_of)
    with read_session() as session:
        return referrals.ledger_page(session, f, b, page, size)


def ledger_rows(f: referrals.LedgerFilter, as_of: date) -> list[referrals.LedgerRow]:
    """The filtered ledger for the export (up to ``referrals.EXPORT_LIMIT`` rows); not cached:
    it runs only when the user clicks the download button."""
    b = _bounds(*_key(_REFERRALS), as_of)
    with read_session() as session:
        return referrals.ledger_rows(session, f, b)


def ledger_export(f: referrals.LedgerFilter, as_of: date) -> bytes:
    """The filtered ledger's sent referrals as the import file (``export referrals`` of the
    command line: importing it gives back the same referrals); built when clicked."""
    from data_access.importing import export_referrals_xlsx

    b = _bounds(*_key(_REFERRALS), as_of)
    with read_session() as session:
        return export_referrals_xlsx(session, where=referrals.ledger_conditions(f, b))


@_cached(_REFERRALS)
def referral_detail(url: str, gens: Gens, referral_id: int, as_of: date) -> referrals.ReferralDetail | None:
    b = _bounds(url, gens, as_of)
    with read_session() as session:
        return referrals.referral_detail(session, referral_id, b)


# --------------------------------------------------------------------------- overdue


@_cached(_REFERRALS)
def overdue(url: str, gens: Gens, as_of: date, agency_id: int | None = None):
    """``data_access.queries.overdue.overdue_acknowledgements``: the CLI report's rows."""
    with read_session() as session:
        return overdue_acknowledgements(session, as_of, agency_id)


def reminder_docx(agency_id: int, agency_name: str, as_of: date) -> bytes:
    """The 催办通知 for one agency (built when the download button is clicked)."""
    s, _ = rules()
    rows = overdue(as_of, agency_id)
    lines = [
        ReminderLine(r.number, r.title, r.from_agency, r.sent_on, r.ack_due_on, r.days_late, r.provisional,
                     sender_contact=" ".join(x for x in (r.from_contact, r.from_phone) if x) or None)
        for r in rows
    ]
    return reminder_notice(agency_name, lines, as_of, issued_on=date.today(), ack_working_days=s.ack_working_days)


# --------------------------------------------------------------------------- disputes


@_cached(_DISPUTES)
def open_disputes(url: str, gens: Gens, as_of: date, agency_id: int | None = None, stage: str | None = None,
                  stalled: bool | None = None) -> list[disputes.OpenDispute]:
    s, _ = _rules(url, _settings_gen(gens))
    with read_session() as session:
        return disputes.open_disputes(session, as_of, s.dispute_stall_days, agency_id, stage=stage, stalled=stalled)


@_cached(_DISPUTES)
def dispute_detail(url: str, gens: Gens, dispute_id: int, as_of: date) -> disputes.DisputeDetail | None:
    with read_session() as session:
        return disputes.dispute_detail(session, dispute_id, as_of)


# --------------------------------------------------------------------------- my agency


@_cached(_DASHBOARD)
def my_agency_view(url: str, gens: Gens, agency_id: int, as_of: date) -> my_agency.MyAgencyView | None:
    b = _bounds(url, gens, as_of)
    with read_session() as session:
        return my_agency.my_agency(session, agency_id, b)


@_cached(_DASHBOARD)
def assistance_waiting(url: str, gens: Gens, agency_id: int, as_of: date, light: str | None = None) -> my_agency.WaitList:
    """The assistance requests waiting for the agency's answer (with ``light`` only)."""
    b = _bounds(url, gens, as_of)
    with read_session() as session:
        return my_agency.assistance_waiting(session, agency_id, b, light=light)
