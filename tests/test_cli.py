"""The command line, CONTRACT.md's "Command line".

A handful of commands run as real subprocesses (``python -m data_access …``, with
``DATABASE_URL`` set), on SQLite and PostgreSQL; the rest call ``data_access.cli.main`` in
process, which is the same code without a second of imports per call.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import types
import uuid
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, inspect, select, text

from data_access import cli, schema
from data_access.commands.base import SYSTEM
from data_access.db import make_engine, read_session, write_session
from data_access.importing import import_agencies, import_referrals, read_table
from data_access.models import Agency, AuditEntry, CalendarOverride, CalendarYear, Referral, User
from data_access.passwords import verify_password

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def run_cli(*args: str, url: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "data_access", *args], cwd=ROOT, env=env, input=stdin,
        capture_output=True, text=True, encoding="utf-8", timeout=300,
    )


def call(capsys, *args: str) -> tuple[int, str, str]:
    """``main`` in process: (exit code, stdout, stderr)."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def count(engine, model) -> int:
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def with_agencies(engine) -> None:
    with write_session(engine) as session:
        import_agencies(session, SYSTEM, read_table(FIXTURES / "agencies.csv"))


# --------------------------------------------------------------------------- init-db


@pytest.fixture
def unmigrated_url(backend, tmp_path):
    """A database with no schema at all."""
    if backend.kind == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    name = f"fresh_{uuid.uuid4().hex[:12]}"
    backend._admin(f"CREATE DATABASE {name}")
    return backend.pg.url(name)


