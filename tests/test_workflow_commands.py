"""Assistance requests, jurisdiction disputes and joint operations: their write commands,
limits, lifecycle, permissions and audit rows — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from data_access import models
from data_access.commands import assistance, disputes, operations
from data_access.commands import referrals as referral_cmd
from data_access.commands.base import PermissionDenied, StaleEdit, ValidationFailed
from data_access.db import read_session
from tests.support.entry_world import CHAIR, OFFICE, TODAY, counts, make_world, valid_referral


@pytest.fixture
def world(empty_db):
    return make_world()


def _get(model, record_id):
    with read_session() as s:
        return s.get(model, record_id)


def _actions(table: str, record_id: int) -> list[str]:
    with read_session() as s:
        return s.execute(
            select(models.AuditEntry.action)
            .where(models.AuditEntry.object_type == table, models.AuditEntry.object_id == str(record_id))
            .order_by(models.AuditEntry.id)
        ).scalars().all()


# --------------------------------------------------------------------------- assistance


def test_assistance_request_extend_and_answer(world):
    town = world.clerk(world.town)
    dept = world.head(world.housing)
    saved = assistance.request_assistance(
        town, kind="appraisal", subject="违建结构安全鉴定", from_agency_id=world.town,
        to_agency_id=world.housing, requested_on=date(2026, 9, 30), today=TODAY,
    )
    assert saved.number == "XZ-2026-0001" and saved.status == "open"
    req = _get(models.AssistanceRequest, saved.id)
    # 3 working days after Wednesday 09-30, across the National Day holiday (10-01..10-07):
    # 10-08, 10-09 and the make-up Saturday 10-10.
    assert req.due_on == date(2026, 10, 10) and req.extended is False

    with pytest.raises(ValidationFailed) as refused:  # announced after the limit: too late
        assistance.extend_assistance(dept, saved.id, reason="需要委托检测机构", today=TODAY, expected_version=1)
    assert "已过" in refused.value.errors["status"]
    within = date(2026, 10, 9)  # before the 10-10 limit
    with pytest.raises(PermissionDenied):  # the asker does not extend the other side's limit
        assistance.extend_assistance(town, saved.id, reason="需要委托检测机构", today=within, expected_version=None)
    extended = assistance.extend_assistance(dept, saved.id, reason="需要委托检测机构", expected_version=1,
                                            today=within)
    req = _get(models.AssistanceRequest, saved.id)
    assert req.extended and req.extension_reason == "需要委托检测机构"
    assert req.due_on == date(2026, 10, 23)  # 10 more working days after 10-10
    with pytest.raises(ValidationFailed) as refused:
        assistance.extend_assistance(dept, saved.id, reason="再延一次", today=within, expected_version=None)
    assert "已经延期过一次" in refused.value.errors["status"]

    with pytest.raises(ValidationFailed) as refused:
        assistance.answer_assistance(dept, saved.id, answered_on=date(2026, 9, 29), answer="", today=TODAY, expected_version=None)
    assert set(refused.value.errors) == {"answered_on", "answer"}
    answered = assistance.answer_assistance(dept, saved.id, answered_on=date(2026, 10, 19),
                                            answer="结构存在安全隐患", expected_version=extended.version,
                                            today=TODAY)
    assert answered.status == "answered"
    with pytest.raises(ValidationFailed) as refused:
        assistance.answer_assistance(dept, saved.id, answered_on=TODAY, answer="再答一次", today=TODAY, expected_version=None)
    assert "不能从“已答复”改为“已答复”" in refused.value.errors["status"]
    assert _actions("assistance_requests", saved.id) == ["assist.create", "assist.extend", "assist.answer"]
    assert assistance.request_assistance(
        OFFICE, kind="opinion", subject="第二件", from_agency_id=world.town, to_agency_id=world.police,
        requested_on=TODAY, today=TODAY,
    ).number == "XZ-2026-0002"


def test_assistance_validation(world):
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        assistance.request_assistance(
            OFFICE, kind="magic", subject="", from_agency_id=world.town, to_agency_id=world.town,
            requested_on=date(2026, 11, 1), today=TODAY,
        )
    assert set(refused.value.errors) == {"kind", "subject", "to_agency_id", "requested_on"}
    with pytest.raises(ValidationFailed) as refused:
        assistance.request_assistance(
            OFFICE, kind="testing", subject="水质检测", from_agency_id=world.town, to_agency_id=world.retired,
            requested_on=TODAY, today=TODAY,
        )
    assert "已停用" in refused.value.errors["to_agency_id"]
    assert counts() == before


# --------------------------------------------------------------------------- disputes


def test_dispute_raise_advance_interim_resolve(world):
    town_head = world.head(world.town)
    sent = referral_cmd.create_referral(OFFICE, **valid_referral(world))
    saved = disputes.raise_dispute(
        town_head, subject="河道旁违建由谁查处", party_ids=[world.town, world.housing], opened_on=date(2026, 10, 9),
        kind="gap", referral_number="YS-2026-000001", interim_handler_id=world.town, today=TODAY,
    )
    assert saved.number == "ZY-2026-001" and saved.status == "joint_handling"
    d = _get(models.Dispute, saved.id)
    assert d.referral_id == sent.id and d.interim_handler_id == world.town and d.kind == "gap"
    with read_session() as s:
        parties = s.execute(select(models.DisputeParty.agency_id).where(models.DisputeParty.dispute_id == saved.id)).scalars()
        assert sorted(parties) == sorted([world.town, world.housing])

    with pytest.raises(ValidationFailed) as refused:
        disputes.advance_dispute(town_head, saved.id, on=date(2026, 10, 8), note=" ", today=TODAY, expected_version=None)
    assert set(refused.value.errors) == {"on", "note"}
    with pytest.raises(PermissionDenied):  # not a party
        disputes.advance_dispute(world.head(world.police), saved.id, on=TODAY, note="协商", today=TODAY, expected_version=None)

    stages = ["negotiation", "coordination", "recommendation", "ruling"]
    version = saved.version
    for stage, day in zip(stages, (12, 14, 16, 19)):
        moved = disputes.advance_dispute(
            town_head if stage == "negotiation" else OFFICE, saved.id, on=date(2026, 10, day),
            note=f"进入{stage}", needs_meeting=stage == "coordination", expected_version=version, today=TODAY,
        )
        assert moved.status == stage
        version = moved.version
    with pytest.raises(ValidationFailed) as refused:
        disputes.advance_dispute(OFFICE, saved.id, on=TODAY, note="还想推进", today=TODAY, expected_version=None)
    assert "只能结案" in refused.value.errors["stage"]

    handler = disputes.record_interim_handler(town_head, saved.id, agency_id=world.housing, today=TODAY, expected_version=None)
    assert _get(models.Dispute, saved.id).interim_handler_id == world.housing
    with pytest.raises(PermissionDenied):  # heads do not resolve; the office or chair does
        disputes.resolve_dispute(town_head, saved.id, resolved_on=TODAY, outcome="住建局负责", today=TODAY, expected_version=None)
    with pytest.raises(PermissionDenied):  # at the ruling stage only the office records it (DOMAIN.md)
        disputes.resolve_dispute(CHAIR, saved.id, resolved_on=TODAY, outcome="住建局负责", today=TODAY, expected_version=None)
    resolved = disputes.resolve_dispute(
        OFFICE, saved.id, resolved_on=TODAY, outcome="由住建局负责查处", responsible_agency_id=world.housing,
        expected_version=handler.version, today=TODAY,
    )
    d = _get(models.Dispute, saved.id)
    assert resolved.status == "resolved" and d.resolved_on == TODAY and d.responsible_agency_id == world.housing
    with read_session() as s:
        history = s.execute(
            select(models.DisputeStage.stage, models.DisputeStage.entered_on).where(models.DisputeStage.dispute_id == saved.id)
            .order_by(models.DisputeStage.id)
        ).all()
    assert [h.stage for h in history] == ["joint_handling", *stages, "resolved"]
    assert history[0].entered_on == date(2026, 10, 9)
    with pytest.raises(ValidationFailed) as refused:
        disputes.record_interim_handler(OFFICE, saved.id, agency_id=world.town, today=TODAY, expected_version=None)
    assert "已解决" in refused.value.errors["stage"]
    assert _actions("disputes", saved.id)[0] == "dispute.raise"
    assert _actions("disputes", saved.id)[-1] == "dispute.resolve"


def test_dispute_validation_and_permission(world):
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        disputes.raise_dispute(
            OFFICE, subject="x" * 201, party_ids=[world.town], opened_on=TODAY,
            referral_number="YS-2026-999999", kind="other", today=TODAY,
        )
    assert set(refused.value.errors) == {"subject", "party_ids", "referral_number", "kind"}
    assert "至少要选 2 个" in refused.value.errors["party_ids"]
    assert "找不到移送编号" in refused.value.errors["referral_number"]
    with pytest.raises(PermissionDenied):  # a clerk raises only disputes its own agency is party to
        disputes.raise_dispute(world.clerk(world.police), subject="争议", party_ids=[world.town, world.housing],
                               opened_on=TODAY, today=TODAY)
    assert counts() == before


def test_dispute_stale_edit(world):
    saved = disputes.raise_dispute(OFFICE, subject="争议", party_ids=[world.town, world.housing],
                                   opened_on=date(2026, 10, 1), today=TODAY)
    disputes.advance_dispute(world.head(world.housing), saved.id, on=TODAY, note="协商",
                             expected_version=saved.version, today=TODAY)
    with pytest.raises(StaleEdit) as refused:
        disputes.advance_dispute(OFFICE, saved.id, on=TODAY, note="协商", expected_version=saved.version,
                                 today=TODAY)
    assert f"head{world.housing}" in refused.value.message
    assert _get(models.Dispute, saved.id).stage == "negotiation"


# --------------------------------------------------------------------------- operations


def test_special_operation_limits(world):
    clerk = world.clerk(world.town)
    # Applying on 10-20 for a start on 10-22 is too late: the application was due by 10-19.
    with pytest.raises(ValidationFailed) as refused:
        operations.create_operation(
            clerk, title="河道专项整治", mechanism="special", lead_agency_id=world.town,
            participant_ids=[world.housing], start_on=date(2026, 10, 22), applied_on=TODAY, today=TODAY,
        )
    assert "最迟应于 2026-10-19 提出" in refused.value.errors["start_on"]

    saved = operations.create_operation(
        clerk, title="河道专项整治", mechanism="special", lead_agency_id=world.town,
        participant_ids=[world.housing, world.police, world.town], start_on=date(2026, 10, 23), applied_on=TODAY,
        today=TODAY,
    )
    op = _get(models.JointOperation, saved.id)
    assert saved.number == "LH-2026-001" and saved.status == "applied"
    # The office decides within 2 days of the application: Tuesday 10-20 -> Thursday 10-22.
    assert op.decision_due_on == date(2026, 10, 22) and op.decided_on is None
    with read_session() as s:
        members = s.execute(
            select(models.JointOperationAgency.agency_id, models.JointOperationAgency.notified_on)
            .where(models.JointOperationAgency.operation_id == saved.id)
        ).all()
    assert sorted(m.agency_id for m in members) == sorted([world.housing, world.police])  # not the lead

    with pytest.raises(PermissionDenied):
        operations.decide_operation(clerk, saved.id, approve=True, decided_on=TODAY, today=TODAY, expected_version=None)
    approved = operations.decide_operation(OFFICE, saved.id, approve=True, decided_on=TODAY,
                                           expected_version=saved.version, today=TODAY)
    assert approved.status == "approved"
    with read_session() as s:
        notified = s.execute(
            select(models.JointOperationAgency.notified_on).where(models.JointOperationAgency.operation_id == saved.id)
        ).scalars().all()
    assert notified == [TODAY, TODAY]

    later = date(2026, 10, 25)
    started = operations.advance_operation(clerk, saved.id, status="in_progress", on=date(2026, 10, 23),
                                           today=later, expected_version=None)
    with pytest.raises(ValidationFailed) as refused:
        operations.advance_operation(clerk, saved.id, status="finished", on=later, outcome="", today=later, expected_version=None)
    assert "请填写行动成效" in refused.value.errors["outcome"]
    finished = operations.advance_operation(clerk, saved.id, status="finished", on=later,
                                            outcome="拆除违建3处", expected_version=started.version, today=later)
    assert finished.status == "finished" and _get(models.JointOperation, saved.id).end_on == later
    assert _actions("joint_operations", saved.id) == [
        "operation.create", "operation.decide", "operation.in_progress", "operation.finished"
    ]


def test_emergency_and_routine_operations(world):
    emergency = operations.create_operation(
        OFFICE, title="危化品泄漏应急处置", mechanism="emergency", lead_agency_id=world.police,
        participant_ids=[world.town], start_on=TODAY, today=TODAY,
    )
    op = _get(models.JointOperation, emergency.id)
    assert emergency.status == "approved" and op.decided_on == TODAY and op.decision_due_on is None
    with read_session() as s:
        notified = s.execute(
            select(models.JointOperationAgency.notified_on).where(models.JointOperationAgency.operation_id == emergency.id)
        ).scalars().all()
    assert notified == [TODAY]  # asked to turn out the same day

    routine = operations.create_operation(
        OFFICE, title="月度联合检查", mechanism="routine", lead_agency_id=world.housing,
        participant_ids=[world.town], start_on=date(2026, 11, 2), today=TODAY,
    )
    assert routine.status == "applied" and routine.number == "LH-2026-002"
    rejected = operations.decide_operation(CHAIR, routine.id, approve=False, decided_on=TODAY, today=TODAY, expected_version=None)
    assert rejected.status == "rejected"
    with pytest.raises(ValidationFailed) as refused:
        operations.advance_operation(OFFICE, routine.id, status="in_progress", on=TODAY, today=TODAY, expected_version=None)
    assert "不予批准" in refused.value.errors["status"]


def test_operation_validation(world):
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        operations.create_operation(
            OFFICE, title="", mechanism="whenever", lead_agency_id=world.town, participant_ids=[world.town],
            start_on=date(2026, 10, 19), end_on=date(2026, 10, 18), applied_on=date(2026, 10, 21), today=TODAY,
        )
    errors = refused.value.errors
    assert {"title", "mechanism", "participant_ids", "applied_on", "end_on"} <= set(errors)
    assert "牵头单位以外" in errors["participant_ids"]
    with pytest.raises(PermissionDenied):
        operations.create_operation(
            world.clerk(world.town), title="联合检查", mechanism="routine", lead_agency_id=world.housing,
            participant_ids=[world.town], start_on=date(2026, 11, 2), today=TODAY,
        )
    assert counts() == before
