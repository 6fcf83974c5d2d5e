"""Same-day dispatch to a joint operation: each invited agency's dispatch is recorded, a late
one shows red and counts in the operation's record."""

from __future__ import annotations

from datetime import timedelta

import pytest

from data_access.commands import operations
from data_access.commands.base import PermissionDenied, ValidationFailed
from data_access.commands.dispatch import record_dispatch
from data_access.db import read_session
from data_access.queries.dispatch import operation_dispatches
from rules.dispatch import dispatch_light
from rules.lights import Light
from tests.support.entry_world import OFFICE, TODAY, make_world


def test_the_light_of_a_dispatch():
    day = TODAY
    assert dispatch_light(None, None, day) is None
    assert dispatch_light(day, None, day) == Light.YELLOW
    assert dispatch_light(day, None, day + timedelta(days=1)) == Light.RED
    assert dispatch_light(day, day, day + timedelta(days=5)) == Light.GREEN
    assert dispatch_light(day, day + timedelta(days=1), day + timedelta(days=1)) == Light.RED


@pytest.fixture
def world(empty_db):
    return make_world()


def test_dispatches_recorded_late_one_counts(world):
    notified = TODAY - timedelta(days=3)
    op = operations.create_operation(OFFICE, title="夜市占道联合整治", mechanism="emergency", lead_agency_id=world.town,
                                     participant_ids=[world.housing, world.police, world.other_town],
                                     start_on=notified, applied_on=notified, today=TODAY)
    on_time = record_dispatch(world.clerk(world.housing), op.id, world.housing, notified, today=TODAY)
    late = record_dispatch(OFFICE, op.id, world.police, notified + timedelta(days=1), today=TODAY)
    assert (on_time.status, late.status) == ("on_time", "late")
    with pytest.raises(PermissionDenied):  # a town cannot record another agency's dispatch
        record_dispatch(world.clerk(world.housing), op.id, world.other_town, notified, today=TODAY)
    with pytest.raises(ValidationFailed) as twice:
        record_dispatch(OFFICE, op.id, world.housing, notified, today=TODAY)
    assert "已于" in twice.value.errors["dispatched_on"]
    with pytest.raises(ValidationFailed) as early:
        record_dispatch(OFFICE, op.id, world.other_town, notified - timedelta(days=1), today=TODAY)
    assert "不能早于" in early.value.errors["dispatched_on"]
    with pytest.raises(ValidationFailed):
        record_dispatch(OFFICE, op.id, world.town, notified, today=TODAY)  # the lead was not invited
    with read_session() as session:
        lines, red = operation_dispatches(session, op.id, TODAY)
    lights = {line.agency: line.light for line in lines}
    assert lights == {"市住房和城乡建设局": Light.GREEN, "市公安局": Light.RED, "白沙街道": Light.RED}
    assert red == 2 and [line.late for line in lines if line.agency == "市公安局"] == [True]


def test_operations_page_records_a_dispatch_and_shows_the_late_count(world):
    from datetime import date
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    today = date.today()
    op = operations.create_operation(OFFICE, title="夜市占道联合整治", mechanism="emergency", lead_agency_id=world.town,
                                     participant_ids=[world.housing, world.police],
                                     start_on=today - timedelta(days=1), applied_on=today - timedelta(days=1))
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "pages" / "operations.py"),
                           default_timeout=60)
    at.session_state["actor"] = OFFICE
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("未按时派员 2 个单位" in m.value for m in at.markdown)
    at.selectbox(key=f"dispatch_{op.id}.0.agency_id").select(world.police)
    at.button(key=f"FormSubmitter:dispatch_{op.id}_form-登记派员").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("迟派" in s.value for s in at.success)
    with read_session() as session:
        lines, red = operation_dispatches(session, op.id, today)
    assert [line.late for line in lines if line.agency == "市公安局"] == [True] and red == 2
