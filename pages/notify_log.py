"""Reminders sent (office): what went out, what failed and is retried, the product's address
for links, and how to run ``notify`` every working morning."""

import streamlit as st

from data_access.commands import notify as notify_commands
from data_access.db import read_session
from data_access.queries.reminders import count_by_status, product_url, sent_log
from ui import session
from ui.forms import EntryForm
from ui.i18n import t

session.require("notify.send")
st.title(t("提醒发送记录"))

KINDS = {"lights": "亮灯提醒", "digest": "周报", "agenda_call": "议题征集通知", "agenda": "议程通知"}
STATUS = {"sent": "已发送", "failed": "发送失败（下次运行重发）"}

with read_session() as s:
    counts = count_by_status(s)
    address = product_url(s)
    choice = st.segmented_control(t("显示"), ["all", "failed", "sent"], default="all",
                                  format_func=lambda k: t({"all": "全部", "failed": "失败", "sent": "已发送"}[k]),
                                  key="notify_log_status")
    rows = sent_log(s, status=None if choice in (None, "all") else choice)

left, right = st.columns(2)
left.metric(t("已发送"), counts.get("sent", 0))
right.metric(t("发送失败"), counts.get("failed", 0))
if counts.get("failed"):
    st.warning(t("发送失败的消息不会丢失：下次运行 notify 时按原文重发。请检查对应单位的通知地址。"),
               icon=":material/warning:")
st.dataframe(
    [
        {
            t("时间"): (r.sent_at or r.created_at).strftime("%Y-%m-%d %H:%M"),
            t("单位"): r.agency,
            t("类型"): t(KINDS.get(r.kind, r.kind)),
            t("通知地址"): r.channel,
            t("状态"): t(STATUS.get(r.status, r.status)),
            t("尝试次数"): r.attempts,
            t("原因"): r.error or "",
            t("内容"): r.body,
        }
        for r in rows
    ],
    hide_index=True,
    width="stretch",
)
if not rows:
    st.caption(t("还没有发送记录。"))

st.subheader(t("平台网址"))
st.caption(t("设置后，提醒中附带相应页面的链接。"))
form = EntryForm("product_url")
form.start()
form.general_slot()
with st.form("product_url_form"):
    value = st.text_input(t("平台网址"), value=address or "", key=form.key("product_url"),
                          placeholder="https://jm.example.gov.cn")
    form.slot("product_url")
    save = st.form_submit_button(t("保存"))
if save:
    form.submit(lambda: notify_commands.set_product_url(session.actor(), value),
                lambda saved: t("已保存平台网址。") if saved else t("已清除平台网址。"))

with st.expander(t("如何每个工作日早上自动发送")):
    st.markdown(t("在服务器上定时运行（详见 README）："))
    st.code("30 8 * * 1-5  cd /srv/joint-meeting && DATABASE_URL=... .venv/bin/python -m data_access notify",
            language="bash")
