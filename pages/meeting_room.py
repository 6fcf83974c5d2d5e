"""The operator's console during the meeting (会议控制台): start the session, step the
projector through the agenda, take attendance, record decisions, close, issue the minutes.

Everything the operator needs while the room watches is on the first screen (1440×900): the
meeting, the steps the office follows and where it stands, 开始会议, 上一项 / 下一项 (also
PageUp / PageDown, which presenter remotes send), the closing slide's button, the item on the
projector with its countdown. Below, one section at a time (kept in session state, so the
console stays where the operator is). A step that cannot be done yet is shown disabled with
the reason next to it, before anyone presses it.
"""

from datetime import timedelta

import pandas as pd
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
# Compact enough that the controls, the item on screen and its clock fit a 1440×900 screen.
st.html("<style>.stMainBlockContainer{padding-top:1.2rem !important;} .stMainBlockContainer h1{font-size:1.7rem;"
        "padding:0 0 .2rem !important;} .st-key-room_keys{display:none !important;}</style>")
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
                               format_func=labels.get, label_visibility="collapsed")


def act(command, *args, **kwargs) -> None:
    """Run a one-click command; show its refusal in plain words, else redraw the page."""
    one_click("room.error", command, *args, **kwargs)


def minutes_bytes(meeting_id: int) -> bytes:
    """Built when the button is pressed, not on every run of the page."""
    with read_session() as session:
        return md.minutes_docx(session, meeting_id, today=today)


def show_item(item_id: int | None, version: int) -> None:
    """Button callback: runs before the next page run starts, so the projector hears of the
    new item as soon as possible (not after this page has read everything again)."""
    try:
        mc.select_item(user, meeting_id, item_id, expected_version=version, now=projector.now())
    except CommandError as exc:
        st.session_state["room.error"] = exc  # shown by last_refusal on the run that follows


def reason(text: str | None) -> None:
    """Why the control above cannot be used yet (shown before anyone presses it)."""
    if text:
        st.caption(f":material/info: {text}")


with read_session() as session:
    meeting = mq.get_meeting(session, meeting_id)
    items = mq.agenda(session, meeting_id, statuses=("approved",))
    people, observers = mq.meeting_people(session, meeting_id)
    agencies = [(a.id, a.name) for a in agency_options(session, include_inactive=False)]
    decided = mq.meeting_decisions(session, meeting_id, today=today)

last_refusal("room.error")

running = meeting.status == "in_session"
recorded = [p for p in people if p.status]
ids = [i.id for i in items]
at = ids.index(meeting.current_item_id) if meeting.current_item_id in ids else None
on_closing_slide = running and meeting.current_item_id is None

# --------------------------------------------------------------------------- where we are
when = meeting.held_on.isoformat()
if meeting.held_off_schedule:
    when += t("（原定 {d}）", d=meeting.scheduled_on.isoformat())
steps = [
    (t("出席登记"), bool(recorded)),
    (t("逐项审议"), running and (at is not None or on_closing_slide) or meeting.status == "closed"),
    (t("议定事项 {n} 项", n=len(decided)), bool(decided)),
    (t("结束会议"), meeting.status == "closed"),
    (t("会议纪要"), meeting.status == "closed"),
]
trail = " → ".join(f"{'✔' if done else '○'} {k}. {name}" for k, (name, done) in enumerate(steps, start=1))
st.markdown(f"{inert(when)} {inert(meeting.start_time or '')} · {inert(meeting.place or '')} · "
            f"{t('状态')}：**{status_text('meeting', meeting.status)}**  \n{trail}")

# --------------------------------------------------------------------------- the controls
c_start, c_prev, c_next, c_close, c_open = st.columns([3, 2, 2, 3, 2])
with c_start:
    if meeting.status == "approved":
        off_day = today != meeting.held_on
        if st.session_state.get("room.confirm_start") == meeting.id:
            st.warning(t("会议原定于 {d} 召开，今天是 {today}。按今天召开？纪要和议定事项将以今天为会议日期。",
                         d=meeting.held_on.isoformat(), today=today.isoformat()))
            ok, cancel = st.columns(2)
            if ok.button(t("确认按今天召开"), type="primary", key="room.start.confirm"):
                st.session_state.pop("room.confirm_start", None)
                act(mc.start_session, meeting.id, expected_version=meeting.version, now=projector.now(),
                    confirm_date=True)
            if cancel.button(t("取消"), key="room.start.cancel"):
                st.session_state.pop("room.confirm_start", None)
                st.rerun()
        else:
            if st.button(t("开始会议"), type="primary", icon=":material/play_arrow:", width="stretch",
                         disabled=not items):
                if off_day:
                    st.session_state["room.confirm_start"] = meeting.id
                    st.rerun()
                act(mc.start_session, meeting.id, expected_version=meeting.version, now=projector.now())
            reason(t("议程中没有审定的议题。") if not items else
                   t("原定于 {d} 召开，今天开始需确认。", d=meeting.held_on.isoformat()) if off_day else None)
    else:
        st.button(t("开始会议"), icon=":material/play_arrow:", width="stretch", disabled=True, key="room.start.off")
        reason(t("会议已开始。") if running else t("会议已结束。"))
