"""A consistent copy of the database, taken while the app may be writing.

SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies the whole file in
one step under a read transaction, so the copy is a snapshot of one moment even while app
sessions write (in WAL mode readers do not block writers). The copy is written to a
temporary name next to the destination and renamed into place only when complete, so a
failed backup never leaves a half-written file under the destination's name.

PostgreSQL: the server's own tools do this. :func:`backup_postgres` runs ``pg_dump`` (custom
format) on a snapshot exported from a transaction in which it also counts every table's rows,
so the dump and its manifest (``DEST.manifest.json``) describe the same moment. Without
``pg_dump`` on the machine, :func:`postgres_instructions` says how, naming the host and
database but never the credentials.

Restore (:func:`restore`) puts a backup back into an *empty* database (a new file, a database
fresh from ``init-db``, or one with no tables at all; never one that holds records), then
checks it: SQLite's integrity and foreign-key checks, and every table's row count against the
backup (the SQLite file itself, or the PostgreSQL dump's manifest). Anything that does not
check out is reported and, on PostgreSQL, rolled back whole.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL, make_url

from data_access.commands.base import CommandError


class BackupError(CommandError):
    """A backup that cannot be made; the message is in plain words."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL, or None for an in-memory database or another back end."""
    url = make_url(url) if isinstance(url, str) else url
    if url.get_backend_name() != "sqlite":
        return None
    if url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def backup_sqlite(source: Path, dest: str | Path, *, now: datetime | None = None) -> BackupResult:
    """Copy the SQLite database ``source`` to ``dest``.

    ``dest`` may be a directory (the copy gets a timestamped name inside it) or a file name
    that does not exist yet; an existing file is never overwritten.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"数据库文件不存在：{source} / The database file does not exist: {source}")
    target = _target_file(dest, source.stem, ".db", now)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # pages=-1: the whole database in one step, one consistent snapshot
            # A standalone copy: no WAL side files needed to read it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"备份失败：{exc} / The backup failed: {exc}") from None
    finally:
        src.close()
    try:
        # link() fails if the target appeared meanwhile, so nothing is ever overwritten.
        os.link(partial, target)
    except FileExistsError:
        raise BackupError(f"目标文件已存在，不会覆盖：{target} / {target} already exists.") from None
    except OSError:
        # A file system without hard links: rename, having checked the name is still free.
        if target.exists():
            raise BackupError(f"目标文件已存在，不会覆盖：{target} / {target} already exists.") from None
        os.rename(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(target, target.stat().st_size)


def postgres_instructions(url: str | URL) -> str:
    """How to back up a PostgreSQL database, without echoing its user name or password."""
    url = make_url(url) if isinstance(url, str) else url
    host = url.host or "localhost"
    port = url.port or 5432
    db = url.database or "<数据库名>"
    return (
        "当前数据库是 PostgreSQL 服务器，请在服务器端用 pg_dump 备份，例如：\n"
        f"  pg_dump -h {host} -p {port} -U <用户名> -F c -f joint_meeting.dump {db}\n"
        "密码可通过 PGPASSWORD 环境变量或 ~/.pgpass 提供；恢复时用 pg_restore。\n"
        "This database is a PostgreSQL server: back it up on the server side with pg_dump, e.g.\n"
        f"  pg_dump -h {host} -p {port} -U <user> -F c -f joint_meeting.dump {db}\n"
        "Give the password through PGPASSWORD or ~/.pgpass; restore with pg_restore."
    )


# --------------------------------------------------------------------------- PostgreSQL

#: Tables whose rows mean "this database is in use": restore never writes over them.
_RECORD_TABLES = ("agencies", "users", "referrals", "audit_log")
MANIFEST_SUFFIX = ".manifest.json"


def pg_tool(name: str) -> str | None:
    """Path of a PostgreSQL client program (``pg_dump``, ``pg_restore``), or None."""
    found = shutil.which(name)
    if found:
        return found
    # Debian keeps the versioned binaries here; the newest can read every older server.
    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return candidate
    return None


def _pg_env(url: URL) -> dict[str, str]:
    """libpq's variables for ``url``: the password travels in the environment, never in argv."""
    env = dict(os.environ)
    for var, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value not in (None, ""):
            env[var] = str(value)
    return env


def _target_file(dest: str | Path, stem: str, suffix: str, now: datetime | None) -> Path:
    dest = Path(dest)
    if dest.is_dir():
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        target = dest / f"{stem}-{stamp}{suffix}"
        n = 1
        while target.exists():
            n += 1
            target = dest / f"{stem}-{stamp}-{n}{suffix}"
        return target
    if dest.exists():
        raise BackupError(
            f"目标文件已存在，不会覆盖：{dest}。请换一个文件名，或给出一个目录。"
            f" / {dest} already exists and will not be overwritten; choose another name or give a directory."
        )
    if not dest.parent.is_dir():
        raise BackupError(f"目录不存在：{dest.parent} / The directory does not exist: {dest.parent}")
    return dest


def table_counts(conn) -> dict[str, int]:
    """Row count of every table of the product (Alembic's bookkeeping included)."""
    names = sorted(inspect(conn).get_table_names())
    return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in names}


