"""Drill-down in Debian's Chromium: every KPI card of the overview and of 本单位, the first
bar of every chart on the overview, a count of the overview's light board and a town on its
map open the rows behind their figure; the list opened (the ledger, or the list of disputes,
decisions or assistance requests) has exactly as many rows as the figure said, and the filter
shows with its remove button."""

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


def _list_total(page) -> int:
    """The count of a list other than the ledger (disputes, decisions, assistance): "共 7 项"."""
    heading = page.get_by_text(re.compile(r"^共 [\d,]+ 项$")).first
    heading.wait_for(timeout=30_000)
    return _figure(re.fullmatch(r"共 ([\d,]+) 项", heading.inner_text().strip()).group(1))


def _check_opened(page, figure: int, where: str) -> None:
    assert page.locator("[data-testid=stException]").count() == 0, where
    if page.url.rstrip("/").split("?")[0].endswith("/ledger"):
        assert _ledger_total(page) == figure, where
    else:  # a list of its own (disputes, decisions, assistance)
        assert "label=" in page.url, where
        assert _list_total(page) == figure, where
    assert page.get_by_role("button", name=re.compile("清除筛选")).is_visible(), where


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
    charts.first.wait_for(timeout=30_000)  # plotly's component loads after the run has ended
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


@pytest.mark.parametrize("card, page_path, param", [
    (2, "ledger", "light"),  # 受理告知超期
    (3, "disputes", "label"),  # 未结职责争议: the lists other than the ledger show the same banner
])
def test_the_filter_is_removable(live_app, new_page, login, wait_idle, card, page_path, param):
    page = new_page()
    login(page, "/", "chair")
    page.locator(CARDS).nth(card).click()
    page.wait_for_url(re.compile(rf"/{page_path}\?"), timeout=30_000)
    wait_idle(page)
    assert f"{param}=" in page.url
    page.get_by_role("button", name=re.compile("清除筛选")).click()
    wait_idle(page)
    assert f"{param}=" not in page.url
    assert page.get_by_role("button", name=re.compile("清除筛选")).count() == 0


BOARD_ROW = """(grid) => [...grid.querySelectorAll('[data-testid^="glide-cell-"]')]
  .map(td => [td.dataset.testid.split('-').slice(2).map(Number), td.textContent.trim()])
  .filter(([[, row]]) => row === 0).sort((a, b) => a[0][0] - b[0][0]).map(([[col], text]) => [col, text])"""


def test_a_count_of_the_light_board_opens_its_rows(live_app, new_page, login, wait_idle):
    """The board of pending acknowledgements (agency, red, yellow, green, days late): the first
    agency's red count, picked, opens the ledger with as many rows."""
    page = new_page()
    login(page, "/", "chair")
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.scroll_into_view_if_needed()
    cells = grid.evaluate(BOARD_ROW)  # [(column, text)], the first row in column order
    figure = _figure(cells[1][1])
    # Pick the first agency's name (no count: nothing opens), then the cell to its right.
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 20, box["y"] + 35 + 17)
    wait_idle(page)
    assert page.url.rstrip("/") == live_app.base
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"/ledger\?"), timeout=30_000)
    wait_idle(page)
    assert "light=red" in page.url
    _check_opened(page, figure, "board: red of the first agency")


def _town_to_click(url: str) -> tuple[int, float, float, list]:
    """The town with most backlog and where every placed town is (for the map's view)."""
    import json

    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        towns = db.execute("SELECT id, lon, lat, outline FROM agencies WHERE kind = 'town' AND active = 1").fetchall()
        busiest = db.execute(
            "SELECT to_agency_id FROM referrals r JOIN agencies a ON a.id = r.to_agency_id AND a.kind = 'town' AND a.active = 1"
            " WHERE r.status IN ('sent', 'accepted') GROUP BY to_agency_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
    points, target = [], None
    for town_id, lon, lat, outline in towns:
        outline = json.loads(outline) if outline else []
        if lon is None or lat is None:
            if not outline:
                continue
            lon, lat = sum(p[0] for p in outline) / len(outline), sum(p[1] for p in outline) / len(outline)
        points.append((lon, lat))
        points.extend((p[0], p[1]) for p in outline)
        if town_id == busiest:
            target = (lon, lat)
    return busiest, target[0], target[1], points


def _pixel(lon: float, lat: float, view, width: float, height: float) -> tuple[float, float]:
    """Where deck.gl's Web-Mercator view (512 px tiles) draws a place, from the canvas's top left."""
    import math

    scale = 512 * 2 ** view.zoom

    def world(lo, la):
        return ((lo + 180) / 360 * scale,
                (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * scale)

    x, y = world(lon, lat)
    cx, cy = world(view.longitude, view.latitude)
    return width / 2 + x - cx, height / 2 + y - cy


def test_a_town_on_the_map_opens_its_rows(live_app, new_page, login, wait_idle):
    """The town with most backlog: its tooltip's 积压合计, and a click on its point opens the
    ledger with that many referrals (awaiting acknowledgement or the result)."""
    from ui.components import _view

    town_id, lon, lat, points = _town_to_click(live_app.database_url)
    page = new_page()
    login(page, "/", "chair")
    chart = page.locator("[data-testid=stDeckGlJsonChart]").first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # deck.gl draws after its first frame
    box = chart.locator("canvas").first.bounding_box()
    x, y = _pixel(lon, lat, _view(points, height_px=520), box["width"], box["height"])
    page.mouse.move(box["x"] + x, box["y"] + y)
    tooltip = page.locator(".deck-tooltip")
    tooltip.wait_for(timeout=10_000)
    figure = _figure(re.search(r"积压合计: ([\d,]+)", tooltip.inner_text()).group(1))
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(r"/ledger\?"), timeout=30_000)
    wait_idle(page)
    assert f"to={town_id}" in page.url
    _check_opened(page, figure, "map: the busiest town")
