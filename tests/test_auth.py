"""Signing in and out: passwords, lockout, deactivation, the login cookie, demo mode,
and that both the command line and the user commands make accounts that can sign in."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import jwt
import pytest
from sqlalchemy import func, select

from data_access.commands import users
from data_access.commands.base import ValidationFailed
from data_access.db import read_session, write_session
from data_access.models import AuditEntry, User
from tests.support import admin_world
from tests.support.admin_world import PASSWORD
from ui import auth

ROOT = Path(__file__).resolve().parent.parent
KEY = "k" * 40


@pytest.fixture
def world(empty_db):
    return admin_world.build()


def login(username, password, **kw):
    with write_session() as s:
        return users.check_login(s, username, password, **kw)


def audit_actions(username):
    with read_session() as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.username == username).order_by(AuditEntry.id)))


def user_row(username) -> User:
    with read_session() as s:
        return s.scalars(select(User).where(User.username == username)).one()


def test_correct_password_signs_in_with_role_and_agency(world):
    outcome = login("head_a", PASSWORD)
    assert outcome.reason == "ok" and outcome.message == ""
    assert outcome.actor == world.users["head_a"]
    assert outcome.user.agency_name == "甲镇（测试）"
    with write_session() as s:
        assert users.authenticate(s, "chair", PASSWORD) == world.users["chair"]
    assert audit_actions("head_a") == ["user.login"]


def test_wrong_password_and_unknown_user_get_the_same_plain_message(world):
    wrong = login("head_a", "not-the-password")
    unknown = login("nobody", "not-the-password")
    assert wrong.actor is None and unknown.actor is None
    assert wrong.message == unknown.message
    assert "用户名或密码不正确" in wrong.message and "wrong" in wrong.message
    assert user_row("head_a").failed_logins == 1
    assert audit_actions("head_a") == ["user.login_failed"]
    assert audit_actions("nobody") == []  # nothing to record for an unknown name
    assert login("", "").reason == "empty"


def test_five_failures_lock_the_account_even_for_the_right_password(world):
    now = datetime(2026, 11, 20, 10, 0)
    for _ in range(users.MAX_FAILED_LOGINS - 1):
        assert login("clerk_a", "wrong-one", now=now).reason == "wrong_password"
    locked = login("clerk_a", "wrong-one", now=now)
    assert locked.reason == "locked" and "10:15" in locked.message
    assert login("clerk_a", PASSWORD, now=now + timedelta(minutes=14)).reason == "locked"
    assert "user.locked" in audit_actions("clerk_a")
    # When the lock runs out the right password works again and clears the count.
    later = login("clerk_a", PASSWORD, now=now + timedelta(minutes=16))
    assert later.reason == "ok"
    row = user_row("clerk_a")
    assert row.failed_logins == 0 and row.locked_until is None


def test_a_success_resets_the_failure_count(world):
    login("head_b", "wrong-one")
    login("head_b", "wrong-one")
    assert login("head_b", PASSWORD).reason == "ok"
    assert user_row("head_b").failed_logins == 0


def test_deactivated_user_cannot_sign_in_nor_use_a_live_cookie(world):
    issued = datetime.now() - timedelta(minutes=5)
    with read_session() as s:
        assert users.signed_in_user(s, username="head_b", since=issued) is not None
    with write_session() as s:
        users.deactivate_user(world.users["admin"], world.users["head_b"].user_id, uow=s, expected_version=None)
    refused = login("head_b", PASSWORD)
    assert refused.reason == "inactive" and "停用" in refused.message
    with read_session() as s:
        assert users.signed_in_user(s, username="head_b", since=issued) is None
        assert users.signed_in_user(s, user_id=world.users["head_b"].user_id, since=datetime.now()) is None


def test_logout_refuses_cookies_issued_before_it_but_not_after(world):
    chair = world.users["chair"]
    before = datetime.now() - timedelta(seconds=1)
    with write_session() as s:
        users.record_logout(chair, uow=s)
    with read_session() as s:
        assert users.signed_in_user(s, username="chair", since=before) is None
        assert users.signed_in_user(s, username="chair", since=datetime.now()) is not None
    assert audit_actions("chair")[-1] == "user.logout"


def test_password_reset_signs_out_and_only_the_new_password_works(world):
    issued = datetime.now() - timedelta(seconds=1)
    with write_session() as s:
        users.reset_password(world.users["admin"], world.users["viewer"].user_id, "brand-new-pass", uow=s, expected_version=None)
    assert login("viewer", PASSWORD).actor is None
    assert login("viewer", "brand-new-pass").actor == world.users["viewer"]
    with read_session() as s:
        assert users.signed_in_user(s, username="viewer", since=issued) is None
    with pytest.raises(ValidationFailed) as exc:
        with write_session() as s:
            users.reset_password(world.users["admin"], world.users["viewer"].user_id, "123", uow=s, expected_version=None)
    assert "password" in exc.value.errors


def test_change_own_password_needs_the_current_one(world):
    me = world.users["head_h"]
    with pytest.raises(ValidationFailed) as exc:
        with write_session() as s:
            users.change_own_password(me, "wrong-current", "another-pass", uow=s)
    assert set(exc.value.errors) == {"old_password"}
    with write_session() as s:
        users.change_own_password(me, PASSWORD, "another-pass", uow=s)
    assert login("head_h", "another-pass").reason == "ok"


def test_demo_password_is_refused_outside_demo_mode(world):
    with write_session() as s:
        s.scalars(select(User).where(User.username == "chair")).one().password_hash = admin_world.password_hash(
            users.DEMO_PASSWORD
        )
    assert login("chair", users.DEMO_PASSWORD, demo_mode=True).reason == "ok"
    refused = login("chair", users.DEMO_PASSWORD, demo_mode=False)
    assert refused.reason == "demo_password" and "演示密码" in refused.message


def test_language_preference_is_saved(world):
    with write_session() as s:
        users.set_language(world.users["viewer"], "en", uow=s)
    assert user_row("viewer").language == "en"
    assert login("viewer", PASSWORD).user.language == "en"
    with pytest.raises(ValidationFailed):
        with write_session() as s:
            users.set_language(world.users["viewer"], "fr", uow=s)


def test_created_user_can_sign_in(world):
    with write_session() as s:
        made = users.create_user(world.users["admin"], "new_clerk", "clerk", "乙镇（测试）", "clerk-pass-9", "王五", uow=s)
    outcome = login("new_clerk", "clerk-pass-9")
    assert outcome.actor is not None
    assert (outcome.actor.role, outcome.actor.agency_id) == ("clerk", world.agencies["town_b"])
    assert outcome.actor.user_id == made.id


def test_cli_create_user_makes_an_account_that_can_sign_in(world, empty_db):
    env = dict(os.environ, DATABASE_URL=empty_db.url.render_as_string(hide_password=False))
    done = subprocess.run(
        [sys.executable, "-m", "data_access", "create-user", "cli_head", "--role", "head", "--agency", "甲镇（测试）"],
        input="cli-pass-77\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    outcome = login("cli_head", "cli-pass-77")
    assert outcome.actor is not None and outcome.actor.agency_id == world.agencies["town_a"]


def test_bootstrap_admin_creates_or_repairs_the_first_office_account(empty_db):
    with write_session() as s:
        assert users.bootstrap_admin(s, "first-admin-pw") == "created"
    assert login("admin", "first-admin-pw", demo_mode=False).actor.role == "office"
    with write_session() as s:
        assert users.bootstrap_admin(s, "other-password") is None  # the office may have changed it since
    # A database seeded in demo mode: admin still has the demo password and gets the real one.
    with write_session() as s:
        s.scalars(select(User).where(User.username == "admin")).one().password_hash = admin_world.password_hash(
            users.DEMO_PASSWORD
        )
    with write_session() as s:
        assert users.bootstrap_admin(s, "real-admin-pw") == "reset"
    assert login("admin", "real-admin-pw", demo_mode=False).reason == "ok"
    with read_session() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 1


# ----------------------------------------------------------------------------- the cookie
def library_token(username: str, *, key: str = KEY, days: float = 7.0) -> str:
    """A cookie value exactly as streamlit-authenticator writes it."""
    import streamlit as st
    from streamlit_authenticator.models import CookieModel

    model = CookieModel("jm_login", key, days)
    st.session_state["username"] = username
    model.exp_date = model._set_exp_date()
    return model._token_encode()


def test_token_written_by_the_library_is_read_back():
    found = auth.token_user(library_token("chair"), KEY, 7.0)
    assert found is not None
    username, issued = found
    assert username == "chair"
    assert abs((issued - datetime.now()).total_seconds()) < 60


def test_bad_expired_or_foreign_tokens_are_refused():
    assert auth.token_user(None, KEY, 7.0) is None
    assert auth.token_user("not-a-jwt", KEY, 7.0) is None
    assert auth.token_user(library_token("chair", key="x" * 40), KEY, 7.0) is None  # other key
    expired = jwt.encode({"username": "chair", "exp_date": datetime.now().timestamp() - 1}, KEY, algorithm="HS256")
    assert auth.token_user(expired, KEY, 7.0) is None
    no_name = jwt.encode({"exp_date": datetime.now().timestamp() + 99}, KEY, algorithm="HS256")
    assert auth.token_user(no_name, KEY, 7.0) is None


def test_config_demo_mode_and_secrets(monkeypatch, tmp_path):
    monkeypatch.delenv("JM_COOKIE_KEY", raising=False)
    monkeypatch.delenv("JM_ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    monkeypatch.setattr(auth, "_secret", lambda name: os.environ.get(name))
    demo = auth.config()
    assert demo.demo and len(demo.cookie_key) >= auth.MIN_KEY_LENGTH
    assert (tmp_path / "demo.db.cookie-key").read_text().strip() == demo.cookie_key
    monkeypatch.setenv("JM_ADMIN_PASSWORD", "first-admin-pw")
    assert "JM_COOKIE_KEY" in auth.config().problem
    monkeypatch.setenv("JM_COOKIE_KEY", "short")
    assert "JM_COOKIE_KEY" in auth.config().problem
    monkeypatch.setenv("JM_COOKIE_KEY", KEY)
    real = auth.config()
    assert not real.demo and real.problem is None and real.cookie_key == KEY
    assert real.cookie_name != demo.cookie_name
