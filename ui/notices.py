"""The signed-in member's notice list (提醒): yellow and red items of their agency, those new
since they last looked counted in the sidebar. Cached by the generations of the areas it reads, like ``ui.cache``."""

from __future__ import annotations

from datetime import date

import streamlit as st

from data_access import generations as g
from data_access.commands.base import Actor
from data_access.db import database_url, read_session
from data_access.queries import reminders as q
from ui.i18n import t


@st.cache_data(show_spinner=False, ttl=3600, max_entries=64)
def _notices(url: str, gens: tuple[int, ...], agency_id: int, user_id: int | None, as_of: date):
    with read_session() as session:
        return q.notices(session, agency_id, user_id, as_of)


def notices(actor: Actor, as_of: date):
    """(notices, last look, open decisions) of the actor's agency on ``as_of``."""
    with read_session() as session:
        now = g.current(session)
    # What the list reads: referrals and assistance (the lights), decisions, the reading mark.
    gens = tuple(now[a] for a in (g.REFERRALS, g.ASSISTANCE, g.MEETINGS, g.NOTICES, g.SETTINGS))
    return _notices(database_url(), gens, actor.agency_id, actor.user_id, as_of)


def sidebar_count(actor: Actor) -> None:
    """"提醒 N" in the sidebar for a member with new notices."""
    if actor.agency_id is None or actor.role not in ("head", "clerk"):
        return
    found, _, _ = notices(actor, date.today())
    new = sum(n.new for n in found)
    if new:
        st.sidebar.page_link("pages/notices.py", label=t("新提醒 {n} 条", n=new), icon=":material/notifications_active:")
