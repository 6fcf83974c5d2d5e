"""A consistent copy of the database, taken while the app may be writing.

SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies the whole file in
one step under a read transaction, so the copy is a snapshot of one moment even while app
sessions write (in WAL mode readers do not block writers). The copy is written to a
temporary name next to the destination and renamed into place only when complete, so a
failed backup never leaves a half-written file under the destination's name.

PostgreSQL: the server's own tool does this (``pg_dump``); :func:`postgres_instructions`
says how, naming the host and database but never the credentials.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

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
    dest = Path(dest)
    if dest.is_dir():
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        target = dest / f"{source.stem}-{stamp}.db"
        n = 1
        while target.exists():
            n += 1
            target = dest / f"{source.stem}-{stamp}-{n}.db"
    else:
        target = dest
        if target.exists():
            raise BackupError(
                f"目标文件已存在，不会覆盖：{target}。请换一个文件名，或给出一个目录。"
                f" / {target} already exists and will not be overwritten; choose another name"
                " or give a directory."
            )
        if not target.parent.is_dir():
            raise BackupError(f"目录不存在：{target.parent} / The directory does not exist: {target.parent}")
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
