"""The referral's and the dispute's written forms (python-docx), as offices exchange them:

- :func:`referral_letter_docx`: the referral letter (案件移送函) from the referral's record;
- :func:`acknowledgement_docx`: the written answer (受理告知书) from its acknowledgement;
- :func:`recommendation_docx`: the justice bureau's written recommendation (书面建议) on a
  dispute at that stage: the facts, each party's view, the legal basis (the list entries the
  dispute is about), the recommendation (the note recorded when the stage was entered).

The page layout, fonts and helpers are the meeting documents' (:mod:`meeting_docs`), so every
paper of the product looks alike. What users typed goes into text runs only (never fields or
formulas); control characters were refused when it was entered.
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from data_access.documents.meeting_docs import (
    BODY_FONT,
    HEADING_FONT,
    _heading,
    _new_document,
    _para,
    _runs,
    _save,
    _title,
    cn_date,
)
from data_access.models import (
    Agency,
    Dispute,
    DisputeMatter,
    DisputeParty,
    DisputeStage,
    Referral,
    Responsibility,
)
from rules import lifecycle

__all__ = ["referral_letter_docx", "acknowledgement_docx", "recommendation_docx", "paper_filename",
           "PaperUnavailable"]


class PaperUnavailable(LookupError):
    """The record does not (yet) support this paper; the message says why, zh / en."""


def paper_filename(number: str, kind: str) -> str:
    names = {"letter": "案件移送函", "answer": "受理告知书", "recommendation": "书面建议"}
    return f"{number}-{names[kind]}.docx"


def _referral(session: Session, referral_id: int):
    src, dst = aliased(Agency), aliased(Agency)
    row = session.execute(
        select(Referral, src, dst, Responsibility)
        .join(src, src.id == Referral.from_agency_id)
        .join(dst, dst.id == Referral.to_agency_id)
        .outerjoin(Responsibility, Responsibility.id == Referral.matter_id)
        .where(Referral.id == referral_id)
    ).first()
    if row is None:
        raise PaperUnavailable(f"找不到该移送案件。 / No referral with id {referral_id}.")
    return row


def _signature(doc, agency: str, day) -> None:
    _para(doc, "")
    _para(doc, f"{agency}（盖章）", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, cn_date(day) if day else "    年  月  日", align=WD_ALIGN_PARAGRAPH.RIGHT)


def _number_line(doc, text: str) -> None:
    _para(doc, text, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)


def referral_letter_docx(session: Session, referral_id: int) -> bytes:
    ref, src, dst, matter = _referral(session, referral_id)
    doc = _new_document(f"案件移送函 {ref.number}")
    _title(doc, "案件移送函")
    _number_line(doc, f"编号：{ref.number}")
    _para(doc, f"{dst.name}：")
    found = f"{cn_date(ref.discovered_on)}" if ref.discovered_on else "近日"
    domain = f"（{ref.domain}领域）" if ref.domain else ""
    _para(doc, f"我单位于{found}发现“{ref.title}”{domain}一案。经审查，该案件不属于我单位管辖，"
               "根据乡镇（街道）综合行政执法案件移送的有关规定，现将该案件移送贵单位依法处理。", indent=True)
    if matter is not None:
        basis = f"，依据：{matter.legal_basis}" if matter.legal_basis else ""
        _para(doc, f"该案件涉及权责清单事项“{matter.matter}”"
                   f"{'（编码 ' + matter.code + '）' if matter.code else ''}{basis}。", indent=True)
    if ref.routing_reason:
        _para(doc, f"移送说明：{ref.routing_reason}", indent=True)
    if ref.urgency == "urgent":
        _para(doc, "本案情况紧急，请即时处置。", indent=True)
    if ref.criminal:
        _para(doc, "本案涉嫌犯罪，请依法在3日内受理。", indent=True)
    else:
        _para(doc, "请于收到本函之日起5个工作日内书面告知受理情况。", indent=True)
    materials = "、".join(ref.materials or []) or "无"
    _para(doc, f"附件：{materials}", indent=True)
    contact = "，".join(x for x in (f"联系人：{src.contact}" if src.contact else "",
                                    f"联系电话：{src.phone}" if src.phone else "") if x)
    if contact:
        _para(doc, contact, indent=True)
    if ref.approved_by:
        _para(doc, f"审批负责人：{ref.approved_by}", indent=True)
    _signature(doc, src.name, ref.sent_on)
    return _save(doc)


_ANSWERS = {
    "accepted": "经审查，该案件属于我单位管辖，决定予以受理。",
    "declined": "经审查，决定不予受理。",
    "returned": "经审查，现将该案件退回贵单位。",
}


def acknowledgement_docx(session: Session, referral_id: int) -> bytes:
    ref, src, dst, _matter = _referral(session, referral_id)
    if ref.ack_on is None or ref.ack_outcome is None:
        raise PaperUnavailable("该移送案件尚未受理告知，无法生成受理告知书。"
                               " / The referral has not been acknowledged yet.")
    doc = _new_document(f"受理告知书 {ref.number}")
    _title(doc, "案件受理告知书")
    _number_line(doc, f"移送编号：{ref.number}")
    _para(doc, f"{src.name}：")
    sent = cn_date(ref.sent_on) if ref.sent_on else ""
    _para(doc, f"贵单位于{sent}移送的“{ref.title}”一案收悉。{_ANSWERS[ref.ack_outcome]}", indent=True)
    if ref.ack_reason:
        _para(doc, f"理由：{ref.ack_reason}", indent=True)
    _para(doc, f"受理结果：{lifecycle.ACK_OUTCOMES[ref.ack_outcome]}", indent=True)
    _para(doc, "特此告知。", indent=True)
    _signature(doc, dst.name, ref.ack_on)
    return _save(doc)


def recommendation_docx(session: Session, dispute_id: int) -> bytes:
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise PaperUnavailable(f"找不到该争议。 / No dispute with id {dispute_id}.")
    stages = session.execute(
        select(DisputeStage).where(DisputeStage.dispute_id == dispute_id).order_by(DisputeStage.id)
    ).scalars().all()
    written = next((s for s in stages if s.stage == "recommendation"), None)
    if written is None:
        raise PaperUnavailable("该争议尚未进入“书面建议”阶段。 / The dispute has not reached the written"
                               " recommendation stage.")
    parties = session.execute(
        select(Agency.name, DisputeParty.position).join(DisputeParty, DisputeParty.agency_id == Agency.id)
        .where(DisputeParty.dispute_id == dispute_id).order_by(Agency.name)
    ).all()
    matters = session.execute(
        select(Responsibility.matter, Responsibility.code, Responsibility.legal_basis, Agency.name)
        .join(DisputeMatter, DisputeMatter.responsibility_id == Responsibility.id)
        .join(Agency, Agency.id == Responsibility.agency_id)
        .where(DisputeMatter.dispute_id == dispute_id).order_by(Responsibility.matter)
    ).all()
    office = session.execute(
        select(Agency.name).where(Agency.kind == "coordinator").order_by(Agency.id)
    ).scalars().first() or "联席会议办公室"

    doc = _new_document(f"书面建议 {dispute.number}")
    _title(doc, f"关于“{dispute.subject}”职责争议的书面建议", size=20)
    _number_line(doc, f"争议编号：{dispute.number}")
    _para(doc, "市人民政府：")
    names = "、".join(n for n, _p in parties)
    _para(doc, f"{names}就“{dispute.subject}”的职责归属存在争议（{cn_date(dispute.opened_on)}提出）。"
               "经先行协同处置、协商和司法局协调，各方仍未达成一致。现提出书面建议如下：", indent=True)
    _heading(doc, "一、基本情况")
    if dispute.description:
        _para(doc, dispute.description, indent=True)
    for stage in stages:
        if stage.stage in ("recommendation", "ruling", "resolved"):
            continue  # the recommendation itself is part four
        note = f"：{stage.note}" if stage.note else ""
        _para(doc, f"{cn_date(stage.entered_on)}，{lifecycle.status_label('dispute', stage.stage, 'zh')}{note}",
              indent=True)
    _heading(doc, "二、各方意见")
    for name, position in parties:
        p = _para(doc, "", indent=True)
        _runs(p, [(f"{name}：", HEADING_FONT, False), (position or "未提交书面意见。", BODY_FONT, False)])
    _heading(doc, "三、法律依据")
    if not matters:
        _para(doc, "本争议未指明权责清单事项。", indent=True)
    for matter, code, basis, holder in matters:
        code_text = f"（编码 {code}）" if code else ""
        _para(doc, f"权责清单事项“{matter}”{code_text}，现由{holder}承担；依据：{basis or '清单未载明'}。", indent=True)
    _heading(doc, "四、处理建议")
    _para(doc, written.note or "（建议内容见附件）", indent=True)
    _para(doc, "以上建议妥否，请裁决。", indent=True)
    _signature(doc, office, written.entered_on)
    return _save(doc)
