"""Property tests: arbitrary values thrown at every data-entry write command.

For each command, hypothesis starts from a valid call and replaces a few of its arguments
(sometimes none, sometimes the record id or the acting user) with arbitrary values: text of
any kind, huge or negative numbers, floats, dates far away, lists, dicts, bytes… Whatever
comes in, the command must either succeed — writing exactly one audit row — or refuse with
a :class:`CommandError`, and a refusal must leave every table exactly as it was.
Each example sets up its own subject record, so examples do not depend on one another.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_access.commands import assistance, disputes, operations, referrals
from data_access.commands.base import CommandError
from data_access.db import read_session
from data_access.models import AssistanceRequest, Dispute, JointOperation, Referral
from tests.support.entry_world import CHAIR, OBSERVER, OFFICE, TODAY, World, counts, make_world, valid_referral

ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-2, max_value=8),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=260),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=5),
    st.sampled_from(["", " ", "\x00", "违\n建", "draft", "sent", "accepted", "urgent", "special", "移送函"]),
    st.binary(max_size=8),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.lists(st.one_of(st.integers(min_value=-3, max_value=9), st.text(max_size=4)), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _referral_at(world: World, status: str) -> int:
    """A fresh referral in ``status`` (made through the commands themselves)."""
    draft = status == "draft"
    saved = referrals.create_referral(
        OFFICE, **valid_referral(world, send=not draft, sent_on=None if draft else date(2026, 9, 30))
    )
    if status in ("accepted", "reported"):
        saved = referrals.acknowledge_referral(OFFICE, saved.id, outcome="accepted", ack_on=date(2026, 10, 9),
                                               today=TODAY, expected_version=None)
    if status == "returned":
        saved = referrals.acknowledge_referral(OFFICE, saved.id, outcome="returned", ack_on=date(2026, 10, 9),
                                               reason="材料不全", today=TODAY, expected_version=None)
    if status == "reported":
        saved = referrals.report_result(OFFICE, saved.id, result_on=date(2026, 10, 12), summary="已处理",
                                        today=TODAY, expected_version=None)
    return saved.id


def _request(world: World) -> int:
    return assistance.request_assistance(
        OFFICE, kind="testing", subject="水质检测", from_agency_id=world.town, to_agency_id=world.housing,
        requested_on=date(2026, 10, 16), today=TODAY,  # still within its limit on TODAY (may be extended)
    ).id


def _dispute(world: World) -> int:
    return disputes.raise_dispute(
        OFFICE, subject="职责不清", party_ids=[world.town, world.housing], opened_on=date(2026, 10, 9), today=TODAY
    ).id


def _operation(world: World) -> int:
    return operations.create_operation(
        OFFICE, title="专项整治", mechanism="special", lead_agency_id=world.town, participant_ids=[world.housing],
        start_on=date(2026, 10, 30), applied_on=date(2026, 10, 19), today=TODAY,
    ).id


def _approved_operation(world: World) -> int:
    op = _operation(world)
    operations.decide_operation(OFFICE, op, approve=True, decided_on=TODAY, today=TODAY, expected_version=None)
    return op


@dataclass(frozen=True)
class Spec:
    command: Callable
    model: type | None  # the subject's model, for commands that change a record
    setup: Callable[[World], int] | None
    valid: Callable[[World], dict]


SPECS: dict[str, Spec] = {
    "create_referral": Spec(referrals.create_referral, None, None, lambda w: valid_referral(w)),
    "send_referral": Spec(
        referrals.send_referral, Referral, lambda w: _referral_at(w, "draft"),
        lambda w: dict(sent_on=date(2026, 10, 1), sent_time=time(9, 30), approved_by="李镇长", expected_version=1),
    ),
    "acknowledge_referral": Spec(
        referrals.acknowledge_referral, Referral, lambda w: _referral_at(w, "sent"),
        lambda w: dict(outcome="declined", ack_on=date(2026, 10, 9), reason="不属于本局职责", expected_version=1),
    ),
    "report_result": Spec(
        referrals.report_result, Referral, lambda w: _referral_at(w, "accepted"),
        lambda w: dict(result_on=date(2026, 10, 15), summary="已立案查处", expected_version=2),
    ),
    "close_referral": Spec(
        referrals.close_referral, Referral, lambda w: _referral_at(w, "reported"),
        lambda w: dict(closed_on=date(2026, 10, 16), note="办结", expected_version=3),
    ),
    "revise_referral": Spec(
        referrals.revise_referral, Referral, lambda w: _referral_at(w, "returned"),
        lambda w: dict(title="补正后的案件", to_agency_id=w.police, discovered_on=date(2026, 9, 28),
                       domain="治安管理", urgency="urgent", discovered_time=time(8, 0), criminal=True,
                       materials=["移送函", "询问笔录"], approved_by="李镇长", note="补充材料",
                       send=True, sent_on=date(2026, 10, 12), sent_time=time(9, 0), expected_version=2),
    ),
    "request_assistance": Spec(
        assistance.request_assistance, None, None,
        lambda w: dict(kind="appraisal", subject="结构安全鉴定", from_agency_id=w.town, to_agency_id=w.housing,
                       requested_on=date(2026, 10, 9)),
    ),
    "extend_assistance": Spec(assistance.extend_assistance, AssistanceRequest, _request,
                              lambda w: dict(reason="需要委托鉴定", expected_version=1)),
    "answer_assistance": Spec(assistance.answer_assistance, AssistanceRequest, _request,
                              lambda w: dict(answered_on=date(2026, 10, 19), answer="检测合格", expected_version=1)),
    "raise_dispute": Spec(
        disputes.raise_dispute, None, None,
        lambda w: dict(subject="河道违建归属", party_ids=[w.town, w.housing], opened_on=date(2026, 10, 9),
                       kind="overreach", description="双方均认为不属本单位职责", interim_handler_id=w.town),
    ),
    "advance_dispute": Spec(disputes.advance_dispute, Dispute, _dispute,
                            lambda w: dict(on=date(2026, 10, 12), note="协商未果", needs_meeting=True,
                                           expected_version=1)),
    "record_interim_handler": Spec(disputes.record_interim_handler, Dispute, _dispute,
                                   lambda w: dict(agency_id=w.housing, expected_version=1)),
    "resolve_dispute": Spec(disputes.resolve_dispute, Dispute, _dispute,
                            lambda w: dict(resolved_on=date(2026, 10, 12), outcome="由住建局负责",
                                           responsible_agency_id=w.housing, expected_version=1)),
    "create_operation": Spec(
        operations.create_operation, None, None,
        lambda w: dict(title="联合检查", mechanism="routine", lead_agency_id=w.housing,
                       participant_ids=[w.town, w.police], start_on=date(2026, 11, 2), end_on=date(2026, 11, 3)),
    ),
    "decide_operation": Spec(operations.decide_operation, JointOperation, _operation,
                             lambda w: dict(approve=True, decided_on=TODAY, expected_version=1)),
    "advance_operation": Spec(operations.advance_operation, JointOperation, _approved_operation,
                              lambda w: dict(status="in_progress", on=TODAY, outcome=None, expected_version=2)),
}


def _version(model, record_id):
    with read_session() as s:
        obj = s.get(model, record_id)
        return None if obj is None else obj.version


def _actors(world: World):
    return st.sampled_from([
        OFFICE, CHAIR, OBSERVER, world.head(world.town), world.clerk(world.town), world.clerk(world.housing),
        world.head(world.housing),
    ])


@pytest.fixture
def world(empty_db):
    return make_world()


@pytest.mark.parametrize("name", list(SPECS))
# ENTRY_FUZZ_EXAMPLES raises the count for a longer hunt (the default keeps the suite quick).
@settings(
    max_examples=int(os.environ.get("ENTRY_FUZZ_EXAMPLES", 10)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_arbitrary_input_is_saved_whole_or_refused_without_a_trace(world, name, data):
    spec = SPECS[name]
    kwargs = {k: v for k, v in spec.valid(world).items() if k != "today"}
    subject = spec.setup(world) if spec.setup else None
    keys = list(kwargs) + (["record_id"] if subject is not None else [])
    for key in data.draw(st.sets(st.sampled_from(keys), max_size=3), label="replaced"):
        value = data.draw(ANYTHING, label=key)
        if key == "record_id":
            subject = value
        else:
            kwargs[key] = value
    actor = data.draw(st.one_of(st.just(OFFICE), _actors(world)), label="actor")

    before = counts()
    version = _version(spec.model, subject) if spec.model and isinstance(subject, int) and abs(subject) < 2**31 \
        else None
    args = (subject,) if spec.model else ()
    try:
        spec.command(actor, *args, **kwargs, today=TODAY)
    except CommandError as refusal:
        assert refusal.message, "a refusal must say why"
        assert counts() == before, f"{name} refused but wrote something"
        if version is not None:
            assert _version(spec.model, subject) == version
        return
    after = counts()
    assert after["audit_log"] == before["audit_log"] + 1, f"{name} saved without exactly one audit row"


def test_the_valid_calls_succeed(world):
    """The starting points of the property test are themselves accepted (so it does explore
    the success path, not only refusals)."""
    for name, spec in SPECS.items():
        args = (spec.setup(world),) if spec.setup else ()
        kwargs = {k: v for k, v in spec.valid(world).items() if k != "today"}
        spec.command(OFFICE, *args, **kwargs, today=TODAY)
