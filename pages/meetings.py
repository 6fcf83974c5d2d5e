"""Meetings (会议安排): schedule regular meetings at the configured cadence and ad hoc ones,
see every meeting with its status, change a meeting's arrangements, open the call for agenda
items, cancel."""

from datetime import time, timedelta

import pandas as pd
import streamlit as st

from data_access.commands import meetings as mc
from data_access.db import read_session
from data_access.documents import meeting_docs as md
from data_access.queries import meetings as mq
from data_access.queries.agencies import agency_options
from rules.permissions import can
from ui import filters, projector
from ui.components import DOCX_MIME, inert
from ui.forms import EntryForm, last_refusal, new_record_form, one_click, status_text
from ui.i18n import t
from ui.session import actor

user = actor()
today = projector.today()
may_schedule = can(user.role, "meeting.schedule")
st.title(t("联席会议安排"))


def parse_observers(text: str) -> list[tuple[str, str | None]]:
    """One observer a line: "姓名，身份" (the capacity is optional)."""
    out = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.replace("，", ",").split(",", 1)]
        if parts[0]:
            out.append((parts[0], parts[1] if len(parts) > 1 and parts[1] else None))
    return out


def minutes_bytes(meeting_id: int) -> bytes:
    """Built when the button is pressed, not on every run of the page."""
    with read_session() as session:
        return md.minutes_docx(session, meeting_id, today=today)


