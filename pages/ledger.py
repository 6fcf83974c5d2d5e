"""移送台账: the referral ledger, filtered and searched in the database, one page at a time,
with a referral's full record, deadlines and history, and two exports: the ledger file in the
import columns (the command line's ``export referrals``; importing it gives back the same
referrals) and the table as shown (lights and current deadlines, for reading only)."""

from datetime import date

import pandas as pd
import streamlit as st

from data_access.db import read_session
from data_access.queries.referrals import EXPORT_LIMIT, LedgerFilter
from data_access.queries.responsibilities import referrals_by_matter
from rules.lifecycle import ACK_OUTCOMES, DOMAIN_LABELS, DOMAINS, MATERIAL_LABELS, STATUS_LABELS, URGENCY
from rules.lights import Light
from rules import permissions
from ui import cache, components as ui, drill, filters, quick_actions
from ui.i18n import pick, t
from ui.session import require
from ui.components import inert

me = require("read.cases")
ui.page_style()
period, _ = filters.period_selector()
today = date.today()
agencies = cache.agencies()
names = {a.id: a.name for a in agencies}
# A role that sees only its own agency's cases (permission matrix, read.cases) gets only
# the referrals its agency sent or received.
member = permissions.scope_for(me.role, "read.cases") != permissions.ANY

st.title(t("移送台账"))
if member and me.agency_id is None:
    ui.empty(t("您的账号没有关联成员单位，请联系联席会议办公室。"))
    st.stop()
if member:
    st.caption(t("显示本单位（{a}）移送或接收的案件。", a=inert(names.get(me.agency_id, ""))))

# ---------------------------------------------------------------- filters
# A figure elsewhere (a KPI card, a chart's bar) opens the ledger with its rows' filter in the
# address (ui.drill): that filter is shown above the list, with the button that removes it.
drilled = drill.ledger_filter_from_params(st.query_params, own_agency=me.agency_id if member else None)
if drilled is not None:
    f = drilled
    all_dates = f.sent_from is None and f.sent_to is None
    light_names = [ui.light_text(lt) for lt in (f.light or "").split(",") if lt]
    drill.filter_banner([p for p in (
        st.query_params.get("label"),
        f.status and t("状态：{s}", s="、".join(pick(STATUS_LABELS["referral"].get(code, (code, code)))
                                               for code in f.status.split(","))),
        light_names and t("亮灯：{l}", l="、".join(light_names)),
        f.to_agency_id and t("接收单位：{a}", a=names.get(f.to_agency_id, "")),
        f.from_agency_id and t("移送单位：{a}", a=names.get(f.from_agency_id, "")),
        (f.sent_from or f.sent_to) and t("移送日期：{a} ~ {b}", a=ui.day(f.sent_from), b=ui.day(f.sent_to)),
    ) if p])
else:
    # The filters fold away so that the list starts within the first screen (1280×720).
    with st.expander(t("筛选条件"), icon=":material/filter_list:"):
        all_dates = filters.toggle(t("不限移送日期"), "flt_ledger_all_dates", False)
        if not all_dates:
            st.caption(t("移送日期：{p}（侧栏统计期间）", p=filters.period_label(period)))
        c1, c2, c3 = st.columns(3)
        with c1:
            from_id = filters.agency_selector(t("移送单位"), "flt_ledger_from", agencies)
        with c2:
            to_id = filters.agency_selector(t("接收单位"), "flt_ledger_to", agencies)
        with c3:
            search = filters.text_input(t("搜索编号或案件名称"), "flt_ledger_search",
                                        placeholder="YS-2026-000123 / " + t("关键词"))
        c4, c5, c6 = st.columns(3)
        with c4:
            domain = filters.choice(t("违法领域"), DOMAINS, "flt_ledger_domain", all_label="全部领域",
                                    format_func=lambda v: pick(DOMAIN_LABELS[v]))
        with c5:
            status = filters.choice(t("状态"), list(STATUS_LABELS["referral"]), "flt_ledger_status", all_label="全部状态",
                                    format_func=lambda v: pick(STATUS_LABELS["referral"][v]))
        with c6:
            light = filters.choice(t("亮灯"), [*[lt.value for lt in Light], "none"], "flt_ledger_light", all_label="全部",
                                   format_func=lambda v: t("无进行中的期限") if v == "none" else ui.light_text(v))

    f = LedgerFilter(
        from_agency_id=from_id,
        to_agency_id=to_id,
        domain=domain,
        status=status,
        light=light,
        sent_from=None if all_dates else period.start,
        sent_to=None if all_dates else period.end,
        search=search or None,
        agency_id=me.agency_id if member else None,
    )

# A new filter starts again at page 1.
if st.session_state.get("_ledger_filter") != f:
    st.session_state["_ledger_filter"] = f
    st.session_state["ledger_page"] = 1
size = int(st.session_state.get("ledger_page_size", 50))
page_no = int(st.session_state.get("ledger_page", 1))
result = cache.ledger_page(f, today, page_no, size)
if result.page != page_no:
    st.session_state["ledger_page"] = result.page

