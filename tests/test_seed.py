"""The sample city and its seeder: data files, volumes, consistency with the rules,
determinism and refusal. Database tests run on SQLite and PostgreSQL (see conftest)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, inspect, select, text

from data_access import db
from data_access.importing import read_table, validate_agencies
from data_access.models import (
    Agency,
    AgendaItem,
    AgendaItemLink,
    AssistanceRequest,
    Attendance,
    AuditEntry,
    Base,
    CalendarOverride,
    Decision,
    Dispute,
    DisputeParty,
    DisputeStage,
    JointOperation,
    Meeting,
    MeetingInvitee,
    MeetingObserver,
    Referral,
    ReferralEvent,
    RuleSetting,
    User,
)
from data_access.passwords import verify_password
from data_access.rulebook import load_rules
from data_access.stored_deadlines import assistance_deadline_fields, referral_deadline_fields
from rules import deadlines, lifecycle
from sample_data import referrals as referrals_module
from sample_data import seed as seed_module
from sample_data.city import AGENCIES_CSV, TOWNS_GEOJSON
from sample_data.content import CITY_NAME
from sample_data.make_outlines import contains
from sample_data.seed import DEMO_PASSWORD, SeedRefused, seed_city

AS_OF = date(2026, 6, 30)  # the last day of data for the tests that seed their own database

CONTRACT_AGENCY_COLUMNS = ["单位名称", "单位类型", "简称", "联系人", "联系电话", "经度", "纬度"]
BRIEF_DEPARTMENTS = (
    "市住房和城乡建设局", "市城市管理综合执法局", "市公安局", "市市场监督管理局", "市生态环境局",
    "市自然资源和规划局", "市应急管理局", "市农业农村局", "市文化广电旅游局", "市卫生健康委员会",
    "市交通运输局", "市水利局", "市商务局", "市教育局", "市民政局", "市人力资源和社会保障局",
    "市消防救援支队", "市林业局", "市税务局", "市医疗保障局",
)


def _as_of(engine) -> date:
    """The last day of the seeded data, as the seeder recorded it."""
    with engine.connect() as conn:
        after = conn.execute(select(AuditEntry.after).where(AuditEntry.action == "seed")).scalar_one()
    return date.fromisoformat(after["as_of"])


def _rows(engine, model, *order):
    with db.read_session(engine) as s:
        return list(s.scalars(select(model).order_by(*(order or [model.id]))))


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model.__table__)).scalar_one()


# --------------------------------------------------------------------------- data files


def test_agencies_csv_has_the_contract_columns_and_passes_the_importer():
    with AGENCIES_CSV.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    assert header == CONTRACT_AGENCY_COLUMNS
    clean, errors = validate_agencies(read_table(AGENCIES_CSV))
    assert errors == []
    kinds = Counter(row["kind"] for row in clean)
    assert kinds["department"] >= 20 and 12 <= kinds["town"] <= 14
    assert kinds["judicial"] == 2 and kinds["coordinator"] == 1


def test_town_outlines_tile_the_county_and_hold_their_towns():
    with AGENCIES_CSV.open(encoding="utf-8-sig", newline="") as f:
        towns = {r["单位名称"]: (float(r["经度"]), float(r["纬度"])) for r in csv.DictReader(f) if r["单位类型"] == "镇街"}
    features = json.loads(TOWNS_GEOJSON.read_text(encoding="utf-8"))["features"]
    rings = {f["properties"]["name"]: f["geometry"]["coordinates"][0] for f in features}
    assert set(rings) == set(towns)
    for name, (lon, lat) in towns.items():
        assert name.endswith(("镇", "街道"))
        ring = rings[name]
        assert ring[0] == ring[-1] and len(ring) >= 4
        assert contains(ring, lon, lat), f"{name}'s point is outside its outline"
        assert all(120.0 <= x <= 120.5 and 29.9 <= y <= 30.3 for x, y in ring)
    # No point of a fine grid over the area lies in two outlines.
    overlaps = 0
    for i in range(120):
        for j in range(100):
            x, y = 120.0 + 0.5 * i / 119, 29.9 + 0.4 * j / 99
            overlaps += sum(contains(r, x, y) for r in rings.values()) > 1
    assert overlaps == 0


def test_the_city_is_labelled_synthetic():
    assert "示例" in CITY_NAME
    readme = (AGENCIES_CSV.parent / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme.lower() and "示例" in readme


@pytest.mark.parametrize(
    "kwargs",
    [{"scale": 0}, {"scale": -1}, {"scale": float("nan")}, {"scale": "3"}, {"random_seed": -1},
     {"random_seed": 1.5}, {"as_of": "2026-01-01"}],
)
def test_bad_arguments_are_refused_in_plain_words(kwargs):
    with pytest.raises(SeedRefused) as err:
        seed_city(None, **kwargs)  # refused before the database is touched
    message = str(err.value)
    assert re.search(r"[\u4e00-\u9fff]", message) and " / " in message


# --------------------------------------------------------------------------- the sample city


def test_member_agencies(city_db):
    agencies = _rows(city_db, Agency)
    by_kind = defaultdict(list)
    for a in agencies:
        by_kind[a.kind].append(a)
    names = {a.name for a in agencies}
    assert set(BRIEF_DEPARTMENTS) <= {a.name for a in by_kind["department"]}
    assert len(by_kind["department"]) >= 20
    assert 12 <= len(by_kind["town"]) <= 14
    assert {"市人民法院", "市人民检察院"} == {a.name for a in by_kind["judicial"]}
    assert [a.name for a in by_kind["coordinator"]] == ["市司法局"]
    assert len(names) == len(agencies) and all(a.active for a in agencies)
    for town in by_kind["town"]:
        assert town.outline and contains(town.outline, town.lon, town.lat)
    for dept in by_kind["department"]:  # departments sit at the city centre
        assert abs(dept.lon - 120.262) < 0.02 and abs(dept.lat - 30.105) < 0.02
        assert dept.outline is None


def test_demo_users_log_in_with_the_demo_password(city_db):
    users = _rows(city_db, User)
    agencies = _rows(city_db, Agency)
    by_name = {u.username: u for u in users}
    justice = next(a for a in agencies if a.name == "市司法局")
    assert (by_name["admin"].role, by_name["admin"].agency_id) == ("office", justice.id)
    assert by_name["chair"].role == "chair" and by_name["viewer"].role == "observer"
    heads = [u for u in users if u.role == "head"]
    assert [u.agency_id for u in heads] == [a.id for a in agencies]  # head01… in agency order
    assert [u.username for u in heads] == [f"head{i:02d}" for i in range(1, len(agencies) + 1)]
    assert all(f"（{a.name}）" in u.display_name for u, a in zip(heads, agencies))
    towns = [a for a in agencies if a.kind == "town"]
    clerks = [u for u in users if u.role == "clerk"]
    assert [u.agency_id for u in clerks] == [a.id for a in towns]
    assert len({u.password_hash for u in users}) == 1  # hashed once, shared
    assert verify_password(DEMO_PASSWORD, users[0].password_hash)
    assert not verify_password("wrong-password", users[0].password_hash)
    assert all(u.active for u in users)


def test_referral_volume_and_mix(city_db):
    with city_db.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT f.kind, t.kind, t.name, r.criminal, r.urgency, r.domain, r.status, r.ack_reason, r.result_summary "
                "FROM referrals r JOIN agencies f ON f.id = r.from_agency_id JOIN agencies t ON t.id = r.to_agency_id "
                "WHERE r.status <> 'draft'"
            )
        ).all()
    n = len(rows)
    assert 2900 <= n <= 3100  # scale 1 is about 3,000 a year
    flows = Counter((r[0], r[1]) for r in rows if not r[3])
    assert 0.60 < flows[("town", "department")] / n < 0.80
    assert 0.18 < flows[("department", "town")] / n < 0.32
    assert flows[("town", "town")] > 0
    crimes = [r for r in rows if r[3]]
    assert 0.015 < len(crimes) / n < 0.05 and all(r[2] == "市公安局" for r in crimes)
    assert 0.03 < sum(r[4] == "urgent" for r in rows) / n < 0.10
    domains = Counter(r[5] for r in rows)
    assert set(domains) <= set(lifecycle.DOMAINS)
    assert {d for d, _ in domains.most_common(2)} == {"城镇管理", "市场监管"}
    statuses = Counter(r[6] for r in rows)
    assert statuses["closed"] > n / 2 and statuses["declined"] > 0 and statuses["returned"] > 0
    assert all(r[7] for r in rows if r[6] in ("declined", "returned"))  # with a reason
    assert all(r[8] for r in rows if r[6] == "reported")  # with a summary


def test_stored_deadlines_are_the_rules_deadlines(city_db):
    with db.read_session(city_db) as session:
        s, cal = load_rules(session)
        referrals = list(session.scalars(select(Referral)))
        assists = list(session.scalars(select(AssistanceRequest)))
    for r in referrals:
        expected = referral_deadline_fields(
            cal, s, discovered_on=r.discovered_on, discovered_at=r.discovered_at, urgent=r.urgency == "urgent",
            extension_notified=r.extension_notified, criminal=r.criminal, sent_on=r.sent_on, ack_on=r.ack_on,
            first_round=r.round_no == 1,
        )
        stored = {k: getattr(r, k) for k in expected}
        assert stored == expected, r.number
        if r.sent_on:
            assert r.ack_due_on == deadlines.ack_due(r.sent_on, criminal=r.criminal, cal=cal, s=s).on
    for a in assists:
        expected = assistance_deadline_fields(cal, s, requested_on=a.requested_on, extended=a.extended)
        assert {"due_on": a.due_on, "due_provisional": a.due_provisional} == expected, a.number


def test_referral_statuses_agree_with_dates(city_db):
    as_of = _as_of(city_db)
    timeliness = Counter()
    for r in _rows(city_db, Referral):
        dates = [d for d in (r.discovered_on, r.sent_on, r.ack_on, r.result_on, r.closed_on) if d]
        assert dates == sorted(dates), r.number  # discovered <= sent <= ack <= result <= closed
        assert all(d <= as_of for d in dates), r.number
        assert r.approved_by and r.materials and r.materials[0] == "移送函"
        assert set(r.materials) <= set(lifecycle.MATERIALS)
        if r.urgency == "urgent" and r.status != "draft":
            assert r.discovered_at.date() == r.discovered_on and r.sent_at.date() == r.sent_on
        if r.status == "draft":
            assert r.sent_on is None and r.ack_on is None and r.ack_due_on is None
            continue
        assert r.sent_on is not None
        acked = r.status != "sent"  # every later status starts with the written answer
        assert (r.ack_on is not None) == acked, r.number
        assert (r.ack_outcome is not None) == acked
        assert (r.ack_workdays is not None) == acked
        if r.status in ("accepted", "declined", "returned"):
            assert r.ack_outcome == r.status and r.result_on is None and r.closed_on is None
        if r.status == "sent":
            assert r.result_on is None and r.closed_on is None
        if r.status == "reported":
            assert r.ack_outcome == "accepted" and r.result_on and r.closed_on is None
        if r.status == "closed":
            assert r.closed_on and (r.result_on is not None) == (r.ack_outcome == "accepted")
        if r.ack_on:
            timeliness["on time" if r.ack_on <= r.ack_due_on else "late"] += 1
        if r.round_no > 1:  # sent again after a return: the sending was judged in round 1
            assert r.send_due_on is None and r.send_due_at is None
            timeliness["resent"] += 1
        elif r.sent_on > r.send_due_on:
            timeliness["sent late"] += 1
    assert timeliness["on time"] > 3 * timeliness["late"] > 0  # mostly on time, some late
    assert timeliness["sent late"] > 0
    assert timeliness["resent"] > 0  # a few returned referrals were sent again (rounds)


def test_history_replays_to_the_current_status(city_db):
    referrals = {r.id: r for r in _rows(city_db, Referral)}
    events = defaultdict(list)
    for e in _rows(city_db, ReferralEvent):
        events[e.referral_id].append(e)
    assert set(events) == set(referrals)  # every referral has its history at this scale
    for ref_id, steps in events.items():
        ref = referrals[ref_id]
        assert steps[0].from_status is None
        assert steps[0].to_status in lifecycle.INITIAL_STATUSES["referral"]
        for before, after in zip(steps, steps[1:]):
            assert after.from_status == before.to_status
            lifecycle.check_transition("referral", after.from_status, after.to_status)
            assert after.at >= before.at
        assert steps[-1].to_status == ref.status
        assert all(e.username for e in steps)
        if ref.sent_on and ref.round_no == 1:
            assert steps[0].at.date() == ref.sent_on
        elif ref.sent_on:  # sent again after a return: the history holds both sendings
            assert [e.to_status for e in steps].count("sent") == ref.round_no


def test_overdue_board_is_never_empty(city_db):
    as_of = _as_of(city_db)
    with city_db.connect() as conn:
        overdue = conn.execute(
            select(Referral.ack_due_on).where(Referral.status == "sent", Referral.ack_due_on < as_of)
        ).scalars().all()
    assert len(overdue) >= 3
    assert any((as_of - d).days > 30 for d in overdue)  # some old ones
    assert any((as_of - d).days <= 30 for d in overdue)  # and some recent ones


def test_numbers_follow_the_formats(city_db):
    numbers = [r.number for r in _rows(city_db, Referral)]
    assert all(re.fullmatch(r"YS-20\d\d-\d{6}", n) for n in numbers)
    by_year = defaultdict(list)
    for n in numbers:
        by_year[n[3:7]].append(int(n[8:]))
    for serials in by_year.values():  # gap-free within each year
        assert sorted(serials) == list(range(1, len(serials) + 1))
    assert all(re.fullmatch(r"XZ-20\d\d-\d{4}", a.number) for a in _rows(city_db, AssistanceRequest))
    assert all(re.fullmatch(r"ZY-20\d\d-\d{3}", d.number) for d in _rows(city_db, Dispute))
    assert all(re.fullmatch(r"LX-20\d\d-(\d\d|L\d+)", m.number) for m in _rows(city_db, Meeting))
    assert all(re.fullmatch(r"LH-20\d\d-\d{3}", o.number) for o in _rows(city_db, JointOperation))


def test_demo_meeting_of_the_seed_day_is_ready_to_run(city_db):
    """CONTRACT.md, Demo mode: a meeting scheduled for the seed day, agenda approved, not
    started, with an item of every kind and nobody's attendance taken yet."""
    as_of = _as_of(city_db)
    demo = [m for m in _rows(city_db, Meeting) if m.held_on == as_of]
    assert len(demo) == 1
    meeting = demo[0]
    assert meeting.status == "approved" and meeting.current_item_id is None and meeting.kind == "ad_hoc"
    assert re.fullmatch(r"LX-20\d\d-L1", meeting.number)
    items = [i for i in _rows(city_db, AgendaItem, AgendaItem.position) if i.meeting_id == meeting.id]
    assert {i.status for i in items} == {"approved"}
    assert {i.kind for i in items} == set(lifecycle.AGENDA_KINDS)
    assert [i.position for i in items] == list(range(1, len(items) + 1))
    linked = {i.kind: 0 for i in items}
    for link in _rows(city_db, AgendaItemLink):
        item = next((i for i in items if i.id == link.item_id), None)
        if item is not None:
            linked[item.kind] += 1
    assert linked["overdue_referral"] and linked["dispute"] and linked["decision_followup"]
    assert not [a for a in _rows(city_db, Attendance, Attendance.meeting_id) if a.meeting_id == meeting.id]
    invited = [i for i in _rows(city_db, MeetingInvitee, MeetingInvitee.meeting_id) if i.meeting_id == meeting.id]
    assert len(invited) > 20


