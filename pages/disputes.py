"""职责争议: the open disputes on one screen, a column per stage, with their age and parties;
those stalled past the configured number of days stand out; one dispute's stage history.

The disputes listed follow the permission matrix's ``read.cases``: every dispute, only
those the user's agency is a party to, or (a role that sees figures only) the counts alone."""


import pandas as pd
import streamlit as st

from rules import permissions
from rules.lifecycle import DISPUTE_OPEN_STAGES, STATUS_LABELS
from ui import cache, components as ui, drill, filters
from ui.i18n import pick, t
from ui.session import require
from ui.components import inert

me = require("read.figures")
ui.page_style()
period, as_of = filters.period_selector()
s, _ = cache.rules()
agencies = cache.agencies()

st.title(t("职责争议"))
st.caption(t("截至 {d} 未解决的职责争议；在同一阶段超过{n}天的视为停滞，应提请联席会议研究。",
             d=as_of.isoformat(), n=s.dispute_stall_days))
case_scope = permissions.scope_for(me.role, "read.cases")
STAGE_NAMES = {code: pick(STATUS_LABELS["dispute"][code]) for code in STATUS_LABELS["dispute"]}
# A figure elsewhere (the overview's card or a bar of its chart) opens this list narrowed to its
# disputes (ui.drill): the filter shows above the list, with the button that removes it.
drilled = drill.list_filter(st.query_params)
if drilled is not None:
    names = {a.id: a.name for a in agencies}
    drill.filter_banner([p for p in (
        drilled.label,
        drilled.agency and t("争议当事单位：{a}", a=names.get(drilled.agency, "")),
        drilled.stage and t("所处阶段：{s}", s=STAGE_NAMES.get(drilled.stage, "")),
        drilled.stalled is not None and (t("停滞超过{n}天", n=s.dispute_stall_days) if drilled.stalled
                                         else t("本阶段{n}天以内", n=s.dispute_stall_days)),
    ) if p])
if case_scope == permissions.ANY:
    party = drilled.agency if drilled is not None else filters.agency_selector(
        t("争议当事单位"), "flt_disputes_agency", agencies)
elif case_scope == permissions.OWN:
    party = me.agency_id if me.agency_id is not None else -1  # no agency: no dispute is its own
    st.caption(t("显示本单位为当事方的争议。"))
else:
    party = None
rows = cache.open_disputes(as_of, party, stage=drilled and drilled.stage, stalled=drilled and drilled.stalled)
stalled = [r for r in rows if r.stalled]

ui.kpi_row(
    [
        (t("未结争议"), len(rows)),
        (t("停滞争议"), len(stalled), t("在同一阶段超过{n}天", n=s.dispute_stall_days)),
        (t("已申请提请会议"), sum(1 for r in rows if r.needs_meeting)),
        (t("最长持续（天）"), max((r.days_open for r in rows), default=0)),
    ]
)


def _card(r) -> str:
    flags = []
    if r.stalled:
        flags.append(ui.light_badge("red", t("停滞{n}天", n=r.days_in_stage)))
    if r.needs_meeting:
        flags.append(f"<b>{t('需提请会议')}</b>")
    return (
        f'<div class="jm-card{" stalled" if r.stalled else ""}">'
        f"<b>{ui.html_text(r.number)}</b><br/>{ui.html_text(r.subject)}<br/>"
        f"{t('当事单位')}：{ui.html_text('、'.join(r.parties))}<br/>"
        f"{t('本阶段')} {r.days_in_stage} {t('天')} · {t('立案')} {r.days_open} {t('天')}<br/>"
        f"{' '.join(flags)}</div>"
    )


if case_scope is None:
    # Figures only: how many disputes wait at each stage, without subjects or parties.
    st.header(t("按阶段"))
    ui.table(pd.DataFrame([
        {t("所处阶段"): STAGE_NAMES[stage], t("未结争议"): sum(r.stage == stage for r in rows),
         t("停滞争议"): sum(r.stage == stage and r.stalled for r in rows)}
        for stage in DISPUTE_OPEN_STAGES
    ]))
    st.caption(t("您的角色只能查看汇总数字，不显示案件明细。"))
    st.stop()
if not rows:
    drill.row_count(0)
    ui.empty(t("截至 {d} 没有未解决的职责争议。", d=as_of.isoformat()))
else:
    st.header(t("按阶段"))
    columns = st.columns(len(DISPUTE_OPEN_STAGES))
    for col, stage in zip(columns, DISPUTE_OPEN_STAGES):
        in_stage = [r for r in rows if r.stage == stage]
        col.markdown(f"**{STAGE_NAMES[stage]}（{len(in_stage)}）**")
        for r in in_stage:
            col.markdown(_card(r), unsafe_allow_html=True)

    st.header(t("未结争议清单"))
    drill.row_count(len(rows))
    frame = pd.DataFrame(
        [
            {
                t("亮灯"): ui.light_text("red") if r.stalled else "",
                t("争议编号"): r.number,
                t("争议事项"): r.subject,
                t("所处阶段"): STAGE_NAMES.get(r.stage, r.stage),
                t("当事单位"): "、".join(r.parties),
                t("先行处置单位"): r.interim_handler or "",
                t("本阶段天数"): r.days_in_stage,
                t("立案天数"): r.days_open,
                t("提请会议"): t("是") if r.needs_meeting else "",
            }
            for r in rows
        ]
    )
    ui.table(frame, light_columns=[t("亮灯")])

# ---------------------------------------------------------------- detail
st.header(t("争议详情"))
choices = {r.id: f"{r.number} · {r.subject}" for r in rows}
picked = st.selectbox(t("选择争议"), list(choices), index=None, key="dispute_detail",
                      format_func=choices.get, placeholder=t("请选择"))
if picked is not None:
    det = cache.dispute_detail(picked, as_of)
    if det is None:
        st.warning(t("该争议已不存在。"))
    else:
        st.subheader(f"{inert(det.number)}　{inert(det.subject)}")
        if det.description:
            st.text(det.description)  # typed text, lines kept, never markdown
        st.markdown(
            "\n".join(
                [
                    f"- **{t('当前阶段')}**：{STAGE_NAMES.get(det.stage, det.stage)}",
                    f"- **{t('立案日期')}**：{det.opened_on.isoformat()}",
                    f"- **{t('先行处置单位')}**：{det.interim_handler or '—'}",
                    f"- **{t('关联移送案件')}**：{det.referral_number or '—'}",
                    f"- **{t('责任单位（结论）')}**：{det.responsible_agency or '—'}",
                    f"- **{t('解决日期')}**：{det.resolved_on.isoformat() if det.resolved_on else '—'}",
                ]
            )
        )
        if det.outcome:
            st.markdown(f"**{t('处理结果')}**：{det.outcome}")
        st.markdown(f"**{t('当事单位意见')}**")
        ui.table(pd.DataFrame([{t("单位"): p.name, t("意见"): p.position or ""} for p in det.parties]))
        st.markdown(f"**{t('阶段记录')}**")
        ui.table(
            pd.DataFrame(
                [
                    {
                        t("阶段"): STAGE_NAMES.get(stp.stage, stp.stage),
                        t("进入日期"): stp.entered_on.isoformat(),
                        t("历时（天）"): stp.days,
                        t("说明"): stp.note or "",
                        t("操作人"): stp.username or "",
                    }
                    for stp in det.stages
                ]
            )
        )
