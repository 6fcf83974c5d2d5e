"""The responsibility list (权责清单): import and export, CSV / XLSX (CONTRACT.md).

Files are read by :func:`data_access.importing.read_table` (the ledgers' reader); bad rows
are reported as its :class:`~data_access.importing.RowError` and refused all together with
:class:`~data_access.importing.ImportRefused`, so the CLI and a page show them as they show a
ledger's. Agencies are matched by :func:`~data_access.importing.agency_index` (full name, or
an unambiguous short name).

Columns: 事项名称 (matter), 责任单位 (agency), 违法领域 (domain), 事项编码 (code), 划转部门
(from_department), 法律依据 (legal_basis); matter and agency are required and the agency must
be a member agency of any kind. The key is 事项编码 where given, else (事项名称, 责任单位):
importing the same list twice changes nothing. A blank optional cell keeps what is recorded.

Spreadsheet safety: a cell that would start a formula (``= + - @``) is written to xlsx as a
text cell and to csv behind a leading ``'``, which the import removes again; control
characters are refused with their line and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from data_access.commands.base import Actor, audit, authorize
from data_access.importing import (
    ImportRefused,
    RowError,
    agency_index,
    agency_key,
    read_table,
)
from data_access.models import Agency, Responsibility

__all__ = [
    "COLUMNS", "FIELDS", "ListImportResult", "export_responsibilities", "import_responsibilities",
    "read_table", "validate_responsibilities", "write_responsibilities_file",
]


@dataclass(frozen=True)
class ListColumn:
    key: str
    zh: str
    required: bool = False
    max_length: int | None = None
    multiline: bool = False


def _len(attr: str) -> int | None:
    return getattr(Responsibility.__table__.c[attr].type, "length", None)


#: CONTRACT.md's columns, in order.
COLUMNS: tuple[ListColumn, ...] = (
    ListColumn("matter", "事项名称", True, _len("matter")),
    ListColumn("agency", "责任单位", True, None),
    ListColumn("domain", "违法领域", False, _len("domain")),
    ListColumn("code", "事项编码", False, _len("code")),
    ListColumn("from_department", "划转部门", False, _len("from_department")),
    ListColumn("legal_basis", "法律依据", False, 2000, multiline=True),
)
#: The model fields an import manages (settled_* belong to rulings, never to a file).
FIELDS = ("matter", "agency_id", "domain", "code", "from_department", "legal_basis")

_REQUIRED = "必填，不能为空。 / Required; the cell is empty."
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class ListImportResult:
    filename: str | None
    created: int
    updated: int
    unchanged: int
    warnings: list[RowError] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"权责清单导入完成：新增{self.created}条，更新{self.updated}条，未变{self.unchanged}条。"
            f" / Imported the responsibility list: {self.created} created, {self.updated} updated,"
            f" {self.unchanged} unchanged."
        )


def _norm(header) -> str:
    text = "" if header is None else str(header)
    text = text.replace("\ufeff", "").replace("\u3000", " ").strip().rstrip("*＊").strip()
    return re.sub(r"[\s\-]+", "_", text).casefold()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\u3000", " ").strip()
    # The export's protection of a would-be formula: take the apostrophe off again.
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
        text = text[1:]
    return text


def _column_map(headers: Sequence[str]) -> tuple[dict[str, str], list[RowError], list[RowError]]:
    by_norm = {}
    for col in COLUMNS:
        by_norm[_norm(col.zh)] = col
        by_norm[_norm(col.key)] = col
    found: dict[str, str] = {}
    errors: list[RowError] = []
    warnings: list[RowError] = []
    for h in headers:
        col = by_norm.get(_norm(h))
        if col is None:
            warnings.append(RowError(1, h, "无法识别的列，已忽略。 / Unknown column; it is ignored."))
        elif col.key in found:
            errors.append(RowError(1, h, f"与列“{found[col.key]}”重复。 / Duplicates column {found[col.key]!r}."))
        else:
            found[col.key] = h
    missing = [c for c in COLUMNS if c.required and c.key not in found]
    if missing:
        names = "、".join(f"{c.zh}（{c.key}）" for c in missing)
        errors.append(RowError(1, "", f"缺少必需的列：{names}。 / Required column(s) missing: "
                                      + ", ".join(c.key for c in missing) + "."))
    return found, errors, warnings


def validate_responsibilities(
    rows: Sequence[Mapping], agencies: Mapping[str, object]
) -> tuple[list[dict], list[RowError], list[RowError]]:
    """(clean rows, errors, warnings) for a list file. ``agencies``: name key → ref with
    ``id`` and ``name`` (:func:`~data_access.importing.agency_index`). No database access."""
    headers = getattr(rows, "headers", None)
    if headers is None:
        headers = [h for h in dict.fromkeys(k for row in rows for k in row) if h]
    found, errors, warnings = _column_map(headers)
    if not rows:
        errors.append(RowError(1, "", "文件中没有数据行。 / The file holds no data rows."))
    if errors:
        return [], errors, warnings
    clean: list[dict] = []
    seen_codes: dict[str, int] = {}
    seen_pairs: dict[tuple[str, int], int] = {}
    for index, row in enumerate(rows):
        line = getattr(row, "line", index + 2)
        row_errors: list[RowError] = []
        if row.get(""):
            row_errors.append(RowError(line, "", "有内容位于没有列名的列中。 / There are values in a column with no header."))
        values: dict = {"line": line}
        for col in COLUMNS:
            header = found.get(col.key)
            text = _cell_text(row.get(header)) if header else ""
            where = header or col.zh
            if not text:
                if col.required:
                    row_errors.append(RowError(line, where, _REQUIRED))
                values[col.key] = None
                continue
            if _CONTROL.search(text) or (not col.multiline and ("\n" in text or "\r" in text)):
                row_errors.append(RowError(line, where, "含有无法保存的控制字符或换行。 / Contains control characters or line breaks."))
                continue
            if col.max_length and len(text) > col.max_length:
                row_errors.append(RowError(line, where, f"内容过长：{len(text)}个字，最多{col.max_length}个字。"
                                                        f" / Too long: {len(text)} characters; at most {col.max_length}."))
                continue
            values[col.key] = text
        name = values.get("agency")
        if name:
            ref = agencies.get(agency_key(name))
            if ref is None:
                row_errors.append(RowError(line, found["agency"], f"“{name}”不是已登记的成员单位。"
                                                                  f" / {name!r} is not a registered member agency."))
            else:
                values["agency_id"] = ref.id
        if row_errors:
            errors.extend(row_errors)
            continue
        code = values.get("code")
        if code:
            if code in seen_codes:
                errors.append(RowError(line, found.get("code", "事项编码"),
                                       f"与第{seen_codes[code]}行的事项编码重复。 / Same code as line {seen_codes[code]}."))
                continue
            seen_codes[code] = line
        else:
            pair = (values["matter"], values["agency_id"])
            if pair in seen_pairs:
                errors.append(RowError(line, found["matter"],
                                       f"与第{seen_pairs[pair]}行的事项和责任单位相同。"
                                       f" / Same matter and agency as line {seen_pairs[pair]}."))
                continue
            seen_pairs[pair] = line
        clean.append(values)
    return clean, errors, warnings


def import_responsibilities(
    session: Session,
    actor: Actor,
    rows: Sequence[Mapping],
    *,
    filename: str | None = None,
    progress=None,
) -> ListImportResult:
    """Create or update list entries from ``rows`` (as ``read_table`` gives them), all or
    nothing, in the caller's transaction; :class:`ImportRefused` lists every bad row."""
    authorize(actor, "responsibility.import")
    filename = filename or getattr(rows, "filename", None)
    report = progress or (lambda _f, _m: None)
    clean, errors, warnings = validate_responsibilities(rows, agency_index(session))
    if errors:
        raise ImportRefused(errors, warnings)
    existing = session.execute(select(Responsibility)).scalars().all()
    by_code = {e.code: e for e in existing if e.code}
    by_pair: dict[tuple[str, int], Responsibility] = {}
    for e in sorted(existing, key=lambda e: e.code is not None):  # code-less entries win a tie
        by_pair.setdefault((e.matter, e.agency_id), e)
    now = datetime.now().replace(microsecond=0)
    to_insert: list[dict] = []
    changes: dict[str, dict] = {}
    updated = unchanged = 0
    for i, values in enumerate(clean, start=1):
        entry = by_code.get(values["code"]) if values["code"] else by_pair.get((values["matter"], values["agency_id"]))
        if entry is None:
            to_insert.append({f: values[f] for f in FIELDS} | {
                "active": True, "version": 1, "updated_at": now, "updated_by": actor.username})
            continue
        diff = {}
        for f in FIELDS:
            new = values[f]
            if new is None and f not in ("matter", "agency_id"):
                continue  # a blank cell keeps what is recorded
            if getattr(entry, f) != new:
                diff[f] = [getattr(entry, f), new]
        if not diff:
            unchanged += 1
            continue
        before = {f: getattr(entry, f) for f in diff}
        for f, (_old, new) in diff.items():
            setattr(entry, f, new)
        if "agency_id" in diff and entry.settled_by_dispute_id is not None:
            # The file now says otherwise than the ruling: the entry no longer cites it.
            before |= {"settled_by_dispute_id": entry.settled_by_dispute_id,
                       "settled_on": entry.settled_on.isoformat() if entry.settled_on else None}
            entry.settled_by_dispute_id = None
            entry.settled_on = None
        entry.updated_at = now
        entry.updated_by = actor.username
        session.flush()
        audit(session, actor, "responsibility.import", Responsibility.__tablename__, entry.id,
              before, {f: new for f, (_old, new) in diff.items()} | {"file": filename})
        changes[entry.code or entry.matter] = diff
        updated += 1
        if i % 200 == 0:
            report(i / len(clean), f"清单 {i}/{len(clean)} / list entries")
    for start in range(0, len(to_insert), 1000):
        session.execute(insert(Responsibility.__table__), to_insert[start:start + 1000])
    report(1.0, "完成 / done")
    result = ListImportResult(filename, len(to_insert), updated, unchanged, warnings)
    audit(session, actor, "import.responsibilities", "import",
          None if filename is None else filename[-40:], None,
          {"file": filename, "created": result.created, "updated": updated, "unchanged": unchanged})
    return result


