"""成员单位指标: one agency's scorecard with every metric of ``rules.metrics``, and the
ranking of all agencies for the period with adjustable weights and the change since the
previous period; export to Excel. Figures from ``period_metrics``, as on the overview."""

import pandas as pd
import streamlit as st

from rules.lifecycle import AGENCY_KIND_LABELS
from rules.metrics import DEFAULT_WEIGHTS, METRIC_LABELS, RATE_FIELDS, effective_weights
from ui import cache, components as ui, filters
from ui.i18n import pick, t
from ui.session import actor

me = actor()
ui.page_style()
period, as_of = filters.period_selector()
pm = cache.period_metrics(period, as_of)

st.title(t("成员单位指标"))
st.caption(
    t("{p}（数据截至 {d}）；对比上期：{q}", p=filters.period_label(period), d=as_of.isoformat(),
      q=filters.period_label(pm.previous))
)

# ---------------------------------------------------------------- weights
with st.sidebar.expander(t("评分权重"), expanded=False):
    weights = {
        name: filters.slider(pick(METRIC_LABELS[name]), f"flt_weight_{name}", DEFAULT_WEIGHTS[name],
                             min_value=0.0, max_value=1.0, step=0.05)
        for name in RATE_FIELDS
    }
    weights, fell_back = effective_weights(weights)
    if fell_back:
        st.warning(t("权重全为0时无法评分，已按默认权重计算。"))
ranking = pm.ranking(weights)
by_id = {r.agency_id: r for r in ranking}

COUNTS = ("referrals_sent", "referrals_received", "results_reported", "disputes_involved", "disputes_resolved")


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


# ---------------------------------------------------------------- scorecard
st.header(t("单位记分卡"))
agencies = [a for a in cache.agencies() if a.id in by_id]
default = me.agency_id if me.agency_id in by_id else (ranking[0].agency_id if ranking else None)
chosen = filters.agency_selector(t("单位"), "flt_metrics_agency", agencies, default=default, allow_all=False)
if chosen is not None and chosen in by_id:
    row = by_id[chosen]
    before = pm.before[chosen]
    rank_text = t("第{r}名 / 共{n}个参评单位", r=row.rank, n=sum(1 for r in ranking if r.rank)) if row.rank \
        else t("本期无可评分事项，不参与排名")
    st.subheader(f"{row.name} · {rank_text}")
    cards = [("score", ui.num(row.score), None if row.score_change is None else f"{row.score_change:+.1f}")]
    for field in ("referrals_sent", "referrals_received", "sent_on_time_rate", "ack_on_time_rate",
                  "median_ack_workdays", "results_reported", "assists_answered_on_time_rate",
                  "disputes_involved", "disputes_resolved", "decisions_done_on_time_rate"):
        cards.append((field, _show(field, row.metrics), _delta(field, row.metrics, before)))
    for start in range(0, len(cards), 4):
        cols = st.columns(4)
        for col, (field, value, delta) in zip(cols, cards[start:start + 4]):
            # Fewer working days to acknowledge is better: its arrow colours are reversed.
            col.metric(pick(METRIC_LABELS[field]), value, delta=delta, border=True,
                       delta_color="inverse" if field == "median_ack_workdays" else "normal")
    st.caption(t("比率为已到期事项中按时完成的比例；“—”表示本期没有需要评价的事项。箭头为与上期相比的变化。"))

# ---------------------------------------------------------------- ranking
st.header(t("排名"))
LABEL = {name: pick(pair) for name, pair in METRIC_LABELS.items()}
COL = {k: t(k) for k in ("名次", "单位", "类型", "名次变化", "评分变化", "上期评分")}
KIND = {code: pick(labels) for code, labels in AGENCY_KIND_LABELS.items()}


def _ranking_frame(rows) -> pd.DataFrame:
    records = []
    for r in rows:
        m = r.metrics
        rec = {
            COL["名次"]: r.rank,
            COL["单位"]: r.name,
            COL["类型"]: KIND.get(r.kind, r.kind),
            LABEL["score"]: None if r.score is None else round(r.score, 1),
            COL["上期评分"]: None if r.previous_score is None else round(r.previous_score, 1),
            COL["评分变化"]: None if r.score_change is None else round(r.score_change, 1),
            COL["名次变化"]: r.rank_change,
        }
        for field in RATE_FIELDS:
            value = getattr(m, field)
            rec[LABEL[field]] = None if value is None else round(value * 100, 1)
        rec[LABEL["median_ack_workdays"]] = m.median_ack_workdays
        for field in COUNTS:
            rec[LABEL[field]] = getattr(m, field)
        records.append(rec)
    return pd.DataFrame(records)


ranked = [r for r in ranking if r.score is not None]
if ranked:
    top = ranked[:20]
    ui.stacked_bars(
        [r.name for r in top],
        {LABEL["score"]: [round(r.score, 1) for r in top]},
        title=None,
        x_title=LABEL["score"],
        y_title=None,
        horizontal=True,
        height=max(360, 30 * len(top) + 80),
        key="metrics_scores",
    )
frame = _ranking_frame(ranking)
percent = {LABEL[f]: st.column_config.NumberColumn(format="%.1f%%") for f in RATE_FIELDS}
ui.table(frame, column_config=percent)
st.caption(t("评分 = 各比率指标按权重加权平均 × 100；没有可评价事项的比率不计入；名次变化为正表示上升。"))

WORKBOOK = {t("排名"): frame}


def _export() -> bytes:
    return ui.excel_bytes(WORKBOOK)


ui.download_excel(t("导出Excel"), _export, f"成员单位指标_{period.start.isoformat()}_{period.end.isoformat()}.xlsx",
                  "metrics_export")
