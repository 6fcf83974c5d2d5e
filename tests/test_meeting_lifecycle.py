"""A joint meeting through its whole life, driven through the pages with Streamlit's AppTest:
schedule; items submitted before and after the cut-off; a suggested item added with one
click; review and approval; the session with the projector following the console,
attendance and decisions; closing and the minutes; then, at the next meeting, the overdue
decision carried onto the agenda, progress posted and the decision marked done.

The pages read the day from ``ui.projector.today`` / ``now``, which the test sets, so the
cut-off and the overdue decision happen on known dates without touching the system clock.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from docx import Document
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

import ui.projector
from data_access.commands import meetings as mc
from data_access.db import read_session
from data_access.documents import meeting_docs as md
from data_access.models import AgendaItem, Attendance, Decision, Meeting
from tests.support.meeting_world import CHAIR, OFFICE, build_world


class Clock:
    def __init__(self, monkeypatch):
        self.day = date(2026, 4, 1)
        self.time = datetime(2026, 4, 1, 9, 0)
        monkeypatch.setattr(ui.projector, "today", lambda: self.day)
        monkeypatch.setattr(ui.projector, "now", lambda: self.time)

    def set(self, day: date, hour: int = 9, minute: int = 0) -> None:
        self.day = day
        self.time = datetime(day.year, day.month, day.day, hour, minute)


def page(name: str, actor, **query) -> AppTest:
    at = AppTest.from_file(f"../pages/{name}.py", default_timeout=60)
    at.session_state["actor"] = actor
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def click(at: AppTest, label: str | None = None, *, key: str | None = None) -> AppTest:
    button = at.button(key) if key else next(b for b in at.button if b.label == label)
    button.click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def field(at: AppTest, kind: str, form: str, name: str):
    """A form's widget: ``ui.forms.EntryForm`` keys are ``form.<generation>.name``."""
    pattern = re.compile(rf"^{re.escape(form)}\.\d+\.{re.escape(name)}$")
    found = [w for w in getattr(at, kind) if w.key and pattern.match(w.key)]
    assert len(found) == 1, (form, name, [w.key for w in getattr(at, kind)])
    return found[0]


def has_field(at: AppTest, kind: str, form: str, name: str) -> bool:
    pattern = re.compile(rf"^{re.escape(form)}\.\d+\.{re.escape(name)}$")
    return any(w.key and pattern.match(w.key) for w in getattr(at, kind))


def texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def one(session, stmt):
    return session.scalars(stmt).one()


