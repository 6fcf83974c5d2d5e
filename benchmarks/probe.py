"""One measurement, run in a child process so that its peak memory is its own.

    python -m benchmarks.probe MEASUREMENT REPEAT

Prints one JSON object: ``{"runs": [seconds, ...], "peak_rss_mb": ...}``. ``DATABASE_URL``
names the database. Page measurements render the page whole with Streamlit's AppTest, as a
signed-in user, the way a browser session would run it.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _apptest(page: str, actor, query: dict | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / page), default_timeout=600)
    at.session_state["actor"] = actor
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at


def _render(page: str, actor, query: dict | None = None) -> None:
    at = _apptest(page, actor, query)
    at.run()
    if at.exception:
        raise RuntimeError(f"{page} raised: {at.exception[0].message}")


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _agency_head():
    from sqlalchemy import func, select

    from data_access.commands.base import Actor
    from data_access.db import read_session
    from data_access.models import Agency, Referral

    with read_session() as s:
        # The busiest receiving town: the head with the most waiting on them.
        agency_id = s.execute(
            select(Referral.to_agency_id)
            .join(Agency, Agency.id == Referral.to_agency_id)
            .where(Agency.kind == "town")
            .group_by(Referral.to_agency_id)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar_one()
    return Actor(username="bench-head", role="head", agency_id=agency_id)


def _projector_query() -> dict:
    from sqlalchemy import select

    from data_access.db import read_session
    from data_access.models import Meeting

    with read_session() as s:
        meeting_id = s.execute(
            select(Meeting.id).where(Meeting.status == "closed").order_by(Meeting.held_on.desc()).limit(1)
        ).scalar_one()
    return {"meeting": str(meeting_id)}


def _overview_queries() -> None:
    """The floor: the overview's SQL alone (what ui.cache runs), without Streamlit."""
    from data_access.db import read_session
    from data_access.queries import dashboard, map as town_map
    from data_access.rulebook import load_rules
    from rules.metrics import Period

    today = date.today()
    period = Period(today.replace(day=1), today)
    with read_session() as session:
        s, cal = load_rules(session)
        data = dashboard.overview(session, period, today, cal, s)
        town_map.town_backlog(session, today, [row for row in data.backlog if row.kind == "town"])


def measure(name: str, repeat: int) -> list[float]:
    from data_access.commands.base import Actor

    chair = Actor(username="chair", role="chair")
    runs: list[float] = []
    if name == "overview_page_warm":
        _clear_caches()
        _render("pages/overview.py", chair)  # fill the caches once
    for _ in range(repeat):
        if name == "overview_page_cold":
            _clear_caches()
            t0 = time.perf_counter()
            _render("pages/overview.py", chair)
        elif name == "overview_page_warm":
            t0 = time.perf_counter()
            _render("pages/overview.py", chair)
        elif name == "agency_page_cold":
            head = _agency_head()
            _clear_caches()
            t0 = time.perf_counter()
            _render("pages/my_agency.py", head)
        elif name == "projector_page_cold":
            query = _projector_query()
            _clear_caches()
            t0 = time.perf_counter()
            _render("pages/projector.py", chair, query)
        elif name == "overview_queries":
            t0 = time.perf_counter()
            _overview_queries()
        elif name == "baseline_pandas_load_referrals":
            import pandas as pd

            from data_access.db import get_engine

            t0 = time.perf_counter()
            with get_engine().connect() as conn:
                frame = pd.read_sql_table("referrals", conn)
            del frame
        else:
            raise SystemExit(f"unknown measurement {name!r}")
        runs.append(time.perf_counter() - t0)
    return runs


def main() -> None:
    name, repeat = sys.argv[1], int(sys.argv[2])
    runs = measure(name, repeat)
    print(json.dumps({"runs": runs, "peak_rss_mb": _peak_rss_mb(), "as_of": date.today().isoformat()}))


if __name__ == "__main__":
    main()
