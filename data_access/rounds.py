"""Referral rounds (DOMAIN.md, Rounds): keeping a returned sending exactly as it was.

A referral returned (退回) and sent again starts a new round. The round that ended is copied,
unchanged, into ``referral_rounds`` (:class:`data_access.models.ReferralRound`) before the
referral row takes the new sending; the row's ``round_no`` counts up. Both writers of a new
round, the sender's form (``commands.referrals.revise_referral``) and the ledger import
(``importing.storing``), build the archived row here, so a round is archived one way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

#: The fields of a round, as named on both ``referrals`` and ``referral_rounds``.
ROUND_FIELDS = (
    "from_agency_id", "to_agency_id", "sent_on", "sent_at", "send_due_on", "send_due_at", "criminal",
    "approved_by", "ack_due_on", "ack_due_provisional", "ack_on", "ack_outcome", "ack_reason",
    "ack_workdays",
)


def is_next_round(current: Mapping, sent_on: date | None) -> bool:
    """Whether a sending on ``sent_on`` of the referral whose recorded values are ``current``
    is its next round: the referral was returned (退回) and the new sending is later than the
    return (CONTRACT.md, the import's rounds)."""
    return (
        current.get("status") == "returned"
        and current.get("ack_on") is not None
        and sent_on is not None
        and sent_on > current["ack_on"]
    )


def archived_round(referral_id: int, current: Mapping, username: str | None, at: datetime | None = None) -> dict:
    """The ``referral_rounds`` row that keeps the round ``current`` holds (a mapping of the
    referral's fields, or the ORM object itself), as it is."""
    get = current.get if isinstance(current, Mapping) else (lambda k, d=None: getattr(current, k, d))
    row = {f: get(f) for f in ROUND_FIELDS}
    row["criminal"] = bool(row["criminal"])
    row["ack_due_provisional"] = bool(row["ack_due_provisional"])
    row.update(
        referral_id=referral_id,
        round_no=get("round_no") or 1,
        archived_at=at or datetime.now().replace(microsecond=0),
        archived_by=username,
    )
    return row
