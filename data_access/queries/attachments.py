"""The files attached to a record: their names and sizes, never their content (a download
goes through :func:`data_access.commands.attachments.download_attachment`, audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.models import Attachment


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    material: str
    filename: str
    mime: str
    size: int
    uploaded_by: str
    uploaded_at: datetime


def attachments_for(session: Session, owner_type: str, owner_id: int) -> list[AttachmentInfo]:
    rows = session.execute(
        select(Attachment.id, Attachment.material, Attachment.filename, Attachment.mime, Attachment.size,
               Attachment.uploaded_by, Attachment.uploaded_at)
        .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
        .order_by(Attachment.id)
    ).all()
    return [AttachmentInfo(*r) for r in rows]