def backup_postgres(engine: Engine, dest: str | Path, *, now: datetime | None = None) -> BackupResult:
    """``pg_dump -F c`` of the database behind ``engine`` plus a manifest of row counts.

    The counts and the dump read the same snapshot (``pg_export_snapshot``), so a restore can
    check that it got back exactly what was dumped even while the app was writing.
    """
    pg_dump = pg_tool("pg_dump")
    if pg_dump is None:
        raise BackupError(postgres_instructions(engine.url))
    target = _target_file(dest, engine.url.database or "joint_meeting", ".dump", now)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = table_counts(conn)
            done = subprocess.run(
                [pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot}", f"--file={partial}"],
                env=_pg_env(engine.url), capture_output=True, text=True,
            )
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        detail = (done.stderr or "").strip().splitlines()[-1:] or ["?"]
        raise BackupError(f"pg_dump 失败：{detail[0]} / pg_dump failed: {detail[0]}")
    try:
        os.link(partial, target)
    except FileExistsError:
        raise BackupError(f"目标文件已存在，不会覆盖：{target} / {target} already exists.") from None
    finally:
        partial.unlink(missing_ok=True)
    manifest = {"format": "pg_dump-custom", "taken_at": (now or datetime.now()).isoformat(timespec="seconds"),
                "tables": counts}
    Path(f"{target}{MANIFEST_SUFFIX}").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return BackupResult(target, target.stat().st_size)


# --------------------------------------------------------------------------- restore


@dataclass(frozen=True)
class RestoreResult:
    tables: dict[str, int]
    revision: str | None


def _refuse_unless_empty(engine: Engine) -> None:
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        holding = [t for t in _RECORD_TABLES if t in present
                   and conn.execute(text(f'SELECT 1 FROM "{t}" LIMIT 1')).first() is not None]
    if holding:
        raise BackupError(
            "目标数据库已有数据（" + "、".join(holding) + "），恢复只写入空数据库，以免覆盖现有记录。"
            "请新建一个空数据库并将 DATABASE_URL 指向它。"
            f" / The target database holds records ({', '.join(holding)}); restore only writes into an"
            " empty database so that nothing saved is lost. Create an empty one and point DATABASE_URL at it."
        )


def _check_counts(expected: dict[str, int], found: dict[str, int]) -> None:
    wrong = [f"{t}: {expected[t]} → {found.get(t, '缺失 / missing')}" for t in sorted(expected)
             if found.get(t) != expected[t]]
    if wrong:
        raise BackupError("恢复后核对不符 / The restored data does not match the backup: " + "; ".join(wrong))


def _revision(conn) -> str | None:
    if "alembic_version" not in inspect(conn).get_table_names():
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def restore(engine: Engine, source: str | Path) -> RestoreResult:
    """Put the backup ``source`` into the empty database behind ``engine`` and check it."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source} / The backup file does not exist: {source}")
    _refuse_unless_empty(engine)
    backend = engine.url.get_backend_name()
    if backend == "sqlite":
        return _restore_sqlite(engine, source)
    if backend == "postgresql":
        return _restore_postgres(engine, source)
    raise BackupError(f"不支持恢复到此类数据库：{backend} / Cannot restore into a {backend} database.")


def _restore_sqlite(engine: Engine, source: Path) -> RestoreResult:
    target = sqlite_path(engine.url)
    if target is None:
        raise BackupError("内存数据库无法恢复。 / Cannot restore into an in-memory database.")
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"备份文件已损坏：{source} / The backup file is damaged: {source}")
            with sqlite3.connect(target, timeout=30) as dst:
                src.backup(dst)
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"不是可用的 SQLite 备份：{source}（{exc}） / Not a usable SQLite backup: {source} ({exc})") from None
    engine.dispose()  # pooled connections still see the old, empty file
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
        expected = {name: src.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                    for (name,) in src.execute("SELECT name FROM sqlite_master WHERE type='table'"
                                               " AND name NOT LIKE 'sqlite_%'")}
    with engine.connect() as conn:
        if conn.exec_driver_sql("PRAGMA integrity_check").scalar() != "ok":
            raise BackupError("恢复后的数据库完整性检查未通过。 / The restored database failed its integrity check.")
        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise BackupError(f"恢复后的数据库有 {len(broken)} 处外键不符。 / The restored database has "
                              f"{len(broken)} broken references.")
        found = table_counts(conn)
        revision = _revision(conn)
    _check_counts(expected, found)
    return RestoreResult(found, revision)


def _restore_postgres(engine: Engine, source: Path) -> RestoreResult:
    pg_restore = pg_tool("pg_restore")
    if pg_restore is None:
        raise BackupError("找不到 pg_restore（apt-get install postgresql-client）。 / pg_restore is not installed"
                          " (apt-get install postgresql-client).")
    manifest_path = Path(f"{source}{MANIFEST_SUFFIX}")
    if not manifest_path.is_file():
        raise BackupError(f"缺少备份清单 {manifest_path.name}（由 backup 命令与备份文件一同写出），无法核对恢复结果。"
                          f" / The manifest {manifest_path.name} written beside the dump by `backup` is missing;"
                          " the restore could not be checked.")
    expected = json.loads(manifest_path.read_text())["tables"]
    engine.dispose()
    # --clean drops the empty tables of a database fresh from init-db; one transaction, so a
    # failure leaves the database as it was.
    done = subprocess.run(
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", f"--dbname={engine.url.database}", str(source)],
        env=_pg_env(engine.url), capture_output=True, text=True,
    )
    if done.returncode != 0:
        detail = (done.stderr or "").strip().splitlines()[-1:] or ["?"]
        raise BackupError(f"pg_restore 失败，数据库未改变：{detail[0]} / pg_restore failed; the database is unchanged: {detail[0]}")
    with engine.connect() as conn:
        found = table_counts(conn)
        revision = _revision(conn)
    _check_counts(expected, found)
    return RestoreResult(found, revision)
