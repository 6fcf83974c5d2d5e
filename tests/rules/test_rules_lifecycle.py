"""Lifecycles: every allowed change succeeds and every other pair is refused.

The expected edges are written out here by hand from the brief, independently of the
tables in rules/lifecycle.py, and every (current, target) pair of each kind is checked.
"""

from __future__ import annotations

import itertools

import pytest

from rules import lifecycle as lc
from rules.lifecycle import TransitionError, allowed_next, check_initial, check_transition

EXPECTED: dict[str, set[tuple[str, str]]] = {
    "referral": {
        ("draft", "sent"),
        ("sent", "accepted"),
        ("sent", "declined"),
        ("sent", "returned"),
        ("accepted", "reported"),
        ("reported", "closed"),
        ("declined", "closed"),
        ("returned", "draft"),
        ("returned", "closed"),
    },
    "dispute": {
        ("joint_handling", "negotiation"),
        ("negotiation", "coordination"),
        ("coordination", "recommendation"),
        ("recommendation", "ruling"),
        ("joint_handling", "resolved"),
        ("negotiation", "resolved"),
        ("coordination", "resolved"),
        ("recommendation", "resolved"),
        ("ruling", "resolved"),
    },
    "assistance": {("open", "answered"), ("open", "withdrawn")},
    "agenda_item": {
        ("submitted", "approved"),
        ("submitted", "deferred"),
        ("submitted", "declined"),
        ("deferred", "submitted"),
        ("deferred", "approved"),
        ("deferred", "declined"),
        ("approved", "deferred"),
    },
    "meeting": {
        ("planned", "collecting"),
        ("collecting", "approved"),
        ("approved", "in_session"),
        ("in_session", "closed"),
        ("planned", "cancelled"),
        ("collecting", "cancelled"),
        ("approved", "cancelled"),
        ("in_session", "cancelled"),
    },
    "decision": {("open", "done"), ("open", "cancelled")},
    "joint_operation": {
        ("applied", "approved"),
        ("applied", "rejected"),
        ("approved", "in_progress"),
        ("in_progress", "finished"),
    },
}

STATUSES: dict[str, tuple[str, ...]] = {
    "referral": ("draft", "sent", "accepted", "declined", "returned", "reported", "closed"),
    "dispute": ("joint_handling", "negotiation", "coordination", "recommendation", "ruling", "resolved"),
    "assistance": ("open", "answered", "withdrawn"),
    "agenda_item": ("submitted", "approved", "deferred", "declined"),
    "meeting": ("planned", "collecting", "approved", "in_session", "closed", "cancelled"),
    "decision": ("open", "done", "cancelled"),
    "joint_operation": ("applied", "approved", "rejected", "in_progress", "finished"),
}


def _all_pairs():
    for kind, codes in STATUSES.items():
        for cur, tgt in itertools.product(codes, codes):
            yield kind, cur, tgt


@pytest.mark.parametrize(("kind", "current", "target"), list(_all_pairs()))
def test_every_pair(kind, current, target):
    if (current, target) in EXPECTED[kind]:
        check_transition(kind, current, target)
        assert target in allowed_next(kind, current)
    else:
        with pytest.raises(TransitionError):
            check_transition(kind, current, target)
        assert target not in allowed_next(kind, current)


def test_status_sets_and_labels_are_complete():
    for kind, codes in STATUSES.items():
        assert tuple(lc.STATUS_LABELS[kind]) == codes
        assert set(lc.TRANSITIONS[kind]) == set(codes)
        for zh, en in lc.STATUS_LABELS[kind].values():
            assert zh and en and zh != en


def test_refusal_message_is_plain_chinese_and_english():
    with pytest.raises(TransitionError) as err:
        check_transition("referral", "sent", "closed")
    msg = str(err.value)
    assert "移送案件不能从“已移送”改为“已办结”" in msg
    assert "已受理、不予受理、退回" in msg
    assert "cannot go from “Sent” to “Closed”" in msg
    assert isinstance(err.value, ValueError)


def test_final_status_message():
    with pytest.raises(TransitionError, match="最终状态.*final status"):
        check_transition("referral", "closed", "draft")


