"""Many readers and writers at once (issue #17, item 7): page and write times under load, and
proof that no write is lost or duplicated.

    python -m benchmarks.load --database-url URL --readers N --writers M --seconds S
                              [--max-writes K] [--app-url http://127.0.0.1:PORT]

Starts the app on loopback against ``URL`` (``benchmarks.app_server``, as the browser
benchmark does; or uses the running one given by ``--app-url``, which must be on the same
database), signs in once as ``chair`` and as the head of the busiest town in Chromium (demo
mode, password demo123), then for ``--seconds`` (or until ``--max-writes`` writes, whichever
comes first):

- N readers (``benchmarks.load_pages``): Streamlit sessions speaking the app's own WebSocket
  protocol, carrying the login cookie of those sign-ins, going round the chair's overview,
  the ledger, the member metrics and the overdue list, or the head's 本单位 page and the
  ledger. Each page is timed from the request to its script having finished on the server.
  Chosen over browser pages because twenty Chromium tabs would spend the two cores drawing
  charts, so the figure would be the browsers' more than the server's; the browser's own
  drawing time is ``benchmarks.browser``'s business.
- M writers (``benchmarks.load_writes``): threads of this process calling the product's write
  commands (create a referral, acknowledge, report the result, close, request assistance,
  answer it) sharing one engine (one pool of connections), as the sessions of another app
  process do (``--engine-per-writer``: one each), each write marked so it can be found
  afterwards.

Afterwards every write reported saved must be in the database exactly once and no refused one
may have left anything. Prints one JSON line (as ``python -m benchmarks`` does); exits 1 when
a write was lost, duplicated or left by a refusal, or ended in an error. Loopback only: a
database or app elsewhere is refused. The app server and the browser it started are stopped
however the run ends.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import secrets
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import text
from sqlalchemy.engine import make_url

from data_access import db

from benchmarks.app_server import ROOT, DidNotStart, app_env, free_port, start_app, wait_healthy
from benchmarks.browser import _busiest_head as busiest_head
from benchmarks.load_pages import COOKIE, ROUNDS, Visit, reader
from benchmarks.load_writes import Verdict, Workload, Write, load_heads, verify, writer
from benchmarks.projector_follow import percentile


class Refused(SystemExit):
    """A plain refusal before anything started: the message on stderr, exit status 1."""

    def __init__(self, message: str):
        super().__init__(f"load: {message}")


# -- loopback only -----------------------------------------------------------------------------

def is_loopback(host: str | None) -> bool:
    """Whether every address ``host`` names is this machine's loopback."""
    if not host:
        return False
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def check_loopback(database_url: str, app_url: str | None) -> None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" and url.host and not is_loopback(url.host):
        raise Refused(f"the database must be on this machine's loopback, not {url.host} (a load test "
                      "is never run against a shared server)")
    if app_url is not None and not is_loopback(urlsplit(app_url).hostname):
        raise Refused(f"the app must be on this machine's loopback, not {urlsplit(app_url).hostname}")


# -- the app and the sign-ins ------------------------------------------------------------------

@contextmanager
def app_at(database_url: str, app_url: str | None) -> Iterator[str]:
    """The app's base URL: ``app_url`` when it answers, else a server started here on the
    database and stopped on leaving, however that happens."""
    if app_url:
        base = app_url.rstrip("/")
        try:
            urllib.request.urlopen(f"{base}/_stcore/health", timeout=10)
        except OSError as exc:
            raise Refused(f"no app answers at {base} ({exc})") from None
        yield base
        return
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.NamedTemporaryFile("w+", prefix="jm-load-streamlit-", suffix=".log") as log:
        proc = start_app(port, app_env(database_url, PYTHONPATH=str(ROOT)), log)
        try:
            wait_healthy(base, proc, Path(log.name), timeout_s=180)
            yield base
        except DidNotStart as exc:
            raise SystemExit(f"load: {exc}") from None
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except Exception:  # noqa: BLE001 - it would not stop
                proc.kill()
                proc.wait()


