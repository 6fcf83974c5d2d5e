"""The signed-in user of this browser session, as the ``Actor`` the commands take.

``st.session_state["actor"]`` holds it once the login gate (``ui.auth``) has let the user
in; page tests set it directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from data_access.commands.base import Actor, Message
from rules import permissions
from ui.i18n import say

T = TypeVar("T")


def actor() -> Actor:
    """The signed-in user; pages are only run after the login gate, so this is set."""
    current = st.session_state.get("actor")
    if current is None:
        # A page file run directly (the first run of a fresh server, in Streamlit's old
        # pages-folder mode) goes back through app.py and its login gate instead.
        from ui.auth import leave_pages_folder_mode

        leave_pages_folder_mode()
        st.error("请先登录。 / Please log in.")
        st.stop()
    return current


def require(action: str) -> Actor:
    """The signed-in user, if their role may do ``action`` (or see ``action``, a read of
    :data:`rules.permissions.READS`) at all; otherwise the page stops with a plain message.
    ``st.navigation`` already leaves such pages out of the user's menu (and so unreachable
    by URL); this guards a page run any other way, and the command checks again with the
    agencies concerned (for a read, :func:`rules.permissions.rows_for` says whose rows)."""
    current = actor()
    if permissions.scope_for(current.role, action) is None:
        zh, en, _ = permissions.MATRIX.get(action) or permissions.READS[action]
        st.error(say(Message(f"您的角色无权{zh}。", f"Your role may not: {en.lower()}.")), icon=":material/block:")
        st.stop()
    return current


def run(command: Callable[..., T], *args, **kwargs) -> T:
    """Run a command (``command(actor, ...)``) for the signed-in user, in its own
    all-or-nothing transaction."""
    return command(actor(), *args, **kwargs)
