"""What every write command shares: the acting user, one error type, the audit row.

A command is one function per user action, always of one shape::

    command(actor, …plain values…, *, expected_version=…, uow=None)

The :class:`Actor` comes first, then plain values; ``expected_version`` (keyword-only) is the
version of the record the screen showed, for a command that changes an existing record; ``uow``
is an optional unit of work: an open write session (:func:`data_access.db.write_session`) in
which the CLI, the importer or a test composes several commands and commits them together.
Without it the command opens its own transaction and commits once. Inside, a command
1. loads what it changes and refuses a stale edit (:func:`check_version`),
2. validates the input with :class:`data_access.validation.Checks` (every field at once),
3. checks the permission matrix (:func:`authorize`),
4. writes the change and its audit row (:func:`audit`).
If anything fails, nothing is written.

Every refusal is a :class:`CommandError`: a general :class:`Message` and one per form field,
each a ``(zh, en)`` pair, so a screen shows the user's language (``text``, ``field_texts``)
and the command line prints both.

Pages clear nothing by hand: :func:`audit` moves the generation of the areas of data the
action changes (:mod:`data_access.generations`), which key the cached reads, so every
committed write shows at once in every session and process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func
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


class Message(str):
    """One user-facing message in both languages: ``zh`` and ``en``.

    As a ``str`` it reads "中文 / English", which is what the command line, logs and tests
    see; a screen shows only its language with :meth:`text`.
    """

    zh: str
    en: str

    def __new__(cls, zh: str, en: str | None = None):
        en = zh if en is None else en
        obj = super().__new__(cls, zh if en == zh else f"{zh} / {en}")
        obj.zh, obj.en = zh, en
        return obj

    def __reduce__(self):
        return (Message, (self.zh, self.en))

    def text(self, language: str = "zh") -> str:
        return self.en if language == "en" else self.zh


def as_message(value) -> Message:
    """A :class:`Message` from a ``(zh, en)`` pair, an exception of the rules carrying
    ``zh``/``en`` (transitions, permissions) or a Message; other text is kept whole."""
    if isinstance(value, Message):
        return value
    if isinstance(value, tuple) and len(value) == 2:
        return Message(*value)
    zh, en = getattr(value, "zh", None), getattr(value, "en", None)
    if isinstance(zh, str) and isinstance(en, str):
        return Message(zh, en)
    return Message(str(value))


def join_messages(messages) -> Message:
    messages = list(messages)
    return Message("；".join(m.zh for m in messages), "; ".join(m.en for m in messages))


class CommandError(Exception):
    """The one refusal every command raises: nothing was written, and it says why.

    ``message`` is the general :class:`Message`; ``field_errors`` maps a form field to its
    own Message (a refusal may name several fields at once); ``field`` names the field a
    single-field refusal belongs to. :meth:`text` and :meth:`field_texts` give the text of
    one language for a screen.
    """

    def __init__(self, message, field: str | None = None, *, errors: dict | None = None):
        self.field_errors: dict[str, Message] = {k: as_message(v) for k, v in (errors or {}).items()}
        self.message: Message = (
            as_message(message) if message is not None else join_messages(self.field_errors.values())
        )
        self.field = field
        super().__init__(str(self.message))

    def text(self, language: str = "zh") -> str:
        """The general message in ``language`` (``zh`` or ``en``)."""
        return self.message.text(language)

    def field_texts(self, language: str = "zh") -> dict[str, str]:
        """Each field's message in ``language``; a single-field refusal gives its one field."""
        if self.field_errors:
            return {k: m.text(language) for k, m in self.field_errors.items()}
        if self.field:
            return {self.field: self.text(language)}
        return {}


class PermissionDenied(CommandError):
    pass


class NotFound(CommandError):
    pass


class StaleEdit(CommandError):
    """The record changed since the form was shown; nothing was overwritten."""


class ValidationFailed(CommandError):
    """One or more fields are wrong: ``errors`` maps form field → :class:`Message`."""

    def __init__(self, errors: dict | None = None):
        errors = errors or {}
        super().__init__(None, next(iter(errors), None), errors=errors)

    @property
    def errors(self) -> dict[str, Message]:
        return self.field_errors


def authorize(actor: Actor, action: str, agencies=()) -> None:
    try:
        permissions.authorize(actor.role, actor.agency_id, action, agencies)
    except permissions.PermissionDenied as exc:
        raise PermissionDenied(as_message(exc)) from None


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
    session: Session, actor: Actor, action: str, obj_type: str, obj_id, before: dict | None,
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


def trail_version(session: Session, object_type: str, object_id=None) -> int:
    """The version of a record kept without a ``version`` column (the rule settings, a
    calendar year): how many changes the audit trail holds for it. Every save that changes
    it writes one audit row, so the number grows with each change."""
    query = session.query(func.count(AuditEntry.id)).filter(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.filter(AuditEntry.object_id == str(object_id))
    return query.scalar() or 0


def check_trail_version(
    session: Session, object_type: str, object_id, expected_version: int | None, label: tuple[str, str]
) -> None:
    """:func:`check_version` for a record versioned by :func:`trail_version`."""
    if expected_version is None or trail_version(session, object_type, object_id) == expected_version:
        return
    query = session.query(AuditEntry).filter(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.filter(AuditEntry.object_id == str(object_id))
    _refuse_stale(query.order_by(AuditEntry.id.desc()).first(), label)


def _refuse_stale(last, label: str | tuple[str, str]) -> None:
    who = f"{last.username}（{last.at:%Y-%m-%d %H:%M}）" if last else "其他用户"
    zh, en = label if isinstance(label, tuple) else (label, label)
    raise StaleEdit((
        f"{zh}已被{who}修改，您的保存未执行，请刷新后重试。",
        f"{en} was changed by {last.username if last else 'another user'} since you opened it;"
        " nothing was overwritten. Reload and try again.",
    ))


def check_version(
    session: Session, obj, expected_version: int | None, label: str | tuple[str, str], *,
    parts: tuple[str, list[str]] | None = None,
) -> None:
    """Refuse a save when the record changed since the form showed ``expected_version``;
    ``label`` names the record (a ``(zh, en)`` pair, or one text for both). ``parts`` are
    records whose changes also change ``obj`` (a meeting's agenda items), as
    ``(object type, ids)``: the refusal names whoever changed any of them last."""
    if expected_version is None or obj.version == expected_version:
        return
    mine = (AuditEntry.object_type == obj.__tablename__) & (AuditEntry.object_id == str(obj.id))
    if parts and parts[1]:
        mine = mine | ((AuditEntry.object_type == parts[0]) & AuditEntry.object_id.in_(parts[1]))
    _refuse_stale(session.query(AuditEntry).filter(mine).order_by(AuditEntry.id.desc()).first(), label)
