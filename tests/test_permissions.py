"""The whole permission matrix, walked through the commands.

For every action of ``rules.permissions.MATRIX``, every role, and both an agency of the
user's own and another one, the test performs the action through its real command:
- allowed by the matrix → it succeeds;
- refused → ``PermissionDenied`` with a plain message (Chinese and English), and nothing at
  all is written: every table and the audit trail hold exactly the rows they held before.

``PERFORMERS`` maps each action to how it is done: ``setup`` prepares what the action needs
(as the office, e.g. a referral sent to the agency that will acknowledge it) and returns
the ids it made; ``run`` performs the action as the user under test. An action whose
command does not exist yet goes in ``PENDING`` (printed by the test) instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
import itertools
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from data_access.commands import admin, users
from data_access.commands.base import Actor, PermissionDenied
from data_access.db import read_session, write_session
from data_access.models import Base
from rules import permissions
from tests.support import admin_world

ROOT = Path(__file__).resolve().parent.parent
TODAY = date.today()
# The user acting in each role (see tests/support/admin_world.py): the office belongs to the
# justice bureau, the head and the clerk to town A, the chair and the observer to no agency.
ROLE_USERS = {"office": "admin", "chair": "chair", "head": "head_a", "clerk": "clerk_a", "observer": "viewer"}

#: Actions whose command is not written yet (filled in as the commands land).
PENDING: list[str] = []


@dataclass(frozen=True)
class Target:
    """Where the action is aimed: ``agency`` is the agency concerned (own or other), and
    ``partner`` a second agency that is never the user's own."""

    agency: int
    partner: int


@dataclass(frozen=True)
class Performer:
    run: Callable[[Actor, Target, dict], object]
    setup: Callable[[Actor, Target], dict] | None = None


_serial = itertools.count(1)


def _n() -> int:
    """A fresh number, so that repeated cases never collide on a unique name or re-save
    the same value (which would change nothing and so write no audit row)."""
    return next(_serial)


# ----------------------------------------------------------------------------- the performers
def _referrals():
    from data_access.commands import referrals as r

    def draft(office, sender, receiver, days_ago=3):
        return r.create_referral(office, title="权限测试移送", from_agency_id=sender, to_agency_id=receiver,
                                 discovered_on=TODAY - timedelta(days=days_ago), domain="城镇管理",
                                 approved_by="张三", send=False).id

    def sent(office, sender, receiver):
        rid = draft(office, sender, receiver)
        r.send_referral(office, rid, sent_on=TODAY - timedelta(days=2), approved_by="张三", expected_version=None)
        return rid

    def accepted(office, sender, receiver):
        rid = sent(office, sender, receiver)
        r.acknowledge_referral(office, rid, outcome="accepted", ack_on=TODAY - timedelta(days=1), expected_version=None)
        return rid

    def reported(office, sender, receiver):
        rid = accepted(office, sender, receiver)
        r.report_result(office, rid, result_on=TODAY, summary="已依法处理", expected_version=None)
        return rid

    return {
        "referral.create": Performer(
            run=lambda a, t, c: r.create_referral(a, title="权限测试移送", from_agency_id=t.agency,
                                                  to_agency_id=t.partner, discovered_on=TODAY - timedelta(days=1),
                                                  domain="城镇管理", approved_by="张三", send=False)),
        "referral.send": Performer(
            setup=lambda o, t: {"id": draft(o, t.agency, t.partner)},
            run=lambda a, t, c: r.send_referral(a, c["id"], sent_on=TODAY, approved_by="张三", expected_version=None)),
        "referral.acknowledge": Performer(
            setup=lambda o, t: {"id": sent(o, t.partner, t.agency)},
            run=lambda a, t, c: r.acknowledge_referral(a, c["id"], outcome="accepted", ack_on=TODAY, expected_version=None)),
        "referral.report_result": Performer(
            setup=lambda o, t: {"id": accepted(o, t.partner, t.agency)},
            run=lambda a, t, c: r.report_result(a, c["id"], result_on=TODAY, summary="已依法处理", expected_version=None)),
        "referral.close": Performer(
            setup=lambda o, t: {"id": reported(o, t.agency, t.partner)},
            run=lambda a, t, c: r.close_referral(a, c["id"], closed_on=TODAY, expected_version=None)),
    }


def _assistance():
    from data_access.commands import assistance as x

    return {
        "assist.create": Performer(
            run=lambda a, t, c: x.request_assistance(a, kind="opinion", subject="权限测试协作", from_agency_id=t.agency,
                                                     to_agency_id=t.partner, requested_on=TODAY)),
        "assist.answer": Performer(
            setup=lambda o, t: {"id": x.request_assistance(o, kind="opinion", subject="权限测试协作",
                                                           from_agency_id=t.partner, to_agency_id=t.agency,
                                                           requested_on=TODAY - timedelta(days=1)).id},
            run=lambda a, t, c: x.answer_assistance(a, c["id"], answered_on=TODAY, answer="书面意见已出具", expected_version=None)),
    }