def test_six_closed_meetings_and_the_next_one(city_db):
    as_of = _as_of(city_db)
    meetings = [m for m in _rows(city_db, Meeting, Meeting.held_on) if m.held_on != as_of]
    past, upcoming = meetings[:-1], meetings[-1]
    assert len(past) == 6 and all(m.status == "closed" and m.held_on < as_of for m in past)
    assert all(m.number == f"LX-{m.held_on.year}-{m.held_on.month:02d}" for m in meetings)
    months = [(m.held_on.year, m.held_on.month) for m in meetings]
    assert len(set(months)) == 7  # one a month
    assert upcoming.status in ("planned", "collecting")
    assert 14 <= (upcoming.held_on - as_of).days <= 25
    assert all("示例" in m.title for m in meetings)

    decisions = _rows(city_db, Decision)
    per_meeting = Counter(d.meeting_id for d in decisions)
    assert all(2 <= per_meeting[m.id] <= 4 for m in past) and per_meeting[upcoming.id] == 0
    fates = set()
    for d in decisions:
        if d.status == "done":
            assert d.done_on <= as_of
            fates.add("done on time" if d.done_on <= d.due_on else "done late")
        else:
            assert d.status == "open" and d.done_on is None
            fates.add("open overdue" if d.due_on < as_of else "open not yet due")
    assert fates == {"done on time", "done late", "open overdue", "open not yet due"}

    items = _rows(city_db, AgendaItem)
    assert {i.kind for i in items} <= set(lifecycle.AGENDA_KINDS)
    assert {i.status for i in items if i.meeting_id != upcoming.id} >= {"approved", "deferred", "declined"}
    assert {i.status for i in items if i.meeting_id == upcoming.id} == {"submitted"}
    assert any(i.suggested for i in items) and any(i.late for i in items)
    links = _rows(city_db, AgendaItemLink)
    assert any(link.referral_id for link in links) and any(link.dispute_id for link in links)
    assert any(link.decision_id for link in links)

    invited = Counter(i.meeting_id for i in _rows(city_db, MeetingInvitee, MeetingInvitee.meeting_id))
    attended = _rows(city_db, Attendance, Attendance.meeting_id, Attendance.agency_id)
    assert all(Counter(a.meeting_id for a in attended)[m.id] == invited[m.id] > 20 for m in past)
    assert {a.status for a in attended} == {"present", "absent", "deputised"}
    assert all(a.delegate for a in attended if a.status == "deputised")
    observers = _rows(city_db, MeetingObserver)
    assert {o.meeting_id for o in observers} >= {m.id for m in meetings}


