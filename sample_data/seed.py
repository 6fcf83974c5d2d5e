"""Load the synthetic sample city (临江市（示例）) into an empty, migrated database.

    from sample_data.seed import seed_city
    counts = seed_city(engine, scale=1.0, random_seed=42)        # about 3,000 referrals
    seed_city(engine, scale=333)                                 # about 1,000,000

The command line (``python -m data_access seed``) runs ``init-db`` first and then calls
:func:`seed_city`; this module never creates or migrates a schema itself.

What it writes is described in ``sample_data/README.md``. The essentials:

- **Synthetic, and labelled so**: an invented county-level city; its name carries 示例.
- **A live picture**: a year of data ending on ``as_of`` (default: today), plus the next
  meeting a couple of weeks ahead, so the dashboards always have something current to show.
  Past a million referrals, several years of them (``referrals.history_years``).
- **Deterministic**: the same ``random_seed`` and ``as_of`` give the same rows (numpy's
  ``Generator`` and ``random.Random``, each seeded from ``random_seed``; no global random
  state; every collection iterated in a fixed order). Only the password hash (bcrypt
  salts it) and the audit row's time differ between two runs.
- **Consistent**: deadlines are those of ``rules.deadlines`` on the database's own calendar
  and settings; statuses agree with dates as of ``as_of``.
- **Fast**: one transaction; referrals and their history are generated in numpy chunks and
  bulk-loaded (raw ``executemany`` on SQLite, ``COPY`` on PostgreSQL), so a million
  referrals load in well under two minutes on two cores (see the README for measurements).
  Nothing held in memory grows with the number of referrals.
"""

from __future__ import annotations

import math
import random
import sqlite3
import time as _time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import numpy as np
from sqlalchemy import Connection, Engine, func, insert, inspect, select, text
from sqlalchemy.orm import Session

from data_access import generations
from data_access.models import (
    Agency,
    AgendaItem,
    AgendaItemLink,
    AssistanceRequest,
    AuditEntry,
    Decision,
    Dispute,
    DisputeStage,
    JointOperation,
    Meeting,
    MeetingObserver,
    ProgressNote,
    Referral,
    ReferralEvent,
    ReferralRound,
    User,
)
from data_access.passwords import hash_password
from data_access.rulebook import load_rules
from sample_data.bulk import BulkWriter
from sample_data.city import City, load_city
from sample_data.content import CITY_NAME
from sample_data.day_grid import DayGrid
from sample_data import responsibilities as sample_list
from sample_data import rounds as sample_rounds
from sample_data.referrals import REFERRALS_PER_SCALE, ReferralGenerator, history_years
from sample_data.workflow import Workflow

__all__ = [
    "seed_city",
    "SeedRefused",
    "DEMO_PASSWORD",
    "REFERRALS_PER_SCALE",
    "CITY_NAME",
    "referral_count",
    "database_is_empty",
]

#: The password of every demo user (CONTRACT.md, "Demo mode").
DEMO_PASSWORD = "demo123"

#: Above this many referrals, history rows (referral_events) are written only for the last
#: ``EVENT_DAYS_AT_LARGE_SCALE`` days of referrals. Below it, for all of them. The full
#: history of a million referrals also fits the two-minute budget on SQLite (see the
#: README), so this is a guard for slower disks and PostgreSQL rather than a need.
FULL_HISTORY_MAX = 2_000_000
EVENT_DAYS_AT_LARGE_SCALE = 90
#: Entries of the sample responsibility list, and up to how many referrals name a matter.
LIST_ITEMS = 300
LINK_MATTERS_MAX = 200_000

#: SQLite page cache while loading (KiB): index pages stay in memory. Bounded so that the
#: whole seed stays well under 500 MB of memory at a million referrals.
BULK_CACHE_KIB = 128 * 1024

Progress = Callable[[float, str], None]

# Tables whose ids the seeder sets itself (PostgreSQL's sequences are moved past them).
_ID_TABLES = (
    Agency, User, Referral, ReferralEvent, ReferralRound, AssistanceRequest, Dispute, DisputeStage, Meeting,
    MeetingObserver, AgendaItem, AgendaItemLink, Decision, ProgressNote, JointOperation,
)


class SeedRefused(RuntimeError):
    """The database is not empty (or the arguments are wrong); the message says why in
    plain words, Chinese then English."""


