"""Generations: one counter per area of data, the key of every cached read.

A cached read (``ui.cache``) is keyed by the generation of each area it reads. The shared
audit helper (:func:`data_access.commands.base.audit`) moves the generation of the areas an
action changes, in the same transaction as the change, so a committed write shows at once in
every session and every process, while the caches of the other areas stay warm.

Which action changes which area is decided here, once (:func:`areas_for`), from the action
name that the audit row records (``"referral.acknowledge"``, ``"agenda.approve"`` …). Session
events (signing in or out, a failed sign-in, a language switch) change no shown data and move
nothing. An action this table does not know moves every area: a new command is never served
stale figures, only colder ones, until it is added here.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from data_access.models import DataGeneration

REFERRALS = "referrals"
ASSISTANCE = "assistance"
OPERATIONS = "operations"
DISPUTES = "disputes"
MEETINGS = "meetings"  # meetings, agenda items, attendance, decisions and their progress
AGENCIES = "agencies"  # member agencies and user accounts
SETTINGS = "settings"  # rule settings and the working-day calendar
NOTICES = "notices"  # reminders sent, notification channels, users' reading marks
REPORTS = "reports"  # published 通报
RESPONSIBILITIES = "responsibilities"  # the responsibility list (权责清单) and what cites it
ATTACHMENTS = "attachments"  # files attached to referrals, requests and disputes
AREAS = (REFERRALS, ASSISTANCE, OPERATIONS, DISPUTES, MEETINGS, AGENCIES, SETTINGS, NOTICES, REPORTS,
         RESPONSIBILITIES, ATTACHMENTS)

# The first part of an action name (before the dot) → the areas it changes.
_BY_PREFIX: dict[str, tuple[str, ...]] = {
    "referral": (REFERRALS,),
    "assist": (ASSISTANCE,),
    "operation": (OPERATIONS,),
    "dispute": (DISPUTES,),
    "meeting": (MEETINGS,),
    "agenda": (MEETINGS,),
    "attendance": (MEETINGS,),
    "decision": (MEETINGS,),
    "agency": (AGENCIES,),
    "user": (AGENCIES,),
    # A changed time limit or calendar rewrites stored due dates of every kind of record.
    "settings": (SETTINGS, REFERRALS, ASSISTANCE, MEETINGS),
    "calendar": (SETTINGS, REFERRALS, ASSISTANCE, MEETINGS),
    "channel": (NOTICES,),
    "notice": (NOTICES,),
    "notify": (NOTICES,),
    "setting": (NOTICES,),  # the product's own address, used in reminder links only
    "report": (REPORTS,),
    "responsibility": (RESPONSIBILITIES,),
    "attachment": (ATTACHMENTS,),
}
_BY_ACTION: dict[str, tuple[str, ...]] = {
    "import.agencies": (AGENCIES,),
    "import.referrals": (REFERRALS,),
    "import.responsibilities": (RESPONSIBILITIES,),
    # A dispute's matters and its ruling show on the list page too; a ruling rewrites entries.
    "dispute.matters": (DISPUTES, RESPONSIBILITIES),
    "dispute.rule": (DISPUTES, RESPONSIBILITIES),
    "responsibility.ruling": (DISPUTES, RESPONSIBILITIES),
    "attachment.download": (),  # a read, audited
    # Session events: nothing any page shows from the cache depends on them.
    "user.login": (),
    "user.login_failed": (),
    "user.locked": (),
    "user.logout": (),
    "user.language": (),
    "user.change_password": (),
}


def areas_for(action: str) -> tuple[str, ...]:
    """The areas of data that ``action`` changes, in a fixed order (locks are taken in it)."""
    if action in _BY_ACTION:
        found = _BY_ACTION[action]
    else:
        found = _BY_PREFIX.get(action.split(".", 1)[0], AREAS)
    return tuple(sorted(set(found)))


def bump(session: Session, action: str) -> tuple[str, ...]:
    """Move the generation of every area ``action`` changes, in the caller's transaction."""
    areas = areas_for(action)
    for area in areas:  # one row at a time, in sorted order: concurrent writers queue, never deadlock
        moved = session.execute(
            update(DataGeneration)
            .where(DataGeneration.area == area)
            .values(generation=DataGeneration.generation + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not moved:  # an area added after the database was migrated
            session.add(DataGeneration(area=area, generation=1))
            session.flush()
    return areas


def touch_all(conn: Connection | Session) -> None:
    """Move every area's generation: for bulk writes that bypass the commands (the seed)."""
    present = set(conn.execute(select(DataGeneration.area)).scalars())
    missing = [{"area": area, "generation": 0} for area in AREAS if area not in present]
    if missing:  # areas added after the database was migrated
        conn.execute(insert(DataGeneration), missing)
    conn.execute(update(DataGeneration).values(generation=DataGeneration.generation + 1))


def current(session: Session) -> dict[str, int]:
    """Every area's generation now (0 for an area never written): one small read."""
    found = dict(session.execute(select(DataGeneration.area, DataGeneration.generation)).all())
    return {area: int(found.get(area, 0)) for area in AREAS}
