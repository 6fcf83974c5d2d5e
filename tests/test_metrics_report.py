"""The published ranking on the sample city and ``report metrics``.

- The sample city's ranking of the month (as the issue's November: the seed's last month
  of data, as of its last day) ranks no agency on fewer judged items than the minimum,
  splits no tie by name, and leaves the office and the judicial bodies out.
- ``python -m data_access report metrics`` prints CONTRACT.md's columns and exactly the
  rows of the metrics page for the same period and day, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from data_access import cli
from data_access.commands.base import Actor
from data_access.db import read_session
from data_access.queries.metrics import REPORT_COLUMNS, metrics_report, period_metrics
from rules.metrics import Period, parse_period, period_code, top_bottom

ROOT = Path(__file__).resolve().parent.parent


def _month(today: date) -> Period:
    return parse_period(f"{today.year}-{today.month:02d}")


def _last_full_month(today: date) -> date:
    """The last day of the month before ``today``'s: a whole month of data, whatever the day
    (on the 1st the current month holds almost nothing to rank)."""
    return today.replace(day=1) - timedelta(days=1)


def test_the_sample_citys_ranking_is_fair(city_db):
    # The sample city is seeded up to today (tests/conftest.py): its last full month.
    as_of = _last_full_month(date.today())
    with read_session(city_db) as session:
        pm = period_metrics(session, _month(as_of), as_of)
    ranking = pm.ranking()
    minimum = pm.scoring.min_items
    assert minimum == 5
    kinds = {r.kind for r in ranking}
    assert kinds <= {"town", "department"}  # the office (牵头单位) and judicial bodies: not listed
    assert any(k == "coordinator" for *_x, k, _a in pm.agencies.values())
    for r in ranking:
        if r.rank is not None:
            assert r.judged >= minimum, f"{r.name} ranked on {r.judged} judged items"
        else:
            assert r.note == "insufficient" and r.judged < minimum
    # towns first, each kind ranked on its own from 1
    assert [r.kind for r in ranking] == sorted((r.kind for r in ranking), key=("town", "department").index)
    for kind in ("town", "department"):
        mine = [r for r in ranking if r.kind == kind and r.rank is not None]
        assert mine and mine[0].rank == 1
        for r in mine:
            assert r.rank == 1 + sum(o.score > r.score for o in mine)  # ties share a place
        top, bottom = top_bottom(mine, 5)
        for r in mine:  # no tie split by name: an agency scoring like a listed one is listed
            assert (r in top) == (r.score >= min(x.score for x in top))
            assert (r in bottom) == (r.score <= max(x.score for x in bottom))
    # the sample city does have ties and agencies with too little to judge
    assert any(a.rank == b.rank for a, b in zip(ranking, ranking[1:]) if a.rank and a.kind == b.kind)
    assert any(r.note for r in ranking)


def _cli_rows(capsys, period: str, as_of: date) -> list[dict[str, str]]:
    code = cli.main(["report", "metrics", "--period", period, "--as-of", as_of.isoformat(), "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines()[0] == ",".join(REPORT_COLUMNS)
    return list(csv.DictReader(io.StringIO(out)))


def test_report_metrics_prints_the_metrics_page(city_db, capsys):
    today = date.today()
    period = _month(today)
    rows = _cli_rows(capsys, period_code(period), today)
    with read_session(city_db) as session:
        assert rows == [
            {c: ("" if v[c] is None else f"{v[c]:.1f}" if isinstance(v[c], float) else str(v[c]))
             for c in REPORT_COLUMNS}
            for v in metrics_report(session, period, today)
        ]
    assert [r["单位类型"] for r in rows] == sorted((r["单位类型"] for r in rows), key=("镇街", "部门").index)
    assert all(r["排名"] == "" or r["排名"].isdigit() for r in rows)
    assert all((r["排名"] == "") == (r["备注"] == "样本不足") for r in rows)

    # The page, for the same period and day, shows the same rows.
    at = AppTest.from_file(str(ROOT / "pages" / "metrics.py"), default_timeout=120)
    at.session_state["actor"] = Actor(username="test-office", role="office")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    tables = [df.value for df in at.dataframe if "排名" in df.value.columns]
    assert len(tables) == 2  # towns, departments
    shown = []
    for kind, frame in zip(("镇街", "部门"), tables):
        for rec in frame.to_dict("records"):
            row = {c: _page_cell(c, rec.get(c)) for c in REPORT_COLUMNS if c != "单位类型"}
            row["单位类型"] = kind
            shown.append({c: row[c] for c in REPORT_COLUMNS})
    assert shown == rows


def _page_cell(column: str, value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if column in ("排名", "移送案件数", "接收移送数", "已反馈办理结果数", "涉及职责争议数", "已解决争议数"):
        return str(int(value))
    if isinstance(value, (int, float)):
        return f"{float(value):.1f}"
    return str(value)


def test_report_metrics_quarter_and_year_and_bad_period(city_db, capsys):
    today = date.today()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    assert len(_cli_rows(capsys, quarter, today)) == len(_cli_rows(capsys, str(today.year), today)) > 20
    code = cli.main(["report", "metrics", "--period", "2026-13", "--as-of", today.isoformat()])
    _out, err = capsys.readouterr()
    assert code == 2 and "2026-Q4" in err
