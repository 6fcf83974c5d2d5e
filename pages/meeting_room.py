"""The operator's console during the meeting (会议控制台): start the session, put an item on
the projector, record decisions and attendance in a few seconds each, close the meeting."""

from datetime import timedelta

import streamlit as st

from data_access.commands import decisions as dc
from data_access.commands import meetings as mc
from data_access.commands.base import CommandError
from data_access.db import read_session
from data_access.documents import meeting_docs as md
from data_access.queries import meetings as mq
from data_access.queries.agencies import agency_options
from rules import lifecycle
from rules.meetings import countdown
from ui import filters, projector
from ui.components import DOCX_MIME, inert
from ui.forms import EntryForm, last_refusal, one_click, status_text
from ui.i18n import pick, t
from ui.session import require

user = require("meeting.run")
st.title(t("会议控制台"))
today = projector.today()

with read_session() as session:
    meetings = [m for m in mq.list_meetings(session, statuses=("approved", "in_session", "closed"))][:24]
    current = mq.current_meeting_id(session, today=today)
if not meetings:
    st.info(t("还没有议程已审定的会议。请先在“议题征集”页面审定议程。"))
    st.stop()
labels = {m.id: f"{m.number} · {m.title} · {status_text('meeting', m.status)}" for m in meetings}
meeting_id = filters.selectbox(t("会议"), list(labels), "flt_meeting", default=current or meetings[0].id,
                               format_func=labels.get)


def act(command, *args, **kwargs) -> None:
    """Run a one-click command; show its refusal in plain words, else redraw the page."""
    one_click("room.error", command, *args, **kwargs)


def minutes_bytes(meeting_id: int) -> bytes:
    """Built when the button is pressed, not on every run of the page."""
    with read_session() as session:
        return md.minutes_docx(session, meeting_id, today=today)


last_refusal("room.error")

with read_session() as session:
    meeting = mq.get_meeting(session, meeting_id)
    items = mq.agenda(session, meeting_id, statuses=("approved",))
    people, observers = mq.meeting_people(session, meeting_id)
    agencies = [(a.id, a.name) for a in agency_options(session, include_inactive=False)]
    decided = mq.meeting_decisions(session, meeting_id, today=today)

top = st.columns([3, 2, 2])
top[0].markdown(f"**{meeting.title}** · {meeting.held_on.isoformat()} {meeting.start_time or ''} · "
                f"{meeting.place or ''}  \n{t('状态')}：**{status_text('meeting', meeting.status)}**")
top[1].link_button(t("打开投影窗口"), f"projector?meeting={meeting.id}", icon=":material/slideshow:",
                   width="stretch")
if meeting.status == "approved":
    if top[2].button(t("开始会议"), type="primary", icon=":material/play_arrow:", width="stretch"):
        act(mc.start_session, meeting.id, expected_version=meeting.version, now=projector.now())
elif meeting.status == "in_session":
    if top[2].button(t("结束讨论，投影会议小结"), icon=":material/summarize:", width="stretch",
                     disabled=meeting.current_item_id is None):
        act(mc.stop_session, meeting.id, expected_version=meeting.version, now=projector.now())

agenda_tab, attendance_tab, close_tab = st.tabs([t("议题与议定事项"), t("出席登记"), t("结束与纪要")])

# --------------------------------------------------------------------------- items and decisions
with agenda_tab:
    left, right = st.columns([2, 3])
    with left:
        st.subheader(t("议程"))
        running = meeting.status == "in_session"
        for n, item in enumerate(items, start=1):
            is_current = item.id == meeting.current_item_id
            label = f"{n}. {item.title} （{item.minutes}{t('分钟')}）"
            if st.button(label, key=f"room.item.{item.id}", type="primary" if is_current else "secondary",
                         icon=":material/slideshow:" if is_current else None, disabled=not running,
                         width="stretch"):
                act(mc.select_item, meeting.id, item.id, expected_version=meeting.version, now=projector.now())
        if not items:
            st.info(t("议程中没有审定的议题。"))
        if running and items:
            ids = [i.id for i in items]
            at = ids.index(meeting.current_item_id) if meeting.current_item_id in ids else -1
            if at + 1 < len(ids) and st.button(t("下一议题"), key="room.next", icon=":material/skip_next:"):
                act(mc.select_item, meeting.id, ids[at + 1], expected_version=meeting.version, now=projector.now())

        @st.fragment(run_every=2)
        def clock() -> None:
            with read_session() as session:
                fresh = mq.get_meeting(session, meeting_id)
            shown = next((i for i in items if i.id == fresh.current_item_id), None)
            if fresh.status == "in_session" and shown is not None:
                c = countdown(fresh.item_started_at, shown.minutes, projector.now())
                text = t("已超时 {c}", c=c.label) if c.overrun else t("剩余 {c}", c=c.label)
                (st.error if c.overrun else st.info)(f"{t('投影中')}：{shown.title} · {text}",
                                                     icon=":material/timer:")
            elif fresh.status == "in_session":
                st.info(t("投影中：会议小结"), icon=":material/summarize:")

        clock()

    with right:
        current_item = next((i for i in items if i.id == meeting.current_item_id), None)
        st.subheader(t("记录议定事项"))
        if meeting.status != "in_session":
            st.caption(t("会议开始后可记录议定事项。"))
        else:
            st.caption(t("关联议题：{title}", title=current_item.title if current_item else t("（未关联议题）")))
            names = dict(agencies)
            form = EntryForm("decision")
            form.start()
            with st.form("decision_form", enter_to_submit=False):
                text = st.text_area(t("议定事项"), key=form.key("text"), height=90)
                form.slot("text")
                a, b, c = st.columns([2, 3, 2])
                with a:
                    lead = st.selectbox(t("牵头责任单位"), list(names), index=None, format_func=names.get,
                                        key=form.key("lead_agency_id"), placeholder=t("请选择单位"))
                    form.slot("lead_agency_id")
                with b:
                    co = st.multiselect(t("配合单位"), list(names), format_func=names.get,
                                        key=form.key("co_agency_ids"), placeholder=t("可不选"))
                    form.slot("co_agency_ids")
                with c:
                    due = st.date_input(t("完成时限"), value=max(today, meeting.held_on) + timedelta(days=30),
                                        key=form.key("due_on"))
                    form.slot("due_on")
                form.general_slot()
                save = st.form_submit_button(t("记录"), type="primary", icon=":material/add_task:")
            if save:
                form.submit(
                    lambda: dc.record_decision(
                        user, meeting.id, text=text, lead_agency_id=lead, co_agency_ids=co, due_on=due,
                        item_id=current_item.id if current_item else None, today=today),
                    lambda saved: t("已记录议定事项：{text}（牵头：{lead}，{due}前完成）", text=saved.text[:30],
                                    lead=names.get(saved.lead_agency_id, ""), due=saved.due_on.isoformat()),
                )
        st.subheader(t("本次会议已议定事项"))
        if not decided:
            st.caption(t("尚无。"))
        for k, d in enumerate(decided, start=1):
            # Typed text goes into HTML here: escaped, and its markdown made literal too.
            co_text = f"；{t('配合')}：{inert('、'.join(d.co_agencies))}" if d.co_agencies else ""
            st.markdown(f"{k}. {inert(d.text)}  \n<small>{t('牵头')}：{inert(d.lead_agency)}{co_text}；"
                        f"{t('完成时限')}：{d.due_on.isoformat()}；{t('议题')}：{inert(d.item_title or '—')}</small>",
                        unsafe_allow_html=True)

