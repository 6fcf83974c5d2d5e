"""Agenda collection and review (议题征集与审定): members submit items until the cut-off; the
office and chair approve, defer or decline them, order them, allot minutes, add the items
the data call for with one click, and approve (lock) the agenda."""

import re

import streamlit as st

from data_access.commands import meetings as mc
from data_access.db import read_session
from data_access.documents import meeting_docs as md
from data_access.queries import meetings as mq
from data_access.queries.agencies import agency_options
from data_access.queries.forms import disputes_to_act_on
from rules import deadlines, lifecycle
from rules.permissions import can, scope_for
from ui import filters, projector
from ui.components import DOCX_MIME, inert
from ui.forms import last_refusal, new_record_form, one_click, status_text
from ui.i18n import pick, t
from ui.session import actor

user = actor()
today = projector.today()
may_submit = can(user.role, "agenda.submit")
may_review = can(user.role, "agenda.review")
st.title(t("议题征集与审定"))

with read_session() as session:
    meetings = mq.list_meetings(session, statuses=("planned", "collecting", "approved", "in_session", "closed"))[:24]
    open_now = mq.meetings_open_for_items(session, today=today)
if not meetings:
    st.info(t("还没有安排会议。"))
    st.stop()
labels = {m.id: f"{m.number} · {m.title} · {status_text('meeting', m.status)}" for m in meetings}
meeting_id = filters.selectbox(t("会议"), list(labels), "flt_meeting",
                               default=open_now[0].id if open_now else meetings[0].id, format_func=labels.get)


def act(command, *args, **kwargs) -> None:
    """A one-click action: its refusal is shown at the top of the page in plain words."""
    one_click("agenda.error", command, *args, **kwargs)


def document(build, *args, **kwargs) -> bytes:
    with read_session() as session:
        return build(session, *args, **kwargs)


last_refusal("agenda.error")

with read_session() as session:
    meeting = mq.get_meeting(session, meeting_id)
    items = mq.agenda(session, meeting_id)
    suggestions = mq.suggested_items(session, meeting_id, today=today) if may_review and meeting.agenda_editable else []

editable = meeting.agenda_editable
late_now = deadlines.is_after_cutoff(today, meeting.agenda_cutoff)
cutoff_line = t("会议日期：{d}；议题征集截止：{c}。", d=meeting.held_on.isoformat(), c=meeting.agenda_cutoff.isoformat())
if editable and late_now:
    st.warning(cutoff_line + t("已过截止日期：现在提交的议题将标记为逾期，由联席会议办公室决定是否列入。"),
               icon=":material/schedule:")
elif editable:
    st.info(cutoff_line + t("还有 {n} 天截止。", n=(meeting.agenda_cutoff - today).days), icon=":material/schedule:")
else:
    st.info(t("议程状态：{s}。", s=status_text("meeting", meeting.status))
            + (t("议程已审定并锁定。") if meeting.status != "cancelled" else ""), icon=":material/lock:")

tab_names = [t("议程")]
if may_submit and editable:
    tab_names.insert(0, t("提交议题"))
if may_review and editable:
    tab_names.append(t("建议议题（{n}）", n=len(suggestions)))
tabs = dict(zip(tab_names, st.tabs(tab_names)))

# --------------------------------------------------------------------------- submit


