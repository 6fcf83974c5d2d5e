"""Attach a file to a referral, an assistance request or a dispute; fetch one to download.

The type is sniffed from the content with ``filetype`` (the name's extension proves
nothing); the size is limited (:data:`rules.attachments.MAX_BYTES`). Only the parties of the
record and the office may attach or download (``attachment.add`` / ``attachment.download`` in
the matrix), and every download writes an audit row, so who read which paper is on record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import filetype
from sqlalchemy.orm import Session

from data_access.commands.base import Actor, NotFound, audit, authorize
from data_access.models import Attachment, AssistanceRequest, Dispute, Referral
from data_access.validation import Checks, Saved, column_limit, is_record_id, run_write
from rules import attachments as rules

LABELS = {
    "owner": ("所属记录", "Record"),
    "material": ("材料类型", "Kind of material"),
    "filename": ("文件名", "File name"),
    "content": ("文件", "File"),
}
_MODELS = {"referral": Referral, "assistance": AssistanceRequest, "dispute": Dispute}


def owner_agencies(owner) -> list[int]:
    """The agencies party to a record: they (and the office) see its papers."""
    if isinstance(owner, Dispute):
        return [p.agency_id for p in owner.parties]
    return [owner.from_agency_id, owner.to_agency_id]


def _owner(session: Session, owner_type: str, owner_id: int):
    model = _MODELS.get(owner_type)
    owner = session.get(model, owner_id) if model is not None and is_record_id(owner_id) else None
    if owner is None:
        raise NotFound("找不到要附加材料的记录。 / The record to attach the file to does not exist.")
    return owner


def attach_file(
    actor: Actor, owner_type: str, owner_id: int, material: str, filename: str, content: bytes, *,
    today: date | None = None, uow: Session | None = None,
) -> Saved:
    """Store ``content`` as a material of the record, after checking its type and size."""

    def work(session: Session) -> Saved:
        owner = _owner(session, owner_type, owner_id)
        c = Checks(today or date.today())
        kind = c.choice("material", material, {m: m for m in rules.MATERIALS}, LABELS["material"])
        name = c.text("filename", filename, LABELS["filename"], limit=column_limit(Attachment, "filename"))
        mime = None
        if not isinstance(content, (bytes, bytearray)) or not content:
            c.add("content", "请选择要上传的文件（文件不能为空）", "Choose a file to upload (it cannot be empty)")
        elif len(content) > rules.MAX_BYTES:
            c.add("content", f"文件太大：{len(content) / 1048576:.1f} MB，最大 {rules.MAX_BYTES // 1048576} MB",
                  f"The file is too large: {len(content) / 1048576:.1f} MB; at most {rules.MAX_BYTES // 1048576} MB")
        else:
            guessed = filetype.guess(bytes(content[:8192]))
            mime = guessed.mime if guessed else None
            if not rules.type_allowed(mime):
                allowed = "、".join(zh for zh, _en in rules.ALLOWED_TYPES.values())
                allowed_en = ", ".join(en for _zh, en in rules.ALLOWED_TYPES.values())
                c.add("content", f"文件内容不是允许的类型（{allowed}），不论文件名如何",
                      f"The file's content is not an accepted type ({allowed_en}), whatever its name says")
        c.done()
        authorize(actor, "attachment.add", owner_agencies(owner))
        row = Attachment(owner_type=owner_type, owner_id=owner.id, material=kind, filename=name, mime=mime,
                         size=len(content), content=bytes(content), uploaded_by=actor.username,
                         uploaded_at=datetime.now().replace(microsecond=0))
        session.add(row)
        session.flush()
        audit(session, actor, "attachment.add", Attachment.__tablename__, row.id, None, {
            "owner_type": owner_type, "owner_id": owner.id, "material": kind, "filename": name, "mime": mime,
            "size": len(content)})
        return Saved(id=row.id, number=name, version=1, status=kind)

    return run_write(work, uow=uow)


@dataclass(frozen=True)
class Download:
    filename: str
    mime: str
    content: bytes


def download_attachment(actor: Actor, attachment_id: int, *, uow: Session | None = None) -> Download:
    """The file's content for a party or the office; the download is audited."""

    def work(session: Session) -> Download:
        row = session.get(Attachment, attachment_id) if is_record_id(attachment_id) else None
        if row is None:
            raise NotFound("找不到该附件。 / No such attachment.")
        owner = _owner(session, row.owner_type, row.owner_id)
        authorize(actor, "attachment.download", owner_agencies(owner))
        audit(session, actor, "attachment.download", Attachment.__tablename__, row.id, None,
              {"owner_type": row.owner_type, "owner_id": row.owner_id, "filename": row.filename})
        return Download(row.filename, row.mime, bytes(row.content))

    return run_write(work, uow=uow)
