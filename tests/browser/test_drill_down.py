"""Drill-down in Debian's Chromium: every KPI card of the overview and of 本单位, and the first
bar of every chart on the overview, opens the rows behind its figure; on the ledger the list
has exactly as many rows as the figure said, and the filter shows with its remove button."""

from __future__ import annotations

import re
import sqlite3

import pytest

pytestmark = pytest.mark.browser

CARDS = "[class*=st-key-kpi_]"


def _figure(text: str) -> int:
    return int(text.replace(",", "").strip())


def _ledger_total(page) -> int:
    """The ledger's count: its sendings when it shows them ("共 38 件（39 次移送）": a referral
    returned and sent again in the range is two sendings, as the figures count it)."""
    heading = page.get_by_text(re.compile(r"^共 [\d,]+ 件(（[\d,]+ 次移送）)?$")).first
    heading.wait_for(timeout=30_000)
    found = re.fullmatch(r"共 ([\d,]+) 件(?:（([\d,]+) 次移送）)?", heading.inner_text().strip())
    return _figure(found.group(2) or found.group(1))


def _check_opened(page, figure: int, where: str) -> None:
    if page.url.rstrip("/").split("?")[0].endswith("/ledger"):
        assert _ledger_total(page) == figure, where
        assert page.get_by_role("button", name=re.compile("清除筛选")).is_visible(), where
    else:  # a page of its own (disputes, decisions, assistance): it opened without an error
        assert page.locator("[data-testid=stException]").count() == 0, where


def _click_every_card(page, base, home, wait_idle) -> int:
    page.goto(base + home)
    wait_idle(page)
    count = page.locator(CARDS).count()
    for i in range(count):
        page.goto(base + home)
        wait_idle(page)
        card = page.locator(CARDS).nth(i)
        label = card.locator("[data-testid=stMetricLabel]").inner_text()
        figure = _figure(card.locator("[data-testid=stMetricValue]").inner_text())
        card.click()
        page.wait_for_function("u => location.href !== u", arg=base + home, timeout=30_000)
        wait_idle(page)
        _check_opened(page, figure, f"card {label}")
    return count


def test_every_kpi_card_opens_its_rows(live_app, new_page, login, wait_idle):
    page = new_page()
    login(page, "/", "chair")
    assert _click_every_card(page, live_app.base, "/", wait_idle) == 5

    head = _busiest_head(live_app.database_url)
    page = new_page()
    login(page, "/", head)
    assert _click_every_card(page, live_app.base, "/", wait_idle) == 6


def _busiest_head(url: str) -> str:
    """The head of the agency with most referrals waiting for its acknowledgement."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        return db.execute(
            "SELECT u.username FROM referrals r JOIN users u ON u.agency_id = r.to_agency_id AND u.role = 'head'"
            " WHERE r.status = 'sent' GROUP BY u.username ORDER BY count(*) DESC, u.username LIMIT 1"
        ).fetchone()[0]


FIRST_BAR = """(chart) => {
  const gd = chart.querySelector('.js-plotly-plot');
  const trace = gd.data[0];
  const values = trace.orientation === 'h' ? trace.x : trace.y;
  const i = values.findIndex(v => v > 0);
  return [i, values[i]];
}"""


def test_the_first_bar_of_every_chart_opens_its_rows(live_app, new_page, login, wait_idle):
    page = new_page()
    login(page, "/", "chair")
    charts = page.locator("[data-testid=stPlotlyChart]")
    total = charts.count()
    assert total >= 4
    for n in range(total):
        page.goto(live_app.base + "/")
        wait_idle(page)
        chart = page.locator("[data-testid=stPlotlyChart]").nth(n)
        chart.scroll_into_view_if_needed()
        index, figure = chart.evaluate(FIRST_BAR)
        bar = chart.locator(".barlayer .trace").first.locator(".point path").nth(index)
        bar.click(force=True)
        page.wait_for_function("u => location.href !== u", arg=live_app.base + "/", timeout=30_000)
        wait_idle(page)
        _check_opened(page, int(figure), f"chart {n}")


def test_the_filter_is_removable(live_app, new_page, login, wait_idle):
    page = new_page()
    login(page, "/", "chair")
    page.locator(CARDS).nth(2).click()  # 受理告知超期
    page.wait_for_url(re.compile(r"/ledger\?"), timeout=30_000)
    wait_idle(page)
    assert "light=red" in page.url
    page.get_by_role("button", name=re.compile("清除筛选")).click()
    wait_idle(page)
    assert "light=" not in page.url
    assert page.get_by_role("button", name=re.compile("清除筛选")).count() == 0
