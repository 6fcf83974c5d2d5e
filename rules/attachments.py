"""What may be attached to a referral, an assistance request or a dispute.

The materials are DOMAIN.md's (移送函, 现场检查记录, 现场照片, 举报投诉材料, 询问笔录). A file is
judged by its content, not its name: the type sniffed from its first bytes must be one an
office exchanges (PDF, Word, Excel, JPEG, PNG), and its size at most :data:`MAX_BYTES`.
"""

from __future__ import annotations

from rules.lifecycle import MATERIALS

#: The records that carry attachments.
OWNER_TYPES: dict[str, tuple[str, str]] = {
    "referral": ("移送案件", "referral"),
    "assistance": ("协作请求", "assistance request"),
    "dispute": ("职责争议", "dispute"),
}

#: MIME type (as sniffed from the content) -> (Chinese, English) name of the kind of file.
ALLOWED_TYPES: dict[str, tuple[str, str]] = {
    "application/pdf": ("PDF 文件", "PDF"),
    "image/jpeg": ("JPEG 图片", "JPEG image"),
    "image/png": ("PNG 图片", "PNG image"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("Word 文档", "Word document"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel 表格", "Excel workbook"),
    "application/msword": ("Word 97-2003 文档", "Word 97-2003 document"),
}

#: The largest file kept in the database (a scanned letter or a few photos fit easily).
MAX_BYTES = 10 * 1024 * 1024

__all__ = ["ALLOWED_TYPES", "MATERIALS", "MAX_BYTES", "OWNER_TYPES", "type_allowed"]


def type_allowed(mime: str | None) -> bool:
    return mime in ALLOWED_TYPES