def referral_count(scale: float) -> int:
    """How many sent referrals a given ``scale`` produces (drafts come on top)."""
    return max(1, round(REFERRALS_PER_SCALE * scale))


def database_is_empty(engine_or_conn: Engine | Connection) -> bool:
    """Whether the database holds no member agencies and no users (safe to seed)."""
    def check(conn: Connection) -> bool:
        agencies = conn.execute(select(func.count()).select_from(Agency.__table__)).scalar_one()
        users = conn.execute(select(func.count()).select_from(User.__table__)).scalar_one()
        return agencies == 0 and users == 0

    if isinstance(engine_or_conn, Connection):
        return check(engine_or_conn)
    with engine_or_conn.connect() as conn:
        return check(conn)


def _check_arguments(scale, random_seed, as_of) -> None:
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale <= 0:
        raise SeedRefused(f"规模（scale）必须是正数，收到的是 {scale!r}。 / The scale must be a positive number; got {scale!r}.")
    if referral_count(scale) > 99_000_000:
        raise SeedRefused(f"规模 {scale} 过大。 / A scale of {scale} is too large.")
    if isinstance(random_seed, bool) or not isinstance(random_seed, int) or random_seed < 0:
        raise SeedRefused(
            f"随机种子必须是非负整数，收到的是 {random_seed!r}。 / The random seed must be a whole number >= 0; "
            f"got {random_seed!r}."
        )
    if as_of is not None and (not isinstance(as_of, date) or isinstance(as_of, datetime)):
        raise SeedRefused(f"as_of 必须是日期，收到的是 {as_of!r}。 / as_of must be a date; got {as_of!r}.")


def _refuse_unless_empty(conn: Connection) -> None:
    agencies = conn.execute(select(func.count()).select_from(Agency.__table__)).scalar_one()
    if agencies:
        raise SeedRefused(
            f"数据库中已有 {agencies} 个成员单位，示例数据只能载入空数据库；未写入任何数据。"
            f"如需重新载入，请使用新的数据库（或清空后执行 init-db）。 / "
            f"The database already has {agencies} member agencies; the sample city can only be loaded "
            f"into an empty database. Nothing was written. Use a fresh database (or empty it and run init-db)."
        )
    users = conn.execute(select(func.count()).select_from(User.__table__)).scalar_one()
    if users:
        raise SeedRefused(
            f"数据库中已有 {users} 个用户，示例数据（含演示账号）只能载入空数据库；未写入任何数据。 / "
            f"The database already has {users} users; the sample city and its demo accounts can only be "
            f"loaded into an empty database. Nothing was written."
        )


