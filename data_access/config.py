"""Secrets outside Streamlit: the command line asks whether the product runs in demo mode.

Demo mode (CONTRACT.md) is when neither ``JM_COOKIE_KEY`` nor ``JM_ADMIN_PASSWORD`` is set,
in the environment or in the project's ``.streamlit/secrets.toml``. The app decides the same
way in ``ui.auth.config``; this is the same rule for code that runs without Streamlit.
In demo mode the login cookie is signed with a random key made per installation
(:func:`demo_cookie_key`).
"""

from __future__ import annotations

import logging
import os
import secrets
import tomllib
from pathlib import Path

from data_access.db import PROJECT_ROOT

SECRET_NAMES = ("JM_COOKIE_KEY", "JM_ADMIN_PASSWORD")
log = logging.getLogger(__name__)


def _secrets_file() -> dict:
    path = PROJECT_ROOT / ".streamlit" / "secrets.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def demo_mode() -> bool:
    """True when no secret is configured: the sample accounts may exist and sign in."""
    file_secrets = _secrets_file()
    return not any(
        os.environ.get(name, "").strip() or str(file_secrets.get(name, "")).strip()
        for name in SECRET_NAMES
    )


# --------------------------------------------------------------------- the demo cookie key
DEMO_KEY_NAME = "demo_cookie_key"


def demo_key_path(url: str) -> Path:
    """Where the demo cookie key of the database at ``url`` is kept.

    Beside the database: for a SQLite file, ``<file>.cookie-key`` in the same folder; for any
    other database (PostgreSQL, in-memory SQLite), ``data/demo_cookie_key`` in the project,
    where the app runs (several app processes on one PostgreSQL share it only if they share
    that folder; production sets ``JM_COOKIE_KEY`` instead).
    """
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = (parsed.database or "").removeprefix("file:")  # also an SQLite URI (mode=ro)
    if parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:"):
        db_file = Path(database)
        return db_file.with_name(db_file.name + ".cookie-key")
    return PROJECT_ROOT / "data" / DEMO_KEY_NAME


_PROCESS_KEYS: dict[str, str] = {}


def demo_cookie_key(url: str) -> str:
    """The demo cookie key of this installation: random, made on first use, kept in
    :func:`demo_key_path` (mode 0600). Never a constant: a demo cookie opens only the
    installation that signed it. Where the file can be neither read nor written (a read-only
    folder), a key for this process only is used: sign-ins then last until a restart."""
    path = demo_key_path(url)
    try:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
    except (OSError, UnicodeDecodeError):
        pass
    key = secrets.token_urlsafe(48)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once keep the first key written.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        try:
            found = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            found = ""
        if len(found) >= 32:
            return found
        # A damaged or empty key file: replace it (cookies signed with it are lost anyway).
        try:
            path.unlink()
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError:
            return _process_key(path)
    except OSError:
        return _process_key(path)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key + "\n")
    return key


def _process_key(path: Path) -> str:
    log.warning("demo cookie key cannot be kept in %s; using a key for this process only", path)
    return _PROCESS_KEYS.setdefault(str(path), secrets.token_urlsafe(48))
