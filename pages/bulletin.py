"""工作通报: the period's 通报 previewed (figures and the Word document), published by the
office (``publish_report``: stored, frozen), and every published report listed for download
by every member. Figures from ``bulletin_figures``, the rows of the metrics page."""

from datetime import date

import pandas as pd
import streamlit as st

from data_access.commands.reports import publish_report
from data_access.db import read_session
from data_access.documents.bulletin import bulletin_docx, bulletin_title
from data_access.queries.bulletin import bulletin_figures, pending_corrections, published_docx, published_reports
from rules import permissions
from rules.metrics import Period, period_code
from ui import components as ui, filters
from ui.forms import EntryForm
from ui.i18n import t
from ui.session import require

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

me = require("read.reports")
ui.page_style()
today = date.today()
st.title(t("工作通报"))

kind = filters.radio(t("期间类型"), ("month", "quarter", "year"), "flt_bulletin_kind", "month",
                     format_func=lambda k: t(filters.PERIOD_KIND_LABELS[k]), horizontal=True)
choices = {"month": filters.month_periods, "quarter": filters.quarter_periods, "year": filters.year_periods}[kind](today)
codes = [period_code(p) for p in choices]
code = filters.selectbox(t("期间"), codes, f"flt_bulletin_{kind}", codes[1] if len(codes) > 1 else codes[0],
                         format_func=lambda c: filters.period_label(next(p for p in choices if period_code(p) == c)))
period: Period = next(p for p in choices if period_code(p) == code)
as_of = min(period.end, today)


def _figures() -> dict:
    with read_session() as session:
        figures = bulletin_figures(session, period, as_of)
        figures["corrections"] = pending_corrections(session, exclude_period=period)
    return figures


figures = _figures()
totals = figures["totals"]
st.caption(t("{title}（数据截至 {d}）", title=bulletin_title(figures), d=as_of.isoformat()))

ui.kpi_row([
    (t("本期移送案件"), totals["referrals_sent"], t("统计期间内各单位的移送次数（按移送日期；退回后再次移送计为新的一次）。")),
    (t("本期反馈办理结果"), totals["results_reported"], t("统计期间内反馈办理结果的件数（按反馈日期）。")),
    (t("超期未受理告知件数"), totals["overdue_ack"], t("截至统计日已过受理告知期限仍未书面告知的移送案件数。")),
    (t("红色名单"), totals["long_overdue_ack"],
     t("其中超期{n}天及以上的件数，列入通报红色名单。", n=totals["long_overdue_days"])),
    (t("逾期议定事项"), totals["overdue_decisions"], t("截至统计日已过完成期限仍未完成的议定事项数。")),
])

# ---------------------------------------------------------------- preview
st.header(t("通报预览"))
for kind_code, label in (("town", "镇街"), ("department", "部门")):
    rows = [r for r in figures["rows"] if r["kind"] == kind_code]
    st.subheader(t("{k}排名", k=t(label)))
    ui.table(pd.DataFrame([{t("名次"): r["排名"], t("单位"): r["单位名称"], t("考核件数"): r["考核件数"],
                            t("评分"): r["评分"], t("备注"): r["备注"]} for r in rows]))
if figures["red_list"]:
    st.subheader(t("红色名单（超期{n}天及以上未受理告知）", n=totals["long_overdue_days"]))
    ui.table(pd.DataFrame(figures["red_list"]).rename(columns=t))
if figures["overdue_decisions"]:
    st.subheader(t("逾期未完成的议定事项"))
    ui.table(pd.DataFrame(figures["overdue_decisions"]).rename(columns=t))
if figures["corrections"]:
    st.subheader(t("对此前通报的更正（{n}项）", n=len(figures["corrections"])))
    ui.table(pd.DataFrame([{k: c[k] for k in ("原通报", "单位名称", "指标", "原数", "更正后")}
                           for c in figures["corrections"]]).rename(columns=t))

st.download_button(t("下载通报预览（Word）"), lambda: bulletin_docx(figures, "", today, draft=True),
                   file_name=f"{bulletin_title(figures)}（征求意见稿）.docx", mime=DOCX_MIME,
                   icon=":material/description:", key="bulletin_preview")

# ---------------------------------------------------------------- publish (the office)
if permissions.can(me.role, "report.publish"):
    st.header(t("发布通报"))
    form = EntryForm("publish_bulletin")
    form.start()
    form.general_slot()
    form.slot("period")
    form.slot("as_of")
    st.caption(t("发布后通报内容即固定，不再修改；此后补录的数据如改变已发布期间的数字，将作为更正列入下一期通报。"))
    if st.button(t("发布{p}通报", p=filters.period_label(period)), type="primary", icon=":material/campaign:",
                 disabled=period.end > today):
        form.submit(lambda: publish_report(me, code, period.end),
                    lambda done: t("已发布 {title}（{n}）。", title=done.title, n=done.number))

# ---------------------------------------------------------------- published
st.header(t("已发布的通报"))
with read_session() as session:
    published = published_reports(session)
if not published:
    ui.empty(t("尚未发布通报。"))
for rep in published:
    left, right = st.columns([4, 1])
    left.markdown(f"**{rep.number}** {rep.title} · {t('数据截至 {d}', d=rep.as_of.isoformat())} · "
                  f"{t('{who} 于 {at} 发布', who=rep.published_by, at=f'{rep.published_at:%Y-%m-%d %H:%M}')}"
                  + (f" · {t('含更正{n}项', n=rep.corrections)}" if rep.corrections else ""))

    def _bytes(report_id=rep.id) -> bytes:
        with read_session() as s:
            return published_docx(s, report_id)[1]

    right.download_button(t("下载"), _bytes, file_name=f"{rep.title}（{rep.number}）.docx", mime=DOCX_MIME,
                          icon=":material/download:", key=f"bulletin_{rep.id}")