def start_time_text(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def place_and_chair(form: EntryForm, meeting=None) -> tuple[str, str]:
    """The meeting's place and who chairs it, side by side (``meeting``'s when editing one)."""
    left, right = st.columns(2)
    place = form.field(st.text_input, "会议地点", "place", within=left, value=(meeting.place or "") if meeting else "")
    chair = form.field(st.text_input, "主持人", "chair_name", within=right,
                       value=(meeting.chair_name or "") if meeting else "")
    return place, chair


last_refusal("meetings.error")

with read_session() as session:
    rows = mq.list_meetings(session)
    agencies = {a.id: a.name for a in agency_options(session, include_inactive=False)}

# --------------------------------------------------------------------------- scheduling


def regular_fields(form: EntryForm) -> dict:
    """A run of regular meetings, keyed like ``schedule_regular_meetings``'s parameters."""
    a, b, c = st.columns(3)
    values = {
        "first_on": form.field(st.date_input, "首次会议日期", "first_on", slot="held_on", within=a,
                               value=today + timedelta(days=20)),
        "count": int(form.field(st.number_input, "安排次数", "count", within=b, min_value=1, max_value=24, value=1)),
        "start_time": start_time_text(form.field(st.time_input, "开始时间", "start_time", within=c,
                                                 value=time(14, 30))),
    }
    values["place"], values["chair_name"] = place_and_chair(form)
    return values


def ad_hoc_fields(form: EntryForm) -> dict:
    """An ad hoc meeting, keyed like ``schedule_meeting``'s parameters."""
    a, b = st.columns(2)
    values = {
        "held_on": form.field(st.date_input, "会议日期", "held_on", within=a, value=today + timedelta(days=3)),
        "start_time": start_time_text(form.field(st.time_input, "开始时间", "start_time", within=b, value=time(9, 0))),
        "title": form.field(st.text_input, "会议名称（可不填）", "title", limit=200),
    }
    values["place"], values["chair_name"] = place_and_chair(form)
    values["invitee_ids"] = form.field(st.multiselect, "参会单位", "invitee_ids", options=list(agencies),
                                       default=list(agencies), format_func=agencies.get)
    values["observers"] = parse_observers(form.field(st.text_area, "列席人员（每行一位：姓名，身份）", "observers",
                                                     placeholder="李明，人大代表"))
    return values


if may_schedule:
    regular_tab, ad_hoc_tab = st.tabs([t("安排例会"), t("安排临时会议")])
    with regular_tab:
        new_record_form(
            "meeting_regular", regular_fields,
            lambda **values: mc.schedule_regular_meetings(user, **values, today=today),
            lambda saved, _values: t("已安排例会：{list}。", list="、".join(f"{m.number}（{m.held_on}）" for m in saved)),
            submit="安排例会",
            note="例会按规则参数中的会议周期（默认每月一次）依次安排，遇休息日顺延至当月工作日；默认邀请全部成员单位。",
        )
    with ad_hoc_tab:
        new_record_form(
            "meeting_adhoc", ad_hoc_fields,
            lambda **values: mc.schedule_meeting(user, kind="ad_hoc", **values, today=today),
            lambda saved, _values: t("已安排临时会议 {number}（{d}）。", number=saved.number, d=saved.held_on),
            submit="安排临时会议",
        )

# --------------------------------------------------------------------------- the list
st.subheader(t("会议一览"))
if not rows:
    st.info(t("还没有安排会议。"))
    st.stop()
table = pd.DataFrame([
    {
        t("编号"): m.number, t("会议"): m.title, t("日期"): m.held_on, t("状态"): status_text("meeting", m.status),
        t("议题截止"): m.agenda_cutoff, t("已审定议题"): m.items_approved, t("待审定"): m.items_waiting,
        t("逾期提交待定"): m.items_late, t("议定事项"): m.decisions,
    }
    for m in rows
])
st.dataframe(table, hide_index=True, width="stretch")

labels = {m.id: f"{m.number} · {m.title} · {status_text('meeting', m.status)}" for m in rows}
upcoming = sorted((m for m in rows if m.held_on >= today and m.status != "cancelled"), key=lambda m: m.held_on)
meeting_id = filters.selectbox(t("会议"), list(labels), "flt_meeting",
                               default=upcoming[0].id if upcoming else rows[0].id, format_func=labels.get)
meeting = next(m for m in rows if m.id == meeting_id)
with read_session() as session:
    people, observers = mq.meeting_people(session, meeting.id)

with st.container(border=True):
    st.markdown(f"**{inert(meeting.number)} {inert(meeting.title)}** · {status_text('meeting', meeting.status)}")
    st.caption(t("日期：{d} {s}；地点：{p}；主持：{c}；议题征集截止：{cut}", d=meeting.held_on.isoformat(),
                 s=meeting.start_time or "", p=inert(meeting.place) or "—", c=inert(meeting.chair_name) or "—",
                 cut=meeting.agenda_cutoff.isoformat()))
    st.caption(t("参会单位（{n}）：", n=sum(p.invited for p in people)) + inert("、".join(p.name for p in people if p.invited)))
    if observers:
        st.caption(t("列席人员：") + inert("、".join(f"{o.name}（{o.capacity or ''}）" for o in observers)))

    def act(command, *args, **kwargs) -> None:
        one_click("meetings.error", command, *args, **kwargs)

    if may_schedule:
        a, b = st.columns(2)
        if meeting.status == "planned" and a.button(t("发布议题征集"), key="meetings.collect", type="primary"):
            act(mc.open_agenda_collection, meeting.id, expected_version=meeting.version)
        if meeting.status not in ("closed", "cancelled"):
            with b.popover(t("取消会议")):
                reason = st.text_input(t("取消原因"), key="meetings.cancel.reason")
                if st.button(t("确认取消"), key="meetings.cancel"):
                    act(mc.cancel_meeting, meeting.id, reason=reason, expected_version=meeting.version)
    if meeting.status == "closed":
        st.download_button(t("下载会议纪要（Word）"), lambda mid=meeting.id: minutes_bytes(mid),
                           md.document_filename(meeting.number, "minutes"), mime=DOCX_MIME,
                           icon=":material/description:", key="meetings.minutes")

if may_schedule and meeting.status in ("planned", "collecting", "approved"):
    with st.expander(t("修改会议安排")):
        form = EntryForm(f"meeting_edit_{meeting.id}")
        form.start()
        shown = form.shown_version(meeting.id, meeting.version)
        form.stale_notice()
        with st.form(f"meeting_edit_form_{meeting.id}", enter_to_submit=False):
            a, b = st.columns(2)
            held_on = form.field(st.date_input, "会议日期", "held_on", within=a, value=meeting.held_on)
            hh, mm = (int(x) for x in (meeting.start_time or "14:30").split(":"))
            start = form.field(st.time_input, "开始时间", "start_time", within=b, value=time(hh, mm))
            title = form.field(st.text_input, "会议名称", "title", value=meeting.title)
            place, chair = place_and_chair(form, meeting)
            invitees = form.field(st.multiselect, "参会单位", "invitee_ids", options=list(agencies),
                                  default=[p.agency_id for p in people if p.invited and p.agency_id in agencies],
                                  format_func=agencies.get)
            obs_text = form.field(st.text_area, "列席人员（每行一位：姓名，身份）", "observers",
                                  value="\n".join(f"{o.name}，{o.capacity}" if o.capacity else o.name for o in observers))
            form.general_slot()
            save = st.form_submit_button(t("保存修改"), type="primary")
        if save:
            form.submit(
                lambda: mc.update_meeting(
                    user, meeting.id, held_on=held_on, title=title, place=place, start_time=start_time_text(start),
                    chair_name=chair, invitee_ids=invitees, observers=parse_observers(obs_text),
                    expected_version=shown, today=today),
                lambda saved: t("已保存 {number} 的修改。", number=saved.number),
            )