def test_disputes_at_every_stage(city_db):
    as_of = _as_of(city_db)
    disputes = _rows(city_db, Dispute)
    assert 20 <= len(disputes) <= 40
    assert {d.stage for d in disputes} == set(lifecycle.DISPUTE_STAGES)
    parties = Counter(p.dispute_id for p in _rows(city_db, DisputeParty, DisputeParty.dispute_id))
    stages = defaultdict(list)
    for st in _rows(city_db, DisputeStage):
        stages[st.dispute_id].append(st)
    for d in disputes:
        assert 2 <= parties[d.id] <= 3
        path = [st.stage for st in stages[d.id]]
        assert path[0] == "joint_handling" and path[-1] == d.stage
        for a, b in zip(path, path[1:]):
            lifecycle.check_transition("dispute", a, b)
        entered = [st.entered_on for st in stages[d.id]]
        assert entered == sorted(entered) and entered[0] == d.opened_on and entered[-1] == d.stage_since
        assert d.stage_since <= as_of and d.interim_handler_id
        assert (d.resolved_on is not None) == (d.stage == "resolved") == (d.outcome is not None)
    open_ = [d for d in disputes if d.stage != "resolved"]
    assert any((as_of - d.stage_since).days > 30 for d in open_)  # stalled
    assert any(d.needs_meeting for d in open_)
    assert any(d.referral_id for d in disputes)


