"""A tiny hand-made set of agencies for the data-entry tests, and helpers to count rows.

``TODAY`` is pinned (a Tuesday): the commands take ``today=`` so the dates in the tests
never drift with the real calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from data_access import models
from data_access.commands.base import Actor
from data_access.db import read_session, write_session

TODAY = date(2026, 10, 20)
OFFICE = Actor(username="admin", role="office")
CHAIR = Actor(username="chair", role="chair")
OBSERVER = Actor(username="viewer", role="observer")

#: Every table a data-entry command writes.
WRITTEN_TABLES = (
    models.Referral, models.ReferralEvent, models.AssistanceRequest, models.Dispute, models.DisputeParty, models.DisputeStage,
    models.JointOperation, models.JointOperationAgency, models.AuditEntry,
)


@dataclass(frozen=True)
class World:
    town: int  # 青山镇
    other_town: int  # 白沙街道
    housing: int  # 市住房和城乡建设局
    police: int  # 市公安局
    retired: int  # deactivated

    def clerk(self, agency_id: int) -> Actor:
        return Actor(username=f"clerk{agency_id}", role="clerk", agency_id=agency_id)

    def head(self, agency_id: int) -> Actor:
        return Actor(username=f"head{agency_id}", role="head", agency_id=agency_id)


def make_world(engine=None) -> World:
    with write_session(engine) as s:
        rows = [
            models.Agency(name="青山镇", short_name="青山", kind="town", active=True),
            models.Agency(name="白沙街道", short_name="白沙", kind="town", active=True),
            models.Agency(name="市住房和城乡建设局", short_name="住建局", kind="department", active=True),
            models.Agency(name="市公安局", short_name="公安局", kind="department", active=True),
            models.Agency(name="市旧规划局", short_name="旧规划局", kind="department", active=False),
        ]
        s.add_all(rows)
        s.flush()
        return World(*(a.id for a in rows))


def counts(engine=None) -> dict[str, int]:
    """Rows per written table, in one query."""
    with read_session(engine) as s:
        row = s.execute(
            select(*(select(func.count()).select_from(m).scalar_subquery().label(m.__tablename__)
                     for m in WRITTEN_TABLES))
        ).one()
    return dict(row._mapping)


def valid_referral(world: World, **overrides) -> dict:
    """Keyword arguments for a referral ``create_referral`` accepts."""
    values = dict(
        title="某小区违法搭建", from_agency_id=world.town, to_agency_id=world.housing,
        discovered_on=date(2026, 9, 28), domain="规划建设", approved_by="李镇长",
        materials=["移送函", "现场照片"], send=True, sent_on=date(2026, 9, 30), today=TODAY,
    )
    values.update(overrides)
    return values
