"""The schema: migrations reach head on both databases and match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from data_access import schema
from data_access.models import Base


def test_migrations_reach_head_and_match_models(empty_db):
    assert schema.is_current(empty_db)
    with empty_db.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_upgrade_is_safe_to_run_twice(empty_db):
    before = set(inspect(empty_db).get_table_names())
    schema.upgrade(empty_db)
    assert set(inspect(empty_db).get_table_names()) == before
    assert "referrals" in before and "audit_log" in before


def test_sqlite_enforces_foreign_keys_and_uses_wal(empty_db):
    if empty_db.dialect.name != "sqlite":
        assert empty_db.dialect.name == "postgresql"
        return
    with empty_db.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
