"""Projector mode (投影模式): the chair's second screen.

Opened once at ``/projector`` (the meeting in session, or the next one) or
``/projector?meeting=<id>`` (also from the console's 打开投影窗口); from then on it follows the
item the operator selects on the console. Twice a second it reads a small fingerprint of the
meeting (``projector_version``) and redraws the slide only when that changed, so it follows
within a second and a quiet slide is never re-sent; the countdown ticks in the browser.
Nothing here needs the mouse; a corner link leaves projector mode.
"""

import streamlit as st

from data_access.db import read_session
from data_access.queries import meetings as mq
from rules.permissions import can
from ui import auth, projector
from ui.session import actor

user = actor()
projector.style()

try:
    pinned = int(st.query_params.get("meeting", ""))
except ValueError:
    pinned = None
leave_to = "meeting-room" if can(user.role, "meeting.run") else "overview"
marks = projector.corner_marks(demo=auth.config().demo, leave_to=leave_to)

POLL_SECONDS = 0.5


@st.cache_data(ttl=300, show_spinner=False)
def report(period_key: str | None, meeting_on, today):
    """A report item's figures (the period's metrics): the same for every projector open, and
    not recomputed each time the operator comes back to the item."""
    with read_session() as session:
        return mq.report_figures(session, period_key, meeting_on=meeting_on, today=today)

REDRAW_SECONDS = 60  # redraw now and then anyway: the live figures move on their own


@st.fragment(run_every=POLL_SECONDS)
def live() -> None:
    today, now = projector.today(), projector.now()
    with read_session() as session:
        meeting_id = pinned or mq.current_meeting_id(session, today=today)
        key = (meeting_id, mq.projector_version(session, meeting_id) if meeting_id else None)
        cached = st.session_state.get("projector.drawn")
        changed = cached is None or cached[0] != key
        if changed or (now - cached[1]).total_seconds() > REDRAW_SECONDS:
            state = (mq.projector_state(session, meeting_id, today=today, now=now, report=report)
                     if meeting_id else None)
            # The clock's frame is redrawn only when the item changes: it keeps its own time.
            clock = (projector.countdown_html(state.clock, projector.clock_key(state.meeting)) if state else None) \
                if changed else cached[3]
            cached = (key, now, projector.slide_html(state), clock)
            st.session_state["projector.drawn"] = cached
    _, _, slide, clock = cached
    # The same HTML as the last run when nothing changed: the browser keeps the slide and
    # the clock's frame as they are (the clock keeps ticking on its own).
    st.markdown(slide + marks, unsafe_allow_html=True)
    if clock:
        with st.container(key="jm_clock"):
            st.iframe(clock, height=96)


live()

# A presenter remote aimed at this window: PageDown / PageUp go to the console's 下一项 / 上一项.
with st.container(key="jm_keys"):
    st.iframe("""<script>
const ch = new BroadcastChannel('jm-remote');
window.parent.document.addEventListener('keydown', e => {
  if (e.key === 'PageDown' || e.key === 'PageUp') { e.preventDefault(); ch.postMessage(e.key === 'PageDown' ? 'next' : 'prev'); }
});
</script>""", height=1)  # hidden by the page style; st.iframe takes no 0
