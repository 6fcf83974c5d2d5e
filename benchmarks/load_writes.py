"""The writers of ``benchmarks.load``: threads calling the product's own write commands on
the database, as the sessions of another app process would, and the check afterwards that
every saved write is there exactly once and no refused one left anything.

Each writer acts as the head of the agency concerned (the sender creates and closes, the
receiver acknowledges, reports and answers). The writers share one pool of the records they
created and pick from it at random, so two of them sometimes take the same record at the same
version: one saves, the other is refused with ``StaleEdit``, as two people on one referral
would be. Every write carries its own marker (``<tag>-<writer>-<serial>``) in a field it sets,
so that it can be found afterwards.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, bindparam, text

from data_access.commands import assistance, referrals
from data_access.commands.base import Actor, CommandError

# Where each command leaves its marker: (table, column, extra condition).
MARKED = {
    "create_referral": ("referrals", "title", ""),
    "acknowledge_referral": ("referrals", "ack_reason", ""),
    "report_result": ("referrals", "result_summary", ""),
    "close_referral": ("referral_events", "note", "AND to_status = 'closed'"),
    "request_assistance": ("assistance_requests", "subject", ""),
    "answer_assistance": ("assistance_requests", "answer", ""),
}
# The audit trail's action for each command (one row per saved write).
AUDIT_ACTION = {
    "create_referral": "referral.create", "acknowledge_referral": "referral.acknowledge",
    "report_result": "referral.report_result", "close_referral": "referral.close",
    "request_assistance": "assist.create", "answer_assistance": "assist.answer",
}
# The next step of a pooled record by its status; None: done, out of the pool.
NEXT_STEP = {
    ("referral", "sent"): "acknowledge_referral",
    ("referral", "accepted"): "report_result",
    ("referral", "reported"): "close_referral",
    ("assistance", "open"): "answer_assistance",
}
# How a writer chooses: new referrals, new requests, or the next step of a pooled record.
# Advancing outweighs what creating adds (3 steps a referral, 1 a request), so the pool stays
# small and writers meet on the same records.
CHOICES = (("create_referral", 0.2), ("request_assistance", 0.05), ("advance", 0.75))


@dataclass(frozen=True)
class Write:
    """One write attempt: ``outcome`` is ``ok``, ``refused`` (a CommandError) or ``error``."""

    command: str
    marker: str
    seconds: float
    outcome: str
    record_id: int | None = None
    detail: str = ""


@dataclass
class Pooled:
    kind: str  # referral / assistance
    id: int
    version: int
    status: str
    sender: int
    receiver: int


@dataclass
class Workload:
    """What the writers share: the heads by agency, the pool of records, the attempts."""

    heads: dict[int, Actor]
    tag: str
    max_writes: int | None
    stop: threading.Event
    pool: dict[tuple[str, int], Pooled] = field(default_factory=dict)
    writes: list[Write] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _running: int = 0  # writes started and not yet recorded

    def claim_slot(self) -> bool:
        """One more write may start (``--max-writes`` not reached); the run stops when it is."""
        with self.lock:
            if self.max_writes is not None and len(self.writes) + self._running >= self.max_writes:
                self.stop.set()
                return False
            self._running += 1
            return True

    def record(self, write: Write) -> None:
        with self.lock:
            self._running -= 1
            self.writes.append(write)

    def pick(self, rng: random.Random) -> Pooled | None:
        with self.lock:
            if not self.pool:
                return None
            item = rng.choice(list(self.pool.values()))
            return Pooled(**vars(item))  # a copy: what this writer's screen showed

    def saved(self, item: Pooled, version: int, status: str) -> None:
        """Keep the pool at the newest saved state; a record that is done leaves it."""
        with self.lock:
            key = (item.kind, item.id)
            current = self.pool.get(key)
            if current is not None and version <= current.version:
                return
            if (item.kind, status) in NEXT_STEP:
                self.pool[key] = Pooled(item.kind, item.id, version, status, item.sender, item.receiver)
            else:
                self.pool.pop(key, None)


def load_heads(engine: Engine) -> dict[int, Actor]:
    """The active head of each agency that has one, as the actor the app builds at sign-in."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT id, username, role, agency_id FROM users"
            " WHERE role = 'head' AND active AND agency_id IS NOT NULL ORDER BY id")).all()
    heads: dict[int, Actor] = {}
    for user_id, username, role, agency_id in rows:
        heads.setdefault(agency_id, Actor(username=username, role=role, agency_id=agency_id, user_id=user_id))
    if len(heads) < 2:
        raise SystemExit("load: the database needs the demo heads of at least two agencies (seed the demo city)")
    return heads


def _create(work: Workload, engine: Engine, rng: random.Random, command: str, marker: str) -> tuple[object, Pooled]:
    sender, receiver = rng.sample(sorted(work.heads), 2)
    actor, today = work.heads[sender], date.today()
    if command == "create_referral":
        saved = referrals.create_referral(
            actor, title=f"负载测试 {marker}", from_agency_id=sender, to_agency_id=receiver, discovered_on=today,
            approved_by="负载测试", sent_on=today, engine=engine)
        return saved, Pooled("referral", saved.id, saved.version, saved.status, sender, receiver)
    saved = assistance.request_assistance(
        actor, kind="appraisal", subject=f"负载测试 {marker}", from_agency_id=sender, to_agency_id=receiver,
        requested_on=today, engine=engine)
    return saved, Pooled("assistance", saved.id, saved.version, saved.status, sender, receiver)


