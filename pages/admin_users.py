"""Users (office): create, change role / agency, reset password, deactivate / reactivate."""

from datetime import datetime

import streamlit as st

from data_access.commands import users
from data_access.db import read_session
from data_access.queries.admin import list_users
from data_access.queries.agencies import agency_options
from rules.lifecycle import ROLE_LABELS, ROLES
from ui import session
from ui.forms import EntryForm, new_record_form, pick_for_edit
from ui.i18n import LANGUAGES, pick, t

me = session.require("admin.users")
st.title(t("用户管理"))

with read_session() as s:
    accounts = list_users(s)
    agencies = {a.id: a.name for a in agency_options(s, include_inactive=False)}


def role_name(code: str) -> str:
    return pick(ROLE_LABELS.get(code, (code, code)))


def agency_name(agency_id) -> str:
    return t("（无）") if agency_id is None else agencies.get(agency_id, str(agency_id))


def status(u) -> str:
    if not u.active:
        return t("已停用")
    if u.locked_until is not None and u.locked_until > datetime.now():
        return t("锁定至 {at}", at=f"{u.locked_until:%m-%d %H:%M}")
    return t("启用")


st.dataframe(
    [
        {
            t("用户名"): u.username,
            t("姓名"): u.display_name,
            t("角色"): role_name(u.role),
            t("所属单位"): u.agency_name or "",
            t("状态"): status(u),
            t("语言"): LANGUAGES.get(u.language, u.language),
        }
        for u in accounts
    ],
    hide_index=True,
    width="stretch",
    height=min(38 + 35 * len(accounts), 420),
)
st.caption(t("共 {n} 个账户；停用的账户保留在操作日志中，不会删除。", n=len(accounts)))

tab_new, tab_edit = st.tabs([t("新建用户"), t("修改用户")])


def user_fields(form: EntryForm) -> dict:
    """A new account's inputs, keyed like ``create_user``'s parameters."""
    left, right = st.columns(2)
    values = {
        "username": form.field(st.text_input, "用户名", "username", within=left, help=t("登录时使用，不能含空格")),
        "display_name": form.field(st.text_input, "姓名", "display_name", within=left),
        "password": form.field(st.text_input, "初始密码", "password", within=left, type="password",
                               help=t("至少6位；请当面或电话告知本人")),
        "role": form.field(st.selectbox, "角色", "role", within=right, options=list(ROLES), format_func=role_name),
    }
    agency = form.field(st.selectbox, "所属单位", "agency_id", within=right, options=[None, *agencies],
                        format_func=agency_name, help=t("成员单位负责人和联络员必须选择所属单位"))
    values["agency_name"] = agencies.get(agency) if agency is not None else None
    return values


with tab_new:
    new_record_form(
        "new_user", user_fields,
        lambda username, role, agency_name, password, display_name: session.run(
            users.create_user, username, role, agency_name, password, display_name),
        lambda made, _values: t("已创建用户 {u}（{r}），可以用初始密码登录。", u=made.username, r=role_name(made.role)),
        submit="创建用户", icon=":material/person_add:", enter_to_submit=True,
    )

with tab_edit:
    picked = pick_for_edit("edit_user", accounts, label="选择用户", placeholder="请选择用户",
                           describe=lambda u: f"{u.username} · {u.display_name} · {role_name(u.role)}")
    if picked is not None:
        user, edit, shown = picked
        with st.form(f"edit_user_form_{user.id}"):
            st.markdown(f"**{t('角色与单位')}**")
            name = st.text_input(t("姓名"), value=user.display_name, key=edit.key("display_name"))
            edit.slot("display_name")
            new_role = st.selectbox(t("角色"), list(ROLES), index=list(ROLES).index(user.role),
                                    format_func=role_name, key=edit.key("role"))
            edit.slot("role")
            options = [None, *agencies]
            if user.agency_id is not None and user.agency_id not in agencies:
                options.append(user.agency_id)  # a deactivated agency still shows as current
            new_agency = st.selectbox(t("所属单位"), options, index=options.index(user.agency_id),
                                      format_func=lambda a: agency_name(a) if a in agencies or a is None
                                      else (user.agency_name or str(a)), key=edit.key("agency_id"))
            edit.slot("agency_id")
            save = st.form_submit_button(t("保存修改"), type="primary")
        if save:
            edit.submit(
                lambda: session.run(users.change_role, user.id, role=new_role, agency_id=new_agency,
                                    display_name=name, expected_version=shown),
                lambda _: t("已修改用户 {u}。", u=user.username),
            )

        with st.form(f"reset_pw_form_{user.id}", clear_on_submit=True):
            st.markdown(f"**{t('重置密码')}**")
            st.caption(t("重置后该用户在所有设备上退出登录，锁定同时解除。"))
            new_pw = st.text_input(t("新密码"), type="password", key=edit.key("password"))
            edit.slot("password")
            reset = st.form_submit_button(t("重置密码"), icon=":material/lock_reset:")
        if reset:
            edit.submit(
                lambda: session.run(users.reset_password, user.id, new_pw, expected_version=shown),
                lambda _: t("已重置 {u} 的密码。", u=user.username),
            )

        if user.active:
            st.caption(t("停用后该用户不能再登录（已登录的会话在下一次操作时退出），历史记录保留。"))
            if st.button(t("停用该用户"), key=f"deactivate_{user.id}", icon=":material/person_off:",
                         disabled=user.id == me.user_id):
                edit.submit(
                    lambda: session.run(users.deactivate_user, user.id, expected_version=shown),
                    lambda _: t("已停用用户 {u}。", u=user.username),
                )
        if not user.active or (user.locked_until is not None and user.locked_until > datetime.now()):
            if st.button(t("启用该用户（并解除锁定）"), key=f"reactivate_{user.id}", icon=":material/person_check:"):
                edit.submit(
                    lambda: session.run(users.reactivate_user, user.id, expected_version=shown),
                    lambda _: t("已启用用户 {u}。", u=user.username),
                )
