"""Opening a page with Streamlit's AppTest as a signed-in user, for the page tests."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent.parent
PAGES = ROOT / "pages"


def page(path: str, actor) -> AppTest:
    """The app file at ``path`` (from the project root), run once as ``actor``; no exception."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=60)
    at.session_state["actor"] = actor
    at.run()
    assert not at.exception, at.exception
    return at


def open_page(name: str, actor) -> AppTest:
    """``pages/<name>.py``, run once as ``actor``; no exception."""
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    at.session_state["actor"] = actor
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_page(name: str, actor, state: dict | None = None, *, timeout: int = 60, query: dict | None = None) -> AppTest:
    """``pages/<name>.py`` run once as ``actor`` with ``state`` put in the session first (and
    ``query`` in the address); no exception."""
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=timeout)
    at.session_state["actor"] = actor
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at