def test_a_meeting_from_scheduling_to_follow_up(empty_db, monkeypatch):
    w = build_world()
    clock = Clock(monkeypatch)
    east_head, hill_head, housing_head = w.head(w.east), w.head(w.hill), w.head(w.housing)

    # --- 1. The office schedules the April meeting and opens the call for items (04-01).
    at = page("meetings", OFFICE)
    field(at, "date_input", "meeting_regular", "first_on").set_value(date(2026, 4, 20))
    field(at, "text_input", "meeting_regular", "place").input("市政府3号会议室")
    field(at, "text_input", "meeting_regular", "chair_name").input("王副市长")
    click(at, "安排例会")
    assert any("LX-2026-04" in s for s in texts(at, "success"))
    with read_session() as s:
        april = one(s, select(Meeting).where(Meeting.number == "LX-2026-04"))
    assert (april.held_on, april.place, april.start_time) == (date(2026, 4, 20), "市政府3号会议室", "14:30")
    click(at, key="meetings.collect")
    with read_session() as s:
        assert s.get(Meeting, april.id).status == "collecting"

    # --- 2. A member submits before the cut-off (04-10) ...
    clock.set(date(2026, 4, 8))
    at = page("agenda", east_head)
    assert any("议题征集截止：2026-04-10" in s for s in texts(at, "info"))
    field(at, "text_input", "agenda_submit", "title").input("关于占道经营职责划分的议题")
    field(at, "selectbox", "agenda_submit", "kind").set_value("dispute")
    field(at, "multiselect", "agenda_submit", "dispute_ids").select(w.stalled_dispute)
    field(at, "text_input", "agenda_submit", "presenter").input("陈主任")
    field(at, "number_input", "agenda_submit", "minutes").set_value(15)
    click(at, "提交议题")
    assert any("等待审定" in s for s in texts(at, "success"))

    # ... an empty title is refused next to the field, nothing saved ...
    clock.set(date(2026, 4, 14))
    at = page("agenda", hill_head)
    assert any("已过截止日期" in s for s in texts(at, "warning"))
    field(at, "selectbox", "agenda_submit", "kind").set_value("policy")
    click(at, "提交议题")
    assert any("请填写议题名称" in s for s in texts(at, "error"))
    # ... and after the cut-off the item is marked late.
    field(at, "text_input", "agenda_submit", "title").input("关于夜间施工扰民的议题")
    click(at, "提交议题")
    assert any("逾期提交" in s for s in texts(at, "success"))
    with read_session() as s:
        items = {i.title: i for i in s.scalars(select(AgendaItem).where(AgendaItem.meeting_id == april.id))}
    on_time, late = items["关于占道经营职责划分的议题"], items["关于夜间施工扰民的议题"]
    assert (on_time.late, late.late) == (False, True)

    # --- 3. The chair cannot decide the late item; the office adds a suggestion and reviews.
    at = page("agenda", CHAIR)
    assert f"agenda.approved.{late.id}" not in [b.key for b in at.button]
    assert any("逾期提交的议题由联席会议办公室决定" in c for c in texts(at, "caption"))
    at = page("agenda", OFFICE)
    suggestion_keys = [b.key for b in at.button if b.key and b.key.startswith("sugg.add.")]
    # The member's item already covers the stalled dispute, so it is not suggested again.
    assert f"sugg.add.dispute:{w.stalled_dispute}" not in suggestion_keys
    assert f"sugg.add.referrals:{w.housing}" in suggestion_keys
    click(at, key=f"sugg.add.referrals:{w.housing}")
    with read_session() as s:
        suggested = one(s, select(AgendaItem).where(AgendaItem.meeting_id == april.id, AgendaItem.suggested))
    assert suggested.evidence["count"] == 2 and "市住房和城乡建设局" in suggested.title
    click(at, key=f"agenda.approved.{on_time.id}")
    click(at, key=f"agenda.approved.{suggested.id}")
    click(at, key=f"agenda.deferred.{late.id}")
    click(at, key=f"agenda.up.{suggested.id}")  # the overdue referrals go first
    click(at, key="agenda.lock")
    with read_session() as s:
        assert s.get(Meeting, april.id).status == "approved"
        order = s.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == april.id,
                                                      AgendaItem.status == "approved")
                          .order_by(AgendaItem.position)).all()
    assert order == [suggested.id, on_time.id]
    assert not has_field(at, "text_input", "agenda_submit", "title")  # locked: no more submissions

    # --- 4. The meeting (04-20): the console drives the projector.
    clock.set(date(2026, 4, 20), 14, 30)
    room = page("meeting_room", CHAIR)
    click(room, "开始会议")
    projector = page("projector", OFFICE, meeting=str(april.id))
    shown = "".join(m.value for m in projector.markdown)
    assert 'data-phase="item"' in shown and "市住房和城乡建设局移送案件受理告知超期" in shown
    assert "YS-2026-000001" in shown and 'data-remaining="600"' in shown  # its overdue list, 10 minutes
    clock.set(date(2026, 4, 20), 14, 42)
    room.radio(key="room.section").set_value("items").run()
    click(room, key=f"room.item.{on_time.id}")
    clock.set(date(2026, 4, 20), 14, 45)
    projector = page("projector", OFFICE)  # no ?meeting=: the meeting in session
    shown = "".join(m.value for m in projector.markdown)
    assert "关于占道经营职责划分的议题" in shown and "ZY-2026-001" in shown  # the dispute's history
    assert 'data-remaining="720"' in shown  # 15 minutes allotted, 3 gone

    # A decision without a lead agency is refused next to the field; then recorded.
    field(room, "text_area", "decision", "text").input("占道经营由城东街道牵头整治，住建局配合")
    click(room, "记录")
    assert any("请选择牵头单位" in e for e in texts(room, "error"))
    field(room, "selectbox", "decision", "lead_agency_id").set_value(w.east)
    field(room, "multiselect", "decision", "co_agency_ids").select(w.housing)
    field(room, "date_input", "decision", "due_on").set_value(date(2026, 5, 1))
    click(room, "记录")
    assert any("已记录议定事项" in s for s in texts(room, "success"))
    projector.run()
    assert "占道经营由城东街道牵头整治" in "".join(m.value for m in projector.markdown)

    # Closing cannot be done before attendance is taken, and the console says so beforehand.
    room.radio(key="room.section").set_value("close").run()
    assert room.checkbox(key="room.close.sure").disabled
    assert any("请先在“① 出席登记”中登记出席情况" in c.value for c in room.caption)
    assert next(b for b in room.button if b.label == "结束会议").disabled

    # Attendance: nothing is recorded until saved; the member agencies are expected (present),
    # judicial bodies only as invited. Saving the defaults, then one deputised, one absent.
    room.radio(key="room.section").set_value("attendance").run()
    with read_session() as s:
        assert not s.scalars(select(Attendance)).all()
    click(room, "保存出席情况")
    mc.record_attendance(CHAIR, april.id, {w.housing: ("deputised", "张科长"), w.market: "absent"}, expected_version=None)
    with read_session() as s:
        attendance = {a.agency_id: (a.status, a.delegate) for a in s.scalars(select(Attendance))}
    assert attendance[w.housing] == ("deputised", "张科长") and attendance[w.market] == ("absent", None)
    assert attendance[w.east] == ("present", None)
    assert all(status == "present" or agency in (w.housing, w.market) for agency, (status, _) in attendance.items())
    room.run()  # the console shows the meeting as it now is (its buttons carry the version shown)

    # --- 5. Closing: the projector shows the decisions; the minutes are there.
    click(room, "结束讨论，投影会议小结")
    projector.run()
    shown = "".join(m.value for m in projector.markdown)
    assert 'data-phase="closing"' in shown and "本次会议议定事项" in shown
    room.radio(key="room.section").set_value("close").run()
    room.checkbox(key="room.close.sure").check().run()
    click(room, "结束会议")
    assert any("共形成议定事项 1 项" in s for s in texts(room, "success"))
    assert any(b.label == "下载会议纪要（Word）" for b in room.get("download_button"))
    with read_session() as s:
        assert s.get(Meeting, april.id).status == "closed"
        minutes = Document(io.BytesIO(md.minutes_docx(s, april.id, today=date(2026, 4, 20))))
        decision = one(s, select(Decision))
    body = "\n".join(p.text for p in minutes.paragraphs)
    assert "牵头单位：城东街道；配合单位：市住房和城乡建设局；完成时限：2026年5月1日。" in body
    assert "委托出席：市住房和城乡建设局（张科长代）" in body

    # --- 6. The next meeting: the decision, overdue on 05-06, is carried over by itself.
    clock.set(date(2026, 4, 21))
    at = page("meetings", OFFICE)
    field(at, "date_input", "meeting_regular", "first_on").set_value(date(2026, 5, 20))
    click(at, "安排例会")
    with read_session() as s:
        may = one(s, select(Meeting).where(Meeting.number == "LX-2026-05"))
    clock.set(date(2026, 5, 6))
    follow = page("followup", housing_head)  # a co-agency reports progress
    assert "红灯" in str(follow.dataframe[0].value.iloc[0].tolist())
    field(follow, "text_area", f"progress_{decision.id}", "note").input("已清理占道摊点12处，正在复查")
    click(follow, "提交进展")
    assert any("已记录进展" in s for s in texts(follow, "success"))
    assert not has_field(follow, "text_area", f"complete_{decision.id}", "evidence")  # 配合单位 cannot close

    at = page("agenda", OFFICE)
    at.selectbox(key="flt_meeting").set_value(may.id).run()
    click(at, key=f"sugg.add.decision:{decision.id}")
    with read_session() as s:
        carried = one(s, select(AgendaItem).where(AgendaItem.meeting_id == may.id))
    assert carried.kind == "decision_followup" and carried.evidence["days_late"] == 5
    click(at, key=f"agenda.approved.{carried.id}")
    click(at, key="agenda.lock")

    clock.set(date(2026, 5, 20), 14, 30)
    room = page("meeting_room", CHAIR)
    room.selectbox(key="flt_meeting").set_value(may.id).run()
    click(room, "开始会议")
    projector = page("projector", OFFICE)
    shown = "".join(m.value for m in projector.markdown)
    assert "LX-2026-05" in shown and "已清理占道摊点12处" in shown and "逾期" in shown

    # The lead agency's head reports it done, with evidence, during the meeting.
    follow = page("followup", east_head)  # the lead agency
    field(follow, "text_area", f"complete_{decision.id}", "evidence").input("整治完成，复查无反弹，附照片及验收记录")
    click(follow, "标记为已完成")
    assert any("议定事项已办结" in s for s in texts(follow, "success"))
    assert any("没有需要督办的议定事项" in s for s in texts(follow, "info"))
    with read_session() as s:
        done = s.get(Decision, decision.id)
    assert (done.status, done.done_on) == ("done", date(2026, 5, 20))
    projector.run()
    assert "已完成" in "".join(m.value for m in projector.markdown)