def agenda_item_fields(form) -> dict:
    """The fields of an agenda item as a member submits it, keyed like ``submit_agenda_item``'s."""
    own_only = scope_for(user.role, "agenda.submit") == "own"
    with read_session() as session:
        agencies = {a.id: a.name for a in agency_options(session, include_inactive=False)}
        disputes = {d.id: f"{d.number} {d.subject}" for d in disputes_to_act_on(session, None)}
        decisions = {d.id: f"{d.meeting_number} · {d.text[:40]}" for d in mq.open_decisions(session, today=today)}
    values = {"title": form.field(st.text_input, "议题名称", "title", limit=200, placeholder=t("关于……的议题"))}
    a, b = st.columns(2)
    kinds = list(lifecycle.AGENDA_KIND_LABELS)
    values["kind"] = form.field(st.selectbox, "议题类型", "kind", within=a, options=kinds, index=None,
                                format_func=lambda k: pick(lifecycle.AGENDA_KIND_LABELS[k]), placeholder=t("请选择"))
    with b:
        if own_only:
            st.selectbox(t("提交单位"), [user.agency_id], format_func=lambda a: agencies.get(a, ""),
                         disabled=True, key=form.key("agency_locked"))
            values["submitting_agency_id"] = user.agency_id
        else:
            options = list(agencies)
            values["submitting_agency_id"] = st.selectbox(
                t("提交单位"), options, index=options.index(user.agency_id) if user.agency_id in agencies else None,
                format_func=agencies.get, key=form.key("submitting_agency_id"), placeholder=t("联席会议办公室"))
        form.slot("submitting_agency_id")
    numbers = form.field(st.text_input, "关联移送编号（可填多个，用逗号或空格分隔）", "referral_numbers",
                         slot="referral_ids", placeholder="YS-2026-000123, YS-2026-000124")
    values["referral_numbers"] = [n for n in re.split(r"[\s,，、;；]+", numbers) if n]
    values["dispute_ids"] = form.field(st.multiselect, "关联职责争议", "dispute_ids", options=list(disputes),
                                       format_func=disputes.get, placeholder=t("可不选"))
    values["decision_ids"] = form.field(st.multiselect, "关联议定事项（督办）", "decision_ids", options=list(decisions),
                                        format_func=decisions.get, placeholder=t("可不选"))
    c, d = st.columns(2)
    values["presenter"] = form.field(st.text_input, "汇报人", "presenter", within=c)
    minutes = form.field(st.number_input, "申请时长（分钟）", "minutes", within=d, min_value=1,
                         max_value=mc.MAX_ITEM_MINUTES, value=10, step=5)
    values.update(minutes=int(minutes), today=today)
    return values


if t("提交议题") in tabs:
    with tabs[t("提交议题")]:
        new_record_form(
            "agenda_submit", agenda_item_fields, lambda **values: mc.submit_agenda_item(user, meeting.id, **values),
            lambda saved, _values: (t("已提交议题“{title}”（逾期提交，待办公室决定）。", title=saved.title) if saved.late
                                    else t("已提交议题“{title}”，等待审定。", title=saved.title)),
            submit="提交议题",
        )

# --------------------------------------------------------------------------- the agenda


def evidence_lines(ev: dict | None) -> list[str]:
    """The figures stored with a suggested item, as short lines."""
    if not ev:
        return []
    source = ev.get("source")
    if source == "referrals":
        lines = [t("{agency}：{n} 件移送超期未受理告知，最长超期 {d} 天（截至 {as_of}）", agency=ev["agency"],
                   n=ev["count"], d=ev["max_days_late"], as_of=ev["as_of"])]
        lines += [f"{r['number']} · {r['from']} · {t('超期 {d} 天', d=r['days_late'])}" for r in ev["referrals"][:5]]
        return lines
    if source == "dispute":
        return [t("{number}：{stage}阶段已 {d} 天；争议各方：{parties}", number=ev["number"],
                  stage=ev["stage_label"], d=ev["days_in_stage"], parties="、".join(ev["parties"]))]
    if source == "decision":
        return [t("{meeting} 议定事项，牵头单位 {lead}，{due} 到期，已逾期 {d} 天", meeting=ev["meeting"],
                  lead=ev["lead_agency"], due=ev["due_on"], d=ev["days_late"])]
    return []


