"""Browser measurements: what the user waits for, in Debian's Chromium (CONTRACT.md, Benchmarks).

    python -m benchmarks.browser DATABASE_URL [--repeat 3]

(``python -m benchmarks`` runs this after its server-side measurements.) Each figure is the
time from navigation (``page.goto``; the page's ``performance.timeOrigin``) to the page fully
drawn: Streamlit's script has finished (``data-test-script-state`` is ``notRunning``) and stays
so for a short settle, which is not counted; every plotly chart has its SVG, every map its
canvas, the tables the page is known to have are there, and no skeleton is left. The projector
polls twice a second, so there the slide (``jm-projector``, its item title) and the countdown's
frame stand in for the script's state.

- ``overview_browser_cold``: the chair's overview, the first visit after the app server
  started (the server is restarted for each run).
- ``overview_browser_warm``: the same page in a new browser session on a running server.
- ``metrics_browser``: the chair's 成员单位指标 page.
- ``agency_browser``: the head of the busiest town on their own page (本单位).
- ``projector_follow``: ``benchmarks.projector_follow.measure``: the operator's 下一项 / 上一项 to the
  projector showing the item; its ``seconds`` is the p95. It starts today's demo meeting.
- ``projector_browser``: the projector, the meeting in session.

Every visit is a new browser context carrying the login cookie of a sign-in made once per user
before any timing (as a returning user's browser would), so no timing includes the login form.
``peak_rss_mb`` is the app server's peak resident set (``VmHWM``) at the end of the measurement:
for the cold overview, the highest of the restarted servers'.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.app_server import ROOT, DidNotStart, app_env, free_port, start_app, wait_healthy
from benchmarks.projector_follow import ARGS, CHROMIUM
NAMES = ("overview_browser_cold", "overview_browser_warm", "metrics_browser", "agency_browser",
         "projector_follow", "projector_browser")
COOKIE = "jm_login_demo"  # ui.auth.DEMO_COOKIE_NAME
SETTLE_MS = 1000  # the script must stay stopped this long (the login cookie answers with one more run)
PROJECTOR_SETTLE_MS = 500
VISIT_TIMEOUT_S = 300
VIEWPORT = {"width": 1440, "height": 900}

# What each page must show before it counts as drawn (at least): plotly charts, maps, tables.
PAGES = {
    "overview": ("/", {"plots": 1, "maps": 1, "tables": 1}),
    "metrics": ("/metrics", {"tables": 1}),
    "agency": ("/my-agency", {"tables": 1}),
    "projector": ("/projector", {"projector": 1}),
}

# Runs in every document of the timed context from its first script on: it marks the first
# moment the page was fully drawn (performance.now(), i.e. since navigation started) and
# forgets it whenever the page stops being so (a rerun started, a chart went back to loading).
PROBE = """
(() => {
  if (window.__jmProbe) return;
  window.__jmProbe = true;
  window.__jmReadyAt = null;
  const want = window.__jmWant || {};
  const all = (sel) => Array.from(document.querySelectorAll(sel));
  const drawn = () => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app) return false;
    if (document.querySelector('[data-testid=stSkeleton]')) return false;
    const plots = all('[data-testid=stPlotlyChart]');
    if (plots.some(p => !p.querySelector('.js-plotly-plot .main-svg'))) return false;
    if (all('.js-plotly-plot').some(p => !p.querySelector('.main-svg'))) return false;
    const maps = all('[data-testid=stDeckGlJsonChart]');
    if (maps.some(m => !m.querySelector('canvas'))) return false;
    const tables = all('[data-testid=stDataFrame]');
    if (plots.length < (want.plots || 0) || maps.length < (want.maps || 0) || tables.length < (want.tables || 0)) return false;
    if (want.projector) {
      return !!document.querySelector('[data-testid=jm-projector]')
        && !!document.querySelector('[data-testid=jm-item-title]')
        && !!document.querySelector('.st-key-jm_clock iframe');
    }
    return app.getAttribute('data-test-script-state') === 'notRunning';
  };
  window.__jmTrace = [];
  let last = '';
  setInterval(() => {
    const ok = drawn();
    if (ok) { if (window.__jmReadyAt === null) window.__jmReadyAt = performance.now(); }
    else window.__jmReadyAt = null;
    if (window.__jmDebug) {
      const app = document.querySelector('[data-testid=stApp]');
      const sig = [ok, app && app.getAttribute('data-test-script-state'), all('[data-testid=stPlotlyChart]').length,
        all('.js-plotly-plot .main-svg').length, all('[data-testid=stDeckGlJsonChart] canvas').length,
        all('[data-testid=stDataFrame]').length, all('[data-testid=stSkeleton]').length].join(' ');
      if (sig !== last) { window.__jmTrace.push(Math.round(performance.now()) + ' ' + sig); last = sig; }
    }
  }, 20);
})();
"""
COUNTS = """() => ({
  state: document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state'),
  plots: document.querySelectorAll('[data-testid=stPlotlyChart]').length,
  svgs: document.querySelectorAll('.js-plotly-plot .main-svg').length,
  maps: document.querySelectorAll('[data-testid=stDeckGlJsonChart]').length,
  canvases: document.querySelectorAll('[data-testid=stDeckGlJsonChart] canvas').length,
  tables: document.querySelectorAll('[data-testid=stDataFrame]').length,
  skeletons: document.querySelectorAll('[data-testid=stSkeleton]').length,
  projector: !!document.querySelector('[data-testid=jm-projector]'),
  login: !!document.querySelector('input[type=password]'),
})"""


class BrowserBenchmarkError(SystemExit):
    pass


def require_chromium() -> None:
    """Fail loudly: CI must not skip the browser figures silently."""
    if not Path(CHROMIUM).exists():
        raise BrowserBenchmarkError(
            f"browser benchmark: Debian's Chromium is not installed ({CHROMIUM} missing; "
            "apt-get install chromium). Run with --only … to leave the browser figures out on purpose.")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        raise BrowserBenchmarkError(f"browser benchmark: Playwright for Python is missing ({exc}); "
                                    "pip install -r requirements-dev.txt") from exc


class AppServer:
    """``streamlit run app.py`` on a free loopback port in demo mode (no ``JM_*``), started
    as the browser tests start it (``benchmarks.app_server``)."""

    def __init__(self, database_url: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile("w+", prefix="jm-bench-streamlit-", suffix=".log", delete=False)
        self.proc = start_app(self.port, app_env(database_url, PYTHONPATH=str(ROOT)), self.log)
        try:
            wait_healthy(self.base, self.proc, timeout_s=180, poll_s=0.2)
        except DidNotStart:
            tail = self.tail()
            self.stop()
            raise BrowserBenchmarkError(f"browser benchmark: the app server did not start:\n{tail}") from None

    def tail(self) -> str:
        try:
            return Path(self.log.name).read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def peak_rss_mb(self) -> float | None:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
        except OSError:
            pass
        return None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def _wait_idle(page, settle_ms: int = SETTLE_MS, timeout_s: float = VISIT_TIMEOUT_S) -> None:
    page.wait_for_selector("[data-testid=stApp]", timeout=timeout_s * 1000)
    deadline = time.time() + timeout_s
    quiet = None
    while time.time() < deadline:
        state = page.evaluate("() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')")
        if state == "notRunning":
            quiet = quiet or time.time()
            if (time.time() - quiet) * 1000 >= settle_ms:
                return
        else:
            quiet = None
        page.wait_for_timeout(100)
    raise BrowserBenchmarkError(f"browser benchmark: the app kept running for {timeout_s} s at {page.url}")


def sign_in(browser, base: str, username: str, password: str = "demo123") -> dict:
    """Sign in once through the login form (on 我的提醒, a light page, so that no measured page's
    data is computed) and return the context's storage state: the login cookie."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = ctx.new_page()
    page.goto(base + "/notices")
    _wait_idle(page)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("用户名").wait_for(state="detached", timeout=120_000)
    _wait_idle(page)
    deadline = time.time() + 30
    while not any(c["name"] == COOKIE for c in ctx.cookies()):
        if time.time() > deadline:
            raise BrowserBenchmarkError(f"browser benchmark: no login cookie after signing in as {username}")
        page.wait_for_timeout(100)
    state = ctx.storage_state()
    ctx.close()
    return state


