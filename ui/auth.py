"""Login gate (placeholder until the login issue lands): everyone is the office in demo."""

from __future__ import annotations

import streamlit as st

from data_access.commands.base import Actor
from ui import session


def login_gate() -> Actor:
    if st.session_state.get("actor") is None:
        session.set_actor(Actor(username="admin", role="office"))
    return st.session_state["actor"]
