"""总览: the chair's home. Headline figures, the overdue board, backlog, trend, disputes,
decisions due, the ranking's ends and the map, for the chosen period."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from rules.ageing import AGE_BUCKETS, AGE_LABELS
from rules.lifecycle import AGENCY_KIND_LABELS, STATUS_LABELS
from rules.metrics import SCORE_METHODS, metric_help, top_bottom
from ui import cache, components as ui, drill, filters
from ui.i18n import lang, pick, t
from ui.session import actor

actor()  # the signed-in user, or the page stops here
ui.page_style()
period, as_of = filters.period_selector()
data, towns = cache.overview(period, as_of)
head = data.headline

st.title(t("总览"))
st.caption(t("{p} · 数据截至 {d}", p=filters.period_label(period), d=as_of.isoformat()))

# Each figure opens its rows. The ledger lists referrals as they stand today, so the cards of
# pending referrals link to it while the figures are today's (the current period).
current = as_of == date.today()
ui.kpi_row(
    [
        (t("本期移送案件"), head.referrals_sent, t("统计期间内的移送次数（退回后再次移送计为新的一次）"),
         drill.ledger_params(label=t("本期移送案件"), sent_from=period.start, sent_to=as_of)),
        (t("待受理告知"), head.awaiting_ack, t("已移送、截至统计日尚未书面告知受理情况"),
         current and drill.ledger_params(label=t("待受理告知"), status="sent")),
        (t("受理告知超期"), head.overdue_ack, t("待受理告知且已过受理告知期限"),
         current and drill.ledger_params(label=t("受理告知超期"), status="sent", light="red")),
        (t("未结职责争议"), head.open_disputes, t("截至统计日尚未解决的职责争议"),
         drill.page_params(drill.DISPUTES, label=t("未结职责争议"))),
        (t("下次会议前到期议定事项"), head.decisions_due, t("截至 {d} 到期且未完成（含已超期）", d=head.decisions_horizon.isoformat()),
         current and drill.page_params(drill.DECISIONS, label=t("下次会议前到期议定事项"), due_to=head.decisions_horizon)),
    ]
)

# ---------------------------------------------------------------- overdue board
st.header(t("受理告知亮灯情况"))
if not data.board:
    ui.empty(t("截至统计日没有待受理告知的移送案件。"))
else:
    board = pd.DataFrame(
        [
            {
                t("接收单位"): row.name,
                ui.light_short("red"): row.red,
                ui.light_short("yellow"): row.yellow,
                ui.light_short("green"): row.green,
                t("最长超期（天）"): row.max_days_late,
            }
            for row in data.board
        ]
    )
    left, right = st.columns([3, 2])
    with left:
        board_help = {
            ui.light_short("red"): t("已过受理告知期限、截至统计日仍未书面告知的件数。"),
            ui.light_short("yellow"): t("截至统计日处于受理告知期限最后一个工作日的件数。"),
            ui.light_short("green"): t("距受理告知期限还有一个工作日以上的件数。"),
            t("最长超期（天）"): t("该单位超期最久的一件自期限届满至统计日的天数。"),
        }
        # A count clicked opens its referrals: that agency's pending ones of that light.
        lights = {ui.light_short(lt): lt for lt in ("red", "yellow", "green")}
        board_event = ui.table(board, height=min(420, 38 * (len(board) + 1) + 4),
                               column_config={c: st.column_config.NumberColumn(help=h) for c, h in board_help.items()},
                               select_key="ov_board", select_mode="single-cell")
        drill.on_cell("ov_board", board_event, lambda i, column: current and column in lights and drill.ledger_params(
            label=t("受理告知亮灯情况"), status="sent", light=lights[column], to=data.board[i].agency_id))
        st.caption(t("点选红灯、黄灯或绿灯的件数，查看这些移送案件。"))
    with right:
        top = [row for row in data.board if row.red][:10]
        st.markdown(f"**{t('超期最多的单位')}**")
        ui.stacked_bars(
            [row.label for row in top],
            {ui.light_text("red"): [row.red for row in top]},
            title=None,
            x_title=t("超期件数"),
            y_title=None,
            horizontal=True,
            colors=("#A63D00",),
            height=420,
            empty_message=t("没有超期未受理告知的移送案件。"),
            key="ov_top_red",
            drill=lambda i, _s: current and drill.ledger_params(
                label=t("受理告知超期"), status="sent", light="red", to=top[i].agency_id),
        )

# ---------------------------------------------------------------- backlog
st.header(t("各单位积压情况"))
backlog = data.backlog[:15]
BACKLOG_SERIES = ({"status": "sent", "light": "red"}, {"status": "sent", "light": "yellow,green"},
                  {"status": "accepted"})
if backlog:
    st.markdown(f"**{t('积压最多的{n}个单位', n=len(backlog))}**")
ui.stacked_bars(
    [row.label for row in backlog],
    {
        t("待受理告知（超期）"): [row.overdue_ack for row in backlog],
        t("待受理告知（未超期）"): [row.awaiting_ack - row.overdue_ack for row in backlog],
        t("已受理待反馈结果"): [row.awaiting_result for row in backlog],
    },
    title=None,
    x_title=t("件数"),
    y_title=None,
    horizontal=True,
    height=120 + 34 * len(backlog),
    colors=("#A63D00", "#E69F00", "#0072B2"),
    empty_message=t("截至统计日没有积压的移送案件。"),
    key="ov_backlog",
    drill=lambda i, series: current and drill.ledger_params(
        label=(t("待受理告知（超期）"), t("待受理告知（未超期）"), t("已受理待反馈结果"))[series],
        to=backlog[i].agency_id, **BACKLOG_SERIES[series]),
)
if data.backlog:
    age_codes = [code for code, _ in AGE_BUCKETS]

    def _age_days(i: int) -> dict:
        """Sending days of the i-th age bracket (calendar days since sent, rules.ageing)."""
        upper = AGE_BUCKETS[i][1]
        lower = AGE_BUCKETS[i - 1][1] + 1 if i else 0
        return {"sent_from": as_of - timedelta(days=upper) if upper is not None else None,
                "sent_to": as_of - timedelta(days=lower)}

    ack_age = [sum(row.ack_by_age.get(c, 0) for row in data.backlog) for c in age_codes]
    res_age = [sum(row.result_by_age.get(c, 0) for row in data.backlog) for c in age_codes]
    st.markdown(f"**{t('积压案件按移送后天数')}**")
    ui.stacked_bars(
        [t(AGE_LABELS[c]) for c in age_codes],
        {t("待受理告知"): ack_age, t("已受理待反馈结果"): res_age},
        title=None,
        x_title=t("移送后天数"),
        y_title=t("件数"),
        colors=("#E69F00", "#0072B2"),
        height=360,
        key="ov_ages",
        drill=lambda i, series: current and drill.ledger_params(
            label=t("积压案件按移送后天数"), status=("sent", "accepted")[series], **_age_days(i)),
    )

# ---------------------------------------------------------------- map
st.header(t("镇街积压地图"))
ui.town_map(towns, key="ov_map", drill=lambda agency_id: current and drill.ledger_params(
    label=t("积压合计"), status="sent,accepted", to=agency_id))
st.caption(t("点选镇街，查看其积压的移送案件（待受理告知和已受理待反馈结果）。"))

# ---------------------------------------------------------------- trend


def _month(p) -> dict:
    start = date(p.year, p.month, 1)
    end = date(p.year + (p.month == 12), p.month % 12 + 1, 1) - timedelta(days=1)
    return {"sent_from": start, "sent_to": min(end, as_of)}


st.header(t("月度趋势"))
ui.stacked_bars(
    [p.label for p in data.trend],
    {t("移送案件数"): [p.sent for p in data.trend]},
    title=None,
    x_title=t("月份"),
    y_title=t("移送案件数"),
    height=380,
    empty_message=t("近12个月没有移送案件。"),
    key="ov_trend",
    drill=lambda i, _s: drill.ledger_params(label=t("移送案件数"), **_month(data.trend[i])),
)

# ---------------------------------------------------------------- disputes
st.header(t("职责争议：阶段与时长"))
s, _ = cache.rules()
stages = data.disputes
ui.stacked_bars(
    [pick(STATUS_LABELS["dispute"][row.stage]) for row in stages],
    {
        t("本阶段{n}天以内", n=s.dispute_stall_days): [row.fresh for row in stages],
        t("停滞超过{n}天", n=s.dispute_stall_days): [row.stalled for row in stages],
    },
    title=None,
    x_title=t("所处阶段"),
    y_title=t("争议数"),
    colors=("#0072B2", "#A63D00"),
    height=360,
    empty_message=t("截至统计日没有未结的职责争议。"),
    key="ov_disputes",
    drill=lambda i, series: drill.page_params(drill.DISPUTES, label=t("职责争议：阶段与时长"), stage=stages[i].stage,
                                              stalled=bool(series)),
)

# ---------------------------------------------------------------- decisions
st.header(t("下次会议前到期的议定事项"))
if head.next_meeting_on:
    st.caption(t("下次会议：{d}", d=head.next_meeting_on.isoformat()))
if data.decisions:
    frame = pd.DataFrame(
        [
            {
                t("亮灯"): ui.light_text(d.light),
                t("会议"): d.meeting_number,
                t("议定事项"): d.text,
                t("牵头单位"): d.lead_agency,
                t("完成期限"): d.due_on.isoformat(),
                t("超期天数"): d.days_late,
            }
            for d in data.decisions
        ]
    )
    ui.table(frame, light_columns=[t("亮灯")])
    if data.decisions_total > len(data.decisions):
        st.caption(t("仅显示最早到期的{n}项，共{total}项。", n=len(data.decisions), total=data.decisions_total))
else:
    ui.empty(t("下次会议前没有到期的议定事项。"))

# ---------------------------------------------------------------- ranking ends
st.header(t("成员单位协同评分（本期）"))
ranking = data.metrics.ranking()
scoring = data.metrics.scoring
if not any(r.rank for r in ranking):
    ui.empty(t("本期没有可排名的成员单位。"))
else:
    rank_help = metric_help("rank", lang())
    score_help = metric_help("score", lang())
    config = {t("名次"): st.column_config.NumberColumn(help=rank_help),
              t("协同评分"): st.column_config.NumberColumn(help=score_help, format="%.1f")}

    def _frame(rows):
        return pd.DataFrame(
            [{t("名次"): r.rank, t("单位"): r.name, t("协同评分"): round(r.score, 1)} for r in rows]
        )

    for kind in ("town", "department"):
        # Every agency tied at the edge is shown, so a list may hold more than five.
        top, bottom = top_bottom([r for r in ranking if r.kind == kind], 5)
        if not top:
            continue
        st.subheader(pick(AGENCY_KIND_LABELS[kind]))
        best, worst = st.columns(2)
        with best:
            st.markdown(f"**{t('前五名（含并列）')}**")
            ui.table(_frame(top), column_config=config)
        with worst:
            st.markdown(f"**{t('后五名（含并列）')}**")
            ui.table(_frame(bottom), column_config=config)
    unranked = [r.name for r in ranking if r.note]
    st.caption(
        t("评分口径与“成员单位指标”页相同（{m}）；镇街、部门分别排名，同分同名次。", m=pick(SCORE_METHODS[scoring.method]))
        + (t("样本不足、不参与排名：{names}。", names="、".join(unranked)) if unranked else "")
    )