with c_prev:
    back_to = ids[-1] if on_closing_slide and ids else (ids[at - 1] if at else None)
    st.button(t("上一项"), icon=":material/skip_previous:", width="stretch", key="room.prev",
              disabled=not running or back_to is None, on_click=show_item, args=(back_to, meeting.version))
    reason(None if running else t("会议开始后可用。"))
with c_next:
    last = at is not None and at + 1 >= len(ids)
    forward = ids[at + 1] if at is not None and not last else None
    st.button(t("下一项"), type="primary", icon=":material/skip_next:", width="stretch", key="room.next",
              disabled=not running or forward is None, on_click=show_item, args=(forward, meeting.version))
    reason(t("会议开始后可用。") if not running else t("已是最后一项。") if last else
           t("已在会议小结。") if on_closing_slide else None)
with c_close:
    st.button(t("结束讨论，投影会议小结"), icon=":material/summarize:", width="stretch", key="room.summary",
              disabled=not running or on_closing_slide, on_click=show_item, args=(None, meeting.version))
with c_open:
    st.link_button(t("打开投影窗口"), f"projector?meeting={meeting.id}", icon=":material/slideshow:",
                   width="stretch")

# The item on the projector and its clock, as the room sees them.
if running and at is not None:
    shown = items[at]
    left, right = st.columns([5, 2])
    left.markdown(f"**{t('投影中')}**：{at + 1}/{len(items)} · {inert(shown.title)}")
    with right:
        st.iframe(projector.countdown_html(countdown(meeting.item_started_at, shown.minutes, projector.now()),
                                                 projector.clock_key(meeting)), height=56)
elif running:
    st.markdown(f"**{t('投影中')}**：{t('会议小结')}")

# PageDown / PageUp (presenter remotes) press 下一项 / 上一项, here and from the projector's window.
with st.container(key="room_keys"):
    st.iframe("""<script>
const doc = window.parent.document;
function press(label) {
  const b = [...doc.querySelectorAll('button')].find(x => x.innerText.trim().endsWith(label));
  if (b && !b.disabled) b.click();
}
function key(e) {
  if (e.key === 'PageDown') { e.preventDefault(); press('下一项'); }
  if (e.key === 'PageUp') { e.preventDefault(); press('上一项'); }
}
if (!window.parent.jmKeys) {
  window.parent.jmKeys = true;
  doc.addEventListener('keydown', key);
  new BroadcastChannel('jm-remote').onmessage = m => press(m.data === 'next' ? '下一项' : '上一项');
}
</script>""", height=1)  # hidden by the page style; st.iframe takes no 0

# --------------------------------------------------------------------------- one section at a time
SECTIONS = {"attendance": t("① 出席登记"), "items": t("②③ 议题与议定事项"), "close": t("④⑤ 结束与纪要")}
default_section = "attendance" if meeting.status == "approved" else "close" if meeting.status == "closed" else "items"
section = filters.radio(t("步骤"), list(SECTIONS), "room.section", default=default_section,
                        format_func=SECTIONS.get, horizontal=True, label_visibility="collapsed")

# --------------------------------------------------------------------------- items and decisions
if section == "items":
    left, right = st.columns([2, 3])
    with left:
        st.markdown(f"**{t('议程')}**")
        for n, item in enumerate(items, start=1):
            is_current = item.id == meeting.current_item_id
            label = f"{n}. {inert(item.title)} （{item.minutes}{t('分钟')}）"
            st.button(label, key=f"room.item.{item.id}", type="primary" if is_current else "secondary",
                      icon=":material/slideshow:" if is_current else None, disabled=not running,
                      width="stretch", on_click=show_item, args=(item.id, meeting.version))
        if not items:
            st.info(t("议程中没有审定的议题。"))
        reason(None if running else t("会议开始后可点选议题投影。"))

    with right:
        current_item = next((i for i in items if i.id == meeting.current_item_id), None)
        st.markdown(f"**{t('记录议定事项')}**")
        if not running:
            reason(t("会议开始后可记录议定事项。"))
        else:
            st.caption(t("关联议题：{title}", title=inert(current_item.title) if current_item else t("（未关联议题）")))
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
                        item_id=current_item.id if current_item else None,
                        expected_version=current_item.version if current_item else None, today=today),
                    lambda saved: t("已记录议定事项：{text}（牵头：{lead}，{due}前完成）", text=saved.text[:30],
                                    lead=names.get(saved.lead_agency_id, ""), due=saved.due_on.isoformat()),
                )
        st.markdown(f"**{t('本次会议已议定事项')}**")
        if not decided:
            st.caption(t("尚无。"))
        for k, d in enumerate(decided, start=1):
            # Typed text goes into HTML here: escaped, and its markdown made literal too.
            co_text = f"；{t('配合')}：{inert('、'.join(d.co_agencies))}" if d.co_agencies else ""
            st.markdown(f"{k}. {inert(d.text)}  \n<small>{t('牵头')}：{inert(d.lead_agency)}{co_text}；"
                        f"{t('完成时限')}：{d.due_on.isoformat()}；{t('议题')}：{inert(d.item_title or '—')}</small>",
                        unsafe_allow_html=True)

