"""Routing a referral by the responsibility list (权责清单).

The list names the agency that holds a matter; a referral about that matter goes there. A
clerk may still send it elsewhere (the list may be out of date, or the case unusual), but then
says why: the reason is kept with the referral and the meeting can see which referrals went
against the list.
"""

from __future__ import annotations


def proposed_receiver(list_agency_id: int | None, sender_id: int | None) -> int | None:
    """The receiving agency to propose: the list's answer, unless that is the sender itself
    (a matter the sender holds is not a referral to make)."""
    if list_agency_id is None or list_agency_id == sender_id:
        return None
    return list_agency_id


def needs_reason(list_agency_id: int | None, to_agency_id: int | None) -> bool:
    """Whether sending to ``to_agency_id`` goes against the list's answer, so a reason is due."""
    return list_agency_id is not None and to_agency_id is not None and list_agency_id != to_agency_id
