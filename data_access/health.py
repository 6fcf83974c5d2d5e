"""What is wrong with the database, in words that say what to do (issue 14, item 7).

:func:`diagnose` turns a database error into one of four problems, each with a Chinese and an
English message naming the file or server concerned:

- ``read_only``: the file (or the PostgreSQL server) refuses writes. Reading still works: the
  app goes on with saving switched off (:func:`read_only`, shown as a banner).
- ``unreachable``: the PostgreSQL server does not answer at host:port, or the SQLite file
  cannot be opened.
- ``schema``: the tables are missing or older than this version of the code (run ``init-db``).
- ``other``: anything else, with the driver's own first line.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger(__name__)

INIT_DB = "python -m data_access init-db"


@dataclass(frozen=True)
class DatabaseProblem:
    kind: str  # "read_only" | "unreachable" | "schema" | "busy" | "other"
    zh: str
    en: str

    @property
    def pair(self) -> tuple[str, str]:
        return self.zh, self.en

    @property
    def text(self) -> str:
        """Both languages in one line ("中文 / English"), as the command line prints errors."""
        return f"{self.zh} / {self.en}"


def sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = (parsed.database or "").removeprefix("file:")
    return Path(database) if database not in ("", ":memory:") else None


def where(url: str) -> str:
    """The file or ``host:port/database`` a URL points at (no password)."""
    path = sqlite_file(url)
    if path is not None:
        return str(path)
    parsed = make_url(url)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


def _server(url: str) -> str:
    parsed = make_url(url)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


def _sqlstate(orig) -> str | None:
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


# What a database says when another writer holds the lock for longer than it waits:
# SQLite's busy errors; PostgreSQL's lock_not_available, serialization_failure, deadlock.
_BUSY_WORDS = ("database is locked", "database is busy", "database table is locked")
_BUSY_STATES = {"55P03", "40001", "40P01"}
BUSY = DatabaseProblem(
    "busy",
    "数据库正忙（其他用户正在保存）：本次没有保存任何内容，请稍后再试一次。",
    "The database is busy (others are saving): nothing was saved; please try again in a moment.",
)


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` says only that another writer held the database too long: trying the
    same write again later can succeed."""
    if isinstance(exc, PoolTimeout):  # every connection of this process is in use by others
        return True
    orig = getattr(exc, "orig", None) or exc
    lowered = str(orig).lower()
    return any(w in lowered for w in _BUSY_WORDS) or _sqlstate(orig) in _BUSY_STATES


def diagnose(exc: BaseException, url: str) -> DatabaseProblem:
    """The problem behind ``exc`` (a SQLAlchemy or driver error) on the database at ``url``."""
    orig = getattr(exc, "orig", None) or exc
    message = str(orig).strip()
    lowered = message.lower()
    state = _sqlstate(orig)
    sqlite = sqlite_file(url) is not None or make_url(url).get_backend_name() == "sqlite"
    if "readonly database" in lowered or "read-only" in lowered or state == "25006":
        return read_only_problem(url)
    if is_busy(exc):
        return BUSY
    if sqlite and "unable to open database file" in lowered:
        return DatabaseProblem(
            "unreachable",
            f"无法打开数据库文件 {where(url)}：请检查该路径是否存在、运行本程序的账户能否访问它，或用 DATABASE_URL 指定数据库。",
            f"The database file {where(url)} cannot be opened: check that the path exists and that the"
            " account running the app may access it, or set DATABASE_URL.",
        )
    if not sqlite and state is None and type(orig).__name__ == "OperationalError":
        # psycopg raises OperationalError without a SQLSTATE when no server answered.
        return DatabaseProblem(
            "unreachable",
            f"无法连接数据库服务器 {_server(url)}：请启动 PostgreSQL（例如 `sudo systemctl start postgresql`），"
            "或检查 DATABASE_URL 中的主机和端口。",
            f"Cannot reach the database server at {_server(url)}: start PostgreSQL (e.g."
            " `sudo systemctl start postgresql`) or check the host and port in DATABASE_URL.",
        )
    if state == "3D000":
        return DatabaseProblem(
            "schema",
            f"数据库服务器上没有数据库 {where(url)}：请先创建它，再运行 `{INIT_DB}`。",
            f"The server has no database {where(url)}: create it, then run `{INIT_DB}`.",
        )
    if "no such table" in lowered or "no such column" in lowered or state in ("42P01", "42703"):
        return schema_problem(url)
    first = message.splitlines()[0] if message else type(orig).__name__
    return DatabaseProblem(
        "other",
        f"数据库 {where(url)} 出错：{first}",
        f"The database {where(url)} failed: {first}",
    )


def schema_problem(url: str, current: str | None = None, head: str | None = None) -> DatabaseProblem:
    found = f"（当前版本 {current}，需要 {head}）" if head else ""
    found_en = f" (it is at {current or 'none'}, this code needs {head})" if head else ""
    return DatabaseProblem(
        "schema",
        f"数据库 {where(url)} 中还没有本版本所需的表，或版本过旧{found}：请运行 `{INIT_DB}`"
        "（演示数据：`python -m data_access seed`）。",
        f"The database {where(url)} lacks the tables of this version or is older{found_en}:"
        f" run `{INIT_DB}` (demo data: `python -m data_access seed`).",
    )


def read_only_problem(url: str) -> DatabaseProblem:
    if sqlite_file(url) is not None:
        return DatabaseProblem(
            "read_only",
            f"数据库文件 {where(url)} 为只读：可以查看，但无法保存。如需保存，请让运行本程序的账户"
            "对该文件及其所在文件夹有写权限，然后重新启动本程序。",
            f"The database file {where(url)} is read-only: you can read, but nothing can be saved."
            " To save, give the account running the app write access to the file and its folder,"
            " then restart the app.",
        )
    return DatabaseProblem(
        "read_only",
        f"数据库 {where(url)} 只允许读取（例如只读副本）：可以查看，但无法保存。如需保存，请连接主库。",
        f"The database {where(url)} only allows reading (e.g. a standby): you can read, but nothing"
        " can be saved. To save, connect to the primary server.",
    )


# --------------------------------------------------------------------------- read-only mode
_SEEN_READ_ONLY: set[str] = set()


def note_read_only(engine: Engine) -> None:
    """Remember that a write to this database was refused (from then on: saving is off)."""
    _SEEN_READ_ONLY.add(engine.url.render_as_string(hide_password=True))


def refused_writes(engine: Engine) -> bool:
    """Whether a write to this database was refused as read-only in this process."""
    return engine.url.render_as_string(hide_password=True) in _SEEN_READ_ONLY


def read_only(engine: Engine) -> bool:
    """Whether this database refuses writes: a write was refused already, the URL opens it
    read-only, the connection is ``query_only``, the file or its folder is not writable, or
    the PostgreSQL session is read-only. Takes no write lock."""
    if refused_writes(engine):
        return True
    url = str(engine.url)
    path = sqlite_file(url)
    with engine.connect() as conn:
        if engine.url.get_backend_name() == "sqlite":
            if "mode=ro" in url or conn.exec_driver_sql("PRAGMA query_only").scalar():
                return True
        else:
            return str(conn.exec_driver_sql("SHOW transaction_read_only").scalar()).lower() == "on"
    if path is not None and path.exists():
        return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
    return False
