"""本单位: what waits on our agency and what we wait on, each with its light, oldest first.

Who sees which agency is the permission matrix's ``read.cases``: a role limited to its own
agency sees that one; a role that sees every agency picks one, deactivated agencies included
(marked 已停用: what they still hold must stay reachable).
"""

from datetime import date

import streamlit as st

from rules import permissions
from ui import cache, components as ui, drill, filters, quick_actions
from ui.i18n import t
from ui.session import require

me = require("read.cases")
ui.page_style()
today = date.today()
agencies = cache.agencies()

if permissions.scope_for(me.role, "read.cases") == permissions.ANY:
    agency_id = filters.agency_selector(t("单位"), "flt_my_agency", agencies, allow_all=False)
else:
    agency_id = me.agency_id

if agency_id is None:
    st.title(t("本单位"))
    ui.empty(t("您的账号没有关联成员单位，请联系联席会议办公室。"))
    st.stop()

view = cache.my_agency_view(agency_id, today)
if view is None:
    st.title(t("本单位"))
    ui.empty(t("该单位不存在。"))
    st.stop()

st.title(view.name)
st.caption(t("截至 {d}；按到期日排序，最早到期的在前。点选一行即可办理。", d=today.isoformat()))
quick_actions.done_message()

# Every figure opens its rows (the ledger filtered to them); every red item is in a card.
ui.kpi_row(
    [
        (t("待本单位受理告知"), view.to_acknowledge.total, t("已移送给本单位、截至今天尚未书面告知受理情况的移送案件数。"),
         drill.ledger_params(label=t("待本单位受理告知"), status="sent", to=agency_id)),
        (t("其中超期"), view.to_acknowledge.red, t("其中已过受理告知期限的件数。"),
         drill.ledger_params(label=t("待本单位受理告知，其中超期"), status="sent", light="red", to=agency_id)),
        (t("待本单位答复协作"), view.to_answer.total, t("向本单位提出、截至今天尚未答复的协作请求数。"),
         drill.page_params(drill.ASSISTANCE, label=t("待本单位答复协作"), to=agency_id)),
        (t("协作答复超期"), view.to_answer.red, t("向本单位提出、已过答复期限仍未答复的协作请求数。"),
         drill.page_params(drill.ASSISTANCE, label=t("协作答复超期"), to=agency_id, light="red")),
        (t("本单位承办的议定事项"), view.decisions.total, t("本单位牵头或参与、尚未完成的议定事项数。"),
         drill.page_params(drill.DECISIONS, label=t("本单位承办的议定事项"), agency=agency_id)),
        (t("等待他方受理告知"), view.awaiting_their_ack.total, t("本单位移送、对方截至今天尚未书面告知受理情况的案件数。"),
         drill.ledger_params(label=t("等待他方受理告知"), status="sent", sender=agency_id)),
    ]
)


def _section(title: str, wait, counterpart: str, since: str, empty_text: str, select_key: str | None = None) -> None:
    """One list; with ``select_key`` (referrals) a row picked opens it to act on."""
    st.subheader(
        f"{title}（{wait.total}）　"
        + " ".join(f"{ui.light_text(lt)} {n}" for lt, n in (("red", wait.red), ("yellow", wait.yellow),
                                                              ("green", wait.green)) if n)
    )
    if not wait.items:
        ui.empty(empty_text)
        return
    frame = ui.wait_frame(wait.items, counterpart, since)
    if select_key:
        quick_actions.forget_selection(select_key)
        event = ui.table(frame, light_columns=[t("亮灯")], select_key=select_key)
        chosen = quick_actions.picked_row(event, [i.id for i in wait.items], select_key)
        if chosen is not None:
            quick_actions.referral_dialog(me, chosen, select_key)
    else:
        ui.table(frame, light_columns=[t("亮灯")])
    if wait.total > len(wait.items):
        st.caption(t("仅显示最早到期的{n}项，共{total}项；完整清单见“移送台账”。", n=len(wait.items), total=wait.total))


st.header(t("等待本单位办理"))
_section(t("待受理告知的移送案件"), view.to_acknowledge, t("移送单位"), t("移送日期"),
         t("没有待本单位受理告知的移送案件。"), select_key="my_to_ack")
_section(t("待答复的协作请求"), view.to_answer, t("请求单位"), t("请求日期"),
         t("没有待本单位答复的协作请求。"))
_section(t("本单位牵头或参与的议定事项"), view.decisions, t("牵头单位"), t("会议日期"),
         t("没有未完成的议定事项。"))

st.header(t("本单位等待他方"))
_section(t("已移送、待对方受理告知"), view.awaiting_their_ack, t("接收单位"), t("移送日期"),
         t("本单位移送的案件均已得到受理告知。"), select_key="my_their_ack")
_section(t("已提出、待对方答复的协作请求"), view.awaiting_their_answer, t("被请求单位"), t("请求日期"),
         t("本单位的协作请求均已得到答复。"))