def test_init_db_creates_the_schema_and_is_safe_twice(unmigrated_url, capsys, monkeypatch):
    first = run_cli("init-db", url=unmigrated_url)
    assert first.returncode == 0, first.stderr
    head = schema.head_revision()  # the newest migration, whichever it is
    assert head in first.stdout and "upgraded" in first.stdout
    # The second run in process: the same code, without another second of imports.
    monkeypatch.setenv("DATABASE_URL", unmigrated_url)
    code, out, err = call(capsys, "init-db")
    assert code == 0, err
    assert "already" in out and head in out
    engine = make_engine(unmigrated_url)
    try:
        assert {"referrals", "agencies", "audit_log"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- import


def test_import_commands_end_to_end(empty_db, tmp_path, capsys):
    url = url_of(empty_db)
    done = run_cli("import", "agencies", str(FIXTURES / "agencies.csv"), url=url)
    assert done.returncode == 0, done.stderr
    assert "新增7条" in done.stdout and "7 created" in done.stdout

    # The same agencies as an Excel workbook: keys match, so nothing new.
    with read_session(empty_db) as session:
        names = session.execute(select(Agency.name, Agency.kind)).all()
    wb = Workbook()
    wb.active.append(["单位名称", "单位类型"])
    labels = {"department": "部门", "town": "镇街", "judicial": "司法机关", "coordinator": "牵头单位"}
    for name, kind in names:
        wb.active.append([name, labels[kind]])
    xlsx = tmp_path / "agencies.xlsx"
    wb.save(xlsx)
    code, out, err = call(capsys, "import", "agencies", str(xlsx))
    assert code == 0, err
    assert "新增0条，更新0条，未变7条" in out

    done = run_cli("import", "referrals", str(FIXTURES / "referrals.csv"), url=url)
    assert done.returncode == 0, done.stderr
    assert "新增5条" in done.stdout
    code, out, err = call(capsys, "import", "referrals", str(FIXTURES / "referrals.csv"))
    assert code == 0, err
    assert "新增0条，更新0条，未变5条" in out
    assert count(empty_db, Referral) == 5

    audits = count(empty_db, AuditEntry)
    done = run_cli("import", "referrals", str(FIXTURES / "referrals_bad.csv"), url=url)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    for line in (3, 4, 5, 6, 7, 8, 9, 10, 12, 13):
        assert f"第{line}行" in done.stderr, line
    assert "第2行" not in done.stderr.replace("与第2行", "")  # line 2 is a good row
    assert "列“移送日期”" in done.stderr and "列“接收单位”" in done.stderr
    assert "未写入任何数据" in done.stderr
    assert count(empty_db, Referral) == 5 and count(empty_db, AuditEntry) == audits


def test_import_refusals_in_plain_words(empty_db, capsys, tmp_path):
    code, _, err = call(capsys, "import", "referrals", str(tmp_path / "nope.csv"))
    assert code == 1 and "找不到文件" in err and "Traceback" not in err
    wrong = tmp_path / "ledger.txt"
    wrong.write_text("x")
    code, _, err = call(capsys, "import", "agencies", str(wrong))
    assert code == 1 and ".xlsx" in err
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf")
    code, _, err = call(capsys, "import", "agencies", str(empty))
    assert code == 1 and "没有数据行" in err
    headers_only = tmp_path / "wrong_headers.csv"
    headers_only.write_text("名称,类型\n青山镇,镇街\n", encoding="utf-8")
    code, _, err = call(capsys, "import", "agencies", str(headers_only))
    assert code == 1 and "缺少必需的列" in err and "单位名称" in err and "单位类型" in err
    assert count(empty_db, Agency) == 0


def test_export_referrals_round_trips_through_xlsx_and_csv(empty_db, tmp_path, capsys):
    with_agencies(empty_db)
    code, _, err = call(capsys, "import", "referrals", str(FIXTURES / "referrals.csv"))
    assert code == 0, err
    for name in ("ledger.xlsx", "ledger.csv"):
        target = tmp_path / name
        code, _, err = call(capsys, "export", "referrals", str(target))
        assert code == 0, err
        assert "5" in err and target.exists()
        sheet = read_table(target)
        assert sorted(r["移送编号"] for r in sheet) == [f"YS-2026-00000{i}" for i in range(1, 6)]
        code, out, err = call(capsys, "import", "referrals", str(target))
        assert code == 0, err
        assert "新增0条，更新0条，未变5条" in out
    code, _, err = call(capsys, "export", "referrals", str(tmp_path / "ledger.txt"))
    assert code == 1 and ".xlsx" in err and "Traceback" not in err
    assert not (tmp_path / "ledger.txt").exists()
    code, _, err = call(capsys, "export", "referrals", str(tmp_path / "no" / "such" / "ledger.xlsx"))
    assert code == 1 and "目录不存在" in err and "Traceback" not in err


# --------------------------------------------------------------------------- workdays


def test_workdays_due_domains_examples_without_a_database(tmp_path):
    missing = tmp_path / "no" / "such.db"
    url = f"sqlite:///{missing}"
    done = run_cli("workdays", "due", "--from", "2026-09-30", "--days", "5", url=url)
    assert (done.returncode, done.stdout, done.stderr) == (0, "2026-10-13\n", "")
    done = run_cli("workdays", "due", "--from", "2026-12-29", "--days", "5", url=url)
    assert (done.returncode, done.stdout) == (0, "2027-01-06\n")
    assert "2027" in done.stderr and "国务院" in done.stderr and "provisional" in done.stderr
    assert "official arrangement" in done.stderr
    assert not missing.parent.exists()  # no database was created just to answer


def test_workdays_due_follows_the_offices_calendar(empty_db, capsys):
    # The office enters the 2027 arrangement: Monday 2027-01-04 declared a rest day.
    with write_session(empty_db) as session:
        session.add(CalendarOverride(day=date(2027, 1, 4), working=False, note="test"))
        session.add(CalendarYear(year=2027))
    code, out, err = call(capsys, "workdays", "due", "--from", "2026-12-29", "--days", "5")
    assert (code, out, err) == (0, "2027-01-07\n", "")  # confirmed year: no warning


def test_workdays_due_refuses_bad_arguments(capsys):
    code, out, err = call(capsys, "workdays", "due", "--from", "2026-02-30", "--days", "5")
    assert code == 2 and out == "" and "YYYY-MM-DD" in err
    code, _, err = call(capsys, "workdays", "due", "--from", "2026-02-03", "--days", "-1")
    assert code == 2 and "非负整数" in err


# --------------------------------------------------------------------------- create-user


def test_create_user_reads_the_password_from_stdin(empty_db):
    with_agencies(empty_db)
    done = run_cli("create-user", "qs_head", "--role", "成员单位负责人", "--agency", "青山镇",
                   url=url_of(empty_db), stdin="Str0ng-pass\n")
    assert done.returncode == 0, done.stderr
    assert "qs_head" in done.stdout
    with read_session(empty_db) as session:
        user = session.scalars(select(User).where(User.username == "qs_head")).one()
        town = session.scalar(select(Agency.id).where(Agency.name == "青山镇"))
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "user.create")).one()
    assert (user.role, user.agency_id, user.active) == ("head", town, True)
    assert verify_password("Str0ng-pass", user.password_hash)
    assert not verify_password("Str0ng-pass\n", user.password_hash)
    assert audit.object_id == str(user.id) and "password_hash" not in audit.after


