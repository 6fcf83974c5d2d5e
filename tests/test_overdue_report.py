"""The overdue report (CONTRACT.md): a small hand-made ledger, the expected CSV by hand.

The ledger straddles the end of 2026, the last year the installed ``holidays`` publishes, so
one due date is provisional (DOMAIN.md's example: sent 2026-12-29, due 2027-01-06). It is
loaded through the importer with "today" pinned after those dates.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import select

from data_access.commands.base import SYSTEM
from data_access.db import read_session, write_session
from data_access.importing import import_agencies, import_referrals, read_table
from data_access.models import Agency, Referral
from data_access.queries.overdue import overdue_acknowledgements, overdue_csv
from data_access.rulebook import load_rules
from rules import deadlines

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = date(2027, 1, 12)
IMPORTED_ON = date(2027, 2, 1)

POLICE = "市公安局"

# The ledger as the file an agency would import (the importer's own headers).
LEDGER_CSV = (
    "移送编号,案件名称,移送单位,接收单位,移送日期,涉嫌犯罪,受理告知日期,受理结果\n"
    # Sent Tue 2026-12-01: 5 working days -> Tue 12-08. Never answered: 35 days late.
    "YS-2026-000211,案件211,青山镇,市住房和城乡建设局,2026-12-01,否,,\n"
    # Same due date, answered only after the as-of day: still unanswered on 01-12.
    "YS-2026-000204,案件204,河西街道,市市场监督管理局,2026-12-01,否,2027-01-20,受理\n"
    "YS-2026-000203,案件203,青山镇,市市场监督管理局,2026-12-01,否,,\n"
    # Answered late but before the as-of day (any outcome counts): not on the report.
    "YS-2026-000205,案件205,青山镇,市住房和城乡建设局,2026-12-01,否,2026-12-20,受理\n"
    "YS-2026-000206,案件206,河西街道,市住房和城乡建设局,2026-12-01,否,2027-01-05,退回\n"
    "YS-2026-000207,案件207,河西街道,市市场监督管理局,2026-12-01,否,2026-12-09,不予受理\n"
    # Suspected crime, 3 calendar days: Thu 12-03 + 3 = Sun 12-06 -> Mon 12-07: 36 days late.
    "YS-2026-000201,案件201,青山镇,市公安局,2026-12-03,是,,\n"
    # Suspected crime: Fri 12-25 + 3 = Mon 12-28, a working day: 15 days late.
    "YS-2026-000202,案件202,河西街道,市公安局,2026-12-25,是,,\n"
    # Suspected crime: Thu 12-31 + 3 = Sun 2027-01-03 -> Mon 01-04 (2027 provisional): 8 late.
    "YS-2026-000208,案件208,青山镇,市公安局,2026-12-31,是,,\n"
    # DOMAIN's example: Tue 12-29 + 5 working days over New Year -> 2027-01-06, provisional.
    "YS-2026-000209,案件209,河西街道,市住房和城乡建设局,2026-12-29,否,,\n"
    # Mon 2027-01-04 + 5 -> Mon 01-11: one day late on 01-12.
    "YS-2027-000001,案件001,青山镇,市市场监督管理局,2027-01-04,否,,\n"
    # Tue 01-05 + 5 -> Tue 01-12: due on the as-of day itself, so still on time.
    "YS-2027-000002,案件002,河西街道,市市场监督管理局,2027-01-05,否,,\n"
    # Sent after the as-of day.
    "YS-2027-000003,案件003,青山镇,市住房和城乡建设局,2027-01-15,否,,\n"
)

EXPECTED_CSV = (
    "移送编号,接收单位,移送单位,移送日期,受理告知期限,超期天数,期限性质\n"
    "YS-2026-000201,市公安局,青山镇,2026-12-03,2026-12-07,36,正式\n"
    "YS-2026-000203,市市场监督管理局,青山镇,2026-12-01,2026-12-08,35,正式\n"
    "YS-2026-000204,市市场监督管理局,河西街道,2026-12-01,2026-12-08,35,正式\n"
    "YS-2026-000211,市住房和城乡建设局,青山镇,2026-12-01,2026-12-08,35,正式\n"
    "YS-2026-000202,市公安局,河西街道,2026-12-25,2026-12-28,15,正式\n"
    "YS-2026-000208,市公安局,青山镇,2026-12-31,2027-01-04,8,暂定\n"
    "YS-2026-000209,市住房和城乡建设局,河西街道,2026-12-29,2027-01-06,6,暂定\n"
    "YS-2027-000001,市市场监督管理局,青山镇,2027-01-04,2027-01-11,1,暂定\n"
)


def load_ledger(engine) -> None:
    with write_session(engine) as session:
        import_agencies(session, SYSTEM, read_table(FIXTURES / "agencies.csv"))
        import_referrals(session, SYSTEM, read_table(LEDGER_CSV.encode("utf-8"), "ledger.csv"), today=IMPORTED_ON)


def test_stored_due_dates_are_the_rules_due_dates(empty_db):
    load_ledger(empty_db)
    with read_session(empty_db) as session:
        settings, cal = load_rules(session)
        for r in session.scalars(select(Referral)):
            due = deadlines.ack_due(r.sent_on, criminal=r.criminal, cal=cal, s=settings)
            assert (r.ack_due_on, r.ack_due_provisional) == (due.on, due.provisional), r.number


def test_report_rows_in_process(empty_db):
    load_ledger(empty_db)
    with read_session(empty_db) as session:
        rows = overdue_acknowledgements(session, AS_OF)
        police = session.scalar(select(Agency.id).where(Agency.name == POLICE))
        only_police = overdue_acknowledgements(session, AS_OF, agency_id=police)
        on_the_due_day = overdue_acknowledgements(session, date(2026, 12, 8))
        a_day_later = overdue_acknowledgements(session, date(2026, 12, 9))
    assert overdue_csv(rows) == EXPECTED_CSV
    assert [r.number for r in only_police] == ["YS-2026-000201", "YS-2026-000202", "YS-2026-000208"]
    assert all(r.criminal for r in only_police)
    # 12-08 is the due day of the 12-01 referrals: on time that day, late the next.
    assert [r.number for r in on_the_due_day] == ["YS-2026-000201"]
    assert [(r.number, r.days_late) for r in a_day_later] == [
        ("YS-2026-000201", 2),
        ("YS-2026-000203", 1), ("YS-2026-000204", 1), ("YS-2026-000205", 1),
        ("YS-2026-000206", 1), ("YS-2026-000211", 1),
    ]  # 000207 was declined on 12-09 itself: answered on that day, so not late


def test_report_overdue_command_prints_exactly_the_expected_csv(empty_db):
    load_ledger(empty_db)
    env = {**os.environ, "DATABASE_URL": empty_db.url.render_as_string(hide_password=False)}
    done = subprocess.run(
        [sys.executable, "-m", "data_access", "report", "overdue", "--as-of", AS_OF.isoformat(),
         "--format", "csv"],
        cwd=ROOT, env=env, capture_output=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == EXPECTED_CSV.encode("utf-8")  # UTF-8, \n line ends, no BOM
    assert done.stderr == b""