def _disputes():
    from data_access.commands import disputes as d

    def raised(office, t):
        return {"id": d.raise_dispute(office, subject="权限测试争议", party_ids=[t.agency, t.partner],
                                      opened_on=TODAY - timedelta(days=5)).id}

    return {
        "dispute.raise": Performer(
            run=lambda a, t, c: d.raise_dispute(a, subject="权限测试争议", party_ids=[t.agency, t.partner],
                                                opened_on=TODAY)),
        "dispute.advance": Performer(
            setup=raised, run=lambda a, t, c: d.advance_dispute(a, c["id"], on=TODAY, note="双方协商", expected_version=None)),
        "dispute.resolve": Performer(
            setup=raised,
            run=lambda a, t, c: d.resolve_dispute(a, c["id"], resolved_on=TODAY, outcome="由甲方负责",
                                                  responsible_agency_id=t.agency, expected_version=None)),
    }


def _operations():
    from data_access.commands import operations as op

    return {
        "operation.create": Performer(
            run=lambda a, t, c: op.create_operation(a, title="权限测试行动", mechanism="emergency", lead_agency_id=t.agency,
                                                    participant_ids=[t.partner], start_on=TODAY)),
        "operation.decide": Performer(
            setup=lambda o, t: {"id": op.create_operation(o, title="权限测试专项", mechanism="special",
                                                          lead_agency_id=t.agency, participant_ids=[t.partner],
                                                          start_on=TODAY + timedelta(days=7),
                                                          applied_on=TODAY).id},
            run=lambda a, t, c: op.decide_operation(a, c["id"], approve=True, decided_on=TODAY, expected_version=None)),
    }


def _meetings():
    from data_access.commands import decisions as dc
    from data_access.commands import meetings as m

    def meeting(office, t, *, days=20):
        return m.schedule_meeting(office, held_on=TODAY + timedelta(days=days), kind="ad_hoc").id

    def with_item(office, t, days=20):
        mid = meeting(office, t, days=days)
        item = m.submit_agenda_item(office, mid, title="权限测试议题", kind="policy", submitting_agency_id=t.agency)
        return {"meeting": mid, "item": item.id}

    def approved(office, t, days=20):
        ids = with_item(office, t, days)
        m.review_agenda_item(office, ids["item"], "approved", expected_version=None)
        m.approve_agenda(office, ids["meeting"], expected_version=None)
        return ids

    def decision(office, t):
        ids = approved(office, t, days=0)  # held today, so the decision can be done today
        m.start_session(office, ids["meeting"], confirm_date=True, expected_version=None)
        ids["decision"] = dc.record_decision(office, ids["meeting"], text="限期整改", lead_agency_id=t.agency,
                                             co_agency_ids=[t.partner], due_on=TODAY + timedelta(days=30), expected_version=None).id
        return ids

    return {
        "meeting.schedule": Performer(
            run=lambda a, t, c: m.schedule_meeting(a, held_on=TODAY + timedelta(days=25), kind="ad_hoc")),
        "agenda.submit": Performer(
            setup=lambda o, t: {"meeting": meeting(o, t)},
            run=lambda a, t, c: m.submit_agenda_item(a, c["meeting"], title="权限测试议题", kind="policy",
                                                     submitting_agency_id=t.agency)),
        "agenda.review": Performer(
            setup=with_item, run=lambda a, t, c: m.review_agenda_item(a, c["item"], "approved", expected_version=None)),
        # Three days before the meeting is past its cut-off: the item is late.
        "agenda.admit_late": Performer(
            setup=lambda o, t: with_item(o, t, days=3),
            run=lambda a, t, c: m.review_agenda_item(a, c["item"], "approved", expected_version=None)),
        "agenda.unlock": Performer(
            setup=approved, run=lambda a, t, c: m.unlock_agenda(a, c["meeting"], reason="权限测试", expected_version=None)),
        "meeting.run": Performer(
            setup=approved, run=lambda a, t, c: m.start_session(a, c["meeting"], confirm_date=True, expected_version=None)),
        "attendance.record": Performer(
            setup=approved,
            run=lambda a, t, c: m.record_attendance(a, c["meeting"], {t.agency: "present"}, expected_version=None)),
        "decision.record": Performer(
            setup=lambda o, t: (lambda ids: (m.start_session(o, ids["meeting"], confirm_date=True, expected_version=None), ids)[1])(approved(o, t)),
            run=lambda a, t, c: dc.record_decision(a, c["meeting"], text="限期整改", lead_agency_id=t.agency,
                                                   due_on=TODAY + timedelta(days=30), expected_version=None)),
        "decision.progress": Performer(
            setup=decision,
            run=lambda a, t, c: dc.post_progress(a, c["decision"], note="已完成一半", agency_id=t.agency)),
        "decision.complete": Performer(
            setup=decision, run=lambda a, t, c: dc.complete_decision(a, c["decision"], evidence="整改报告", done_on=TODAY, expected_version=None)),
    }


