"""The sample city's own referral ledger, exported to XLSX and imported into a fresh database
holding the same agencies, gives back the same referrals: every CONTRACT.md column, and the
status and deadlines derived from them.

The ledger (台账) is the referrals that were sent: CONTRACT.md makes 移送日期 a required
import column, so drafts not yet sent are not part of it and are left out of the export.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased

from data_access.commands.base import SYSTEM
from data_access.commands.referrals import import_ledger
from data_access.db import read_session, write_session
from data_access.importing import ImportRefused, export_referrals_xlsx, read_table
from data_access.models import Agency, Referral, ReferralRound
from rules import lifecycle

# CONTRACT.md's referral columns, as model fields (agencies compared by name).
CONTRACT_FIELDS = (
    "number", "title", "domain", "from_agency", "to_agency", "discovered_on", "sent_on", "urgency",
    "extension_notified", "criminal", "ack_on", "ack_outcome", "result_on", "closed_on",
)
# What the import derives from them, and the optional extra columns the export also carries.
DERIVED_FIELDS = ("status", "send_due_on", "send_due_at", "ack_due_on", "ack_due_provisional", "ack_workdays",
                  "round_no")
EXTRA_FIELDS = ("approved_by", "materials", "ack_reason", "result_summary")
LEDGER_STATUSES = [s for s in lifecycle.REFERRAL_STATUSES if s != "draft"]


def _ledger(engine) -> dict[str, dict]:
    sender, receiver = aliased(Agency), aliased(Agency)
    r = Referral
    columns = [
        r.number, r.title, r.domain, sender.name.label("from_agency"), receiver.name.label("to_agency"),
        r.discovered_on, r.sent_on, r.urgency, r.extension_notified, r.criminal, r.ack_on, r.ack_outcome,
        r.result_on, r.closed_on, r.status, r.send_due_on, r.send_due_at, r.ack_due_on, r.ack_due_provisional,
        r.ack_workdays, r.round_no, r.approved_by, r.materials, r.ack_reason, r.result_summary,
    ]
    stmt = (
        select(*columns)
        .join(sender, sender.id == r.from_agency_id)
        .join(receiver, receiver.id == r.to_agency_id)
        .where(r.status != "draft")
    )
    with read_session(engine) as s:
        return {row.number: dict(row._mapping) for row in s.execute(stmt)}


def _rounds(engine) -> dict[tuple[str, int], tuple]:
    """The earlier rounds (DOMAIN.md, Rounds) by (number, round), as recorded."""
    rr = ReferralRound
    receiver = aliased(Agency)
    stmt = (
        select(Referral.number, rr.round_no, receiver.name, rr.sent_on, rr.sent_at, rr.send_due_on, rr.send_due_at,
               rr.criminal, rr.ack_due_on, rr.ack_due_provisional, rr.ack_on, rr.ack_outcome, rr.ack_reason,
               rr.ack_workdays)
        .join(Referral, Referral.id == rr.referral_id)
        .join(receiver, receiver.id == rr.to_agency_id)
    )
    with read_session(engine) as s:
        return {(row[0], row[1]): tuple(row[2:]) for row in s.execute(stmt)}


def test_sample_city_ledger_round_trips_through_xlsx(city_db, empty_db):
    city, fresh = city_db, empty_db
    expected = _ledger(city)
    assert len(expected) > 1000, "the sample city should have a real ledger"

    with read_session(city) as s:
        workbook = export_referrals_xlsx(s, {"status": LEDGER_STATUSES})
        agencies = s.execute(select(Agency)).scalars().all()
        copies = [
            Agency(name=a.name, short_name=a.short_name, kind=a.kind, contact=a.contact, phone=a.phone,
                   lon=a.lon, lat=a.lat, active=a.active)
            for a in agencies
        ]
    with write_session(fresh) as s:
        s.add_all(copies)

    rows = read_table(workbook, "临江市移送台账.xlsx")
    expected_rounds = _rounds(city)
    assert expected_rounds, "the sample city should have referrals sent again after a return"
    assert len(rows) == len(expected) + len(expected_rounds)  # one line per round
    fractions: list[float] = []
    try:
        result = import_ledger(SYSTEM, "referrals", rows, filename="临江市移送台账.xlsx",
                               progress=lambda f, _m: fractions.append(f), engine=fresh)
    except ImportRefused as refused:
        pytest.fail("the exported ledger was refused:\n" + "\n".join(str(e) for e in refused.errors[:20]))
    assert (result.created, result.updated, result.unchanged) == (len(expected), 0, 0)
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)

    imported = _ledger(fresh)
    assert set(imported) == set(expected)
    for field in CONTRACT_FIELDS + DERIVED_FIELDS + EXTRA_FIELDS:
        differing = [n for n in expected if expected[n][field] != imported[n][field]]
        assert not differing, (
            f"{field} differs for {len(differing)} referrals, e.g. {differing[0]}: "
            f"{expected[differing[0]][field]!r} != {imported[differing[0]][field]!r}"
        )

    assert _rounds(fresh) == expected_rounds  # every earlier round, exactly as it was

    # Importing the same file again changes nothing.
    again = import_ledger(SYSTEM, "referrals", rows, filename="临江市移送台账.xlsx", engine=fresh)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(expected))
    assert _rounds(fresh) == expected_rounds


def test_the_ledger_pages_export_is_the_round_trip_file_of_its_filter(empty_db):
    """The 移送台账 page's "导出台账（可重新导入）" is ``export referrals`` for the page's filter."""
    from datetime import date
    from pathlib import Path

    from data_access.importing import import_agencies, import_referrals
    from data_access.queries.referrals import LedgerFilter
    from ui import cache

    fixtures = Path(__file__).parent / "fixtures"
    today = date(2026, 11, 21)
    with write_session(empty_db) as s:
        import_agencies(s, SYSTEM, read_table(fixtures / "agencies.csv"))
    with write_session(empty_db) as s:
        import_referrals(s, SYSTEM, read_table(fixtures / "referrals.csv"), today=today)
    with read_session(empty_db) as s:
        whole = export_referrals_xlsx(s)
        police = s.scalar(select(Agency.id).where(Agency.name == "市公安局"))
    page_whole = read_table(cache.ledger_export(LedgerFilter(), today), "a.xlsx")
    assert [dict(r) for r in page_whole] == [dict(r) for r in read_table(whole, "b.xlsx")]
    assert len(page_whole) == 5
    closed = read_table(cache.ledger_export(LedgerFilter(status="closed"), today), "closed.xlsx")
    assert sorted(r["移送编号"] for r in closed) == ["YS-2026-000001", "YS-2026-000004"]
    to_police = read_table(cache.ledger_export(LedgerFilter(to_agency_id=police), today), "police.xlsx")
    assert len(to_police) >= 1 and {r["接收单位"] for r in to_police} == {"市公安局"}
    with write_session(empty_db) as s:
        again = import_referrals(s, SYSTEM, closed, today=today)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
