"""Where the one shared database is and how to open it.

``DATABASE_URL`` (any SQLAlchemy URL) wins; unset, the embedded SQLite file
``data/joint_meeting.db`` in the project is used and created on first use.

SQLite is opened so that several app sessions (and the command line) can share it safely:
foreign keys enforced, WAL journal (readers never block the writer), a busy timeout instead
of "database is locked" errors, and ``BEGIN IMMEDIATE`` for every transaction so that two
writers queue instead of failing half-way. Within one process the writers of a SQLite file
also queue on a lock of their own before that (:func:`write_session`): SQLite's busy handler
polls with growing sleeps, so under a steady stream of writes an unlucky writer kept losing to
newcomers (20 writers: creations waited 0.7 s at p95 and up to 13 s; queued, 0.2 s and 0.45 s).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "joint_meeting.db"


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            # Plain postgresql:// would pick psycopg2, which we do not ship; psycopg 3 it is.
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url if isinstance(engine_or_url, str) else str(engine_or_url.url)
    return url.startswith("sqlite")


BUSY_TIMEOUT_MS = 30_000  # how long a SQLite writer waits for another's lock before giving up


def make_engine(url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False})
        _configure_sqlite(engine, busy_timeout_ms)
        _WRITER_QUEUES[engine] = (_writer_lock(url), busy_timeout_ms / 1000)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    return engine


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


_ENGINES: dict[str, Engine] = {}

# SQLite engines made here → (the lock their writers queue on, how long one waits for it).
# One lock per database file, shared by every engine of this process that opens it.
_WRITER_QUEUES: weakref.WeakKeyDictionary[Engine, tuple[threading.Lock, float]] = weakref.WeakKeyDictionary()
_WRITER_LOCKS: dict[str, threading.Lock] = {}
_WRITER_LOCKS_GUARD = threading.Lock()


def _writer_lock(url: str) -> threading.Lock:
    with _WRITER_LOCKS_GUARD:
        return _WRITER_LOCKS.setdefault(url, threading.Lock())


@contextmanager
def _writers_queued(engine: Engine) -> Iterator[None]:
    """Wait for this process's other writers of the same SQLite file to finish, in turn; past
    the busy timeout, the same "database is locked" SQLite itself would give."""
    queue = _WRITER_QUEUES.get(engine)
    if queue is None:  # PostgreSQL, or an engine made elsewhere: the database alone decides
        yield
        return
    lock, timeout_s = queue
    if not lock.acquire(timeout=timeout_s):
        raise OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))
    try:
        yield
    finally:
        lock.release()


def get_engine() -> Engine:
    """The engine for the current ``DATABASE_URL`` (one pool per URL per process)."""
    url = database_url()
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


def reset_engines() -> None:
    """Close and forget every engine (tests switch ``DATABASE_URL`` between databases)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


@contextmanager
def read_session(engine: Engine | None = None) -> Iterator[Session]:
    """A session for queries; nothing is committed."""
    with session_factory(engine)() as session:
        yield session


@contextmanager
def write_session(engine: Engine | None = None) -> Iterator[Session]:
    """One all-or-nothing transaction: commit on success, roll back on any error.

    On SQLite it starts with ``BEGIN IMMEDIATE`` so that concurrent writers wait their turn,
    queued first on the process's own lock for that file (see the module's note).
    """
    engine = engine or get_engine()
    with _writers_queued(engine), engine.connect() as conn:
        conn.info["write"] = True
        try:
            with Session(bind=conn, expire_on_commit=False) as session:
                with conn.begin():
                    yield session
                    session.flush()
        finally:
            conn.info["write"] = False


class _DrySession(Session):
    """A session whose writes never reach the database (see :func:`dry_session`)."""

    def flush(self, objects=None) -> None:  # noqa: ARG002 - nothing is written
        return None

    def execute(self, statement, *args, **kwargs):
        if getattr(statement, "is_dml", False):
            return _NoRows()
        return super().execute(statement, *args, **kwargs)


class _NoRows:
    rowcount = 1  # as if the row was there: the caller carries on, nothing is written

    def __iter__(self):
        return iter(())


@contextmanager
def dry_session(engine: Engine | None = None) -> Iterator[Session]:
    """Run a command's checks against a database that refuses writes: reads go to the
    database, every change (flush, UPDATE, INSERT) is dropped, and nothing is committed.
    Only for signing in on a read-only database, where the sign-in must succeed and its audit
    row cannot be kept."""
    with _DrySession(bind=engine or get_engine(), expire_on_commit=False, autoflush=False) as session:
        try:
            yield session
        finally:
            session.rollback()
