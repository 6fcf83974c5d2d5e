"""Pages of the responsibility list, driven with AppTest: the clerk picks a matter on the
new-referral form and the list's agency is proposed; sending against the list asks for a
reason; everyone searches the list; only the office edits it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from data_access.commands import responsibilities as commands
from data_access.db import read_session
from data_access.models import Referral
from tests.support.apptest import open_page
from tests.support.entry_world import OFFICE, make_world
from tests.test_form_pages import error_under, fill_referral, k, successes


@pytest.fixture
def world(empty_db):
    w = make_world()
    commands.create_responsibility(OFFICE, "对未取得施工许可证擅自施工的处罚", w.housing, domain="规划建设", code="GH-001")
    commands.create_responsibility(OFFICE, "对占道经营的处罚", w.other_town, domain="城镇管理")
    return w


def _matter_id(name: str) -> int:
    from data_access.models import Responsibility

    with read_session() as s:
        return s.execute(select(Responsibility.id).where(Responsibility.matter == name)).scalar_one()


def test_picking_a_matter_proposes_the_receiver_and_the_referral_keeps_it(world):
    at = open_page("new_referral", world.clerk(world.town))
    matter = _matter_id("对未取得施工许可证擅自施工的处罚")
    at.selectbox(key=k(at, "new_referral", "matter_id")).select(matter).run()
    assert at.selectbox(key=k(at, "new_referral", "to_agency_id")).value == world.housing
    assert any("市住房和城乡建设局" in i.value for i in at.info)
    fill_referral(at, world)
    at.form_submit_button[0].click().run()
    assert not at.exception and len(successes(at)) == 1
    with read_session() as s:
        ref = s.execute(select(Referral)).scalar_one()
    assert ref.matter_id == matter and ref.to_agency_id == world.housing and ref.routing_reason is None


def test_sending_against_the_list_asks_for_a_reason(world):
    at = open_page("new_referral", world.clerk(world.town))
    at.selectbox(key=k(at, "new_referral", "matter_id")).select(_matter_id("对未取得施工许可证擅自施工的处罚")).run()
    fill_referral(at, world, to=world.police)
    at.form_submit_button[0].click().run()
    assert "说明理由" in error_under(at, k(at, "new_referral", "routing_reason"))
    at.text_area(key=k(at, "new_referral", "routing_reason")).input("涉嫌暴力抗法，先由公安处置")
    at.form_submit_button[0].click().run()
    assert len(successes(at)) == 1
    with read_session() as s:
        ref = s.execute(select(Referral)).scalar_one()
    assert ref.to_agency_id == world.police and "公安" in ref.routing_reason


def test_everyone_searches_the_list_and_only_the_office_edits(world):
    at = open_page("responsibilities", world.clerk(world.town))
    at.text_input(key="resp.text").input("占道").run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["事项名称"]) == ["对占道经营的处罚"]
    assert not at.tabs  # no editing for a clerk
    office = open_page("responsibilities", OFFICE)
    assert len(office.tabs) == 3


def test_the_office_records_the_ruling_on_the_page_and_the_list_cites_the_dispute(world):
    from datetime import date, timedelta

    from data_access.commands import disputes
    from data_access.models import Dispute, Responsibility

    today = date.today()
    matter = _matter_id("对占道经营的处罚")
    raised = disputes.raise_dispute(OFFICE, subject="占道经营谁来管", party_ids=[world.town, world.other_town],
                                    opened_on=today - timedelta(days=9))
    commands.set_dispute_matters(world.head(world.town), raised.id, [matter], expected_version=None)
    for _ in range(4):
        disputes.advance_dispute(OFFICE, raised.id, on=today - timedelta(days=2), note="推进", expected_version=None)
    # A party sees what the list says, and cannot record the ruling.
    head = open_page("dispute_entry", world.head(world.town))
    head.tabs[1].run()
    assert any("清单规定由" in m.value and "白沙街道" in m.value for m in head.markdown)
    assert "登记政府裁决" not in head.radio(key="dispute_%d.0.action" % raised.id).options
    at = open_page("dispute_entry", OFFICE)
    assert "登记政府裁决" in at.radio(key="dispute_%d.0.action" % raised.id).options
    at.radio(key="dispute_%d.0.action" % raised.id).set_value("ruling").run()
    at.text_area(key="dispute_%d.0.ruling.outcome" % raised.id).input("由青山镇负责占道经营的查处")
    at.selectbox(key="dispute_%d.0.responsible_agency_id" % raised.id).select(world.town)
    at.form_submit_button[-1].click().run()
    assert not at.exception, [e.value for e in at.exception]
    with read_session() as s:
        entry = s.get(Responsibility, matter)
        dispute = s.get(Dispute, raised.id)
    assert dispute.stage == "resolved" and entry.agency_id == world.town
    assert entry.settled_by_dispute_id == raised.id and entry.settled_on == today
    page = open_page("responsibilities", world.clerk(world.town))
    row = page.dataframe[0].value
    settled = row[row["事项名称"] == "对占道经营的处罚"]["裁决确定"].iloc[0]
    assert dispute.number in settled
