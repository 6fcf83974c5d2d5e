"""Referral handling (移送办理): pick a referral waiting on my agency, see its state and
version, and take the next step: acknowledge / decline / return, report the result, close,
send a draft or revise one that was returned."""

from datetime import date

import streamlit as st

from data_access.commands import referrals as commands
from data_access.db import read_session
from data_access.documents.papers import acknowledgement_docx, paper_filename, referral_letter_docx
from data_access.queries.agencies import agency_options
from data_access.queries.forms import referral_for_edit, referrals_to_act_on
from rules import lifecycle
from rules.permissions import can
from rules.referral_steps import steps_for
from ui.attachments import attachment_panel, paper_button
from ui.forms import acting_for, record_actions, referral_inputs, status_text
from ui.i18n import pick, t
from ui.session import actor
from ui.components import inert

ACTIONS = {
    "acknowledge": "受理告知",
    "report": "反馈办理结果",
    "close": "办结",
    "send": "移送草稿",
    "revise": "修改后重新移送",
}
# The step that usually comes next from each status (the radio's starting choice).
NEXT_STEP = {"sent": "acknowledge", "accepted": "report", "reported": "close", "declined": "close",
             "draft": "send", "returned": "revise"}

user = actor()
st.title(t("移送办理"))
if not can(user.role, "referral.acknowledge"):
    st.info(t("您的角色不能办理移送案件。"))
    st.stop()
today = date.today()

search = st.text_input(t("按编号或案件名称查找"), key="referral_actions.search")
with read_session() as session:
    rows = referrals_to_act_on(session, acting_for(user, "referral.acknowledge"), search=search or None)


def details(record, version) -> None:
    st.subheader(f"{inert(record.number)} {inert(record.title)}")
    a, b, c = st.columns(3)
    a.markdown(f"**{t('状态')}**：{status_text('referral', record.status)}")
    a.markdown(f"**{t('移送单位')}**：{record.from_agency}")
    a.markdown(f"**{t('接收单位')}**：{record.to_agency}")
    b.markdown(f"**{t('发现日期')}**：{record.discovered_on or '—'}")
    b.markdown(f"**{t('移送日期')}**：{record.sent_on or '—'}"
               + (f"（{t('第{n}次移送', n=record.round_no)}）" if record.round_no > 1 else ""))
    due = record.ack_due_on or "—"
    b.markdown(f"**{t('受理告知期限')}**：{due}" + (f"（{t('暂定')}）" if record.ack_due_provisional else ""))
    c.markdown(f"**{t('紧急程度')}**：{pick(lifecycle.URGENCY_LABELS.get(record.urgency, (record.urgency,) * 2))}")
    c.markdown(f"**{t('受理告知日期')}**：{record.ack_on or '—'}")
    c.markdown(f"**{t('结果反馈日期')}**：{record.result_on or '—'}")
    if record.ack_reason:
        st.markdown(f"**{t('受理/退回理由')}**：{inert(record.ack_reason)}")
    change = record.last_change
    st.caption(
        t("表单版本 v{version}", version=version)
        + (t("；最后修改：{who}，{at}", who=inert(change.username), at=f"{change.at:%Y-%m-%d %H:%M}") if change else "")
    )
    with st.expander(t("办理记录")):
        for at, who, old, new, note in record.history:
            step = f"{status_text('referral', old)} → " if old else ""
            st.caption(f"{at:%Y-%m-%d %H:%M} · {inert(who)} · {step}{status_text('referral', new)}"
                       + (f" · {inert(note)}" if note else ""))
    if version != record.version:
        st.warning(t("此案件在您打开后已被他人修改，保存将被拒绝；请点“重新载入最新内容”。"))
    attachment_panel(user, "referral", record.id, [record.from_agency_id, record.to_agency_id])
    p1, p2 = st.columns(2)
    with p1:
        paper_button("生成移送函", lambda s: referral_letter_docx(s, record.id),
                     paper_filename(record.number, "letter"), f"paper.letter.{record.id}")
    if record.ack_on is not None:
        with p2:
            paper_button("生成受理告知书", lambda s: acknowledgement_docx(s, record.id),
                         paper_filename(record.number, "answer"), f"paper.answer.{record.id}")
    allowed = lifecycle.allowed_next("referral", record.status)
    st.caption(
        t("当前状态可以：{steps}", steps="、".join(status_text("referral", s) for s in allowed))
        if allowed else t("该案件已办结，不能再变更。")
    )


