"""Returned referrals sent again (DOMAIN.md, Rounds), for the sample city.

A few of the referrals the generator left returned (退回) are supplemented and sent again
by their sender some working days after the return: their first round is archived in
``referral_rounds`` exactly as the generator wrote it, and the referral row becomes round 2
with its own sending, acknowledgement limit and (where due by ``as_of``) its own answer.
Deterministic for a given random seed: the picks come from ``rng`` over the returned
referrals in id order.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, func, insert, select, update

from data_access.models import Referral, ReferralEvent, ReferralRound
from data_access.rounds import archived_round
from data_access.stored_deadlines import referral_deadline_fields
from rules.calendar import WorkCalendar
from rules.settings import RuleSettings

#: Share of the returned referrals sent again, and bounds on how many.
RESEND_SHARE = 0.3
RESEND_MIN, RESEND_MAX = 3, 40


def resend_some(
    conn: Connection, cal: WorkCalendar, s: RuleSettings, as_of: date, rng: random.Random
) -> tuple[int, int]:
    """Send a few returned referrals again; returns (rounds archived, history rows written).
    A referral written without history (very large scales) gets none here either."""
    r = Referral.__table__
    # The ids of every candidate (a few percent of all referrals), the rows of the picked only.
    returned = conn.execute(
        select(r.c.id)
        .where(r.c.status == "returned", r.c.ack_on.is_not(None), r.c.ack_on < as_of - timedelta(days=3))
        .order_by(r.c.id)
    ).scalars().all()
    if not returned:
        return 0, 0
    n = min(len(returned), max(RESEND_MIN, min(RESEND_MAX, round(len(returned) * RESEND_SHARE))))
    picked = [
        row._asdict()
        for row in conn.execute(
            select(*(r.c[f] for f in (
                "id", "number", "from_agency_id", "to_agency_id", "discovered_on", "discovered_at",
                "urgency", "extension_notified", "criminal", "approved_by", "sent_on", "sent_at",
                "send_due_on", "send_due_at", "ack_due_on", "ack_due_provisional", "ack_on",
                "ack_outcome", "ack_reason", "ack_workdays", "round_no", "status", "updated_by",
            )))
            .where(r.c.id.in_(rng.sample(returned, n)))
            .order_by(r.c.id)
        )
    ]
    next_event = (conn.execute(select(func.max(ReferralEvent.id))).scalar() or 0) + 1
    next_round = (conn.execute(select(func.max(ReferralRound.id))).scalar() or 0) + 1
    # Who sent and who answered each (from its history): they act again in the new round.
    sender: dict[int, str] = {}
    for rid, frm, who in conn.execute(
        select(ReferralEvent.referral_id, ReferralEvent.from_status, ReferralEvent.username)
        .where(ReferralEvent.referral_id.in_([p["id"] for p in picked]))
        .order_by(ReferralEvent.id)
    ):
        if frm is None:
            sender[rid] = who
    rounds, events = [], []
    for ref in picked:
        resent = cal.add_working_days(ref["ack_on"], rng.randint(1, 6)).on
        if resent > as_of:
            continue
        at = datetime.combine(resent, time(rng.randint(8, 11), rng.choice((0, 15, 30, 45))))
        archived_at = datetime.combine(resent, time(8, 0))
        rounds.append(dict(archived_round(ref["id"], ref, sender.get(ref["id"]) or ref["updated_by"], archived_at),
                           id=next_round))
        next_round += 1
        # The new round's answer: accepted within the limit where the limit has come.
        fields = referral_deadline_fields(
            cal, s, discovered_on=ref["discovered_on"], discovered_at=ref["discovered_at"],
            urgent=ref["urgency"] == "urgent", extension_notified=bool(ref["extension_notified"]),
            criminal=bool(ref["criminal"]), sent_on=resent, first_round=False,
        )
        ack_on = cal.add_working_days(resent, rng.randint(1, 4)).on
        status, outcome = "sent", None
        if ack_on <= as_of:
            status, outcome = "accepted", "accepted"
            fields["ack_workdays"] = cal.working_days_between(resent, ack_on)
        else:
            ack_on = None
        conn.execute(
            update(r).where(r.c.id == ref["id"]).values(
                round_no=(ref["round_no"] or 1) + 1, sent_on=resent, sent_at=at, ack_on=ack_on,
                ack_outcome=outcome, ack_reason=None, status=status, updated_at=at, **fields,
            )
        )
        note = f"补充材料后第{(ref['round_no'] or 1) + 1}次移送 / sent again after the return"
        for frm, to, when, who, why in (
            ("returned", "draft", archived_at, sender.get(ref["id"]), note),
            ("draft", "sent", at, sender.get(ref["id"]), None),
        ) + ((("sent", "accepted", datetime.combine(ack_on, time(15, 0)), ref["updated_by"], None),)
             if ack_on else ()):
            if ref["id"] not in sender:
                break
            events.append({"id": next_event, "referral_id": ref["id"], "at": when, "username": who,
                           "from_status": frm, "to_status": to, "note": why})
            next_event += 1
    if rounds:
        conn.execute(insert(ReferralRound.__table__), rounds)
    if events:  # none when every picked referral was written without history
        conn.execute(insert(ReferralEvent.__table__), events)
    return len(rounds), len(events)