def visit(browser, base: str, page_name: str, state: dict) -> float:
    """A new browser session (the login cookie only) opening a page; seconds to fully drawn."""
    path, want = PAGES[page_name]
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN", storage_state=state)
    try:
        ctx.add_init_script(f"window.__jmWant = {json.dumps(want)};\n{PROBE}")
        page = ctx.new_page()
        if os.environ.get("BENCH_BROWSER_TRACE"):
            ctx.add_init_script("window.__jmDebug = true;")
        page.goto(base + path, wait_until="commit", timeout=VISIT_TIMEOUT_S * 1000)
        settle = PROJECTOR_SETTLE_MS if want.get("projector") else SETTLE_MS
        try:
            ready_at = page.wait_for_function(
                f"() => window.__jmReadyAt !== null && performance.now() - window.__jmReadyAt >= {settle}"
                " ? window.__jmReadyAt : null",
                polling=50, timeout=VISIT_TIMEOUT_S * 1000).json_value()
        except Exception as exc:  # noqa: BLE001 - say what the page showed
            raise BrowserBenchmarkError(
                f"browser benchmark: {base + path} was not fully drawn within {VISIT_TIMEOUT_S} s "
                f"(found {page.evaluate(COUNTS)}, wanted {want}): {exc}") from exc
        if os.environ.get("BENCH_BROWSER_TRACE"):
            print(f"trace {page_name}:", *page.evaluate("() => window.__jmTrace"), sep="\n  ", file=sys.stderr)
        return ready_at / 1000
    finally:
        ctx.close()


