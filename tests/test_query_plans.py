"""The pages that must stay fast at a million referrals reach the referrals through indexes.

SQLite keeps no statistics (no ``ANALYZE`` is run), so it chooses its plans by rule, the same
on the small test city as on a million referrals: a statement that walks a whole referrals
table here walks it there too. One did: "results reported in the period, by agency" walked
the (to_agency_id, sent_on) index for its GROUP BY order, 4.2 s at 1M, twice per overview,
until ``ix_referrals_result_on`` was added; an agency's page looked for what it awaits through
(to_agency_id, sent_on), the agency's whole history (4 s at 1M for the busiest), until
(to_agency_id, ack_on, sent_on) was added. Every statement of the overview (with its map), the
metrics page, an agency's own page and the overdue report is captured and explained.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event, text

from data_access import db, schema
from data_access.queries import dashboard, metrics, my_agency, overdue
from data_access.queries import map as town_map
from data_access.rulebook import load_rules
from rules.metrics import Period
from sample_data.seed import seed_city

AS_OF = date(2026, 11, 30)
BIG_TABLES = ("referrals", "referral_rounds", "referral_events")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('plans') / 'city.db'}")
    schema.upgrade(engine)
    seed_city(engine, scale=0.3, random_seed=7, as_of=AS_OF)
    yield engine
    engine.dispose()


def _statements(engine, read) -> list[tuple[str, object]]:
    caught: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        caught.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with db.read_session(engine) as session:
            read(session)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return caught


# A search of the referrals bounded only by "sent before the day" (for one agency or all)
# reads their whole history: an agency's page once looked for what it awaits that way.
HISTORY_SEARCH = re.compile(r"SEARCH referrals USING (COVERING )?INDEX \w+ \(((to|from)_agency_id=\? AND )?sent_on<\?\)")


def _history_reads(engine, statements) -> list[str]:
    found = []
    with engine.connect() as conn:
        for statement, parameters in statements:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            for row in plan:
                step = row[-1]
                if any(step.startswith(f"SCAN {table}") for table in BIG_TABLES) or HISTORY_SEARCH.match(step):
                    found.append(f"{step}  ←  {' '.join(statement.split())[:160]}")
    return found


def _overview(session, agency_id):
    s, cal = load_rules(session)
    data = dashboard.overview(session, Period(date(2026, 11, 1), AS_OF), AS_OF, cal, s)
    town_map.town_backlog(session, AS_OF, [row for row in data.backlog if row.kind == "town"])


def _metrics(session, agency_id):
    metrics.period_metrics(session, Period(date(2026, 1, 1), AS_OF), AS_OF)


def _agency_page(session, agency_id):
    s, cal = load_rules(session)
    my_agency.my_agency(session, agency_id, dashboard.LightBounds.build(AS_OF, cal, s))


def _overdue_report(session, agency_id):
    overdue.overdue_acknowledgements(session, AS_OF)


@pytest.mark.parametrize("read", [_overview, _metrics, _agency_page, _overdue_report],
                         ids=["overview", "metrics", "agency", "overdue"])
def test_no_statement_reads_the_whole_history(city, read):
    with city.connect() as conn:  # the busiest receiver: the agency page with the most rows
        busiest = conn.execute(text(
            "SELECT to_agency_id FROM referrals GROUP BY to_agency_id ORDER BY count(*) DESC LIMIT 1")).scalar()
    statements = _statements(city, lambda session: read(session, busiest))
    assert len(statements) > 3
    assert _history_reads(city, statements) == []
