"""Projector mode in Debian's Chromium: a second window that follows the operator.

Runs on the shared ``live_app`` (tests/browser/conftest.py), whose next meeting this module
makes ready: suggested items added, every item approved, the agenda locked. One browser
window is the operator's console (the chair, 1280×800); the other is the projector, at
1280×720 and at 1920×1080. The operator puts an item on screen; the projector must show it
within a few seconds (it re-reads the meeting every 2 s), with body text of at least 24 px
and key figures of at least 64 px, measured with ``getComputedStyle``. Screenshots of each
step are written by the ``shot`` fixture (the test folder, and ``JM_SCREENSHOT_DIR`` when set).
"""

from __future__ import annotations

import re
from datetime import date

import pytest

FOLLOW_WITHIN_MS = 8000  # "within a few seconds": two polls of 2 s plus a page run, with room to spare

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def ready_meeting(live_app):
    """The live app's next meeting with its agenda approved: (meeting id, [(position, title)])."""
    from data_access import db
    from data_access.commands import meetings as mc
    from data_access.commands.base import Actor
    from data_access.queries import meetings as mq

    engine = db.make_engine(live_app.database_url)
    office = Actor(username="admin", role="office")
    try:
        with db.read_session(engine) as s:
            meeting = next(m for m in mq.list_meetings(s) if m.status in ("planned", "collecting", "approved",
                                                                           "in_session"))
            suggestions = mq.suggested_items(s, meeting.id, today=date.today()) if meeting.agenda_editable else []
        for suggestion in suggestions[:2]:
            mc.add_suggested_item(office, meeting.id, suggestion.key, engine=engine)
        if meeting.agenda_editable:
            with db.read_session(engine) as s:
                waiting = [i for i in mq.agenda(s, meeting.id) if i.status == "submitted"]
            for item in waiting:
                mc.review_agenda_item(office, item.id, "approved", engine=engine)
            mc.approve_agenda(office, meeting.id, engine=engine)
        with db.read_session(engine) as s:
            items = [(i.position, i.title) for i in mq.agenda(s, meeting.id, statuses=("approved",))]
    finally:
        engine.dispose()
    return meeting.id, items


def _text_sizes(page) -> dict[str, float]:
    """The smallest computed font size of any element on the slide that holds text itself,
    and that of the key figures and of the clock."""
    return page.evaluate(
        """() => {
            const slide = document.querySelector('[data-testid=jm-projector]');
            const own = e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
            const px = e => parseFloat(getComputedStyle(e).fontSize);
            const texts = [...slide.querySelectorAll('*')].filter(own);
            const nums = [...slide.querySelectorAll('.figure .num')];
            const clock = slide.querySelector('[data-testid=jm-clock]');
            return {body: Math.min(...texts.map(px)), count: texts.length,
                    figures: nums.length ? Math.min(...nums.map(px)) : 0,
                    clock: clock ? px(clock) : 0};
        }"""
    )


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_projector_follows_the_operator(ready_meeting, live_app, new_page, login, shot, width, height):
    from playwright.sync_api import expect

    meeting_id, items = ready_meeting
    assert len(items) >= 3, "the seeded meeting needs a few approved items"
    operator = new_page(1280, 800)
    projector = new_page(width, height)
    login(operator, "/meeting-room", "chair")
    start = operator.get_by_role("button", name=re.compile("开始会议")).first
    running = operator.get_by_role("button", name=re.compile("结束讨论")).first
    expect(start.or_(running)).to_be_visible(timeout=30_000)
    if start.is_visible():
        start.click()
    expect(running).to_be_visible(timeout=30_000)
    login(projector, f"/projector?meeting={meeting_id}", "viewer")
    title = projector.get_by_test_id("jm-item-title")

    for position in (2, 3, 1):
        wanted = dict(items)[position]
        button = operator.locator("button").filter(has_text=f"{position}. {wanted}").first
        expect(button).to_be_enabled(timeout=30_000)
        button.click()
        # The operator's page re-runs and marks the item; the projector follows by itself.
        expect(title).to_have_text(wanted, timeout=FOLLOW_WITHIN_MS)
        expect(projector.locator(".bar .pos")).to_contain_text(f"{position} / {len(items)}")
        shot(projector, f"projector-{width}x{height}-item{position}.png")

    sizes = _text_sizes(projector)
    assert sizes["count"] > 5
    assert sizes["body"] >= 24, sizes
    assert sizes["figures"] >= 64 and sizes["clock"] >= 64, sizes
    assert (live_app.folder / f"projector-{width}x{height}-item1.png").stat().st_size > 10_000
    # Nothing on the projected page needs the mouse: no menu, no buttons, no inputs.
    assert projector.locator("[data-testid=stSidebar]").is_hidden()
    assert projector.locator("[data-testid=jm-projector] button, [data-testid=jm-projector] input").count() == 0
