"""The dashboards in Debian's Chromium at 1280×720: screenshots of every page, section by
section, for the chair and for an agency head (the ``shot`` fixture keeps them in the test
folder, and in ``JM_SCREENSHOT_DIR`` when set).

Each page must show its Chinese title, no error box and no exception; every plotly chart on
it must have drawn bars (no empty chart); the overview's map must draw the towns from its
own layers (coloured outlines in the canvas) without asking any outside server for a base
map, since offices often have no internet.
"""

from __future__ import annotations

import io
from urllib.parse import urlparse

import pytest
from PIL import Image

pytestmark = pytest.mark.browser

PAGES = {  # url path -> Chinese title, or None when the title is the agency's name
    "/": "总览",
    "/ledger": "移送台账",
    "/overdue": "签收超期",
    "/disputes": "职责争议",
    "/metrics": "成员单位指标",
    "/my-agency": None,
}
# What a page is made of, in order: each gets its own screenshot, scrolled into view.
SECTIONS = "[data-testid=stMetric], [data-testid=stPlotlyChart], [data-testid=stDeckGlJsonChart], " \
           "[data-testid=stDataFrame]"


def _outside_requests(page) -> list[str]:
    found: list[str] = []

    def note(request):
        host = urlparse(request.url).hostname or ""
        if host not in ("127.0.0.1", "localhost", ""):
            found.append(request.url)

    page.on("request", note)
    return found


def _problems(page) -> list[str]:
    boxes = page.locator("[data-testid=stException], [data-testid=stAlertContentError]")
    return [boxes.nth(i).inner_text()[:300] for i in range(boxes.count())]


def _bars_drawn(chart) -> int:
    return chart.locator(".barlayer .point path").count()


def _map_colour_share(element) -> float:
    """The share of the map's pixels that are neither white nor near-white: the shaded towns."""
    img = Image.open(io.BytesIO(element.screenshot())).convert("RGB")
    img.thumbnail((320, 320))
    pixels = list(img.get_flattened_data() if hasattr(img, "get_flattened_data") else img.getdata())
    coloured = sum(1 for r, g, b in pixels if min(r, g, b) < 235)
    return coloured / len(pixels)


def _scroll_to(page, locator) -> None:
    """Scroll an element into view; the page may rerun once more (the login cookie's component
    answers after a load) and replace the element, so try again on the fresh one."""
    for attempt in range(4):
        try:
            locator.scroll_into_view_if_needed(timeout=10_000)
            return
        except Exception:  # noqa: BLE001 - detached or not yet laid out: retry
            if attempt == 3:
                raise
            page.wait_for_timeout(1000)


def _tour(page, live_app, wait_idle, shot, who: str, path: str, title: str | None) -> None:
    page.goto(live_app.base + path)
    wait_idle(page)
    heading = page.locator("h1").first.inner_text().strip()
    if title:
        assert heading == title, f"{path}: heading {heading!r}"
    else:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in heading), f"{path}: no Chinese heading {heading!r}"
    name = path.strip("/") or "home"
    shot(page, f"dashboard-{who}-{name}-0.png")
    sections = page.locator(SECTIONS)
    seen = set()
    for i in range(sections.count()):
        kind = sections.nth(i).get_attribute("data-testid")
        if kind == "stMetric" and "stMetric" in seen:
            continue  # one shot covers the row of figures
        seen.add(kind)
        _scroll_to(page, sections.nth(i))
        page.wait_for_timeout(600)
        shot(page, f"dashboard-{who}-{name}-{i + 1}.png")
    assert not _problems(page), f"{path}: {_problems(page)}"
    charts = page.locator("[data-testid=stPlotlyChart]")
    for i in range(charts.count()):
        _scroll_to(page, charts.nth(i))
        charts.nth(i).locator(".barlayer").first.wait_for(timeout=15_000)
        assert _bars_drawn(charts.nth(i)) > 0, f"{path}: chart {i + 1} is empty"


def test_every_dashboard_for_the_chair(live_app, new_page, login, wait_idle, shot):
    page = new_page()
    outside = _outside_requests(page)
    login(page, "/", "chair")
    for path, title in PAGES.items():
        _tour(page, live_app, wait_idle, shot, "chair", path, title)

    page.goto(live_app.base + "/")
    wait_idle(page)
    assert page.locator("[data-testid=stPlotlyChart]").count() >= 4, "the overview's charts"
    deck = page.locator("[data-testid=stDeckGlJsonChart]").first
    _scroll_to(page, deck)
    deck.locator("canvas").first.wait_for(timeout=15_000)
    share = 0.0
    for _ in range(20):  # deck.gl draws on later animation frames
        page.wait_for_timeout(500)
        share = _map_colour_share(deck)
        if share > 0.15:
            break
    shot(page, "dashboard-chair-map.png")
    assert share > 0.15, "the towns are not drawn on the map"
    legend = page.locator(".jm-legend").first.inner_text()
    assert "积压件数" in legend
    assert not [u for u in outside if "cartocdn" in u or "mapbox" in u], "the map fetched a base map"


def test_dashboards_for_an_agency_head(live_app, new_page, login, wait_idle, shot):
    from sqlalchemy import func, select

    from data_access import db
    from data_access.models import Agency, Referral, User

    engine = db.make_engine(live_app.database_url)
    try:
        with db.read_session(engine) as s:
            username, agency = s.execute(
                select(User.username, Agency.name)
                .join(Agency, Agency.id == User.agency_id)
                .join(Referral, Referral.to_agency_id == Agency.id)
                .where(User.role == "head", Agency.kind == "town")
                .group_by(User.username, Agency.name)
                .order_by(func.count().desc(), User.username)
                .limit(1)
            ).one()
    finally:
        engine.dispose()
    page = new_page()
    login(page, "/", username)
    # A head's home (served at "/") is their own agency's page.
    assert urlparse(page.url).path == "/"
    assert page.locator("h1").first.inner_text().strip() == agency
    for path in ("/", "/ledger", "/overdue", "/metrics"):
        _tour(page, live_app, wait_idle, shot, "head", path, agency if path == "/" else PAGES[path])
