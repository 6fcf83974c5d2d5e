"""Referral write commands: numbering, validation in plain words, permissions, lifecycle,
stored deadlines, events and audit rows, stale edits — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
from sqlalchemy import select

from data_access.commands import referrals as cmd
from data_access.commands.base import (
    CommandError,
    NotFound,
    PermissionDenied,
    StaleEdit,
    ValidationFailed,
)
from data_access.db import read_session, write_session
from data_access.models import AuditEntry, Referral, ReferralEvent
from data_access.validation import next_number
from tests.support.entry_world import OBSERVER, OFFICE, TODAY, counts, make_world, valid_referral


@pytest.fixture
def world(empty_db):
    return make_world()


def _referral(referral_id: int) -> Referral:
    with read_session() as s:
        return s.get(Referral, referral_id)


def _events(referral_id: int) -> list[tuple]:
    with read_session() as s:
        return s.execute(
            select(ReferralEvent.from_status, ReferralEvent.to_status, ReferralEvent.username, ReferralEvent.note)
            .where(ReferralEvent.referral_id == referral_id)
            .order_by(ReferralEvent.id)
        ).all()


def _audits(referral_id: int) -> list[AuditEntry]:
    with read_session() as s:
        return s.execute(
            select(AuditEntry)
            .where(AuditEntry.object_type == "referrals", AuditEntry.object_id == str(referral_id))
            .order_by(AuditEntry.id)
        ).scalars().all()


def test_create_sent_referral_numbers_it_and_stores_deadlines_event_and_audit(world):
    clerk = world.clerk(world.town)
    saved = cmd.create_referral(clerk, **valid_referral(world))
    assert saved.number == "YS-2026-000001" and saved.status == "sent" and saved.version == 1

    ref = _referral(saved.id)
    assert (ref.from_agency_id, ref.to_agency_id, ref.approved_by) == (world.town, world.housing, "李镇长")
    assert ref.materials == ["移送函", "现场照片"]
    # DOMAIN.md: 3 working days to send from Monday 09-28 -> Thursday 10-08 (National Day
    # holiday 10-01..10-07); 5 working days to acknowledge from 09-30 -> 10-13.
    assert ref.send_due_on == date(2026, 10, 8)
    assert ref.ack_due_on == date(2026, 10, 13) and ref.ack_due_provisional is False
    assert _events(saved.id) == [(None, "sent", clerk.username, None)]
    (entry,) = _audits(saved.id)
    assert entry.action == "referral.create" and entry.username == clerk.username
    assert entry.before is None and entry.after["number"] == "YS-2026-000001"

    second = cmd.create_referral(clerk, **valid_referral(world, title="另一起案件"))
    assert second.number == "YS-2026-000002"


def test_numbers_continue_after_the_highest_of_the_year_and_restart_each_year(world):
    with write_session() as s:
        s.add(Referral(number="YS-2026-000041", title="导入的案件", from_agency_id=world.town,
                       to_agency_id=world.housing, sent_on=date(2026, 3, 1), status="sent"))
        s.add(Referral(number="YS-2026-legacy", title="旧编号", from_agency_id=world.town,
                       to_agency_id=world.housing, sent_on=date(2026, 3, 1), status="sent"))
    assert cmd.create_referral(OFFICE, **valid_referral(world)).number == "YS-2026-000042"
    with write_session() as s:  # a number written without the command, above the last one made
        s.add(Referral(number="YS-2026-000100", title="又一件导入的案件", from_agency_id=world.town,
                       to_agency_id=world.housing, sent_on=date(2026, 3, 2), status="sent"))
    assert cmd.create_referral(OFFICE, **valid_referral(world)).number == "YS-2026-000101"
    next_year = valid_referral(world, today=date(2027, 1, 5), discovered_on=date(2027, 1, 4),
                               sent_on=date(2027, 1, 5))
    assert cmd.create_referral(OFFICE, **next_year).number == "YS-2027-000001"


def test_concurrent_creates_get_distinct_consecutive_numbers(world):
    numbers: list[str] = []
    failures: list[BaseException] = []

    def enter(n: int) -> None:
        try:
            for i in range(3):
                numbers.append(cmd.create_referral(OFFICE, **valid_referral(world, title=f"并发{n}-{i}")).number)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=enter, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert failures == []
    assert sorted(numbers) == [f"YS-2026-{i:06d}" for i in range(1, 13)]


@pytest.fixture
def postgres_world(empty_postgres_db):
    return make_world()


def test_on_postgresql_a_creator_takes_its_number_without_waiting_for_another(postgres_world):
    """SQLite serialises writers by design; PostgreSQL lets creators write at once, and the
    number must not queue them (issue 17: a lock held to commit did)."""
    world = postgres_world
    # The year's first number makes the prefix's sequence; creators at that moment wait for
    # that one commit, once a year. From then on nobody waits:
    assert cmd.create_referral(OFFICE, **valid_referral(world)).number == "YS-2026-000001"
    taken: list[str] = []
    with write_session() as first:
        first_number = next_number(first, Referral, "YS-2026-", 6)
        first.add(Referral(number=first_number, title="未提交", from_agency_id=world.town,
                           to_agency_id=world.housing, sent_on=date(2026, 3, 1), status="sent"))
        first.flush()

        def second_creator() -> None:
            with write_session() as second:
                taken.append(next_number(second, Referral, "YS-2026-", 6))

        other = threading.Thread(target=second_creator)
        other.start()
        other.join(timeout=10)
        assert not other.is_alive(), "the second creator waited for the first one's open transaction"
    assert (first_number, taken) == ("YS-2026-000002", ["YS-2026-000003"])
    # The second never saved: its number stays unused, and the next one follows it.
    assert cmd.create_referral(OFFICE, **valid_referral(world)).number == "YS-2026-000004"


def test_draft_then_send(world):
    clerk = world.clerk(world.town)
    draft = cmd.create_referral(clerk, **valid_referral(world, send=False, sent_on=None, approved_by=None))
    assert draft.status == "draft"
    assert _referral(draft.id).ack_due_on is None

    with pytest.raises(ValidationFailed) as refused:
        cmd.send_referral(clerk, draft.id, sent_on=date(2026, 9, 30), expected_version=draft.version, today=TODAY)
    assert "负责人书面批准" in refused.value.errors["approved_by"]

    sent = cmd.send_referral(clerk, draft.id, sent_on=date(2026, 9, 30), approved_by="李镇长",
                             expected_version=draft.version, today=TODAY)
    assert sent.status == "sent" and sent.version == draft.version + 1
    assert _referral(draft.id).ack_due_on == date(2026, 10, 13)
    assert _events(draft.id) == [(None, "draft", clerk.username, None), ("draft", "sent", clerk.username, None)]


def test_every_field_error_is_reported_at_once_and_nothing_is_written(world):
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        cmd.create_referral(
            OFFICE,
            **valid_referral(
                world, title="  ", to_agency_id=world.town, discovered_on=date(2026, 10, 25),
                approved_by=None, materials=["现场照片"], domain="不存在的领域",
            ),
        )
    errors = refused.value.errors
    assert errors["title"].startswith("请填写案件名称")
    assert "不能移送给本单位自己" in errors["to_agency_id"]
    assert "不能晚于今天" in errors["discovered_on"]
    assert "负责人书面批准" in errors["approved_by"]
    assert "移送函" in errors["materials"]
    assert "不在可选范围内" in errors["domain"]
    # Every message is Chinese, then English.
    assert all(" / " in message for message in errors.values())
    assert counts() == before


@pytest.mark.parametrize(
    "overrides, field, words",
    [
        ({"sent_on": date(2026, 9, 27)}, "sent_on", "不能早于发现日期"),
        ({"sent_on": date(2026, 10, 21)}, "sent_on", "不能晚于今天"),
        ({"title": "违" * 201}, "title", "最多 200 个字"),
        ({"approved_by": "审" * 51}, "approved_by", "最多 50 个字"),
        ({"to_agency_id": 999}, "to_agency_id", "不是已登记的成员单位"),
        ({"discovered_on": date(1999, 12, 31)}, "discovered_on", "早于 2000 年"),
        ({"title": "违建\x00"}, "title", "控制字符"),
    ],
)
def test_plain_words_for_each_bad_field(world, overrides, field, words):
    with pytest.raises(ValidationFailed) as refused:
        cmd.create_referral(OFFICE, **valid_referral(world, **overrides))
    assert words in refused.value.errors[field]


def test_a_deactivated_agency_cannot_be_chosen(world):
    with pytest.raises(ValidationFailed) as refused:
        cmd.create_referral(OFFICE, **valid_referral(world, to_agency_id=world.retired))
    assert "市旧规划局" in refused.value.errors["to_agency_id"]
    assert "已停用" in refused.value.errors["to_agency_id"]


def test_permissions_follow_the_matrix(world):
    with pytest.raises(PermissionDenied):
        cmd.create_referral(world.clerk(world.other_town), **valid_referral(world))
    with pytest.raises(PermissionDenied):
        cmd.create_referral(OBSERVER, **valid_referral(world))
    saved = cmd.create_referral(world.head(world.town), **valid_referral(world))
    # Only the receiver (or the office) acknowledges.
    with pytest.raises(PermissionDenied):
        cmd.acknowledge_referral(world.clerk(world.town), saved.id, outcome="accepted",
                                 ack_on=date(2026, 10, 9), today=TODAY, expected_version=None)
    assert _referral(saved.id).status == "sent"


def test_urgent_referral_counts_24_hours_and_time_order(world):
    urgent = valid_referral(world, urgency="urgent", discovered_on=date(2026, 10, 19),
                            discovered_time=time(10, 30), sent_on=date(2026, 10, 19), sent_time=time(16, 0))
    saved = cmd.create_referral(OFFICE, **urgent)
    ref = _referral(saved.id)
    assert ref.send_due_on == date(2026, 10, 20)
    assert ref.discovered_at.hour == 10 and ref.sent_at.hour == 16

    with pytest.raises(ValidationFailed) as refused:
        cmd.create_referral(OFFICE, **dict(urgent, sent_time=time(9, 0)))
    assert "不能早于发现时间" in refused.value.errors["sent_time"]


def test_suspected_crime_has_three_calendar_days_moved_to_a_working_day(world):
    saved = cmd.create_referral(OFFICE, **valid_referral(world, to_agency_id=world.police, criminal=True,
                                                        discovered_on=date(2026, 10, 15),
                                                        sent_on=date(2026, 10, 15)))
    # Thursday + 3 calendar days = Sunday 10-18 -> Monday 10-19.
    assert _referral(saved.id).ack_due_on == date(2026, 10, 19)


def test_acknowledge_accept_report_close(world):
    sender = world.clerk(world.town)
    receiver = world.head(world.housing)
    saved = cmd.create_referral(sender, **valid_referral(world))

    with pytest.raises(ValidationFailed) as refused:
        cmd.acknowledge_referral(receiver, saved.id, outcome="accepted", ack_on=date(2026, 9, 29), today=TODAY, expected_version=None)
    assert "受理告知日期（2026-09-29）不能早于移送日期（2026-09-30）" in refused.value.errors["ack_on"]

    acked = cmd.acknowledge_referral(receiver, saved.id, outcome="accepted", ack_on=date(2026, 10, 13),
                                     expected_version=saved.version, today=TODAY)
    ref = _referral(saved.id)
    assert acked.status == "accepted" and ref.ack_outcome == "accepted"
    assert ref.ack_workdays == 5

    with pytest.raises(ValidationFailed) as refused:
        cmd.report_result(receiver, saved.id, result_on=date(2026, 10, 12), summary="已处罚", today=TODAY, expected_version=None)
    assert "不能早于受理告知日期" in refused.value.errors["result_on"]
    reported = cmd.report_result(receiver, saved.id, result_on=date(2026, 10, 16), summary="责令拆除，已处罚",
                                 expected_version=acked.version, today=TODAY)
    assert reported.status == "reported"

    with pytest.raises(ValidationFailed) as refused:
        cmd.close_referral(sender, saved.id, closed_on=date(2026, 10, 15), today=TODAY, expected_version=None)
    assert "不能早于结果反馈日期" in refused.value.errors["closed_on"]
    closed = cmd.close_referral(sender, saved.id, closed_on=date(2026, 10, 19), today=TODAY, expected_version=None)
    assert closed.status == "closed" and _referral(saved.id).closed_on == date(2026, 10, 19)

    assert [e[:2] for e in _events(saved.id)] == [
        (None, "sent"), ("sent", "accepted"), ("accepted", "reported"), ("reported", "closed")
    ]
    actions = [a.action for a in _audits(saved.id)]
    assert actions == ["referral.create", "referral.acknowledge", "referral.report_result", "referral.close"]
    # The audit row keeps only what changed, before and after.
    ack_audit = _audits(saved.id)[1]
    assert ack_audit.before["status"] == "sent" and ack_audit.after["status"] == "accepted"
    assert "title" not in ack_audit.after


def test_lifecycle_refuses_steps_it_does_not_allow(world):
    receiver = world.head(world.housing)
    draft = cmd.create_referral(OFFICE, **valid_referral(world, send=False, sent_on=None))
    with pytest.raises(ValidationFailed) as refused:
        cmd.acknowledge_referral(receiver, draft.id, outcome="accepted", ack_on=date(2026, 10, 1), today=TODAY, expected_version=None)
    assert "不能从“待移送”改为“已受理”" in refused.value.errors["outcome"]

    sent = cmd.create_referral(OFFICE, **valid_referral(world))
    with pytest.raises(ValidationFailed) as refused:
        cmd.close_referral(OFFICE, sent.id, closed_on=TODAY, today=TODAY, expected_version=None)
    assert "当前只能改为：已受理、不予受理、退回" in refused.value.errors["status"]

    declined = cmd.acknowledge_referral(receiver, sent.id, outcome="declined", ack_on=date(2026, 10, 9),
                                        reason="不属于本局职责", today=TODAY, expected_version=None)
    with pytest.raises(ValidationFailed):
        cmd.report_result(receiver, sent.id, result_on=TODAY, summary="x", today=TODAY, expected_version=None)
    with pytest.raises(ValidationFailed):
        cmd.acknowledge_referral(receiver, sent.id, outcome="accepted", ack_on=TODAY, today=TODAY, expected_version=None)
    assert _referral(sent.id).version == declined.version


def test_decline_and_return_need_a_reason(world):
    saved = cmd.create_referral(OFFICE, **valid_referral(world))
    for outcome in ("declined", "returned"):
        with pytest.raises(ValidationFailed) as refused:
            cmd.acknowledge_referral(OFFICE, saved.id, outcome=outcome, ack_on=date(2026, 10, 9), reason=" ",
                                     today=TODAY, expected_version=None)
        assert "请填写理由" in refused.value.errors["reason"]


def test_returned_referral_is_revised_and_sent_again(world):
    sender = world.clerk(world.town)
    saved = cmd.create_referral(sender, **valid_referral(world))
    returned = cmd.acknowledge_referral(world.head(world.housing), saved.id, outcome="returned",
                                        ack_on=date(2026, 10, 9), reason="缺少询问笔录", today=TODAY, expected_version=None)
    assert returned.status == "returned"

    fields = dict(title="某小区违法搭建（补正）", to_agency_id=world.housing, discovered_on=date(2026, 9, 28),
                  domain="规划建设", approved_by="李镇长", materials=["移送函", "现场照片", "询问笔录"])
    with pytest.raises(PermissionDenied):
        cmd.revise_referral(world.clerk(world.housing), saved.id, **fields, today=TODAY, expected_version=None)
    revised = cmd.revise_referral(sender, saved.id, **fields, note="已补询问笔录", send=True,
                                  sent_on=date(2026, 10, 12), expected_version=returned.version, today=TODAY)
    assert revised.status == "sent"
    ref = _referral(saved.id)
    assert ref.title.endswith("（补正）") and "询问笔录" in ref.materials
    assert ref.ack_on is None and ref.ack_outcome is None and ref.sent_on == date(2026, 10, 12)
    assert ref.ack_due_on == date(2026, 10, 19)
    assert [e[:2] for e in _events(saved.id)] == [
        (None, "sent"), ("sent", "returned"), ("returned", "draft"), ("draft", "sent")
    ]


def test_stale_form_is_refused_naming_who_changed_it_and_nothing_is_overwritten(world):
    saved = cmd.create_referral(OFFICE, **valid_referral(world))
    shown_version = saved.version
    cmd.acknowledge_referral(world.head(world.housing), saved.id, outcome="accepted", ack_on=date(2026, 10, 9),
                             expected_version=shown_version, today=TODAY)
    before = counts()
    with pytest.raises(StaleEdit) as refused:
        cmd.acknowledge_referral(OFFICE, saved.id, outcome="returned", ack_on=date(2026, 10, 10),
                                 reason="材料不全", expected_version=shown_version, today=TODAY)
    assert f"head{world.housing}" in refused.value.message
    assert counts() == before
    ref = _referral(saved.id)
    assert ref.ack_outcome == "accepted" and ref.ack_on == date(2026, 10, 9)


def test_unknown_referral_and_bad_version_are_refusals(world):
    with pytest.raises(NotFound):
        cmd.close_referral(OFFICE, 12345, closed_on=TODAY, today=TODAY, expected_version=None)
    with pytest.raises(NotFound):
        cmd.close_referral(OFFICE, "1", closed_on=TODAY, today=TODAY, expected_version=None)
    saved = cmd.create_referral(OFFICE, **valid_referral(world))
    with pytest.raises(CommandError):
        cmd.close_referral(OFFICE, saved.id, closed_on=TODAY, expected_version="v1", today=TODAY)


def test_probable_duplicates_same_title_same_two_agencies_within_a_week(world):
    from data_access.queries.forms import probable_duplicates

    first = cmd.create_referral(OFFICE, **valid_referral(world, sent_on=date(2026, 10, 9)))
    cmd.create_referral(OFFICE, **valid_referral(world, to_agency_id=world.police, sent_on=date(2026, 10, 9)))

    def found(**kw):
        args = dict(title="某小区违法搭建", from_agency_id=world.town, to_agency_id=world.housing,
                    on=date(2026, 10, 16))
        args.update(kw)
        with read_session() as s:
            return [d.number for d in probable_duplicates(s, **args)]

    assert found() == [first.number]  # 7 days apart: still within the week
    assert found(title=" 某小区违法搭建 ") == [first.number]
    assert found(from_agency_id=world.housing, to_agency_id=world.town) == [first.number]  # either direction
    assert found(on=date(2026, 10, 17)) == []  # 8 days apart
    assert found(title="另一个案件") == []
    assert found(to_agency_id=world.other_town) == []
    assert found(exclude_id=first.id) == []
