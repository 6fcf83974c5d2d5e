"""Cached reads are keyed by a generation per area of data (issue 14 item 8, issue 17 item 4).

Session events (sign-in, failed sign-in, sign-out, language switch) move no generation and
leave every cached read warm; a write moves the generations of the areas it changes and no
other; a write through one engine (process) is seen through another.
"""

from __future__ import annotations

from datetime import date

import pytest
import streamlit as st

from data_access import db, generations as g
from data_access.commands import referrals as referral_commands
from data_access.commands import users
from data_access.db import read_session, write_session
from data_access.queries import dashboard, disputes, metrics, my_agency, referrals
from data_access.queries import map as town_map
from rules.metrics import Period
from tests.support import admin_world, entry_world
from tests.support.admin_world import PASSWORD
from ui import cache

AS_OF = date(2026, 10, 20)
PERIOD = Period(date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture
def world(empty_db):
    st.cache_data.clear()
    st.cache_resource.clear()
    yield admin_world.build(), entry_world.make_world()
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def computed(monkeypatch):
    """Counts how often each query behind ``ui.cache`` really runs."""
    calls: dict[str, int] = {}

    def counting(owner, name):
        real = getattr(owner, name)

        def wrapper(*args, **kwargs):
            calls[name] = calls.get(name, 0) + 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)

    for owner, name in [
        (dashboard, "overview"), (dashboard, "agency_options"), (metrics, "period_metrics"),
        (referrals, "ledger_page"), (referrals, "referral_detail"), (cache, "overdue_acknowledgements"),
        (disputes, "open_disputes"), (disputes, "dispute_detail"), (my_agency, "my_agency"),
        (cache, "load_rules"), (town_map, "town_backlog"),
    ]:
        counting(owner, name)
    return calls


def read_everything(agency_id: int) -> None:
    cache.rules()
    cache.agencies()
    cache.overview(PERIOD, AS_OF)
    cache.period_metrics(PERIOD, AS_OF)
    cache.ledger_page(referrals.LedgerFilter(), AS_OF, 0, 20)
    cache.referral_detail(1, AS_OF)
    cache.overdue(AS_OF, None)
    cache.open_disputes(AS_OF, None)
    cache.dispute_detail(1, AS_OF)
    cache.my_agency_view(agency_id, AS_OF)


def generations_now(engine=None) -> dict[str, int]:
    with read_session(engine) as s:
        return g.current(s)


def test_session_events_leave_every_cached_read_warm(world, computed):
    people, _ = world
    head = people.users["head_a"]
    read_everything(head.agency_id)
    cold = dict(computed)
    assert set(cold) == {
        "overview", "agency_options", "period_metrics", "ledger_page", "referral_detail",
        "overdue_acknowledgements", "open_disputes", "dispute_detail", "my_agency", "load_rules",
        "town_backlog",
    }
    read_everything(head.agency_id)
    assert computed == cold  # warm: nothing recomputed
    before = generations_now()

    with write_session() as s:  # sign-in
        assert users.check_login(s, "head_a", PASSWORD).user is not None
    with write_session() as s:  # failed sign-ins, up to the lock
        for _ in range(6):
            assert users.check_login(s, "head_b", "wrong").user is None
    with write_session() as s:
        users.set_language(head, "en", uow=s)
    with write_session() as s:
        users.record_logout(head, uow=s)

    assert generations_now() == before
    read_everything(head.agency_id)
    assert computed == cold, "a session event made a cached read recompute"


def test_a_referral_write_moves_the_referral_generation_only_and_misses_its_reads(world, computed):
    people, places = world
    read_everything(people.users["head_a"].agency_id)
    cold = dict(computed)
    before = generations_now()

    referral_commands.create_referral(entry_world.OFFICE, **entry_world.valid_referral(places))

    after = generations_now()
    assert after[g.REFERRALS] == before[g.REFERRALS] + 1
    assert {area: n for area, n in after.items() if area != g.REFERRALS} == \
        {area: n for area, n in before.items() if area != g.REFERRALS}
    assert after[g.MEETINGS] == before[g.MEETINGS]

    # The reads of other areas stay warm ...
    cache.agencies()
    cache.rules()
    assert computed == cold
    # ... those of referrals are recomputed, once each.
    read_everything(people.users["head_a"].agency_id)
    for name in ("overview", "period_metrics", "ledger_page", "overdue_acknowledgements", "my_agency"):
        assert computed[name] == cold[name] + 1, name
    assert computed["load_rules"] == cold["load_rules"]


def test_a_write_in_one_process_shows_in_another(world):
    _, places = world
    other = db.make_engine(str(db.get_engine().url.render_as_string(hide_password=False)))
    try:
        seen = generations_now(other)
        referral_commands.create_referral(entry_world.OFFICE, **entry_world.valid_referral(places))
        now = generations_now(other)
        assert now[g.REFERRALS] == seen[g.REFERRALS] + 1
        assert now[g.MEETINGS] == seen[g.MEETINGS]
    finally:
        other.dispose()


def test_the_one_mapping_from_action_to_areas():
    for event in ("user.login", "user.login_failed", "user.locked", "user.logout", "user.language"):
        assert g.areas_for(event) == ()
    assert g.areas_for("referral.acknowledge") == (g.REFERRALS,)
    assert g.areas_for("import.referrals") == (g.REFERRALS,)
    assert g.areas_for("agenda.approve") == (g.MEETINGS,)
    assert g.areas_for("decision.record") == (g.MEETINGS,)
    assert g.areas_for("dispute.advance") == (g.DISPUTES,)
    assert g.areas_for("agency.edit") == (g.AGENCIES,)
    assert g.SETTINGS in g.areas_for("settings.save") and g.REFERRALS in g.areas_for("calendar.save_year")
    # An action nobody mapped moves everything: colder caches, never stale ones.
    assert g.areas_for("something.new") == tuple(sorted(g.AREAS))


def test_every_audited_action_in_the_code_is_mapped():
    """A new command's action must be placed in an area (else it empties every cache)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "data_access"
    pattern = re.compile(r'"((?:referral|assist|operation|dispute|meeting|agenda|attendance|decision|agency|user'
                         r'|settings|calendar|import|responsibility|attachment|channel|notice|notify|report|setting)\.[a-z_]+)"')
    found = {m for path in root.rglob("*.py") for m in pattern.findall(path.read_text(encoding="utf-8"))}
    assert "referral.create" in found and "user.login" in found
    unmapped = sorted(a for a in found if g.areas_for(a) == tuple(sorted(g.AREAS))
                      and not a.startswith(("settings.", "calendar.")))
    # import.ledger is a permission name, not an audited action.
    assert unmapped in ([], ["import.ledger"]), unmapped


def test_seeding_moves_every_generation(empty_db):
    from sample_data.seed import seed_city

    before = generations_now()
    seed_city(empty_db, scale=0.05, random_seed=3)
    after = generations_now()
    assert all(after[area] > before[area] for area in g.AREAS), (before, after)
