"""A tiny hand-made city for the meeting tests: five agencies, a few referrals and disputes
whose ages are known exactly, so each suggested item can be predicted by hand.

Everything is dated relative to ``TODAY`` (a Wednesday in a normal working week).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from data_access.commands.base import Actor
from data_access.db import write_session
from data_access.models import Agency, Dispute, DisputeParty, DisputeStage, Referral

TODAY = date(2026, 4, 1)
MEETING_ON = date(2026, 4, 20)  # agenda cut-off: 2026-04-10

OFFICE = Actor(username="admin", role="office")
CHAIR = Actor(username="chair", role="chair")
OBSERVER = Actor(username="viewer", role="observer")


@dataclass(frozen=True)
class World:
    justice: int
    housing: int
    market: int
    east: int
    hill: int
    overdue_refs: tuple[int, ...]  # to housing, 20 and 15 days late
    fresh_overdue_ref: int  # to market, 3 days late: below the 10-day threshold
    stalled_dispute: int  # 40 days in negotiation
    flagged_dispute: int  # needs_meeting, 5 days in joint handling
    coordination_dispute: int  # at the coordination stage, 2 days
    fresh_dispute: int  # 5 days in negotiation: not suggested
    resolved_dispute: int

    def head(self, agency_id: int, name: str = "head") -> Actor:
        return Actor(username=f"{name}{agency_id}", role="head", agency_id=agency_id)

    def clerk(self, agency_id: int) -> Actor:
        return Actor(username=f"clerk{agency_id}", role="clerk", agency_id=agency_id)


def _referral(session, number, frm, to, sent_on, due_on, status="sent", ack_on=None) -> int:
    r = Referral(
        number=number, title=f"案件{number[-3:]}", domain="城镇管理", from_agency_id=frm, to_agency_id=to,
        discovered_on=sent_on - timedelta(days=1), sent_on=sent_on, status=status, ack_due_on=due_on,
        send_due_on=sent_on, ack_on=ack_on, ack_outcome="accepted" if ack_on else None,
    )
    session.add(r)
    session.flush()
    return r.id


def _dispute(session, number, subject, stage, stage_since, parties, *, needs_meeting=False) -> int:
    d = Dispute(
        number=number, subject=subject, stage=stage, opened_on=stage_since - timedelta(days=10),
        stage_since=stage_since, needs_meeting=needs_meeting,
        resolved_on=stage_since if stage == "resolved" else None,
    )
    session.add(d)
    session.flush()
    session.add_all(DisputeParty(dispute_id=d.id, agency_id=a) for a in parties)
    session.add(DisputeStage(dispute_id=d.id, stage="joint_handling", entered_on=d.opened_on, note="先予协同处置"))
    if stage != "joint_handling":
        session.add(DisputeStage(dispute_id=d.id, stage=stage, entered_on=stage_since, note="双方协商"))
    session.flush()
    return d.id


def build_world(engine=None) -> World:
    with write_session(engine) as session:
        agencies = [
            Agency(name="市司法局", short_name="司法局", kind="coordinator"),
            Agency(name="市住房和城乡建设局", short_name="住建局", kind="department"),
            Agency(name="市市场监督管理局", short_name="市场监管局", kind="department"),
            Agency(name="城东街道", kind="town"),
            Agency(name="青山镇", kind="town"),
        ]
        session.add_all(agencies)
        session.flush()
        justice, housing, market, east, hill = (a.id for a in agencies)
        overdue = (
            _referral(session, "YS-2026-000001", east, housing, TODAY - timedelta(days=30), TODAY - timedelta(days=20)),
            _referral(session, "YS-2026-000002", hill, housing, TODAY - timedelta(days=25), TODAY - timedelta(days=15)),
        )
        fresh = _referral(session, "YS-2026-000003", east, market, TODAY - timedelta(days=10), TODAY - timedelta(days=3))
        # Acknowledged on time: never suggested.
        _referral(session, "YS-2026-000004", hill, market, TODAY - timedelta(days=40), TODAY - timedelta(days=33),
                  status="accepted", ack_on=TODAY - timedelta(days=35))
        stalled = _dispute(session, "ZY-2026-001", "占道经营归属争议", "negotiation", TODAY - timedelta(days=40),
                           [housing, east])
        flagged = _dispute(session, "ZY-2026-002", "违建拆除责任争议", "joint_handling", TODAY - timedelta(days=5),
                           [housing, hill], needs_meeting=True)
        coord = _dispute(session, "ZY-2026-003", "油烟扰民监管争议", "coordination", TODAY - timedelta(days=2),
                         [market, east])
        fresh_d = _dispute(session, "ZY-2026-004", "广告牌设置争议", "negotiation", TODAY - timedelta(days=5),
                           [market, hill])
        resolved = _dispute(session, "ZY-2026-005", "早已解决的争议", "resolved", TODAY - timedelta(days=60),
                            [market, hill])
        return World(justice, housing, market, east, hill, overdue, fresh, stalled, flagged, coord, fresh_d, resolved)
