"""Member agencies (office): add, edit, deactivate / reactivate; delete only one entered by
mistake (an agency with any history is deactivated, never deleted)."""

import streamlit as st

from data_access.commands import admin
from data_access.commands import notify as notify_commands
from data_access.commands.base import CommandError
from data_access.db import read_session
from data_access.queries.admin import agencies_with_accounts
from data_access.queries.reminders import masked_channels
from rules.lifecycle import AGENCY_KIND_LABELS
from ui import session
from ui.forms import EntryForm, new_record_form, pick_for_edit
from ui.i18n import pick, say, t

session.require("admin.agencies")
st.title(t("成员单位"))

with read_session() as s:
    agencies = agencies_with_accounts(s)

KINDS = list(AGENCY_KIND_LABELS)


def kind_name(code: str) -> str:
    return pick(AGENCY_KIND_LABELS.get(code, (code, code)))


st.dataframe(
    [
        {
            t("单位名称"): a.name,
            t("简称"): a.short_name or "",
            t("单位类型"): kind_name(a.kind),
            t("联系人"): a.contact or "",
            t("联系电话"): a.phone or "",
            t("位置"): f"{a.lon:.4f}, {a.lat:.4f}" if a.lon is not None and a.lat is not None else "",
            t("启用账户"): a.active_users,
            t("状态"): t("启用") if a.active else t("已停用"),
        }
        for a in agencies
    ],
    hide_index=True,
    width="stretch",
    height=min(38 + 35 * len(agencies), 420),
)
active = sum(a.active for a in agencies)
st.caption(t("共 {n} 个单位，其中启用 {m} 个。停用的单位保留全部历史，但不能在表单中选择。", n=len(agencies), m=active))


def agency_fields(form: EntryForm, record=None) -> dict:
    """The inputs of an agency, pre-filled from ``record`` when editing."""
    left, right = st.columns(2)
    values: dict = {}
    with left:
        values["name"] = st.text_input(t("单位名称"), value=record.name if record else "", key=form.key("name"))
        form.slot("name")
        values["short_name"] = st.text_input(t("简称"), value=(record.short_name or "") if record else "",
                                             key=form.key("short_name"))
        form.slot("short_name")
        values["kind"] = st.selectbox(t("单位类型"), KINDS, index=KINDS.index(record.kind) if record else None,
                                      format_func=kind_name, key=form.key("kind"), placeholder=t("请选择"))
        form.slot("kind")
        values["contact"] = st.text_input(t("联系人"), value=(record.contact or "") if record else "",
                                          key=form.key("contact"))
        form.slot("contact")
    with right:
        values["phone"] = st.text_input(t("联系电话"), value=(record.phone or "") if record else "",
                                        key=form.key("phone"))
        form.slot("phone")
        values["lon"] = st.number_input(t("经度"), value=record.lon if record else None, format="%.6f",
                                        key=form.key("lon"), help=t("镇街需填写位置，地图才能显示"))
        form.slot("lon")
        values["lat"] = st.number_input(t("纬度"), value=record.lat if record else None, format="%.6f",
                                        key=form.key("lat"))
        form.slot("lat")
    return values


tab_new, tab_edit = st.tabs([t("新增单位"), t("修改单位")])

with tab_new:
    new_record_form(
        "new_agency", agency_fields, lambda **values: session.run(admin.add_agency, **values),
        lambda saved, _values: t("已新增单位“{name}”。", name=saved.name),
        submit="新增单位", icon=":material/add_business:", enter_to_submit=True,
    )

