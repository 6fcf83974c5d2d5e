"""Several app processes behind nginx on one PostgreSQL (deploy/), for real, on loopback.

PostgreSQL (the session's throw-away server), two ``streamlit run app.py`` processes sharing
one cookie key and database, and nginx started from ``deploy/nginx/joint-meeting.conf`` (its
ports rewritten to free loopback ports). Two browsers are pinned, through the proxy's own
``jm_node`` cookie, to different processes: the office signs in on each, adds an agency
through the first and finds it on the agencies page drawn by the second.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from benchmarks.app_server import app_env, free_port, start_app, wait_healthy
from tests.browser.conftest import ROOT, _require_chromium, _wait_idle, require_program

pytestmark = pytest.mark.browser

NGINX = "/usr/sbin/nginx"
ADMIN_PASSWORD = "Multi-Process-Test-2026"


def _require_nginx() -> None:
    require_program(NGINX, "nginx", "multi-process test")


def _nginx_config(folder: Path, listen: int, app_ports: list[int]) -> Path:
    """deploy/'s site file inside a minimal main configuration, on loopback ports."""
    site = (ROOT / "deploy" / "nginx" / "joint-meeting.conf").read_text()
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+.*;$", site, flags=re.M)
    assert len(servers) == 2, "the example names two app processes"
    for line, port in zip(servers, app_ports):
        site = site.replace(line, re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", line))
    site = re.sub(r"listen 80;", f"listen 127.0.0.1:{listen};", site)
    (folder / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    main.write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n  access_log {folder}/access.log;\n"
        f"  client_body_temp_path {folder}/body;\n  proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fastcgi;\n  uwsgi_temp_path {folder}/uwsgi;\n"
        f"  scgi_temp_path {folder}/scgi;\n  include {folder}/site.conf;\n}}\n"
    )
    return main


def _upstream(base: str, node: str) -> str:
    request = urllib.request.Request(f"{base}/_stcore/health", headers={"Cookie": f"jm_node={node}"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return answer.headers["X-JM-Upstream"]


@pytest.fixture(scope="module")
def cluster(pg_server, browser, tmp_path_factory):
    _require_chromium()
    _require_nginx()
    from data_access import db, schema
    from data_access.commands.users import bootstrap_admin
    from sample_data.seed import seed_city

    folder = tmp_path_factory.mktemp("cluster")
    admin = create_engine(pg_server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS jm_cluster"))
        conn.execute(text("CREATE DATABASE jm_cluster"))
    admin.dispose()
    url = pg_server.url("jm_cluster")
    engine = db.make_engine(url)
    schema.upgrade(engine)
    seed_city(engine, scale=0.05, random_seed=3, as_of=date.today(), demo_users=False)
    with db.write_session(engine) as session:
        bootstrap_admin(session, ADMIN_PASSWORD)
    engine.dispose()

    env = app_env(url, JM_COOKIE_KEY="cluster-test-" + os.urandom(24).hex(), JM_ADMIN_PASSWORD=ADMIN_PASSWORD,
                  STREAMLIT_SERVER_COOKIE_SECRET="cluster-test-" + os.urandom(24).hex())
    procs: list[subprocess.Popen] = []
    logs = []
    try:
        ports = [free_port(), free_port()]
        for port in ports:
            log_path = folder / f"app-{port}.log"
            log = open(log_path, "w")
            logs.append(log)
            proc = start_app(port, env, log)
            procs.append(proc)
            wait_healthy(f"http://127.0.0.1:{port}", proc, log_path)
            # A new server's first script run is special (see live_app's _first_session).
            first = browser.new_page()
            first.goto(f"http://127.0.0.1:{port}/")
            _wait_idle(first)
            first.close()
        listen = free_port()
        conf = _nginx_config(folder, listen, ports)
        nginx = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(nginx)
        base = f"http://127.0.0.1:{listen}"
        wait_healthy(base, nginx, folder / "error.log")
        # One jm_node value that the proxy sends to each process.
        nodes: dict[str, str] = {}
        for i in range(200):
            nodes.setdefault(_upstream(base, f"n{i}"), f"n{i}")
            if len(nodes) == 2:
                break
        assert sorted(nodes) == sorted(f"127.0.0.1:{p}" for p in ports), nodes
        yield base, [nodes[f"127.0.0.1:{p}"] for p in ports], ports
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()
        shutil.rmtree(folder / "body", ignore_errors=True)


def _pinned_page(browser, base: str, node: str):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    context.add_cookies([{"name": "jm_node", "value": node, "url": base}])
    return context, context.new_page()


def _sign_in(page, url: str) -> None:
    page.goto(url)
    _wait_idle(page)
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("用户名").wait_for(state="detached", timeout=30_000)
    _wait_idle(page)


def _agency_count(page) -> int:
    caption = page.get_by_text(re.compile(r"共 \d+ 个单位"))
    caption.wait_for(timeout=30_000)
    return int(re.search(r"共 (\d+) 个单位", caption.inner_text()).group(1))


def test_a_write_through_one_process_shows_on_the_other(cluster, browser):
    from playwright.sync_api import expect

    base, nodes, ports = cluster
    name = f"多进程测试局{int(time.time())}"

    ctx_a, writer = _pinned_page(browser, base, nodes[0])
    ctx_b, reader = _pinned_page(browser, base, nodes[1])
    try:
        # Each browser reaches its own process, through the proxy.
        for page, port in ((writer, ports[0]), (reader, ports[1])):
            answer = page.request.get(f"{base}/_stcore/health")
            assert answer.headers["x-jm-upstream"] == f"127.0.0.1:{port}"

        _sign_in(reader, f"{base}/admin-agencies")
        before = _agency_count(reader)

        _sign_in(writer, f"{base}/admin-agencies")
        writer.get_by_label("单位名称").first.fill(name)
        writer.get_by_label("单位类型").first.click()
        writer.keyboard.type("部门")
        writer.keyboard.press("Enter")
        writer.get_by_role("button", name="新增单位").click()
        expect(writer.get_by_text(f"已新增单位“{name}”")).to_be_visible(timeout=30_000)

        # The other process draws the page anew (a reload keeps the sign-in cookie).
        reader.reload()
        _wait_idle(reader)
        # The agencies page drawn by the other process counts the new agency.
        expect(reader.get_by_text(re.compile(f"共 {before + 1} 个单位"))).to_be_visible(timeout=30_000)
        assert reader.request.get(f"{base}/_stcore/health").headers["x-jm-upstream"] == f"127.0.0.1:{ports[1]}"
    finally:
        ctx_a.close()
        ctx_b.close()
