"""The command line: ``python -m data_access COMMAND …`` (CONTRACT.md, "Command line").

Every command honours ``DATABASE_URL``, prints what went wrong in plain words on stderr (no
traceback for a user's mistake) and exits non-zero when it fails; every write is one
transaction, all or nothing. The commands are thin: they call the same functions the app
uses (:mod:`data_access.importing` for import and export, :mod:`data_access.queries.overdue`,
:mod:`data_access.commands.users`, :mod:`data_access.backup`).

Exit codes: 0 done; 1 refused or failed (the message says why); 2 wrong arguments.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from data_access.commands.base import Actor, CommandError, ValidationFailed

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """A refusal to print as is (plain words, Chinese / English)."""

    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.message = message
        self.code = code


# --------------------------------------------------------------------------- helpers


def _err(text: str = "") -> None:
    print(text, file=sys.stderr, flush=True)


def _out(text: str) -> None:
    """Write UTF-8 to stdout whatever the locale says (the report is read by scripts)."""
    stream = sys.stdout
    try:
        stream.flush()
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            buffer.write(text.encode("utf-8"))
            buffer.flush()
        else:
            stream.write(text)
            stream.flush()
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())


def _cli_actor() -> Actor:
    """The command line acts as the office; the audit trail names the operating-system user."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        who = "system"
    return Actor(username=f"cli:{who}"[:50], role="office")


def _date_arg(text: str) -> date:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(
        f"“{text}”不是有效日期，应为 YYYY-MM-DD。 / {text!r} is not a date in the form YYYY-MM-DD."
    )


def _nonneg_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(
            f"“{text}”不是非负整数。 / {text!r} is not a whole number of zero or more."
        )
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"“{text}”必须是正数。 / {text!r} must be a positive number.")
    return value