def test_assistance_requests(city_db):
    as_of = _as_of(city_db)
    assists = _rows(city_db, AssistanceRequest)
    assert 250 <= len(assists) <= 350
    status = Counter(a.status for a in assists)
    assert status["answered"] > len(assists) / 2 and status["open"] > 0
    assert any(a.extended and a.extension_reason for a in assists)
    for a in assists:
        assert (a.answered_on is not None) == (a.status == "answered") == (a.answer is not None)
        if a.answered_on:
            assert a.requested_on <= a.answered_on <= as_of
    answered = [a for a in assists if a.answered_on]
    assert any(a.answered_on > a.due_on for a in answered)  # some late
    assert sum(a.answered_on <= a.due_on for a in answered) > len(answered) / 2  # mostly on time
    assert any(a.status == "open" and a.due_on < as_of for a in assists)


def test_joint_operations_under_every_mechanism(city_db):
    as_of = _as_of(city_db)
    ops = _rows(city_db, JointOperation)
    assert {o.mechanism for o in ops} == set(lifecycle.JOINT_OP_MECHANISMS)
    with db.read_session(city_db) as session:
        s, cal = load_rules(session)
    for o in ops:
        assert o.status in lifecycle.JOINT_OP_STATUSES
        assert o.applied_on <= as_of
        if o.mechanism == "special":
            assert o.applied_on <= deadlines.special_op_apply_deadline(o.start_on, s)
            assert o.decision_due_on == deadlines.special_op_decision_due(o.applied_on, cal, s).on
        if o.decided_on:
            assert o.applied_on <= o.decided_on <= as_of
        if o.status == "finished":
            assert o.end_on < as_of and o.outcome
        if o.status == "in_progress":
            assert o.start_on <= as_of and (o.end_on is None or o.end_on >= as_of)
        if o.status == "applied":
            assert o.decided_on is None


