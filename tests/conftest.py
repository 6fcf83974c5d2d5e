"""Database fixtures: every database test runs on SQLite and on PostgreSQL.

``TEST_DATABASES`` (default ``sqlite,postgresql``) chooses the back ends. PostgreSQL is
started here, on loopback, for the session (``tests/support/postgres.py``). When the server
binaries are missing the PostgreSQL half is skipped with the reason, except under ``CI``,
where it fails: CI must test both.

Fixtures:
- ``empty_db``: a fresh database migrated to head, nothing in it; ``DATABASE_URL`` points at it.
- ``empty_postgres_db``: the same on PostgreSQL only, whatever ``TEST_DATABASES`` says.
- ``city_db``: the sample city (small, seeded once per session and back end); read only.
- ``mailbox``: a real SMTP server on loopback, running during the test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from itertools import count
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_access import db, schema
from tests.support.databases import database_at, seeded_city
from tests.support.postgres import PostgresServer, PostgresUnavailable

DATABASES = [d.strip() for d in os.environ.get("TEST_DATABASES", "sqlite,postgresql").split(",") if d.strip()]
_counter = count()


@pytest.fixture(scope="session")
def pg_server():
    try:
        server = PostgresServer()
        server.start()
    except (PostgresUnavailable, OSError, Exception) as exc:  # noqa: BLE001 - report any cause
        if os.environ.get("CI"):
            raise RuntimeError(f"PostgreSQL could not be started in CI: {exc}") from exc
        pytest.skip(f"PostgreSQL not available on this machine: {exc}")
    yield server
    db.reset_engines()
    server.stop()


class Backend:
    """Makes databases of one kind, each migrated to head, from a template made once."""

    def __init__(self, kind: str, pg: PostgresServer | None):
        self.kind = kind
        self.pg = pg
        self.tmp = Path(tempfile.mkdtemp(prefix=f"jm-{kind}-"))
        self._template: str | None = None

    def _migrated_template(self) -> str:
        if self._template is None:
            if self.kind == "sqlite":
                path = self.tmp / "template.db"
                url = f"sqlite:///{path}"
            else:
                self._admin("CREATE DATABASE jm_template")
                url = self.pg.url("jm_template")
            engine = db.make_engine(url)
            schema.upgrade(engine)
            engine.dispose()
            self._template = url
        return self._template

    def _admin(self, sql: str) -> None:
        engine = create_engine(self.pg.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(sql))
        engine.dispose()

    def new_database(self, name: str | None = None) -> str:
        template = self._migrated_template()
        name = name or f"t{next(_counter)}"
        if self.kind == "sqlite":
            path = self.tmp / f"{name}.db"
            shutil.copyfile(Path(template.removeprefix("sqlite:///")), path)
            return f"sqlite:///{path}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE jm_template")
        return self.pg.url(name)

    def cleanup(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_backend(pg_server):
    """PostgreSQL databases, for the tests of ``backend`` and for PostgreSQL-only tests."""
    b = Backend("postgresql", pg_server)
    yield b
    db.reset_engines()
    b.cleanup()


@pytest.fixture(scope="session", params=DATABASES)
def backend(request):
    if request.param == "postgresql":
        yield request.getfixturevalue("postgres_backend")
        return
    b = Backend(request.param, None)
    yield b
    db.reset_engines()
    b.cleanup()


@pytest.fixture
def empty_postgres_db(postgres_backend):
    """Like ``empty_db``, on PostgreSQL only: for what only PostgreSQL promises (SQLite
    serialises its writers by design)."""
    with database_at(postgres_backend.new_database()) as engine:
        yield engine


@pytest.fixture
def empty_db(backend):
    """A fresh, migrated, empty database; ``DATABASE_URL`` points at it during the test."""
    with database_at(backend.new_database()) as engine:
        yield engine


@pytest.fixture(scope="session")
def _city_url(backend):
    return seeded_city(backend, f"city_{backend.kind}", scale=1.0, random_seed=7)


@pytest.fixture
def city_db(_city_url):
    """The sample city seeded once per back end; tests must only read it."""
    with database_at(_city_url) as engine:
        yield engine


@pytest.fixture
def mailbox():
    """A real SMTP server on loopback (``tests/support/mailbox.py``), running during the test."""
    from tests.support.mailbox import Mailbox

    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()
