"""签收超期: overdue acknowledgements grouped by receiving agency, with days late and the
provisional flag, and a reminder notice (催办通知) per agency as a Word document.

The list is the command line's ``report overdue`` (``overdue_acknowledgements``), as of the
statistics day: one definition for both. The per-agency counts and the long-overdue split
are :func:`rules.ageing.summarise_overdue`. Every role sees the counts; the case rows (the
list, the CSV and the reminder) only where the permission matrix's ``read.cases`` lets it.
"""

import pandas as pd
import streamlit as st

from data_access.queries.overdue import overdue_csv
from rules import ageing, permissions
from ui import cache, components as ui, filters, quick_actions
from ui.i18n import t
from ui.session import require

ROWS_PER_AGENCY = 200

me = require("read.figures")
ui.page_style()
period, as_of = filters.period_selector()
agencies = cache.agencies()
names = {a.id: a.name for a in agencies}
labels = {a.id: a.label for a in agencies}
s, _ = cache.rules()
long_days = s.suggest_overdue_referral_days

st.title(t("签收超期"))
st.caption(t("截至 {d} 已过受理告知期限、仍未书面告知受理情况的移送案件（与命令行超期报告口径相同）。",
             d=as_of.isoformat()))
chosen = filters.agency_selector(t("接收单位"), "flt_overdue_agency", agencies,
                                 default=filters.own_agency_default(me))
rows = cache.overdue(as_of, chosen)

summary_rows = ageing.summarise_overdue(rows, long_days, names)
# Whom to call at each late agency (DOMAIN.md, Contacts): on the same line as its count.
contacts = {r.to_agency_id: (r.to_contact or "", r.to_phone or "") for r in rows}
by_id = {row.agency_id: row for row in summary_rows}
order = [row.agency_id for row in summary_rows]

ui.kpi_row(
    [
        (t("超期件数"), len(rows)),
        (t("涉及单位"), len(summary_rows)),
        (t("最长超期（天）"), max((r.days_late for r in rows), default=0)),
        (t("暂定期限"), sum(1 for r in rows if r.provisional), t("期限按尚未公布的节假日安排推算")),
    ]
)

if not rows:
    ui.empty(t("截至 {d} 没有超期未受理告知的移送案件。", d=as_of.isoformat()))
    st.stop()

st.header(t("按接收单位汇总"))
long_label, recent_label = t("超期{n}天以上", n=long_days), t("超期不足{n}天", n=long_days)
summary = pd.DataFrame(
    [
        {
            t("接收单位"): names.get(row.agency_id, ""),
            t("联系人"): contacts[row.agency_id][0],
            t("联系电话"): contacts[row.agency_id][1],
            t("超期件数"): row.count,
            t("最长超期（天）"): row.max_days_late,
            long_label: row.long_overdue,
            t("暂定期限"): row.provisional,
        }
        for row in summary_rows
    ]
)
left, right = st.columns([3, 2])
with left:
    ui.table(summary, height=min(440, 38 * (len(summary) + 1) + 4))
with right:
    top = summary_rows[:12]
    ui.stacked_bars(
        [labels.get(row.agency_id, "") for row in top],
        {
            long_label: [row.long_overdue for row in top],
            recent_label: [row.recent for row in top],
        },
        title=None,
        x_title=t("超期件数"),
        y_title=None,
        horizontal=True,
        colors=("#A63D00", "#E69F00"),
        height=440,
        key="overdue_bars",
    )

# Case rows from here on: only those the matrix lets this user see.
visible = [a for a in order if permissions.may_see(me.role, me.agency_id, "read.cases", [a])]
if not visible:
    if not permissions.can_read(me.role, "read.cases"):
        st.caption(t("您的角色只能查看汇总数字，不显示案件明细。"))
    else:
        st.caption(t("本单位没有超期未受理告知的移送案件；其他单位的案件明细不对本单位显示。"))
    st.stop()
shown_rows = [r for r in rows if r.to_agency_id in set(visible)]
st.download_button(
    t("下载超期清单（CSV）"),
    data=overdue_csv(shown_rows).encode("utf-8-sig"),
    file_name=f"超期未受理告知_{as_of.isoformat()}.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
    key="overdue_csv",
)

st.header(t("单位明细与催办通知"))
detail_id = chosen if chosen in visible else filters.selectbox(
    t("选择接收单位"), visible, "flt_overdue_detail", visible[0],
    format_func=lambda a: t("{a}（超期 {n} 件）", a=names.get(a, ""), n=by_id[a].count),
)
items = [r for r in rows if r.to_agency_id == detail_id]
name = names.get(detail_id, "")
st.subheader(t("{a}：超期 {n} 件，最长 {d} 天", a=name, n=len(items), d=items[0].days_late))
if items[0].to_contact or items[0].to_phone:
    st.caption(t("催办联系人：{c} {p}", c=items[0].to_contact or "", p=items[0].to_phone or ""))
frame = pd.DataFrame(
    [
        {
            t("亮灯"): ui.light_text("red"),
            t("移送编号"): r.number,
            t("案件名称"): r.title,
            t("移送单位"): r.from_agency,
            t("移送日期"): r.sent_on.isoformat(),
            t("受理告知期限"): r.ack_due_on.isoformat(),
            t("超期天数"): r.days_late,
            t("期限性质"): t("暂定") if r.provisional else t("正式"),
        }
        for r in items[:ROWS_PER_AGENCY]
    ]
)
# A row picked opens the referral with the steps its status and the user's role allow.
quick_actions.forget_selection("overdue_rows")
picked_event = ui.table(frame, light_columns=[t("亮灯")], select_key="overdue_rows")
picked_row = quick_actions.picked_row(picked_event, [r.referral_id for r in items[:ROWS_PER_AGENCY]], "overdue_rows")
if picked_row is not None:
    quick_actions.referral_dialog(me, picked_row, "overdue_rows")
if len(items) > ROWS_PER_AGENCY:
    st.caption(t("仅显示超期最久的{n}件；催办通知列出全部{total}件。", n=ROWS_PER_AGENCY, total=len(items)))
st.download_button(
    t("生成催办通知（Word）"),
    data=lambda: cache.reminder_docx(detail_id, name, as_of),
    file_name=f"催办通知_{name}_{as_of.isoformat()}.docx",
    mime=ui.DOCX_MIME,
    icon=":material/description:",
    on_click="ignore",
    key="overdue_reminder",
    type="primary",
)
