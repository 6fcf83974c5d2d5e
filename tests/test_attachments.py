"""Files attached to referrals, assistance requests and disputes: judged by content and size,
seen by the parties and the office only, every download audited, kept by ``backup``."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from sqlalchemy import func, select

from data_access import db, schema
from data_access.backup import backup_sqlite
from data_access.commands import assistance, disputes
from data_access.commands import referrals as referral_commands
from data_access.commands.attachments import attach_file, download_attachment
from data_access.commands.base import PermissionDenied, ValidationFailed
from data_access.db import read_session
from data_access.models import Attachment, AuditEntry
from data_access.queries.attachments import attachments_for
from rules import attachments as rules
from tests.support.entry_world import OBSERVER, OFFICE, TODAY, make_world, valid_referral

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + b"\x00" * 64


def _docx() -> bytes:
    doc = Document()
    doc.add_paragraph("现场检查记录")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture
def world(empty_db):
    return make_world()


@pytest.fixture
def referral(world):
    return referral_commands.create_referral(world.clerk(world.town), **valid_referral(world)).id


def test_party_attaches_by_content_and_lists_without_loading_content(world, referral):
    clerk = world.clerk(world.town)
    attach_file(clerk, "referral", referral, "移送函", "移送函.pdf", PDF, today=TODAY)
    attach_file(clerk, "referral", referral, "现场照片", "照片.jpg", PNG, today=TODAY)  # a PNG named .jpg is a PNG
    attach_file(world.clerk(world.housing), "referral", referral, "现场检查记录", "记录.docx", _docx(), today=TODAY)
    with read_session() as session:
        listed = attachments_for(session, "referral", referral)
    assert [(a.material, a.mime) for a in listed] == [
        ("移送函", "application/pdf"), ("现场照片", "image/png"),
        ("现场检查记录", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]


def test_refused_by_content_type_and_by_size(world, referral):
    clerk = world.clerk(world.town)
    with pytest.raises(ValidationFailed) as wrong:
        attach_file(clerk, "referral", referral, "移送函", "移送函.pdf", b"MZ\x90\x00 this is a program, not a pdf", today=TODAY)
    assert "不是允许的类型" in wrong.value.errors["content"]
    with pytest.raises(ValidationFailed) as script:
        attach_file(clerk, "referral", referral, "移送函", "letter.pdf", b"<html><script>alert(1)</script></html>", today=TODAY)
    assert "content" in script.value.errors
    with pytest.raises(ValidationFailed) as big:
        attach_file(clerk, "referral", referral, "现场照片", "big.pdf", PDF + b"0" * rules.MAX_BYTES, today=TODAY)
    assert "文件太大" in big.value.errors["content"]
    with pytest.raises(ValidationFailed) as empty:
        attach_file(clerk, "referral", referral, "现场照片", "empty.pdf", b"", today=TODAY)
    assert "content" in empty.value.errors
    with pytest.raises(ValidationFailed) as kind:
        attach_file(clerk, "referral", referral, "合同", "x.pdf", PDF, today=TODAY)
    assert "material" in kind.value.errors
    with read_session() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_only_parties_and_the_office_attach_and_download_and_downloads_are_audited(world, referral):
    saved = attach_file(world.clerk(world.town), "referral", referral, "移送函", "移送函.pdf", PDF, today=TODAY)
    for outsider in (world.clerk(world.police), OBSERVER):
        with pytest.raises(PermissionDenied):
            attach_file(outsider, "referral", referral, "移送函", "x.pdf", PDF, today=TODAY)
        with pytest.raises(PermissionDenied):
            download_attachment(outsider, saved.id)
    got = download_attachment(world.head(world.housing), saved.id)
    assert got.content == PDF and got.mime == "application/pdf" and got.filename == "移送函.pdf"
    download_attachment(OFFICE, saved.id)
    with read_session() as session:
        who = session.execute(select(AuditEntry.username).where(AuditEntry.action == "attachment.download")
                              .order_by(AuditEntry.id)).scalars().all()
    assert who == [world.head(world.housing).username, OFFICE.username]


def test_assistance_requests_and_disputes_take_attachments(world):
    request = assistance.request_assistance(world.clerk(world.town), kind="appraisal", subject="房屋安全鉴定",
                                           to_agency_id=world.housing, from_agency_id=world.town,
                                           requested_on=TODAY, today=TODAY)
    attach_file(world.clerk(world.town), "assistance", request.id, "询问笔录", "笔录.pdf", PDF, today=TODAY)
    dispute = disputes.raise_dispute(OFFICE, subject="占道经营谁来管", party_ids=[world.town, world.other_town],
                                     opened_on=TODAY - timedelta(days=1), today=TODAY)
    attach_file(world.head(world.other_town), "dispute", dispute.id, "举报投诉材料", "投诉.png", PNG, today=TODAY)
    with pytest.raises(PermissionDenied):
        attach_file(world.head(world.housing), "dispute", dispute.id, "举报投诉材料", "投诉.png", PNG, today=TODAY)
    with read_session() as session:
        assert len(attachments_for(session, "assistance", request.id)) == 1
        assert len(attachments_for(session, "dispute", dispute.id)) == 1


def test_backup_keeps_the_files(tmp_path, monkeypatch):
    """On SQLite the backup is one file: the copy holds every attachment, byte for byte."""
    source = tmp_path / "live.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{source}")
    db.reset_engines()
    try:
        schema.upgrade()
        world = make_world()
        ref = referral_commands.create_referral(world.clerk(world.town), **valid_referral(world)).id
        attach_file(world.clerk(world.town), "referral", ref, "移送函", "移送函.pdf", PDF, today=TODAY)
        attach_file(world.clerk(world.town), "referral", ref, "现场照片", "照片.png", PNG, today=TODAY)
        copy = backup_sqlite(source, tmp_path / "copy.db").path
    finally:
        db.reset_engines()
    engine = db.make_engine(f"sqlite:///{copy}")
    try:
        with read_session(engine) as session:
            files = session.execute(select(Attachment.filename, Attachment.content).order_by(Attachment.id)).all()
    finally:
        engine.dispose()
    assert [(f, c) for f, c in files] == [("移送函.pdf", PDF), ("照片.png", PNG)]


def test_referral_page_shows_papers_to_parties_only_and_makes_the_letter(world, referral):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    attach_file(world.clerk(world.town), "referral", referral, "移送函", "移送函.pdf", PDF, today=TODAY)

    def page(actor):
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "pages" / "referral_actions.py"),
                               default_timeout=60)
        at.session_state["actor"] = actor
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    receiver = page(world.clerk(world.housing))
    assert any("移送函.pdf" in m.value for m in receiver.markdown)
    receiver.button(key=f"att.referral.{referral}.fetch.1").click().run()
    assert not receiver.exception
    with read_session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "attachment.download")) == 1
    receiver.button(key=f"paper.letter.{referral}.make").click().run()
    assert not receiver.exception and f"paper.letter.{referral}" in receiver.session_state
    office = page(OFFICE)
    assert any("移送函.pdf" in m.value for m in office.markdown)
