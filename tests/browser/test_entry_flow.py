"""Quick data entry in Debian's Chromium: a town's clerk enters a referral, the receiving
agency's head acknowledges it, and the chair's overview follows each step.

Runs on the shared ``live_app`` (tests/browser/conftest.py). The referral it adds carries a
unique title, so running it again (or after other tests) never meets its own duplicate.
"""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.browser

RECEIVER = "市住房和城乡建设局"
AWAITING = "待受理告知"  # the overview's figure of referrals sent and not yet acknowledged


def _users(database_url: str) -> tuple[str, str, str]:
    """(a town clerk, that town's name, the receiving department's head) from the sample city."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        clerk, town = conn.execute(text(
            "SELECT u.username, a.name FROM users u JOIN agencies a ON a.id = u.agency_id"
            " WHERE u.role = 'clerk' AND a.kind = 'town' AND u.active AND a.active ORDER BY u.username LIMIT 1"
        )).one()
        head = conn.execute(text(
            "SELECT u.username FROM users u JOIN agencies a ON a.id = u.agency_id"
            " WHERE u.role = 'head' AND a.name = :name AND u.active ORDER BY u.username LIMIT 1"
        ), {"name": RECEIVER}).scalar_one()
    engine.dispose()
    return clerk, town, head


def _go(page, title: str, wait_idle) -> None:
    """Open a page from the sidebar menu (no reload: the session stays as it is)."""
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=title).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
    wait_idle(page)


def _awaiting(page, wait_idle) -> int:
    _go(page, "总览", wait_idle)
    card = page.locator("[data-testid=stMetric]").filter(
        has=page.locator("[data-testid=stMetricLabel]", has_text=re.compile(f"^{AWAITING}$"))
    )
    return int(card.locator("[data-testid=stMetricValue]").inner_text().replace(",", ""))


def _awaiting_becomes(page, expected: int, wait_idle, *, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    seen = None
    while time.time() < deadline:
        seen = _awaiting(page, wait_idle)
        if seen == expected:
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"the overview's {AWAITING} stayed at {seen}, expected {expected}")


def test_clerk_enters_head_acknowledges_overview_follows(live_app, new_page, login, wait_idle, shot):
    from playwright.sync_api import expect

    clerk_name, town, head_name = _users(live_app.database_url)
    title = f"浏览器录入：村道旁违法搭建 {time.time():.0f}"

    chair = new_page()
    login(chair, "/overview", "chair")
    before = _awaiting(chair, wait_idle)

    # The town's clerk: own agency and today are filled in; title, receiver, approver to add.
    clerk = new_page()
    login(clerk, "/new-referral", clerk_name)
    expect(clerk.get_by_role("heading", name="新建移送")).to_be_visible()
    expect(clerk.get_by_text(town).first).to_be_visible()
    clerk.get_by_role("textbox", name="案件名称").fill(title)
    clerk.get_by_label("接收单位").click()
    clerk.keyboard.type(RECEIVER)
    clerk.keyboard.press("Enter")
    clerk.get_by_role("textbox", name="审批负责人").fill("镇长")
    clerk.get_by_role("button", name="保存").click()
    confirmation = clerk.get_by_text(re.compile(r"已登记移送案件 YS-\d{4}-\d{6}"))
    expect(confirmation).to_be_visible(timeout=30_000)
    number = re.search(r"YS-\d{4}-\d{6}", confirmation.inner_text()).group(0)
    assert title in confirmation.inner_text() and RECEIVER in confirmation.inner_text()
    # A fresh form for the next entry, in the browser too.
    expect(clerk.get_by_role("textbox", name="案件名称")).to_have_value("")
    shot(clerk, "entry_saved.png")

    _awaiting_becomes(chair, before + 1, wait_idle)

    # The receiving department's head finds it and acknowledges it (accept is the default).
    head = new_page()
    login(head, "/referral-actions", head_name)
    search = head.get_by_role("textbox", name="按编号或案件名称查找")
    search.fill(number)
    search.press("Enter")
    wait_idle(head)
    expect(head.get_by_role("heading", name=re.compile(number))).to_be_visible(timeout=30_000)
    expect(head.get_by_text("表单版本 v1")).to_be_visible()
    head.get_by_role("button", name="保存").click()
    expect(head.get_by_text(f"移送案件 {number} 已保存：已受理（版本 v2）。")).to_be_visible(timeout=30_000)
    shot(head, "entry_acknowledged.png")

    _awaiting_becomes(chair, before, wait_idle)
    shot(chair, "entry_overview.png")
