"""Writing an import: inside the caller's ``write_session()``, check the permission,
validate again against the database as it is inside the transaction, and refuse the whole
file (:class:`ImportRefused`, carrying every bad row) or write it all, in batches, with one
audit row for the import."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import Table, and_, bindparam, insert, select, update
from sqlalchemy.orm import Session

from data_access.commands.base import Actor, StaleEdit, audit, authorize
from data_access.commands.notify import set_agency_channels
from data_access.importing.columns import AGENCY_FIELDS, DERIVED_FIELDS, REFERRAL_FIELDS
from data_access.importing.results import ImportRefused, ImportResult
from data_access.importing.validating import (
    LOOKUP_CHUNK,
    agency_index,
    agency_key,
    load_existing_referrals,
    referral_numbers,
    validate_agencies,
    validate_referrals,
)
from data_access.models import Agency, AuditEntry, Referral, ReferralEvent, ReferralRound
from data_access.rounds import archived_round
from data_access.rulebook import load_rules
from data_access.stored_deadlines import referral_deadline_fields

Progress = Callable[[float, str], None]

BATCH_SIZE = 2000


def import_agencies(
    session: Session,
    actor: Actor,
    rows: Sequence[Mapping],
    *,
    filename: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Create or update member agencies from ``rows`` (as :func:`read_table` gives them),
    all or nothing, in the caller's transaction. Raises :class:`ImportRefused` listing
    every bad row. Deactivated agencies stay deactivated (the import never reactivates)."""
    authorize(actor, "import.ledger")
    filename = filename or getattr(rows, "filename", None)
    existing = {a.name: a for a in session.execute(select(Agency)).scalars()}
    current = {name: {f: getattr(a, f) for f in AGENCY_FIELDS} for name, a in existing.items()}
    # Names are matched ignoring spaces, as validation does.
    current.update({agency_key(n): v for n, v in list(current.items())})
    by_key = {agency_key(n): a for n, a in existing.items()}
    clean, errors = validate_agencies(rows, current)
    if errors:
        raise ImportRefused(errors, clean.warnings)
    created = updated = unchanged = 0
    changes: dict[str, dict] = {}
    channels: list[tuple[Agency, list[str]]] = []
    for i, values in enumerate(clean, start=1):
        agency = by_key.get(agency_key(values["name"]))
        new = {f: values.get(f) for f in AGENCY_FIELDS}
        if agency is None:
            agency = Agency(**new, active=True)
            session.add(agency)
            created += 1
            changes[new["name"]] = {"created": True}
        else:
            new["name"] = agency.name  # keep the recorded spelling of the key
            diff = {f: [getattr(agency, f), new[f]] for f in AGENCY_FIELDS if getattr(agency, f) != new[f]}
            if diff:
                for f in diff:
                    setattr(agency, f, new[f])
                updated += 1
                changes[agency.name] = diff
            else:
                unchanged += 1
        if values.get("notify"):
            channels.append((agency, values["notify"]))
        if progress and (i % 200 == 0 or i == len(clean)):
            progress(i / len(clean), f"成员单位 {i}/{len(clean)} / agencies")
    session.flush()
    # The channels' own command masks their secrets in the audit trail.
    for agency, urls in channels:
        set_agency_channels(actor, agency.id, urls, uow=session)
    result = ImportResult("agencies", filename, created, updated, unchanged, clean.warnings)
    audit(session, actor, "import.agencies", "import", _object_id(filename), None, {
        "file": filename, "created": created, "updated": updated, "unchanged": unchanged,
        "changes": changes,
    })
    return result