def login_cookies(base: str, usernames: list[str]) -> dict[str, str]:
    """The login cookie of each user, from a real sign-in through the login form in Chromium
    (``benchmarks.browser.sign_in``); the browser is closed before the load starts."""
    from playwright.sync_api import sync_playwright

    from benchmarks import browser

    browser.require_chromium()
    cookies = {}
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser.CHROMIUM, args=browser.ARGS)
        try:
            for name in usernames:
                state = browser.sign_in(chromium, base, name)
                cookies[name] = next(c["value"] for c in state["cookies"] if c["name"] == COOKIE)
        finally:
            chromium.close()
    return cookies


# -- the run -----------------------------------------------------------------------------------

class LoadSampler:
    """The machine's 1-minute load average, read every few seconds during the run."""

    def __init__(self, stop: threading.Event, every_s: float = 5.0):
        self.samples = [os.getloadavg()[0]]
        self.thread = threading.Thread(target=self._run, args=(stop, every_s), daemon=True)

    def _run(self, stop: threading.Event, every_s: float) -> None:
        while not stop.wait(every_s):
            self.samples.append(os.getloadavg()[0])

    def summary(self) -> dict:
        self.samples.append(os.getloadavg()[0])
        return {"start": round(self.samples[0], 2), "max": round(max(self.samples), 2),
                "end": round(self.samples[-1], 2), "mean": round(statistics.mean(self.samples), 2)}


