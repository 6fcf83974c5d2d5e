"""Meeting day in Debian's Chromium: the chair runs the demo's meeting of today.

Runs on the shared ``live_app`` (tests/browser/conftest.py), whose sample city holds a
meeting scheduled for today, agenda approved, not started (CONTRACT.md, Demo mode). One
window is the console (the chair, 1440×900); the other is the projector, at 1280×720 and at
1920×1080. The test starts the meeting, steps through every item with 下一项, and on each
checks that the projector follows (within ``FOLLOW_WITHIN_MS``, timed in the browser from the
click to the new title), that nothing lies below the fold (the document and every scrolling
box fit the viewport, as the shared tools/projector_check.py measures it) and that the
countdown ticks; then the closing slide. Text sizes: body ≥ 24 px, key figures and the
countdown ≥ 64 px. Screenshots of every slide go to the test folder (and
``JM_SCREENSHOT_DIR``); the follow times are printed.
"""

from __future__ import annotations

import os
import re
import time
import statistics
from datetime import date

import pytest

from benchmarks.projector_follow import CLICKS, WATCH

# The brief is one second on a quiet machine; the test allows the checker's two seconds, and
# more on a machine whose load average exceeds its cores (a shared test box), in proportion:
# what is measured is the app, not its neighbours. The times are printed;
# benchmarks/projector_follow.py gives the figure for the record.
FOLLOW_WITHIN_MS = 2000


def _follow_bound_ms() -> float:
    busy = os.getloadavg()[0] / (os.cpu_count() or 1)
    return FOLLOW_WITHIN_MS * min(max(1.0, busy), 4.0)

pytestmark = pytest.mark.browser

OVERFLOW = """() => Math.max(document.documentElement.scrollHeight, document.body.scrollHeight,
    ...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stMain] *')]
       .filter(e => getComputedStyle(e).overflowY !== 'visible')
       .map(e => e.scrollHeight - e.clientHeight + innerHeight)) - innerHeight"""


@pytest.fixture(scope="module")
def demo_meeting(live_app):
    """Today's demo meeting: (id, [item titles in order], kinds)."""
    from data_access import db
    from data_access.queries import meetings as mq

    engine = db.make_engine(live_app.database_url)
    try:
        with db.read_session(engine) as s:
            meeting = next(m for m in mq.list_meetings(s) if m.held_on == date.today())
            items = mq.agenda(s, meeting.id, statuses=("approved",))
    finally:
        engine.dispose()
    assert meeting.status in ("approved", "in_session")
    return meeting.id, [i.title for i in items], [i.kind for i in items]


def _first_item(live_app, meeting_id: int) -> None:
    """A second walk starts again from the first item (through the command, like the console)."""
    from data_access import db
    from data_access.commands import meetings as mc
    from data_access.commands.base import Actor
    from data_access.queries import meetings as mq

    engine = db.make_engine(live_app.database_url)
    try:
        with db.read_session(engine) as s:
            first = mq.agenda(s, meeting_id, statuses=("approved",))[0].id
            status = mq.get_meeting(s, meeting_id).status
        if status == "in_session":
            mc.select_item(Actor(username="chair", role="chair"), meeting_id, first, engine=engine, expected_version=None)
    finally:
        engine.dispose()


def _settled_overflow(projector, seconds: float = 3.0) -> float:
    """How far the page reaches below the screen once the slide's run has settled (a slide
    being replaced may stand under the new one for a moment)."""
    deadline = time.time() + seconds
    while True:
        over = projector.evaluate(OVERFLOW)
        if over <= 0 or time.time() > deadline:
            return over
        projector.wait_for_timeout(200)


def _clock(projector) -> str:
    frame = projector.frame_locator(".st-key-jm_clock iframe")
    return frame.locator("#t").inner_text(timeout=15_000)  # a new frame loads slowly on a loaded machine


