"""A busy database (issue 17, item 5): a write that finds another writer holding SQLite's lock
waits, retries briefly by itself, and when the lock is still held says plainly that nothing
was saved and to try again — never a raw "database is locked". PostgreSQL's lock and
serialisation errors are recognised the same way.

The lock is held by a second, raw ``sqlite3`` connection in ``BEGIN IMMEDIATE``, as another
app process writing would; the commands run on an engine whose busy timeout is short so that
the test does not wait the product's 30 s.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import date

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from data_access import db, health, schema
from data_access.commands import assistance, meetings
from data_access.validation import Busy
from tests.support.databases import database_at
from tests.support.entry_world import OFFICE, TODAY, counts, make_world


@pytest.fixture
def busy_world(tmp_path):
    path = tmp_path / "busy.db"
    url = f"sqlite:///{path}"
    schema.upgrade(db.make_engine(url))
    with database_at(url):
        world = make_world()
        short = db.make_engine(url, busy_timeout_ms=150)
        yield world, short, path
        short.dispose()


def _hold_write_lock(path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def _request(world, engine):
    return assistance.request_assistance(
        world.clerk(world.town), kind="appraisal", subject="违建结构安全鉴定", from_agency_id=world.town,
        to_agency_id=world.housing, requested_on=date(2026, 9, 30), today=TODAY, engine=engine)


def test_a_write_refused_while_the_lock_is_held_says_so_and_saves_nothing(busy_world):
    world, short, path = busy_world
    before = counts()
    other = _hold_write_lock(path)
    try:
        with pytest.raises(Busy) as refused:
            _request(world, short)
    finally:
        other.execute("ROLLBACK")
        other.close()
    zh, en = refused.value.message.zh, refused.value.message.en
    assert "数据库正忙" in zh and "没有保存" in zh and "再试" in zh
    assert "nothing was saved" in en
    assert counts() == before
    assert _request(world, short).number  # the lock gone, the same write goes through


def test_a_write_retries_by_itself_when_the_lock_is_released_soon(busy_world):
    world, short, path = busy_world
    other = _hold_write_lock(path)
    release = threading.Timer(0.3, lambda: (other.execute("ROLLBACK"), other.close()))
    release.start()
    try:
        saved = _request(world, short)  # the first attempt gives up after 0.15 s; a retry gets in
    finally:
        release.join()
    assert saved.number == "XZ-2026-0001"


def test_a_command_in_its_own_unit_of_work_is_refused_plainly_too(busy_world):
    world, short, path = busy_world
    other = _hold_write_lock(path)
    try:
        with pytest.raises(Busy):
            meetings.schedule_meeting(OFFICE, held_on=date(2026, 12, 15), today=TODAY, engine=short)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_writers_of_one_process_queue_in_turn_and_one_kept_waiting_is_refused_plainly(busy_world):
    """Within a process, writers of a SQLite file queue on a lock of their own before SQLite's;
    one that waited past the busy timeout there gets the same plain refusal, nothing saved."""
    world, short, _ = busy_world
    inside, leave = threading.Event(), threading.Event()

    def long_writer() -> None:
        with db.write_session(short):
            inside.set()
            leave.wait(10)

    holder = threading.Thread(target=long_writer)
    holder.start()
    inside.wait(10)
    before = counts()
    try:
        with pytest.raises(Busy):
            _request(world, short)
        assert counts() == before
        waiting = threading.Thread(target=lambda: _request(world, db.make_engine(str(short.url))))
        waiting.start()  # an engine with the product's 30 s: it waits its turn instead
        leave.set()
        waiting.join(10)
        assert not waiting.is_alive()
    finally:
        leave.set()
        holder.join()
    assert counts()["assistance_requests"] == before["assistance_requests"] + 1


def test_a_write_that_finds_every_connection_in_use_is_refused_plainly_too(busy_world):
    """Many sessions of one app process share its pool of connections; one that waited its
    time for a free connection is busy, not a raw "QueuePool limit … reached"."""
    world, _, path = busy_world
    one = create_engine(f"sqlite:///{path}", pool_size=1, max_overflow=0, pool_timeout=0.2,
                        connect_args={"check_same_thread": False})
    db._configure_sqlite(one, 150)
    before = counts()
    try:
        with one.connect():  # another session's request, holding the only connection
            with pytest.raises(Busy):
                _request(world, one)
        assert counts() == before
        assert _request(world, one).number  # the connection free again, the same write goes through
    finally:
        one.dispose()


class _PgError(Exception):
    def __init__(self, sqlstate: str):
        super().__init__("could not obtain lock")
        self.sqlstate = sqlstate


@pytest.mark.parametrize("state,busy", [("55P03", True), ("40001", True), ("40P01", True), ("23505", False)])
def test_postgresql_lock_and_serialisation_errors_count_as_busy(state, busy):
    exc = OperationalError("INSERT …", {}, _PgError(state))
    assert health.is_busy(exc) is busy
    kind = health.diagnose(exc, "postgresql+psycopg://u@localhost:5432/jm").kind
    assert (kind == "busy") is busy


def test_sqlite_busy_words_count_as_busy():
    assert health.is_busy(OperationalError("UPDATE …", {}, sqlite3.OperationalError("database is locked")))
    assert not health.is_busy(OperationalError("UPDATE …", {}, sqlite3.OperationalError("no such table: x")))