def test_one_audit_row_records_the_seed(city_db):
    entries = _rows(city_db, AuditEntry)
    assert len(entries) == 1
    assert (entries[0].username, entries[0].action) == ("system", "seed")
    assert entries[0].after["counts"]["referrals"] == _count(city_db, Referral)


# --------------------------------------------------------------------------- seeding


def _fingerprint(engine) -> dict[str, str]:
    """A hash of every table's rows in id order, leaving out what is meant to differ:
    the bcrypt hash (salted) and the audit row (it records when the seed ran)."""
    result = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in ("audit_log", "alembic_version"):
                continue
            cols = [c for c in table.columns if c.name != "password_hash"]
            keys = list(table.primary_key.columns)
            digest = hashlib.sha256()
            for row in conn.execute(select(*cols).order_by(*keys)):
                digest.update(json.dumps(list(row), default=str, sort_keys=True, ensure_ascii=False).encode())
            result[table.name] = digest.hexdigest()
    return result


def test_same_seed_gives_the_same_rows_and_another_seed_other_rows(empty_db, backend):
    seed_city(empty_db, scale=0.2, random_seed=11, as_of=AS_OF)
    first = _fingerprint(empty_db)
    engines = [db.make_engine(backend.new_database()) for _ in range(2)]
    try:
        seed_city(engines[0], scale=0.2, random_seed=11, as_of=AS_OF)
        seed_city(engines[1], scale=0.2, random_seed=12, as_of=AS_OF)
        assert _fingerprint(engines[0]) == first
        other = _fingerprint(engines[1])
    finally:
        for e in engines:
            e.dispose()
    assert other["referrals"] != first["referrals"]
    assert other["agencies"] == first["agencies"]  # the city itself does not depend on the seed