if result.sendings is not None and result.sendings != result.total:
    st.subheader(t("共 {n} 件（{m} 次移送）", n=f"{result.total:,}", m=f"{result.sendings:,}"))
else:
    st.subheader(t("共 {n} 件", n=f"{result.total:,}"))


# Every label is looked up here, in the script's thread: the export below runs on another
# thread when the button is clicked, where the user's language is not known.
COLS = {k: t(k) for k in ("亮灯", "移送编号", "案件名称", "移送单位", "接收单位", "移送日期", "状态",
                          "当前期限", "期限性质", "违法领域")}
STATUS_NAMES = {code: pick(pair) for code, pair in STATUS_LABELS["referral"].items()}
DOMAIN_NAMES = {code: pick(pair) for code, pair in DOMAIN_LABELS.items()}
LIGHT_NAMES = {lt: ui.light_text(lt) for lt in Light}
NATURE = {True: t("暂定"), False: t("正式")}


def _moment(day, at) -> str:
    """A date with its time of day, or saying the time was not given (DOMAIN.md, Hours)."""
    if day is None:
        return "—"
    if at is not None:
        return at.strftime("%Y-%m-%d %H:%M")
    return f"{ui.day(day)}（{t('时间未填')}）"


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                COLS["亮灯"]: LIGHT_NAMES.get(r.light, ""),
                COLS["移送编号"]: r.number,
                COLS["案件名称"]: r.title,
                COLS["违法领域"]: DOMAIN_NAMES.get(r.domain, r.domain or ""),
                COLS["移送单位"]: r.from_agency,
                COLS["接收单位"]: r.to_agency,
                COLS["移送日期"]: ui.day(r.sent_on),
                COLS["状态"]: STATUS_NAMES.get(r.status, r.status),
                COLS["当前期限"]: ui.day(r.due_on),
                COLS["期限性质"]: NATURE[r.provisional] if r.due_on else "",
            }
            for r in rows
        ],
        columns=list(COLS.values()),
    )


# A row picked opens the referral with the steps its status and the user's role allow.
quick_actions.forget_selection("ledger_rows")
picked_event = ui.table(_frame(result.rows), light_columns=[t("亮灯")], height=min(600, 35 * (len(result.rows) + 1) + 3),
                        select_key="ledger_rows")
picked_row = quick_actions.picked_row(picked_event, [r.id for r in result.rows], "ledger_rows")
if picked_row is not None:
    quick_actions.referral_dialog(me, picked_row, "ledger_rows")
p1, p2 = st.columns([1, 4])
p1.selectbox(t("每页条数"), [25, 50, 100], index=1, key="ledger_page_size")
p2.number_input(t("页码（共{n}页）", n=result.pages), min_value=1, max_value=result.pages, step=1,
                key="ledger_page")
st.caption(t("第 {p} / {n} 页；期限为案件当前所处环节的期限（待移送：移送期限；已移送：受理告知期限）。",
             p=result.page, n=result.pages))


SHEET = t("移送台账")


def _export_table() -> bytes:
    return ui.excel_bytes({SHEET: _frame(cache.ledger_rows(f, today))})


if result.total:
    e1, e2 = st.columns(2)
    with e1:
        ui.download_excel(t("导出台账（可重新导入）"), lambda: cache.ledger_export(f, today),
                          f"移送台账_{today.isoformat()}.xlsx", "ledger_export")
        st.caption(t("导入列格式，含当前筛选的已移送案件（不含待移送草稿）；导入后得到相同的案件。"))
    with e2:
        ui.download_excel(t("导出当前列表（供阅读）"), _export_table,
                          f"移送台账列表_{today.isoformat()}.xlsx", "ledger_table_export")
        st.caption(t("与上表相同的列（亮灯、当前期限），供阅读和打印，不能用于导入。"))
        if result.total > EXPORT_LIMIT:
            st.caption(t("导出最多包含前{n}条。", n=f"{EXPORT_LIMIT:,}"))

# ---------------------------------------------------------------- detail
st.header(t("案件详情"))
choices = {r.id: f"{r.number} · {r.title}" for r in result.rows}
picked = st.selectbox(t("选择本页中的案件"), list(choices), index=None, key="ledger_detail",
                      format_func=choices.get, placeholder=t("请选择"))
