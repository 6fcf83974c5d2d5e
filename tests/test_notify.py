"""``notify`` for real: the sample city, every agency's channel an e-mail address on a real
SMTP server on loopback (aiosmtpd), and what arrives checked message by message.

The oracle for "names every overdue number" is the overdue report (CONTRACT.md), an
independent query: every referral it lists for an agency must be named in the reminders that
agency received.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data_access import db, notify
from data_access.commands import notify as commands
from data_access.commands.base import SYSTEM, Actor, PermissionDenied, ValidationFailed
from data_access.db import read_session
from data_access.models import Agency, AuditEntry, Notification, NotificationKey
from data_access.queries.overdue import overdue_acknowledgements
from tests.support.databases import database_at
from tests.support.mailbox import Mailbox

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def city_copy(_city_url, backend):
    """A private copy of the seeded sample city (notify writes; ``city_db`` is read-only)."""
    db.reset_engines()
    name = f"notify_{os.getpid()}_{id(object())}"
    if backend.kind == "sqlite":
        src = Path(_city_url.removeprefix("sqlite:///"))
        dst = backend.tmp / f"{name}.db"
        shutil.copyfile(src, dst)
        url = f"sqlite:///{dst}"
    else:
        backend._admin(f"CREATE DATABASE {name} TEMPLATE city_{backend.kind}")
        url = backend.pg.url(name)
    with database_at(url) as engine:
        yield engine


def _as_of() -> date:
    # The city is seeded "as of today" once per session: its own last day is the test's day.
    with read_session() as s:
        from data_access.models import Referral

        return s.execute(select(func.max(Referral.sent_on))).scalar()


def _register_everyone(box: Mailbox) -> dict[str, int]:
    """Every active agency gets one e-mail channel ``a<id>@example.cn``; returns address → id."""
    with read_session() as s:
        ids = list(s.execute(select(Agency.id).where(Agency.active.is_(True))).scalars())
    for agency_id in ids:
        commands.set_agency_channels(SYSTEM, agency_id, [box.url(f"a{agency_id}@example.cn")])
    return {f"a{i}@example.cn": i for i in ids}


def test_notify_delivers_each_agency_its_reminders_once(city_copy, mailbox):
    as_of = _as_of()
    addresses = _register_everyone(mailbox)
    lines: list[str] = []
    summary = notify.run(as_of, out=lines.append)
    got = mailbox.take()

    # One printed line and one recorded, delivered message per message that arrived.
    assert summary.failed == 0 and summary.sent == len(got) == len(lines) > 0
    with read_session() as s:
        recorded = s.execute(select(Notification.agency_id, Notification.body, Notification.status)).all()
    assert sorted((a, b) for a, b, _ in recorded) == sorted((addresses[r], body) for r, _, body in got)
    assert {st for *_, st in recorded} == {"sent"}

    # Every overdue acknowledgement is named, with its sender and days late, in a reminder to
    # the receiving agency, and in no other agency's reminders.
    with read_session() as s:
        overdue = overdue_acknowledgements(s, as_of, None)
    assert overdue, "the sample city has overdue referrals on its last day"
    lights = {}
    for rcpt, subject, body in got:
        assert len(body.encode("utf-8")) <= 1800 + 200, "a message must fit a chat robot"
        if "亮灯提醒" in subject:
            lights.setdefault(addresses[rcpt], []).append(body)
    for row in overdue:
        text = "\n".join(lights.get(row.to_agency_id, []))
        line = next((x for x in text.splitlines() if row.number in x), None)
        assert line is not None, f"{row.number} missing from the reminders of {row.to_agency}"
        assert row.from_agency in line and f"超期{row.days_late}天" in line and row.ack_due_on.isoformat() in line
        for other, bodies in lights.items():
            if other != row.to_agency_id:
                assert row.number not in "\n".join(bodies)

    # The weekly digest reaches every member agency (not the office itself), once.
    with read_session() as s:
        members = set(s.execute(select(Agency.id).where(Agency.active.is_(True), Agency.kind != "coordinator")).scalars())
    digests: dict[int, list[str]] = {}
    for r, subject, body in got:
        if "周报" in subject:
            digests.setdefault(addresses[r], []).append(body.splitlines()[0])
    assert set(digests) == members
    # A digest too long for one chat message comes in numbered parts, none cut.
    for headers in digests.values():
        n = len(headers)
        if n > 1:
            assert sorted(h[h.rindex("（"):] for h in headers) == sorted(f"（{k}/{n}）" for k in range(1, n + 1))

    # A second run the same morning (or the next day) sends nothing new.
    again = notify.run(as_of, out=lines.append)
    assert again.sent == again.failed == 0 and mailbox.take() == []


def test_a_refusing_channel_is_recorded_and_retried(city_copy, mailbox):
    as_of = _as_of()
    addresses = _register_everyone(mailbox)
    with read_session() as s:
        overdue = overdue_acknowledgements(s, as_of, None)
    late_agency = overdue[0].to_agency_id
    refused = f"a{late_agency}@example.cn"
    mailbox.refuse.add(refused)

    first = notify.run(as_of, out=lambda line: None)
    assert first.failed >= 1
    assert all(r != refused for r, *_ in mailbox.take())
    with read_session() as s:
        failed = s.execute(select(Notification).where(Notification.status == "failed")).scalars().all()
    assert failed and {n.agency_id for n in failed} == {late_agency}
    assert all(n.error for n in failed)
    # The reminder keys are recorded with the failed message: nothing composed twice.
    with read_session() as s:
        keys = s.execute(select(func.count()).select_from(NotificationKey)
                         .where(NotificationKey.notification_id.in_([n.id for n in failed]))).scalar()
    assert keys >= 1

    # Still refusing: retried, still failed, attempts counted, nothing else sent.
    second = notify.run(as_of, out=lambda line: None)
    assert second.retried == len(failed) and second.failed == len(failed) and second.sent == 0
    assert mailbox.take() == []

    # Accepting again: the same messages arrive, word for word, and are marked sent.
    mailbox.refuse.clear()
    third = notify.run(as_of, out=lambda line: None)
    assert third.sent == len(failed) and third.failed == 0
    got = mailbox.take()
    assert sorted(b for _, _, b in got) == sorted(n.body.strip() for n in failed)
    assert {r for r, *_ in got} == {refused}
    with read_session() as s:
        rows = s.execute(select(Notification.status, Notification.attempts)
                         .where(Notification.id.in_([n.id for n in failed]))).all()
    assert rows and all(st == "sent" and attempts == 3 for st, attempts in rows)
    assert notify.run(as_of, out=lambda line: None).sent == 0 and mailbox.take() == []


def test_dry_run_prints_without_sending_or_recording(city_copy, mailbox):
    as_of = _as_of()
    _register_everyone(mailbox)
    done = subprocess.run([sys.executable, "-m", "data_access", "notify", "--as-of", as_of.isoformat(), "--dry-run"],
                          cwd=ROOT, capture_output=True, env={**os.environ}, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode("utf-8").splitlines()
    assert out and all("\t" in line for line in out)
    assert mailbox.take() == []
    with read_session() as s:
        assert s.execute(select(func.count()).select_from(Notification)).scalar() == 0
    # The real run then sends exactly the messages the dry run listed.
    sent = subprocess.run([sys.executable, "-m", "data_access", "notify", "--as-of", as_of.isoformat()],
                          cwd=ROOT, capture_output=True, env={**os.environ}, timeout=300)
    assert sent.returncode == 0, sent.stderr.decode()
    assert len(sent.stdout.decode("utf-8").splitlines()) == len(out) == len(mailbox.take())


def test_channel_commands_validate_mask_and_authorise(city_copy, mailbox):
    with read_session() as s:
        agency_id = s.execute(select(Agency.id).where(Agency.kind == "town").limit(1)).scalar()
    with pytest.raises(ValidationFailed) as bad:
        commands.add_channel(SYSTEM, agency_id, "not-a-url")
    assert "url" in bad.value.errors and " / " in bad.value.errors["url"]
    secret = "mailto://clerk:S3cretPass@smtp.example.cn?to=x@example.cn"
    saved = commands.add_channel(SYSTEM, agency_id, secret)
    assert "S3cretPass" not in saved.masked and "****" in saved.masked
    with read_session() as s:
        trail = s.execute(select(AuditEntry.after).where(AuditEntry.object_type == "notify_channels")).scalars().all()
    assert trail and "S3cretPass" not in str(trail)
    head = Actor(username="someone", role="head", agency_id=agency_id)
    with pytest.raises(PermissionDenied):
        commands.add_channel(head, agency_id, mailbox.url("x@example.cn"))
    # The test message says whether it arrived.
    good = commands.add_channel(SYSTEM, agency_id, mailbox.url("t@example.cn"))
    result = commands.test_channel(SYSTEM, good.id)
    assert result.ok and [r for r, *_ in mailbox.take()] == ["t@example.cn"]
    mailbox.refuse.add("t@example.cn")
    result = commands.test_channel(SYSTEM, good.id)
    assert not result.ok and result.error and mailbox.take() == []


def test_notify_cell_of_the_agencies_import():
    assert notify.parse_notify_cell(None) == ([], None) and notify.parse_notify_cell("  ") == ([], None)
    urls, problem = notify.parse_notify_cell(
        "mailto://a:pw@smtp.example.cn?to=x@example.cn  dingtalk://abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV")
    assert problem is None and len(urls) == 2
    urls, problem = notify.parse_notify_cell("mailto://x@example.cn bogus://secret-token")
    assert urls == [] and problem[0].startswith("第2个") and "address 2" in problem[1]
    assert "secret-token" not in problem[0] + problem[1]


def test_masked_urls_hide_passwords_and_tokens():
    assert "pw123" not in notify.mask_url("mailto://a:pw123@smtp.example.cn?to=x@example.cn")
    token = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV"
    assert token not in notify.mask_url(f"dingtalk://{token}")
    assert notify.mask_url("garbage") == "?://***"


def test_rows_that_ask_to_chase_carry_the_other_agencys_contact(city_db):
    import io

    from docx import Document

    from data_access.documents.reminder import ReminderLine, reminder_notice
    from data_access.queries.dashboard import LightBounds
    from data_access.queries.my_agency import my_agency
    from data_access.queries.referrals import referral_detail
    from data_access.rulebook import load_rules

    as_of = _as_of()
    with read_session() as s:
        contacts = {a.id: (a.contact, a.phone) for a in s.execute(select(Agency)).scalars()}
        rows = overdue_acknowledgements(s, as_of, None)
        settings, cal = load_rules(s)
        bounds = LightBounds.build(as_of, cal, settings)
        row = rows[0]
        detail = referral_detail(s, row.referral_id, bounds)
        view = my_agency(s, row.from_agency_id, bounds, limit=100_000)
    assert all((r.to_contact, r.to_phone) == contacts[r.to_agency_id] for r in rows)
    assert all((r.from_contact, r.from_phone) == contacts[r.from_agency_id] for r in rows)
    assert detail.to_contact == " ".join(contacts[row.to_agency_id]) and contacts[row.to_agency_id][1]
    # The sender's page lists it among what it waits on, with the receiver's contact.
    waiting = next(i for i in view.awaiting_their_ack.items if i.number == row.number)
    assert (waiting.contact, waiting.phone) == contacts[row.to_agency_id]
    # The 催办通知 names the sender's contact beside each referral.
    line = ReminderLine(row.number, row.title, row.from_agency, row.sent_on, row.ack_due_on, row.days_late,
                        row.provisional, sender_contact=f"{row.from_contact} {row.from_phone}")
    doc = Document(io.BytesIO(reminder_notice(row.to_agency, [line], as_of)))
    cells = "\n".join(c.text for c in doc.tables[0].rows[1].cells)
    assert row.from_phone in cells and row.from_contact in cells


def test_agencies_import_registers_channels_and_names_a_bad_address(empty_db):
    from data_access.importing import ImportRefused, import_agencies
    from data_access.models import NotifyChannel

    good = [{"单位名称": "市测试局", "单位类型": "部门",
             "通知地址": "mailto://clerk:s3cret@mail.example.cn?to=a@example.cn  dingtalk://abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV"}]
    with db.write_session(empty_db) as session:
        import_agencies(session, SYSTEM, good)
    with read_session(empty_db) as session:
        urls = sorted(session.scalars(select(NotifyChannel.url).where(NotifyChannel.active.is_(True))))
        trail = " ".join(str(e.after) for e in session.scalars(select(AuditEntry)))
    assert len(urls) == 2 and urls[0].startswith("dingtalk://")
    assert "s3cret" not in trail and "abcdefghijklmnopqrstuvwxyz0123" not in trail  # masked in the audit trail
    # The same file again changes nothing; a blank cell keeps what is registered.
    with db.write_session(empty_db) as session:
        import_agencies(session, SYSTEM, good)
        import_agencies(session, SYSTEM, [{"单位名称": "市测试局", "单位类型": "部门", "通知地址": ""}])
    with read_session(empty_db) as session:
        assert session.scalar(select(func.count()).select_from(NotifyChannel)
                              .where(NotifyChannel.active.is_(True))) == 2
    bad = [{"单位名称": "市另一局", "单位类型": "部门", "通知地址": "not-an-address"}]
    with pytest.raises(ImportRefused) as refused, db.write_session(empty_db) as session:
        import_agencies(session, SYSTEM, bad)
    (error,) = refused.value.errors
    assert error.column == "通知地址" and error.line == 2