def run_load(base: str, cookies: dict[str, str], head: str, work: Workload, engines: list, args
             ) -> tuple[list[Visit], dict, float]:
    """Readers and writers until ``--seconds`` pass or ``--max-writes`` are made."""
    visits: list[Visit] = []
    users = [("chair", ROUNDS["chair"]), (head, ROUNDS["head"])]
    threads = [threading.Thread(target=reader, daemon=True, name=f"reader-{i}",
                                args=(base, cookies[users[i % 2][0]], users[i % 2][1], work.stop, visits,
                                      args.page_timeout, i // 2))
               for i in range(args.readers)]
    threads += [threading.Thread(target=writer, args=(work, engines[i % len(engines)], i, args.random_seed, args.pause),
                                 daemon=True, name=f"writer-{i}")
                for i in range(args.writers)]
    sampler = LoadSampler(work.stop)
    started = time.perf_counter()
    sampler.thread.start()
    for t in threads:
        t.start()
    work.stop.wait(args.seconds)
    work.stop.set()
    give_up = time.monotonic() + args.page_timeout + 60  # a visit or write under way may finish
    for t in threads:
        t.join(max(0.0, give_up - time.monotonic()))
    return visits, sampler.summary(), time.perf_counter() - started


# -- the report --------------------------------------------------------------------------------

def _p(values: list[float], q: float) -> float | None:
    return round(percentile(values, q), 3) if values else None


def _seconds_by(items, key) -> dict[str, list[float]]:
    groups: dict[str, list[float]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item.seconds)
    return dict(sorted(groups.items()))


def _count_by(items, key) -> dict[str, int]:
    return dict(sorted(Counter(key(item) for item in items).items()))


def page_figures(visits: list[Visit]) -> dict:
    done = [v for v in visits if v.ok]
    seconds = [v.seconds for v in done]
    return {"page_p50": _p(seconds, 0.5), "page_p95": _p(seconds, 0.95), "pages": len(done),
            "page_errors": len(visits) - len(done),
            "page_p50_by_page": {k: _p(v, 0.5) for k, v in _seconds_by(done, lambda v: v.page).items()}}


def write_figures(writes: list[Write]) -> dict:
    ok = [w for w in writes if w.outcome == "ok"]
    seconds = [w.seconds for w in ok]
    by_command = _seconds_by(ok, lambda w: w.command)
    return {"write_p50": _p(seconds, 0.5), "write_p95": _p(seconds, 0.95), "writes": len(ok),
            "refused": sum(w.outcome == "refused" for w in writes),
            "errors": sum(w.outcome == "error" for w in writes),
            "write_p50_by_command": {k: _p(v, 0.5) for k, v in by_command.items()},
            "write_p95_by_command": {k: _p(v, 0.95) for k, v in by_command.items()},
            "writes_by_command": {k: len(v) for k, v in by_command.items()},
            "refused_by_kind": _count_by([w for w in writes if w.outcome == "refused"], lambda w: w.detail),
            "errors_by_kind": _count_by([w for w in writes if w.outcome == "error"],
                                       lambda w: f"{w.command}: {w.detail.split('(')[0]}")}


def report(args, referrals: int, visits: list[Visit], writes: list[Write], verdict: Verdict, load: dict,
           elapsed: float) -> dict:
    """The run's JSON line."""
    examples = (verdict.examples + [f"{w.command}: {w.detail}" for w in writes if w.outcome == "error"][:3]
                + [f"{v.page}: {v.detail}" for v in visits if not v.ok][:3])
    return {
        "name": "load", "database": make_url(args.database_url).get_backend_name(), "referrals": referrals,
        "readers": args.readers, "writers": args.writers, "pause": args.pause,
        "writer_engines": "each" if args.engine_per_writer else "one",
        "seconds": round(elapsed, 1), "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        **page_figures(visits), **write_figures(writes),
        "lost": verdict.lost, "duplicated": verdict.duplicated, "refused_left": verdict.refused_left,
        "load_average_1m": load, "examples": examples,
    }


def count_referrals(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM referrals")).scalar_one()


def _stop_on_sigterm() -> None:
    """A SIGTERM ends the run like Ctrl-C, through every ``finally`` (the app server stops)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="the seeded demo city (SQLite or PostgreSQL on loopback)")
    parser.add_argument("--readers", type=int, default=20, help="reading sessions")
    parser.add_argument("--writers", type=int, default=20, help="writing threads")
    parser.add_argument("--seconds", type=float, default=60, help="how long the load runs at most")
    parser.add_argument("--max-writes", type=int, help="stop after this many write attempts")
    parser.add_argument("--app-url", help="a running app on loopback instead of starting one")
    parser.add_argument("--page-timeout", type=float, default=120, help="seconds a page may take before it counts as an error")
    parser.add_argument("--pause", type=float, default=0.0,
                        help="seconds each writer waits between its writes (default: none, as fast as it can)")
    parser.add_argument("--engine-per-writer", action="store_true",
                        help="each writer its own engine (connection pool), as if each were its own app process;"
                             " by default they share one, as the sessions of one app process do")
    parser.add_argument("--random-seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.readers < 0 or args.writers < 0 or args.seconds <= 0 or (args.max_writes is not None and args.max_writes < 1):
        parser.error("--readers and --writers must not be negative, --seconds and --max-writes must be positive")
    return args


def measure(args, engine, engines) -> dict:
    """The run, from the sign-ins to the check of the writes: its JSON line."""
    heads, referrals = load_heads(engine), count_referrals(engine)
    head = busiest_head(args.database_url) if args.readers else ""
    work = Workload(heads, f"LD{secrets.token_hex(3)}", args.max_writes, threading.Event())
    # Without readers no app is needed: the writers go to the database directly.
    with app_at(args.database_url, args.app_url) if args.readers else nullcontext("") as base:
        cookies = login_cookies(base, ["chair", head]) if args.readers else {}
        visits, load, elapsed = run_load(base, cookies, head, work, engines, args)
    verdict = verify(engine, work.tag, work.writes)
    return report(args, referrals, visits, work.writes, verdict, load, elapsed)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    check_loopback(args.database_url, args.app_url)
    _stop_on_sigterm()
    engine = db.make_engine(args.database_url)
    engines = [db.make_engine(args.database_url) for _ in range(args.writers)] if args.engine_per_writer else [engine]
    try:
        line = measure(args, engine, engines)
    finally:
        for each in {engine, *engines}:
            each.dispose()
    print(json.dumps(line, ensure_ascii=False), flush=True)
    bad = line["lost"] or line["duplicated"] or line["refused_left"] or line["errors"]
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
