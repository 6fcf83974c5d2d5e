"""Build (or reuse) a database of about N referrals and time what the users wait for.

Each measurement runs in its own child process (``benchmarks.probe`` or the CLI), so its
peak memory (``peak_rss_mb``, the child's maximum resident set) is its own, and its
``seconds`` is the median of ``--repeat`` runs (at least 3). Output: one JSON object per
line, the database first (CONTRACT.md, "Benchmarks").

Measurements:
- ``seed``: building the database with ``python -m data_access seed --scale S`` (fresh each run).
- ``overview_page_cold`` / ``overview_page_warm``: the chair's overview rendered whole with
  AppTest, caches cleared before each run / kept from a previous run.
- ``agency_page_cold``: the head of the busiest town on their own page.
- ``projector_page_cold``: the projector page for the latest meeting.
- ``overdue_report``: ``python -m data_access report overdue --as-of <today>``.
- ``overview_queries``: the floor, the overview's SQL alone, without Streamlit.
- ``baseline_pandas_load_referrals``: the baseline a typical dashboard starts with, reading the whole
  referrals table into pandas; the overview must beat it.
- In Debian's Chromium, from navigation to the page fully drawn (``benchmarks.browser``):
  ``overview_browser_cold``, ``overview_browser_warm``, ``metrics_browser``, ``agency_browser``,
  ``projector_follow`` (p95) and ``projector_browser``; ``peak_rss_mb`` is the app server's.
  Without Chromium the run fails (leave these out on purpose with ``--only``).
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
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks import browser

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"
PAGE_MEASUREMENTS = (
    "overview_queries",
    "overview_page_cold",
    "overview_page_warm",
    "agency_page_cold",
    "projector_page_cold",
    "baseline_pandas_load_referrals",
)


def _run_child(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """Run a child; return (wall seconds, the child's own peak RSS in MB, its stdout)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)  # per-child rusage, unlike RUSAGE_CHILDREN
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"benchmark step failed: {' '.join(cmd)}\n{err.read().strip()}")
        return seconds, round(usage.ru_maxrss / 1024, 1), out.read()


def _scale_for(referrals: int) -> float:
    from sample_data.seed import REFERRALS_PER_SCALE

    return referrals / REFERRALS_PER_SCALE


def _default_url(referrals: int) -> str:
    CACHE.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{CACHE / f'referrals_{referrals}.db'}"


def _count_referrals(url: str) -> int | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM referrals")).scalar_one()
    except Exception:  # noqa: BLE001 - no database or no schema yet
        return None
    finally:
        engine.dispose()


def _wipe(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(make_url(url).database)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _emit(obj: dict) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _measure_seed(url: str, referrals: int, repeat: int, random_seed: int, env: dict) -> dict:
    runs, peaks = [], []
    for _ in range(repeat):
        _wipe(url)
        subprocess.run([sys.executable, "-m", "data_access", "init-db"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        seconds, peak, _ = _run_child(
            [sys.executable, "-m", "data_access", "seed", "--scale", f"{_scale_for(referrals):.4f}",
             "--random-seed", str(random_seed)],
            env,
        )
        runs.append(seconds)
        peaks.append(peak)
    return {"name": "seed", "seconds": round(statistics.median(runs), 3), "runs": [round(r, 3) for r in runs],
            "peak_rss_mb": max(peaks)}


def _measure_probe(name: str, repeat: int, env: dict) -> dict:
    _, _, out = _run_child([sys.executable, "-m", "benchmarks.probe", name, str(repeat)], env)
    result = json.loads(out.strip().splitlines()[-1])
    runs = result["runs"]
    return {"name": name, "seconds": round(statistics.median(runs), 3), "runs": [round(r, 3) for r in runs],
            "peak_rss_mb": result["peak_rss_mb"]}


def _measure_report(repeat: int, env: dict) -> dict:
    runs, peak = [], 0.0
    for _ in range(repeat):
        seconds, peak, _ = _run_child(
            [sys.executable, "-m", "data_access", "report", "overdue", "--as-of", date.today().isoformat()], env
        )
        runs.append(seconds)
    return {"name": "overdue_report", "seconds": round(statistics.median(runs), 3),
            "runs": [round(r, 3) for r in runs], "peak_rss_mb": peak}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--referrals", type=int, required=True, help="about how many referrals")
    parser.add_argument("--database-url", help="default: a SQLite file under benchmarks/.cache/")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median; at least 3)")
    parser.add_argument("--random-seed", type=int, default=42)
    parser.add_argument("--reuse", action="store_true",
                        help="reuse an existing database of about that size and skip the seed measurement")
    parser.add_argument("--only", nargs="*", help="run only these measurements")
    args = parser.parse_args(argv)
    if args.repeat < 3:
        parser.error("--repeat must be at least 3 (each figure is a median)")
    if args.referrals < 1:
        parser.error("--referrals must be positive")

    url = args.database_url or _default_url(args.referrals)
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    wanted = set(args.only or ["seed", "overdue_report", *PAGE_MEASUREMENTS, *browser.NAMES])
    if wanted & set(browser.NAMES):
        browser.require_chromium()  # before the seed: fail at once, not minutes later

    results = []
    existing = _count_referrals(url)
    reusable = existing is not None and abs(existing - args.referrals) <= 0.1 * args.referrals
    if "seed" in wanted and not (args.reuse and reusable):
        results.append(_measure_seed(url, args.referrals, args.repeat, args.random_seed, env))
    elif not reusable:
        results.append(_measure_seed(url, args.referrals, 1, args.random_seed, env) | {"name": "seed_once"})

    _emit({"name": "database", "url": make_url(url).render_as_string(hide_password=True),
           "referrals": _count_referrals(url)})
    for result in results:
        if result["name"] == "seed":
            _emit(result)
    for name in PAGE_MEASUREMENTS:
        if name in wanted:
            _emit(_measure_probe(name, args.repeat, env))
    if "overdue_report" in wanted:
        _emit(_measure_report(args.repeat, env))
    browser.measure(url, args.repeat, wanted, emit=_emit)
    return 0
