"""The signed-in user of this browser session, as the ``Actor`` the commands take.

``st.session_state["actor"]`` holds it once the login gate (``ui.auth``) has let the user
in; page tests set it directly.
"""

from __future__ import annotations

import streamlit as st

from data_access.commands.base import Actor


def actor() -> Actor:
    """The signed-in user; pages are only run after the login gate, so this is set."""
    current = st.session_state.get("actor")
    if current is None:
        st.error("请先登录。 / Please log in.")
        st.stop()
    return current


def set_actor(value: Actor | None) -> None:
    if value is None:
        st.session_state.pop("actor", None)
    else:
        st.session_state["actor"] = value
