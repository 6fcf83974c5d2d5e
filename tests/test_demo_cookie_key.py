"""The demo cookie key: random per installation, kept beside the database, never a constant
(issue 14, item 6). A cookie signed with any fixed key, the old public one included, fails."""

from __future__ import annotations

import os
import stat
from datetime import datetime

import jwt
import pytest

from data_access import config
from ui import auth

# The key that was in the repository until it became random: it must open nothing.
OLD_PUBLIC_KEY = "DEMO-MODE-ONLY-public-cookie-key-of-the-joint-meeting-dashboard"
CONSTANTS = [OLD_PUBLIC_KEY, "", "secret", "demo123", "jm_login_demo", "k" * 40]


def forged(username: str, key: str) -> str:
    payload = {"username": username, "exp_date": datetime.now().timestamp() + 86400}
    return jwt.encode(payload, key, algorithm="HS256")


@pytest.fixture
def demo_config(monkeypatch, tmp_path):
    monkeypatch.delenv("JM_COOKIE_KEY", raising=False)
    monkeypatch.delenv("JM_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(auth, "_secret", lambda name: None)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'one.db'}")
    return auth.config()


def test_demo_key_is_random_kept_beside_the_sqlite_file_owner_only(demo_config, tmp_path):
    assert demo_config.demo
    key_file = tmp_path / "one.db.cookie-key"
    assert key_file.read_text().strip() == demo_config.cookie_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(demo_config.cookie_key) >= auth.MIN_KEY_LENGTH
    # The same installation keeps its key (cookies survive a restart) ...
    assert auth.config().cookie_key == demo_config.cookie_key
    # ... and another installation has another one.
    other = config.demo_cookie_key(f"sqlite:///{tmp_path / 'two.db'}")
    assert other != demo_config.cookie_key


def test_a_cookie_signed_with_any_constant_fails(demo_config):
    for key in CONSTANTS:
        token = forged("admin", key) if key else jwt.encode(
            {"username": "admin", "exp_date": datetime.now().timestamp() + 86400}, None, algorithm="none"
        )
        assert auth.token_user(token, demo_config.cookie_key, demo_config.expiry_days) is None, key
    # The installation's own key does sign in: the refusals above are about the key.
    own = forged("admin", demo_config.cookie_key)
    assert auth.token_user(own, demo_config.cookie_key, demo_config.expiry_days)[0] == "admin"


def test_server_databases_keep_the_key_under_data(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    url = "postgresql+psycopg://jm@127.0.0.1:5432/jm"
    assert config.demo_key_path(url) == tmp_path / "data" / "demo_cookie_key"
    key = config.demo_cookie_key(url)
    assert (tmp_path / "data" / "demo_cookie_key").read_text().strip() == key
    assert config.demo_cookie_key(url) == key
    # An SQLite URI (read-only mode) keeps the key beside its file too.
    assert config.demo_key_path(f"sqlite:///file:{tmp_path}/x.db?mode=ro&uri=true") == tmp_path / "x.db.cookie-key"


def test_a_damaged_key_file_is_replaced_and_an_unwritable_folder_still_gets_a_random_key(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'db.db'}"
    (tmp_path / "db.db.cookie-key").write_text("short")
    key = config.demo_cookie_key(url)
    assert len(key) >= 32 and (tmp_path / "db.db.cookie-key").read_text().strip() == key

    def refuse(*args, **kwargs):
        raise PermissionError("read-only folder")

    monkeypatch.setattr(os, "open", refuse)
    url2 = f"sqlite:///{tmp_path / 'ro' / 'db.db'}"
    first = config.demo_cookie_key(url2)
    assert len(first) >= 32 and first not in CONSTANTS and first != key
    assert config.demo_cookie_key(url2) == first  # stable within the process