# --------------------------------------------------------------------------- export


def _export_rows(session: Session) -> list[list]:
    rows = session.execute(
        select(Responsibility.matter, Agency.name, Responsibility.domain, Responsibility.code,
               Responsibility.from_department, Responsibility.legal_basis)
        .join(Agency, Agency.id == Responsibility.agency_id)
        .where(Responsibility.active.is_(True))
        .order_by(Responsibility.code, Responsibility.matter, Agency.name)
    ).all()
    return [list(r) for r in rows]


def _csv_safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_responsibilities(session: Session, fmt: str = "xlsx") -> bytes:
    """The active entries in the import columns, as ``xlsx`` or ``csv`` (UTF-8 with BOM)."""
    header = [c.zh for c in COLUMNS]
    rows = _export_rows(session)
    if fmt == "csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else _csv_safe(v) for v in row])
        return buf.getvalue().encode("utf-8-sig")
    if fmt != "xlsx":
        raise ValueError(f"unknown format {fmt!r}")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "权责清单"
    ws.append(header)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a live formula
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_responsibilities_file(session: Session, path: str | Path) -> int:
    """Write the export to ``path`` (its suffix picks the format); returns the rows written."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise ValueError(fmt)
    path.write_bytes(export_responsibilities(session, fmt))
    return len(_export_rows(session))