def test_unknown_kind_and_status():
    with pytest.raises(TransitionError, match="Unknown kind"):
        allowed_next("case", "draft")
    with pytest.raises(TransitionError, match="no status 'lost'"):
        check_transition("referral", "sent", "lost")
    with pytest.raises(TransitionError):
        allowed_next("referral", "lost")


def test_allowed_next_returns_tuples():
    assert allowed_next("referral", "sent") == ("accepted", "declined", "returned")
    assert allowed_next("referral", "closed") == ()
    assert allowed_next("dispute", "ruling") == ("resolved",)


def test_dispute_stage_order():
    assert lc.DISPUTE_STAGES == (
        "joint_handling",
        "negotiation",
        "coordination",
        "recommendation",
        "ruling",
        "resolved",
    )
    assert lc.STATUS_LABELS["dispute"]["coordination"][0] == "司法局协调"


@pytest.mark.parametrize(
    ("mechanism", "status", "ok"),
    [
        ("routine", "applied", True),
        ("routine", "approved", True),
        ("special", "applied", True),
        ("special", "approved", False),
        ("emergency", "approved", True),
        ("emergency", "in_progress", False),
        ("routine", "finished", False),
    ],
)
def test_joint_operation_start(mechanism, status, ok):
    if ok:
        check_initial("joint_operation", status, mechanism)
    else:
        with pytest.raises(TransitionError):
            check_initial("joint_operation", status, mechanism)


def test_initial_statuses_for_other_kinds():
    check_initial("referral", "draft")
    check_initial("referral", "sent")
    with pytest.raises(TransitionError, match="cannot start"):
        check_initial("referral", "closed")
    with pytest.raises(TransitionError):
        check_initial("joint_operation", "applied")  # no mechanism given
    check_initial("meeting", "planned")


def test_vocabularies():
    assert lc.ACK_OUTCOMES == {"accepted": "受理", "declined": "不予受理", "returned": "退回"}
    assert lc.DOMAINS[:3] == ("城镇管理", "国土资源", "规划建设")
    assert len(lc.DOMAINS) == 12 and "卫生健康" in lc.DOMAINS
    assert lc.MATERIALS == ("移送函", "现场检查记录", "现场照片", "举报投诉材料", "询问笔录")
    assert lc.AGENCY_KINDS == {"department": "部门", "town": "镇街", "judicial": "司法机关", "coordinator": "牵头单位"}
    assert lc.ROLES["observer"] == "列席观察员" and len(lc.ROLES) == 5
    assert lc.URGENCY == {"normal": "普通", "urgent": "紧急"}
    assert lc.ATTENDANCE == {"present": "出席", "absent": "缺席", "deputised": "委托出席"}
    assert lc.AGENDA_KINDS["decision_followup"] == "议定事项督办" and len(lc.AGENDA_KINDS) == 6
    assert lc.ASSISTANCE_KINDS["onsite"] == "现场协助" and len(lc.ASSISTANCE_KINDS) == 5
    assert {k: v[0] for k, v in lc.JOINT_OP_MECHANISMS.items()} == {
        "routine": "常规启动",
        "special": "专项启动",
        "emergency": "应急启动",
    }
    assert lc.REFERRAL_STATUSES["returned"] == "退回"
    # every code -> Chinese table has an English twin with the same Chinese
    pairs = [
        (lc.AGENCY_KINDS, lc.AGENCY_KIND_LABELS),
        (lc.ROLES, lc.ROLE_LABELS),
        (lc.URGENCY, lc.URGENCY_LABELS),
        (lc.ACK_OUTCOMES, lc.ACK_OUTCOME_LABELS),
        (lc.ATTENDANCE, lc.ATTENDANCE_LABELS),
        (lc.AGENDA_KINDS, lc.AGENDA_KIND_LABELS),
        (lc.ASSISTANCE_KINDS, lc.ASSISTANCE_KIND_LABELS),
    ]
    for zh_table, labels in pairs:
        assert {k: v[0] for k, v in labels.items()} == zh_table


def test_label_helpers():
    assert lc.status_label("referral", "sent") == "已移送"
    assert lc.status_label("referral", "sent", "en") == "Sent"
    assert lc.status_label("referral", "mystery") == "mystery"
    assert lc.label(lc.ROLE_LABELS, "chair", "en") == "Chair"
    assert lc.label(lc.ROLE_LABELS, None) == ""
