"""The referral's matter (事项) and the reason for sending it against the responsibility list.

Used by :func:`data_access.commands.referrals.create_referral`; kept apart so the list's
rules stay in one place.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from data_access.models import Responsibility
from data_access.validation import Checks, is_record_id
from rules import routing

LABELS = {
    "matter_id": ("事项（权责清单）", "Matter (responsibility list)"),
    "routing_reason": ("不按清单移送的理由", "Reason for sending against the list"),
}


def check_routing(session: Session, c: Checks, matter_id, to_agency, reason) -> tuple[int | None, str | None]:
    """(matter id, reason) to store. A matter must be an active list entry; a receiver other
    than the one the list names needs a reason."""
    text = c.text("routing_reason", reason, LABELS["routing_reason"], limit=None, required=False, multiline=True)
    if matter_id is None:
        return None, text
    entry = session.get(Responsibility, matter_id) if is_record_id(matter_id) else None
    if entry is None or not entry.active:
        c.add("matter_id", "所选事项不在权责清单中", "The matter chosen is not in the responsibility list")
        return None, text
    to_id = to_agency.id if to_agency is not None else None
    if routing.needs_reason(entry.agency_id, to_id) and not text and c.ok("routing_reason"):
        c.add("routing_reason",
              "权责清单规定该事项由其他单位负责：不按清单移送，请说明理由",
              "The list names another agency for this matter: say why it goes elsewhere")
    return entry.id, text