def import_referrals(
    session: Session,
    actor: Actor,
    rows: Sequence[Mapping],
    *,
    filename: str | None = None,
    progress: Progress | None = None,
    today: date | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Create or update referrals from ``rows`` (as :func:`read_table` gives them), all or
    nothing, in the caller's transaction; raises :class:`ImportRefused` listing every bad
    row. ``progress(fraction, message)`` is called as batches are written."""
    authorize(actor, "import.ledger")
    filename = filename or getattr(rows, "filename", None)
    today = today or date.today()
    report = progress or (lambda _f, _m: None)
    report(0.0, "检查数据 / checking rows")

    settings, cal = load_rules(session)
    existing = load_existing_referrals(session, referral_numbers(rows))
    clean, errors = validate_referrals(rows, agency_index(session), existing, today=today)
    if errors:
        raise ImportRefused(errors, clean.warnings)

    deadline_memo: dict[tuple, dict] = {}

    def deadlines_for(v: dict) -> dict:
        key = (v["discovered_on"], v["discovered_at"], v["urgency"], v["extension_notified"],
               v["criminal"], v["sent_on"], v["ack_on"], v["round_no"])
        found = deadline_memo.get(key)
        if found is None:
            found = referral_deadline_fields(
                cal, settings, discovered_on=v["discovered_on"], discovered_at=v["discovered_at"],
                urgent=v["urgency"] == "urgent", extension_notified=v["extension_notified"],
                criminal=v["criminal"], sent_on=v["sent_on"], ack_on=v["ack_on"],
                first_round=v["round_no"] == 1)
            deadline_memo[key] = found
        return found

    to_insert: list[dict] = []
    to_update: list[dict] = []
    # Earlier rounds ended by a row that sends a returned referral again (DOMAIN.md, Rounds),
    # as (number, archived row): the id of a referral new in this file is known once inserted.
    rounds: list[tuple[str, dict]] = []
    now = datetime.now().replace(microsecond=0)
    changes: dict[str, dict] = {}
    unchanged = 0
    latest: dict[str, dict] = {}  # number -> its record after the file's last row for it
    for v in clean:
        if v.get("archived_round"):
            continue  # a recorded earlier round, restated as recorded: nothing to write
        number = v["number"]
        old = latest.get(number) or existing.get(number)
        record = {f: v.get(f) for f in REFERRAL_FIELDS}
        record["round_no"] = 1 if old is None else (old.get("round_no") or 1) + bool(v.get("new_round"))
        record.update(deadlines_for(record))
        record["status"] = v["status"]
        if old is not None and v.get("new_round"):
            rounds.append((number, archived_round(old.get("id"), old, actor.username, now)))
        latest[number] = record

    resent = {n for n, _ in rounds}
    for number, record in latest.items():
        old = existing.get(number)
        if old is None:
            to_insert.append(record)
            continue
        diff = {f: (old[f], record[f]) for f in REFERRAL_FIELDS + DERIVED_FIELDS if old[f] != record[f]}
        if not diff:
            unchanged += 1
            continue
        record["_id"] = old["id"]
        record["_version"] = old["version"]
        # A new round's history reads 退回 → 待移送 (written with the round) → its status.
        record["_old_status"] = "draft" if number in resent else old["status"]
        to_update.append(record)
        changes[number] = {f: [_plain(a), _plain(b)] for f, (a, b) in diff.items()}

    total = len(to_insert) + len(to_update)
    done = 0
    note = f"导入 / imported from {filename}" if filename else "导入 / imported"
    table: Table = Referral.__table__
    events: Table = ReferralEvent.__table__

    for start in range(0, len(to_insert), batch_size):
        batch = [dict(r, version=1, updated_by=actor.username) for r in to_insert[start:start + batch_size]]
        # A plain executemany, then the new ids by number: much faster on SQLite than
        # INSERT … RETURNING row by row.
        session.execute(insert(table), batch)
        ids = [
            row
            for part in range(0, len(batch), LOOKUP_CHUNK)
            for row in session.execute(
                select(table.c.id, table.c.number).where(
                    table.c.number.in_([r["number"] for r in batch[part:part + LOOKUP_CHUNK]])
                )
            )
        ]
        status_of = {r["number"]: r["status"] for r in batch}
        session.execute(insert(events), [
            {"referral_id": rid, "at": now, "username": actor.username, "from_status": None,
             "to_status": status_of[number], "note": note}
            for rid, number in ids
        ])
        done += len(batch)
        report(done / total, f"写入 {done}/{total} 条 / written {done} of {total}")

    if rounds:
        ids = {n: old["id"] for n, old in existing.items()}
        missing = sorted({n for n, _ in rounds if n not in ids})
        for part in range(0, len(missing), LOOKUP_CHUNK):
            ids.update(session.execute(
                select(table.c.number, table.c.id).where(table.c.number.in_(missing[part:part + LOOKUP_CHUNK]))
            ).all())
        session.execute(insert(ReferralRound.__table__), [dict(row, referral_id=ids[n]) for n, row in rounds])
        session.execute(insert(events), [
            {"referral_id": ids[n], "at": now, "username": actor.username, "from_status": "returned",
             "to_status": "draft", "note": f"第{row['round_no'] + 1}次移送 / round {row['round_no'] + 1}: {note}"}
            for n, row in rounds
        ])
    if to_update:
        stmt = (
            update(table)
            .where(and_(table.c.id == bindparam("_id"), table.c.version == bindparam("_version")))
            .values({f: bindparam("b_" + f) for f in REFERRAL_FIELDS + DERIVED_FIELDS}
                    | {"version": table.c.version + 1, "updated_by": actor.username})
        )
        check_count = session.get_bind().dialect.supports_sane_multi_rowcount
        for start in range(0, len(to_update), batch_size):
            batch = to_update[start:start + batch_size]
            params = [
                {"_id": r["_id"], "_version": r["_version"]}
                | {"b_" + f: r[f] for f in REFERRAL_FIELDS + DERIVED_FIELDS}
                for r in batch
            ]
            result = session.execute(stmt, params)
            if check_count and result.rowcount != len(batch):
                raise StaleEdit(
                    "导入期间有移送案件被其他用户修改，导入未执行，请重试。"
                    " / A referral was changed by someone else during the import; nothing was"
                    " imported. Try again."
                )
            moved = [r for r in batch if r["_old_status"] != r["status"]]
            if moved:
                session.execute(insert(events), [
                    {"referral_id": r["_id"], "at": now, "username": actor.username,
                     "from_status": r["_old_status"], "to_status": r["status"], "note": note}
                    for r in moved
                ])
            done += len(batch)
            report(done / total, f"写入 {done}/{total} 条 / written {done} of {total}")

    result = ImportResult("referrals", filename, len(to_insert), len(to_update), unchanged,
                          clean.warnings)
    audit(session, actor, "import.referrals", "import", _object_id(filename), None, {
        "file": filename, "created": result.created, "updated": result.updated,
        "unchanged": result.unchanged,
        "created_numbers": [r["number"] for r in to_insert],
        "changes": changes,
    })
    report(1.0, "完成 / done")
    return result


def _object_id(filename: str | None) -> str | None:
    """The file name as the audit row's object id (a short column; the full name is in
    the row's ``after``)."""
    limit = AuditEntry.__table__.c.object_id.type.length
    return None if filename is None else filename[-limit:]


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value