def _busiest_head(database_url: str) -> str:
    """The username of the head of the busiest receiving town (as benchmarks.probe picks it)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            name = conn.execute(text(
                "SELECT u.username FROM users u WHERE u.role = 'head' AND u.active AND u.agency_id = ("
                " SELECT r.to_agency_id FROM referrals r JOIN agencies a ON a.id = r.to_agency_id"
                " WHERE a.kind = 'town' GROUP BY r.to_agency_id ORDER BY count(*) DESC LIMIT 1)"
                " ORDER BY u.id LIMIT 1")).scalar()
    finally:
        engine.dispose()
    if not name:
        raise BrowserBenchmarkError("browser benchmark: no demo head for the busiest town (seeded without demo users?)")
    return name


#: The room's other sessions while the follow is timed (#13: "with 20 other sessions open").
FOLLOW_OTHERS = 20


def _follow(base: str, steps: int) -> dict:
    """``benchmarks.projector_follow`` (its ``measure()``) in a child process: Playwright's sync
    API cannot be started twice in one thread, and this one holds the timed browser."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.projector_follow", base, "--steps", str(steps),
                          "--others", str(FOLLOW_OTHERS)],
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                         timeout=900)
    if out.returncode != 0:
        raise BrowserBenchmarkError(f"browser benchmark: projector_follow failed:\n{out.stderr.strip()[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(name: str, runs: list[float], peak: float | None, **extra) -> dict:
    line = {"name": name, "seconds": round(statistics.median(runs), 3), "runs": [round(r, 3) for r in runs],
            "peak_rss_mb": peak}
    if peak is None:
        line["peak_rss_note"] = "the app server's /proc status was not readable"
    return line | extra


def measure(database_url: str, repeat: int, wanted=NAMES, emit=print, follow_steps: int = 10):
    """Run the browser measurements in ``wanted``; ``emit`` each JSON-ready line as it is done."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    wanted = [n for n in NAMES if n in set(wanted)]
    if not wanted:
        return
    head = _busiest_head(database_url)
    started = time.perf_counter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        server = AppServer(database_url)
        try:
            chair_state = sign_in(browser, server.base, "chair")
            head_state = sign_in(browser, server.base, head)
            if "overview_browser_cold" in wanted:
                runs, peaks = [], []
                for _ in range(repeat):
                    server.stop()
                    server = AppServer(database_url)
                    runs.append(visit(browser, server.base, "overview", chair_state))
                    peaks.append(server.peak_rss_mb())
                emit(_line("overview_browser_cold", runs, max((x for x in peaks if x is not None), default=None),
                           server_restarts=repeat))
            if "overview_browser_warm" in wanted:
                visit(browser, server.base, "overview", chair_state)  # the caches filled once
                runs = [visit(browser, server.base, "overview", chair_state) for _ in range(repeat)]
                emit(_line("overview_browser_warm", runs, server.peak_rss_mb()))
            if "metrics_browser" in wanted:
                runs = [visit(browser, server.base, "metrics", chair_state) for _ in range(repeat)]
                emit(_line("metrics_browser", runs, server.peak_rss_mb()))
            if "agency_browser" in wanted:
                runs = [visit(browser, server.base, "agency", head_state) for _ in range(repeat)]
                emit(_line("agency_browser", runs, server.peak_rss_mb(), user=head))
            if "projector_follow" in wanted or "projector_browser" in wanted:
                # Starts today's demo meeting if it is not running (the projector needs one in session).
                follow = _follow(server.base, max(follow_steps, repeat))
                if "projector_follow" in wanted:
                    follow["peak_rss_mb"] = server.peak_rss_mb()
                    emit(follow)
            if "projector_browser" in wanted:
                runs = [visit(browser, server.base, "projector", chair_state) for _ in range(repeat)]
                emit(_line("projector_browser", runs, server.peak_rss_mb()))
        except BrowserBenchmarkError:
            raise
        except Exception as exc:
            raise BrowserBenchmarkError(f"browser benchmark failed: {exc!r}\napp server log:\n{server.tail()}") from exc
        finally:
            server.stop()
            browser.close()
            print(f"browser measurements: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.browser", description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=NAMES)
    args = parser.parse_args(argv)
    measure(args.database_url, args.repeat, args.only or NAMES,
            emit=lambda line: print(json.dumps(line, ensure_ascii=False), flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