REFUSED_USERS = [
    (["dup", "--role", "office"], "another-pass\n", "已存在"),
    (["Dup", "--role", "office"], "another-pass\n", "已存在"),  # case does not make it new
    (["c1", "--role", "clerk"], "another-pass\n", "必须指定所属单位"),
    (["c2", "--role", "head", "--agency", "火星镇"], "another-pass\n", "火星镇"),
    (["c3", "--role", "king"], "another-pass\n", "未知角色"),
    (["c4", "--role", "observer"], "abc\n", "至少6位"),
    (["c5", "--role", "observer"], "", "没有从标准输入读到密码"),
]


def test_create_user_refusals(empty_db, capsys, monkeypatch):
    with_agencies(empty_db)
    monkeypatch.setattr(sys, "stdin", io.StringIO("first-pass\n"))
    assert call(capsys, "create-user", "dup", "--role", "office")[0] == 0
    users = count(empty_db, User)
    for args, stdin, words in REFUSED_USERS:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code, out, err = call(capsys, "create-user", *args)
        assert (code, out) == (1, ""), args
        assert words in err and "Traceback" not in err, (args, err)
    assert count(empty_db, User) == users


# --------------------------------------------------------------------------- backup


def test_backup_sqlite_copy_opens_with_the_same_counts(empty_db, backend, tmp_path, capsys, monkeypatch):
    if backend.kind != "sqlite":
        # PostgreSQL: without pg_dump on the machine, say how (naming no credentials) …
        from data_access import backup

        with monkeypatch.context() as m:
            m.setattr(backup, "pg_tool", lambda name: None)
            code, out, err = call(capsys, "backup", str(tmp_path))
        assert code == 1 and out == ""
        assert "pg_dump" in err and str(empty_db.url.port) in err and empty_db.url.database in err
        assert "postgres@" not in err and "-U <" in err  # no credentials echoed
        assert list(tmp_path.iterdir()) == []
        # … with it, a dump and its manifest (restore is tested in test_backup_restore.py).
        code, out, _ = call(capsys, "backup", str(tmp_path))
        assert code == 0
        made = Path(out.strip())
        assert made.suffix == ".dump" and made.stat().st_size > 0
        assert Path(f"{made}.manifest.json").is_file()
        return
    with_agencies(empty_db)
    with write_session(empty_db) as session:
        import_referrals(session, SYSTEM, read_table(FIXTURES / "referrals.csv"))
    dest = tmp_path / "copy.db"
    done = run_cli("backup", str(dest), url=url_of(empty_db))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(dest)
    with sqlite3.connect(dest) as conn:
        copied = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("agencies", "referrals", "referral_events", "audit_log")}
    with read_session(empty_db) as session:
        original = {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in copied}
    assert copied == original and copied["referrals"] == 5

    code, _, err = call(capsys, "backup", str(dest))
    assert code == 1 and "不会覆盖" in err
    folder = tmp_path / "backups"
    folder.mkdir()
    code, out, _ = call(capsys, "backup", str(folder))
    assert code == 0
    (made,) = folder.iterdir()
    assert out.strip() == str(made) and made.suffix == ".db"


