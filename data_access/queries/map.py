"""The map's data: every active town with its outline, its point and its backlog.

A town's backlog is what it has received and not finished on ``as_of``: referrals awaiting
its acknowledgement plus accepted referrals awaiting its result (the same figures as the
backlog chart, :func:`data_access.queries.dashboard.backlog_by_agency`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.models import Agency
from data_access.queries.dashboard import BacklogRow, agency_label, backlog_by_agency

__all__ = ["TownOnMap", "town_backlog"]


@dataclass(frozen=True)
class TownOnMap:
    agency_id: int
    name: str
    label: str
    lon: float | None
    lat: float | None
    outline: list | None
    """[[lon, lat], ...]: the town's boundary, so the map needs no internet base map."""
    awaiting_ack: int
    overdue_ack: int
    awaiting_result: int

    @property
    def backlog(self) -> int:
        return self.awaiting_ack + self.awaiting_result


def town_backlog(session: Session, as_of: date, backlog_rows: list[BacklogRow] | None = None) -> list[TownOnMap]:
    """Every active town that can be placed (a point or an outline), by id.

    ``backlog_rows`` may pass the result of ``backlog_by_agency(session, as_of)`` when the
    caller already has it (the overview), to save a second pass over the referrals.
    """
    if backlog_rows is None:
        backlog_rows = backlog_by_agency(session, as_of, kind="town")
    backlog = {row.agency_id: row for row in backlog_rows}
    towns = session.execute(
        select(Agency.id, Agency.name, Agency.short_name, Agency.lon, Agency.lat, Agency.outline)
        .where(Agency.kind == "town", Agency.active.is_(True))
        .order_by(Agency.id)
    ).all()
    out = []
    for agency_id, name, short, lon, lat, outline in towns:
        if outline is None and (lon is None or lat is None):
            continue
        b = backlog.get(agency_id)
        out.append(
            TownOnMap(
                agency_id=agency_id,
                name=name,
                label=agency_label(name, short),
                lon=lon,
                lat=lat,
                outline=outline,
                awaiting_ack=b.awaiting_ack if b else 0,
                overdue_ack=b.overdue_ack if b else 0,
                awaiting_result=b.awaiting_result if b else 0,
            )
        )
    return out
