"""The data-entry pages driven with Streamlit's AppTest: valid input, each kind of invalid
input shown under its own field, a probable duplicate held back before saving, a stale
edit refused with the name of whoever changed the record, and the ledger import.

The pages count "today" from the real date, so every date here is relative to it.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from streamlit.testing.v1 import AppTest

from data_access.commands import assistance, disputes, operations
from data_access.commands import referrals as cmd
from data_access.db import read_session, write_session
from data_access.models import Agency, AuditEntry, Dispute, JointOperation, Referral
from tests.support.apptest import open_page
from tests.support.entry_world import OFFICE, counts, make_world

PAGES = Path(__file__).resolve().parent.parent / "pages"
TODAY = date.today()


@pytest.fixture
def world(empty_db):
    return make_world()


def submit(at: AppTest, index: int = 0) -> AppTest:
    at.form_submit_button[index].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _flat(node) -> list:
    out = [node]
    for child in getattr(node, "children", {}).values():
        out.extend(_flat(child))
    return out


def error_under(at: AppTest, key: str) -> str:
    """The error shown directly under the input with ``key`` (captions may sit between)."""
    nodes = _flat(at.main)
    start = next(i for i, n in enumerate(nodes) if getattr(n, "key", None) == key)
    for node in nodes[start + 1:]:
        kind = getattr(node, "type", None)
        if kind == "error":
            return node.value
        if getattr(node, "key", None) is not None or kind not in ("caption", "empty", None, "markdown"):
            return ""
    return ""


def k(at: AppTest, form: str, field: str) -> str:
    """The widget key of ``field`` in ``form`` now (forms renew their keys after a save)."""
    generation = at.session_state[f"{form}__generation"] if f"{form}__generation" in at.session_state else 0
    return f"{form}.{generation}.{field}"


def fill(at: AppTest, form: str, values: dict) -> AppTest:
    """Set inputs of ``form`` by field name (a multiselect to the whole list of choices)."""
    nodes = _flat(at.main)
    for field, value in values.items():
        next(n for n in nodes if getattr(n, "key", None) == k(at, form, field)).set_value(value)
    return at


def successes(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


def referral_count() -> int:
    with read_session() as s:
        return s.execute(select(func.count()).select_from(Referral)).scalar()


def fill_referral(at: AppTest, world, *, title="村道旁违法建设", to=None, approved_by="李镇长", sender=None):
    at.text_input(key=k(at, "new_referral", "title")).input(title)
    if sender is not None:
        at.selectbox(key=k(at, "new_referral", "from_agency_id")).select(sender)
    at.selectbox(key=k(at, "new_referral", "to_agency_id")).select(to or world.housing)
    at.text_input(key=k(at, "new_referral", "approved_by")).input(approved_by)
    return at


# --------------------------------------------------------------------------- new referral


def test_new_referral_saves_confirms_and_offers_a_fresh_form(world):
    clerk = world.clerk(world.town)
    at = open_page("new_referral", clerk)
    # Defaults: today, the clerk's own agency as the sender (locked), the referral letter ticked.
    assert at.date_input(key=k(at, "new_referral", "discovered_on")).value == TODAY
    assert at.selectbox(key=k(at, "new_referral", "from_agency_id")).value == world.town
    assert at.selectbox(key=k(at, "new_referral", "from_agency_id")).disabled
    assert at.checkbox(key=k(at, "new_referral", "materials.移送函")).value is True

    submit(fill_referral(at, world))
    (message,) = successes(at)
    assert "YS-" in message and "村道旁违法建设" in message and "市住房和城乡建设局" in message
    # Ready for the next entry: new widget identities, so the browser shows defaults again.
    assert k(at, "new_referral", "title") == "new_referral.1.title"
    assert at.text_input(key=k(at, "new_referral", "title")).value == ""
    with read_session() as s:
        ref = s.execute(select(Referral)).scalar_one()
    assert ref.number in message and ref.from_agency_id == world.town and ref.status == "sent"
    assert ref.sent_on == TODAY and ref.approved_by == "李镇长"


def test_new_referral_errors_sit_under_their_fields_and_the_input_is_kept(world):
    at = open_page("new_referral", world.clerk(world.town))
    long_title = "违" * 201
    fill_referral(at, world, title=long_title, to=world.town, approved_by="")
    at.date_input(key=k(at, "new_referral", "discovered_on")).set_value(TODAY + timedelta(days=3))
    before = counts()
    submit(at)
    assert "太长" in error_under(at, k(at, "new_referral", "title"))
    assert "不能移送给本单位自己" in error_under(at, k(at, "new_referral", "to_agency_id"))
    assert "不能晚于今天" in error_under(at, k(at, "new_referral", "discovered_on"))
    assert "负责人书面批准" in error_under(at, k(at, "new_referral", "approved_by"))
    assert error_under(at, k(at, "new_referral", "domain")) == ""  # a valid field shows nothing
    # What the user typed is still there, and nothing was saved.
    assert at.text_input(key=k(at, "new_referral", "title")).value == long_title
    assert at.date_input(key=k(at, "new_referral", "discovered_on")).value == TODAY + timedelta(days=3)
    assert successes(at) == [] and counts() == before

    # Corrected, it saves.
    at.text_input(key=k(at, "new_referral", "title")).input("村道旁违法建设")
    at.selectbox(key=k(at, "new_referral", "to_agency_id")).select(world.housing)
    at.text_input(key=k(at, "new_referral", "approved_by")).input("李镇长")
    at.date_input(key=k(at, "new_referral", "discovered_on")).set_value(TODAY)
    submit(at)
    assert len(successes(at)) == 1 and referral_count() == 1


def test_several_field_errors_each_show_in_the_users_language_with_a_summary(world, monkeypatch):
    import ui.i18n

    for language, words, summary in (
        ("en", ("too long", "cannot go to the referring agency itself", "written approval"), "fields need fixing"),
        ("zh", ("太长", "不能移送给本单位自己", "负责人书面批准"), "处需要修改"),
    ):
        # AppTest formats the choices of a widget outside the page run too, where no session
        # state holds the language: the test process speaks it as well.
        monkeypatch.setattr(ui.i18n, "lang", lambda language=language: language)
        at = AppTest.from_file(str(PAGES / "new_referral.py"), default_timeout=60)
        at.session_state["actor"] = world.clerk(world.town)
        at.session_state["lang"] = language
        at.run()
        fill_referral(at, world, title="违" * 201, to=world.town, approved_by="")
        submit(at)
        for field, word in zip(("title", "to_agency_id", "approved_by"), words):
            assert word in error_under(at, k(at, "new_referral", field)), (language, field)
        shown = [e.value for e in at.error]
        assert any(summary in e for e in shown), shown
        # One language only: never the other half of a message.
        other = re.compile(r"[\u4e00-\u9fff]") if language == "en" else re.compile(r"[A-Za-z]{3,}")
        assert not [e for e in shown if other.search(e)], shown


def test_new_referral_sent_before_discovered_and_no_letter(world):
    at = open_page("new_referral", OFFICE)
    fill_referral(at, world, sender=world.town)
    at.date_input(key=k(at, "new_referral", "sent_on")).set_value(TODAY - timedelta(days=2))
    at.checkbox(key=k(at, "new_referral", "materials.移送函")).uncheck()
    submit(at)
    assert "不能早于发现日期" in error_under(at, k(at, "new_referral", "sent_on"))
    assert "须附移送函" in error_under(at, k(at, "new_referral", "materials.询问笔录"))
    assert referral_count() == 0


def test_agency_deactivated_while_the_form_was_open_is_refused_by_name(world):
    at = open_page("new_referral", OFFICE)
    fill_referral(at, world, sender=world.town)
    with write_session() as s:
        s.execute(update(Agency).where(Agency.id == world.housing).values(active=False))
    submit(at)
    message = error_under(at, k(at, "new_referral", "to_agency_id"))
    assert "市住房和城乡建设局" in message and "已停用" in message
    assert referral_count() == 0
    # A fresh form no longer offers it.
    fresh = open_page("new_referral", OFFICE)
    assert "市住房和城乡建设局" not in fresh.selectbox(key=k(fresh, "new_referral", "to_agency_id")).options


def test_probable_duplicate_is_shown_before_saving(world):
    first = cmd.create_referral(
        OFFICE, title="村道旁违法建设", from_agency_id=world.town, to_agency_id=world.housing,
        discovered_on=TODAY - timedelta(days=3), sent_on=TODAY - timedelta(days=2), approved_by="李镇长",
    )
    at = open_page("new_referral", world.clerk(world.town))
    submit(fill_referral(at, world))
    (warning,) = at.warning
    assert "可能重复" in warning.value
    assert any(first.number in m.value for m in at.markdown)
    assert referral_count() == 1 and successes(at) == []

    at.button(key="new_referral__save_anyway").click().run()
    assert not at.exception
    assert len(successes(at)) == 1 and referral_count() == 2


# --------------------------------------------------------------------------- referral handling


def _sent_referral(world, *, sent_days_ago=2) -> int:
    return cmd.create_referral(
        OFFICE, title="河道非法采砂", from_agency_id=world.town, to_agency_id=world.housing,
        discovered_on=TODAY - timedelta(days=sent_days_ago + 1), sent_on=TODAY - timedelta(days=sent_days_ago),
        approved_by="李镇长",
    ).id


def test_acknowledge_then_report_then_close(world):
    rid = _sent_referral(world)
    head = world.head(world.housing)
    at = open_page("referral_actions", head)
    assert at.radio(key=k(at, f"referral_{rid}", "action")).value == "acknowledge"
    assert any("表单版本 v1" in c.value for c in at.caption)
    submit(at)
    assert "已受理" in successes(at)[0]
    assert at.radio(key=k(at, f"referral_{rid}", "action")).value == "report"  # the next step is offered

    at.text_area(key=k(at, f"referral_{rid}", "report.summary")).input("已立案，责令停止采砂")
    submit(at)
    assert "已反馈" in successes(at)[0]
    submit(at)  # close
    assert "已办结" in successes(at)[0]
    with read_session() as s:
        assert s.get(Referral, rid).status == "closed"


def test_acknowledgement_before_sending_and_missing_reason(world):
    rid = _sent_referral(world)
    at = open_page("referral_actions", world.head(world.housing))
    at.date_input(key=k(at, f"referral_{rid}", "ack.ack_on")).set_value(TODAY - timedelta(days=5))
    at.radio(key=k(at, f"referral_{rid}", "ack.outcome")).set_value("returned")
    submit(at)
    assert "不能早于移送日期" in error_under(at, k(at, f"referral_{rid}", "ack.ack_on"))
    assert "请填写理由" in error_under(at, k(at, f"referral_{rid}", "ack.reason"))
    with read_session() as s:
        assert s.get(Referral, rid).status == "sent"


def test_only_the_steps_the_state_allows_are_offered(world):
    # Issue #16: a sent referral offers its acknowledgement only (the lifecycle's refusal of
    # a wrong step stays the command's, tested with the commands).
    rid = _sent_referral(world)
    at = open_page("referral_actions", OFFICE)
    assert list(at.radio(key=k(at, f"referral_{rid}", "action")).options) == ["受理告知"]
    with read_session() as s:
        assert s.get(Referral, rid).status == "sent"


def test_stale_edit_is_refused_naming_who_changed_it(world):
    rid = _sent_referral(world)
    at = open_page("referral_actions", world.head(world.housing))
    # Meanwhile another user of the receiving agency answers it.
    cmd.acknowledge_referral(world.clerk(world.housing), rid, outcome="accepted", ack_on=TODAY,
                             expected_version=1)
    at.radio(key=k(at, f"referral_{rid}", "ack.outcome")).set_value("returned")
    at.text_area(key=k(at, f"referral_{rid}", "ack.reason")).input("材料不全")
    before = counts()
    submit(at)
    messages = " ".join(e.value for e in at.error)
    assert f"clerk{world.housing}" in messages and "未执行" in messages
    assert counts() == before
    with read_session() as s:
        ref = s.get(Referral, rid)
    assert ref.ack_outcome == "accepted" and ref.ack_reason is None  # nothing overwritten
    # Reloading shows the record as it is now, with the next step.
    at.button(key=f"referral_{rid}__reload").click().run()
    assert at.radio(key=k(at, f"referral_{rid}", "action")).value == "report"
    assert any("表单版本 v2" in c.value for c in at.caption)


def test_returned_referral_is_revised_and_sent_again_from_the_page(world):
    rid = _sent_referral(world)
    cmd.acknowledge_referral(OFFICE, rid, outcome="returned", ack_on=TODAY, reason="缺询问笔录", expected_version=None)
    at = open_page("referral_actions", world.clerk(world.town))
    assert at.radio(key=k(at, f"referral_{rid}", "action")).value == "revise"
    assert at.text_input(key=k(at, f"referral_{rid}", "title")).value == "河道非法采砂"
    at.checkbox(key=k(at, f"referral_{rid}", "materials.询问笔录")).check()
    submit(at)
    assert "已移送" in successes(at)[0]
    with read_session() as s:
        ref = s.get(Referral, rid)
    assert ref.status == "sent" and "询问笔录" in ref.materials


# --------------------------------------------------------------------------- other forms


def test_assistance_request_and_answer(world):
    at = open_page("assistance", world.clerk(world.town))
    submit(fill(at, "assist_new", {"kind": "testing", "subject": "河水水质检测", "to_agency_id": world.housing}))
    assert "XZ-" in successes(at)[0]

    dept = open_page("assistance", world.head(world.housing))
    answer = f"assist_{dept.selectbox(key='assist_answer.pick').value}"
    submit(fill(dept, answer, {"answered_on": TODAY + timedelta(days=1)}), 1)
    assert "不能晚于今天" in error_under(dept, k(dept, answer, "answered_on"))
    assert "请填写答复内容" in error_under(dept, k(dept, answer, "answer"))
    submit(fill(dept, answer, {"answered_on": TODAY, "answer": "检测结果：超标"}), 1)
    assert "已答复" in successes(dept)[0]


def test_dispute_raise_and_advance(world):
    head = world.head(world.town)
    at = open_page("dispute_entry", head)
    submit(fill(at, "dispute_new", {"subject": "山塘违建归属"}))
    assert "至少要选 2 个" in error_under(at, k(at, "dispute_new", "party_ids"))
    submit(fill(at, "dispute_new", {"party_ids": [world.town, world.housing], "referral_number": "YS-1999-000001"}))
    assert "找不到移送编号" in error_under(at, k(at, "dispute_new", "referral_number"))
    submit(fill(at, "dispute_new", {"referral_number": ""}))
    assert "ZY-" in successes(at)[0]

    with read_session() as s:
        advance = f"dispute_{s.execute(select(Dispute.id)).scalar_one()}"
    at = open_page("dispute_entry", head)
    submit(at, 1)
    assert "请填写阶段说明" in error_under(at, k(at, advance, "advance.note"))
    submit(fill(at, advance, {"advance.note": "先行处置后协商"}), 1)
    assert "协商" in successes(at)[0]


def test_special_operation_too_late_then_on_time_then_approved(world):
    at = open_page("operations", world.clerk(world.town))
    submit(fill(at, "operation_new", {"title": "河道专项整治", "mechanism": "special", "participant_ids": [world.housing],
                                      "start_on": TODAY + timedelta(days=2)}))
    assert "3日前提出申请" in error_under(at, k(at, "operation_new", "start_on"))
    submit(fill(at, "operation_new", {"start_on": TODAY + timedelta(days=3)}))
    assert "LH-" in successes(at)[0] and "已申请" in successes(at)[0]

    office = open_page("operations", OFFICE)
    with read_session() as s:
        oid = s.execute(select(JointOperation.id)).scalar_one()
    assert office.radio(key=k(office, f"operation_{oid}", "action")).value == "decide"
    submit(office, 1)
    assert "已批准" in successes(office)[0]


def test_observer_sees_no_entry_forms(world):
    from tests.support.entry_world import OBSERVER

    for name in ("new_referral", "referral_actions", "assistance", "dispute_entry", "operations", "import_ledger"):
        at = open_page(name, OBSERVER)
        assert len(at.form_submit_button) == 0 and len(at.info) == 1


# --------------------------------------------------------------------------- ledger import


HEADER = "移送编号,案件名称,违法领域,移送单位,接收单位,发现日期,移送日期,紧急程度,延期告知,涉嫌犯罪,受理告知日期,受理结果,结果反馈日期,办结日期\n"


def _csv(*lines: str) -> bytes:
    return ("\ufeff" + HEADER + "".join(line + "\n" for line in lines)).encode("utf-8")


def test_import_shows_every_bad_row_and_writes_nothing(world):
    sent = (TODAY - timedelta(days=10)).isoformat()
    bad = _csv(
        f"YS-2026-900001,正常案件,城镇管理,青山镇,市住房和城乡建设局,,{sent},普通,否,否,,,,",
        f"YS-2026-900002,单位不存在,城镇管理,青山镇,不存在的局,,{sent},普通,否,否,,,,",
        f"YS-2026-900003,受理早于移送,城镇管理,青山镇,市公安局,,{sent},普通,否,否,2020-01-01,受理,,",
    )
    at = open_page("import_ledger", OFFICE)
    at.file_uploader[0].set_value(("台账.csv", bad, "text/csv")).run()
    assert not at.exception
    errors = at.dataframe[0].value
    # Every bad row with its spreadsheet line (the header is line 1), column and reason.
    by_line = {line: (column, problem) for line, column, problem in errors.itertuples(index=False)}
    assert set(by_line) == {3, 4}
    assert by_line[3][0] == "接收单位" and "不存在的局" in by_line[3][1]
    assert by_line[4][0] == "受理告知日期" and "早于移送日期" in by_line[4][1]
    assert "整个文件不会导入" in at.error[0].value
    assert len(at.button) == 0  # no import button while any row is bad
    assert referral_count() == 0


def test_import_good_file_with_progress_then_template(world):
    sent = (TODAY - timedelta(days=10)).isoformat()
    good = _csv(
        f"YS-2026-900001,村道违建,城镇管理,青山镇,市住房和城乡建设局,,{sent},普通,否,否,,,,",
        f"YS-2026-900002,非法采砂,国土资源,白沙街道,市公安局,,{sent},紧急,否,是,{TODAY.isoformat()},受理,,",
    )
    at = open_page("import_ledger", OFFICE)
    at.file_uploader[0].set_value(("台账.csv", good, "text/csv")).run()
    assert [m.value for m in at.metric][:3] == ["2", "2", "0"]
    at.button(key="import_ledger.go").click().run()
    assert not at.exception
    assert "新增2条" in successes(at)[0]
    with read_session() as s:
        statuses = dict(s.execute(select(Referral.number, Referral.status)).all())
        audit = s.execute(select(AuditEntry.action).order_by(AuditEntry.id.desc())).scalars().first()
    assert statuses == {"YS-2026-900001": "sent", "YS-2026-900002": "accepted"}
    assert audit == "import.referrals"

    template = at.get("download_button")[0]
    assert template.proto.label == "下载空白模板"


def test_template_has_the_contract_headers():
    from data_access.importing import template_xlsx

    sheet = load_workbook(io.BytesIO(template_xlsx("referrals"))).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:14] == HEADER.strip().split(",")


def test_import_page_is_for_the_office_only(world):
    at = open_page("import_ledger", world.head(world.town))
    assert len(at.file_uploader) == 0 and "办公室" in at.info[0].value


def test_other_commands_leave_pages_consistent(world):
    """A record created through the commands appears in the handling pages' pickers."""
    assistance.request_assistance(OFFICE, kind="opinion", subject="咨询", from_agency_id=world.town,
                                  to_agency_id=world.police, requested_on=TODAY)
    disputes.raise_dispute(OFFICE, subject="归属", party_ids=[world.town, world.police], opened_on=TODAY)
    operations.create_operation(OFFICE, title="检查", mechanism="routine", lead_agency_id=world.police,
                                participant_ids=[world.town], start_on=TODAY + timedelta(days=7))
    police = world.head(world.police)
    assert open_page("assistance", police).selectbox(key="assist_answer.pick").value is not None
    assert open_page("dispute_entry", police).selectbox(key="dispute_open.pick").value is not None
    assert open_page("operations", police).selectbox(key="operation_open.pick").value is not None


@pytest.mark.parametrize(
    "name, title",
    [("new_referral", "New referral"), ("referral_actions", "Referral handling"),
     ("assistance", "Assistance requests"), ("dispute_entry", "Dispute entry"),
     ("operations", "Joint operations"), ("import_ledger", "Import ledgers")],
)
def test_pages_speak_english_when_asked(world, name, title):
    _sent_referral(world)
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    at.session_state["actor"] = OFFICE
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == title
