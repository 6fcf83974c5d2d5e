"""Joint enforcement operations (联合执法): start one under the routine, special or emergency
mechanism; decide on applications; record the start and the outcome."""

from datetime import date

import streamlit as st

from data_access.commands import operations as commands
from data_access.commands.dispatch import record_dispatch
from data_access.db import read_session
from data_access.queries.dispatch import operation_dispatches
from data_access.queries.forms import operation_for_edit, operations_to_act_on
from rules import lifecycle
from rules.permissions import scope_for
from ui.components import inert, light_badge
from ui.forms import (EntryForm, agencies_picker, agency_picker, caption_limit, in_read_session,
                      open_entry_page, record_actions, status_text)
from ui.i18n import pick, t

user, (may_create, may_decide), agencies = open_entry_page(
    "联合执法", ["operation.create", "operation.decide"], "您的角色不能登记联合执法行动。")
today = date.today()

new_tab, open_tab = st.tabs([t("发起联合执法"), t("审批与实施")])

with new_tab:
    form = EntryForm("operation_new")
    form.start()
    with st.form("operation_new_form", enter_to_submit=False):
        title = st.text_input(t("行动名称"), key=form.key("title"))
        caption_limit(200)
        form.slot("title")
        mechanisms = list(lifecycle.JOINT_OP_MECHANISMS)
        mechanism = st.radio(t("启动方式"), mechanisms, horizontal=True, key=form.key("mechanism"),
                             format_func=lambda m: pick(lifecycle.JOINT_OP_MECHANISMS[m]))
        form.slot("mechanism")
        st.caption(t("专项启动须在行动开始3日前提出申请，办公室在收到申请之日起2日内作出决定；"
                     "应急启动立即实施，被通知单位当日派员。"))
        own_only = scope_for(user.role, "operation.create") == "own"
        lead = agency_picker(form, "lead_agency_id", "牵头单位", agencies, default=user.agency_id,
                             only=user.agency_id if own_only else None)
        participants = agencies_picker(form, "participant_ids", "参与单位", agencies)
        a, b, c = st.columns(3)
        applied_on = a.date_input(t("申请日期"), value=today, key=form.key("applied_on"))
        with a:
            form.slot("applied_on")
        start_on = b.date_input(t("开始日期"), value=today, key=form.key("start_on"))
        with b:
            form.slot("start_on")
        end_on = c.date_input(t("结束日期（可不填）"), value=None, key=form.key("end_on"))
        with c:
            form.slot("end_on")
        form.general_slot()
        submitted = st.form_submit_button(t("提交"), type="primary", disabled=not may_create)
    if submitted:
        form.submit(
            lambda: commands.create_operation(
                user, title=title, mechanism=mechanism, lead_agency_id=lead, participant_ids=participants,
                start_on=start_on, end_on=end_on, applied_on=applied_on,
            ),
            lambda saved: t("已登记联合执法行动 {number}：{title}，状态：{status}。", number=saved.number,
                            title=title.strip(), status=status_text("joint_operation", saved.status)),
        )

with open_tab:
    everyone = scope_for(user.role, "operation.decide") == "any" or scope_for(user.role, "operation.create") == "any"
    rows = in_read_session(operations_to_act_on)(None if everyone else user.agency_id)

    load = in_read_session(operation_for_edit)

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
                who = st.selectbox(t("派员单位"), list(waiting), format_func=waiting.get, key=dform.key("agency_id"))
                dform.slot("agency_id")
                sent_on = st.date_input(t("派员日期"), value=today, key=dform.key("dispatched_on"))
                dform.slot("dispatched_on")
                dform.general_slot()
                go = st.form_submit_button(t("登记派员"))
            if go:
                dform.submit(lambda: record_dispatch(user, record.id, who, sent_on),
                             lambda saved: t("已登记派员：{agency}，{status}。", agency=waiting[who],
                                             status=t("迟派") if saved.status == "late" else t("按时")))

    def inputs(action, record, form, version):
        if action == "decide":
            approve = st.radio(t("审批结果"), [True, False], horizontal=True, key=form.key("decide.approve"),
                               format_func=lambda ok: t("批准") if ok else t("不予批准"))
            form.slot("approve")
            decided_on = st.date_input(t("审批日期"), value=today, key=form.key("decide.decided_on"))
            form.slot("decided_on")
            return lambda: commands.decide_operation(user, record.id, approve=approve, decided_on=decided_on,
                                                     expected_version=version)
        on = st.date_input(t("日期"), value=today, key=form.key(f"{action}.on"))
        form.slot("on")
        outcome = None
        if action == "finished":
            outcome = st.text_area(t("行动成效"), key=form.key("finished.outcome"))
            form.slot("outcome")
        return lambda: commands.advance_operation(user, record.id, status=action, on=on, outcome=outcome,
                                                  expected_version=version)

    record_actions(
        name="operation_open", prefix="operation", rows=rows,
        label=lambda r: f"{r.number} · {r.title} · {status_text('joint_operation', r.status)}",
        pick_label="选择行动", empty="没有待审批或正在实施的联合执法行动。", load=load, details=details,
        actions={"decide": "审批", "in_progress": "开始实施", "finished": "结束并登记成效"}, inputs=inputs,
        default_action=lambda r: ("decide" if r.status == "applied"
                                  else "finished" if r.status == "in_progress" else "in_progress"),
        confirm=lambda saved: t("联合执法行动 {number} 已保存：{status}。", number=saved.number,
                                status=status_text("joint_operation", saved.status)),
    )
