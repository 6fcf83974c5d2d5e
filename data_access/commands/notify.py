"""Commands for reminders: an agency's notification channels, the test message, the
product's address for links, and a user marking their notices as read.

Shape: ``command(actor, …plain values…, *, [expected_version=…,] uow=None)``. ``uow`` is an
open write session to work in (the caller commits, e.g. the agencies import); without it the
command runs in its own transaction (:func:`data_access.validation.run_write`). Each command
validates with :class:`~data_access.validation.Checks`, authorises from the permission matrix
and writes its audit row. A channel's URL never enters the audit trail in clear: only its
masked form (:func:`data_access.notify.mask_url`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.commands.base import Actor, NotFound, audit, authorize, check_version
from data_access.models import Agency, NoticeRead, NotifyChannel, RuleSetting
from data_access.notify import deliver, mask_url, url_error
from data_access.queries.reminders import PRODUCT_URL_KEY
from data_access.validation import Checks, expected_version_ok, load_for_update, run_write


URL_LABEL = ("通知地址", "Notification address")


@dataclass(frozen=True)
class ChannelSaved:
    id: int
    agency_id: int
    masked: str
    version: int


def _agency(session: Session, agency_id) -> Agency:
    agency = session.get(Agency, agency_id) if isinstance(agency_id, int) else None
    if agency is None:
        raise NotFound("找不到该单位。 / No such agency.")
    return agency


def _check_url(c: Checks, field: str, url) -> str | None:
    problem = url_error(url)
    if problem:
        c.add(field, *problem)
        return None
    return url.strip()


def _audit_channel(session, actor, action, ch: NotifyChannel, before_masked: str | None, after_masked: str | None):
    audit(session, actor, action, "notify_channels", ch.id,
          None if before_masked is None else {"agency_id": ch.agency_id, "url": before_masked},
          None if after_masked is None else {"agency_id": ch.agency_id, "url": after_masked, "active": ch.active})


def add_channel(actor: Actor, agency_id: int, url: str, *, uow: Session | None = None,
                today: date | None = None) -> ChannelSaved:
    """Register a notification address (Apprise URL) for an agency."""

    def work(session: Session) -> ChannelSaved:
        c = Checks(today or date.today())
        clean = _check_url(c, "url", url)
        c.done()
        authorize(actor, "notify.channels")
        agency = _agency(session, agency_id)
        ch = NotifyChannel(agency_id=agency.id, url=clean, active=True)
        session.add(ch)
        session.flush()
        _audit_channel(session, actor, "channel.add", ch, None, mask_url(clean))
        return ChannelSaved(ch.id, ch.agency_id, mask_url(clean), ch.version)

    return run_write(work, uow=uow)


def remove_channel(actor: Actor, channel_id: int, *, expected_version: int | None,
                   uow: Session | None = None) -> ChannelSaved:
    """Stop using a channel. It is kept (inactive) because the record of what was sent names it."""

    def work(session: Session) -> ChannelSaved:
        expected = expected_version_ok(expected_version)
        authorize(actor, "notify.channels")
        ch = load_for_update(session, NotifyChannel, channel_id, URL_LABEL)
        check_version(session, ch, expected, "通知地址")
        masked = mask_url(ch.url)
        ch.active = False
        session.flush()
        _audit_channel(session, actor, "channel.remove", ch, masked, masked)
        return ChannelSaved(ch.id, ch.agency_id, masked, ch.version)

    return run_write(work, uow=uow)


def set_agency_channels(actor: Actor, agency_id: int, urls: Sequence[str], *,
                        uow: Session | None = None, today: date | None = None) -> list[ChannelSaved]:
    """Make ``urls`` the agency's channels (the agencies import's ``通知地址``): addresses
    already registered stay, new ones are added, the others stop being used. An empty list
    changes nothing (an import never erases a recorded value with an empty cell)."""

    def work(session: Session) -> list[ChannelSaved]:
        c = Checks(today or date.today())
        clean = []
        if isinstance(urls, (str, bytes)) or not isinstance(urls, (list, tuple)):
            c.add("notify", "通知地址格式不正确", "The notification addresses must be a list")
        else:
            for u in urls:
                v = _check_url(c, "notify", u)
                if v and v not in clean:
                    clean.append(v)
        c.done()
        authorize(actor, "notify.channels")
        agency = _agency(session, agency_id)
        if not clean:
            return []
        current = list(session.execute(
            select(NotifyChannel).where(NotifyChannel.agency_id == agency.id, NotifyChannel.active.is_(True))
        ).scalars())
        kept = {ch.url: ch for ch in current if ch.url in clean}
        for ch in current:
            if ch.url not in kept:
                ch.active = False
                session.flush()
                _audit_channel(session, actor, "channel.remove", ch, mask_url(ch.url), mask_url(ch.url))
        saved = []
        for u in clean:
            ch = kept.get(u)
            if ch is None:
                ch = NotifyChannel(agency_id=agency.id, url=u, active=True)
                session.add(ch)
                session.flush()
                _audit_channel(session, actor, "channel.add", ch, None, mask_url(u))
            saved.append(ChannelSaved(ch.id, ch.agency_id, mask_url(u), ch.version))
        return saved

    return run_write(work, uow=uow)


@dataclass(frozen=True)
class TestResult:
    ok: bool
    masked: str
    error: str | None


def test_channel(actor: Actor, channel_id: int, *, uow: Session | None = None,
                 send=deliver) -> TestResult:
    """Send a test message on a channel now and say whether it arrived (audited)."""

    def work(session: Session) -> TestResult:
        authorize(actor, "notify.channels")
        ch = session.get(NotifyChannel, channel_id) if isinstance(channel_id, int) else None
        if ch is None or not ch.active:
            raise NotFound("找不到该通知地址。 / No such notification address.")
        agency = session.get(Agency, ch.agency_id)
        ok, error = send(ch.url, "联席会议测试消息",
                         f"【联席会议测试消息】这是发给“{agency.name}”的测试消息，收到即表示该通知地址可用。")
        audit(session, actor, "channel.test", "notify_channels", ch.id, None,
              {"agency_id": ch.agency_id, "url": mask_url(ch.url), "ok": ok})
        return TestResult(ok, mask_url(ch.url), error)

    return run_write(work, uow=uow)


def set_product_url(actor: Actor, url: str | None, *, uow: Session | None = None,
                    today: date | None = None) -> str | None:
    """The product's address (``https://…``), used for links in messages; empty removes it."""

    def work(session: Session) -> str | None:
        c = Checks(today or date.today())
        text = c.text("product_url", url, ("平台网址", "Product address"), limit=100, required=False)
        if text and not (text.startswith("http://") or text.startswith("https://")):
            c.add("product_url", "平台网址应以 http:// 或 https:// 开头",
                  "The product address must start with http:// or https://")
        c.done()
        authorize(actor, "notify.send")
        row = session.get(RuleSetting, PRODUCT_URL_KEY)
        before = row.value if row else None
        if text:
            if row is None:
                row = RuleSetting(key=PRODUCT_URL_KEY, value=text, updated_by=actor.username)
                session.add(row)
            else:
                row.value, row.updated_by = text, actor.username
        elif row is not None:
            session.delete(row)
        session.flush()
        audit(session, actor, "setting.product_url", "rule_settings", PRODUCT_URL_KEY,
              {"value": before}, {"value": text})
        return text

    return run_write(work, uow=uow)


def mark_notices_seen(actor: Actor, *, on: date | None = None,
                      uow: Session | None = None) -> date:
    """Record that the user has looked at their notices up to ``on`` (today)."""

    def work(session: Session) -> date:
        day = on or date.today()
        authorize(actor, "notice.seen")
        if actor.user_id is None:
            raise NotFound("找不到该用户。 / No such user.")
        row = session.get(NoticeRead, actor.user_id)
        before = row.seen_on.isoformat() if row else None
        if row is None:
            session.add(NoticeRead(user_id=actor.user_id, seen_on=day))
        else:
            row.seen_on = day
        session.flush()
        audit(session, actor, "notice.seen", "notice_reads", actor.user_id, {"seen_on": before},
              {"seen_on": day.isoformat()})
        return day

    return run_write(work, uow=uow)