with tab_edit:
    picked = pick_for_edit("edit_agency", agencies, label="选择单位", placeholder="请选择单位",
                           describe=lambda a: a.name + ("" if a.active else t("（已停用）")))
    if picked is not None:
        record, edit, shown = picked
        with st.form(f"edit_agency_form_{record.id}"):
            values = agency_fields(edit, record)
            save = st.form_submit_button(t("保存修改"), type="primary")
        if save:
            edit.submit(
                lambda: session.run(admin.edit_agency, record.id, expected_version=shown, **values),
                lambda saved: t("已保存单位“{name}”。", name=saved.name),
            )

        if record.active:
            st.caption(t("停用后该单位不能在表单中选择，历史记录全部保留；其账户不受影响，可在用户管理中停用。"))
            if st.button(t("停用该单位"), key=f"deactivate_agency_{record.id}", icon=":material/domain_disabled:"):
                edit.submit(
                    lambda: session.run(admin.deactivate_agency, record.id, expected_version=shown),
                    lambda saved: t("已停用单位“{name}”（仍有 {n} 个启用的账户）。", name=saved.name,
                                    n=saved.active_users),
                )
        elif st.button(t("重新启用该单位"), key=f"reactivate_agency_{record.id}", icon=":material/domain:"):
            edit.submit(
                lambda: session.run(admin.reactivate_agency, record.id, expected_version=shown),
                lambda saved: t("已重新启用单位“{name}”。", name=saved.name),
            )

        with st.expander(t("删除（仅限误录入、没有任何记录的单位）"), icon=":material/delete:"):
            sure = st.checkbox(t("确认删除“{name}”", name=record.name), key=f"delete_sure_{record.id}")
            if st.button(t("删除该单位"), key=f"delete_agency_{record.id}", disabled=not sure):
                def deleted(_):
                    st.session_state.pop("edit_agency_pick", None)  # the record is gone
                    return t("已删除单位“{name}”。", name=record.name)

                edit.submit(lambda: session.run(admin.delete_agency, record.id, expected_version=shown), deleted)

        # Notification channels (通知地址): where this agency's reminders go.
        st.subheader(t("通知地址"))
        st.caption(t("提醒按这些地址发送（Apprise 格式：mailto://、dingtalk://、wecombot://、feishu://）。"
                     "保存后密码和令牌只显示部分。"))
        with read_session() as s:
            shown_channels = masked_channels(s, record.id)
        tested = st.session_state.pop(f"channel_test_{record.id}", None)
        if tested is not None:
            if tested.ok:
                st.success(t("测试消息已发出：{c}", c=tested.masked), icon=":material/check_circle:")
            else:
                st.error(t("测试消息发送失败：{c}。原因：{e}", c=tested.masked, e=say(tested.error or "")),
                         icon=":material/error:")
        if not shown_channels:
            st.info(t("尚未登记通知地址：该单位收不到提醒。"), icon=":material/notifications_off:")
        for ch in shown_channels:
            cols = st.columns([6, 2, 2])
            cols[0].markdown(f"`{ch.masked}` · {ch.service}")
            if cols[1].button(t("发送测试消息"), key=f"test_channel_{ch.id}", icon=":material/send:"):
                try:
                    st.session_state[f"channel_test_{record.id}"] = notify_commands.test_channel(
                        session.actor(), ch.id)
                except CommandError as exc:
                    st.error(say(exc.message))
                else:
                    st.rerun()
            if cols[2].button(t("停用"), key=f"remove_channel_{ch.id}", icon=":material/delete:"):
                try:
                    notify_commands.remove_channel(session.actor(), ch.id, expected_version=ch.version)
                except CommandError as exc:
                    st.error(say(exc.message))
                else:
                    st.rerun()
        channel_form = EntryForm(f"channel_{record.id}")
        channel_form.start()
        channel_form.general_slot()
        with st.form(f"channel_form_{record.id}"):
            new_url = st.text_input(t("新的通知地址"), key=channel_form.key("url"),
                                    placeholder="mailto://user:password@smtp.example.gov.cn?to=head@example.gov.cn")
            channel_form.slot("url")
            add_channel = st.form_submit_button(t("添加通知地址"), icon=":material/add_alert:")
        if add_channel:
            channel_form.submit(
                lambda: notify_commands.add_channel(session.actor(), record.id, new_url),
                lambda saved: t("已添加通知地址 {c}。", c=saved.masked),
            )
