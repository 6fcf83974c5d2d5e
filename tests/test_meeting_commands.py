"""The meeting and decision commands on both databases: scheduling, the agenda and its
cut-off, suggested items, the session, decisions and their follow-up."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from data_access.commands import decisions as dc
from data_access.commands import meetings as mc
from data_access.commands.base import CommandError, PermissionDenied, StaleEdit, ValidationFailed
from data_access.db import read_session, write_session
from data_access.models import (
    AgendaItem,
    AgendaItemLink,
    Attendance,
    AuditEntry,
    Meeting,
    MeetingInvitee,
    MeetingObserver,
    RuleSetting,
)
from data_access.queries import meetings as mq
from tests.support.meeting_world import CHAIR, MEETING_ON, OBSERVER, OFFICE, TODAY, build_world


@pytest.fixture
def world(empty_db):
    return build_world()


def _audit_count() -> int:
    with read_session() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def _actions() -> list[str]:
    with read_session() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _meeting(**kw):
    kw.setdefault("held_on", MEETING_ON)
    kw.setdefault("today", TODAY)
    return mc.schedule_meeting(OFFICE, **kw)


# --------------------------------------------------------------------------- scheduling


def test_schedule_regular_meeting_numbers_it_and_invites_every_active_agency(world):
    saved = _meeting(place="市政府3号会议室", start_time="14:30", chair_name="王副市长",
                     observers=[("李代表", "人大代表"), ("赵委员", "政协委员")])
    assert saved.number == "LX-2026-04"
    assert saved.title == "2026年4月联席会议"
    assert saved.status == "planned"
    with read_session() as s:
        invited = set(s.scalars(select(MeetingInvitee.agency_id).where(MeetingInvitee.meeting_id == saved.id)))
        observers = s.scalars(select(MeetingObserver.name).where(MeetingObserver.meeting_id == saved.id)).all()
    assert invited == {world.justice, world.housing, world.market, world.east, world.hill}
    assert sorted(observers) == ["李代表", "赵委员"]
    assert _actions() == ["meeting.schedule"]


def test_second_regular_meeting_in_a_month_is_refused_but_ad_hoc_ones_are_numbered(world):
    _meeting()
    with pytest.raises(ValidationFailed) as exc:
        _meeting(held_on=MEETING_ON + timedelta(days=3))
    assert "held_on" in exc.value.errors and "临时会议" in exc.value.errors["held_on"]
    first = _meeting(kind="ad_hoc", held_on=MEETING_ON + timedelta(days=3))
    second = _meeting(kind="ad_hoc", held_on=MEETING_ON + timedelta(days=5))
    assert (first.number, second.number) == ("LX-2026-L01", "LX-2026-L02")
    assert first.title == "2026年第1次临时联席会议"


def test_schedule_validates_each_field_and_writes_nothing_when_wrong(world):
    before = _audit_count()
    with pytest.raises(ValidationFailed) as exc:
        _meeting(held_on=TODAY - timedelta(days=1), start_time="25:00", place="x" * 101,
                 observers=[("名" * 51, None)])
    assert set(exc.value.errors) == {"held_on", "start_time", "place", "observers"}
    assert "已过" in exc.value.errors["held_on"]
    assert _audit_count() == before


@pytest.mark.parametrize("actor_kind", ["observer", "head"])
def test_only_the_office_and_chair_schedule(world, actor_kind):
    actor = OBSERVER if actor_kind == "observer" else world.head(world.housing)
    with pytest.raises(PermissionDenied):
        mc.schedule_meeting(actor, held_on=MEETING_ON, today=TODAY)
    assert mc.schedule_meeting(CHAIR, held_on=MEETING_ON, today=TODAY).number == "LX-2026-04"


def test_regular_meetings_by_cadence_fall_on_working_days(world):
    saved = mc.schedule_regular_meetings(OFFICE, first_on=date(2026, 4, 20), count=3, today=TODAY)
    assert [m.number for m in saved] == ["LX-2026-04", "LX-2026-05", "LX-2026-06"]
    # 2026-06-20 is a Saturday: moved to Monday 2026-06-22, still in June.
    assert [m.held_on for m in saved] == [date(2026, 4, 20), date(2026, 5, 20), date(2026, 6, 22)]


def test_cadence_follows_the_rule_setting(world):
    with write_session() as s:
        s.add(RuleSetting(key="meeting_cadence_months", value="3"))
    saved = mc.schedule_regular_meetings(OFFICE, first_on=date(2026, 4, 20), count=2, today=TODAY)
    assert [m.number for m in saved] == ["LX-2026-04", "LX-2026-07"]


def test_cadence_run_is_all_or_nothing(world):
    _meeting(held_on=date(2026, 5, 20))
    before = _audit_count()
    with pytest.raises(ValidationFailed):
        mc.schedule_regular_meetings(OFFICE, first_on=date(2026, 4, 20), count=3, today=TODAY)
    assert _audit_count() == before
    with read_session() as s:
        assert s.scalar(select(func.count()).select_from(Meeting)) == 1


def test_update_meeting_refuses_a_stale_form_and_renumbers_on_a_new_month(world):
    saved = _meeting()
    moved = mc.update_meeting(OFFICE, saved.id, held_on=date(2026, 5, 12), title="五月联席会议", place="二楼",
                              start_time="09:00", chair_name=None, invitee_ids=[world.housing, world.east],
                              observers=[("社会监督员甲", "社会监督员")], expected_version=saved.version,
                              today=TODAY)
    assert moved.number == "LX-2026-05" and moved.version == saved.version + 1
    with pytest.raises(StaleEdit) as exc:
        mc.update_meeting(OFFICE, saved.id, held_on=date(2026, 5, 13), title="x", place=None, start_time=None,
                          chair_name=None, invitee_ids=[], expected_version=saved.version, today=TODAY)
    assert "admin" in exc.value.message
    with read_session() as s:
        invited = set(s.scalars(select(MeetingInvitee.agency_id).where(MeetingInvitee.meeting_id == saved.id)))
    assert invited == {world.housing, world.east}


def test_cancel_needs_a_reason_and_is_final(world):
    saved = _meeting()
    with pytest.raises(ValidationFailed):
        mc.cancel_meeting(OFFICE, saved.id, reason=" ", expected_version=None)
    assert mc.cancel_meeting(OFFICE, saved.id, reason="与全市大会冲突", expected_version=None).status == "cancelled"
    with pytest.raises(CommandError):
        mc.open_agenda_collection(OFFICE, saved.id, expected_version=None)


# --------------------------------------------------------------------------- agenda


def _submit(actor, meeting_id, today=TODAY, **kw):
    kw.setdefault("title", "关于建筑垃圾监管职责的议题")
    kw.setdefault("kind", "policy")
    return mc.submit_agenda_item(actor, meeting_id, today=today, **kw)


def test_submission_after_the_cutoff_is_marked_late(world):
    m = _meeting()
    head = world.head(world.east)
    on_time = _submit(head, m.id, today=date(2026, 4, 10), referral_numbers=["ys-2026-000001"])
    late = _submit(head, m.id, today=date(2026, 4, 11), title="临时增加的议题")
    assert (on_time.late, late.late) == (False, True)
    assert on_time.status == late.status == "submitted"
    with read_session() as s:
        links = s.scalars(select(AgendaItemLink.referral_id).where(AgendaItemLink.item_id == on_time.id)).all()
        submitter = s.get(AgendaItem, on_time.id).submitting_agency_id
    assert links == [world.overdue_refs[0]] and submitter == world.east


def test_submission_is_validated_field_by_field(world):
    m = _meeting()
    before = _audit_count()
    with pytest.raises(ValidationFailed) as exc:
        _submit(world.clerk(world.east), m.id, title="", kind="gossip", minutes=0,
                referral_numbers=["YS-2026-999999"], dispute_ids=[9999])
    assert set(exc.value.errors) == {"title", "kind", "minutes", "referral_ids", "dispute_ids"}
    assert "YS-2026-999999" in exc.value.errors["referral_ids"]
    assert _audit_count() == before


def test_members_submit_only_for_their_own_agency(world):
    m = _meeting()
    with pytest.raises(PermissionDenied):
        _submit(world.head(world.east), m.id, submitting_agency_id=world.housing)
    with pytest.raises(PermissionDenied):
        _submit(OBSERVER, m.id)


def test_review_order_and_minutes(world):
    m = _meeting()
    a = _submit(world.head(world.east), m.id, title="议题甲")
    b = _submit(world.head(world.hill), m.id, title="议题乙")
    c = _submit(world.head(world.market), m.id, title="议题丙")
    assert mc.review_agenda_item(CHAIR, a.id, "approved", expected_version=None).position == 1
    assert mc.review_agenda_item(CHAIR, b.id, "approved", minutes=20, expected_version=None).minutes == 20
    mc.review_agenda_item(CHAIR, c.id, "deferred", expected_version=None)
    mc.order_agenda(OFFICE, m.id, [b.id, a.id], expected_version=None)
    with read_session() as s:
        rows = mq.agenda(s, m.id)
    assert [(r.title, r.status, r.position) for r in rows] == [
        ("议题乙", "approved", 1), ("议题甲", "approved", 2), ("议题丙", "deferred", 0)]
    with pytest.raises(ValidationFailed):
        mc.order_agenda(OFFICE, m.id, [b.id], expected_version=None)
    item = mc.allot_minutes(OFFICE, a.id, 15, expected_version=rows[1].version)
    assert item.minutes == 15
    with pytest.raises(StaleEdit):
        mc.allot_minutes(OFFICE, a.id, 25, expected_version=rows[1].version)
    with pytest.raises(ValidationFailed):
        mc.allot_minutes(OFFICE, a.id, 500, expected_version=None)
    with pytest.raises(PermissionDenied):
        mc.review_agenda_item(world.head(world.east), a.id, "declined", expected_version=None)


def test_a_late_item_waits_for_the_office(world):
    m = _meeting()
    late = _submit(world.head(world.east), m.id, today=date(2026, 4, 15))
    with pytest.raises(CommandError) as exc:
        mc.review_agenda_item(CHAIR, late.id, "approved", expected_version=None)
    assert "办公室" in exc.value.message
    assert mc.review_agenda_item(OFFICE, late.id, "approved", expected_version=None).status == "approved"


def test_approving_the_agenda_locks_it_until_the_office_unlocks(world):
    m = _meeting()
    a = _submit(world.head(world.east), m.id)
    b = _submit(world.head(world.hill), m.id)
    with pytest.raises(ValidationFailed) as exc:
        mc.approve_agenda(CHAIR, m.id, expected_version=None)
    assert "2 个议题未审定" in exc.value.errors["items"]
    mc.review_agenda_item(CHAIR, a.id, "approved", expected_version=None)
    mc.review_agenda_item(CHAIR, b.id, "declined", expected_version=None)
    assert mc.approve_agenda(CHAIR, m.id, expected_version=None).status == "approved"
    with pytest.raises(CommandError) as exc:
        _submit(world.head(world.east), m.id)
    assert "锁定" in exc.value.message
    with pytest.raises(CommandError):
        mc.allot_minutes(OFFICE, a.id, 30, expected_version=None)
    with pytest.raises(CommandError):
        mc.unlock_agenda(CHAIR, m.id, reason="补充议题", expected_version=None)
    with pytest.raises(ValidationFailed):
        mc.unlock_agenda(OFFICE, m.id, reason="", expected_version=None)
    assert mc.unlock_agenda(OFFICE, m.id, reason="组长要求补充议题", expected_version=None).status == "collecting"
    with read_session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "agenda.unlock")).one()
    assert entry.after["reason"] == "组长要求补充议题" and entry.after["status"] == "collecting"
    assert _actions().count("meeting.open_collection") == 1  # planned -> collecting on approval


def test_agenda_with_nothing_approved_cannot_be_approved(world):
    m = _meeting()
    with pytest.raises(ValidationFailed) as exc:
        mc.approve_agenda(OFFICE, m.id, expected_version=None)
    assert "没有审定" in exc.value.errors["items"]


# --------------------------------------------------------------------------- suggestions


def test_suggestions_follow_the_thresholds(world):
    m = _meeting()
    with read_session() as s:
        found = {x.key: x for x in mq.suggested_items(s, m.id, today=TODAY)}
    assert set(found) == {
        f"dispute:{world.stalled_dispute}", f"dispute:{world.flagged_dispute}",
        f"dispute:{world.coordination_dispute}", f"referrals:{world.housing}",
    }
    refs = found[f"referrals:{world.housing}"]
    assert refs.evidence["count"] == 2 and refs.evidence["max_days_late"] == 20
    assert [r["days_late"] for r in refs.evidence["referrals"]] == [20, 15]
    assert set(refs.referral_ids) == set(world.overdue_refs)
    stalled = found[f"dispute:{world.stalled_dispute}"]
    assert stalled.evidence["days_in_stage"] == 40 and stalled.evidence["reasons"] == ["stalled"]
    assert found[f"dispute:{world.flagged_dispute}"].evidence["reasons"] == ["needs_meeting"]
    assert found[f"dispute:{world.coordination_dispute}"].evidence["reasons"] == ["coordination"]


def test_lower_thresholds_bring_in_more(world):
    # The fresh dispute has been 5 days in its stage: stalled once more than 4 days are
    # allowed (rules.ageing.is_stalled), not at exactly 5, as on the disputes page.
    with write_session() as s:
        s.add_all([RuleSetting(key="suggest_overdue_referral_days", value="3"),
                   RuleSetting(key="dispute_stall_days", value="5")])
    m = _meeting()
    with read_session() as s:
        keys = {x.key for x in mq.suggested_items(s, m.id, today=TODAY)}
    assert f"referrals:{world.market}" in keys and f"dispute:{world.fresh_dispute}" not in keys
    with write_session() as s:
        s.get(RuleSetting, "dispute_stall_days").value = "4"
    with read_session() as s:
        keys = {x.key for x in mq.suggested_items(s, m.id, today=TODAY)}
    assert f"referrals:{world.market}" in keys and f"dispute:{world.fresh_dispute}" in keys
    assert f"dispute:{world.resolved_dispute}" not in keys


def test_adding_a_suggestion_stores_its_evidence_and_links_once(world):
    m = _meeting()
    key = f"referrals:{world.housing}"
    saved = mc.add_suggested_item(OFFICE, m.id, key, today=TODAY, expected_version=None)
    with read_session() as s:
        item = s.get(AgendaItem, saved.id)
        links = set(s.scalars(select(AgendaItemLink.referral_id).where(AgendaItemLink.item_id == saved.id)))
        remaining = {x.key for x in mq.suggested_items(s, m.id, today=TODAY)}
    assert item.suggested and item.kind == "overdue_referral" and item.evidence["count"] == 2
    assert "市住房和城乡建设局" in item.title
    assert links == set(world.overdue_refs)
    assert key not in remaining
    with pytest.raises(CommandError):
        mc.add_suggested_item(OFFICE, m.id, key, today=TODAY, expected_version=None)


def test_a_member_item_on_a_dispute_replaces_its_suggestion(world):
    m = _meeting()
    _submit(world.head(world.east), m.id, kind="dispute", dispute_ids=[world.stalled_dispute])
    with read_session() as s:
        keys = {x.key for x in mq.suggested_items(s, m.id, today=TODAY)}
    assert f"dispute:{world.stalled_dispute}" not in keys


# --------------------------------------------------------------------------- session and decisions


ON_THE_DAY = datetime(2026, 4, 20, 14, 30)  # MEETING_ON, at the meeting's hour


def _approved_meeting(world, n_items=2):
    m = _meeting()
    ids = []
    for k in range(n_items):
        item = _submit(world.head(world.east), m.id, title=f"议题{k + 1}")
        mc.review_agenda_item(OFFICE, item.id, "approved", expected_version=None)
        ids.append(item.id)
    mc.approve_agenda(OFFICE, m.id, expected_version=None)
    return m, ids


def test_session_moves_the_projector_between_items(world):
    m, (first, second) = _approved_meeting(world)
    t0 = datetime(2026, 4, 20, 14, 30)
    started = mc.start_session(CHAIR, m.id, now=t0, expected_version=None)
    assert started.status == "in_session"
    with read_session() as s:
        state = mq.projector_state(s, m.id, today=MEETING_ON, now=t0 + timedelta(minutes=3))
    assert state.phase == "item" and state.item.id == first and state.position == 1
    assert state.clock.label == "07:00" and not state.clock.overrun
    mc.select_item(OFFICE, m.id, second, now=t0 + timedelta(minutes=12), expected_version=None)
    mc.select_item(OFFICE, m.id, second, now=t0 + timedelta(minutes=20), expected_version=None)  # same item: clock keeps running
    with read_session() as s:
        state = mq.projector_state(s, m.id, today=MEETING_ON, now=t0 + timedelta(minutes=23))
    assert state.item.id == second and state.clock.overrun and state.clock.label == "+01:00"
    other = _meeting(kind="ad_hoc", held_on=MEETING_ON + timedelta(days=1))
    stray = _submit(world.head(world.east), other.id)
    with pytest.raises(CommandError):
        mc.select_item(OFFICE, m.id, stray.id, expected_version=None)
    with pytest.raises(PermissionDenied):
        mc.select_item(world.head(world.east), m.id, first, expected_version=None)
    mc.stop_session(OFFICE, m.id, expected_version=None)
    with read_session() as s:
        assert mq.projector_state(s, m.id, today=MEETING_ON, now=t0).phase == "closing"


def test_a_meeting_held_early_asks_first_and_is_dated_by_the_day_it_was_held(world):
    import io

    from docx import Document

    from data_access.documents import meeting_docs as md
    from data_access.queries.dashboard import LightBounds
    from data_access.queries.my_agency import my_agency
    from data_access.rulebook import load_rules

    m, (first, _) = _approved_meeting(world)
    early = datetime(2026, 4, 4, 9, 0)  # 16 days before its date
    with pytest.raises(CommandError) as refused:
        mc.start_session(CHAIR, m.id, now=early, expected_version=None)
    assert "原定于 2026-04-20" in str(refused.value)
    with read_session() as s:
        assert s.get(Meeting, m.id).status == "approved"  # nothing written
    started = mc.start_session(CHAIR, m.id, now=early, confirm_date=True, expected_version=None)
    assert started.held_on == date(2026, 4, 4)
    with read_session() as s:
        row = mq.get_meeting(s, m.id)
    assert (row.held_on, row.scheduled_on, row.held_off_schedule) == (date(2026, 4, 4), MEETING_ON, True)
    saved = dc.record_decision(CHAIR, m.id, text="限期整改", lead_agency_id=world.east, due_on=date(2026, 4, 15),
                               item_id=first, today=early.date(), expected_version=None)
    mc.record_attendance(CHAIR, m.id, {world.east: "present"}, expected_version=None)
    mc.close_meeting(CHAIR, m.id, expected_version=None)
    with read_session() as s:
        decision = next(d for d in mq.meeting_decisions(s, m.id, today=early.date()) if d.id == saved.id)
        assert decision.meeting_held_on == date(2026, 4, 4)
        body = "\n".join(p.text for p in Document(io.BytesIO(md.minutes_docx(s, m.id, today=early.date()))).paragraphs)
        # The lead agency's own page lists it from the day it was held, not from its scheduled date.
        settings, cal = load_rules(s)
        view = my_agency(s, world.east, LightBounds.build(date(2026, 4, 10), cal, settings))
    assert "2026年4月4日" in body and "2026年4月20日" not in body
    assert [i.title for i in view.decisions.items] == ["限期整改"] and view.decisions.items[0].since == date(2026, 4, 4)


def test_attendance_and_closing(world):
    m, _ = _approved_meeting(world)
    mc.start_session(CHAIR, m.id, now=ON_THE_DAY, expected_version=None)
    with pytest.raises(ValidationFailed):
        mc.close_meeting(OFFICE, m.id, expected_version=None)
    with pytest.raises(ValidationFailed) as exc:
        mc.record_attendance(OFFICE, m.id, {world.housing: "deputised"}, expected_version=None)
    assert "代为出席" in exc.value.errors[f"agency_{world.housing}"]
    with read_session() as s:
        _, observers = mq.meeting_people(s, m.id)
    saved = mc.record_attendance(OFFICE, m.id, {
        world.justice: "present", world.housing: ("deputised", "张科长"), world.market: "absent",
        world.east: "present", world.hill: "present"}, expected_version=None)
    assert (saved.recorded, saved.changed) == (5, 5)
    again = mc.record_attendance(OFFICE, m.id, {world.market: "present", world.east: "present"}, expected_version=None)  # late arrival
    assert (again.recorded, again.changed) == (5, 1)
    with read_session() as s:
        people, _ = mq.meeting_people(s, m.id)
        statuses = {p.agency_id: (p.status, p.delegate) for p in people}
        assert s.scalar(select(func.count()).select_from(Attendance)) == 5
    assert statuses[world.market] == ("present", None) and statuses[world.housing] == ("deputised", "张科长")
    assert observers == []
    closed = mc.close_meeting(CHAIR, m.id, expected_version=None)
    assert closed.status == "closed"
    with read_session() as s:
        assert s.get(Meeting, m.id).current_item_id is None


def test_decisions_are_recorded_in_session_and_validated(world):
    m, (first, _) = _approved_meeting(world)
    kw = dict(text="住建局牵头，10日内完成占道经营整治", lead_agency_id=world.housing,
              co_agency_ids=[world.east], due_on=MEETING_ON + timedelta(days=10), item_id=first, today=MEETING_ON,
              expected_version=None)
    with pytest.raises(CommandError):
        dc.record_decision(OFFICE, m.id, **kw)  # not in session yet
    mc.start_session(CHAIR, m.id, now=ON_THE_DAY, expected_version=None)
    with pytest.raises(ValidationFailed) as exc:
        dc.record_decision(OFFICE, m.id, **(kw | {"text": " ", "co_agency_ids": [world.housing],
                                               "due_on": MEETING_ON - timedelta(days=1)}))
    assert set(exc.value.errors) == {"text", "co_agency_ids", "due_on"}
    with pytest.raises(PermissionDenied):
        dc.record_decision(world.head(world.housing), m.id, **kw)
    saved = dc.record_decision(CHAIR, m.id, **kw)
    assert saved.status == "open" and saved.item_id == first
    with read_session() as s:
        state = mq.projector_state(s, m.id, today=MEETING_ON, now=datetime.now())
    assert [d.text for d in state.decisions] == [kw["text"]]
    assert state.decisions[0].co_agencies == ("城东街道",)


def test_follow_up_progress_and_completion_rights(world):
    m, (first, _) = _approved_meeting(world)
    mc.start_session(CHAIR, m.id, now=ON_THE_DAY, expected_version=None)
    d = dc.record_decision(CHAIR, m.id, text="限期整改", lead_agency_id=world.housing, co_agency_ids=[world.east],
                           due_on=date(2026, 4, 30), item_id=first, today=MEETING_ON, expected_version=None)
    note = dc.post_progress(world.clerk(world.east), d.id, note="已完成现场勘查", today=date(2026, 4, 22))
    assert note.on == date(2026, 4, 22)
    with pytest.raises(PermissionDenied):
        dc.post_progress(world.head(world.market), d.id, note="不相关单位", today=date(2026, 4, 22))
    with pytest.raises(PermissionDenied):
        dc.complete_decision(world.head(world.east), d.id, evidence="配合单位不能办结", today=date(2026, 4, 25), expected_version=None)
    with pytest.raises(ValidationFailed) as exc:
        dc.complete_decision(world.head(world.housing), d.id, evidence="", done_on=date(2026, 5, 2),
                             today=date(2026, 4, 25), expected_version=None)
    assert set(exc.value.errors) == {"evidence", "done_on"}
    with read_session() as s:
        rows = mq.open_decisions(s, today=date(2026, 4, 25), agency_id=world.east)
    assert [r.id for r in rows] == [d.id] and rows[0].light == "green" and rows[0].notes == 1
    with read_session() as s:  # due on or before a day (the overview's "before the next meeting")
        assert [r.id for r in mq.open_decisions(s, today=date(2026, 4, 25), due_to=date(2026, 4, 30))] == [d.id]
        assert mq.open_decisions(s, today=date(2026, 4, 25), due_to=date(2026, 4, 29)) == []
    done = dc.complete_decision(world.head(world.housing), d.id, evidence="整改完成，附验收记录",
                                today=date(2026, 4, 25), expected_version=rows[0].version)
    assert done.status == "done"
    with pytest.raises(CommandError):
        dc.post_progress(world.clerk(world.east), d.id, note="迟到的进展", today=date(2026, 4, 26))
    with read_session() as s:
        assert mq.open_decisions(s, today=date(2026, 4, 25)) == []


def test_overdue_decisions_are_carried_to_the_next_meeting(world):
    m, (first, _) = _approved_meeting(world)
    mc.start_session(CHAIR, m.id, now=ON_THE_DAY, expected_version=None)
    d = dc.record_decision(CHAIR, m.id, text="限期整改", lead_agency_id=world.housing, co_agency_ids=[],
                           due_on=date(2026, 4, 30), item_id=first, today=MEETING_ON, expected_version=None)
    mc.record_attendance(OFFICE, m.id, {world.housing: "present"}, expected_version=None)
    mc.close_meeting(CHAIR, m.id, expected_version=None)
    nxt = mc.schedule_meeting(OFFICE, held_on=date(2026, 5, 20), today=date(2026, 4, 21))
    with read_session() as s:
        before_due = {x.key for x in mq.suggested_items(s, nxt.id, today=date(2026, 4, 30))}
        after_due = {x.key: x for x in mq.suggested_items(s, nxt.id, today=date(2026, 5, 6))}
        red = mq.open_decisions(s, today=date(2026, 5, 6))[0]
    assert f"decision:{d.id}" not in before_due
    follow = after_due[f"decision:{d.id}"]
    assert follow.kind == "decision_followup" and follow.evidence["days_late"] == 6
    assert follow.evidence["meeting"] == "LX-2026-04"
    assert red.light == "red" and red.days_late == 6
    item = mc.add_suggested_item(OFFICE, nxt.id, f"decision:{d.id}", today=date(2026, 5, 6), expected_version=None)
    with read_session() as s:
        links = s.scalars(select(AgendaItemLink.decision_id).where(AgendaItemLink.item_id == item.id)).all()
        # The meeting that took the decision does not follow itself up.
        own = {x.key for x in mq.suggested_items(s, m.id, today=date(2026, 5, 6))}
    assert links == [d.id] and f"decision:{d.id}" not in own


def test_referrals_another_item_discusses_are_not_counted_again(world):
    m = _meeting()
    _submit(world.head(world.east), m.id, kind="overdue_referral", referral_numbers=["YS-2026-000001"])
    with read_session() as s:
        found = {x.key: x for x in mq.suggested_items(s, m.id, today=TODAY)}
    group = found[f"referrals:{world.housing}"]
    assert group.evidence["count"] == 1 and group.referral_ids == (world.overdue_refs[1],)
