"""Sending reminders (``python -m data_access notify``): plan what is due, deliver it with
Apprise on each agency's channels, record every message and its result.

- :func:`plan` turns the rows of :mod:`data_access.queries.reminders` into messages with
  :mod:`rules.reminders`, leaving out every reminder key already recorded for the channel.
- :func:`run` first sends again every message recorded as failed (as it was written), then
  the new ones; each message is recorded (sent or failed, with the error) in its own
  transaction right after its delivery was tried, so a crash loses at most that one line
  and nothing is ever sent twice by a later run.
- Channel URLs hold secrets: :func:`mask_url` is the only form in which a URL leaves this
  module (screens, the audit trail, printed lines).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import apprise
from sqlalchemy import Engine

from data_access.commands.base import Message
from data_access.db import read_session, write_session
from data_access.models import Notification, NotificationKey
from data_access.queries import reminders as q
from data_access.rulebook import load_rules
from rules import reminders as r

Deliver = Callable[[str, str, str], tuple[bool, str | None]]

_QUERY = re.compile(r"\?.*$")


def instantiate(url: str):
    """Apprise's plugin for ``url``, or None when Apprise cannot parse it."""
    if not isinstance(url, str) or not url.strip() or any(c.isspace() for c in url.strip()):
        return None
    try:
        return apprise.Apprise.instantiate(url.strip())
    except Exception:  # noqa: BLE001 - a malformed URL of any kind is "cannot parse"
        return None


def mask_url(url: str) -> str:
    """The URL with its secrets hidden (passwords as ``****``, tokens shortened to their
    first and last character), without Apprise's default options; safe to show or log."""
    plugin = instantiate(url)
    if plugin is None:
        scheme = url.split("://", 1)[0] if "://" in url else "?"
        return f"{scheme[:12]}://***"
    return _QUERY.sub("", plugin.url(privacy=True)).rstrip("/")


def service_name(url: str) -> str:
    plugin = instantiate(url)
    return str(plugin.service_name) if plugin is not None else "?"


def url_error(url) -> tuple[str, str] | None:
    """Why ``url`` cannot be a channel, as (zh, en), or None when Apprise can parse it."""
    if not isinstance(url, str) or not url.strip():
        return ("请填写通知地址", "Enter a notification address")
    if len(url) > 1000:
        return ("通知地址太长（最多1000个字符）", "The notification address is too long (at most 1000 characters)")
    if instantiate(url) is None:
        scheme = url.strip().split("://", 1)[0][:12] if "://" in url else ""
        return (
            f"无法识别的通知地址（{scheme or '缺少 scheme://'}）：请使用 Apprise 格式，如 mailto://、dingtalk://、wecombot://、feishu://",
            f"Not a notification address Apprise understands ({scheme or 'no scheme://'}): use Apprise's "
            "syntax, e.g. mailto://, dingtalk://, wecombot://, feishu://",
        )
    return None


def parse_notify_cell(cell) -> tuple[list[str], tuple[str, str] | None]:
    """The agencies import's ``通知地址`` cell: URLs separated by spaces (an empty cell gives
    none). Returns (urls, None), or ([], (zh, en)) naming the first address that is wrong
    (masked: the cell may hold a password)."""
    if cell is None:
        return [], None
    if not isinstance(cell, str):
        return [], ("通知地址应为文字", "The notification addresses must be text")
    urls: list[str] = []
    for k, part in enumerate(cell.split(), 1):
        problem = url_error(part)
        if problem:
            return [], (f"第{k}个{problem[0]}", f"address {k}: {problem[1]}")
        if part not in urls:
            urls.append(part)
    return urls, None


def deliver(url: str, title: str, body: str) -> tuple[bool, str | None]:
    """Send one message through Apprise; (True, None) or (False, why) in plain words."""
    sender = apprise.Apprise()
    if not sender.add(url):
        return False, Message("通知地址无法识别", "the address cannot be parsed")
    with apprise.LogCapture(level=logging.WARNING) as log:
        try:
            ok = sender.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT)
        except Exception as exc:  # noqa: BLE001 - a channel failing must not stop the run
            ok, detail = False, str(exc)
        else:
            detail = log.getvalue().strip()
    if ok:
        return True, None
    # Apprise's log may quote the URL; keep only the last lines, with any URL masked.
    lines = [re.sub(r"\S+://\S+", lambda m: mask_url(m.group(0)), x) for x in detail.splitlines()[-3:]]
    # The channel's own words (technical, as the server said them), else a plain refusal.
    return False, "；".join(lines)[:500] or Message("发送失败", "delivery failed")


# ----------------------------------------------------------------------------- planning


@dataclass
class Outgoing:
    channel_id: int | None  # None: the agency has no channel (dry runs show what it misses)
    agency_id: int
    agency: str
    kind: str
    title: str
    body: str
    keys: tuple[str, ...] = ()
    masked: str = "（未登记通知地址）"


_TITLES = {"lights": "联席会议亮灯提醒", "digest": "联席会议周报", "agenda_call": "联席会议议题征集",
           "agenda": "联席会议议程"}


@dataclass
class Summary:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    without_channel: int = 0
    lines: list[str] = field(default_factory=list)


