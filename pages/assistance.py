"""Assistance requests (执法协作): ask another agency for help, answer or extend a request."""

from datetime import date

import streamlit as st

from data_access.commands import assistance as commands
from data_access.queries.forms import assistance_for_edit, assistance_to_act_on
from rules import lifecycle
from rules.permissions import scope_for
from ui import cache, components as ui, drill
from ui.attachments import attachment_panel
from ui.forms import (EntryForm, agency_picker, caption_limit, in_read_session, open_entry_page,
                      record_actions, status_text)
from ui.i18n import pick, t
from ui.components import inert

user, (may_ask, may_answer), agencies = open_entry_page(
    "执法协作", ["assist.create", "assist.answer"], "您的角色不能登记执法协作。")
today = date.today()

everyone = scope_for(user.role, "assist.answer") == "any"
# A figure of 本单位 opens the requests behind it (ui.drill): on the answer tab, the filter
# above the list with the button that removes it.
drilled = drill.list_filter(st.query_params)
ask_tab, answer_tab = st.tabs([t("提出协作请求"), t("答复与延期")],
                              default=t("答复与延期") if drilled is not None else None)

with ask_tab:
    form = EntryForm("assist_new")
    form.start()
    with st.form("assist_new_form", enter_to_submit=False):
        kinds = list(lifecycle.ASSISTANCE_KIND_LABELS)
        kind = st.selectbox(t("协作类型"), kinds, format_func=lambda k: pick(lifecycle.ASSISTANCE_KIND_LABELS[k]),
                            key=form.key("kind"))
        form.slot("kind")
        subject = st.text_input(t("协作事项"), key=form.key("subject"))
        caption_limit(200)
        form.slot("subject")
        own_only = scope_for(user.role, "assist.create") == "own"
        asker = agency_picker(form, "from_agency_id", "请求单位", agencies, default=user.agency_id,
                              only=user.agency_id if own_only else None)
        asked = agency_picker(form, "to_agency_id", "被请求单位", agencies)
        requested_on = st.date_input(t("请求日期"), value=today, key=form.key("requested_on"))
        form.slot("requested_on")
        st.caption(t("被请求单位应在3个工作日内书面答复；需要技术鉴定的可以延期。"))
        form.general_slot()
        submitted = st.form_submit_button(t("提交请求"), type="primary", disabled=not may_ask)
    if submitted:
        form.submit(
            lambda: commands.request_assistance(
                user, kind=kind, subject=subject, from_agency_id=asker, to_agency_id=asked,
                requested_on=requested_on,
            ),
            lambda saved: t("已登记协作请求 {number}：{subject}。", number=saved.number, subject=subject.strip()),
        )

with answer_tab:
    asked_id = (drilled.to if everyone else user.agency_id) if drilled is not None else None
    if asked_id is not None:
        names = {a.id: a.name for a in cache.agencies()}
        drill.filter_banner([p for p in (
            drilled.label,
            t("被请求单位：{a}", a=names.get(asked_id, "")),
            drilled.light and t("亮灯：{l}", l=ui.light_text(drilled.light)),
        ) if p])
        waiting = cache.assistance_waiting(asked_id, today, drilled.light)
        drill.row_count(waiting.total)
        ui.table(ui.wait_frame(waiting.items, t("请求单位"), t("请求日期")), light_columns=[t("亮灯")])
    rows = in_read_session(assistance_to_act_on)(None if everyone else user.agency_id)

    load = in_read_session(assistance_for_edit)

    def details(record, version) -> None:
        st.markdown(f"**{inert(record.number)}** {inert(record.subject)}")
        st.markdown(
            f"{pick(lifecycle.ASSISTANCE_KIND_LABELS.get(record.kind, (record.kind,) * 2))} · "
            f"{inert(record.from_agency)} → {inert(record.to_agency)} · {t('请求日期')} {record.requested_on} · "
            f"{t('答复期限')} {record.due_on}" + (f"（{t('暂定')}）" if record.due_provisional else "")
            + (f" · {t('已延期')}" if record.extended else "")
        )
        st.caption(t("表单版本 v{version}", version=version) + " · " + status_text("assistance", record.status))
        attachment_panel(user, "assistance", record.id, [record.from_agency_id, record.to_agency_id])

    def inputs(action, record, form, version):
        if action == "answer":
            answered_on = st.date_input(t("答复日期"), value=today, key=form.key("answered_on"))
            form.slot("answered_on")
            answer = st.text_area(t("答复内容"), key=form.key("answer"))
            form.slot("answer")
            return lambda: commands.answer_assistance(
                user, record.id, answered_on=answered_on, answer=answer, expected_version=version)
        reason = st.text_area(t("延期理由"), key=form.key("reason"))
        form.slot("reason")
        return lambda: commands.extend_assistance(user, record.id, reason=reason, expected_version=version)

    record_actions(
        name="assist_answer", prefix="assist", rows=rows,
        label=lambda r: f"{r.number} · {r.subject} · {r.from_agency} → {r.to_agency} · {t('期限')} {r.due_on}",
        pick_label="选择协作请求", empty="没有等待本单位答复的协作请求。", load=load, details=details,
        actions={"answer": "书面答复", "extend": "因技术鉴定延期"}, inputs=inputs,
        confirm=lambda saved: t("协作请求 {number} 已保存：{status}。", number=saved.number,
                                status=status_text("assistance", saved.status)),
    )