def _advance(work: Workload, engine: Engine, item: Pooled, command: str, marker: str):
    today, v = date.today(), item.version
    receiver, sender = work.heads[item.receiver], work.heads[item.sender]
    if command == "acknowledge_referral":
        return referrals.acknowledge_referral(receiver, item.id, outcome="accepted", ack_on=today, reason=marker,
                                              expected_version=v, engine=engine)
    if command == "report_result":
        return referrals.report_result(receiver, item.id, result_on=today, summary=marker, expected_version=v,
                                       engine=engine)
    if command == "close_referral":
        return referrals.close_referral(sender, item.id, closed_on=today, note=marker, expected_version=v,
                                        engine=engine)
    return assistance.answer_assistance(receiver, item.id, answered_on=today, answer=marker, expected_version=v,
                                        engine=engine)


def _timed(command: str, marker: str, call: Callable[[], tuple[object, Pooled | None]]) -> tuple[Write, tuple]:
    started = time.perf_counter()
    try:
        saved, item = call()
    except CommandError as exc:  # the product's own refusal: nothing was saved
        return Write(command, marker, time.perf_counter() - started, "refused", detail=type(exc).__name__), ()
    except Exception as exc:  # noqa: BLE001 - anything else is an error of the run
        return Write(command, marker, time.perf_counter() - started, "error", detail=repr(exc)[:300]), ()
    return Write(command, marker, time.perf_counter() - started, "ok", saved.id), (saved, item)


def write_once(work: Workload, engine: Engine, rng: random.Random, marker: str) -> None:
    """One write: a new record, or the next step of one from the pool."""
    names, weights = zip(*CHOICES)
    command = rng.choices(names, weights)[0]
    item = work.pick(rng) if command == "advance" else None
    if command == "advance" and item is None:
        command = "create_referral"
    if item is None:
        write, result = _timed(command, marker, lambda: _create(work, engine, rng, command, marker))
    else:
        command = NEXT_STEP[(item.kind, item.status)]
        write, result = _timed(command, marker, lambda: (_advance(work, engine, item, command, marker), item))
    if result:
        saved, pooled = result
        work.saved(pooled, saved.version, saved.status)
    work.record(write)


def writer(work: Workload, engine: Engine, number: int, seed: int, pause_s: float = 0.0) -> None:
    """A writer's loop on ``engine`` until the run stops, ``pause_s`` between its writes."""
    rng = random.Random(seed * 1000 + number)
    serial = 0
    while not work.stop.is_set() and work.claim_slot():
        serial += 1
        write_once(work, engine, rng, f"{work.tag}-{number:02d}-{serial:05d}")
        work.stop.wait(pause_s)


# -- afterwards: is every saved write there exactly once? --------------------------------------

AUDITED = text("SELECT action, object_id FROM audit_log WHERE object_id IN :ids").bindparams(
    bindparam("ids", expanding=True))

def _markers_found(engine: Engine, tag: str) -> dict[str, Counter]:
    """How many times each marker of the run is found where its command puts it."""
    pattern = re.compile(re.escape(tag) + r"-\d+-\d+")
    found: dict[str, Counter] = {}
    with engine.connect() as conn:
        for command, (table, column, extra) in MARKED.items():
            rows = conn.execute(text(f"SELECT {column} FROM {table} WHERE {column} LIKE :like {extra}"),
                                {"like": f"%{tag}-%"}).scalars()
            found[command] = Counter(m for value in rows for m in pattern.findall(value))
    return found


def _audit_rows(engine: Engine, writes: list[Write]) -> Counter:
    """Audit rows per (action, record id) among the records the run saved."""
    ids = sorted({str(w.record_id) for w in writes if w.outcome == "ok"})
    counts: Counter = Counter()
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):
            rows = conn.execute(AUDITED, {"ids": ids[start:start + 500]}).all()
            counts.update((action, object_id) for action, object_id in rows)
    return counts


@dataclass(frozen=True)
class Verdict:
    lost: int  # saved, and not found
    duplicated: int  # saved, and found more than once (the marker, or the audit row)
    refused_left: int  # refused, and yet found
    examples: list[str]


def verify(engine: Engine, tag: str, writes: list[Write]) -> Verdict:
    """Every write reported saved is in the database exactly once (its marker and its audit
    row); no refused write left its marker. Writes that ended in an error are not judged:
    whether they were saved is not known."""
    found, audited = _markers_found(engine, tag), _audit_rows(engine, writes)
    lost = duplicated = refused_left = 0
    examples = []
    for w in writes:
        times = found[w.command][w.marker]
        if w.outcome == "ok":
            rows = audited[(AUDIT_ACTION[w.command], str(w.record_id))]
            lost += times == 0
            duplicated += times > 1 or rows > 1
            bad = times != 1 or rows > 1
        elif w.outcome == "refused":
            refused_left += times > 0
            bad = times > 0
        else:
            bad = False
        if bad and len(examples) < 5:
            examples.append(f"{w.command} {w.marker} {w.outcome}: marker found {times}×")
    return Verdict(lost, duplicated, refused_left, examples)
