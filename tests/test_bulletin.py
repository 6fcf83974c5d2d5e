"""The 通报: published by the office, frozen, listed for everyone; back-dated entries show as
corrections (更正) on the next report; the document reads as the page's figures."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy import or_, select, update
from streamlit.testing.v1 import AppTest

from data_access.commands.base import Actor, PermissionDenied, ValidationFailed
from data_access.commands.reports import publish_report
from data_access.db import read_session, write_session
from data_access.models import AuditEntry, PublishedReport, Referral
from data_access.queries.bulletin import bulletin_figures, published_docx, published_reports
from data_access.queries.metrics import metrics_report
from rules.metrics import parse_period
from sample_data.seed import seed_city

ROOT = Path(__file__).resolve().parent.parent
OFFICE = Actor(username="office-test", role="office")
AS_OF = date(2026, 11, 30)


@pytest.fixture
def city(empty_db):
    seed_city(empty_db, scale=0.5, random_seed=11, as_of=AS_OF, demo_users=False)
    return empty_db


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("|".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_publish_freezes_the_report_and_corrections_go_on_the_next(city):
    october = publish_report(OFFICE, "2026-10", date(2026, 10, 31), issued_on=date(2026, 11, 3), today=AS_OF)
    assert october.number == "〔2026〕1号" and october.corrections == 0
    with read_session(city) as s:
        stored = s.get(PublishedReport, october.id)
        said, document = stored.figures, stored.docx
        assert said["rows"] == [{**row, "agency_id": said["rows"][i]["agency_id"], "kind": said["rows"][i]["kind"],
                                 "考核件数": said["rows"][i]["考核件数"]}
                                for i, row in enumerate(bulletin_figures(s, parse_period("2026-10"),
                                                                         date(2026, 10, 31))["rows"])]
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "published_reports")) == "report.publish"
        # the document states the page's figures
        text = _text(document)
        page = metrics_report(s, parse_period("2026-10"), date(2026, 10, 31))
        assert "联席会议工作通报" in text and "〔2026〕1号" in text and "关于2026年10月成员单位协同工作情况的通报" in text
        ranked = [r for r in page if r["排名"] == 1]
        assert ranked and all(f"{r['排名']}|{r['单位名称']}|" in text for r in ranked)
        # a referral overdue on the October report's day (answered only in November)
        late = s.execute(select(Referral.id, Referral.to_agency_id, Referral.ack_due_on)
                         .where(Referral.sent_on.between(date(2026, 10, 1), date(2026, 10, 20)),
                                or_(Referral.ack_on.is_(None), Referral.ack_on > date(2026, 10, 31)),
                                Referral.ack_due_on < date(2026, 10, 31))
                         .order_by(Referral.id)).first()
    assert late is not None

    # Published twice: refused, nothing changes.
    with pytest.raises(ValidationFailed) as refused:
        publish_report(OFFICE, "2026-10", date(2026, 10, 31), today=AS_OF)
    assert "已经发布" in refused.value.errors["period"]

    # A back-dated correction entered now: the answer was in fact given on its due day.
    with write_session(city) as s:
        s.execute(update(Referral).where(Referral.id == late.id)
                  .values(ack_on=late.ack_due_on))
    november = publish_report(OFFICE, "2026-11", AS_OF, issued_on=date(2026, 12, 2), today=date(2026, 12, 2))
    assert november.number == "〔2026〕2号" and november.corrections > 0
    with read_session(city) as s:
        assert s.get(PublishedReport, october.id).figures == said  # the October report never changes
        assert s.get(PublishedReport, october.id).docx == document
        fixes = s.get(PublishedReport, november.id).figures["corrections"]
        assert {f["原通报"] for f in fixes} == {"〔2026〕1号"}
        assert any(f["指标"] == "按时受理告知率" for f in fixes)
        assert "对此前通报的更正" in _text(published_docx(s, november.id)[1])
        listed = published_reports(s)
    assert [r.number for r in listed] == ["〔2026〕2号", "〔2026〕1号"]
    # A third report lists nothing already corrected.
    q = publish_report(OFFICE, "2026-Q3", date(2026, 9, 30), issued_on=date(2026, 12, 3), today=date(2026, 12, 3))
    assert q.corrections == 0


def test_only_the_office_publishes_and_bad_periods_are_refused(city):
    with pytest.raises(PermissionDenied):
        publish_report(Actor(username="chair", role="chair"), "2026-10", date(2026, 10, 31), today=AS_OF)
    with pytest.raises(ValidationFailed) as refused:
        publish_report(OFFICE, "2026-13", date(2026, 10, 31), today=AS_OF)
    assert "2026-Q4" in refused.value.errors["period"]
    with pytest.raises(ValidationFailed) as refused:
        publish_report(OFFICE, "2026-11", date(2026, 11, 20), today=AS_OF)
    assert "as_of" in refused.value.errors
    with read_session(city) as s:
        assert published_reports(s) == []


def test_the_page_previews_publishes_and_lists(city):
    at = AppTest.from_file(str(ROOT / "pages" / "bulletin.py"), default_timeout=120)
    at.session_state["actor"] = OFFICE
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("排名" in h.value for h in at.subheader)
    publish = [b for b in at.button if b.label.startswith("发布")]
    assert publish
    publish[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    with read_session(city) as s:
        assert len(published_reports(s)) == 1
    # every member sees the list; only the office the publish button
    viewer = AppTest.from_file(str(ROOT / "pages" / "bulletin.py"), default_timeout=120)
    viewer.session_state["actor"] = Actor(username="viewer", role="observer")
    viewer.run()
    assert not viewer.exception
    assert not [b for b in viewer.button if b.label.startswith("发布")]
    assert any("〔" in m.value for m in viewer.markdown)