def test_bulk_path_writes_what_sqlalchemy_would_write(empty_db, backend, monkeypatch):
    """The raw executemany / COPY path (dates, times and JSON as text) reads back exactly
    like SQLAlchemy Core's own insert() with Python values (the fallback path)."""
    seed_city(empty_db, scale=0.1, random_seed=21, as_of=AS_OF)

    class CoreOnlyWriter(seed_module.BulkWriter):
        def __init__(self, conn):
            super().__init__(conn)
            self.dialect = "other"  # take the generic insert() path

    monkeypatch.setattr(seed_module, "BulkWriter", CoreOnlyWriter)
    engine = db.make_engine(backend.new_database())
    try:
        seed_city(engine, scale=0.1, random_seed=21, as_of=AS_OF)
        assert _fingerprint(engine) == _fingerprint(empty_db)
    finally:
        engine.dispose()


def test_counts_progress_and_refusing_a_second_seed(empty_db):
    reports = []
    counts = seed_city(empty_db, scale=0.1, random_seed=3, as_of=AS_OF,
                       progress=lambda f, m: reports.append((f, m)))
    for model in (Agency, User, Referral, ReferralEvent, AssistanceRequest, Dispute, Meeting, Decision, AuditEntry):
        assert counts[model.__tablename__] == _count(empty_db, model)
    assert 300 <= counts["referrals"] <= 310 and counts["referral_events"] > counts["referrals"]
    fractions = [f for f, _ in reports]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(isinstance(m, str) and m for _, m in reports)

    with pytest.raises(SeedRefused, match="已有 38 个成员单位.*Nothing was written"):
        seed_city(empty_db, scale=0.1, random_seed=4, as_of=AS_OF)
    assert _count(empty_db, Referral) == counts["referrals"]
    assert _count(empty_db, AuditEntry) == 1


