"""The responsibility list in Debian's Chromium: a town's clerk types part of a matter's name,
picks it, sees the receiving agency the list names proposed, and sends; the office rules on a
dispute about another matter and the list then cites the dispute.

Runs on the shared ``live_app``; the dispute is prepared through the commands (raised by the
office, matters named, moved by the office to the ruling stage), the ruling through the page.
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.browser

HOLDER = "市住房和城乡建设局"


def _setup(database_url: str):
    from data_access import db
    from data_access.commands import disputes
    from data_access.commands import responsibilities as list_commands
    from data_access.commands.base import Actor

    engine = db.make_engine(database_url)
    with engine.connect() as conn:
        clerk, town_id = conn.execute(text(
            "SELECT u.username, a.id FROM users u JOIN agencies a ON a.id = u.agency_id"
            " WHERE u.role = 'clerk' AND a.kind = 'town' AND u.active ORDER BY u.username LIMIT 1")).one()
        matter, code = conn.execute(text(
            "SELECT r.matter, r.code FROM responsibilities r JOIN agencies a ON a.id = r.agency_id"
            " WHERE a.name = :holder ORDER BY r.id LIMIT 1"), {"holder": HOLDER}).one()
        # Another matter, held by a town: the dispute is about it.
        other_id, other_matter, other_holder = conn.execute(text(
            "SELECT r.id, r.matter, a.id FROM responsibilities r JOIN agencies a ON a.id = r.agency_id"
            " WHERE a.kind = 'town' AND a.id <> :town ORDER BY r.id LIMIT 1"), {"town": town_id}).one()
        ruled_name = conn.execute(text("SELECT name FROM agencies WHERE id = :id"), {"id": town_id}).scalar_one()
    office = Actor(username="admin", role="office")
    today = date.today()
    raised = disputes.raise_dispute(office, subject=f"浏览器争议 {time.time():.0f}",
                                    party_ids=[town_id, other_holder], opened_on=today - timedelta(days=10),
                                    engine=engine)
    with db.write_session(engine) as session:
        list_commands.set_dispute_matters(office, raised.id, [other_id], uow=session, expected_version=None)
    for _ in range(4):
        disputes.advance_dispute(office, raised.id, on=today - timedelta(days=1), note="推进", engine=engine, expected_version=None)
    engine.dispose()
    return clerk, matter, code, raised.number, other_matter, ruled_name


def _pick(page, label: str, typed: str, option: str) -> None:
    page.get_by_label(label).click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=option, exact=True).click()


def test_clerk_routes_by_the_list_and_a_ruling_is_written_into_it(live_app, new_page, login, wait_idle, shot):
    from playwright.sync_api import expect

    clerk_name, matter, code, number, other_matter, ruled_name = _setup(live_app.database_url)
    title = f"浏览器按清单移送 {time.time():.0f}"

    clerk = new_page()
    login(clerk, "/new-referral", clerk_name)
    _pick(clerk, "事项（权责清单）", matter[3:12], f"{matter}（{code}）")
    wait_idle(clerk)
    expect(clerk.get_by_text(f"权责清单：该事项由 {HOLDER} 负责。")).to_be_visible(timeout=30_000)
    expect(clerk.get_by_role("combobox", name="接收单位")).to_have_value(HOLDER)
    clerk.get_by_role("textbox", name="案件名称").fill(title)
    clerk.get_by_role("textbox", name="审批负责人").fill("镇长")
    clerk.get_by_role("button", name="保存").click()
    confirmation = clerk.get_by_text(re.compile(r"已登记移送案件 YS-\d{4}-\d{6}"))
    expect(confirmation).to_be_visible(timeout=30_000)
    assert HOLDER in confirmation.inner_text()
    shot(clerk, "list_routed.png")

    office = new_page()
    login(office, "/dispute-entry", "admin")
    office.get_by_role("tab", name="推进与结案").click()
    wait_idle(office)
    office.get_by_label("选择争议").click()
    office.keyboard.type(number)
    office.get_by_role("option", name=re.compile(re.escape(number))).first.click()
    wait_idle(office)
    expect(office.get_by_text(re.compile(f"{re.escape(other_matter)}：清单规定由"))).to_be_visible(timeout=30_000)
    office.get_by_text("登记政府裁决", exact=True).click()
    wait_idle(office)
    office.get_by_role("textbox", name="裁决结果").fill(f"{other_matter}由{ruled_name}负责")
    office.get_by_label("裁决确定的责任单位").click()
    office.keyboard.type(ruled_name)
    office.keyboard.press("Enter")
    office.get_by_role("button", name="保存").click()
    expect(office.get_by_text(re.compile(f"职责争议 {re.escape(number)} 已保存"))).to_be_visible(timeout=30_000)

    office.goto(live_app.base + "/responsibilities")
    wait_idle(office)
    office.get_by_text("只看经裁决确定的事项", exact=True).click()
    wait_idle(office)
    cited = office.get_by_text(re.compile(f"{re.escape(other_matter)}：由 {re.escape(ruled_name)} 负责（{re.escape(number)} 裁决"))
    expect(cited).to_be_visible(timeout=30_000)
    shot(office, "list_cites_ruling.png")