def plan(session, as_of: date, *, include_unreachable: bool = False) -> list[Outgoing]:
    """Every new message due on ``as_of``, per channel (keys already recorded left out).
    ``include_unreachable`` adds what agencies without a channel would get (dry runs)."""
    s, cal = load_rules(session)
    base = q.product_url(session)
    contacts = q.agencies(session)
    by_agency: dict[int, list[q.ChannelRow]] = {}
    for ch in q.channels(session):
        by_agency.setdefault(ch.agency_id, []).append(ch)
    taken = q.recorded_keys(session)
    lits = r.lit_items(q.due_items(session, as_of), as_of, cal, s)
    acting: dict[int, list[r.LitItem]] = {}
    waiting: dict[int, list[str]] = {}
    for lit in lits:
        acting.setdefault(lit.item.agency_id, []).append(lit)
        who = contacts.get(lit.item.agency_id)
        if lit.item.other_id is not None and lit.item.kind != "decision" and who is not None:
            waiting.setdefault(lit.item.other_id, []).append(r.waiting_line(lit, who.name, who.contact, who.phone))
    meetings = q.meetings(session, as_of, s.agenda_cutoff_days)

    out: list[Outgoing] = []
    for agency in sorted(contacts.values(), key=lambda a: (a.kind == "coordinator", a.id)):
        targets: list[q.ChannelRow | None] = list(by_agency.get(agency.id, []))
        if not targets and include_unreachable:
            targets = [None]
        member = agency.kind != "coordinator"
        for ch in targets:
            cid = ch.id if ch else None

            def fresh(key: str) -> bool:
                return cid is None or (key, cid) not in taken

            def add(kind: str, texts: list[str], keys: list[str]) -> None:
                for k, text in enumerate(texts):
                    out.append(Outgoing(cid, agency.id, agency.name, kind, _TITLES[kind], text,
                                        tuple(keys) if k == 0 else (),
                                        mask_url(ch.url) if ch else "（未登记通知地址）"))

            new = [x for x in acting.get(agency.id, []) if fresh(x.key)]
            if new:
                add("lights", r.lights_messages(agency.name, new, as_of, base), [x.key for x in new])
            wk = r.week_key(agency.id, as_of)
            if member and fresh(wk):
                add("digest", r.digest_messages(agency.name, acting.get(agency.id, []), waiting.get(agency.id, []),
                                                as_of, base), [wk])
            for m in meetings:
                call_key, agenda_key = f"agenda_call:{m.meeting_id}", f"agenda:{m.meeting_id}"
                if member and r.agenda_call_due(m, as_of, s) and fresh(call_key):
                    add("agenda_call", r.agenda_call_messages(m, s, base), [call_key])
                if member and r.agenda_due(m, as_of) and fresh(agenda_key):
                    add("agenda", r.agenda_messages(m, base), [agenda_key])
    return out


# ----------------------------------------------------------------------------- running


def _line(status: str, o_agency: str, kind: str, masked: str, body: str) -> str:
    first = body.splitlines()[0] if body else ""
    return f"{status}\t{o_agency}\t{kind}\t{masked}\t{first}"


def run(as_of: date, *, dry_run: bool = False, engine: Engine | None = None, send: Deliver = deliver,
        actor_name: str = "system", out: Callable[[str], None] = print) -> Summary:
    """Send what is due on ``as_of`` (failed messages of earlier runs first); print one line
    per message. ``dry_run`` prints what would be sent and records nothing."""
    from data_access.commands.base import SYSTEM, Actor, audit, authorize

    actor = Actor(username=actor_name, role=SYSTEM.role)
    authorize(actor, "notify.send")
    summary = Summary()
    with read_session(engine) as session:
        retry = [] if dry_run else q.failed(session)
        urls = {c.id: c.url for c in q.channels(session)}
        todo = plan(session, as_of, include_unreachable=dry_run)

    def emit(line: str) -> None:
        summary.lines.append(line)
        out(line)

    for old in retry:
        url = urls.get(old.channel_id)
        if url is None:  # the channel was removed or its agency deactivated: kept as failed
            continue
        ok, error = send(url, old.title, old.body)
        with write_session(engine) as session:
            row = session.get(Notification, old.id)
            row.attempts += 1
            row.status = "sent" if ok else "failed"
            row.error = error
            row.sent_at = datetime.now().replace(microsecond=0) if ok else None
        summary.retried += 1
        summary.sent += ok
        summary.failed += not ok
        emit(_line("重发成功 resent" if ok else "重发失败 failed", _agency_of(engine, old.agency_id), old.kind,
                   mask_url(url), old.body))

    for o in todo:
        if dry_run:
            summary.without_channel += o.channel_id is None
            emit(_line("待发送 dry-run" if o.channel_id else "无通知地址 no-channel", o.agency, o.kind, o.masked, o.body))
            continue
        ok, error = send(urls[o.channel_id], o.title, o.body)
        now = datetime.now().replace(microsecond=0)
        with write_session(engine) as session:
            n = Notification(channel_id=o.channel_id, agency_id=o.agency_id, kind=o.kind, title=o.title,
                             body=o.body, as_of=as_of, status="sent" if ok else "failed", attempts=1,
                             error=error, created_at=now, sent_at=now if ok else None)
            session.add(n)
            session.flush()
            for key in o.keys:
                session.add(NotificationKey(notification_id=n.id, key=key, channel_id=o.channel_id))
        summary.sent += ok
        summary.failed += not ok
        emit(_line("已发送 sent" if ok else "发送失败 failed", o.agency, o.kind, o.masked, o.body))

    if not dry_run and (summary.sent or summary.failed):
        with write_session(engine) as session:
            audit(session, actor, "notify.run", "notifications", None, None,
                  {"as_of": as_of.isoformat(), "sent": summary.sent, "failed": summary.failed,
                   "retried": summary.retried})
    return summary


def _agency_of(engine, agency_id: int) -> str:
    from data_access.models import Agency

    with read_session(engine) as session:
        a = session.get(Agency, agency_id)
        return a.name if a else str(agency_id)


__all__ = ["mask_url", "url_error", "parse_notify_cell", "deliver", "plan", "run", "Outgoing", "Summary",
           "instantiate", "service_name"]
