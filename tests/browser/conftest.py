"""The app for real, in Debian's Chromium: shared fixtures of the browser tests.

- ``live_app``: the sample city (a small scale) in a temporary SQLite file, served by
  ``streamlit run app.py`` on a free port in demo mode (no secrets), once per session.
  ``live_app.base`` is its address, ``live_app.database_url`` the database (tests may change
  it through the commands, e.g. to deactivate a user), ``live_app.folder`` a temporary
  folder (screenshots, the server's log).
- ``browser``: Playwright's Chromium driving ``/usr/bin/chromium`` (Playwright's own browser
  download does not work here). Without it the tests are skipped with the reason, except
  under ``CI``, where they fail.
- ``new_page``: a fresh browser context (own cookies) at 1280×720; call it for each user.
- ``login(page, path, username, password="demo123")``: open ``path`` (the login form is
  served at every URL), sign in, and wait until the page has run.
- ``wait_idle(page)`` (a fixture giving the function): wait until the app has finished running (and stayed so briefly: the
  login cookie's component answers with one more run after a page loads).
- ``shot(page, name)``: a screenshot in the test folder (and in ``JM_SCREENSHOT_DIR`` when
  set), never in the repository.

Mark the tests ``@pytest.mark.browser`` (``pytestmark``), as pytest.ini declares.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from benchmarks.app_server import app_env, free_port, start_app, wait_healthy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo123"


def require_program(path: str, package: str, tests: str) -> None:
    """Skip ``tests`` (with the reason printed) when Debian's ``package`` is not installed at
    ``path``; under ``CI`` fail instead, since CI must run them."""
    if Path(path).exists():
        return
    reason = f"Debian's {package} is not installed ({path} missing: apt-get install {package})"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the {tests}")
    print(f"\nSKIPPED {tests}: {reason}")
    pytest.skip(reason)


def _require_chromium() -> None:
    require_program(CHROMIUM, "chromium", "browser tests")


@dataclass(frozen=True)
class LiveApp:
    base: str
    database_url: str
    folder: Path
    log: Path


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    _require_chromium()
    from data_access import db, schema
    from sample_data.seed import seed_city

    folder = tmp_path_factory.mktemp("live_app")
    url = f"sqlite:///{folder / 'city.db'}"
    engine = db.make_engine(url)
    schema.upgrade(engine)
    seed_city(engine, scale=0.2, random_seed=7, as_of=date.today())
    engine.dispose()

    port = free_port()
    log_path = folder / "streamlit.log"
    log = open(log_path, "w")
    proc = start_app(port, app_env(url), log)  # no secrets: demo mode
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, log_path)
        _first_session(base)
        yield LiveApp(base, url, folder, log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _first_session(base: str) -> None:
    """Open the app once, as the first browser after a restart would. A new server's very
    first script run is special (see ``ui.auth.leave_pages_folder_mode``); the tests are
    about every later session, so they must not depend on which test comes first."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = b.new_page()
        page.goto(base + "/")
        _wait_idle(page)
        b.close()


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(width: int = 1280, height: int = 720):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


# Pages that poll by design (the projector's fragment runs twice a second) never stay
# stopped for long: on them the app is idle once their content is drawn and a run has ended.
POLLING = "[data-testid=jm-projector]"


def _wait_idle(page, *, settle_ms: int = 800, timeout_ms: int = 45_000, drawn_ms: int = 30_000) -> None:
    """Until the script has stopped running and stayed stopped for ``settle_ms`` (on a page
    that polls, see ``POLLING``: until it has stopped once), and its elements are drawn: a
    script that has finished may leave skeletons while the browser still loads the chart and
    table code (seconds on a loaded machine with an empty cache). Skeletons still there
    ``drawn_ms`` after the script stopped are left to the test's own checks."""
    page.wait_for_selector("[data-testid=stApp]", timeout=timeout_ms)
    deadline = time.time() + timeout_ms / 1000
    quiet_since = None
    while quiet_since is not None or time.time() < deadline:  # a quiet page ends within drawn_ms
        # Connected first: right after a navigation the page reads "notRunning" before its
        # websocket is up and its first run has started.
        state = page.evaluate(
            "(polling) => { const a = document.querySelector('[data-testid=stApp]');"
            " return a ? [a.getAttribute('data-test-script-state'), !!document.querySelector(polling),"
            " a.getAttribute('data-test-connection-state'), !!document.querySelector('[data-testid=stSkeleton]')]"
            " : [null, false, null, false]; }",
            POLLING,
        )
        if state[0] == "notRunning" and state[2] == "CONNECTED":
            quiet_since = quiet_since or time.time()
            quiet_ms = (time.time() - quiet_since) * 1000
            drawn = not state[3] or quiet_ms >= drawn_ms
            if drawn and (state[1] or quiet_ms >= settle_ms):
                return
        else:
            quiet_since = None
        page.wait_for_timeout(100)
    raise AssertionError(f"the app kept running for {timeout_ms} ms at {page.url}")


@pytest.fixture
def wait_idle():
    return _wait_idle


@pytest.fixture
def login(live_app):
    def sign_in(page, path: str, username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(live_app.base + path)
        _wait_idle(page)
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        # On a loaded machine the login cookie's component may start its extra run just as
        # the button is pressed, and that press is lost: press again, as a person would.
        for attempt in range(3):
            page.get_by_role("button", name="登录").click()
            try:
                page.get_by_label("用户名").wait_for(state="detached", timeout=20_000)
                break
            except Exception:
                if attempt == 2:
                    page.screenshot(path=str(live_app.folder / f"login-failed-{username}.png"))
                    raise
                _wait_idle(page)
        _wait_idle(page)

    return sign_in


@pytest.fixture
def shot(live_app):
    def save(page, name: str) -> Path:
        path = live_app.folder / name
        page.screenshot(path=str(path))
        extra = os.environ.get("JM_SCREENSHOT_DIR")
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(extra) / name)
        return path

    return save