def seed_city(
    engine: Engine,
    *,
    scale: float = 1.0,
    random_seed: int = 42,
    as_of: date | None = None,
    progress: Progress | None = None,
    demo_users: bool = True,
) -> dict[str, int]:
    """Fill an empty, migrated database with the sample city; returns rows written per table.

    ``demo_users=False`` leaves out the demo accounts (CONTRACT.md: outside demo mode none of
    them exists); the office then creates real accounts.

    ``scale`` multiplies the number of referrals (``REFERRALS_PER_SCALE`` per unit, about
    3,000 a year; 333 gives about a million, more span several years: see
    ``referrals.history_years``); assistance requests follow at about a tenth
    (capped), disputes grow with the square root, meetings and operations stay as they are.
    ``as_of`` is the last day of the data (default today). ``progress(fraction, message)``
    is called as the work advances. Raises :class:`SeedRefused` when the database already
    has agencies or users; then nothing is written. All of it is one transaction.
    """
    _check_arguments(scale, random_seed, as_of)
    as_of = as_of or date.today()
    report: Progress = progress or (lambda fraction, message: None)
    started = _time.perf_counter()
    n_referrals = referral_count(scale)
    history_days = 365 * history_years(n_referrals)

    report(0.0, "准备示例城市 / preparing the sample city")
    city = load_city()
    seeds = np.random.SeedSequence(random_seed).spawn(2)
    rng_profile, rng_referrals = (np.random.default_rng(s) for s in seeds)
    rng_workflow = random.Random(f"sample-city-{random_seed}")
    # Once: bcrypt is slow on purpose.
    password_hash = hash_password(DEMO_PASSWORD) if demo_users else ""

    counts: dict[str, int] = {}
    with engine.connect() as conn, _sqlite_bulk_mode(conn):
        conn.info["write"] = True  # BEGIN IMMEDIATE on SQLite (data_access.db)
        try:
            with conn.begin():
                _refuse_unless_empty(conn)
                with Session(bind=conn) as session:
                    settings, cal = load_rules(session)
                writer = BulkWriter(conn)

                # The platform went live when the history begins.
                live_since = datetime.combine(as_of - timedelta(days=history_days), time(9))
                counts["agencies"] = _write_agencies(conn, city, live_since)
                counts["users"] = _write_users(conn, city, password_hash, live_since) if demo_users else 0
                counts["responsibilities"] = sample_list.write_list(
                    conn, {a.name: a.id for a in city.agencies},
                    sample_list.build_list([(a.name, a.kind) for a in city.agencies], LIST_ITEMS, random_seed),
                    live_since)
                report(0.03, "成员单位和演示用户 / agencies and demo users")

                first_day = as_of - timedelta(days=history_days - 1 + 150)  # room for discoveries
                grid = DayGrid(cal, first_day, as_of + timedelta(days=400),
                               text_values=writer.text_values)
                generator = ReferralGenerator(city, grid, cal, settings, as_of, n_referrals, rng_profile,
                                              rng_referrals)
                events_from = None
                if n_referrals > FULL_HISTORY_MAX:
                    events_from = as_of - timedelta(days=EVENT_DAYS_AT_LARGE_SCALE)
                bulk_tables = (Referral.__table__, ReferralEvent.__table__)
                with _indexes_dropped(conn, bulk_tables), _foreign_keys_dropped(conn, bulk_tables):
                    total, drafts, events = generator.run(
                        writer,
                        events_from=events_from,
                        progress=lambda f: report(0.03 + 0.8 * f, f"移送案件 / referrals {round(f * n_referrals):,}"),
                    )
                    report(0.84, "重建索引 / rebuilding indexes")
                counts["referrals"] = total
                counts["referral_events"] = events
                _link_matters(conn, total)
                counts["referral_rounds"], resent_events = sample_rounds.resend_some(
                    conn, cal, settings, as_of, random.Random(f"sample-rounds-{random_seed}"))
                counts["referral_events"] += resent_events

                flow = Workflow(conn, city, cal, settings, as_of, rng_workflow,
                                [float(p) for p in generator.town_p])
                report(0.9, "协作请求 / assistance requests")
                flow.assistance(n_referrals)
                report(0.93, "职责争议 / disputes")
                flow.disputes_(scale)
                report(0.95, "联合执法与联席会议 / operations and meetings")
                flow.operations()
                flow.meetings()
                counts.update(flow.counts)

                writer.reset_sequences(m.__table__ for m in _ID_TABLES)
                counts["audit_log"] = _write_audit(conn, scale, random_seed, as_of, counts, drafts, events_from)
                # Written past the commands: running apps must not keep their cached (empty) reads.
                generations.touch_all(conn)
                report(0.97, "提交 / committing")
        finally:
            conn.info["write"] = False
    report(1.0, f"完成 / done in {_time.perf_counter() - started:.1f} s")
    return counts


# --------------------------------------------------------------------------- small tables


def _link_matters(conn: Connection, referrals: int) -> None:
    """Give every third referral the list matter its receiver holds in its domain, so the
    demo's ledger and list can group referrals by matter. Left out at benchmark sizes: the
    correlated update would dominate building a million referrals."""
    if referrals > LINK_MATTERS_MAX:
        return
    conn.execute(text(
        "UPDATE referrals SET matter_id = (SELECT min(r.id) FROM responsibilities r"
        " WHERE r.agency_id = referrals.to_agency_id AND r.domain = referrals.domain)"
        " WHERE id % 3 = 0"
    ))


def _write_agencies(conn: Connection, city: City, created_at: datetime) -> int:
    rows = [
        {
            "id": a.id, "name": a.name, "short_name": a.short_name, "kind": a.kind, "contact": a.contact,
            "phone": a.phone, "lon": a.lon, "lat": a.lat, "outline": a.outline, "active": True, "created_at": created_at, "version": 1,
        }
        for a in city.agencies
    ]
    conn.execute(insert(Agency.__table__), rows)
    return len(rows)


