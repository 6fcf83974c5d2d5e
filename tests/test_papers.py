"""The referral letter (移送函), the written answer (受理告知书) and the 书面建议, generated as
Word documents from the records."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document

from data_access.commands import disputes
from data_access.commands import referrals as referral_commands
from data_access.commands import responsibilities as list_commands
from data_access.db import read_session
from data_access.documents.papers import (
    PaperUnavailable,
    acknowledgement_docx,
    recommendation_docx,
    referral_letter_docx,
)
from tests.support.entry_world import OFFICE, TODAY, make_world, valid_referral


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


@pytest.fixture
def world(empty_db):
    return make_world()


def test_referral_letter_and_written_answer(world):
    matter = list_commands.create_responsibility(OFFICE, "对未取得施工许可证擅自施工的处罚", world.housing,
                                                 legal_basis="《建筑法》第六十四条", today=TODAY)
    saved = referral_commands.create_referral(world.clerk(world.town), matter_id=matter.id,
                                              **valid_referral(world, title="村道旁违法建设"))
    with read_session() as session:
        letter = _text(referral_letter_docx(session, saved.id))
        with pytest.raises(PaperUnavailable):
            acknowledgement_docx(session, saved.id)
    assert "案件移送函" in letter and saved.number in letter and "市住房和城乡建设局：" in letter
    assert "村道旁违法建设" in letter and "《建筑法》第六十四条" in letter and "青山镇（盖章）" in letter
    assert "移送函、现场照片" in letter and "李镇长" in letter
    referral_commands.acknowledge_referral(world.clerk(world.housing), saved.id, outcome="declined",
                                           ack_on=TODAY - timedelta(days=18), reason="不属于本单位职责",
                                           today=TODAY, expected_version=None)
    with read_session() as session:
        answer = _text(acknowledgement_docx(session, saved.id))
    assert "案件受理告知书" in answer and "青山镇：" in answer and "不予受理" in answer
    assert "不属于本单位职责" in answer and "市住房和城乡建设局（盖章）" in answer


def test_recommendation_at_its_stage(world):
    entry = list_commands.create_responsibility(OFFICE, "对占道经营的处罚", world.other_town,
                                                legal_basis="《城市市容和环境卫生管理条例》", today=TODAY)
    raised = disputes.raise_dispute(OFFICE, subject="占道经营谁来管", party_ids=[world.town, world.other_town],
                                    opened_on=TODAY - timedelta(days=10), description="菜市场门口长期占道经营。",
                                    today=TODAY)
    list_commands.set_dispute_matters(OFFICE, raised.id, [entry.id], today=TODAY, expected_version=None)
    with read_session() as session:
        with pytest.raises(PaperUnavailable):
            recommendation_docx(session, raised.id)
    for note in ("协商未果", "协调未果", "建议由白沙街道负责，青山镇配合。"):
        disputes.advance_dispute(OFFICE, raised.id, on=TODAY - timedelta(days=2), note=note, today=TODAY, expected_version=None)
    with read_session() as session:
        text = _text(recommendation_docx(session, raised.id))
    assert "书面建议" in text and raised.number in text and "菜市场门口长期占道经营" in text
    assert "二、各方意见" in text and "青山镇：未提交书面意见。" in text
    assert "《城市市容和环境卫生管理条例》" in text and "建议由白沙街道负责，青山镇配合。" in text
