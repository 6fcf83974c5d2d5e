"""Follow-up of decisions (督办): every open decision across meetings with its light; the
responsible agencies post progress and the lead marks a decision done with its evidence.
Overdue ones go on the next meeting's suggested items by themselves."""

import pandas as pd
import streamlit as st

from data_access.commands import decisions as dc
from data_access.db import read_session
from data_access.queries import meetings as mq
from data_access.queries.agencies import agency_options
from rules.permissions import can, scope_for
from ui import components, drill, filters, projector
from ui.components import kpi_row, light_text, inert
from ui.forms import EntryForm, caption_limit, status_text
from ui.i18n import t
from ui.session import require

user = require("read.decisions")
today = projector.today()
st.title(t("议定事项督办"))
# A decision marked done leaves the list of open ones, so its confirmation is shown up here.
completed = st.session_state.pop("followup_complete__done", None)
if completed:
    st.success(completed, icon=":material/check_circle:")

with read_session() as session:
    agencies = {a.id: filters.agency_name(a) for a in agency_options(session)}
everyone = scope_for(user.role, "read.decisions") == "any"
# A figure elsewhere (a card of the overview or of 本单位) opens this list narrowed to its
# decisions (ui.drill): the filter shows above the list, with the button that removes it.
drilled = drill.list_filter(st.query_params)
if drilled is not None:
    agency_id = drilled.agency if everyone else user.agency_id
    include_done = False
    drill.filter_banner([p for p in (
        drilled.label,
        agency_id and t("责任单位：{a}", a=agencies.get(agency_id, "")),
        drilled.due_to and t("完成时限：{d} 及以前", d=drilled.due_to.isoformat()),
    ) if p])
else:
    a, b = st.columns([3, 2])
    if everyone:
        options = [None, *agencies]
        # Members start at the decisions their own agency leads or helps with.
        start = filters.own_agency_default(user)
        agency_id = a.selectbox(t("责任单位"), options, format_func=lambda x: t("全部单位") if x is None else agencies[x],
                                index=options.index(start) if start in options else 0, key="followup.agency")
    else:
        agency_id = user.agency_id
        a.markdown(t("本单位牵头或配合的议定事项：**{name}**", name=inert(agencies.get(agency_id, ""))))
    include_done = b.toggle(t("显示已完成"), key="followup.done")

with read_session() as session:
    rows = mq.open_decisions(session, today=today, agency_id=agency_id, include_done=include_done,
                             due_to=drilled and drilled.due_to)
open_rows = [r for r in rows if r.status == "open"]
kpi_row([
    (t("办理中"), len(open_rows)),
    (t("逾期"), sum(r.light == "red" for r in open_rows)),
    (t("临期"), sum(r.light == "yellow" for r in open_rows)),
    (t("已完成"), sum(r.status == "done" for r in rows)),
])
drill.row_count(len(rows))
if not rows:
    st.info(t("没有需要督办的议定事项。"))
    st.stop()

table = pd.DataFrame([
    {
        t("灯"): light_text(r.light) if r.status == "open" else "✓ " + status_text("decision", r.status),
        t("会议"): r.meeting_number, t("议定事项"): r.text, t("牵头责任单位"): r.lead_agency,
        t("配合单位"): "、".join(r.co_agencies), t("完成时限"): r.due_on,
        t("逾期天数"): r.days_late, t("进展"): r.notes, t("最新进展"): r.last_note or "",
    }
    for r in rows
])
components.table(table, light_columns=[t("灯")])

labels = {r.id: f"{r.meeting_number} · {r.text[:40]} · {r.lead_agency}" for r in rows}
chosen = st.selectbox(t("选择议定事项"), list(labels), format_func=labels.get, key="followup.pick")
row = next(r for r in rows if r.id == chosen)
with read_session() as session:
    notes = mq.decision_notes(session, row.id)

with st.container(border=True):
    st.markdown(f"**{inert(row.text)}**")
    st.caption(t("{meeting}（{held}）· 牵头：{lead} · 配合：{co} · 完成时限：{due} · {state}",
                 meeting=row.meeting_number, held=row.meeting_held_on.isoformat(), lead=inert(row.lead_agency),
                 co=inert("、".join(row.co_agencies)) or "—", due=row.due_on.isoformat(),
                 state=light_text(row.light) if row.status == "open" else status_text("decision", row.status)))
    if row.status == "done":
        st.success(t("已于 {d} 完成：{e}", d=row.done_on.isoformat(), e=inert(row.evidence)))
    st.markdown(f"**{t('进展情况')}**")
    if not notes:
        st.caption(t("尚无进展报告。"))
    for n in notes:
        st.markdown(f"- {n.on.isoformat()} · {inert(n.agency or n.username)}：{inert(n.note)}")

responsible = set(row.agency_ids)
may_progress = can(user.role, "decision.progress") and (
    scope_for(user.role, "decision.progress") == "any" or user.agency_id in responsible)
may_complete = can(user.role, "decision.complete") and (
    scope_for(user.role, "decision.complete") == "any" or user.agency_id == row.lead_agency_id)

if row.status == "open" and may_progress:
    form = EntryForm(f"progress_{row.id}")
    form.start()
    with st.form(f"progress_form_{row.id}", enter_to_submit=False):
        note = st.text_area(t("填报进展"), key=form.key("note"))
        caption_limit(2000)
        form.slot("note")
        form.general_slot()
        post = st.form_submit_button(t("提交进展"), type="primary")
    if post:
        form.submit(lambda: dc.post_progress(user, row.id, note=note, today=today),
                    lambda saved: t("已记录进展（{d}）。", d=saved.on.isoformat()))

if row.status == "open" and may_complete:
    form = EntryForm(f"complete_{row.id}", notice="followup_complete")
    form.start()
    shown = form.shown_version(row.id, row.version)
    form.stale_notice()
    with st.form(f"complete_form_{row.id}", enter_to_submit=False):
        evidence = st.text_area(t("办结情况及佐证材料"), key=form.key("evidence"),
                                placeholder=t("例如：已完成整改，附验收记录编号……"))
        form.slot("evidence")
        done_on = st.date_input(t("办结日期"), value=today, max_value=today, key=form.key("done_on"))
        form.slot("done_on")
        form.general_slot()
        finish = st.form_submit_button(t("标记为已完成"), type="primary")
    if finish:
        form.submit(
            lambda: dc.complete_decision(user, row.id, evidence=evidence, done_on=done_on,
                                         expected_version=shown, today=today),
            lambda saved: t("议定事项已办结：{text}", text=saved.text[:40]),
        )
