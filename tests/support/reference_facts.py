"""The reference facts of ``rules.metrics``: every row of the database as plain facts (a plain
``SELECT`` of the columns, no aggregation), for tests that check figures against the
definitions themselves rather than against the queries that compute them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import null, select

from data_access import models
from rules.metrics import AssistFacts, DecisionFacts, DisputeFacts, ReferralFacts


def reference_facts(session) -> tuple[list, list, list, list]:
    """(referrals, assists, disputes, decisions) as ``rules.metrics.agency_metrics`` takes them."""
    r, rr, ask = models.Referral, models.ReferralRound, models.AssistanceRequest
    # Every sending: the referrals' current rounds and their earlier, returned rounds.
    referrals = [
        ReferralFacts(*row)
        for row in session.execute(
            select(r.from_agency_id, r.to_agency_id, r.sent_on, r.send_due_on, r.ack_on, r.ack_due_on,
                   r.ack_workdays, r.result_on, r.status, r.sent_at, r.send_due_at)
        )
    ] + [
        ReferralFacts(*row)
        for row in session.execute(
            select(rr.from_agency_id, rr.to_agency_id, rr.sent_on, rr.send_due_on, rr.ack_on, rr.ack_due_on,
                   rr.ack_workdays, null(), rr.ack_outcome, rr.sent_at, rr.send_due_at)
        )
    ]
    assists = [
        AssistFacts(*row)
        for row in session.execute(select(ask.to_agency_id, ask.from_agency_id, ask.requested_on, ask.due_on,
                                          ask.answered_on))
    ]
    parties: dict[int, set[int]] = {}
    for dispute_id, agency_id in session.execute(select(models.DisputeParty.dispute_id, models.DisputeParty.agency_id)):
        parties.setdefault(dispute_id, set()).add(agency_id)
    handed_on: dict[int, date] = {}  # the first stage past the parties' own, from the raw history
    stages = models.DisputeStage
    for dispute_id, stage, entered in session.execute(select(stages.dispute_id, stages.stage, stages.entered_on)):
        if stage not in ("joint_handling", "negotiation"):
            handed_on[dispute_id] = min(entered, handed_on.get(dispute_id, entered))
    disputes = [
        DisputeFacts(frozenset(parties.get(i, ())), opened, resolved,
                     min((x for x in (handed_on.get(i), resolved) if x is not None), default=None))
        for i, opened, resolved in session.execute(
            select(models.Dispute.id, models.Dispute.opened_on, models.Dispute.resolved_on))
    ]
    c = models.Decision
    decisions = [DecisionFacts(*row) for row in session.execute(select(c.lead_agency_id, c.due_on, c.done_on, c.status))]
    return referrals, assists, disputes, decisions
