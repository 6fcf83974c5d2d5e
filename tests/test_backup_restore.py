"""``backup`` then ``restore`` (CONTRACT.md) on SQLite and PostgreSQL: the restored database
holds exactly what was backed up, a database holding records is never written over, and a
damaged or mismatched backup is reported, not half-restored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from data_access import backup, db, schema
from data_access.backup import BackupError, restore, table_counts
from tests.test_cli import call, with_agencies


def _fill(engine) -> dict[str, int]:
    from data_access.commands.base import SYSTEM
    from data_access.db import write_session
    from data_access.importing import import_referrals, read_table
    from tests.test_cli import FIXTURES

    with_agencies(engine)
    with write_session(engine) as session:
        import_referrals(session, SYSTEM, read_table(FIXTURES / "referrals.csv"))
    with engine.connect() as conn:
        return table_counts(conn)


def _point_at(url: str):
    import os

    os.environ["DATABASE_URL"] = url
    db.reset_engines()
    return db.get_engine()


def test_backup_then_restore_into_a_new_database_gives_back_every_row(empty_db, backend, tmp_path, capsys):
    source_url = str(empty_db.url.render_as_string(hide_password=False))
    counts = _fill(empty_db)
    assert counts["referrals"] == 5 and counts["agencies"] > 0

    code, out, err = call(capsys, "backup", str(tmp_path))
    assert code == 0, err
    made = Path(out.strip())

    # Into a database fresh from init-db (the usual case: init-db, then restore).
    target = _point_at(backend.new_database())
    code, _, err = call(capsys, "restore", str(made))
    assert code == 0, err
    assert "已核对" in err
    with target.connect() as conn:
        assert table_counts(conn) == counts
        assert conn.execute(text("SELECT count(*) FROM referrals")).scalar() == 5
    assert schema.is_current(target)

    # A database that now holds records is never written over.
    code, _, err = call(capsys, "restore", str(made))
    assert code == 1 and "已有数据" in err and "Traceback" not in err
    with target.connect() as conn:
        assert table_counts(conn) == counts
    _point_at(source_url)


def test_restore_refuses_a_missing_or_damaged_backup(empty_db, backend, tmp_path, capsys):
    code, _, err = call(capsys, "restore", str(tmp_path / "nothing.db"))
    assert code == 1 and "不存在" in err
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"this is not a backup\x00" * 50)
    if backend.kind == "postgresql":
        junk.with_name(junk.name + ".manifest.json").write_text(json.dumps({"tables": {"agencies": 1}}))
    code, _, err = call(capsys, "restore", str(junk))
    assert code == 1 and "Traceback" not in err
    assert ("不是可用的" in err) if backend.kind == "sqlite" else ("pg_restore" in err)
    with empty_db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM agencies")).scalar() == 0


def test_restore_reports_a_backup_whose_counts_do_not_match(empty_db, backend, tmp_path):
    if backend.kind == "sqlite":
        # SQLite is checked against the backup file itself; a manifest exists only beside a dump.
        counts = _fill(empty_db)
        made = backup.backup_sqlite(backup.sqlite_path(empty_db.url), tmp_path / "copy.db").path
        target = _point_at(backend.new_database())
        result = restore(target, made)
        assert result.tables == counts
        return
    _fill(empty_db)
    made = backup.backup_postgres(empty_db, tmp_path).path
    manifest = Path(f"{made}.manifest.json")
    data = json.loads(manifest.read_text())
    data["tables"]["referrals"] += 1  # as if a row had been lost on the way
    manifest.write_text(json.dumps(data))
    target = _point_at(backend.new_database())
    with pytest.raises(BackupError, match="referrals: 6 → 5"):
        restore(target, made)


def test_a_restored_backup_keeps_the_attached_files(empty_db, backend, tmp_path, capsys):
    """Attachments live in the database: backup then restore gives them back byte for byte."""
    from sqlalchemy import select

    from data_access.commands import referrals as referral_commands
    from data_access.commands.attachments import attach_file
    from data_access.models import Attachment
    from tests.support.entry_world import TODAY, make_world, valid_referral
    from tests.test_attachments import PDF, PNG

    source_url = empty_db.url.render_as_string(hide_password=False)
    world = make_world()
    ref = referral_commands.create_referral(world.clerk(world.town), **valid_referral(world)).id
    attach_file(world.clerk(world.town), "referral", ref, "移送函", "移送函.pdf", PDF, today=TODAY)
    attach_file(world.clerk(world.town), "referral", ref, "现场照片", "照片.png", PNG, today=TODAY)
    code, out, err = call(capsys, "backup", str(tmp_path))
    assert code == 0, err

    target = _point_at(backend.new_database())
    code, _, err = call(capsys, "restore", out.strip())
    assert code == 0, err
    with target.connect() as conn:
        files = conn.execute(select(Attachment.filename, Attachment.content).order_by(Attachment.id)).all()
    assert [(f, bytes(c)) for f, c in files] == [("移送函.pdf", PDF), ("照片.png", PNG)]
    _point_at(source_url)
