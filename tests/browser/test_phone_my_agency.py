"""本单位 on a phone (390×844): a head signs in, sees what the agency owes with its lights, and
acknowledges a referral from the home page in at most three taps (pick the row, confirm)."""

from __future__ import annotations

import re
import sqlite3

import pytest

pytestmark = pytest.mark.browser


def _busiest_head(db) -> tuple[str, int]:
    return db.execute(
        "SELECT u.username, count(*) FROM referrals r JOIN users u ON u.agency_id = r.to_agency_id"
        " AND u.role = 'head' WHERE r.status = 'sent' GROUP BY u.username ORDER BY count(*) DESC, u.username LIMIT 1"
    ).fetchone()


def test_a_head_acknowledges_from_the_home_page_in_three_taps(live_app, browser, login, wait_idle, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True)
    try:
        page = context.new_page()
        with sqlite3.connect(live_app.database_url.removeprefix("sqlite:///")) as db:
            head, pending = _busiest_head(db)
        login(page, "/", head)
        shot(page, "phone_my_agency_390.png")
        # Readable without zooming: nothing wider than the screen, the owed figure in view.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        first_card = page.locator("[class*=st-key-kpi_] [data-testid=stMetricValue]").first
        assert first_card.is_visible() and int(first_card.inner_text()) == pending
        assert page.get_by_text("红灯/超期").first.count() or page.get_by_text("绿灯/正常").first.count()
        # What we owe starts on the first screen: the list's heading and first row, to pick it.
        box = page.locator("[data-testid=stDataFrame]").first.bounding_box()
        assert box["y"] + 35 + 35 <= 844, f"the first list starts at y={box['y']:.0f}"

        taps = 0
        grid = page.locator("[data-testid=stDataFrame]").first
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # tap 1: the first row's pick box
        taps += 1
        dialog = page.get_by_role("dialog")
        confirm = dialog.get_by_role("button", name=re.compile("确认受理告知"))
        confirm.wait_for(timeout=30_000)
        number = re.search(r"[A-Z]+-\d{4}-\d+", dialog.inner_text()).group(0)
        assert dialog.get_by_role("radio", name="受理", exact=True).is_checked()  # the default outcome
        shot(page, "phone_acknowledge_390.png")
        confirm.click()  # tap 2: confirm
        taps += 1
        page.get_by_text(re.compile(f"{number} 已受理告知")).wait_for(timeout=30_000)
        wait_idle(page)
        assert taps <= 3
        with sqlite3.connect(live_app.database_url.removeprefix("sqlite:///")) as db:
            status, ack_on = db.execute("SELECT status, ack_on FROM referrals WHERE number = ?", (number,)).fetchone()
        assert status == "accepted" and ack_on
        remaining = int(page.locator("[class*=st-key-kpi_] [data-testid=stMetricValue]").first.inner_text())
        assert remaining == pending - 1
        shot(page, "phone_done_390.png")
    finally:
        context.close()
