"""The member agencies, for pickers and name look-ups: one query for every page.

Agencies are deactivated, never deleted (DOMAIN.md): a picker that chooses an agency for a
new record offers only active ones (``include_inactive=False``); a picker or a list that
shows history includes the deactivated ones, which the UI marks 已停用.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from data_access.models import Agency

__all__ = ["AgencyOption", "agency_label", "agency_options"]


def agency_label(name: str, short_name: str | None) -> str:
    """The name to print where space is short (charts, map labels)."""
    return short_name or name


@dataclass(frozen=True)
class AgencyOption:
    id: int
    name: str
    short_name: str | None
    kind: str
    active: bool

    @property
    def label(self) -> str:
        return agency_label(self.name, self.short_name)


#: The coordinator, then departments, towns and judicial bodies, each in the order entered.
_KIND_ORDER = {"coordinator": 0, "department": 1, "town": 2, "judicial": 3}


def agency_options(session: Session, *, include_inactive: bool = True) -> list[AgencyOption]:
    """Member agencies (a few dozen rows) by kind then id; deactivated ones unless
    ``include_inactive`` is false (a picker for a new record)."""
    stmt = select(Agency.id, Agency.name, Agency.short_name, Agency.kind, Agency.active).order_by(
        case(_KIND_ORDER, value=Agency.kind, else_=len(_KIND_ORDER)), Agency.id
    )
    if not include_inactive:
        stmt = stmt.where(Agency.active.is_(True))
    return [AgencyOption(*row) for row in session.execute(stmt)]
