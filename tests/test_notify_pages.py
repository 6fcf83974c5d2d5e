"""Reminder pages with AppTest: channels on the agencies page (masked, validated next to the
field), the office's record of what was sent, a member's notice list and its count."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from data_access.commands import notify as notify_commands
from data_access.commands.base import SYSTEM
from data_access.commands.referrals import create_referral
from data_access.db import read_session
from data_access.models import AuditEntry, NotifyChannel
from tests.support import admin_world
from tests.support.apptest import page

TODAY = date.today()


@pytest.fixture
def world(empty_db, monkeypatch):
    monkeypatch.delenv("JM_COOKIE_KEY", raising=False)
    monkeypatch.delenv("JM_ADMIN_PASSWORD", raising=False)
    return admin_world.build()


def field(widgets, form: str, name: str):
    pattern = re.compile(rf"{re.escape(form)}\.\d+\.{re.escape(name)}$")
    found = [w for w in widgets if w.key and pattern.match(w.key)]
    assert len(found) == 1, [w.key for w in widgets]
    return found[0]


def all_text(at) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption] + [m.value for m in at.error]
    parts += [m.value for m in at.success] + [m.value for m in at.info]
    return "\n".join(str(p) for p in parts)


def test_office_adds_a_channel_masked_and_a_bad_one_is_refused_next_to_the_field(world):
    town = world.agencies["town_a"]
    at = page("pages/admin_agencies.py", world.users["admin"])
    at.selectbox(key="edit_agency_pick").set_value(town)
    at.run()
    assert "尚未登记通知地址" in all_text(at)
    field(at.text_input, f"channel_{town}", "url").input("smtp.example.cn")
    at.button(key=f"FormSubmitter:channel_form_{town}-添加通知地址").click()
    at.run()
    assert any("无法识别的通知地址" in e.value for e in at.error)
    assert field(at.text_input, f"channel_{town}", "url").value == "smtp.example.cn"  # input kept

    field(at.text_input, f"channel_{town}", "url").input("mailto://clerk:Pa55word@smtp.example.cn?to=a@example.cn")
    at.button(key=f"FormSubmitter:channel_form_{town}-添加通知地址").click()
    at.run()
    shown = all_text(at)
    assert "已添加通知地址" in shown and "****" in shown and "Pa55word" not in shown
    with read_session() as s:
        assert s.execute(select(NotifyChannel.url)).scalar().endswith("to=a@example.cn")
        trail = s.execute(select(AuditEntry.after).where(AuditEntry.action == "channel.add")).scalars().all()
    assert trail and "Pa55word" not in str(trail)


def test_notify_log_is_the_offices(world):
    at = page("pages/notify_log.py", world.users["admin"])
    assert at.title[0].value == "提醒发送记录" and "还没有发送记录" in all_text(at)
    refused = page("pages/notify_log.py", world.users["head_a"])
    assert not refused.title and any("无权" in e.value for e in refused.error)


def test_notice_list_shows_what_turned_red_with_the_other_agencys_contact(world):
    from data_access.commands import admin

    admin.edit_agency(SYSTEM, world.agencies["town_b"], expected_version=None, name="乙镇（测试）",
                      kind="town", contact="王五", phone="0571-5555")
    saved = create_referral(SYSTEM, title="占道经营", from_agency_id=world.agencies["town_b"],
                            to_agency_id=world.agencies["town_a"], discovered_on=TODAY - timedelta(days=30),
                            approved_by="李四", sent_on=TODAY - timedelta(days=29), today=TODAY)
    at = page("pages/notices.py", world.users["head_a"])
    table = at.dataframe[0].value
    row = table[table["编号"] == saved.number].iloc[0]
    assert row["对方单位"] == "乙镇（测试）" and row["联系人"] == "王五" and row["联系电话"] == "0571-5555"
    assert row["新"] == "●" and at.metric[0].value == "1"
    at.button(key="notices_seen").click()
    at.run()
    assert at.metric[0].value == "0"
    # The sender waits on it but does not act: nothing in its own list.
    other = page("pages/notices.py", world.users["head_b"])
    assert not other.dataframe or saved.number not in set(other.dataframe[0].value.get("编号", []))


def test_notify_log_shows_a_failed_delivery_masked(world):
    from data_access import notify

    create_referral(SYSTEM, title="违法建设", from_agency_id=world.agencies["town_b"],
                    to_agency_id=world.agencies["town_a"], discovered_on=TODAY - timedelta(days=30),
                    approved_by="李四", sent_on=TODAY - timedelta(days=29), today=TODAY)
    # Nothing listens on port 9 of loopback: the delivery is refused at once.
    notify_commands.add_channel(SYSTEM, world.agencies["town_a"],
                                "mailto://clerk:Hidden99@127.0.0.1:9?from=jm@example.cn&to=a@example.cn")
    summary = notify.run(TODAY, out=lambda line: None)
    assert summary.failed >= 1 and summary.sent == 0
    at = page("pages/notify_log.py", world.users["admin"])
    table = at.dataframe[0].value
    assert set(table["状态"]) == {"发送失败（下次运行重发）"}
    assert "Hidden99" not in table.to_string() and all("****" in c for c in table["通知地址"])
    assert any("不会丢失" in w.value for w in at.warning)