def _ticks_from(projector, first: str, seconds: float = 5.0) -> bool:
    """Whether the clock shows something other than ``first`` within ``seconds`` (it moves
    every second; the margin is for a loaded machine, where a frame may be slow to paint)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        projector.wait_for_timeout(500)
        if _clock(projector) != first:
            return True
    return False


def _sizes(projector) -> dict[str, float]:
    sizes = projector.evaluate(
        """() => {
            const slide = document.querySelector('[data-testid=jm-projector]');
            const own = e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
            const px = e => parseFloat(getComputedStyle(e).fontSize);
            const texts = [...slide.querySelectorAll('*')].filter(own);
            const nums = [...slide.querySelectorAll('.figure .num')];
            return {body: Math.min(...texts.map(px)), count: texts.length,
                    figures: nums.length ? Math.min(...nums.map(px)) : 0};
        }""")
    clock = projector.frame_locator(".st-key-jm_clock iframe").locator("#t")
    sizes["clock"] = float(clock.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    return sizes


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_the_chair_runs_todays_meeting(demo_meeting, live_app, new_page, login, shot, wait_idle, width, height):
    from playwright.sync_api import expect

    meeting_id, titles, kinds = demo_meeting
    assert set(kinds) >= {"report", "overdue_referral", "dispute", "decision_followup"}
    _first_item(live_app, meeting_id)
    console = new_page(1440, 900)
    projector = new_page(width, height)
    login(console, "/meeting-room", "chair")
    start = console.get_by_role("button", name=re.compile("开始会议"))
    nxt = console.get_by_role("button", name=re.compile("下一项"))
    expect(nxt).to_be_visible(timeout=30_000)
    if start.is_enabled():  # held on its day: no confirmation is asked
        start.click()
    expect(console.get_by_text("投影中").first).to_be_visible(timeout=30_000)
    # The console's first screen holds the controls and the item on screen (1440×900).
    assert nxt.bounding_box()["y"] + nxt.bounding_box()["height"] <= 900
    assert console.locator("iframe").first.bounding_box()["y"] <= 900

    # Signed in first, then the projector opened as the chair does from the menu or console.
    login(projector, "/overview", "chair")
    projector.goto(f"{live_app.base}/projector")
    projector.get_by_test_id("jm-projector").first.wait_for(timeout=45_000)
    title = projector.get_by_test_id("jm-item-title")
    follow_ms = []
    for n, wanted in enumerate(titles, start=1):
        expect(title).to_have_text(wanted, timeout=15_000 if n == 1 else FOLLOW_WITHIN_MS)
        expect(projector.locator(".bar .pos")).to_contain_text(f"{n} / {len(titles)}")
        assert _settled_overflow(projector) <= 0, f"item {n} does not fit {width}×{height}"
        first = _clock(projector)
        assert _ticks_from(projector, first), f"the countdown of item {n} does not tick"
        assert re.fullmatch(r"\+?\d\d:\d\d", first)
        shot(projector, f"slide-{width}x{height}-{n}-{kinds[n - 1]}.png")
        if n == 1:
            sizes = _sizes(projector)
            assert sizes["count"] > 5 and sizes["body"] >= 24, sizes
            assert sizes["figures"] >= 64 and sizes["clock"] >= 64, sizes
            assert projector.locator("[data-testid=stSidebar]").is_hidden()
            assert projector.locator("[data-testid=jm-projector] button, [data-testid=jm-projector] input").count() == 0
            assert projector.locator(".jm-corner.demo").get_by_text("演示模式").is_visible()  # the small corner mark
            assert projector.locator(".jm-demo").is_hidden()  # instead of the banner
            assert projector.get_by_text("退出投影").is_visible()  # the one-click way out
        if n == len(titles):
            expect(nxt).to_be_disabled()
            break
        # The console has drawn the item it moved to: 下一项 carries the meeting's version as
        # shown, and a click on an older screen is refused as stale (a double click skips nothing).
        wait_idle(console)
        projector.evaluate(WATCH)
        console.evaluate(CLICKS)
        nxt.click()
        projector.wait_for_function("() => window.__jmSeen !== null", timeout=15_000)
        follow_ms.append(projector.evaluate("() => window.__jmSeen") - console.evaluate("() => window.__jmClick"))

    console.get_by_role("button", name=re.compile("投影会议小结")).click()
    expect(projector.locator("[data-phase=closing]")).to_be_visible(timeout=15_000)
    assert projector.evaluate(OVERFLOW) <= 0
    shot(projector, f"slide-{width}x{height}-closing.png")
    print(f"\nprojector follow at {width}x{height}: ms {follow_ms}, p50 {statistics.median(follow_ms):.0f}, "
          f"max {max(follow_ms):.0f}")
    # As projector_check.py judges it: every step but at most one within the bound.
    bound = _follow_bound_ms()
    assert sum(ms > bound for ms in follow_ms) <= 1, (follow_ms, bound)


@pytest.mark.parametrize("seconds_left", [900, -60, -9387])  # on time, a minute over, 2½ hours over
def test_the_clock_fits_its_box_however_long_the_overrun(browser, seconds_left):
    """An item left on screen through a long break shows "+156:27 已超时": the figures shrink to
    stay inside the clock's box (its size at 1280×720) instead of running past its edges."""
    from data_access.queries.meetings import Countdown
    from ui.projector import countdown_html

    page = browser.new_page(viewport={"width": 310, "height": 96})
    try:
        page.set_content(countdown_html(Countdown(600, 600 - seconds_left), key=f"fit{seconds_left}"))
        page.wait_for_timeout(600)
        box = page.evaluate("() => { const c = document.getElementById('c');"
                            " return [c.scrollWidth, c.clientWidth, c.innerText]; }")
        assert box[0] <= box[1], f"the clock {box[2]!r} is wider than its box ({box[0]} > {box[1]} px)"
        assert ("已超时" in box[2]) == (seconds_left < 0)
    finally:
        page.close()