def _write_users(conn: Connection, city: City, password_hash: str, created_at: datetime) -> int:
    rows = [
        {
            "id": i, "username": u.username, "display_name": u.display_name, "email": None,
            "password_hash": password_hash, "role": u.role, "agency_id": u.agency_id, "active": True,
            "failed_logins": 0, "language": "zh", "created_at": created_at, "version": 1,
        }
        for i, u in enumerate(city.users, 1)
    ]
    conn.execute(insert(User.__table__), rows)
    return len(rows)


def _write_audit(conn, scale, random_seed, as_of, counts, drafts, events_from) -> int:
    after = {
        "city": CITY_NAME,
        "scale": scale,
        "random_seed": random_seed,
        "as_of": as_of.isoformat(),
        "draft_referrals": drafts,
        "events_from": events_from.isoformat() if events_from else None,
        "counts": dict(counts),
    }
    conn.execute(insert(AuditEntry.__table__), [{
        "at": datetime.now().replace(microsecond=0), "username": "system", "agency_id": None,
        "action": "seed", "object_type": "database", "object_id": None, "before": None, "after": after,
    }])
    return 1


@contextmanager
def _indexes_dropped(conn: Connection, tables) -> Iterator[None]:
    """Drop the tables' secondary indexes for the load and build them again after it.

    Building an index once from sorted keys costs far less than keeping five indexes in
    order row by row (measured at a million referrals on SQLite: 29 s of CPU instead of
    37 s, and half the wall time). The unique index on ``number`` stays: it is a constraint.
    Both happen inside the seeding transaction, so a failure leaves the indexes as they were.
    """
    indexes = sorted((ix for table in tables for ix in table.indexes), key=lambda ix: ix.name)
    for ix in indexes:
        ix.drop(conn, checkfirst=True)
    yield
    for ix in indexes:
        ix.create(conn)


@contextmanager
def _foreign_keys_dropped(conn: Connection, tables) -> Iterator[None]:
    """On PostgreSQL, drop the tables' foreign keys for the load and add them back after.

    ``COPY`` checks every foreign key of every row through a trigger (5.5 million look-ups
    for a million referrals and their history); adding the constraint afterwards checks all
    rows in one join. Inside the seeding transaction, so the constraints are never missing
    for anyone else, and a failure rolls the drop back. SQLite checks foreign keys cheaply
    and cannot drop them, so it is left alone.
    """
    if conn.dialect.name != "postgresql":
        yield
        return
    inspector = inspect(conn)
    dropped = []
    for table in tables:
        for fk in inspector.get_foreign_keys(table.name):
            if fk.get("name"):
                conn.exec_driver_sql(f'ALTER TABLE {table.name} DROP CONSTRAINT "{fk["name"]}"')
                dropped.append((table.name, fk))
    yield
    for table_name, fk in dropped:
        actions = "".join(
            f" ON {event.upper()} {fk['options'][event].upper()}"
            for event in ("ondelete", "onupdate")
            if fk.get("options", {}).get(event)
        )
        conn.exec_driver_sql(
            f'ALTER TABLE {table_name} ADD CONSTRAINT "{fk["name"]}" '
            f'FOREIGN KEY ({", ".join(fk["constrained_columns"])}) '
            f'REFERENCES {fk["referred_table"]} ({", ".join(fk["referred_columns"])}){actions}'
        )


@contextmanager
def _sqlite_bulk_mode(conn: Connection) -> Iterator[None]:
    """On a SQLite file, load with a rollback journal and a bigger page cache.

    In WAL mode every page is written twice (to the WAL, then back into the database at the
    checkpoint); for a fresh database the rollback journal has next to nothing to save, so
    the load writes about half as much, and the transaction stays all-or-nothing. The switch
    needs the file to itself: if another connection has it open, the seeder keeps WAL (and is
    slower). WAL comes back at the end, and ``data_access.db`` turns it on for every new
    connection anyway, so an interrupted seed leaves nothing odd behind.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    switched = False
    if raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        busy = raw.execute("PRAGMA busy_timeout").fetchone()[0]
        raw.execute("PRAGMA busy_timeout=0")  # another user of the file: don't wait, keep WAL
        try:
            switched = raw.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
        except sqlite3.OperationalError:
            switched = False
        finally:
            raw.execute(f"PRAGMA busy_timeout={int(busy)}")
    cache = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size={-BULK_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={int(cache)}")
        if switched:
            raw.execute("PRAGMA journal_mode=WAL")
