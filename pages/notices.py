"""My notices (提醒): what turned yellow or red for my agency since I last looked, the
decisions assigned to us, and whom to call at the other agency."""

from datetime import date

import streamlit as st

from data_access.commands import notify as notify_commands
from data_access.commands.base import CommandError
from rules.lights import LIGHT_LABELS
from rules.reminders import KIND_LABELS
from ui import session
from ui.i18n import pick, say, t
from ui.notices import notices

actor = session.require("notice.seen")
st.title(t("我的提醒"))
if actor.agency_id is None:
    st.info(t("提醒按成员单位列出；您的账户不属于任何成员单位。"))
    st.stop()

today = date.today()
found, last, decisions = notices(actor, today)
new = [n for n in found if n.new]
st.caption(t("上次查看：{d}", d=last.isoformat()) if last else t("您还没有查看过提醒。"))
left, right = st.columns(2)
left.metric(t("新提醒"), len(new))
right.metric(t("亮灯事项"), len(found))


def rows(items):
    return [
        {
            t("新"): "●" if n.new else "",
            t("灯"): pick(LIGHT_LABELS[n.lit.light]),
            t("事项"): t(KIND_LABELS[n.lit.item.kind]),
            t("编号"): n.lit.item.number,
            t("对方单位"): n.lit.item.other_name or "",
            t("联系人"): n.lit.item.other_contact or "",
            t("联系电话"): n.lit.item.other_phone or "",
            t("期限"): n.lit.item.due.isoformat(),
            t("超期天数"): n.lit.days_late,
            t("亮灯日期"): n.since.isoformat(),
        }
        for n in items
    ]


if found:
    st.dataframe(rows(found), hide_index=True, width="stretch")
else:
    st.success(t("本单位没有亮灯事项。"), icon=":material/check_circle:")
if new and st.button(t("全部标为已读"), icon=":material/done_all:", key="notices_seen"):
    try:
        notify_commands.mark_notices_seen(actor, on=today)
    except CommandError as exc:
        st.error(say(exc.message))
    else:
        st.rerun()

st.subheader(t("本单位承办的议定事项"))
if decisions:
    st.dataframe(
        [
            {
                t("会议"): d.meeting,
                t("议定事项"): d.text,
                t("完成期限"): d.due_on.isoformat(),
                t("角色"): t("牵头") if d.lead else t("配合"),
            }
            for d in decisions
        ],
        hide_index=True,
        width="stretch",
    )
else:
    st.caption(t("没有未完成的议定事项。"))