def _administration():
    from data_access.queries.audit import AuditFilter, audit_page

    def read_audit(actor):
        with read_session() as session:
            return audit_page(session, actor, AuditFilter())

    return {
        "admin.users": Performer(
            run=lambda a, t, c: users.create_user(a, f"perm_user_{_n()}", "observer", None, "perm-test-pw")),
        "admin.agencies": Performer(
            run=lambda a, t, c: admin.add_agency(a, name=f"权限测试单位{_n()}", kind="department")),
        "admin.calendar": Performer(
            run=lambda a, t, c: admin.save_calendar_year(a, 2099, rest_days=f"2099-03-{_n() % 28 + 1:02d}",
                                   working_days="", confirmed=True, expected_version=None)),
        "admin.settings": Performer(
            run=lambda a, t, c: admin.save_rule_settings(a, {"dispute_stall_days": 30 + _n()}, expected_version=None)),
        "import.ledger": Performer(run=lambda a, t, c: _import_agencies(a)),
        "audit.view": Performer(run=lambda a, t, c: read_audit(a)),
        "report.publish": Performer(run=lambda a, t, c: _publish_year(a)),
    }


def _reminders():
    from data_access.commands import notify

    def channel(actor, target):
        return {"url": f"mailto://127.0.0.1:2525?from=jm@example.cn&to=p{_n()}@example.cn"}

    return {
        "notify.channels": Performer(
            setup=channel, run=lambda a, t, c: notify.add_channel(a, t.agency, c["url"])),
        "notify.send": Performer(run=lambda a, t, c: notify.set_product_url(a, f"https://jm{_n()}.example.cn")),
        "notice.seen": Performer(
            run=lambda a, t, c: notify.mark_notices_seen(a, on=TODAY - timedelta(days=_n() % 30))),
    }


def _publish_year(actor):
    from data_access.commands.reports import publish_report

    n = _n()  # a past month of its own each time: a period is published once
    year, month = 2000 + (n // 12) % 20, n % 12 + 1
    last_day = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1))
    return publish_report(actor, f"{year}-{month:02d}", last_day)


def _import_agencies(actor):
    from data_access import importing

    rows = importing.read_table(f"单位名称,单位类型\n导入单位{_n()},部门\n".encode(), "agencies.csv")
    with write_session() as session:
        return importing.import_agencies(session, actor, rows)


def _responsibility_list():
    """The list, the office-only dispute stages, attachments and dispatch (issue 15)."""
    from data_access.commands import attachments as att
    from data_access.commands import disputes as d
    from data_access.commands import operations as op
    from data_access.commands import referrals as r
    from data_access.commands import responsibilities as rs
    from data_access.commands.dispatch import record_dispatch
    from data_access.models import Agency
    from data_access.responsibilities import import_responsibilities
    from data_access import importing

    pdf = b"%PDF-1.4\n%%EOF\n"

    def at_stage(office, t, moves):
        did = d.raise_dispute(office, subject="权限测试争议", party_ids=[t.agency, t.partner],
                              opened_on=TODAY - timedelta(days=5)).id
        for _ in range(moves):
            d.advance_dispute(office, did, on=TODAY - timedelta(days=1), note="推进", expected_version=None)
        return {"id": did}

    def referral(office, t):
        return r.create_referral(office, title="权限测试移送", from_agency_id=t.agency, to_agency_id=t.partner,
                                 discovered_on=TODAY - timedelta(days=1), domain="城镇管理", approved_by="张三",
                                 send=False).id

    def with_file(office, t):
        rid = referral(office, t)
        return {"id": att.attach_file(office, "referral", rid, "移送函", "函.pdf", pdf).id}

    def import_list(actor, t, _context):
        with read_session() as session:
            name = session.get(Agency, t.agency).name
        rows = importing.read_table(f"事项名称,责任单位\n权限测试事项{_n()},{name}\n".encode(), "list.csv")
        with write_session() as session:
            return import_responsibilities(session, actor, rows)

    def operation(office, t):
        return {"id": op.create_operation(office, title="权限测试行动", mechanism="emergency",
                                          lead_agency_id=t.partner, participant_ids=[t.agency],
                                          start_on=TODAY).id}

    return {
        "responsibility.import": Performer(run=import_list),
        "responsibility.edit": Performer(
            run=lambda a, t, c: rs.create_responsibility(a, f"权限测试事项{_n()}", t.agency)),
        "dispute.recommend": Performer(
            setup=lambda o, t: at_stage(o, t, 2),
            run=lambda a, t, c: d.advance_dispute(a, c["id"], on=TODAY, note="书面建议", expected_version=None)),
        "dispute.rule": Performer(
            setup=lambda o, t: at_stage(o, t, 4),
            run=lambda a, t, c: rs.record_ruling(a, c["id"], TODAY, "由甲方负责", t.agency, expected_version=None)),
        "attachment.add": Performer(
            setup=lambda o, t: {"id": referral(o, t)},
            run=lambda a, t, c: att.attach_file(a, "referral", c["id"], "移送函", "函.pdf", pdf)),
        "attachment.download": Performer(
            setup=with_file, run=lambda a, t, c: att.download_attachment(a, c["id"])),
        "operation.dispatch": Performer(
            setup=operation, run=lambda a, t, c: record_dispatch(a, c["id"], t.agency, TODAY)),
    }