def inputs(action, record, form, version):
    """The fields of the chosen step; returns its save."""
    if action == "acknowledge":
        outcomes = list(lifecycle.ACK_OUTCOME_LABELS)
        outcome = form.field(st.radio, "受理结果", "ack.outcome", slot="outcome", options=outcomes, horizontal=True,
                             format_func=lambda o: pick(lifecycle.ACK_OUTCOME_LABELS[o]))
        ack_on = form.field(st.date_input, "受理告知日期", "ack.ack_on", slot="ack_on", value=today)
        reason = form.field(st.text_area, "理由（不予受理或退回时必填）", "ack.reason", slot="reason")
        return lambda: commands.acknowledge_referral(
            user, record.id, outcome=outcome, ack_on=ack_on, reason=reason, expected_version=version)
    if action == "report":
        result_on = form.field(st.date_input, "结果反馈日期", "report.result_on", slot="result_on", value=today)
        summary = form.field(st.text_area, "办理结果", "report.summary", slot="summary")
        return lambda: commands.report_result(
            user, record.id, result_on=result_on, summary=summary, expected_version=version)
    if action == "close":
        closed_on = form.field(st.date_input, "办结日期", "close.closed_on", slot="closed_on", value=today)
        note = form.field(st.text_area, "备注", "close.note", slot="note")
        return lambda: commands.close_referral(user, record.id, closed_on=closed_on, note=note,
                                               expected_version=version)
    if action == "send":
        sent_on = form.field(st.date_input, "移送日期", "send.sent_on", slot="sent_on", value=today)
        sent_time = form.field(st.time_input, "移送时间（紧急案件填写）", "send.sent_time", slot="sent_time", value=None)
        approved_by = form.field(st.text_input, "审批负责人", "send.approved_by", slot="approved_by",
                                 value=record.approved_by or "")
        form.slot("materials")
        return lambda: commands.send_referral(
            user, record.id, sent_on=sent_on, sent_time=sent_time, approved_by=approved_by,
            expected_version=version)
    with read_session() as session:
        agencies = agency_options(session, include_inactive=True)
    values = referral_inputs(form, agencies, today=today, sender=record.from_agency_id, sender_locked=True,
                             record=record)
    values.pop("from_agency_id", None)
    if record.status == "returned":
        st.caption(t("再次移送为第{n}次移送：第{m}次移送的日期、期限和退回答复原样保留，仍计入当时的统计。",
                     n=record.round_no + 1, m=record.round_no))
    values["note"] = form.field(st.text_area, "修改说明", "note", limit=2000)
    return lambda: commands.revise_referral(user, record.id, expected_version=version, **values)


def offered(record) -> dict[str, str]:
    """Only the steps the referral's status and the user's role allow (rules.referral_steps)."""
    steps = steps_for(record.status, user.role, user.agency_id, record.from_agency_id, record.to_agency_id)
    return {code: label for code, label in ACTIONS.items() if code in steps}


# A referral opened from a list (ui.quick_actions) comes first in the picker.
wanted = st.query_params.get("referral")
if wanted and wanted.isdigit():
    rows = sorted(rows, key=lambda r: r.id != int(wanted))

record_actions(
    name="referral_actions", prefix="referral", rows=rows,
    label=lambda r: f"{r.number} · {r.title} · {status_text('referral', r.status)}",
    pick_label="选择移送案件", empty="没有等待本单位办理的移送案件。", load=referral_for_edit, details=details,
    actions=offered, all_actions=ACTIONS, inputs=inputs, default_action=lambda r: NEXT_STEP.get(r.status, "close"),
    confirm=lambda saved: t(
        "移送案件 {number} 已保存：{status}（版本 v{version}）。",
        number=saved.number, status=status_text("referral", saved.status), version=saved.version,
    ),
)