def _shown_url(engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _require_database():
    """The engine of a database that exists and carries the newest schema, else a refusal."""
    from data_access import schema
    from data_access.backup import sqlite_path
    from data_access.db import get_engine

    engine = get_engine()
    path = sqlite_path(engine.url)
    if path is not None and not path.exists():
        raise UserError(
            f"数据库文件不存在：{path}。请先运行 python -m data_access init-db。"
            f" / The database file {path} does not exist; run `python -m data_access init-db` first."
        )
    revision = schema.current_revision(engine)
    if revision is None:
        raise UserError(
            f"数据库尚未初始化（{_shown_url(engine)}）。请先运行 python -m data_access init-db。"
            " / The database has no schema yet; run `python -m data_access init-db` first."
        )
    if revision != schema.head_revision():
        raise UserError(
            f"数据库结构版本 {revision} 不是最新的 {schema.head_revision()}，请先运行"
            " python -m data_access init-db 升级。 / The schema is out of date; run"
            " `python -m data_access init-db` to upgrade it."
        )
    return engine


def _print_row_errors(errors) -> None:
    for error in errors:
        _err(f"  {error}")


# --------------------------------------------------------------------------- commands


def cmd_init_db(args) -> int:
    from data_access import schema
    from data_access.db import get_engine

    engine = get_engine()
    before = schema.current_revision(engine)
    revision = schema.upgrade(engine)
    if before == revision:
        _out(f"数据库结构已是最新版本 / schema already at revision: {revision}\n")
    else:
        _out(f"数据库结构已升级到 / schema upgraded to revision: {revision}\n")
    return EXIT_OK


def cmd_seed(args) -> int:
    from data_access import schema
    from data_access.db import get_engine, read_session
    from data_access.models import Agency, Referral, User

    engine = get_engine()
    schema.upgrade(engine)
    with read_session(engine) as session:
        counts = {
            "agencies": session.scalar(select(func.count()).select_from(Agency)),
            "users": session.scalar(select(func.count()).select_from(User)),
            "referrals": session.scalar(select(func.count()).select_from(Referral)),
        }
    if any(counts.values()):
        held = (f"{counts['agencies']} 个成员单位、{counts['users']} 个用户、"
                f"{counts['referrals']} 件移送案件")
        if args.if_empty:
            _err(f"数据库中已有数据（{held}），未装入示例数据。 / The database already holds"
                 " data; the sample city was not loaded.")
            return EXIT_OK
        raise UserError(
            f"数据库不是空的（已有{held}），示例数据只能装入空数据库。请换一个 DATABASE_URL，"
            "或删除数据库后再试。 / The database is not empty; the sample city can only be"
            " loaded into an empty database. Use another DATABASE_URL or remove the database."
        )
    try:
        from sample_data import seed as seeding
    except ImportError as exc:
        raise UserError(f"示例数据模块不可用：{exc} / The sample data module is not available: {exc}") from None
    refused = getattr(seeding, "SeedRefused", ())  # its refusals are worded for people

    last = {"shown": -1.0, "message": None}

    def progress(fraction: float, message: str) -> None:
        percent = max(0.0, min(1.0, float(fraction))) * 100
        if message != last["message"] or percent - last["shown"] >= 5 or percent >= 100:
            _err(f"[{percent:5.1f}%] {message}")
            last["shown"], last["message"] = percent, message

    from data_access.config import demo_mode

    demo = demo_mode()
    if not demo:
        _err("已配置密钥（非演示模式）：装入示例城市，但不创建演示账号。 / Secrets are configured"
             " (not demo mode): loading the sample city without the demo accounts.")
    started = time.perf_counter()
    try:
        result = seeding.seed_city(engine, scale=args.scale, random_seed=args.random_seed,
                                   as_of=args.as_of, progress=progress, demo_users=demo)
    except refused as exc:
        raise UserError(str(exc)) from None
    elapsed = time.perf_counter() - started
    lines = ["示例数据已装入 / sample city loaded:"]
    for table, count in (result or {}).items():
        lines.append(f"  {table}: {count}")
    lines.append(f"用时 / elapsed: {elapsed:.1f} s")
    _out("\n".join(lines) + "\n")
    return EXIT_OK


def cmd_import(args) -> int:
    from data_access.db import write_session
    from data_access.importing import import_agencies, import_referrals, read_table
    from data_access.responsibilities import import_responsibilities

    engine = _require_database()
    path = Path(args.file)
    sheet = read_table(path)
    writer = {"agencies": import_agencies, "referrals": import_referrals,
              "responsibilities": import_responsibilities}[args.kind]
    shown = {"step": -1}

    def progress(fraction: float, message: str) -> None:
        step = int(max(0.0, min(1.0, fraction)) * 10)
        if step != shown["step"]:
            _err(f"[{step * 10:3d}%] {message}")
            shown["step"] = step

    with write_session(engine) as session:
        result = writer(session, _cli_actor(), sheet, filename=path.name, progress=progress)
    for warning in result.warnings:
        _err(f"注意 / note: {warning}")
    _out(result.summary() + "\n")
    return EXIT_OK


def _export_path(file: str) -> Path:
    """Where an export goes: a .csv or .xlsx name in a folder that exists (else a plain error)."""
    path = Path(file)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise UserError(f"请使用 .csv 或 .xlsx 文件名：{path.name} / Use a .csv or .xlsx file name: {path.name}")
    if not path.parent.is_dir():
        raise UserError(f"目录不存在：{path.parent} / The directory does not exist: {path.parent}")
    return path


def cmd_export_referrals(args) -> int:
    from data_access.db import read_session
    from data_access.importing import export_referrals

    engine = _require_database()
    path = _export_path(args.file)
    with read_session(engine) as session:
        written = export_referrals(session, path)
    _err(f"已导出 {written} 件移送案件到 {path}。 / Exported {written} referrals to {path}.")
    return EXIT_OK


def cmd_export_responsibilities(args) -> int:
    from data_access.db import read_session
    from data_access.responsibilities import write_responsibilities_file

    engine = _require_database()
    path = _export_path(args.file)
    with read_session(engine) as session:
        count = write_responsibilities_file(session, path)
    _out(f"已导出权责清单 {count} 条：{path} / Exported {count} list entries to {path}\n")
    return EXIT_OK


def cmd_report_overdue(args) -> int:
    from data_access.db import read_session
    from data_access.importing import agency_index, agency_key
    from data_access.queries.overdue import overdue_acknowledgements, overdue_csv

    engine = _require_database()
    with read_session(engine) as session:
        agency_id = None
        if args.agency:
            ref = agency_index(session).get(agency_key(args.agency))
            if ref is None:
                raise UserError(f"找不到成员单位“{args.agency}”。 / No member agency is called {args.agency!r}.")
            agency_id = ref.id
        rows = overdue_acknowledgements(session, args.as_of, agency_id)
    _out(overdue_csv(rows))
    return EXIT_OK


def cmd_notify(args) -> int:
    from data_access import notify

    engine = _require_database()
    as_of = args.as_of or date.today()
    if args.as_of is None and not args.dry_run:
        from data_access.db import read_session
        from data_access.rulebook import load_calendar

        with read_session(engine) as session:
            working = load_calendar(session).is_working_day(as_of)
        if not working:
            # Scheduled daily; the office's calendar (make-up days included) decides.
            _err(f"{as_of} 不是工作日，不发送提醒。 / {as_of} is not a working day; nothing sent.")
            return EXIT_OK
    summary = notify.run(as_of, dry_run=args.dry_run, engine=engine, actor_name=_cli_actor().username,
                         out=lambda line: _out(line + "\n"))
    if args.dry_run:
        _err(f"试运行：{len(summary.lines)} 条消息，其中 {summary.without_channel} 条因未登记通知地址不会发出；"
             f"未发送、未记录。 / Dry run: {len(summary.lines)} messages, {summary.without_channel} of them to"
             " agencies without a channel; nothing sent or recorded.")
        return EXIT_OK
    _err(f"已发送 {summary.sent} 条，失败 {summary.failed} 条（其中重发 {summary.retried} 条）；失败的将在下次运行时重发。"
         f" / Sent {summary.sent}, failed {summary.failed} (of which {summary.retried} retries); failures are"
         " retried on the next run.")
    return EXIT_FAILED if summary.failed else EXIT_OK
def _period_arg(text: str):
    from rules.metrics import parse_period

    try:
        return parse_period(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_report_metrics(args) -> int:
    from data_access.db import read_session
    from data_access.queries.metrics import metrics_csv, metrics_report

    engine = _require_database()
    with read_session(engine) as session:
        rows = metrics_report(session, args.period, args.as_of)
    _out(metrics_csv(rows))
    return EXIT_OK


def cmd_report_publish(args) -> int:
    from data_access.commands.reports import publish_report
    from data_access.db import read_session
    from data_access.queries.bulletin import published_docx

    _require_database()
    done = publish_report(_cli_actor(), args.period, args.as_of)
    if args.out:
        from data_access.db import get_engine

        with read_session(get_engine()) as session:
            _name, data = published_docx(session, done.id)
        Path(args.out).write_bytes(data)
    _out(f"已发布 {done.title}（{done.number}），更正 {done.corrections} 项。"
         f" / Published {done.number} with {done.corrections} correction(s).\n")
    return EXIT_OK


def _calendar_for_workdays():
    """The database's calendar when a migrated database is there, else the library's alone.

    Never creates a database (or its file) just to answer: on a fresh machine the library
    calendar is the right answer anyway.
    """
    from rules.calendar import WorkCalendar

    from data_access import db, schema
    from data_access.backup import sqlite_path
    from data_access.rulebook import load_calendar

    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        if not db.DEFAULT_SQLITE_PATH.exists():
            return WorkCalendar()
        url = f"sqlite:///{db.DEFAULT_SQLITE_PATH}"
    else:
        url = db.database_url()
    path = sqlite_path(url) if db.is_sqlite(url) else None
    if db.is_sqlite(url) and (path is None or not path.exists()):
        return WorkCalendar()
    engine = db.make_engine(url)
    try:
        if schema.current_revision(engine) is None:
            return WorkCalendar()
        with db.read_session(engine) as session:
            return load_calendar(session)
    except SQLAlchemyError:
        _err("注意：无法读取数据库中的工作日历，以下按内置日历计算。"
             " / Note: the database's calendar could not be read; using the built-in calendar.")
        return WorkCalendar()
    finally:
        engine.dispose()


def cmd_workdays_due(args) -> int:
    cal = _calendar_for_workdays()
    try:
        due = cal.add_working_days(args.start, args.days)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    _out(due.on.isoformat() + "\n")
    if due.provisional:
        published = cal.published_years()
        years = [y for y in range(args.start.year, due.on.year + 1) if y not in published]
        which = "、".join(str(y) for y in years)
        which_en = ", ".join(str(y) for y in years)
        _err(
            f"注意：国务院尚未公布{which}年的节假日安排，此期限仅按法定节假日计算，属暂定日期；"
            "正式安排公布后，联席会议办公室可在系统中录入，期限将随之更新。"
            f" / Warning: the State Council has not yet published the holiday arrangement for"
            f" {which_en}. This date counts the statutory holidays only and is provisional;"
            " the joint meeting office can enter the official arrangement once it is out."
        )
    return EXIT_OK


def _read_password() -> str:
    if sys.stdin is None:
        raise UserError("没有标准输入，无法读取密码。 / No standard input to read the password from.")
    if sys.stdin.isatty():
        first = getpass.getpass("密码 / Password: ")
        second = getpass.getpass("再输入一次 / Repeat: ")
        if first != second:
            raise UserError("两次输入的密码不一致。 / The two passwords differ.")
        return first
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise UserError(
            "没有从标准输入读到密码（应为一行）。 / No password on standard input (one line expected)."
        )
    return password


def cmd_create_user(args) -> int:
    from data_access.commands.users import create_user
    from data_access.db import write_session
    from rules.lifecycle import ROLES

    engine = _require_database()
    password = _read_password()
    with write_session(engine) as session:
        created = create_user(_cli_actor(), args.username, args.role, args.agency,
                              password, args.display_name, uow=session)
    where = f"，所属单位：{args.agency}" if args.agency else ""
    _out(f"已创建用户 {created.username}（{ROLES[created.role]}{where}）。"
         f" / Created user {created.username} ({created.role}).\n")
    return EXIT_OK


def cmd_backup(args) -> int:
    from data_access.backup import backup_postgres, backup_sqlite, sqlite_path
    from data_access.db import get_engine

    engine = get_engine()
    backend = engine.url.get_backend_name()
    if backend == "postgresql":
        result = backup_postgres(engine, args.dest)
    elif backend == "sqlite":
        path = sqlite_path(engine.url)
        if path is None:
            raise UserError("内存数据库无法备份。 / An in-memory database cannot be backed up.")
        result = backup_sqlite(path, args.dest)
    else:
        raise UserError(f"不支持备份此类数据库：{backend} / Cannot back up a {backend} database.")
    size_mb = result.size / (1024 * 1024)
    _out(f"{result.path}\n")
    _err(f"备份完成 / backup written: {result.path} ({result.size} bytes, {size_mb:.1f} MB)")
    return EXIT_OK


def cmd_restore(args) -> int:
    from data_access import schema
    from data_access.backup import restore
    from data_access.db import get_engine

    engine = get_engine()
    result = restore(engine, args.source)
    rows = sum(n for t, n in result.tables.items() if t != "alembic_version")
    _err(f"恢复完成并已核对：{len(result.tables)} 张表，共 {rows} 行，完整性检查通过。"
         f" / Restored and checked: {len(result.tables)} tables, {rows} rows, integrity checks passed.")
    if result.revision != schema.head_revision():
        _err(f"备份的数据库结构版本为 {result.revision}，请运行 init-db 升级到 {schema.head_revision()}。"
             f" / The backup's schema is at {result.revision}: run init-db to upgrade it to {schema.head_revision()}.")
    return EXIT_OK


# --------------------------------------------------------------------------- the parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"参数错误 / wrong arguments: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog="python -m data_access",
        description=(
            "联席会议工作平台命令行。所有命令使用 DATABASE_URL 指定的数据库（未设置时为 data/ 下的 SQLite 文件）。\n"
            "Command line of the joint meeting dashboard. Every command uses the database in"
            " DATABASE_URL (unset: the SQLite file under data/)."
        ),
        formatter_class=fmt,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("init-db", help="建立或升级数据库结构（可重复运行） / create or upgrade the schema (safe twice)")
    p.set_defaults(func=cmd_init_db)

    p = sub.add_parser("seed", help="装入示例城市数据（仅限空数据库） / load the synthetic sample city (empty database only)")
    p.add_argument("--scale", type=_positive_float, default=1.0,
                   help="移送案件数量倍数（1 ≈ 3000件） / multiplies the volume of referrals (1 ≈ 3,000)")
    p.add_argument("--random-seed", type=int, default=42, help="随机种子 / random seed (same seed, same data)")
    p.add_argument("--as-of", type=_date_arg, default=None,
                   help="数据截止日期 YYYY-MM-DD（默认今天） / the data's last day (default today)")
    p.add_argument("--if-empty", action="store_true",
                   help="数据库已有数据时跳过而不报错 / skip quietly when the database already holds data")
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("import", help="导入成员单位或移送台账（CSV/XLSX） / import agencies or referrals (CSV/XLSX)",
                       description=(
                           "全部正确才写入；有任何错误行则不写入，并列出每一个错误行（行号、列、原因）。\n"
                           "All or nothing: any bad row stops the import, and every bad row is listed"
                           " (line, column, what is wrong)."),
                       formatter_class=fmt)
    p.add_argument("kind", choices=("agencies", "referrals", "responsibilities"),
                   help="agencies = 成员单位, referrals = 移送案件, responsibilities = 权责清单")
    p.add_argument("file", metavar="FILE", help=".csv（UTF-8，可带BOM）或 .xlsx / a .csv (UTF-8, BOM or not) or .xlsx file")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="导出（CSV/XLSX，导入列） / export in the import columns (CSV/XLSX)")
    esub = p.add_subparsers(dest="export", metavar="WHAT", parser_class=_Parser)
    esub.required = True
    e = esub.add_parser("responsibilities", help="权责清单 / the responsibility list")
    e.add_argument("file", metavar="FILE", help=".csv 或 .xlsx / a .csv or .xlsx file")
    e.set_defaults(func=cmd_export_responsibilities)
    e = esub.add_parser("referrals", help="移送台账（再导入可得到相同的案件） / the referral ledger (imports back the same referrals)")
    e.add_argument("file", metavar="FILE", help="目标文件 .xlsx 或 .csv（已有则覆盖） / a .xlsx or .csv file (replaced if it exists)")
    e.set_defaults(func=cmd_export_referrals)

    p = sub.add_parser("report", help="报表 / reports")
    rsub = p.add_subparsers(dest="report", metavar="REPORT", parser_class=_Parser)
    rsub.required = True
    r = rsub.add_parser("overdue", help="截至某日的超期未受理告知 / overdue acknowledgements as of a day")
    r.add_argument("--as-of", type=_date_arg, required=True, help="截至日期 YYYY-MM-DD / the day")
    r.add_argument("--format", choices=("csv",), default="csv", help="输出格式 / output format (csv)")
    r.add_argument("--agency", default=None, help="只列此接收单位 / only this receiving agency")
    r.set_defaults(func=cmd_report_overdue)
    r = rsub.add_parser("metrics", help="各成员单位某期指标与排名 / each member agency's figures and rank for a period")
    r.add_argument("--period", type=_period_arg, required=True,
                   help="统计期间：2026-10（月）、2026-Q4（季度）或 2026（年） / month, quarter or year")
    r.add_argument("--as-of", type=_date_arg, required=True, help="数据截至日期 YYYY-MM-DD / the day")
    r.add_argument("--format", choices=("csv",), default="csv", help="输出格式 / output format (csv)")
    r.set_defaults(func=cmd_report_metrics)
    r = rsub.add_parser("publish", help="发布某期工作通报（发布后不再修改） / publish a period's 通报 (frozen once published)")
    r.add_argument("--period", required=True, help="2026-10 / 2026-Q4 / 2026")
    r.add_argument("--as-of", type=_date_arg, required=True, help="数据截至日期 YYYY-MM-DD / the figures' day")
    r.add_argument("--out", default=None, help="另存通报 .docx 到此文件 / also write the .docx here")
    r.set_defaults(func=cmd_report_publish)

    p = sub.add_parser("workdays", help="工作日计算 / working-day arithmetic")
    wsub = p.add_subparsers(dest="workdays", metavar="WHAT", parser_class=_Parser)
    wsub.required = True
    w = wsub.add_parser("due", help="某日之后第N个工作日 / the N-th working day after a date")
    w.add_argument("--from", dest="start", type=_date_arg, required=True, help="起算日期 YYYY-MM-DD（当日不计） / start date (not counted)")
    w.add_argument("--days", type=_nonneg_int, required=True, help="工作日数 / number of working days")
    w.set_defaults(func=cmd_workdays_due)

    p = sub.add_parser("create-user", help="新建用户，密码从标准输入读取 / create a user; password read from stdin")
    p.add_argument("username", metavar="USERNAME")
    p.add_argument("--role", required=True,
                   help="office / chair / head / clerk / observer（也可用中文：联席会议办公室、联席会议组长、成员单位负责人、联络员、列席观察员）")
    p.add_argument("--agency", default=None, help="所属成员单位（负责人、联络员必填） / the user's agency (required for head and clerk)")
    p.add_argument("--display-name", default=None, help="显示姓名（默认为用户名） / name shown (default: the username)")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("notify", help="发送到期的提醒（每个工作日早上运行） / send the reminders that are due")
    p.add_argument("--as-of", type=_date_arg, default=None, help="按哪一天计算（默认今天） / the day (default today)")
    p.add_argument("--dry-run", action="store_true", help="只列出，不发送、不记录 / print only; send and record nothing")
    p.set_defaults(func=cmd_notify)

    p = sub.add_parser("backup", help="备份数据库 / back up the database")
    p.add_argument("dest", metavar="DEST", help="目标文件（不覆盖已有文件）或目录 / a new file name, or a directory")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="把备份恢复到空数据库并核对 / put a backup back into an empty database, then check it")
    p.add_argument("source", metavar="SRC", help="backup 命令写出的文件 / a file written by the backup command")
    p.set_defaults(func=cmd_restore)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or wrong arguments (already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return args.func(args)
    except UserError as exc:
        _err(exc.message)
        return exc.code
    except CommandError as exc:
        from data_access.importing import ImportRefused

        if isinstance(exc, ImportRefused):
            for warning in exc.warnings:
                _err(f"注意 / note: {warning}")
            _print_row_errors(exc.errors)
            _err(exc.message)
        elif isinstance(exc, ValidationFailed):
            for message in exc.errors.values():
                _err(message)
        else:
            _err(exc.message)
        return EXIT_FAILED
    except SQLAlchemyError as exc:
        # Read-only file, server not answering, schema missing: named, with what to do.
        from data_access.db import database_url
        from data_access.health import diagnose

        _err(diagnose(exc, database_url()).text)
        return EXIT_FAILED
    except KeyboardInterrupt:
        _err("已中断，未完成的写入已撤销。 / Interrupted; unfinished writes were rolled back.")
        return 130