# --------------------------------------------------------------------------- attendance
with attendance_tab:
    if meeting.status not in ("approved", "in_session", "closed"):
        st.caption(t("议程审定后可登记出席。"))
    else:
        codes = list(lifecycle.ATTENDANCE_LABELS)
        with st.form("attendance_form", enter_to_submit=False):
            st.caption(t("默认全部出席，只需改动缺席和委托出席的单位。"))
            chosen: dict[int, tuple[str, str | None]] = {}
            for p in people:
                a, b, c = st.columns([3, 4, 3])
                a.markdown(p.name if p.invited else f"{p.name}（{t('未邀请')}）")
                status = b.radio(
                    p.name, codes, index=codes.index(p.status or "present"), horizontal=True,
                    format_func=lambda code: pick(lifecycle.ATTENDANCE_LABELS[code]),
                    key=f"att.{meeting.id}.{p.agency_id}", label_visibility="collapsed")
                delegate = c.text_input(t("代为出席人员"), value=p.delegate or "", key=f"att.{meeting.id}.{p.agency_id}.d",
                                        label_visibility="collapsed", placeholder=t("委托出席时填写姓名"))
                chosen[p.agency_id] = (status, delegate)
            seen = {}
            if observers:
                st.markdown(f"**{t('列席人员')}**")
                for o in observers:
                    seen[o.id] = st.checkbox(f"{o.name}（{o.capacity or ''}）", value=o.attended is not False,
                                             key=f"att.{meeting.id}.obs.{o.id}")
            save_attendance = st.form_submit_button(t("保存出席情况"), type="primary")
        if save_attendance:
            try:
                saved = mc.record_attendance(user, meeting.id, chosen, observers=seen,
                                             expected_version=meeting.version)
            except CommandError as exc:
                st.session_state["room.error"] = exc
            else:
                st.session_state["room.notice"] = t("已登记 {n} 个单位的出席情况。", n=saved.recorded)
            st.rerun()
        notice = st.session_state.pop("room.notice", None)
        if notice:
            st.success(notice, icon=":material/check_circle:")
        recorded = [p for p in people if p.status]
        st.caption(t("已登记：出席 {a}，委托出席 {b}，缺席 {c}。",
                     a=sum(p.status == "present" for p in recorded), b=sum(p.status == "deputised" for p in recorded),
                     c=sum(p.status == "absent" for p in recorded)))

# --------------------------------------------------------------------------- closing and minutes
with close_tab:
    if meeting.status == "in_session":
        st.caption(t("结束会议前请确认出席情况已登记、议定事项已记录完整。"))
        sure = st.checkbox(t("确认结束会议"), key="room.close.sure")
        if st.button(t("结束会议"), type="primary", disabled=not sure, icon=":material/stop_circle:"):
            act(mc.close_meeting, meeting.id, expected_version=meeting.version)
    elif meeting.status == "closed":
        st.success(t("会议已结束，共形成议定事项 {n} 项。", n=len(decided)))
    else:
        st.caption(t("会议尚未开始。"))
    if meeting.status == "closed":
        st.download_button(t("下载会议纪要（Word）"), lambda mid=meeting.id: minutes_bytes(mid),
                           md.document_filename(meeting.number, "minutes"), mime=DOCX_MIME,
                           icon=":material/description:", type="primary")
