"""What every write command shares: the acting user, errors in plain words, the audit row.

A command is one function per user action. It takes an :class:`Actor` and plain values,
and inside one :func:`data_access.db.write_session` transaction it
1. loads what it changes and refuses a stale edit (:func:`check_version`),
2. validates the input (:class:`ValidationFailed` carries a message per form field),
3. checks the permission matrix (:func:`authorize`),
4. writes the change and its audit row (:func:`audit`) and commits once.
If anything fails, nothing is written.

Pages clear nothing by hand: :func:`audit` moves the generation of the areas of data the
action changes (:mod:`data_access.generations`), which key the cached reads, so every
committed write shows at once in every session and process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from data_access import generations
from data_access.models import AuditEntry
from rules import permissions


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf a command runs."""

    username: str
    role: str
    agency_id: int | None = None
    user_id: int | None = None


# The command line and the seeder act as the office.
SYSTEM = Actor(username="system", role="office")


class CommandError(Exception):
    """A refusal to show the user: ``message`` in plain words (Chinese / English)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(CommandError):
    pass


class NotFound(CommandError):
    pass


class StaleEdit(CommandError):
    """The record changed since the form was shown; nothing was overwritten."""


@dataclass
class ValidationFailed(CommandError):
    """One or more fields are wrong: ``errors`` maps form field → message."""

    errors: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        text = "；".join(self.errors.values())
        CommandError.__init__(self, text, next(iter(self.errors), None))


def authorize(actor: Actor, action: str, agencies=()) -> None:
    try:
        permissions.authorize(actor.role, actor.agency_id, action, agencies)
    except permissions.PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def snapshot(obj) -> dict:
    """The column values of an ORM object, JSON-safe, for the audit trail."""
    mapper = sa_inspect(obj).mapper
    return {
        col.key: _plain(getattr(obj, col.key))
        for col in mapper.column_attrs
        if col.key not in ("password_hash",)
    }


def audit(
    session: Session,
    actor: Actor,
    action: str,
    obj_type: str,
    obj_id,
    before: dict | None,
    after: dict | None,
) -> AuditEntry:
    """Append the audit row in the caller's transaction (so it commits with the change), and
    move the generation of the areas of data that ``action`` changes, in the same transaction."""
    if before and after:
        # Keep only what changed, so the trail reads as a list of changes.
        keys = [k for k in after if before.get(k) != after.get(k)]
        before = {k: before.get(k) for k in keys}
        after = {k: after[k] for k in keys}
    entry = AuditEntry(
        at=datetime.now().replace(microsecond=0),
        username=actor.username,
        agency_id=actor.agency_id,
        action=action,
        object_type=obj_type,
        object_id=None if obj_id is None else str(obj_id),
        before=before,
        after=after,
    )
    session.add(entry)
    generations.bump(session, action)
    return entry


def check_version(session: Session, obj, expected_version: int | None, label: str) -> None:
    """Refuse a save when the record changed since the form showed ``expected_version``."""
    if expected_version is None or obj.version == expected_version:
        return
    last = (
        session.query(AuditEntry)
        .filter(AuditEntry.object_type == obj.__tablename__, AuditEntry.object_id == str(obj.id))
        .order_by(AuditEntry.id.desc())
        .first()
    )
    who = f"{last.username}（{last.at:%Y-%m-%d %H:%M}）" if last else "其他用户"
    raise StaleEdit(
        f"{label}已被{who}修改，您的保存未执行，请刷新后重试。"
        f" / {label} was changed by {last.username if last else 'another user'} since you opened it;"
        " nothing was overwritten. Reload and try again."
    )
