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


def test_rounds_migration_fills_the_urgent_moment_and_downgrades(empty_db):
    """0007 (referral rounds): an urgent referral recorded with its time of discovery gets the
    moment its 24 hours ran out; downgrading removes the rounds again."""
    from datetime import datetime

    from alembic import command

    cfg = schema.alembic_config()
    with empty_db.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    assert "referral_rounds" not in inspect(empty_db).get_table_names()
    with empty_db.begin() as conn:
        conn.execute(text("INSERT INTO agencies (id, name, kind, active, version) VALUES "
                          "(1, '青山镇', 'town', true, 1), (2, '市公安局', 'department', true, 1)"))
        conn.execute(text(
            "INSERT INTO referrals (id, number, title, from_agency_id, to_agency_id, discovered_on, discovered_at,"
            " urgency, extension_notified, criminal, status, ack_due_provisional, version) VALUES"
            " (1, 'YS-1', '紧急', 1, 2, '2026-10-09', :at, 'urgent', false, false, 'draft', false, 1),"
            " (2, 'YS-2', '普通', 1, 2, '2026-10-09', :at, 'normal', false, false, 'draft', false, 1)"
        ).bindparams(at=datetime(2026, 10, 9, 8, 0)))
    schema.upgrade(empty_db)
    with empty_db.connect() as conn:
        rows = conn.execute(text("SELECT id, round_no, send_due_at FROM referrals ORDER BY id")).all()
    assert [(r[0], r[1]) for r in rows] == [(1, 1), (2, 1)]
    assert str(rows[0][2]).startswith("2026-10-10 08:00") and rows[1][2] is None
    assert "referral_rounds" in inspect(empty_db).get_table_names()
