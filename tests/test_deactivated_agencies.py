"""Deactivated agencies stay reachable wherever their history is shown (issue 11, item 7):
the office opens the 本单位 page of a deactivated agency that still holds unacknowledged
referrals, history pickers list it marked 已停用, and pickers for new records leave it out."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from data_access.commands.base import Actor
from data_access.db import write_session
from data_access.models import Agency, Referral
from tests.support.apptest import run_page

TODAY = date.today()
OFFICE = Actor(username="office-test", role="office")


@pytest.fixture
def world(empty_db):
    with write_session() as s:
        office = Agency(name="市司法局（测试）", kind="coordinator")
        town = Agency(name="甲镇（测试）", kind="town")
        gone = Agency(name="原市城管局（测试）", kind="department", active=False)
        s.add_all([office, town, gone])
        s.flush()
        sent = TODAY - timedelta(days=12)
        s.add(Referral(number="YS-T-001", title="占道经营", domain="城镇管理", from_agency_id=town.id,
                       to_agency_id=gone.id, discovered_on=sent - timedelta(days=1), sent_on=sent,
                       send_due_on=sent, ack_due_on=sent + timedelta(days=7), status="sent"))
        return {"town": town.id, "gone": gone.id}


def test_the_office_opens_the_page_of_a_deactivated_agency(world):
    at = run_page("my_agency", OFFICE, {"_kept_flt_my_agency": world["gone"]})
    picker = at.selectbox(key="flt_my_agency")
    assert picker.value == world["gone"]
    assert "原市城管局（测试）（已停用）" in picker.options
    assert at.title[0].value == "原市城管局（测试）"
    assert next(m.value for m in at.metric if m.label == "待本单位受理告知") == "1"
    assert "YS-T-001" in set(at.dataframe[0].value["编号"])


def test_history_pickers_mark_it_and_new_record_pickers_leave_it_out(world):
    ledger = run_page("ledger", OFFICE)
    assert "原市城管局（测试）（已停用）" in ledger.selectbox(key="flt_ledger_to").options
    form = run_page("new_referral", OFFICE)
    receivers = [s for s in form.selectbox if s.label == "接收单位"]
    assert receivers, "the new-referral form has a receiving-agency picker"
    assert "甲镇（测试）" in receivers[0].options
    assert not any("原市城管局" in o for o in receivers[0].options)
