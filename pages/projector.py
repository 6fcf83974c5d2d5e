"""Projector mode (投影模式): the chair's second screen.

Opened once at ``/projector`` (the meeting in session, or the next one) or
``/projector?meeting=<id>``; from then on it follows the item the operator selects in the
meeting room, re-reading the meeting every two seconds. Nothing here needs the mouse.
"""

import streamlit as st

from data_access.db import read_session
from data_access.queries import meetings as mq
from ui import projector
from ui.session import actor

actor()
projector.style()

try:
    pinned = int(st.query_params.get("meeting", ""))
except ValueError:
    pinned = None


@st.fragment(run_every=2)
def live() -> None:
    with read_session() as session:
        meeting_id = pinned or mq.current_meeting_id(session, today=projector.today())
        state = (mq.projector_state(session, meeting_id, today=projector.today(), now=projector.now())
                 if meeting_id else None)
    projector.render(state)


live()
