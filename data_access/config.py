"""Secrets outside Streamlit: the command line asks whether the product runs in demo mode.

Demo mode (CONTRACT.md) is when neither ``JM_COOKIE_KEY`` nor ``JM_ADMIN_PASSWORD`` is set,
in the environment or in the project's ``.streamlit/secrets.toml``. The app decides the same
way in ``ui.auth.config``; this is the same rule for code that runs without Streamlit.
"""

from __future__ import annotations

import os
import tomllib

from data_access.db import PROJECT_ROOT

SECRET_NAMES = ("JM_COOKIE_KEY", "JM_ADMIN_PASSWORD")


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