if picked is not None:
    det = cache.referral_detail(picked, today)
    if det is None:
        st.warning(t("该案件已不存在。"))
    else:
        st.subheader(f"{inert(det.number)}　{inert(det.title)}")
        left, right = st.columns(2)
        left.markdown(
            "\n".join(
                [
                    f"- **{t('移送单位')}**：{det.from_agency}"
                    + (f"（{t('联系人')} {det.from_contact}）" if det.from_contact else ""),
                    f"- **{t('接收单位')}**：{det.to_agency}"
                    + (f"（{t('联系人')} {det.to_contact}）" if det.to_contact else ""),
                    f"- **{t('违法领域')}**：{pick(DOMAIN_LABELS.get(det.domain, det.domain)) if det.domain else '—'}",
                    f"- **{t('紧急程度')}**：{t(URGENCY.get(det.urgency, det.urgency))}",
                    f"- **{t('涉嫌犯罪')}**：{t('是') if det.criminal else t('否')}",
                    f"- **{t('延期告知')}**：{t('是') if det.extension_notified else t('否')}",
                    f"- **{t('批准人')}**：{det.approved_by or '—'}",
                    f"- **{t('移送材料')}**：{'、'.join(pick(MATERIAL_LABELS.get(m, m)) for m in det.materials) or '—'}",
                ]
            )
        )
        right.markdown(
            "\n".join(
                [
                    f"- **{t('状态')}**：{pick(STATUS_LABELS['referral'][det.status])}",
                    f"- **{t('发现日期')}**：{_moment(det.discovered_on, det.discovered_at)}",
                    f"- **{t('移送日期')}**：{_moment(det.sent_on, det.sent_at)}"
                    + (f"（{t('第{n}次移送', n=det.round_no)}）" if det.round_no > 1 else ""),
                    f"- **{t('受理告知')}**：{ui.day(det.ack_on) or '—'}"
                    + (f"（{t(ACK_OUTCOMES[det.ack_outcome])}）" if det.ack_outcome in ACK_OUTCOMES else ""),
                    f"- **{t('受理用时（工作日）')}**：{det.ack_workdays if det.ack_workdays is not None else '—'}",
                    f"- **{t('结果反馈')}**：{ui.day(det.result_on) or '—'}",
                    f"- **{t('办结日期')}**：{ui.day(det.closed_on) or '—'}",
                ]
            )
        )
        if det.urgency == "urgent" and det.discovered_on is not None:
            st.caption(
                t("紧急移送时限（24小时）：{at}", at=det.send_due_at.strftime("%Y-%m-%d %H:%M"))
                if det.send_due_at else t("发现时间未填：紧急移送时限按发现次日24时计。")
            )
        if len(det.rounds) > 1:
            # DOMAIN.md, Rounds: every sending with its own limit and answer, as it happened.
            st.markdown(f"**{t('移送轮次')}**")
            ui.table(
                pd.DataFrame(
                    [
                        {
                            t("轮次"): t("第{n}次移送", n=rd.round_no) + ("" if not rd.current else t("（当前）")),
                            t("接收单位"): rd.to_agency,
                            t("移送日期"): _moment(rd.sent_on, rd.sent_at),
                            t("受理告知期限"): ui.day(rd.ack_due_on) or "—",
                            t("受理告知"): ui.day(rd.ack_on) or "—",
                            t("受理结果"): t(ACK_OUTCOMES[rd.ack_outcome]) if rd.ack_outcome in ACK_OUTCOMES else "—",
                            t("超期天数"): "—" if rd.ack_days_late is None else rd.ack_days_late,
                            t("说明"): rd.ack_reason or "",
                        }
                        for rd in det.rounds
                    ]
                )
            )
        if det.ack_reason:
            st.markdown(f"**{t('不予受理/退回理由')}**：{det.ack_reason}")
        if det.result_summary:
            st.markdown(f"**{t('办理结果')}**：{det.result_summary}")
        deadline_names = {"send": t("移送期限"), "ack": t("受理告知期限")}
        ui.table(
            pd.DataFrame(
                [
                    {
                        t("期限"): deadline_names[dl.code],
                        t("到期日"): ui.day(dl.due_on) or "—",
                        t("期限性质"): t("暂定") if dl.provisional else t("正式"),
                        t("完成日期"): ui.day(dl.met_on) or "—",
                        t("亮灯"): ui.light_text(dl.light),
                        t("超期天数"): dl.days_late,
                    }
                    for dl in det.deadlines
                ]
            ),
            light_columns=[t("亮灯")],
        )
        st.markdown(f"**{t('办理过程')}**")
        if det.history:
            ui.table(
                pd.DataFrame(
                    [
                        {
                            t("时间"): e.at.strftime("%Y-%m-%d %H:%M"),
                            t("操作人"): e.username or "",
                            t("原状态"): pick(STATUS_LABELS["referral"][e.from_status])
                            if e.from_status in STATUS_LABELS["referral"] else "",
                            t("新状态"): pick(STATUS_LABELS["referral"][e.to_status])
                            if e.to_status in STATUS_LABELS["referral"] else e.to_status,
                            t("说明"): e.note or "",
                        }
                        for e in det.history
                    ]
                )
            )
        else:
            ui.empty(t("暂无办理记录。"))

# ---------------------------------------------------------------- by matter (权责清单)
with st.expander(t("按事项（权责清单）统计")):
    with read_session() as session:
        grouped = referrals_by_matter(
            session, sent_from=None if all_dates else period.start, sent_to=None if all_dates else period.end,
            agency_id=me.agency_id if member else None, limit=30,
        )
    ui.matter_counts(grouped)
