"""The readers of ``benchmarks.load``: Streamlit sessions over the app's own WebSocket
(``/_stcore/stream``), each carrying the login cookie of a real sign-in, going from page to
page as a user clicking the menu does.

A visit sends the ``rerun_script`` message the browser sends when a page of the menu is
chosen (``BackMsg``, the page's URL path as ``page_name``) and is timed until the server's
``script_finished`` for that run: the server has computed and sent the whole page. What the
browser then takes to draw it is not in the figure (``benchmarks.browser`` measures that).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

COOKIE = "jm_login_demo"  # ui.auth.DEMO_COOKIE_NAME, as benchmarks.browser reads it
FINISHED = ForwardMsg.ScriptFinishedStatus
LOGIN_LABELS = {"用户名", "Username"}  # the login form's first field: the cookie was not taken

# The pages each kind of reader goes round (menu URL paths).
ROUNDS = {
    "chair": ("overview", "ledger", "metrics", "overdue"),
    "head": ("my-agency", "ledger"),
}


class PageFailed(RuntimeError):
    """A visit that did not end in a finished page: what went wrong, in a few words."""


@dataclass(frozen=True)
class Visit:
    page: str
    seconds: float
    ok: bool
    detail: str = ""


class PageSession:
    """One browser tab's Streamlit session, without the browser."""

    def __init__(self, base: str, cookie: str, timeout_s: float):
        self.timeout_s = timeout_s
        self.ws = connect(base.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                          additional_headers={"Cookie": f"{COOKIE}={cookie}"}, max_size=None,
                          open_timeout=timeout_s)

    def visit(self, page: str) -> float:
        """Open ``page``; seconds until its script has finished. :class:`PageFailed` otherwise."""
        msg = BackMsg()
        msg.rerun_script.page_name = page
        started = time.perf_counter()
        self.ws.send(msg.SerializeToString())
        while True:
            left = self.timeout_s - (time.perf_counter() - started)
            if left <= 0:
                raise PageFailed(f"not finished within {self.timeout_s:.0f} s")
            forward = ForwardMsg()
            forward.ParseFromString(self.ws.recv(timeout=left))
            if self._finished(forward):
                return time.perf_counter() - started

    @staticmethod
    def _finished(forward: ForwardMsg) -> bool:
        kind = forward.WhichOneof("type")
        if kind == "page_not_found":
            raise PageFailed("page not found")
        if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            element = forward.delta.new_element
            if element.WhichOneof("type") == "exception":
                raise PageFailed(f"exception: {element.exception.message[:200]}")
            if element.WhichOneof("type") == "text_input" and element.text_input.label in LOGIN_LABELS:
                raise PageFailed("the login form: not signed in")
        if kind == "script_finished":
            if forward.script_finished == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                raise PageFailed("compile error")
            # A run that ended early for a rerun (st.rerun) goes on in the next one.
            return forward.script_finished == FINISHED.FINISHED_SUCCESSFULLY
        return False

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001 - closing a broken socket
            pass


def reader(base: str, cookie: str, pages: tuple[str, ...], stop: threading.Event, visits: list[Visit],
           timeout_s: float, offset: int = 0) -> None:
    """Go round ``pages`` in one session until ``stop``; a failed visit opens a new session."""
    session = None
    step = offset
    while not stop.is_set():
        page = pages[step % len(pages)]
        step += 1
        started = time.perf_counter()
        try:
            session = session or PageSession(base, cookie, timeout_s)
            visits.append(Visit(page, session.visit(page), True))
        except Exception as exc:  # noqa: BLE001 - a failed visit is counted, and the reader goes on
            visits.append(Visit(page, time.perf_counter() - started, False, str(exc)[:200] or type(exc).__name__))
            if session is not None:
                session.close()
            session = None
            stop.wait(1.0)  # not a tight loop against a server that refuses
    if session is not None:
        session.close()
