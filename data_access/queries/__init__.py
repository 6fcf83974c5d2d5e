"""Reads: every query the pages and the command line share, aggregated in SQL.

:func:`generation` is the cache key of every cached read: the id of the newest audit row.
Every write command appends an audit row in its own transaction, so the number moves with
every committed change and a cached figure can never outlive the data it was computed from.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.models import AuditEntry


def generation(session: Session) -> int:
    """The id of the newest audit row, 0 on an empty database."""
    return session.execute(select(func.max(AuditEntry.id))).scalar() or 0
