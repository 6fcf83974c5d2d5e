"""The office's administration commands and the reads behind its pages: agencies, the
working-day calendar with the recomputation of stored deadlines, rule settings, users, and
the audit trail's filters, paging and export."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from data_access.commands import admin, users
from data_access.commands.base import CommandError, NotFound, StaleEdit, ValidationFailed
from data_access.db import read_session, write_session
from data_access.models import (
    Agency,
    AssistanceRequest,
    AuditEntry,
    CalendarOverride,
    CalendarYear,
    Referral,
    RuleSetting,
    User,
)
from data_access.queries import admin as admin_queries
from data_access.queries import audit as audit_queries
from data_access.rulebook import load_rules
from data_access.stored_deadlines import assistance_deadline_fields, referral_deadline_fields
from tests.support import admin_world


@pytest.fixture
def world(empty_db):
    return admin_world.build()


def office(world):
    return world.users["admin"]


def count(model) -> int:
    with read_session() as s:
        return s.scalar(select(func.count()).select_from(model))


def last_audit() -> AuditEntry:
    with read_session() as s:
        return s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()


# ----------------------------------------------------------------------------- agencies
def test_add_agency_validates_every_field_and_writes_nothing_on_refusal(world):
    before = (count(Agency), count(AuditEntry))
    with pytest.raises(ValidationFailed) as exc:
        with write_session() as s:
            admin.add_agency(office(world), name="甲镇（测试）", kind="村委", short_name="x" * 41, lon=120.1, uow=s)
    assert set(exc.value.errors) == {"name", "kind", "short_name", "lat"}
    assert "已有名为" in exc.value.errors["name"]
    with pytest.raises(ValidationFailed) as exc:
        with write_session() as s:
            admin.add_agency(office(world), name=" ", kind="town", lon=29.9, lat=120.2, uow=s)  # swapped
    assert set(exc.value.errors) == {"name", "lon", "lat"}
    assert (count(Agency), count(AuditEntry)) == before


def test_add_edit_deactivate_reactivate_an_agency_with_audit(world):
    with write_session() as s:
        saved = admin.add_agency(office(world), name=" 丙街道 ", kind="镇街", lon=120.2, lat=30.1, uow=s)
    assert saved.name == "丙街道" and saved.active
    entry = last_audit()
    assert (entry.action, entry.object_type, entry.object_id) == ("agency.add", "agencies", str(saved.id))
    assert entry.before is None and entry.after["kind"] == "town"

    with write_session() as s:
        edited = admin.edit_agency(office(world), saved.id, expected_version=saved.version,
                                   name="丙街道", kind="town", contact="李四", lon=120.2, lat=30.1, uow=s)
    entry = last_audit()
    assert entry.action == "agency.edit" and entry.before == {"contact": None, "version": 1}
    assert entry.after == {"contact": "李四", "version": 2}
    # A form still showing version 1 is refused, naming who changed it; nothing overwritten.
    with pytest.raises(StaleEdit) as stale:
        with write_session() as s:
            admin.edit_agency(office(world), saved.id, expected_version=saved.version,
                              name="丙街道", kind="town", contact="王五", lon=120.2, lat=30.1, uow=s)
    assert "admin" in stale.value.message
    with read_session() as s:
        assert s.get(Agency, saved.id).contact == "李四"

    with write_session() as s:
        off = admin.deactivate_agency(office(world), saved.id, expected_version=edited.version, uow=s)
    assert not off.active and last_audit().action == "agency.deactivate"
    with write_session() as s:
        on = admin.reactivate_agency(office(world), saved.id, uow=s, expected_version=None)
    assert on.active and last_audit().action == "agency.reactivate"


def test_an_agency_with_history_is_never_deleted(world):
    town_a = world.agencies["town_a"]  # has a head and a clerk
    with pytest.raises(CommandError) as exc:
        with write_session() as s:
            admin.delete_agency(office(world), town_a, uow=s, expected_version=None)
    assert "不能删除" in exc.value.message and "deactivated" in exc.value.message
    with read_session() as s:
        assert s.get(Agency, town_a) is not None
        assert admin.agency_history(s, town_a) == {"users": 2}

    with write_session() as s:
        typo = admin.add_agency(office(world), name="误录单位", kind="department", uow=s)
    with write_session() as s:
        admin.delete_agency(office(world), typo.id, uow=s, expected_version=None)
    with read_session() as s:
        assert s.get(Agency, typo.id) is None
    assert last_audit().action == "agency.delete" and last_audit().before["name"] == "误录单位"
    with pytest.raises(NotFound):
        with write_session() as s:
            admin.delete_agency(office(world), typo.id, uow=s, expected_version=None)


def test_deactivated_agency_cannot_be_given_to_a_user(world):
    with write_session() as s:
        admin.deactivate_agency(office(world), world.agencies["town_b"], uow=s, expected_version=None)
    with pytest.raises(ValidationFailed) as exc:
        with write_session() as s:
            users.change_role(office(world), world.users["clerk_a"].user_id, role="clerk",
                              agency_id=world.agencies["town_b"], uow=s, expected_version=None)
    assert "已停用" in exc.value.errors["agency_id"]


# ----------------------------------------------------------------------------- users
def test_change_role_and_the_last_office_account_is_protected(world):
    clerk = world.users["clerk_a"]
    with pytest.raises(ValidationFailed) as exc:
        with write_session() as s:
            users.change_role(office(world), clerk.user_id, role="head", agency_id=None, uow=s, expected_version=None)
    assert set(exc.value.errors) == {"agency_id"}
    with write_session() as s:
        users.change_role(office(world), clerk.user_id, role="head", agency_id=clerk.agency_id, display_name="赵六", uow=s, expected_version=None)
    entry = last_audit()
    assert entry.action == "user.change_role" and entry.after["role"] == "head"
    assert "password_hash" not in entry.after and "password_hash" not in entry.before

    admin_id = office(world).user_id
    with pytest.raises(ValidationFailed) as exc:
        with write_session() as s:
            users.change_role(world.users["admin"], admin_id, role="chair", agency_id=None, uow=s, expected_version=None)
    assert "最后一个" in exc.value.errors["role"]
    with pytest.raises(CommandError):
        with write_session() as s:
            users.deactivate_user(world.users["admin"], admin_id, uow=s, expected_version=None)  # not oneself


def test_deactivate_and_reactivate_a_user(world):
    head = world.users["head_b"]
    with write_session() as s:
        users.deactivate_user(office(world), head.user_id, uow=s, expected_version=None)
    with read_session() as s:
        row = s.get(User, head.user_id)
        assert not row.active and row.logged_out_at is not None
    with write_session() as s:
        users.reactivate_user(office(world), head.user_id, uow=s, expected_version=None)
    with read_session() as s:
        assert s.get(User, head.user_id).active
    assert last_audit().action == "user.reactivate"


def test_user_list_for_the_admin_page(world):
    with read_session() as s:
        rows = admin_queries.list_users(s)
        demo = admin_queries.demo_accounts(s)
    assert rows[0].role == "office" and {r.username for r in rows} == set(admin_world.ACCOUNTS)
    assert next(r for r in rows if r.username == "head_a").agency_name == "甲镇（测试）"
    assert len(demo) == len(rows)
    with read_session() as s:
        agencies = admin_queries.agencies_with_accounts(s)
    assert next(a for a in agencies if a.id == world.agencies["town_a"]).active_users == 2


# ----------------------------------------------------------------------------- calendar
def _referral(s, number, frm, to, *, sent_on, discovered_on=None, criminal=False, ack_on=None):
    settings, cal = load_rules(s)
    fields = referral_deadline_fields(cal, settings, discovered_on=discovered_on, sent_on=sent_on,
                                      criminal=criminal, ack_on=ack_on)
    r = Referral(number=number, title=f"测试{number}", from_agency_id=frm, to_agency_id=to, sent_on=sent_on,
                 discovered_on=discovered_on, criminal=criminal, ack_on=ack_on,
                 status="accepted" if ack_on else "sent", **fields)
    s.add(r)
    s.flush()
    return r.id


def _assist(s, number, frm, to, requested_on):
    settings, cal = load_rules(s)
    a = AssistanceRequest(number=number, kind="opinion", subject="测试", from_agency_id=frm, to_agency_id=to,
                          requested_on=requested_on,
                          **assistance_deadline_fields(cal, settings, requested_on=requested_on))
    s.add(a)
    s.flush()
    return a.id


@pytest.fixture
def ledger(world):
    a, b = world.agencies["town_a"], world.agencies["housing"]
    with write_session() as s:
        ids = {
            # DOMAIN.md: sent 2026-12-29, 5 working days, 2027 unpublished -> 2027-01-06, provisional.
            "year_end": _referral(s, "YS-2026-000001", a, b, sent_on=date(2026, 12, 29), discovered_on=date(2026, 12, 28)),
            # Suspected crime: 3 calendar days -> Sunday 2027-01-03, rolled to Monday 01-04.
            "crime": _referral(s, "YS-2026-000002", a, b, sent_on=date(2026, 12, 31), criminal=True),
            "january": _referral(s, "YS-2027-000001", a, b, sent_on=date(2027, 1, 5)),
            # Answered in June: its window ends long before 2027, so it is not even read.
            "june": _referral(s, "YS-2026-000003", b, a, sent_on=date(2026, 6, 1), discovered_on=date(2026, 5, 29),
                              ack_on=date(2026, 6, 5)),
            "assist": _assist(s, "XZ-2026-0001", a, b, date(2026, 12, 30)),
        }
    return ids


def stored(referral_id):
    with read_session() as s:
        r = s.get(Referral, referral_id)
        return r.ack_due_on, r.ack_due_provisional


def test_entering_a_years_arrangement_recomputes_the_stored_deadlines(world, ledger):
    assert stored(ledger["year_end"]) == (date(2027, 1, 6), True)
    assert stored(ledger["crime"]) == (date(2027, 1, 4), True)
    june_before = stored(ledger["june"])

    # A (made-up) arrangement: Jan 1-4 off, Saturday Jan 9 worked instead.
    with write_session() as s:
        saved = admin.save_calendar_year(
            office(world), 2027, rest_days="2027-01-01~2027-01-04", working_days="2027-01-09",
            confirmed=True, note="测试安排", uow=s, expected_version=None)
    assert saved.changed and saved.rest_days == tuple(date(2027, 1, d) for d in (1, 2, 3, 4))
    assert saved.recomputed == admin.Recomputed(referrals=3, assistance=1)

    assert stored(ledger["year_end"]) == (date(2027, 1, 7), False)  # Dec 30, 31, Jan 5, 6, 7
    assert stored(ledger["crime"]) == (date(2027, 1, 5), False)
    assert stored(ledger["january"]) == (date(2027, 1, 11), False)  # Jan 6, 7, 8, Sat 9, Mon 11
    assert stored(ledger["june"]) == june_before
    with read_session() as s:
        assert s.get(AssistanceRequest, ledger["assist"]).due_on == date(2027, 1, 6)  # Dec 31, Jan 5, 6
        assert s.get(CalendarYear, 2027).confirmed_by == "admin"
        assert s.scalar(select(func.count()).select_from(CalendarOverride)) == 5
    entry = last_audit()
    assert entry.action == "calendar.save_year" and entry.object_id == "2027"
    assert entry.before == {"rest_days": [], "working_days": [], "confirmed": False}
    assert entry.after["working_days"] == ["2027-01-09"] and entry.after["confirmed"] is True

    # Saving the same arrangement again changes nothing and writes nothing.
    audits = count(AuditEntry)
    with write_session() as s:
        again = admin.save_calendar_year(office(world), 2027, rest_days=list(saved.rest_days),
                                         working_days=[date(2027, 1, 9)], confirmed=True, uow=s, expected_version=None)
    assert not again.changed and count(AuditEntry) == audits

    # Withdrawing it puts every stored date back.
    with write_session() as s:
        admin.save_calendar_year(office(world), 2027, rest_days="", working_days="", confirmed=False, uow=s, expected_version=None)
    assert stored(ledger["year_end"]) == (date(2027, 1, 6), True)


def test_recompute_agrees_with_the_rules_row_by_row(world, ledger):
    with write_session() as s:
        admin.save_calendar_year(office(world), 2027, rest_days=[date(2027, 1, 4)], working_days=[],
                                 confirmed=True, uow=s, expected_version=None)
    with read_session() as s:
        settings, cal = load_rules(s)
        for r in s.scalars(select(Referral)):
            want = referral_deadline_fields(cal, settings, discovered_on=r.discovered_on, sent_on=r.sent_on,
                                            criminal=r.criminal, ack_on=r.ack_on)
            got = {k: getattr(r, k) for k in want}
            assert got == want, r.number


def test_calendar_input_is_checked_in_plain_words(world):
    with pytest.raises(ValidationFailed) as exc:
        with write_session() as s:
            admin.save_calendar_year(office(world), 2027, rest_days="2027-02-30\n2026-12-31\n2027-03-05~2027-03-01",
                                     working_days="2027-01-09, 2027-01-09", confirmed=True, uow=s, expected_version=None)
    message = exc.value.errors["rest_days"]
    assert "第1项" in message and "第2项" in message and "第3项" in message and "不在 2027 年内" in message
    with pytest.raises(ValidationFailed) as exc:
        with write_session() as s:
            admin.save_calendar_year(office(world), 2027, rest_days="2027-01-09", working_days="2027-01-09",
                                     confirmed=True, uow=s, expected_version=None)
    assert "同时" in exc.value.errors["working_days"]
    with pytest.raises(ValidationFailed):
        with write_session() as s:
            admin.save_calendar_year(office(world), 1900, rest_days="", working_days="", confirmed=True, uow=s, expected_version=None)
    assert count(CalendarOverride) == 0 and count(CalendarYear) == 0


def test_day_list_text_round_trips():
    days = [date(2027, 2, d) for d in (5, 6, 7, 8, 9, 10, 11)] + [date(2027, 4, 5)]
    text = admin.format_day_list(days)
    assert text == "2027-02-05~2027-02-11\n2027-04-05"
    assert admin.parse_day_list(text, 2027, ("休息日", "Rest days")) == (days, [])
    assert admin.parse_day_list("2027-05-01 至 2027-05-03，2027-06-09", 2027, ("x", "x"))[0] == [
        date(2027, 5, 1), date(2027, 5, 2), date(2027, 5, 3), date(2027, 6, 9)]


def test_calendar_years_say_where_each_year_comes_from(world):
    with write_session() as s:
        admin.save_calendar_year(office(world), 2027, rest_days="2027-01-04", working_days="", confirmed=True, uow=s, expected_version=None)
    with read_session() as s:
        years = {y.year: y for y in admin_queries.calendar_years(s, range(2026, 2029))}
        detail = admin_queries.calendar_year_detail(s, 2027)
    assert years[2026].source == "library"
    assert years[2027].source == "office" and years[2027].rest_days == 1
    assert years[2028].provisional
    assert detail.rest_days == [date(2027, 1, 4)] and detail.confirmed
    assert (date(2027, 10, 1), "国庆节") in detail.statutory


# ----------------------------------------------------------------------------- settings
def test_rule_settings_are_validated_field_by_field(world):
    with pytest.raises(ValidationFailed) as exc:
        with write_session() as s:
            admin.save_rule_settings(office(world), {"ack_working_days": 0, "dispute_stall_days": "abc",
                                                        "no_such": 3}, uow=s, expected_version=None)
    assert set(exc.value.errors) == {"ack_working_days", "dispute_stall_days", "no_such"}
    assert "受理告知期限" in exc.value.errors["ack_working_days"]
    assert count(RuleSetting) == 0


def test_a_new_time_limit_recomputes_deadlines_and_the_default_removes_the_override(world, ledger):
    with write_session() as s:
        saved = admin.save_rule_settings(office(world), {"ack_working_days": 7, "dispute_stall_days": 45}, uow=s, expected_version=None)
    assert saved.changed == {"ack_working_days": (5, 7), "dispute_stall_days": (30, 45)}
    # Every referral counted in working days moves; the suspected crime's 3 calendar days do not.
    assert saved.recomputed == admin.Recomputed(referrals=3, assistance=0)
    with read_session() as s:
        settings, cal = load_rules(s)
        assert settings.ack_working_days == 7
        june = s.get(Referral, ledger["june"])
        assert june.ack_due_on == cal.add_working_days(date(2026, 6, 1), 7).on
        assert s.get(RuleSetting, "ack_working_days").updated_by == "admin"
    entry = last_audit()
    assert entry.action == "settings.save" and entry.after == {"ack_working_days": 7, "dispute_stall_days": 45}

    # A threshold that changes no due date recomputes nothing.
    with write_session() as s:
        assert admin.save_rule_settings(office(world), {"dispute_stall_days": 60}, uow=s, expected_version=None).recomputed == admin.Recomputed()
    with write_session() as s:
        admin.save_rule_settings(office(world), {"ack_working_days": 5, "dispute_stall_days": 30}, uow=s, expected_version=None)
    assert count(RuleSetting) == 0
    assert stored(ledger["year_end"]) == (date(2027, 1, 6), True)
    with read_session() as s:
        rows = {r.key: r for r in admin_queries.rule_settings(s)}
    assert rows["ack_working_days"].value == rows["ack_working_days"].default == 5


# ----------------------------------------------------------------------------- audit trail
def test_audit_trail_filters_pages_and_exports(world):
    me = office(world)
    with write_session() as s:
        for i in range(7):
            admin.add_agency(me, name=f"新单位{i}", kind="department", uow=s)
        users.reset_password(me, world.users["viewer"].user_id, "new-pass-1", uow=s, expected_version=None)
    everything = audit_queries.AuditFilter()
    with read_session() as s:
        page = audit_queries.audit_page(s, me, everything, page=1, page_size=3)
        assert page.total == 8 and page.pages == 3 and len(page.rows) == 3
        assert page.rows[0].action == "user.reset_password"  # newest first
        assert page.rows[0].agency_name == "市司法局（测试）"
        last = audit_queries.audit_page(s, me, everything, page=99, page_size=3)
        assert last.page == 3 and len(last.rows) == 2
        only_users = audit_queries.audit_page(s, me, audit_queries.AuditFilter(object_type="users"))
        assert [r.object_id for r in only_users.rows] == [str(world.users["viewer"].user_id)]
        assert only_users.rows[0].after["password"] == "（已更换）"
        by_agency = audit_queries.audit_page(s, me, audit_queries.AuditFilter(agency_id=world.agencies["justice"]))
        assert by_agency.total == 8
        assert audit_queries.audit_page(s, me, audit_queries.AuditFilter(username="chair")).total == 0
        today = date.today()
        assert audit_queries.audit_page(s, me, audit_queries.AuditFilter(date_from=today, date_to=today)).total == 8
        assert audit_queries.audit_page(
            s, me, audit_queries.AuditFilter(date_to=today - timedelta(days=1))).total == 0
        choices = audit_queries.audit_choices(s)
        assert choices.object_types == ["agencies", "users"] and "system" in choices.usernames

        rows = list(csv.reader(io.StringIO(
            audit_queries.export_audit_csv(s, me, audit_queries.AuditFilter(object_type="agencies")).decode("utf-8-sig"))))
        assert rows[0] == list(audit_queries.EXPORT_COLUMNS) and len(rows) == 8
        assert rows[1][4] == "新增单位" and '"name": "新单位0"' in rows[1][9]
        sheet = load_workbook(io.BytesIO(audit_queries.export_audit_xlsx(s, me, everything))).active
        assert sheet.max_row == 9 and sheet.cell(1, 1).value == "编号"
