"""The load script (issue #17, item 7) runs end to end, small, on each back end: it starts the
app, reads pages over the app's WebSocket and writes through the commands, and finds every
saved write exactly once. The end-to-end run signs in through Chromium, hence its ``browser``
mark."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from benchmarks import load
from benchmarks.load_writes import Write, load_heads, verify
from benchmarks.projector_follow import CHROMIUM
from data_access import db
from data_access.commands import referrals
from tests.support.databases import seeded_city

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


@pytest.mark.browser
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


def test_the_check_finds_a_lost_a_duplicated_and_a_left_write(backend):
    """The check is not vacuous: a write reported saved and missing, one found twice, and a
    refused one that left its marker are each counted."""
    engine = db.make_engine(seeded_city(backend, "load_check", scale=0.05, random_seed=7))
    try:
        heads = load_heads(engine)
        sender, receiver = sorted(heads)[:2]

        def create(marker: str) -> int:
            return referrals.create_referral(
                heads[sender], title=f"负载测试 {marker}", from_agency_id=sender, to_agency_id=receiver,
                discovered_on=date.today(), approved_by="负载测试", sent_on=date.today(), engine=engine).id

        twice = create("LDtest-00-00002")
        create("LDtest-00-00002")
        left = create("LDtest-00-00003")
        writes = [Write("create_referral", "LDtest-00-00001", 0.1, "ok", 10**6),
                  Write("create_referral", "LDtest-00-00002", 0.1, "ok", twice),
                  Write("create_referral", "LDtest-00-00003", 0.1, "refused", left)]
        verdict = verify(engine, "LDtest", writes)
    finally:
        engine.dispose()
    assert (verdict.lost, verdict.duplicated, verdict.refused_left) == (1, 1, 1), verdict.examples
