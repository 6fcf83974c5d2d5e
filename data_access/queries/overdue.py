"""Overdue acknowledgements as of a day: CONTRACT.md's "Overdue report".

A referral is on the report for day ``D`` when, on ``D``,
- it had been sent (``sent_on <= D``),
- it had not been answered in writing (no ``ack_on``, or ``ack_on > D``: an answer given
  after ``D`` did not exist yet on ``D``; any outcome counts as the answer), and
- its acknowledgement due date had passed (``ack_due_on < D``; the due day itself is on time).

Each round of a referral returned and sent again is judged on its own (DOMAIN.md, Rounds):
an earlier round, kept in ``referral_rounds``, is on the report of a day on which it was
overdue, before it was answered.

The due date is the stored ``ack_due_on``, which every writer fills from ``rules.deadlines``
(5 working days; 3 calendar days moved to a working day for a suspected crime) through
``data_access.stored_deadlines``; so the filter runs in SQL on that column and only the
rows of the report come back. 超期天数 is ``rules.deadlines.days_late(due, D)``.

The dashboards reuse :func:`overdue_acknowledgements`; the command line prints
:func:`overdue_csv` of it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from data_access.inert import inert
from data_access.models import Agency, Referral, ReferralRound
from rules.deadlines import days_late

#: The report's columns, in CONTRACT.md's order.
CSV_HEADER = ("移送编号", "接收单位", "移送单位", "移送日期", "受理告知期限", "超期天数", "期限性质")

PROVISIONAL_LABELS = {False: "正式", True: "暂定"}


@dataclass(frozen=True)
class OverdueRow:
    referral_id: int
    number: str
    title: str
    to_agency_id: int
    to_agency: str
    from_agency_id: int
    from_agency: str
    sent_on: date
    ack_due_on: date
    days_late: int
    provisional: bool
    criminal: bool
    # Contacts of both parties (DOMAIN.md, Contacts): the page shows whom to call; not in the CSV.
    to_contact: str | None = None
    to_phone: str | None = None
    from_contact: str | None = None
    from_phone: str | None = None

    def csv_values(self) -> tuple:
        return (
            self.number,
            self.to_agency,
            self.from_agency,
            self.sent_on.isoformat(),
            self.ack_due_on.isoformat(),
            self.days_late,
            PROVISIONAL_LABELS[bool(self.provisional)],
        )


def overdue_condition(as_of: date):
    """The SQL filter for "acknowledgement overdue on ``as_of``" (for reuse in counts)."""
    return (
        Referral.ack_due_on < as_of,
        Referral.sent_on <= as_of,
        or_(Referral.ack_on.is_(None), Referral.ack_on > as_of),
    )


class _unindexed(FunctionElement):
    """A column that SQLite must not pick an index for (rendered ``+col`` there, the
    documented way to say so); the column itself elsewhere."""

    inherit_cache = True

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type


@compiles(_unindexed)
def _unindexed_default(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(_unindexed, "sqlite")
def _unindexed_sqlite(element, compiler, **kw):
    return "+" + compiler.process(element.clauses, **kw)


def overdue_acknowledgements(
    session: Session, as_of: date, agency_id: int | None = None
) -> list[OverdueRow]:
    """The overdue acknowledgements on ``as_of``, most days late first, then by number.

    ``agency_id`` keeps only those the given agency must acknowledge (it is the receiver).

    Two reads whose union is exactly :func:`overdue_condition`, split on the status so that
    each runs the fast way at a million rows:
    - still ``sent`` (never answered): the index on (status, ack_due_on) finds them directly;
    - any other status (answered after ``as_of``, or a record with no answer date): one
      sequential pass, which for a filter this broad is far quicker than walking an index
      and fetching the rows one by one (SQLite would otherwise take the index on sent_on).
    Agency names come from one small look-up rather than a join, for the same reason.
    """
    r = Referral
    cols = (r.id, r.number, r.title, r.to_agency_id, r.from_agency_id, r.sent_on,
            r.ack_due_on, r.ack_due_provisional, r.criminal)
    waiting = select(*cols).where(r.status == "sent", *overdue_condition(as_of))
    answered_later = select(*cols).where(
        r.status != "sent",
        _unindexed(r.ack_due_on) < as_of,
        _unindexed(r.sent_on) <= as_of,
        or_(r.ack_on.is_(None), r.ack_on > as_of),
    )
    # An earlier round of a referral sent again (DOMAIN.md, Rounds) was overdue on a day
    # before its late return: it stays on that day's report, with its own dates.
    rr = ReferralRound
    earlier_round = (
        select(rr.referral_id, r.number, r.title, rr.to_agency_id, rr.from_agency_id, rr.sent_on,
               rr.ack_due_on, rr.ack_due_provisional, rr.criminal)
        .join(r, r.id == rr.referral_id)
        .where(rr.ack_due_on < as_of, rr.sent_on <= as_of, or_(rr.ack_on.is_(None), rr.ack_on > as_of))
    )
    if agency_id is not None:
        waiting = waiting.where(r.to_agency_id == agency_id)
        answered_later = answered_later.where(r.to_agency_id == agency_id)
        earlier_round = earlier_round.where(rr.to_agency_id == agency_id)
    found = [*session.execute(waiting), *session.execute(answered_later), *session.execute(earlier_round)]
    if not found:
        return []
    agencies = {a.id: a for a in session.execute(select(Agency.id, Agency.name, Agency.contact, Agency.phone))}
    names = {i: a.name for i, a in agencies.items()}
    none = (None, None, None, None)
    rows = [
        OverdueRow(
            referral_id=rid,
            number=number,
            title=title,
            to_agency_id=to_id,
            to_agency=names.get(to_id, ""),
            from_agency_id=from_id,
            from_agency=names.get(from_id, ""),
            sent_on=sent_on,
            ack_due_on=due,
            days_late=days_late(due, as_of),
            provisional=bool(provisional),
            criminal=bool(criminal),
            to_contact=agencies.get(to_id, none)[2],
            to_phone=agencies.get(to_id, none)[3],
            from_contact=agencies.get(from_id, none)[2],
            from_phone=agencies.get(from_id, none)[3],
        )
        for rid, number, title, to_id, from_id, sent_on, due, provisional, criminal in found
    ]
    # Sorted here rather than in SQL so that the order of numbers does not depend on the
    # database's collation (a PostgreSQL locale may ignore the hyphens).
    rows.sort(key=lambda row: (-row.days_late, row.number))
    return rows


def overdue_csv(rows: Iterable[OverdueRow]) -> str:
    """The report as CSV text: CONTRACT.md's header, one line per row, ``\\n`` line ends."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow([inert(v, csv=True) for v in row.csv_values()])
    return buf.getvalue()
