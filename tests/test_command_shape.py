"""Every write command, found by walking ``data_access.commands``, has the one shape and
refuses a stale version.

- The shape: ``command(actor, …plain values…, *, expected_version=…, uow=None)``, the version
  required (no default). A public function of a command module either has it or is listed in
  ``NOT_COMMANDS`` with why.
- Staleness: every command that changes an existing record takes ``expected_version`` and,
  given a version the record no longer has, raises ``StaleEdit`` naming who changed it and
  writes nothing; given the current version it is not refused as stale. A command that only
  creates records is listed in ``EXEMPT`` with the reason.

A new command without an entry here fails :func:`test_every_command_is_accounted_for`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

import data_access.commands
from data_access.commands import admin, notify
from data_access.commands import responsibilities as r
from data_access.commands.base import Actor, CommandError, StaleEdit
from data_access.db import read_session, write_session
from data_access.models import (
    Agency,
    AgendaItem,
    AssistanceRequest,
    AuditEntry,
    Decision,
    Dispute,
    JointOperation,
    Meeting,
    NotifyChannel,
    Referral,
    Responsibility,
    User,
)
from rules import lifecycle
from tests.support import admin_world

TODAY = date.today()

#: Modules of ``data_access.commands`` that hold the shared frame, not commands.
FRAME_MODULES = {"base"}

#: Public functions of command modules that are not commands, and why.
NOT_COMMANDS = {
    "users.check_login": "sign-in runs before there is an actor; it writes in the caller's session",
    "users.authenticate": "sign-in (a thin form of check_login)",
    "users.signed_in_user": "reads who a cookie belongs to",
    "users.bootstrap_admin": "start-up step before any actor exists",
    "users.role_code": "turns a role name into its code",
    "meetings.meeting_number": "computes a number inside a command's transaction",
    "admin.agency_history": "reads what names an agency",
    "admin.recompute_deadlines": "a step inside the calendar and settings commands' transactions",
    "admin.parse_day_list": "parses the calendar form's text",
    "admin.format_day_list": "formats dates for the calendar form",
    "admin.calendar_version": "reads the version save_calendar_year checks",
    "admin.settings_version": "reads the version save_rule_settings checks",
    "routing.check_routing": "a check inside create_referral's transaction",
    "attachments.owner_agencies": "names the parties of a record that may see its files",
}

#: Commands that only create records (nothing shown could have gone stale), and why.
EXEMPT = {
    "referrals.create_referral": "creates a new referral",
    "referrals.import_ledger": "a file import, keyed by number and name; refuses a changed row itself",
    "assistance.request_assistance": "creates a new request",
    "disputes.raise_dispute": "creates a new dispute",
    "operations.create_operation": "creates a new operation",
    "meetings.schedule_meeting": "creates a new meeting",
    "meetings.schedule_regular_meetings": "creates new meetings",
    "meetings.submit_agenda_item": "adds a new item while the call for items is open (members submit at once)",
    "decisions.post_progress": "adds a new progress note; the decision itself does not change",
    "admin.add_agency": "creates a new agency",
    "users.create_user": "creates a new account",
    "users.change_own_password": "the user's own account, guarded by the current password",
    "users.set_language": "a personal preference: the latest choice is the one wanted",
    "users.record_logout": "ends the user's sessions; nothing shown is overwritten",
    "notify.add_channel": "adds a new notification address",
    "notify.set_agency_channels": "the agencies import's addresses, added to those registered",
    "notify.test_channel": "sends a test message; the channel itself does not change",
    "notify.set_product_url": "the product's own address, one value: the latest entry is the one wanted",
    "notify.mark_notices_seen": "the user's own reading mark",
    "reports.publish_report": "creates the period's report; a period already published is refused",
    "responsibilities.create_responsibility": "creates a new entry of the list",
    "attachments.attach_file": "adds a new file to a record",
    "attachments.download_attachment": "reads a file (and audits the download); nothing changes",
    "dispatch.record_dispatch": "records an agency's dispatch once; a second is refused",
}


def _commands() -> dict[str, Callable]:
    found = {}
    for info in pkgutil.iter_modules(data_access.commands.__path__):
        if info.name in FRAME_MODULES:
            continue
        module = importlib.import_module(f"data_access.commands.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                found[f"{info.name}.{name}"] = fn
    return found


COMMANDS = {k: f for k, f in _commands().items() if k not in NOT_COMMANDS}


def test_commands_are_found():
    # The walk itself works: the well-known commands are among those it found.
    assert {"referrals.acknowledge_referral", "meetings.approve_agenda", "admin.save_rule_settings",
            "users.reset_password"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_the_one_shape(name):
    params = list(inspect.signature(COMMANDS[name]).parameters.values())
    assert params[0].name == "actor", f"{name}: the actor comes first"
    by_name = {p.name: p for p in params}
    assert "session" not in by_name, f"{name}: takes a unit of work (uow), not a session"
    assert by_name.get("uow") is not None, f"{name}: takes an optional unit of work"
    assert by_name["uow"].kind is inspect.Parameter.KEYWORD_ONLY and by_name["uow"].default is None
    if "expected_version" in by_name:
        assert by_name["expected_version"].kind is inspect.Parameter.KEYWORD_ONLY
        # Required: a caller that forgets the version it showed fails at once; scripts that
        # mean "no stale check" say so with expected_version=None.
        assert by_name["expected_version"].default is inspect.Parameter.empty, \
            f"{name}: expected_version must be required"


def test_every_command_is_accounted_for():
    versioned = {k for k, f in COMMANDS.items() if "expected_version" in inspect.signature(f).parameters}
    unversioned = set(COMMANDS) - versioned
    assert unversioned == set(EXEMPT), "a command without expected_version must be listed as exempt, with why"
    assert versioned == set(STALE_CASES), "every versioned command needs a stale case below"
    assert set(NOT_COMMANDS) <= set(_commands())


# ----------------------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    """``setup(office, world)`` builds the record and returns a context holding its current
    ``version``; ``run(office, world, ctx, version)`` performs the command showing ``version``."""

    setup: Callable[[Actor, admin_world.World], dict]
    run: Callable[[Actor, admin_world.World, dict, int], object]


def _version(model, record_id) -> int:
    with read_session() as s:
        return s.get(model, record_id).version


def _a(w):
    return w.agencies["town_a"]


def _b(w):
    return w.agencies["town_b"]


def _referral_cases():
    from data_access.commands import referrals as r

    def draft(o, w):
        rid = r.create_referral(o, title="版本测试移送", from_agency_id=_a(w), to_agency_id=_b(w),
                                discovered_on=TODAY - timedelta(days=3), domain="城镇管理", approved_by="张三",
                                send=False).id
        return {"id": rid, "version": _version(Referral, rid)}

    def sent(o, w):
        ctx = draft(o, w)
        r.send_referral(o, ctx["id"], sent_on=TODAY - timedelta(days=2), approved_by="张三", expected_version=None)
        return {"id": ctx["id"], "version": _version(Referral, ctx["id"])}

    def accepted(o, w):
        ctx = sent(o, w)
        r.acknowledge_referral(o, ctx["id"], outcome="accepted", ack_on=TODAY - timedelta(days=1), expected_version=None)
        return {"id": ctx["id"], "version": _version(Referral, ctx["id"])}

    def reported(o, w):
        ctx = accepted(o, w)
        r.report_result(o, ctx["id"], result_on=TODAY, summary="已依法处理", expected_version=None)
        return {"id": ctx["id"], "version": _version(Referral, ctx["id"])}

    return {
        "referrals.send_referral": Case(draft, lambda o, w, c, v: r.send_referral(
            o, c["id"], sent_on=TODAY, approved_by="张三", expected_version=v)),
        "referrals.acknowledge_referral": Case(sent, lambda o, w, c, v: r.acknowledge_referral(
            o, c["id"], outcome="accepted", ack_on=TODAY, expected_version=v)),
        "referrals.report_result": Case(accepted, lambda o, w, c, v: r.report_result(
            o, c["id"], result_on=TODAY, summary="已处理", expected_version=v)),
        "referrals.close_referral": Case(reported, lambda o, w, c, v: r.close_referral(
            o, c["id"], closed_on=TODAY, expected_version=v)),
        "referrals.revise_referral": Case(draft, lambda o, w, c, v: r.revise_referral(
            o, c["id"], title="版本测试移送（改）", to_agency_id=_b(w), discovered_on=TODAY - timedelta(days=3),
            domain="城镇管理", approved_by="张三", expected_version=v)),
    }


def _workflow_cases():
    from data_access.commands import assistance as x
    from data_access.commands import disputes as d
    from data_access.commands import operations as op

    def request(o, w):
        rid = x.request_assistance(o, kind="opinion", subject="版本测试协作", from_agency_id=_a(w),
                                   to_agency_id=_b(w), requested_on=TODAY - timedelta(days=1)).id
        return {"id": rid, "version": _version(AssistanceRequest, rid)}

    def dispute(o, w):
        did = d.raise_dispute(o, subject="版本测试争议", party_ids=[_a(w), _b(w)],
                              opened_on=TODAY - timedelta(days=5)).id
        return {"id": did, "version": _version(Dispute, did)}

    def special(o, w):
        oid = op.create_operation(o, title="版本测试专项", mechanism="special", lead_agency_id=_a(w),
                                  participant_ids=[_b(w)], start_on=TODAY + timedelta(days=7), applied_on=TODAY).id
        return {"id": oid, "version": _version(JointOperation, oid)}

    def emergency(o, w):
        oid = op.create_operation(o, title="版本测试行动", mechanism="emergency", lead_agency_id=_a(w),
                                  participant_ids=[_b(w)], start_on=TODAY).id
        return {"id": oid, "version": _version(JointOperation, oid)}

    def entry(o, w):
        eid = r.create_responsibility(o, "版本测试事项", _a(w)).id
        return {"id": eid, "version": _version(Responsibility, eid)}

    def ruling_stage(o, w):
        ctx = dispute(o, w)
        for _ in lifecycle.DISPUTE_STAGES:  # the office moves it, stage by stage, to the ruling
            with read_session() as s:
                if s.get(Dispute, ctx["id"]).stage == "ruling":
                    break
            d.advance_dispute(o, ctx["id"], on=TODAY, note="推进", expected_version=None)
        return {"id": ctx["id"], "version": _version(Dispute, ctx["id"])}

    return {
        "responsibilities.update_responsibility": Case(entry, lambda o, w, c, v: r.update_responsibility(
            o, c["id"], "版本测试事项（改）", _a(w), expected_version=v)),
        "responsibilities.set_dispute_matters": Case(dispute, lambda o, w, c, v: r.set_dispute_matters(
            o, c["id"], [], expected_version=v)),
        "responsibilities.record_ruling": Case(ruling_stage, lambda o, w, c, v: r.record_ruling(
            o, c["id"], TODAY, "由甲镇负责", _a(w), expected_version=v)),
        "assistance.extend_assistance": Case(request, lambda o, w, c, v: x.extend_assistance(
            o, c["id"], reason="需技术鉴定", expected_version=v)),
        "assistance.answer_assistance": Case(request, lambda o, w, c, v: x.answer_assistance(
            o, c["id"], answered_on=TODAY, answer="书面意见", expected_version=v)),
        "disputes.advance_dispute": Case(dispute, lambda o, w, c, v: d.advance_dispute(
            o, c["id"], on=TODAY, note="双方协商", expected_version=v)),
        "disputes.record_interim_handler": Case(dispute, lambda o, w, c, v: d.record_interim_handler(
            o, c["id"], agency_id=_a(w), expected_version=v)),
        "disputes.resolve_dispute": Case(dispute, lambda o, w, c, v: d.resolve_dispute(
            o, c["id"], resolved_on=TODAY, outcome="由甲镇负责", responsible_agency_id=_a(w), expected_version=v)),
        "operations.decide_operation": Case(special, lambda o, w, c, v: op.decide_operation(
            o, c["id"], approve=True, decided_on=TODAY, expected_version=v)),
        "operations.advance_operation": Case(emergency, lambda o, w, c, v: op.advance_operation(
            o, c["id"], status="in_progress", on=TODAY, expected_version=v)),
    }


def _meeting_cases():
    from data_access.commands import decisions as dc
    from data_access.commands import meetings as m

    def planned(o, w, days=20):
        mid = m.schedule_meeting(o, held_on=TODAY + timedelta(days=days), kind="ad_hoc").id
        return {"id": mid, "version": _version(Meeting, mid)}

    def with_item(o, w, days=20):
        ctx = planned(o, w, days)
        item = m.submit_agenda_item(o, ctx["id"], title="版本测试议题", kind="policy", submitting_agency_id=_a(w)).id
        return {"id": ctx["id"], "item": item, "version": _version(Meeting, ctx["id"]),
                "item_version": _version(AgendaItem, item)}

    def item_approved(o, w, days=20):
        ctx = with_item(o, w, days)
        m.review_agenda_item(o, ctx["item"], "approved", expected_version=None)
        return {**ctx, "version": _version(Meeting, ctx["id"]), "item_version": _version(AgendaItem, ctx["item"])}

    def agenda_approved(o, w, days=20):
        ctx = item_approved(o, w, days)
        m.approve_agenda(o, ctx["id"], expected_version=None)
        return {**ctx, "version": _version(Meeting, ctx["id"]), "item_version": _version(AgendaItem, ctx["item"])}

    def in_session(o, w):
        ctx = agenda_approved(o, w, days=0)  # held today, so a decision can be done today
        m.start_session(o, ctx["id"], expected_version=None)
        return {**ctx, "version": _version(Meeting, ctx["id"]), "item_version": _version(AgendaItem, ctx["item"])}

    def attended(o, w):
        ctx = in_session(o, w)
        m.record_attendance(o, ctx["id"], {_a(w): "present"}, expected_version=None)
        return {**ctx, "version": _version(Meeting, ctx["id"])}

    def item_version(setup):
        return lambda o, w: (lambda ctx: {**ctx, "version": ctx["item_version"]})(setup(o, w))

    def decision(o, w):
        ctx = in_session(o, w)
        did = dc.record_decision(o, ctx["id"], text="限期整改", lead_agency_id=_a(w),
                                 due_on=TODAY + timedelta(days=30), expected_version=None).id
        return {"id": did, "version": _version(Decision, did)}

    return {
        "meetings.update_meeting": Case(planned, lambda o, w, c, v: m.update_meeting(
            o, c["id"], held_on=TODAY + timedelta(days=21), title="版本测试会议", place=None, start_time=None,
            chair_name=None, invitee_ids=[_a(w)], expected_version=v)),
        "meetings.open_agenda_collection": Case(planned, lambda o, w, c, v: m.open_agenda_collection(
            o, c["id"], expected_version=v)),
        "meetings.cancel_meeting": Case(planned, lambda o, w, c, v: m.cancel_meeting(
            o, c["id"], reason="另行安排", expected_version=v)),
        "meetings.review_agenda_item": Case(item_version(with_item), lambda o, w, c, v: m.review_agenda_item(
            o, c["item"], "approved", expected_version=v)),
        "meetings.allot_minutes": Case(item_version(item_approved), lambda o, w, c, v: m.allot_minutes(
            o, c["item"], 25, expected_version=v)),
        "meetings.order_agenda": Case(item_approved, lambda o, w, c, v: m.order_agenda(
            o, c["id"], [c["item"]], expected_version=v)),
        # The version is checked before the suggestion is looked up; with the current one
        # the refusal is that no such suggestion holds (not a stale one).
        "meetings.add_suggested_item": Case(planned, lambda o, w, c, v: m.add_suggested_item(
            o, c["id"], "referrals:0", expected_version=v)),
        "meetings.approve_agenda": Case(item_approved, lambda o, w, c, v: m.approve_agenda(
            o, c["id"], expected_version=v)),
        "meetings.unlock_agenda": Case(agenda_approved, lambda o, w, c, v: m.unlock_agenda(
            o, c["id"], reason="补充议题", expected_version=v)),
        "meetings.start_session": Case(agenda_approved, lambda o, w, c, v: m.start_session(
            o, c["id"], expected_version=v, confirm_date=True)),
        "meetings.select_item": Case(in_session, lambda o, w, c, v: m.select_item(
            o, c["id"], None, expected_version=v)),
        "meetings.stop_session": Case(in_session, lambda o, w, c, v: m.stop_session(
            o, c["id"], expected_version=v)),
        "meetings.record_attendance": Case(agenda_approved, lambda o, w, c, v: m.record_attendance(
            o, c["id"], {_a(w): "present"}, expected_version=v)),
        "meetings.close_meeting": Case(attended, lambda o, w, c, v: m.close_meeting(
            o, c["id"], expected_version=v)),
        "decisions.record_decision": Case(item_version(in_session), lambda o, w, c, v: dc.record_decision(
            o, c["id"], text="限期整改", lead_agency_id=_a(w), due_on=TODAY + timedelta(days=30),
            item_id=c["item"], expected_version=v)),
        "decisions.complete_decision": Case(decision, lambda o, w, c, v: dc.complete_decision(
            o, c["id"], evidence="整改报告", done_on=TODAY, expected_version=v)),
    }


def _admin_cases():
    from data_access.commands import users

    def agency(o, w):
        aid = admin.add_agency(o, name="版本测试单位", kind="department").id
        return {"id": aid, "version": _version(Agency, aid)}

    def inactive_agency(o, w):
        ctx = agency(o, w)
        admin.deactivate_agency(o, ctx["id"], expected_version=None)
        return {"id": ctx["id"], "version": _version(Agency, ctx["id"])}

    def calendar(o, w):
        admin.save_calendar_year(o, 2099, rest_days="2099-03-02", working_days="", confirmed=True, expected_version=None)
        with read_session() as s:
            return {"version": admin.calendar_version(s, 2099)}

    def settings(o, w):
        admin.save_rule_settings(o, {"dispute_stall_days": 45}, expected_version=None)
        with read_session() as s:
            return {"version": admin.settings_version(s)}

    def user(o, w):
        uid = w.users["head_b"].user_id
        return {"id": uid, "version": _version(User, uid)}

    def inactive_user(o, w):
        users.deactivate_user(o, w.users["head_b"].user_id, expected_version=None)
        return user(o, w)

    def channel(o, w):
        cid = notify.add_channel(o, _a(w), "mailto://127.0.0.1:2525?from=jm@example.cn&to=v@example.cn").id
        return {"id": cid, "version": _version(NotifyChannel, cid)}

    return {
        "notify.remove_channel": Case(channel, lambda o, w, c, v: notify.remove_channel(
            o, c["id"], expected_version=v)),
        "admin.edit_agency": Case(agency, lambda o, w, c, v: admin.edit_agency(
            o, c["id"], name="版本测试单位", kind="department", contact="李四", expected_version=v)),
        "admin.set_agency_active": Case(agency, lambda o, w, c, v: admin.set_agency_active(
            o, c["id"], False, expected_version=v)),
        "admin.deactivate_agency": Case(agency, lambda o, w, c, v: admin.deactivate_agency(
            o, c["id"], expected_version=v)),
        "admin.reactivate_agency": Case(inactive_agency, lambda o, w, c, v: admin.reactivate_agency(
            o, c["id"], expected_version=v)),
        "admin.delete_agency": Case(agency, lambda o, w, c, v: admin.delete_agency(
            o, c["id"], expected_version=v)),
        "admin.save_calendar_year": Case(calendar, lambda o, w, c, v: admin.save_calendar_year(
            o, 2099, rest_days="2099-03-03", working_days="", confirmed=True, expected_version=v)),
        "admin.save_rule_settings": Case(settings, lambda o, w, c, v: admin.save_rule_settings(
            o, {"dispute_stall_days": 50}, expected_version=v)),
        "users.reset_password": Case(user, lambda o, w, c, v: users.reset_password(
            o, c["id"], "another-pass-2", expected_version=v)),
        "users.change_role": Case(user, lambda o, w, c, v: users.change_role(
            o, c["id"], role="clerk", agency_id=_b(w), expected_version=v)),
        "users.deactivate_user": Case(user, lambda o, w, c, v: users.deactivate_user(
            o, c["id"], expected_version=v)),
        "users.reactivate_user": Case(inactive_user, lambda o, w, c, v: users.reactivate_user(
            o, c["id"], expected_version=v)),
    }


STALE_CASES: dict[str, Case] = {**_referral_cases(), **_workflow_cases(), **_meeting_cases(), **_admin_cases()}


def _audit_rows() -> int:
    with read_session() as s:
        return s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()


@pytest.fixture
def world(empty_db):
    return admin_world.build()


@pytest.mark.parametrize("name", sorted(STALE_CASES))
def test_a_stale_version_is_refused(world, name):
    case = STALE_CASES[name]
    office = world.users["admin"]
    ctx = case.setup(office, world)
    # Someone else changed the record after the screen showed it: it shows the version before.
    before = _audit_rows()
    with pytest.raises(StaleEdit) as refused:
        case.run(office, world, ctx, ctx["version"] - 1)
    assert "未执行" in refused.value.message and "nothing was overwritten" in refused.value.message
    assert refused.value.text("en") == refused.value.message.en and " / " not in refused.value.text("zh")
    assert _audit_rows() == before, f"{name} refused as stale but wrote an audit row"
    # With the version it has now, the same action is not refused as stale.
    try:
        case.run(office, world, ctx, ctx["version"])
    except StaleEdit as exc:  # pragma: no cover - reported with the case
        pytest.fail(f"{name} refused its current version: {exc.message}")
    except CommandError:
        assert name == "meetings.add_suggested_item", f"{name} refused with the current version"


def test_a_stale_agenda_names_who_changed_it(world):
    """Approving an agenda shown before another user added an item is refused, naming them."""
    from data_access.commands import meetings as m

    office, head = world.users["admin"], world.users["head_a"]
    mid = m.schedule_meeting(office, held_on=TODAY + timedelta(days=20), kind="ad_hoc").id
    first = m.submit_agenda_item(office, mid, title="议题一", kind="policy", submitting_agency_id=_a(world))
    m.review_agenda_item(office, first.id, "approved", expected_version=None)
    shown = _version(Meeting, mid)
    m.submit_agenda_item(head, mid, title="议题二", kind="policy")
    with pytest.raises(StaleEdit) as refused:
        m.approve_agenda(world.users["chair"], mid, expected_version=shown)
    assert "head_a" in refused.value.message
    with read_session() as s:
        assert s.get(Meeting, mid).status == "planned"


def test_commands_compose_in_one_unit_of_work(world):
    """Two commands in the caller's unit of work commit together, or not at all."""
    office = world.users["admin"]
    with write_session() as uow:
        one = admin.add_agency(office, name="组合甲", kind="department", uow=uow)
        admin.edit_agency(office, one.id, name="组合甲", kind="department", contact="王五",
                          expected_version=one.version, uow=uow)
    with read_session() as s:
        assert s.scalars(select(Agency.contact).where(Agency.name == "组合甲")).one() == "王五"
    with pytest.raises(RuntimeError), write_session() as uow:
        admin.add_agency(office, name="组合乙", kind="department", uow=uow)
        raise RuntimeError("the caller fails after the command")
    with read_session() as s:
        assert s.scalars(select(Agency.id).where(Agency.name == "组合乙")).first() is None
