"""New referral (新建移送): a clerk registers a referral in a few fields, defaults filled."""

from datetime import date

import streamlit as st

from data_access.commands.referrals import create_referral
from data_access.db import read_session
from data_access.queries.agencies import agency_options
from data_access.queries.forms import probable_duplicates
from data_access.queries.responsibilities import matter_choices
from rules import routing
from rules.permissions import can, scope_for
from ui.forms import EntryForm, referral_inputs, status_text
from ui.i18n import t
from ui.session import actor
from ui.components import inert

user = actor()
st.title(t("新建移送"))
if not can(user.role, "referral.create"):
    st.info(t("您的角色不能登记移送案件。"))
    st.stop()

with read_session() as session:
    agencies = agency_options(session, include_inactive=True)
    matters = {m.id: m for m in matter_choices(session)}
names = {a.id: a.name for a in agencies}
today = date.today()
own_only = scope_for(user.role, "referral.create") == "own"

form = EntryForm("new_referral")
form.start()


def _propose_receiver() -> None:
    """Picking a matter fills in the receiving agency the list names (before the form draws)."""
    chosen = matters.get(st.session_state.get(form.key("matter_id")))
    sender = user.agency_id if own_only else st.session_state.get(form.key("from_agency_id"), user.agency_id)
    proposal = routing.proposed_receiver(chosen.agency_id if chosen else None, sender)
    if proposal is not None:
        st.session_state[form.key("to_agency_id")] = proposal


# Outside the form, so that picking a matter proposes the receiver at once. The select box
# filters its options as the clerk types part of the matter's name.
matter_id = st.selectbox(
    t("事项（权责清单）"), list(matters), index=None, format_func=lambda i: matters[i].label,
    key=form.key("matter_id"), placeholder=t("输入事项名称的一部分查找（可不选）"), on_change=_propose_receiver,
)
form.slot("matter_id")
listed = matters.get(matter_id)
if listed is not None:
    st.info(t("权责清单：该事项由 {agency} 负责。", agency=inert(listed.agency)), icon=":material/menu_book:")
with st.form("new_referral_form", enter_to_submit=False):
    values = referral_inputs(form, agencies, today=today, sender=user.agency_id, sender_locked=own_only)
    values["matter_id"] = matter_id
    values["routing_reason"] = None
    if listed is not None:
        values["routing_reason"] = st.text_area(
            t("不按清单移送的理由（接收单位与清单不一致时必填）"), key=form.key("routing_reason"))
        form.slot("routing_reason")
    form.general_slot()
    submitted = st.form_submit_button(t("保存"), type="primary", icon=":material/save:")
form.stale_notice()

when = values["sent_on"] if values["send"] else values["discovered_on"]
signature = (values["title"].strip(), values["from_agency_id"], values["to_agency_id"], when)
save_anyway = form.duplicate_prompt(signature)


def save():
    return create_referral(user, **values)


def confirm(saved) -> str:
    return t(
        "已登记移送案件 {number}：{title}（{sender} → {receiver}），状态：{status}。可以继续登记下一件。",
        number=saved.number, title=values["title"].strip(), sender=names.get(values["from_agency_id"], ""),
        receiver=names.get(values["to_agency_id"], ""), status=status_text("referral", saved.status),
    )


if submitted:
    with read_session() as session:
        duplicates = probable_duplicates(
            session, title=values["title"], from_agency_id=values["from_agency_id"],
            to_agency_id=values["to_agency_id"], on=when,
        )
    if duplicates:
        form.hold_for_duplicates(
            signature,
            [f"{d.number} · {d.title} · {d.from_agency} → {d.to_agency} · {d.on} · "
             f"{status_text('referral', d.status)}" for d in duplicates],
        )
    else:
        form.submit(save, confirm)
elif save_anyway:
    form.submit(save, confirm)