def _performers() -> dict[str, Performer]:
    found: dict[str, Performer] = {}
    for group in (_referrals, _assistance, _disputes, _operations, _meetings, _administration, _reminders,
                  _responsibility_list):
        try:
            found.update(group())
        except ImportError:
            pass  # its module is not written yet: its actions count as pending
    return found


PERFORMERS = _performers()
PENDING.extend(a for a in permissions.MATRIX if a not in PERFORMERS)


# ----------------------------------------------------------------------------- the walk
def _counts() -> dict[str, int]:
    """The number of rows in every table (one query)."""
    tables = list(Base.metadata.tables.items())
    query = select(*(select(func.count()).select_from(t).scalar_subquery().label(n) for n, t in tables))
    with read_session() as session:
        return dict(session.execute(query).one()._mapping)


def _targets(world, actor: Actor) -> dict[str, Target]:
    """An agency of the user's own (their agency, or town A for users without one) and
    another one, each with a partner agency that is neither."""
    ids = world.agencies
    own = actor.agency_id or ids["town_a"]
    other = next(i for k, i in ids.items() if i != own and k in ("housing", "town_b"))

    def partner(aimed):
        return next(i for i in ids.values() if i not in (aimed, actor.agency_id))

    return {"own": Target(own, partner(own)), "other": Target(other, partner(other))}


def _expect_allowed(role: str, action: str, actor: Actor, target: Target) -> bool:
    scope = permissions.scope_for(role, action)
    if scope is None:
        return False
    return scope == permissions.ANY or actor.agency_id == target.agency


@pytest.fixture
def world(empty_db):
    return admin_world.build()


def test_pending_actions_are_listed():
    print(f"\nPENDING (no command yet): {PENDING or 'none'}")
    assert set(PENDING) | set(PERFORMERS) == set(permissions.MATRIX)


@pytest.mark.parametrize("action", [a for a in permissions.MATRIX if a in PERFORMERS])
def test_matrix(world, action):
    performer = PERFORMERS[action]
    office = world.users["admin"]
    outcomes = []
    for role in permissions.ROLES:
        actor = world.users[ROLE_USERS[role]]
        for where, target in _targets(world, actor).items():
            context = performer.setup(office, target) if performer.setup else {}
            allowed = _expect_allowed(role, action, actor, target)
            before = _counts()
            if allowed:
                try:
                    performer.run(actor, target, context)
                except PermissionDenied as exc:  # pragma: no cover - reported with the case
                    pytest.fail(f"{action}: {role} ({where} agency) should be allowed but was refused: {exc.message}")
                after = _counts()
                assert after["audit_log"] > before["audit_log"] or action == "audit.view", (
                    f"{action} by {role} wrote no audit row")
            else:
                with pytest.raises(PermissionDenied) as refused:
                    performer.run(actor, target, context)
                message = refused.value.message
                assert " / " in message and ("无权" in message or "只能" in message), message
                assert _counts() == before, f"{action} refused for {role} ({where}) but something was written"
            outcomes.append((role, where, allowed))
    # Both outcomes occur for every action (the office may always, the observer never).
    assert ("office", "own", True) in outcomes and ("observer", "other", False) in outcomes


def test_permissions_doc_is_generated_from_the_matrix():
    done = subprocess.run([sys.executable, "scripts/permissions_doc.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
    for code in permissions.MATRIX:
        assert f"(`{code}`)" in text