def test_refused_when_the_database_has_users(empty_db):
    with empty_db.begin() as conn:
        conn.execute(insert(User.__table__).values(
            username="someone", display_name="某人", password_hash="x", role="office", version=1))
    with pytest.raises(SeedRefused, match="已有 1 个用户"):
        seed_city(empty_db, scale=0.1, as_of=AS_OF)
    assert _count(empty_db, Agency) == 0 and _count(empty_db, Referral) == 0
    _assert_bulk_load_undone(empty_db)


def test_follows_the_offices_settings_and_calendar(empty_db):
    """Deadlines come from this database's rules: a changed limit and an extra rest day."""
    extra_rest_day = date(2026, 6, 10)  # a Wednesday
    with empty_db.begin() as conn:
        conn.execute(insert(RuleSetting.__table__).values(key="ack_working_days", value="7"))
        conn.execute(insert(CalendarOverride.__table__).values(day=extra_rest_day, working=False, note="test"))
    seed_city(empty_db, scale=0.1, random_seed=5, as_of=AS_OF)
    with db.read_session(empty_db) as session:
        s, cal = load_rules(session)
        referrals = list(session.scalars(select(Referral).where(Referral.sent_on.is_not(None))))
    assert s.ack_working_days == 7 and not cal.is_working_day(extra_rest_day)
    for r in referrals:
        expected = referral_deadline_fields(
            cal, s, discovered_on=r.discovered_on, discovered_at=r.discovered_at, urgent=r.urgency == "urgent",
            extension_notified=r.extension_notified, criminal=r.criminal, sent_on=r.sent_on, ack_on=r.ack_on,
            first_round=r.round_no == 1,
        )
        assert {k: getattr(r, k) for k in expected} == expected, r.number
    assert any(r.sent_on < extra_rest_day <= r.ack_due_on for r in referrals)  # the day mattered


def test_history_limited_to_recent_referrals_at_very_large_scale(empty_db, monkeypatch):
    monkeypatch.setattr(seed_module, "FULL_HISTORY_MAX", 100)  # pretend 300 referrals is huge
    seed_city(empty_db, scale=0.1, random_seed=6, as_of=AS_OF)
    cutoff = AS_OF - timedelta(days=seed_module.EVENT_DAYS_AT_LARGE_SCALE)
    with empty_db.connect() as conn:
        sent_on = conn.execute(
            select(Referral.sent_on).join(ReferralEvent, ReferralEvent.referral_id == Referral.id)
        ).scalars().all()
        assert sent_on and all(d is None or d >= cutoff for d in sent_on)
        assert conn.execute(select(func.count()).where(Referral.sent_on < cutoff)).scalar_one() > 0


def test_returned_referrals_without_history_are_sent_again(empty_db, monkeypatch):
    """At very large scales the old referrals have no history rows; sending some of them
    again writes their rounds and no history (it once wrote an empty batch and failed)."""
    monkeypatch.setattr(seed_module, "FULL_HISTORY_MAX", 100)
    monkeypatch.setattr(seed_module, "EVENT_DAYS_AT_LARGE_SCALE", 0)
    counts = seed_city(empty_db, scale=0.1, random_seed=6, as_of=AS_OF)
    assert counts["referral_rounds"] > 0
    assert counts["referral_events"] == _count(empty_db, ReferralEvent)


