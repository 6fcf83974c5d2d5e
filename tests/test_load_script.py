"""The load script (issue #17, item 7) runs end to end, small, on each back end: it starts the
app, reads pages over the app's WebSocket and writes through the commands, and finds every
saved write exactly once. It signs in through Chromium, hence the ``browser`` mark."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks import load
from benchmarks.projector_follow import CHROMIUM
from tests.support.databases import seeded_city

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
FIELDS = {"name", "database", "readers", "writers", "seconds", "page_p50", "page_p95", "pages", "page_errors",
          "write_p50", "write_p95", "writes", "refused", "errors", "lost", "duplicated", "refused_left",
          "write_p50_by_command", "load_average_1m"}


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"Debian's chromium is missing ({CHROMIUM}); CI must run the load script")
    pytest.skip(f"Debian's chromium is missing ({CHROMIUM})")


def _run(*args: str, timeout_s: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "benchmarks.load", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout_s, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_small_load_reads_pages_and_loses_no_write(backend):
    _require_chromium()
    url = seeded_city(backend, "load_city", scale=0.2, random_seed=7)
    started = time.perf_counter()
    done = _run("--database-url", url, "--readers", "2", "--writers", "2", "--seconds", "10")
    print(f"load script on {backend.kind}: {time.perf_counter() - started:.0f} s")
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    line = json.loads(done.stdout.strip().splitlines()[-1])
    assert FIELDS <= set(line), FIELDS - set(line)
    assert line["name"] == "load" and line["database"] == backend.kind
    assert line["pages"] > 0 and line["page_errors"] == 0, line["examples"]
    assert line["writes"] > 0 and line["errors"] == 0, line["examples"]
    assert line["lost"] == line["duplicated"] == line["refused_left"] == 0, line["examples"]
    assert line["page_p50"] <= line["page_p95"] and line["write_p50"] <= line["write_p95"]
    assert "create_referral" in line["write_p50_by_command"]


def test_max_writes_bounds_the_run_without_readers(backend):
    url = seeded_city(backend, "load_bounded", scale=0.05, random_seed=7)
    done = _run("--database-url", url, "--readers", "0", "--writers", "3", "--seconds", "60", "--max-writes", "30")
    assert done.returncode == 0, done.stderr[-3000:]
    line = json.loads(done.stdout.strip().splitlines()[-1])
    assert line["writes"] + line["refused"] + line["errors"] == 30
    assert line["seconds"] < 60 and line["pages"] == 0


@pytest.mark.parametrize("url,app", [
    ("postgresql+psycopg://u@db.example.org/jm", None),
    ("sqlite:///x.db", "http://192.0.2.7:8501"),
])
def test_anything_off_loopback_is_refused_plainly(url, app):
    with pytest.raises(SystemExit) as refused:
        load.check_loopback(url, app)
    assert "loopback" in str(refused.value)


def test_loopback_names_are_accepted():
    load.check_loopback("postgresql+psycopg://postgres@127.0.0.1:5432/jm", "http://localhost:8501")
    assert load.is_loopback("::1") and not load.is_loopback("192.0.2.7")