def test_pages_in_english_and_what_an_observer_may_do(empty_db, monkeypatch):
    from data_access.commands import decisions as dc
    from data_access.commands import meetings as mc
    from tests.support.meeting_world import MEETING_ON, OBSERVER, TODAY

    w = build_world()
    clock = Clock(monkeypatch)
    m = mc.schedule_meeting(OFFICE, held_on=MEETING_ON, today=TODAY)
    item = mc.submit_agenda_item(w.head(w.east), m.id, title="关于占道经营的议题", kind="dispute",
                                 dispute_ids=[w.stalled_dispute], today=TODAY)
    mc.review_agenda_item(OFFICE, item.id, "approved", expected_version=None)
    mc.approve_agenda(OFFICE, m.id, expected_version=None)
    mc.start_session(CHAIR, m.id, now=datetime.combine(MEETING_ON, datetime.min.time()).replace(hour=14), expected_version=None)
    dc.record_decision(CHAIR, m.id, text="限期整改", lead_agency_id=w.east, co_agency_ids=[], due_on=date(2026, 5, 1),
                       item_id=item.id, today=MEETING_ON, expected_version=None)
    clock.set(MEETING_ON, 15)

    titles = {"meetings": "Joint meetings", "agenda": "Agenda: collection and review",
              "meeting_room": "Meeting console", "followup": "Decision follow-up"}
    for name, title in titles.items():
        at = AppTest.from_file(f"../pages/{name}.py", default_timeout=60)
        at.session_state["actor"] = OFFICE
        at.session_state["lang"] = "en"
        at.run()
        assert not at.exception, (name, [e.message for e in at.exception])
        assert at.title[0].value == title
    at = AppTest.from_file("../pages/projector.py", default_timeout=60)
    at.session_state["actor"] = OBSERVER
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    shown = "".join(x.value for x in at.markdown)
    assert "Decisions on this item" in shown and "限期整改" in shown

    # An observer reads everything and changes nothing.
    at = page("agenda", OBSERVER)
    assert not [b for b in at.button if b.key and b.key.startswith(("agenda.", "sugg."))]
    assert not has_field(at, "text_input", "agenda_submit", "title")
    at = page("followup", OBSERVER)
    assert not at.text_area
    at = page("meeting_room", OBSERVER)
    assert any("无权主持会议" in e for e in texts(at, "error")) and not at.button


@pytest.mark.parametrize("role", ["office", "chair", "head", "clerk", "observer"])
def test_every_meeting_page_renders_on_the_sample_city(city_db, role):
    from sqlalchemy import text

    from data_access.commands.base import Actor

    with city_db.connect() as conn:
        agency_id = conn.execute(text("SELECT id FROM agencies WHERE kind = 'town' ORDER BY id LIMIT 1")).scalar()
    actor = Actor(username=f"sample-{role}", role=role, agency_id=agency_id if role in ("head", "clerk") else None)
    for name in ("meetings", "agenda", "meeting_room", "projector", "followup"):
        at = AppTest.from_file(f"../pages/{name}.py", default_timeout=60)
        at.session_state["actor"] = actor
        at.run()
        assert not at.exception, (name, role, [e.message for e in at.exception])
        if name == "meeting_room" and role not in ("office", "chair"):
            assert any("无权主持会议" in e for e in texts(at, "error"))
