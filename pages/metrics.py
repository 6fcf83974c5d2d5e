"""成员单位指标: one agency's scorecard with every metric of ``rules.metrics``, and the two
rankings of the period (towns, departments) made by the office's scoring, with the change
since the previous period and how the score was made; export to Excel. The table is
``report_rows``, the rows ``report metrics`` prints for the same period and day."""

import pandas as pd
import streamlit as st

from data_access.db import read_session
from data_access.queries.metrics import REPORT_COLUMNS, REPORT_FIELDS, report_rows
from data_access.queries.responsibilities import referrals_by_matter
from rules.lifecycle import AGENCY_KIND_LABELS
from rules.metrics import DEDUCTION, METRIC_LABELS, RATE_FIELDS, SCORE_ITEMS, SCORE_METHODS, metric_help
from ui import cache, components as ui, filters
from ui.i18n import lang, pick, t
from ui.session import actor
from ui.components import inert

me = actor()
ui.page_style()
period, as_of = filters.period_selector()
pm = cache.period_metrics(period, as_of)
rules, _ = cache.rules()
scoring = pm.scoring


def help_of(key: str) -> str:
    return metric_help(key, lang(), stall=rules.dispute_stall_days, min_items=scoring.min_items)


st.title(t("成员单位指标"))
st.caption(
    t("{p}（数据截至 {d}）；对比上期：{q}", p=filters.period_label(period), d=as_of.isoformat(),
      q=filters.period_label(pm.previous))
)

ranking = pm.ranking()
by_id = {r.agency_id: r for r in ranking}


def _show(field: str, m) -> str:
    value = getattr(m, field)
    if field in RATE_FIELDS:
        return ui.pct(value)
    if field == "median_ack_workdays":
        return ui.num(value)
    return f"{value:,}"


def _delta(field: str, now, before) -> str | None:
    a, b = getattr(now, field), getattr(before, field)
    if a is None or b is None:
        return None
    if field in RATE_FIELDS:
        return f"{(a - b) * 100:+.1f}{t('个百分点')}"
    if field == "median_ack_workdays":
        return f"{a - b:+.1f}"
    return f"{a - b:+,}"


KIND = {code: pick(labels) for code, labels in AGENCY_KIND_LABELS.items()}

# ---------------------------------------------------------------- scorecard
st.header(t("单位记分卡"))
agencies = [a for a in cache.agencies() if a.id in by_id]
default = me.agency_id if me.agency_id in by_id else (ranking[0].agency_id if ranking else None)
chosen = filters.agency_selector(t("单位"), "flt_metrics_agency", agencies, default=default, allow_all=False)
if chosen is not None and chosen in by_id:
    row = by_id[chosen]
    before = pm.before[chosen]
    if row.rank:
        peers = sum(1 for r in ranking if r.rank and r.kind == row.kind)
        rank_text = t("{k}第{r}名 / 共{n}个参评单位", k=KIND[row.kind], r=row.rank, n=peers)
    else:
        rank_text = t("样本不足（考核{j}件，少于{m}件），不参与排名", j=row.judged, m=scoring.min_items)
    st.subheader(f"{inert(row.name)} · {rank_text}")
    cards = [("score", ui.num(row.score) if row.rank else "—",
              None if row.score_change is None or not row.rank else f"{row.score_change:+.1f}"),
             ("judged", f"{row.judged:,}", None)]
    for field in ("referrals_sent", "referrals_received", "sent_on_time_rate", "ack_on_time_rate",
                  "median_ack_workdays", "results_reported", "assists_answered_on_time_rate",
                  "disputes_involved", "disputes_resolved", "decisions_done_on_time_rate",
                  "dispute_handling_rate"):
        cards.append((field, _show(field, row.metrics), _delta(field, row.metrics, before)))
    for start in range(0, len(cards), 4):
        cols = st.columns(4)
        for col, (field, value, delta) in zip(cols, cards[start:start + 4]):
            label = t("考核件数") if field == "judged" else pick(METRIC_LABELS[field])
            # Fewer working days to acknowledge is better: its arrow colours are reversed.
            col.metric(label, value, delta=delta, border=True, help=help_of(field),
                       delta_color="inverse" if field == "median_ack_workdays" else "normal")
    st.caption(t("比率为已到期事项中按时完成的比例；“—”表示本期没有需要评价的事项。箭头为与上期相比的变化。"))

