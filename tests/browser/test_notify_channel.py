"""The office registers an e-mail channel for an agency on the agencies page, sends a test
message, and it arrives at a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text


pytestmark = pytest.mark.browser


def _a_town(database_url: str) -> str:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        name = conn.execute(text("SELECT name FROM agencies WHERE kind = 'town' AND active ORDER BY id LIMIT 1")).scalar_one()
    engine.dispose()
    return name


def test_office_registers_an_email_channel_and_the_test_message_arrives(live_app, new_page, login, wait_idle,
                                                                        shot, mailbox):
    from playwright.sync_api import expect

    town = _a_town(live_app.database_url)
    address = f"town{int(time.time())}@example.cn"
    page = new_page()
    login(page, "/admin-agencies", "admin")
    page.get_by_role("tab", name="修改单位").click()
    page.get_by_label("选择单位").click()
    page.keyboard.type(town)
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_role("textbox", name="新的通知地址").fill(mailbox.url(address))
    page.get_by_role("button", name="添加通知地址").click()
    expect(page.get_by_text("已添加通知地址")).to_be_visible(timeout=30_000)
    wait_idle(page)
    page.get_by_role("button", name="发送测试消息").last.click()
    expect(page.get_by_text("测试消息已发出")).to_be_visible(timeout=30_000)
    shot(page, "notify_channel_test.png")

    deadline = time.time() + 10
    while not mailbox.messages and time.time() < deadline:
        time.sleep(0.2)
    got = mailbox.take()
    assert [r for r, *_ in got] == [address]
    _, subject, body = got[0]
    assert subject == "联席会议测试消息" and town in body
