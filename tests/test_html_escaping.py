"""Every text a user typed is escaped wherever HTML is built (issue 14, item 3).

The sample city is seeded, then every free-text column of every table (agency names and
contacts, titles, numbers, decision texts, notes, display names, places …) is given an
HTML/JS payload. Every page is rendered for each role that sees it, the projector in each of
its phases and on each item of the agenda, and the app itself after signing in; no element
that the browser reads as HTML (``st.html``, markdown with ``unsafe_allow_html``, the map's
tooltip data) may carry a payload as live markup.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import String, Text, select, update
from streamlit.testing.v1 import AppTest

from data_access.commands.base import Actor
from data_access.db import read_session, write_session
from data_access.models import AgendaItem, Agency, Base, Decision, Meeting, User
from rules import permissions
from tests.support.databases import database_at, seeded_city
from ui.components import inert
from ui.menu import PAGES

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = ('<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><b>x</b>',
            '[点我](https://evil.example/)')
# What each payload looks like when it went into the page unescaped.
LIVE = ("<script", "<img", "<b>x</b>")
# Markdown is read wherever Streamlit draws text (markdown, captions, alerts, labels): a typed
# link there would be a live link, with or without unsafe_allow_html.
LIVE_MARKDOWN = "](https://evil.example/)"
# Codes, keys and secrets: not free text a user types, and pages look them up.
NOT_TEXT = {
    "kind", "status", "role", "language", "stage", "urgency", "ack_outcome", "mechanism",
    "from_status", "to_status", "password_hash", "username", "updated_by", "entered_by",
    "confirmed_by", "start_time", "action", "object_type", "object_id", "key", "value", "area",
}


def _hostile(value: str, row: int, length: int | None) -> str:
    """``value`` with a payload in front (one that fits the column), chosen by row."""
    for k in range(len(PAYLOADS)):
        payload = PAYLOADS[(row + k) % len(PAYLOADS)]
        candidate = payload + value
        if length is None or len(candidate) <= length:
            return candidate
    return value


def poison_every_text() -> int:
    """Put a payload into every free-text cell; returns how many cells were changed."""
    changed = 0
    with write_session() as s:
        for table in Base.metadata.sorted_tables:
            cols = [c for c in table.columns if isinstance(c.type, (String, Text)) and c.name not in NOT_TEXT]
            if not cols:
                continue
            pk = list(table.primary_key.columns)
            for n, row in enumerate(s.execute(select(table)).mappings().all()):
                values = {}
                for c in cols:
                    old = row[c.name]
                    if old is None and not (c.nullable and c.name in ("note", "place", "presenter", "delegate",
                                                                        "contact", "phone", "short_name")):
                        continue
                    new = _hostile(old or "", n, getattr(c.type, "length", None))
                    if new != old:
                        values[c.name] = new
                if values:
                    s.execute(update(table).where(*(k == row[k.name] for k in pk)).values(**values))
                    changed += len(values)
    return changed


@pytest.fixture(scope="module")
def hostile_city(backend):
    url = seeded_city(backend, f"hostile_{backend.kind}", scale=0.2, random_seed=11)
    with database_at(url):
        assert poison_every_text() > 500
        with write_session() as s:
            # A decision with a payload on every item of today's meeting, and the meeting in
            # session, so that the console and the projector show them.
            closed_meetings = s.scalars(select(Meeting).where(Meeting.status == "closed")
                                        .order_by(Meeting.held_on.desc())).all()
            meeting = closed_meetings[0]  # reopened: in session on its first item
            items = s.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                       AgendaItem.status == "approved")).all()
            lead = s.scalars(select(Agency.id).where(Agency.active.is_(True))).first()
            for i, item in enumerate(items):
                s.add(Decision(meeting_id=meeting.id, item_id=item.id, text=PAYLOADS[i % 3] + "议定事项",
                               lead_agency_id=lead, due_on=date.today(), status="open"))
            meeting.status = "in_session"
            meeting.current_item_id = items[0].id
            meeting.item_started_at = datetime.now()
            closed = closed_meetings[1].id
            users = {u.role: Actor(u.username, u.role, u.agency_id, u.id)
                     for u in s.scalars(select(User).where(User.active.is_(True))).all()}
        assert closed is not None and set(users) >= {"office", "chair", "head", "clerk", "observer"}
        yield {"meeting": meeting.id, "items": [i.id for i in items], "closed": closed, "users": users}


def _elements(at: AppTest):
    """(kind, proto) of every element of the page that has one."""
    stack = [at._tree]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is not None:
            yield getattr(node, "type", "") or type(node).__name__, proto


def html_bodies(at: AppTest) -> list[tuple[str, str]]:
    """Every text of the page that the browser treats as HTML, with what produced it."""
    found = []
    for kind, proto in _elements(at):
        if kind in ("markdown", "caption", "title", "header", "subheader", "divider", "latex") \
                and getattr(proto, "allow_html", False):
            found.append(("markdown(unsafe_allow_html)", proto.body))
        elif kind == "html":
            found.append(("st.html", proto.body))
        elif kind == "deck_gl_json_chart":
            # The map's tooltip is an HTML template filled with the data's fields: those fields
            # are HTML (the text layer's labels are drawn as plain text).
            tooltip = json.loads(proto.tooltip) if proto.tooltip else {}
            fields = set(re.findall(r"\{(\w+)\}", tooltip.get("html", "")))
            assert fields, "the map has an HTML tooltip: its fields are checked"
            for layer in json.loads(proto.json).get("layers", []):
                for row in layer.get("data", []) if isinstance(layer.get("data"), list) else []:
                    found += [(f"map tooltip field {f}", str(row[f])) for f in fields if f in row]
    return found


def markdown_texts(at: AppTest) -> list[tuple[str, str]]:
    """Every text of the page that Streamlit reads as markdown: bodies of markdown, captions,
    headings and alerts, and the labels of expanders, tabs and widgets."""
    found = []
    for kind, proto in _elements(at):
        if kind == "html" or (getattr(proto, "allow_html", False) and proto.body.lstrip().startswith("<")):
            continue  # an HTML block: markdown is not read inside it (its text is escaped as HTML)
        for field in ("body", "label"):
            value = getattr(proto, field, None)
            if isinstance(value, str) and value:
                found.append((f"{kind}.{field}", value))
    return found


def _around(body: str, live: str) -> str:
    at = body.find(live)
    return body[max(0, at - 80):at + 80]


def assert_inert(at: AppTest, where: str) -> int:
    assert not at.exception, (where, at.exception)
    bodies = html_bodies(at)
    for source, body in bodies:
        for live in LIVE:
            assert live not in body, f"{where}: {source} carries live markup {live!r}: …{_around(body, live)}…"
    texts = markdown_texts(at)
    for source, body in texts:
        assert LIVE_MARKDOWN not in body, f"{where}: {source} carries a live markdown link: …{_around(body, LIVE_MARKDOWN)}…"
    return len(bodies) + len(texts)


def run_page(path: str, actor: Actor, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=90)
    at.session_state["actor"] = actor
    for k, v in query.items():
        at.query_params[k] = str(v)
    at.run()
    return at


def test_every_page_for_every_role_shows_payloads_as_text(hostile_city):
    checked, problems = 0, []
    for spec in PAGES:
        for role in [r for r in permissions.ROLES if spec.open_to(r)]:
            at = run_page(spec.path, hostile_city["users"][role])
            try:
                checked += assert_inert(at, f"{spec.path} as {role}")
            except AssertionError as exc:
                problems.append(str(exc).splitlines()[0])
    assert not problems, "\n".join(problems)
    assert checked > 20  # the pages do build HTML: the check looked at something


def test_the_meeting_console_and_the_projector_on_every_item_and_phase(hostile_city):
    chair = hostile_city["users"]["chair"]
    seen = []
    for item_id in hostile_city["items"]:
        with write_session() as s:
            s.execute(update(Meeting).where(Meeting.id == hostile_city["meeting"]).values(current_item_id=item_id))
        for path in ("pages/meeting_room.py", "pages/projector.py"):
            at = run_page(path, chair)
            assert_inert(at, f"{path} on item {item_id}")
            seen.append(at)
    # The payloads were on screen (as text), so the check was not vacuous.
    room_text = " ".join(m.value for m in seen[0].markdown)
    assert "<script>alert(1)</script>议定事项" in room_text or "&lt;script&gt;" in room_text
    projected = " ".join(body for _, body in html_bodies(seen[1]))
    assert "&lt;" in projected
    # The closing slide and the waiting slide.
    assert_inert(run_page("pages/projector.py", chair, meeting=hostile_city["closed"]), "projector, closed meeting")
    with write_session() as s:
        s.execute(update(Meeting).where(Meeting.id == hostile_city["meeting"]).values(status="approved"))
    try:
        assert_inert(run_page("pages/projector.py", chair, meeting=hostile_city["meeting"]), "projector, waiting")
    finally:
        with write_session() as s:
            s.execute(update(Meeting).where(Meeting.id == hostile_city["meeting"]).values(status="in_session"))


def test_the_app_with_its_sidebar_after_signing_in(hostile_city, monkeypatch):
    monkeypatch.delenv("JM_COOKIE_KEY", raising=False)
    monkeypatch.delenv("JM_ADMIN_PASSWORD", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert_inert(at, "login page")
    at.text_input(key="login_username").input("admin")
    at.text_input(key="login_password").input("demo123")
    at.button(key="login_submit").click()
    at.run()
    with read_session() as s:
        name = s.scalar(select(User.display_name).where(User.username == "admin"))
    assert any(p in name for p in PAYLOADS)
    assert any(inert(name) in m.value for m in at.sidebar.markdown)  # signed in, the name shown as text
    assert_inert(at, "app after sign-in")
