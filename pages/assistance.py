"""Assistance requests (执法协作): ask another agency for help, answer or extend a request."""

from datetime import date
from functools import partial

import streamlit as st

from data_access.commands import assistance as commands
from data_access.queries.forms import assistance_for_edit, assistance_to_act_on
from rules import lifecycle
from ui import cache, components as ui, drill
from ui.attachments import attachment_panel
from ui.forms import (acting_for, agency_picker, in_read_session, new_record_form, open_entry_page, own_agency,
                      record_actions, status_text)
from ui.i18n import pick, t
from ui.components import inert

user, (may_ask, may_answer), agencies = open_entry_page(
    "执法协作", ["assist.create", "assist.answer"], "您的角色不能登记执法协作。")
today = date.today()

# A figure of 本单位 opens the requests behind it (ui.drill): on the answer tab, the filter
# above the list with the button that removes it.
drilled = drill.list_filter(st.query_params)
ask_tab, answer_tab = st.tabs([t("提出协作请求"), t("答复与延期")],
                              default=t("答复与延期") if drilled is not None else None)


def request_fields(form) -> dict:
    kinds = list(lifecycle.ASSISTANCE_KIND_LABELS)
    values = {"kind": form.field(st.selectbox, "协作类型", "kind", options=kinds,
                                 format_func=lambda k: pick(lifecycle.ASSISTANCE_KIND_LABELS[k]))}
    values["subject"] = form.field(st.text_input, "协作事项", "subject", limit=200)
    values["from_agency_id"] = agency_picker(form, "from_agency_id", "请求单位", agencies, default=user.agency_id,
                                             only=own_agency(user, "assist.create"))
    values["to_agency_id"] = agency_picker(form, "to_agency_id", "被请求单位", agencies)
    values["requested_on"] = form.field(st.date_input, "请求日期", "requested_on", value=today)
    return values


with ask_tab:
    new_record_form(
        "assist_new", request_fields, partial(commands.request_assistance, user), "已登记协作请求 {number}：{subject}。",
        submit="提交请求", disabled=not may_ask, note="被请求单位应在3个工作日内书面答复；需要技术鉴定的可以延期。",
    )

with answer_tab:
    answering_for = acting_for(user, "assist.answer")  # None: every agency's requests
    asked_id = (drilled.to if answering_for is None else answering_for) if drilled is not None else None
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
    rows = in_read_session(assistance_to_act_on)(answering_for)

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
            answered_on = form.field(st.date_input, "答复日期", "answered_on", value=today)
            answer = form.field(st.text_area, "答复内容", "answer")
            return lambda: commands.answer_assistance(
                user, record.id, answered_on=answered_on, answer=answer, expected_version=version)
        reason = form.field(st.text_area, "延期理由", "reason")
        return lambda: commands.extend_assistance(user, record.id, reason=reason, expected_version=version)

    record_actions(
        name="assist_answer", prefix="assist", rows=rows,
        label=lambda r: f"{r.number} · {r.subject} · {r.from_agency} → {r.to_agency} · {t('期限')} {r.due_on}",
        pick_label="选择协作请求", empty="没有等待本单位答复的协作请求。", load=assistance_for_edit, details=details,
        actions={"answer": "书面答复", "extend": "因技术鉴定延期"}, inputs=inputs,
        confirm=lambda saved: t("协作请求 {number} 已保存：{status}。", number=saved.number,
                                status=status_text("assistance", saved.status)),
    )