# ---------------------------------------------------------------- how the score is made
st.header(t("排名"))
if scoring.method == DEDUCTION:
    items = "、".join(f"{pick(i.label)} {scoring.full_marks[i.key]}" for i in SCORE_ITEMS)
    how = t("评分方法：{m}。各项满分：{items}（合计{total}分）；每起超期扣{c}分，每项扣完为止；没有需评价事项的项目得满分。",
            m=pick(SCORE_METHODS[scoring.method]), items=items, total=scoring.full_total, c=scoring.per_case)
else:
    items = "、".join(f"{pick(i.label)} {scoring.weights[i.rate]:g}" for i in SCORE_ITEMS)
    how = t("评分方法：{m}。评分 = 各项按时率按权重（{items}）加权平均 × 100；没有需评价事项的比率不计入。",
            m=pick(SCORE_METHODS[scoring.method]), items=items)
st.info(how + " " + t("镇街、部门分别排名，同分同名次；考核件数少于{n}件的单位列为“样本不足”，不参与排名；"
                      "牵头单位和司法机关不参与排名。评分方法由联席会议办公室在“规则参数”中设定。", n=scoring.min_items),
        icon=":material/info:")

rows = report_rows(ranking)
extra = {r.agency_id: r for r in ranking}
COLUMN_HELP = {"单位类型": None, "评分": "score", "排名": "rank", "备注": "note", **REPORT_FIELDS}


def _frame(kind: str) -> pd.DataFrame:
    records = []
    for r, row in zip(ranking, rows):
        if r.kind != kind:
            continue
        rec = {t(c): row[c] for c in REPORT_COLUMNS if c != "单位类型"}
        rec[t("考核件数")] = r.judged
        rec[t("名次变化")] = r.rank_change
        records.append(rec)
    return pd.DataFrame(records)


config = {}
for c in REPORT_COLUMNS:
    key = COLUMN_HELP.get(c)
    if key is None:
        continue
    fmt = "%.1f%%" if REPORT_FIELDS.get(c) in RATE_FIELDS else None
    config[t(c)] = st.column_config.NumberColumn(help=help_of(key), format=fmt) if c != "备注" \
        else st.column_config.TextColumn(help=help_of(key))
config[t("考核件数")] = st.column_config.NumberColumn(help=help_of("judged"))
config[t("名次变化")] = st.column_config.NumberColumn(help=t("与上期名次相比上升（正）或下降（负）的位次。"))

WORKBOOK = {}
for kind in ("town", "department"):
    frame = _frame(kind)
    st.subheader(t("{k}排名", k=KIND[kind]))
    ranked = [r for r in ranking if r.kind == kind and r.rank is not None]
    if ranked:
        ui.stacked_bars(
            [r.name for r in ranked],
            {pick(METRIC_LABELS["score"]): [round(r.score, 1) for r in ranked]},
            title=None, x_title=pick(METRIC_LABELS["score"]), y_title=None, horizontal=True,
            height=max(300, 30 * len(ranked) + 80), key=f"metrics_scores_{kind}",
        )
    ui.table(frame, column_config=config)
    WORKBOOK[t("{k}排名", k=KIND[kind])] = frame


def _export() -> bytes:
    return ui.excel_bytes(WORKBOOK)


ui.download_excel(t("导出Excel"), _export, f"成员单位指标_{period.start.isoformat()}_{period.end.isoformat()}.xlsx",
                  "metrics_export")

# ---------------------------------------------------------------- by matter (权责清单)
with st.expander(t("按事项（权责清单）统计")):
    with read_session() as session:
        ui.matter_counts(referrals_by_matter(session, sent_from=period.start, sent_to=period.end, limit=30))
