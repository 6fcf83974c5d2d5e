"""Which steps a referral offers to a user: those its status allows next (``rules.lifecycle``)
that the user's role may take on it (``rules.permissions``), so that a screen offers no step
the save would refuse.

A step's agencies are those its command authorises against (data_access/commands/referrals.py):
the receiver acknowledges and reports the result, the sender sends and revises, either closes.
"""

from __future__ import annotations

from rules.permissions import PermissionDenied, authorize

#: step -> (the status it starts from, the permission action, which side of the referral)
STEPS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "acknowledge": (("sent",), "referral.acknowledge", "to"),
    "report": (("accepted",), "referral.report_result", "to"),
    "close": (("reported", "declined"), "referral.close", "both"),
    "send": (("draft",), "referral.send", "from"),
    "revise": (("returned",), "referral.create", "from"),
}


def steps_for(status: str, role: str, own_agency_id: int | None, from_agency_id: int, to_agency_id: int) -> list[str]:
    """The steps of :data:`STEPS` open to this user on a referral in ``status``, in order."""
    sides = {"to": [to_agency_id], "from": [from_agency_id], "both": [from_agency_id, to_agency_id]}
    out = []
    for step, (statuses, action, side) in STEPS.items():
        if status not in statuses:
            continue
        try:
            authorize(role, own_agency_id, action, sides[side])
        except PermissionDenied:
            continue
        out.append(step)
    return out
