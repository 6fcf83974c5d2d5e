"""``streamlit run app.py`` for real, on a free loopback port, waited for until its health check
answers: the one way the browser benchmarks and the browser tests start the app (tests may
import from ``benchmarks``; ``benchmarks`` never imports from ``tests``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class DidNotStart(RuntimeError):
    """The server's process ended, or its health check did not answer in time."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment for an app on ``database_url``, without its ``JM_*`` settings
    (no secrets: demo mode) unless ``settings`` give them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JM_")}
    env.update(DATABASE_URL=database_url, **settings)
    return env


def start_app(port: int, env: dict[str, str], log) -> subprocess.Popen:
    """``streamlit run app.py`` on 127.0.0.1:``port``, headless, without usage statistics or
    file watcher; its output goes to the open file ``log``."""
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )


def wait_healthy(base: str, proc: subprocess.Popen, log: Path | None = None, *, timeout_s: float = 90,
                 poll_s: float = 0.3) -> None:
    """Wait until ``{base}/_stcore/health`` answers (a proxy in front of the app passes it on);
    :class:`DidNotStart`, with the end of ``log``, when ``proc`` ends first or ``timeout_s`` pass."""
    deadline = time.time() + timeout_s
    while True:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).status == 200:
                return
        except OSError:
            pass
        if time.time() > deadline or proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log is not None else ""
            raise DidNotStart(f"{base} did not start:\n{tail}")
        time.sleep(poll_s)