# --------------------------------------------------------------------------- seed


def test_seed_refuses_a_database_with_data(empty_db, capsys):
    with_agencies(empty_db)
    code, _, err = call(capsys, "seed", "--scale", "0.1")
    assert code == 1 and "不是空的" in err and "Traceback" not in err
    code, _, err = call(capsys, "seed", "--if-empty")
    assert code == 0 and "未装入" in err
    assert count(empty_db, Referral) == 0


def test_seed_passes_its_arguments_and_prints_a_summary(empty_db, capsys, monkeypatch):
    received = {}

    def fake_seed_city(engine, *, scale, random_seed, as_of, progress, demo_users):
        received.update(url=str(engine.url), scale=scale, random_seed=random_seed, as_of=as_of)
        progress(0.5, "半程 / halfway")
        return {"agencies": 3, "referrals": 30}

    fake = types.ModuleType("sample_data.seed")
    fake.seed_city = fake_seed_city
    monkeypatch.setitem(sys.modules, "sample_data.seed", fake)
    import sample_data

    monkeypatch.setattr(sample_data, "seed", fake, raising=False)
    code, out, err = call(capsys, "seed", "--scale", "0.5", "--random-seed", "9", "--as-of", "2026-06-30")
    assert code == 0, err
    assert received == {"url": str(empty_db.url), "scale": 0.5, "random_seed": 9, "as_of": date(2026, 6, 30)}
    assert "halfway" in err and "50.0%" in err
    assert "agencies: 3" in out and "referrals: 30" in out and "elapsed" in out


def test_seed_loads_the_sample_city_with_demo_users_in_demo_mode(empty_db, capsys, monkeypatch):
    for name in ("JM_COOKIE_KEY", "JM_ADMIN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    code, out, err = call(capsys, "seed", "--scale", "0.05", "--random-seed", "3")
    assert code == 0, err
    assert count(empty_db, Agency) >= 30 and count(empty_db, Referral) > 0
    assert count(empty_db, User) > 0
    assert "elapsed" in out


def test_seed_outside_demo_mode_creates_no_demo_users(empty_db, capsys, monkeypatch):
    # CONTRACT.md: outside demo mode none of the demo users exists.
    monkeypatch.setenv("JM_COOKIE_KEY", "k" * 40)
    code, out, err = call(capsys, "seed", "--scale", "0.05", "--random-seed", "3")
    assert code == 0, err
    assert count(empty_db, Referral) > 0
    assert count(empty_db, User) == 0
    assert "demo accounts" in err


# --------------------------------------------------------------------------- errors


def test_errors_exit_non_zero_with_a_plain_message(capsys, tmp_path, monkeypatch):
    missing = tmp_path / "none.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")
    from data_access import db

    db.reset_engines()
    code, out, err = call(capsys, "report", "overdue", "--as-of", "2026-11-01")
    assert code == 1 and out == "" and "init-db" in err and "Traceback" not in err
    assert not missing.exists()  # a report does not create an empty database
    code, _, err = call(capsys, "report", "overdue", "--as-of", "yesterday")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = call(capsys, "report", "overdue")
    assert code == 2 and "--as-of" in err
    code, _, err = call(capsys, "no-such-command")
    assert code == 2
    db.reset_engines()


def test_report_overdue_names_an_unknown_agency(empty_db, capsys):
    with_agencies(empty_db)
    code, out, err = call(capsys, "report", "overdue", "--as-of", "2026-11-01", "--agency", "火星镇")
    assert code == 1 and out == "" and "火星镇" in err
    code, out, _ = call(capsys, "report", "overdue", "--as-of", "2026-11-01", "--agency", "公安局")
    assert code == 0 and out.startswith("移送编号,接收单位")