# --------------------------------------------------------------------------- attendance
elif section == "attendance":
    if meeting.status == "closed":
        reason(t("会议已结束，出席情况不能再修改。"))
    codes = list(lifecycle.ATTENDANCE_LABELS)
    if not recorded:
        st.caption(t("尚未登记出席情况。成员单位按应到预选为“出席”，司法机关和列席人员按邀请列出、"
                     "默认不选；保存后才记为出席。"))
    # One table for all agencies (a widget per agency made every run of the console slow).
    words = {code: pick(lifecycle.ATTENDANCE_LABELS[code]) for code in codes}
    unset = t("（未定）")
    rows = []
    for p in people:
        member = p.kind != "judicial" and p.invited
        default = p.status or ("present" if member else None)
        rows.append({
            t("单位"): p.name if p.invited else f"{p.name}（{t('未邀请')}）",
            t("出席情况"): words[default] if default else unset,
            t("代为出席人员"): p.delegate or "",
        })
    with st.form("attendance_form", enter_to_submit=False):
        edited = st.data_editor(
            pd.DataFrame(rows), key=f"att.{meeting.id}", hide_index=True, width="stretch",
            height=min(38 * (len(rows) + 1) + 4, 420), disabled=[t("单位")],
            column_config={
                t("出席情况"): st.column_config.SelectboxColumn(options=[unset, *words.values()], required=True),
                t("代为出席人员"): st.column_config.TextColumn(help=t("委托出席时填写姓名"), max_chars=50),
            },
        )
        seen = {}
        if observers:
            st.markdown(f"**{t('列席人员')}**")
            cols = st.columns(min(len(observers), 4))
            for k, o in enumerate(observers):
                seen[o.id] = cols[k % len(cols)].checkbox(f"{o.name}（{o.capacity or ''}）", value=bool(o.attended),
                                                          key=f"att.{meeting.id}.obs.{o.id}")
        save_attendance = st.form_submit_button(t("保存出席情况"), type="primary",
                                                disabled=meeting.status == "closed")
    by_word = {w: code for code, w in words.items()}
    chosen: dict[int, tuple[str, str | None]] = {}
    for p, (_, row) in zip(people, edited.iterrows()):
        code = by_word.get(row[t("出席情况")])
        if code:
            chosen[p.agency_id] = (code, row[t("代为出席人员")] or None)
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
    st.caption(t("已登记：出席 {a}，委托出席 {b}，缺席 {c}。",
                 a=sum(p.status == "present" for p in recorded), b=sum(p.status == "deputised" for p in recorded),
                 c=sum(p.status == "absent" for p in recorded)))

# --------------------------------------------------------------------------- closing and minutes
else:
    if meeting.status == "closed":
        st.success(t("会议已结束，共形成议定事项 {n} 项。", n=len(decided)))
    else:
        why = (t("会议尚未开始。") if not running else
               t("请先在“① 出席登记”中登记出席情况（会议纪要需列明出席单位）。") if not recorded else None)
        st.caption(t("结束会议前请确认出席情况已登记、议定事项已记录完整。"))
        sure = st.checkbox(t("确认结束会议"), key="room.close.sure", disabled=why is not None)
        if st.button(t("结束会议"), type="primary", disabled=why is not None or not sure, icon=":material/stop_circle:"):
            act(mc.close_meeting, meeting.id, expected_version=meeting.version)
        reason(why)
    st.download_button(t("下载会议纪要（Word）"), lambda mid=meeting.id: minutes_bytes(mid),
                       md.document_filename(meeting.number, "minutes"), mime=DOCX_MIME,
                       icon=":material/description:", type="primary", disabled=meeting.status != "closed")
    reason(None if meeting.status == "closed" else t("会议结束后可下载会议纪要。"))