def test_years_of_history_by_volume():
    years = referrals_module.history_years
    assert years(3_000) == years(1_000_000) == 1  # a city, up to the benchmark's million
    assert years(1_000_001) == 2 and years(10_000_000) == 12  # a province, 900,000 a year at most


def test_a_province_spreads_over_several_years(empty_db, monkeypatch):
    # Pretend 300 referrals is a province, 100 a year.
    monkeypatch.setattr(referrals_module, "YEAR_VOLUME", 100)
    monkeypatch.setattr(referrals_module, "PROVINCE_YEAR_VOLUME", 100)
    seed_city(empty_db, scale=0.1, random_seed=8, as_of=AS_OF)
    referrals = [r for r in _rows(empty_db, Referral) if r.sent_on]
    sent = [r.sent_on for r in referrals]
    years_back = Counter((AS_OF - d).days // 365 for d in sent)
    assert set(years_back) == {0, 1, 2}
    # The earlier years are settled; what is still open was sent in the last one.
    assert all(r.status == "closed" for r in referrals if (AS_OF - r.sent_on).days >= 365)
    assert any(r.status != "closed" for r in referrals)
    assert all(0.25 < n / len(sent) < 0.42 for n in years_back.values())  # about as many each year
    live_since = min(a.created_at for a in _rows(empty_db, Agency)).date()
    assert live_since <= min(sent) and (AS_OF - live_since).days == 3 * 365
    by_year = defaultdict(list)
    for r in _rows(empty_db, Referral):
        by_year[r.number[3:7]].append(int(r.number[8:]))
    assert all(sorted(serials) == list(range(1, len(serials) + 1)) for serials in by_year.values())


def _assert_bulk_load_undone(engine) -> None:
    """The indexes and foreign keys dropped for the bulk load exist, and SQLite is in WAL."""
    inspector = inspect(engine)
    for model in (Referral, ReferralEvent):
        present = {ix["name"] for ix in inspector.get_indexes(model.__tablename__)}
        assert {ix.name for ix in model.__table__.indexes} <= present
        keys = {(tuple(fk["constrained_columns"]), fk["referred_table"])
                for fk in inspector.get_foreign_keys(model.__tablename__)}
        assert keys == {((fk.parent.name,), fk.column.table.name) for fk in model.__table__.foreign_keys}
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_failure_half_way_leaves_nothing_behind(empty_db, monkeypatch):
    """All or nothing: a failure in the middle of the load (rows written, indexes and keys
    dropped) rolls everything back."""
    def fail(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(seed_module.ReferralGenerator, "_drafts", fail)
    with pytest.raises(RuntimeError, match="simulated"):
        seed_city(empty_db, scale=0.1, as_of=AS_OF)
    for model in (Agency, User, Referral, ReferralEvent, AuditEntry):
        assert _count(empty_db, model) == 0
    _assert_bulk_load_undone(empty_db)
    monkeypatch.undo()
    seed_city(empty_db, scale=0.1, as_of=AS_OF)  # and the database can still be seeded
    assert _count(empty_db, Referral) > 0


def test_indexes_and_id_sequences_are_ready_for_the_app(city_db):
    """The indexes and keys dropped for the bulk load are back, and on PostgreSQL new rows
    written by the app get fresh ids (the seeder sets ids itself, past the sequences)."""
    _assert_bulk_load_undone(city_db)
    if city_db.dialect.name == "postgresql":
        with city_db.connect() as conn:
            for table in ("referrals", "referral_events", "agencies", "users", "decisions", "agenda_items"):
                last_value, is_called = conn.execute(text(f"SELECT last_value, is_called FROM {table}_id_seq")).one()
                biggest = conn.execute(text(f"SELECT max(id) FROM {table}")).scalar_one()
                assert (last_value + 1 if is_called else last_value) > biggest, table
