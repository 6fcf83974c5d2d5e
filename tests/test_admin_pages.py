"""Pages, with Streamlit's AppTest: the login page (demo mode and not), signing in and out,
the language choice, and the administration pages for the office (and refused to others)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import re

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data_access.commands import users
from data_access.db import read_session, write_session
from data_access.models import Agency, AuditEntry, CalendarYear, RuleSetting, User
from tests.support import admin_world
from tests.support.admin_world import PASSWORD
from tests.support.apptest import page

ROOT = Path(__file__).resolve().parent.parent


def shown(markdown: str) -> str:
    """The text a reader sees: typed values in messages are made literal with backslashes
    (``ui.components.inert``), which the page does not show."""
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.fixture
def world(empty_db, monkeypatch):
    monkeypatch.delenv("JM_COOKIE_KEY", raising=False)
    monkeypatch.delenv("JM_ADMIN_PASSWORD", raising=False)
    return admin_world.build()


def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption] + [m.value for m in at.title]
    parts += [m.value for m in at.error] + [m.value for m in at.warning] + [m.value for m in at.info]
    parts += [m.value for m in at.success]
    return "\n".join(str(p) for p in parts)


def field(widgets, form: str, name: str):
    """The widget of ``name`` in the ``ui.forms.EntryForm`` called ``form`` (its keys carry a
    generation number: ``form.<n>.name``)."""
    pattern = re.compile(rf"{re.escape(form)}\.\d+\.{re.escape(name)}$")
    found = [w for w in widgets if w.key and pattern.match(w.key)]
    assert len(found) == 1, [w.key for w in widgets]
    return found[0]


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button(key="login_submit").click()
    at.run()
    return at


# ----------------------------------------------------------------------------- login
def test_demo_mode_login_page_lists_the_accounts_and_signs_in(world):
    at = app()
    assert not at.exception
    assert "演示模式" in texts(at)  # the Chinese interface says it in Chinese only
    assert "actor" not in at.session_state
    listed = at.dataframe[0].value
    assert set(listed["用户名"]) == set(admin_world.ACCOUNTS)

    sign_in(at, "chair")
    assert at.session_state["actor"] == world.users["chair"]
    assert "演示模式" in texts(at)  # on every page, not only the login page
    assert "chair（测试）" in texts(at)  # the account box in the sidebar
    assert not any(t.key == "login_username" for t in at.text_input)


def test_wrong_password_shows_a_plain_message_and_clears_the_password(world):
    at = sign_in(app(), "chair", "wrong-password")
    assert "actor" not in at.session_state
    assert any("用户名或密码不正确" in e.value for e in at.error)
    assert at.text_input(key="login_password").value == ""
    assert at.text_input(key="login_username").value == "chair"


def test_outside_demo_mode_no_banner_no_account_list(world, monkeypatch):
    monkeypatch.setenv("JM_COOKIE_KEY", "a-real-secret-key-of-forty-characters-xx")
    monkeypatch.setenv("JM_ADMIN_PASSWORD", "first-admin-pw")
    at = app()
    assert not at.exception
    assert "演示模式" not in texts(at) and len(at.dataframe) == 0
    sign_in(at, "head_a")
    assert at.session_state["actor"] == world.users["head_a"]


def test_logout_shows_the_login_form_and_signs_out_everywhere(world):
    at = sign_in(app(), "head_a")
    at.button(key="logout_button").click()
    at.run()
    assert "actor" not in at.session_state
    assert at.text_input(key="login_username") is not None
    with read_session() as s:
        assert s.get(User, world.users["head_a"].user_id).logged_out_at is not None


def test_deactivation_ends_an_open_session_at_the_next_click(world):
    at = sign_in(app(), "head_b")
    with write_session() as s:
        users.deactivate_user(world.users["admin"], world.users["head_b"].user_id, uow=s, expected_version=None)
    at.run()
    assert "actor" not in at.session_state
    assert "已退出登录" in texts(at)


def test_role_change_applies_at_the_next_click(world):
    at = sign_in(app(), "clerk_a")
    with write_session() as s:
        users.change_role(world.users["admin"], world.users["clerk_a"].user_id, role="head",
                          agency_id=world.agencies["town_a"], uow=s, expected_version=None)
    at.run()
    assert at.session_state["actor"].role == "head"


def test_language_chosen_on_the_login_page_is_kept_and_remembered(world):
    at = app()
    at.selectbox(key="login_lang_zh").set_value("en")
    at.run()
    assert "Joint Meeting Platform" in texts(at)
    assert at.button(key="login_submit").label == "Sign in"
    sign_in(at, "viewer")
    assert at.session_state["lang"] == "en"
    with read_session() as s:
        assert s.get(User, world.users["viewer"].user_id).language == "en"
    # The next sign-in, in a new browser session, starts in the account's language.
    fresh = sign_in(app(), "viewer")
    assert fresh.session_state["lang"] == "en"


def _sidebar_language_script():
    from ui import auth

    auth.language_selector(key_prefix="app")


def test_language_switch_after_signing_in_is_saved_to_the_account(world):
    # Only the selector: the pages behind app.py have widgets whose option labels change
    # with the language, which AppTest cannot carry from one run to the next.
    at = AppTest.from_function(_sidebar_language_script, default_timeout=30)
    with read_session() as s:
        signed = users.signed_in_user(s, user_id=world.users["head_h"].user_id, since=datetime.now())
    at.session_state["actor"] = signed.actor
    at.session_state["signed_in"] = signed
    at.run()
    at.selectbox(key="app_lang_zh").set_value("en")
    at.run()
    assert at.session_state["lang"] == "en"
    assert at.selectbox(key="app_lang_en").value == "en"
    with read_session() as s:
        assert s.get(User, world.users["head_h"].user_id).language == "en"


# ----------------------------------------------------------------------------- admin pages
@pytest.mark.parametrize("path", ["pages/admin_users.py", "pages/admin_agencies.py", "pages/admin_calendar.py",
                                  "pages/admin_settings.py", "pages/audit_log.py"])
def test_admin_pages_render_for_the_office_and_refuse_a_head(world, path):
    at = page(path, world.users["admin"])
    assert at.title and not at.error
    refused = page(path, world.users["head_a"])
    assert not refused.title
    assert any("无权" in e.value for e in refused.error)


def test_chair_reads_the_audit_trail_but_not_the_admin_pages(world):
    with write_session() as s:
        users.reset_password(world.users["admin"], world.users["viewer"].user_id, "another-pass", uow=s, expected_version=None)
    at = page("pages/audit_log.py", world.users["chair"])
    table = at.dataframe[0].value
    assert "重置密码" in set(table["操作"])
    assert "共 **1** 条记录" in texts(at)
    assert any("无权" in e.value for e in page("pages/admin_users.py", world.users["chair"]).error)


def test_user_page_creates_a_user_who_can_sign_in(world):
    at = page("pages/admin_users.py", world.users["admin"])
    field(at.text_input, "new_user", "username").input("town_b_clerk")
    field(at.text_input, "new_user", "display_name").input("钱七")
    field(at.text_input, "new_user", "password").input("clerk-pass-5")
    field(at.selectbox, "new_user", "role").set_value("clerk")
    field(at.selectbox, "new_user", "agency_id").set_value(world.agencies["town_b"])
    at.button(key="FormSubmitter:new_user_form-创建用户").click()
    at.run()
    assert not at.exception
    assert any("已创建用户 town_b_clerk" in shown(s.value) for s in at.success)
    with write_session() as s:
        outcome = users.check_login(s, "town_b_clerk", "clerk-pass-5")
    assert outcome.actor is not None and outcome.actor.agency_id == world.agencies["town_b"]


def test_user_page_shows_the_error_next_to_the_field_and_keeps_the_input(world):
    at = page("pages/admin_users.py", world.users["admin"])
    field(at.text_input, "new_user", "username").input("no_agency_head")
    field(at.text_input, "new_user", "password").input("head-pass-5")
    field(at.selectbox, "new_user", "role").set_value("head")
    at.button(key="FormSubmitter:new_user_form-创建用户").click()
    at.run()
    assert any("必须指定所属单位" in e.value for e in at.error)
    assert field(at.text_input, "new_user", "username").value == "no_agency_head"
    with read_session() as s:
        assert s.scalars(select(User).where(User.username == "no_agency_head")).first() is None


def test_user_page_resets_a_password(world):
    at = page("pages/admin_users.py", world.users["admin"])
    at.selectbox(key="edit_user_pick").set_value(world.users["head_h"].user_id)
    at.run()
    uid = world.users["head_h"].user_id
    field(at.text_input, f"edit_user_{uid}", "password").input("reset-pass-8")
    at.button(key=f"FormSubmitter:reset_pw_form_{uid}-重置密码").click()
    at.run()
    assert any("已重置 head_h 的密码" in shown(s.value) for s in at.success)
    with write_session() as s:
        assert users.check_login(s, "head_h", "reset-pass-8").actor is not None


def test_agency_page_adds_an_agency(world):
    at = page("pages/admin_agencies.py", world.users["admin"])
    field(at.text_input, "new_agency", "name").input("丁街道")
    field(at.selectbox, "new_agency", "kind").set_value("town")
    field(at.number_input, "new_agency", "lon").set_value(120.25)
    field(at.number_input, "new_agency", "lat").set_value(30.05)
    at.button(key="FormSubmitter:new_agency_form-新增单位").click()
    at.run()
    assert any("已新增单位“丁街道”" in s.value for s in at.success)
    with read_session() as s:
        added = s.scalars(select(Agency).where(Agency.name == "丁街道")).one()
        assert (added.kind, added.lon, added.lat) == ("town", 120.25, 30.05)


def test_calendar_page_enters_and_confirms_a_year(world):
    year = date.today().year + 1
    at = page("pages/admin_calendar.py", world.users["admin"])
    at.selectbox(key="calendar_year").set_value(year)
    at.run()
    field(at.text_area, f"calendar_{year}", "rest_days").input(f"{year}-01-01~{year}-01-03")
    field(at.text_area, f"calendar_{year}", "working_days").input("")
    field(at.checkbox, f"calendar_{year}", "confirmed").check()
    at.button(key=f"FormSubmitter:calendar_form_{year}-保存并重新计算期限").click()
    at.run()
    assert not at.exception
    assert any(f"已保存 {year} 年安排" in s.value for s in at.success)
    with read_session() as s:
        assert s.get(CalendarYear, year) is not None


def test_settings_page_saves_a_changed_limit(world):
    at = page("pages/admin_settings.py", world.users["admin"])
    field(at.number_input, "rule_settings", "dispute_stall_days").set_value(45)
    at.button(key="FormSubmitter:rule_settings_form-保存").click()
    at.run()
    assert any("30 → 45" in s.value for s in at.success)
    with read_session() as s:
        assert s.get(RuleSetting, "dispute_stall_days").value == "45"
        assert s.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == "settings.save"
