"""The responsibility list (权责清单): import / export (CONTRACT.md), search, the office's
edits with history, and rulings on disputes that write into the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from data_access import cli
from data_access.commands import disputes as dispute_commands
from data_access.commands import responsibilities as commands
from data_access.commands.base import PermissionDenied, ValidationFailed
from data_access.db import read_session, write_session
from data_access.importing import ImportRefused, read_table
from data_access.models import AuditEntry, Dispute, Responsibility
from data_access.queries import responsibilities as queries
from data_access.responsibilities import export_responsibilities, import_responsibilities
from tests.support.entry_world import OFFICE, TODAY, make_world

HEADER = "事项名称,责任单位,违法领域,事项编码,划转部门,法律依据\n"
LIST_CSV = HEADER + (
    "对未取得施工许可证擅自施工的处罚,青山镇,规划建设,QS-001,市住房和城乡建设局,《建筑法》第六十四条\n"
    "对占道经营的处罚,白沙街道,城镇管理,,市综合行政执法局,《城市市容和环境卫生管理条例》\n"
    "对非法采砂的处罚,市住房和城乡建设局,国土资源,QS-003,,=HYPERLINK(\"x\")\n"
)


def _import(text: str, actor=OFFICE, name="list.csv"):
    with write_session() as session:
        return import_responsibilities(session, actor, read_table(text.encode("utf-8"), name), filename=name)


def _count(model) -> int:
    with read_session() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world(empty_db):
    return make_world()


def test_import_creates_then_the_same_file_changes_nothing(world):
    first = _import(LIST_CSV)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    audits = _count(AuditEntry)
    second = _import(LIST_CSV)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert _count(Responsibility) == 3
    assert _count(AuditEntry) == audits + 1  # only the import's own row
    with read_session() as session:
        entry = session.execute(select(Responsibility).where(Responsibility.code == "QS-001")).scalar_one()
        assert entry.agency_id == world.town and entry.domain == "规划建设"


def test_key_is_code_else_matter_and_agency(world):
    _import(LIST_CSV)
    changed = LIST_CSV.replace("QS-001,市住房和城乡建设局", "QS-001,市城管局").replace(
        "对占道经营的处罚,白沙街道,城镇管理,,市综合行政执法局", "对占道经营的处罚,白沙街道,城镇管理,,市城管局")
    result = _import(changed)
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    # Another agency for the same matter and no code is another entry.
    more = _import(HEADER + "对占道经营的处罚,青山镇,城镇管理,,,\n")
    assert more.created == 1 and _count(Responsibility) == 4


def test_bad_rows_are_all_named_and_nothing_is_written(world):
    bad = HEADER + (
        "对某事项的处罚,青山镇,,A-1,,\n"
        ",青山镇,,A-2,,\n"                         # line 3: no matter
        "对另一事项的处罚,不存在的单位,,A-3,,\n"      # line 4: unknown agency
        "对第三事项的处罚,白沙街道,,A-1,,\n"          # line 5: code repeats line 2
        "对\x07事项的处罚,白沙街道,,A-5,,\n"          # line 6: control character
    )
    with pytest.raises(ImportRefused) as refused:
        _import(bad)
    text = [str(e) for e in refused.value.errors]
    assert any(t.startswith("第3行（line 3），列“事项名称”") for t in text), text
    assert any(t.startswith("第4行（line 4），列“责任单位”") for t in text), text
    assert any(t.startswith("第5行（line 5），列“事项编码”") for t in text), text
    assert any(t.startswith("第6行（line 6），列“事项名称”") for t in text), text
    assert _count(Responsibility) == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_round_trips(world, fmt, tmp_path):
    _import(LIST_CSV)
    with read_session() as session:
        data = export_responsibilities(session, fmt)
    if fmt == "xlsx":
        ws = load_workbook(__import__("io").BytesIO(data)).active
        cells = [c for row in ws.iter_rows() for c in row if c.value and str(c.value).startswith("=")]
        assert cells and all(c.data_type == "s" for c in cells)  # text, not a formula
    else:
        assert "'=HYPERLINK" in data.decode("utf-8-sig")
    with write_session() as session:
        again = import_responsibilities(session, OFFICE, read_table(data, f"list.{fmt}"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    with read_session() as session:
        basis = session.execute(select(Responsibility.legal_basis).where(Responsibility.code == "QS-003")).scalar()
    assert basis == '=HYPERLINK("x")'


def test_cli_import_and_export(world, tmp_path, capsys):
    source = tmp_path / "list.csv"
    source.write_text(LIST_CSV, encoding="utf-8")
    assert cli.main(["import", "responsibilities", str(source)]) == 0
    assert "新增3条" in capsys.readouterr().out
    target = tmp_path / "out.xlsx"
    assert cli.main(["export", "responsibilities", str(target)]) == 0
    assert cli.main(["import", "responsibilities", str(target)]) == 0
    assert "未变3条" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "某事项,无此单位,,,,\n", encoding="utf-8")
    assert cli.main(["import", "responsibilities", str(bad)]) == 1
    assert "第2行（line 2）" in capsys.readouterr().err


def test_only_the_office_imports_and_edits(world):
    with pytest.raises(PermissionDenied):
        _import(LIST_CSV, actor=world.head(world.town))
    _import(LIST_CSV)
    with read_session() as session:
        entry = session.execute(select(Responsibility).where(Responsibility.code == "QS-001")).scalar_one()
    with pytest.raises(PermissionDenied):
        commands.update_responsibility(world.clerk(world.town), entry.id, entry.matter, world.housing,
                                       expected_version=entry.version, today=TODAY)


def test_search_by_words_domain_agency_and_basis(world):
    _import(LIST_CSV)
    with read_session() as session:
        found, total = queries.search_responsibilities(session, text="施工 许可")
        assert total == 1 and found[0].agency == "青山镇"
        _, total = queries.search_responsibilities(session, domain="城镇管理")
        assert total == 1
        _, total = queries.search_responsibilities(session, agency_id=world.housing)
        assert total == 1
        found, total = queries.search_responsibilities(session, basis="建筑法")
        assert total == 1 and found[0].code == "QS-001"
        _, total = queries.search_responsibilities(session, text="100%")
        assert total == 0


def test_office_edit_keeps_history_and_refuses_a_stale_form(world):
    saved = commands.create_responsibility(OFFICE, "对违法养殖的处罚", world.town, domain="农业农村", today=TODAY)
    edited = commands.update_responsibility(OFFICE, saved.id, "对违法养殖的处罚", world.housing,
                                            domain="农业畜牧", expected_version=saved.version, today=TODAY)
    assert edited.version == saved.version + 1
    with pytest.raises(Exception) as stale:
        commands.update_responsibility(OFFICE, saved.id, "对违法养殖的处罚", world.town,
                                       expected_version=saved.version, today=TODAY)
    assert "未执行" in str(stale.value)
    with read_session() as session:
        history = queries.responsibility_history(session, saved.id)
    assert [h.action for h in history] == ["responsibility.edit", "responsibility.create"]
    assert history[0].before["agency_id"] == world.town and history[0].after["agency_id"] == world.housing


def _dispute_at(stage: str, world, matter_ids=()) -> int:
    raised = dispute_commands.raise_dispute(OFFICE, subject="占道经营谁来管", party_ids=[world.town, world.other_town],
                                            opened_on=TODAY - timedelta(days=10), today=TODAY)
    if matter_ids:
        commands.set_dispute_matters(world.head(world.town), raised.id, list(matter_ids), today=TODAY, expected_version=None)
    order = ["joint_handling", "negotiation", "coordination", "recommendation", "ruling"]
    for _ in range(order.index(stage)):
        dispute_commands.advance_dispute(OFFICE, raised.id, on=TODAY - timedelta(days=5), note="推进", today=TODAY, expected_version=None)
    return raised.id


def test_a_party_cannot_write_the_recommendation_or_record_the_ruling(world):
    head = world.head(world.town)
    at_coordination = _dispute_at("coordination", world)
    with pytest.raises(PermissionDenied):
        dispute_commands.advance_dispute(head, at_coordination, on=TODAY, note="我方要求书面建议", today=TODAY, expected_version=None)
    at_recommendation = _dispute_at("recommendation", world)
    with pytest.raises(PermissionDenied):
        dispute_commands.advance_dispute(head, at_recommendation, on=TODAY, note="报政府裁决", today=TODAY, expected_version=None)
    at_ruling = _dispute_at("ruling", world)
    with pytest.raises(PermissionDenied):
        commands.record_ruling(head, at_ruling, TODAY, "由青山镇负责", world.town, today=TODAY, expected_version=None)
    with pytest.raises(PermissionDenied):
        dispute_commands.resolve_dispute(head, at_ruling, resolved_on=TODAY, outcome="由青山镇负责", today=TODAY, expected_version=None)
    # The parties still move the early stages themselves.
    early = _dispute_at("joint_handling", world)
    dispute_commands.advance_dispute(head, early, on=TODAY, note="进入协商", today=TODAY, expected_version=None)
    dispute_commands.advance_dispute(head, early, on=TODAY, note="请求司法局协调", today=TODAY, expected_version=None)
    with read_session() as session:
        assert session.get(Dispute, early).stage == "coordination"
        assert session.get(Dispute, at_ruling).stage == "ruling"


def test_the_ruling_updates_the_list_and_cites_the_dispute(world):
    _import(LIST_CSV)
    with read_session() as session:
        entry = session.execute(select(Responsibility).where(Responsibility.matter == "对占道经营的处罚")).scalar_one()
        other = session.execute(select(Responsibility.id).where(Responsibility.code == "QS-001")).scalar()
    dispute_id = _dispute_at("ruling", world, [entry.id])
    with pytest.raises(ValidationFailed):  # only the dispute's own matters
        commands.record_ruling(OFFICE, dispute_id, TODAY, "由青山镇负责", world.town,
                               settle_matter_ids=[other], today=TODAY, expected_version=None)
    saved = commands.record_ruling(OFFICE, dispute_id, TODAY, "由青山镇负责", world.town,
                                   settle_matter_ids=[entry.id], today=TODAY, expected_version=None)
    assert saved.status == "resolved"
    with read_session() as session:
        after = queries.responsibility(session, entry.id)
        number = session.get(Dispute, dispute_id).number
        settled, total = queries.search_responsibilities(session, settled_only=True)
        matters = queries.dispute_matters(session, dispute_id)
    assert after.agency == "青山镇" and after.settled_by == number and after.settled_on == TODAY
    assert total == 1 and settled[0].id == entry.id
    assert matters[0].settled_by == number