with tabs[t("议程")]:
    approved = [i for i in items if i.status == "approved"]
    total = sum(i.minutes for i in approved)
    st.caption(t("已审定 {a} 项，预计 {m} 分钟；待审定 {w} 项。", a=len(approved), m=total,
                 w=sum(i.status == "submitted" for i in items)))
    if not items:
        st.info(t("还没有议题。"))
    for item in items:
        with st.container(border=True):
            badges = [status_text("agenda_item", item.status)]
            if item.late:
                badges.append(t("逾期提交"))
            if item.suggested:
                badges.append(t("系统建议"))
            number = f"{item.position}. " if item.status == "approved" else ""
            st.markdown(f"**{number}{inert(item.title)}**  ·  " + " · ".join(f"`{b}`" for b in badges))
            meta = [inert(item.submitting_agency) or t("联席会议办公室"), item.submitted_on.isoformat(),
                    pick(lifecycle.AGENDA_KIND_LABELS.get(item.kind, (item.kind, item.kind))),
                    t("{m} 分钟", m=item.minutes)]
            if item.presenter:
                meta.append(t("汇报人：{p}", p=inert(item.presenter)))
            st.caption(" · ".join(meta))
            if item.links:
                st.caption(t("关联：") + inert("、".join(link.label for link in item.links[:12]))
                           + ("…" if len(item.links) > 12 else ""))
            for line in evidence_lines(item.evidence):
                st.caption(inert(line))
            if not (may_review and editable):
                continue
            if item.late and not can(user.role, "agenda.admit_late") and item.status == "submitted":
                st.caption(t("逾期提交的议题由联席会议办公室决定是否列入。"))
                continue
            cols = st.columns([1, 1, 1, 1.4, 1, 0.6, 0.6])
            nxt = lifecycle.allowed_next("agenda_item", item.status)
            for col, (code, label) in zip(cols[:3], (("approved", "审定"), ("deferred", "暂缓"),
                                                     ("declined", "不予列入"))):
                if code in nxt and col.button(t(label), key=f"agenda.{code}.{item.id}",
                                              type="primary" if code == "approved" else "secondary"):
                    act(mc.review_agenda_item, item.id, code, expected_version=item.version)
            new_minutes = cols[3].number_input(t("时长（分钟）"), 1, mc.MAX_ITEM_MINUTES, item.minutes, step=5,
                                               key=f"agenda.minutes.{item.id}", label_visibility="collapsed")
            if cols[4].button(t("改时长"), key=f"agenda.setmin.{item.id}", disabled=new_minutes == item.minutes):
                act(mc.allot_minutes, item.id, int(new_minutes), expected_version=item.version)
            if item.status == "approved":
                ids = [i.id for i in approved]
                at = ids.index(item.id)
                if cols[5].button("↑", key=f"agenda.up.{item.id}", disabled=at == 0, help=t("上移")):
                    ids[at - 1], ids[at] = ids[at], ids[at - 1]
                    act(mc.order_agenda, meeting.id, ids, expected_version=meeting.version)
                if cols[6].button("↓", key=f"agenda.down.{item.id}", disabled=at == len(ids) - 1, help=t("下移")):
                    ids[at + 1], ids[at] = ids[at], ids[at + 1]
                    act(mc.order_agenda, meeting.id, ids, expected_version=meeting.version)

    if may_review and editable:
        if st.button(t("审定并锁定议程"), type="primary", key="agenda.lock", icon=":material/lock:"):
            act(mc.approve_agenda, meeting.id, expected_version=meeting.version)
    if can(user.role, "agenda.unlock") and meeting.status == "approved":
        with st.expander(t("解锁议程（须说明原因，将记入操作日志）")):
            reason = st.text_input(t("解锁原因"), key="agenda.unlock.reason")
            if st.button(t("解锁议程"), key="agenda.unlock"):
                act(mc.unlock_agenda, meeting.id, reason=reason, expected_version=meeting.version)
    # The documents are built only when their button is pressed (deferred download data).
    a, b = st.columns(2)
    a.download_button(t("下载会议议程（Word）"), lambda mid=meeting.id: document(md.agenda_docx, mid),
                      md.document_filename(meeting.number, "agenda"), mime=DOCX_MIME,
                      icon=":material/description:", key="agenda.docx", disabled=not items)
    if may_review:
        b.download_button(t("下载会议材料（指标与超期清单）"),
                          lambda mid=meeting.id: document(md.meeting_pack_docx, mid, today=today),
                          md.document_filename(meeting.number, "pack"), mime=DOCX_MIME,
                          icon=":material/folder_open:", key="agenda.pack.docx")

# --------------------------------------------------------------------------- suggestions
if may_review and editable:
    with tabs[t("建议议题（{n}）", n=len(suggestions))]:
        st.caption(t("根据数据自动提出：受理告知超期较久的移送（按接收单位）、停滞或待协调的职责争议、"
                     "此前会议逾期未办结的议定事项。加入议程后仍需审定。"))
        if not suggestions:
            st.info(t("目前没有需要提请会议研究的事项。"))
        for s in suggestions:
            with st.container(border=True):
                st.markdown(f"**{inert(s.title)}**")
                st.caption(pick(s.reason))
                for line in evidence_lines(s.evidence)[1:]:
                    st.caption(inert(line))
                if st.button(t("加入议程"), key=f"sugg.add.{s.key}", icon=":material/playlist_add:"):
                    act(mc.add_suggested_item, meeting.id, s.key, expected_version=meeting.version, today=today)

