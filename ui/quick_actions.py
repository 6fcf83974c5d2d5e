"""Act on the row: a referral picked in a list (本单位, the ledger, the overdue list) opens in
a dialog with only the steps its status and the user's role allow (``rules.referral_steps``).

The acknowledgement is done right there, its defaults filled in (受理, today), so that a head
acknowledges from the home page with select → confirm; the save passes the version the dialog
showed (``expected_version``), and a stale or refused save says why under the button. Other
steps open 移送办理 on that referral.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from data_access.commands import referrals as commands
from data_access.commands.base import CommandError
from data_access.db import read_session
from data_access.queries.forms import referral_for_edit
from rules import lifecycle
from rules.referral_steps import steps_for
from ui.i18n import pick, say, t

STEP_LABELS = {"acknowledge": "受理告知", "report": "反馈办理结果", "close": "办结", "send": "移送草稿",
               "revise": "修改后重新移送"}
_OPENED = "_quick_opened"
_DONE = "_quick_done"


def picked_row(event, ids: list[int], key: str) -> int | None:
    """The id of the row just selected in ``st.dataframe(on_select="rerun")``, once per pick."""
    rows = (event or {}).get("selection", {}).get("rows", []) if event else []
    if not rows or rows[0] >= len(ids):
        st.session_state.pop(f"{_OPENED}{key}", None)
        return None
    chosen = ids[rows[0]]
    if st.session_state.get(f"{_OPENED}{key}") == chosen:
        return None
    st.session_state[f"{_OPENED}{key}"] = chosen
    return chosen


def forget_selection(key: str) -> None:
    """After a save, the list's selection is dropped (the saved row leaves the list)."""
    if st.session_state.pop(f"{_DONE}{key}", False):
        st.session_state.pop(key, None)
        st.session_state.pop(f"{_OPENED}{key}", None)


def done_message() -> None:
    message = st.session_state.pop(_DONE, None)
    if message:
        st.success(message, icon=":material/check_circle:")


@st.dialog(t("办理移送案件"), width="medium")
def referral_dialog(user, referral_id: int, list_key: str) -> None:
    with read_session() as session:
        record = referral_for_edit(session, referral_id)
    if record is None:
        st.warning(t("该案件已不存在。"))
        return
    version = st.session_state.setdefault(f"_quick_version_{referral_id}", record.version)
    st.markdown(f"**{record.number}**　{record.title}")
    st.caption(
        f"{pick(lifecycle.STATUS_LABELS['referral'][record.status])} · {record.from_agency} → {record.to_agency}"
        + (f" · {t('受理告知期限')} {record.ack_due_on}" if record.ack_due_on else "")
    )
    steps = steps_for(record.status, user.role, user.agency_id, record.from_agency_id, record.to_agency_id)
    if not steps:
        st.info(t("该案件当前没有您可以办理的事项。"))
        return
    if "acknowledge" in steps:
        outcomes = list(lifecycle.ACK_OUTCOME_LABELS)
        outcome = st.radio(t("受理结果"), outcomes, index=0, horizontal=True, key=f"quick_outcome_{referral_id}",
                           format_func=lambda o: pick(lifecycle.ACK_OUTCOME_LABELS[o]))
        ack_on = st.date_input(t("受理告知日期"), value=date.today(), key=f"quick_ack_on_{referral_id}")
        reason = ""
        if outcome != "accepted":
            reason = st.text_area(t("理由（不予受理或退回时必填）"), key=f"quick_reason_{referral_id}")
        if st.button(t("确认受理告知"), type="primary", icon=":material/check:", key=f"quick_ack_{referral_id}",
                     width="stretch"):
            try:
                saved = commands.acknowledge_referral(user, record.id, outcome=outcome, ack_on=ack_on,
                                                      reason=reason, expected_version=version)
            except CommandError as exc:
                messages = [say(m) for m in exc.field_errors.values()] or [say(exc.message)]
                st.error("\n\n".join(messages), icon=":material/error:")
                return
            st.session_state.pop(f"_quick_version_{referral_id}", None)
            st.session_state[f"{_DONE}{list_key}"] = True
            st.session_state[_DONE] = t("移送案件 {n} 已受理告知（{o}）。", n=saved.number,
                                        o=pick(lifecycle.ACK_OUTCOME_LABELS[outcome]))
            st.rerun()
    others = [s for s in steps if s != "acknowledge"]
    if others:
        st.page_link("pages/referral_actions.py", label=t("去“移送办理”：{s}", s="、".join(t(STEP_LABELS[s]) for s in others)),
                     icon=":material/task:", query_params={"referral": str(record.id)})
