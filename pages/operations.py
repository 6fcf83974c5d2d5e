"""Joint enforcement operations (联合执法): start one under the routine, special or emergency
mechanism; decide on applications; record the start and the outcome."""

from datetime import date
from functools import partial

import streamlit as st

from data_access.commands import operations as commands
from data_access.commands.dispatch import record_dispatch
from data_access.db import read_session
from data_access.queries.dispatch import operation_dispatches
from data_access.queries.forms import operation_for_edit, operations_to_act_on
from rules import lifecycle
from ui.components import inert, light_badge
from ui.forms import (EntryForm, acting_for, agencies_picker, agency_picker, in_read_session, new_record_form,
                      open_entry_page, own_agency, record_actions, status_text)
from ui.i18n import pick, t

user, (may_create, may_decide), agencies = open_entry_page(
    "联合执法", ["operation.create", "operation.decide"], "您的角色不能登记联合执法行动。")
today = date.today()

new_tab, open_tab = st.tabs([t("发起联合执法"), t("审批与实施")])


def operation_fields(form) -> dict:
    values = {"title": form.field(st.text_input, "行动名称", "title", limit=200)}
    mechanisms = list(lifecycle.JOINT_OP_MECHANISMS)
    values["mechanism"] = form.field(st.radio, "启动方式", "mechanism", options=mechanisms, horizontal=True,
                                     format_func=lambda m: pick(lifecycle.JOINT_OP_MECHANISMS[m]))
    st.caption(t("专项启动须在行动开始3日前提出申请，办公室在收到申请之日起2日内作出决定；"
                 "应急启动立即实施，被通知单位当日派员。"))
    values["lead_agency_id"] = agency_picker(form, "lead_agency_id", "牵头单位", agencies, default=user.agency_id,
                                             only=own_agency(user, "operation.create"))
    values["participant_ids"] = agencies_picker(form, "participant_ids", "参与单位", agencies)
    a, b, c = st.columns(3)
    values["applied_on"] = form.field(st.date_input, "申请日期", "applied_on", value=today, within=a)
    values["start_on"] = form.field(st.date_input, "开始日期", "start_on", value=today, within=b)
    values["end_on"] = form.field(st.date_input, "结束日期（可不填）", "end_on", value=None, within=c)
    return values


with new_tab:
    new_record_form(
        "operation_new", operation_fields, partial(commands.create_operation, user),
        "已登记联合执法行动 {number}：{title}，状态：{status}。", kind="joint_operation", submit="提交", disabled=not may_create,
    )

with open_tab:
    rows = in_read_session(operations_to_act_on)(acting_for(user, "operation.decide", "operation.create"))

    def details(record, version) -> None:
        st.markdown(f"**{inert(record.number)}** {inert(record.title)}")
        st.markdown(
            f"{pick(lifecycle.JOINT_OP_MECHANISMS.get(record.mechanism, (record.mechanism,) * 2))} · "
            f"{t('牵头单位')}：{inert(record.lead_agency)} · {t('参与单位')}：{inert('、'.join(record.participants)) or '—'}"
        )
        st.markdown(
            f"{t('申请日期')} {record.applied_on or '—'} · {t('审批期限')} {record.decision_due_on or '—'} · "
            f"{t('开始日期')} {record.start_on} · {status_text('joint_operation', record.status)}"
        )
        st.caption(t("表单版本 v{version}", version=version))
        dispatch_section(record)

    def dispatch_section(record) -> None:
        """Same-day dispatch (接到通知当日内应当派出): each invited agency's, with its light."""
        with read_session() as session:
            dispatches, not_on_time = operation_dispatches(session, record.id, today)
        if not any(d.notified_on for d in dispatches):
            return
        st.markdown(t("**当日派员**（接到通知当日内应当派出）") + " · " + t("未按时派员 {n} 个单位", n=not_on_time))
        for d in dispatches:
            sent = t("{day} 派员", day=d.dispatched_on) if d.dispatched_on else t("尚未派员")
            contact = " · ".join(x for x in (d.contact, d.phone) if x)
            st.markdown(f"{light_badge(d.light)} {inert(d.agency)} · {t('通知日期')} {d.notified_on or '—'} · "
                        f"{sent}" + (f" · {t('迟派')}" if d.late else "") + (f" · {inert(contact)}" if contact else ""),
                        unsafe_allow_html=True)
        waiting = {d.agency_id: d.agency for d in dispatches if d.notified_on and not d.dispatched_on}
        if waiting:
            dform = EntryForm(f"dispatch_{record.id}", notice="operation_open")
            with st.form(f"dispatch_{record.id}_form", enter_to_submit=False):
                who = dform.field(st.selectbox, "派员单位", "agency_id", options=list(waiting), format_func=waiting.get)
                sent_on = dform.field(st.date_input, "派员日期", "dispatched_on", value=today)
                dform.general_slot()
                go = st.form_submit_button(t("登记派员"))
            if go:
                dform.submit(lambda: record_dispatch(user, record.id, who, sent_on),
                             lambda saved: t("已登记派员：{agency}，{status}。", agency=waiting[who],
                                             status=t("迟派") if saved.status == "late" else t("按时")))

    def inputs(action, record, form, version):
        if action == "decide":
            approve = form.field(st.radio, "审批结果", "decide.approve", slot="approve", options=[True, False],
                                 horizontal=True, format_func=lambda ok: t("批准") if ok else t("不予批准"))
            decided_on = form.field(st.date_input, "审批日期", "decide.decided_on", slot="decided_on", value=today)
            return lambda: commands.decide_operation(user, record.id, approve=approve, decided_on=decided_on,
                                                     expected_version=version)
        on = form.field(st.date_input, "日期", f"{action}.on", slot="on", value=today)
        outcome = None
        if action == "finished":
            outcome = form.field(st.text_area, "行动成效", "finished.outcome", slot="outcome")
        return lambda: commands.advance_operation(user, record.id, status=action, on=on, outcome=outcome,
                                                  expected_version=version)

    record_actions(
        name="operation_open", prefix="operation", rows=rows,
        label=lambda r: f"{r.number} · {r.title} · {status_text('joint_operation', r.status)}",
        pick_label="选择行动", empty="没有待审批或正在实施的联合执法行动。", load=operation_for_edit, details=details,
        actions={"decide": "审批", "in_progress": "开始实施", "finished": "结束并登记成效"}, inputs=inputs,
        default_action=lambda r: ("decide" if r.status == "applied"
                                  else "finished" if r.status == "in_progress" else "in_progress"),
        confirm=lambda saved: t("联合执法行动 {number} 已保存：{status}。", number=saved.number,
                                status=status_text("joint_operation", saved.status)),
    )
