"""Database errors that say what is wrong and what to do, and reading (sign-in included) on a
read-only database (issue 14, item 7)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from streamlit.testing.v1 import AppTest

from data_access import config, db, health, schema
from data_access.db import read_session
from data_access.models import AuditEntry
from tests.support import admin_world
from tests.support.admin_world import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is


@pytest.fixture
def demo(monkeypatch, tmp_path):
    monkeypatch.delenv("JM_COOKIE_KEY", raising=False)
    monkeypatch.delenv("JM_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)  # a server database's demo key goes here


def use(monkeypatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    db.reset_engines()


def run_app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def migrated_sqlite(path: Path):
    """A SQLite file at the newest migration, with the test accounts (a SQLite-only case: a
    read-only PostgreSQL is covered by the diagnosis of SQLSTATE 25006 below)."""
    engine = db.make_engine(f"sqlite:///{path}")
    schema.upgrade(engine)
    world = admin_world.build(engine)
    engine.dispose()
    return world


@pytest.fixture
def read_only_sqlite(monkeypatch, demo, tmp_path):
    world = migrated_sqlite(tmp_path / "ro.db")
    # Opened read-only by the URL: unlike chmod 0444, this stops root too.
    use(monkeypatch, f"sqlite:///file:{tmp_path / 'ro.db'}?mode=ro&uri=true")
    yield world
    db.reset_engines()


def audit_rows() -> int:
    with read_session() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def test_read_only_file_is_named_and_said_so_in_both_languages(read_only_sqlite):
    engine = db.get_engine()
    with pytest.raises(Exception) as caught:
        with db.write_session() as s:
            s.execute(text("UPDATE users SET failed_logins = 1"))
    problem = health.diagnose(caught.value, str(engine.url))
    assert problem.kind == "read_only"
    path = engine.url.database.removeprefix("file:")
    assert path in problem.zh and "只读" in problem.zh and "init-db" not in problem.zh
    assert path in problem.en and "read-only" in problem.en and "init-db" not in problem.en
    assert health.read_only(engine)


def test_sign_in_and_reading_work_on_a_read_only_database(read_only_sqlite):
    before = audit_rows()
    at = run_app()
    assert not errors(at)
    banner = "\n".join(w.value for w in at.warning)
    assert "数据库为只读" in banner and "保存功能已关闭" in banner
    at.text_input(key="login_username").input("head_a")
    at.text_input(key="login_password").input(PASSWORD)
    at.button(key="login_submit").click()
    at.run()
    assert not at.exception, at.exception
    assert not errors(at), errors(at)
    assert "login_username" not in [w.key for w in at.text_input]  # signed in, on a page
    assert any("head_a" in m.value for m in at.sidebar.markdown)
    assert "数据库为只读" in "\n".join(w.value for w in at.warning)
    assert audit_rows() == before  # nothing could be written, and nothing failed for it
    # A wrong password is still refused.
    other = run_app()
    other.text_input(key="login_username").input("head_a")
    other.text_input(key="login_password").input("wrong password")
    other.button(key="login_submit").click()
    other.run()
    assert "login_username" in [w.key for w in other.text_input]


def test_read_only_by_query_only_pragma_is_detected(monkeypatch, tmp_path):
    from sqlalchemy import event

    migrated_sqlite(tmp_path / "q.db")
    use(monkeypatch, f"sqlite:///{tmp_path / 'q.db'}")
    engine = db.make_engine(f"sqlite:///{tmp_path / 'q.db'}")

    @event.listens_for(engine, "connect")
    def _query_only(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA query_only = ON")

    assert health.read_only(engine)
    with pytest.raises(Exception) as caught:
        with db.write_session(engine) as s:
            s.execute(text("UPDATE users SET failed_logins = 1"))
    assert health.diagnose(caught.value, str(engine.url)).kind == "read_only"
    engine.dispose()
    assert not health.read_only(db.get_engine())
    db.reset_engines()


def test_a_read_only_postgresql_transaction_is_read_only():
    class ReadOnlySqlTransaction(Exception):
        sqlstate = "25006"

    problem = health.diagnose(ReadOnlySqlTransaction("cannot execute UPDATE in a read-only transaction"),
                              "postgresql+psycopg://jm@10.0.0.5:5432/jm")
    assert problem.kind == "read_only" and "10.0.0.5:5432/jm" in problem.zh and "primary" in problem.en


def test_stopped_postgresql_names_the_server_and_says_to_start_it(monkeypatch, demo):
    port = closed_port()
    use(monkeypatch, f"postgresql+psycopg://jm:pw@127.0.0.1:{port}/jm")
    at = run_app()
    shown = errors(at)
    assert f"127.0.0.1:{port}" in shown and "PostgreSQL" in shown and "启动" in shown
    assert "init-db" not in shown and "pw" not in shown
    with pytest.raises(Exception) as caught:
        with db.read_session() as s:
            s.execute(text("SELECT 1"))
    problem = health.diagnose(caught.value, f"postgresql+psycopg://jm:pw@127.0.0.1:{port}/jm")
    assert problem.kind == "unreachable"
    assert f"127.0.0.1:{port}" in problem.en and "start PostgreSQL" in problem.en
    db.reset_engines()


def test_missing_schema_says_run_init_db(monkeypatch, demo, tmp_path):
    use(monkeypatch, f"sqlite:///{tmp_path / 'empty.db'}")
    shown = errors(run_app())
    assert "init-db" in shown and "只读" not in shown and "无法连接" not in shown
    db.reset_engines()


def test_an_old_schema_says_run_init_db(monkeypatch, demo, tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    cfg = schema.alembic_config()
    from alembic import command

    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    use(monkeypatch, url)
    shown = errors(run_app())
    assert "init-db" in shown and "0001" in shown and schema.head_revision() in shown
    db.reset_engines()


def test_messages_come_in_both_languages():
    url = "sqlite:////srv/jm/joint_meeting.db"
    for problem in (health.read_only_problem(url), health.schema_problem(url),
                    health.read_only_problem("postgresql+psycopg://u@db.example:5433/jm")):
        assert problem.zh and problem.en and problem.zh != problem.en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in problem.zh)
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in problem.en)
