"""Pins the one place the app reaches into Streamlit's internals (issue 10, item 5).

Streamlit 1.67 offers no supported way to keep a ``pages/`` folder beside the entry point
without its old "pages folder" mode: the mode is decided when the server builds its
``PagesManager`` (by the folder's existence) and is switched off only by ``st.navigation``,
which runs too late for the first script run. Until then Streamlit runs a bookmarked page's
file directly, past app.py's login gate. ``ui.auth.leave_pages_folder_mode`` flips the class
attribute ``PagesManager.uses_pages_directory`` and starts the run again through app.py.

These tests fail the day an upgrade renames the attribute, stops reading it, or stops the
old mode (then the workaround can go): either way someone has to look.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support import admin_world
from ui import auth

ROOT = Path(__file__).resolve().parent.parent
DEEP_LINK = "pages/admin_users.py"


@pytest.fixture
def world(empty_db, monkeypatch):
    monkeypatch.delenv("JM_COOKIE_KEY", raising=False)
    monkeypatch.delenv("JM_ADMIN_PASSWORD", raising=False)
    return admin_world.build()


def first_run_of(page: str) -> AppTest:
    """The first script run of a new server for a browser that asked for ``page``
    (AppTest builds a new PagesManager, and resets its mode, for every run)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def shows_login_form(at: AppTest) -> bool:
    return "login_username" in [w.key for w in at.text_input]


def test_the_internal_flag_still_exists_and_a_pages_folder_still_sets_it():
    from streamlit.runtime.pages_manager import PagesManager

    assert hasattr(PagesManager, "uses_pages_directory"), (
        "Streamlit renamed PagesManager.uses_pages_directory: ui.auth.leave_pages_folder_mode "
        "no longer works; find the new switch or a supported way")
    saved = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = None
        PagesManager(str(ROOT / "app.py"), setup_watcher=False)
        assert PagesManager.uses_pages_directory is True, (
            "Streamlit no longer enters pages-folder mode for a pages/ folder: "
            "ui.auth.leave_pages_folder_mode may be removed")
    finally:
        PagesManager.uses_pages_directory = saved


def test_a_deep_link_on_the_first_run_goes_through_the_login_gate(world):
    from streamlit.runtime.pages_manager import PagesManager

    at = first_run_of(DEEP_LINK)
    assert shows_login_form(at), "the first run of a deep link skipped app.py's login gate"
    assert not at.error  # not the page's own "please log in" fallback
    assert PagesManager.uses_pages_directory is False


def test_without_the_workaround_streamlit_runs_the_page_file_directly(world, monkeypatch):
    """What the workaround prevents, so that this file notices when Streamlit changes."""
    monkeypatch.setattr(auth, "leave_pages_folder_mode", lambda: None)
    at = first_run_of(DEEP_LINK)
    assert not shows_login_form(at), (
        "Streamlit no longer runs a pages/ file directly on the first run: "
        "ui.auth.leave_pages_folder_mode may be removed")
    # The page's own guard (ui.session.actor) still stopped it: nothing of the page is shown.
    assert any("请先登录" in e.value for e in at.error)
    assert not at.dataframe and not at.button
