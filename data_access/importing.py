"""Ledger import and export: member agencies and referrals, from and to CSV / XLSX.

The command line (``python -m data_access import …``) and the import page share every step:

1. :func:`read_table` turns a ``.csv`` (UTF-8 with or without BOM) or ``.xlsx`` (first sheet)
   into a :class:`Sheet`: a list of :class:`SheetRow` dicts keyed by the headers as written
   in the file, each knowing its spreadsheet line (the header is line 1).
2. :func:`validate_agencies` / :func:`validate_referrals` are pure: they check every row and
   return ``(clean_rows, errors)``, where each error is a :class:`RowError` (line, column as
   written in the file, what is wrong in plain words). Header warnings (unknown columns) ride
   on ``clean_rows.warnings``. The page shows these as its preview.
3. :func:`import_agencies` / :func:`import_referrals` write inside the caller's
   ``write_session()``: they check the permission, validate again against the database as it
   is inside the transaction, and refuse the whole file (:class:`ImportRefused`, carrying
   every bad row) or write it all, in batches, with one audit row for the import.

Keys: the agency name and the referral number (移送编号). A row whose key already exists
UPDATES that record; importing the same file twice changes nothing the second time.
A blank cell never erases what is already recorded (a ledger kept by an agency may lag
behind what was entered in the app); a value in the file replaces the recorded one.

Referral status is derived from the dates (办结日期 → closed, 结果反馈日期 → reported,
受理结果 → accepted / declined / returned, 移送日期 → sent) and the stored deadlines come
from :mod:`data_access.stored_deadlines` with the database's own calendar and settings.

Beyond CONTRACT.md's columns, referrals accept four optional ones so that an export
round-trips more of a record: 审批人 (approved_by), 移送材料 (materials, separated by 、),
受理说明 (ack_reason: why declined or returned) and 结果摘要 (result_summary).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Table, and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from data_access.commands.base import Actor, CommandError, StaleEdit, audit, authorize
from data_access.models import Agency, AuditEntry, Referral, ReferralEvent
from data_access.rulebook import load_rules
from data_access.stored_deadlines import referral_deadline_fields
from rules import lifecycle

Progress = Callable[[float, str], None]

BATCH_SIZE = 2000
# Rows per IN (...) list when looking up existing numbers: well under SQLite's and
# PostgreSQL's limits on bound parameters.
LOOKUP_CHUNK = 900


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """One import column: its key (also its accepted English header) and Chinese header."""

    key: str
    zh: str
    required: bool = False
    max_length: int | None = None
    en: str = ""  # English description, for the template's notes sheet
    note: str = ""  # Chinese description of the accepted values


def _len(model, attr: str) -> int:
    return getattr(model, attr).property.columns[0].type.length


AGENCY_COLUMNS: tuple[Column, ...] = (
    Column("name", "单位名称", True, _len(Agency, "name"), "agency name (the key)"),
    Column("kind", "单位类型", True, None, "kind: department / town / judicial / coordinator",
           "部门 / 镇街 / 司法机关 / 牵头单位"),
    Column("short_name", "简称", False, _len(Agency, "short_name"), "short name"),
    Column("contact", "联系人", False, _len(Agency, "contact"), "contact person"),
    Column("phone", "联系电话", False, _len(Agency, "phone"), "phone"),
    Column("lon", "经度", False, None, "longitude (decimal degrees)", "十进制度数，如 120.21"),
    Column("lat", "纬度", False, None, "latitude (decimal degrees)", "十进制度数，如 30.05"),
)

REFERRAL_COLUMNS: tuple[Column, ...] = (
    Column("number", "移送编号", True, _len(Referral, "number"), "referral number (the key)",
           "如 YS-2026-000123"),
    Column("title", "案件名称", True, _len(Referral, "title"), "case title"),
    Column("domain", "违法领域", False, _len(Referral, "domain"), "enforcement domain",
           "、".join(lifecycle.DOMAINS)),
    Column("from_agency", "移送单位", True, None, "referring agency (must exist)"),
    Column("to_agency", "接收单位", True, None, "receiving agency (must exist)"),
    Column("discovered_on", "发现日期", False, None, "date discovered", "YYYY-MM-DD，可带时间 HH:MM"),
    Column("sent_on", "移送日期", True, None, "date sent", "YYYY-MM-DD，可带时间 HH:MM"),
    Column("urgency", "紧急程度", False, None, "urgency: normal / urgent", "普通 / 紧急"),
    Column("extension_notified", "延期告知", False, None, "extension notified (yes/no)", "是 / 否"),
    Column("criminal", "涉嫌犯罪", False, None, "suspected crime (yes/no)", "是 / 否"),
    Column("ack_on", "受理告知日期", False, None, "acknowledgement date", "YYYY-MM-DD"),
    Column("ack_outcome", "受理结果", False, None, "outcome: accepted / declined / returned",
           "受理 / 不予受理 / 退回"),
    Column("result_on", "结果反馈日期", False, None, "result reported on", "YYYY-MM-DD"),
    Column("closed_on", "办结日期", False, None, "closed on", "YYYY-MM-DD"),
    # Optional extras (not in CONTRACT.md), so an export round-trips more of the record.
    Column("approved_by", "审批人", False, _len(Referral, "approved_by"), "approved by"),
    Column("materials", "移送材料", False, None, "materials attached, separated by 、",
           "、".join(lifecycle.MATERIALS)),
    Column("ack_reason", "受理说明", False, None, "reason for declining or returning"),
    Column("result_summary", "结果摘要", False, None, "summary of the result"),
)

COLUMNS = {"agencies": AGENCY_COLUMNS, "referrals": REFERRAL_COLUMNS}

# Model fields the referral import manages; everything else on a referral is left alone.
REFERRAL_FIELDS = (
    "number", "title", "domain", "from_agency_id", "to_agency_id", "discovered_on",
    "discovered_at", "sent_on", "sent_at", "urgency", "extension_notified", "criminal",
    "ack_on", "ack_outcome", "result_on", "closed_on", "approved_by", "materials",
    "ack_reason", "result_summary",
)
DERIVED_FIELDS = ("status", "send_due_on", "ack_due_on", "ack_due_provisional", "ack_workdays")
AGENCY_FIELDS = ("name", "kind", "short_name", "contact", "phone", "lon", "lat")

YES = {"是", "yes", "y", "true", "1", "√", "✓"}
NO = {"否", "no", "n", "false", "0", "×"}


def _with_english(table: Mapping[str, str]) -> dict[str, str]:
    """Chinese label or English code (any case) -> code."""
    out = {zh: code for code, zh in table.items()}
    out.update({code.lower(): code for code in table})
    return out


KIND_CODES = _with_english(lifecycle.AGENCY_KINDS)
URGENCY_CODES = _with_english(lifecycle.URGENCY)
OUTCOME_CODES = _with_english(lifecycle.ACK_OUTCOMES)
DOMAIN_CODES = {zh: zh for zh in lifecycle.DOMAINS} | {
    en.lower(): zh for zh, (_zh, en) in lifecycle.DOMAIN_LABELS.items()
}
MATERIAL_CODES = {zh: zh for zh in lifecycle.MATERIALS} | {
    en.lower(): zh for zh, (_zh, en) in lifecycle.MATERIAL_LABELS.items()
}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (or a whole row, or the header when ``line`` is 1)."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.line}行（line {self.line}）"
        if self.column:
            where += f"，列“{self.column}”"
        return f"{where}：{self.message}"


class LedgerError(CommandError):
    """Base of the import's refusals."""


class ImportRefused(LedgerError):
    """The file has bad rows: nothing was written. ``errors`` lists every one of them."""

    def __init__(self, errors: Sequence[RowError], warnings: Sequence[RowError] = ()):
        self.errors = list(errors)
        self.warnings = list(warnings)
        lines = {e.line for e in self.errors}
        super().__init__(
            f"导入未执行：发现{len(self.errors)}处错误（涉及{len(lines)}行），未写入任何数据。"
            f" / Nothing was imported: {len(self.errors)} problem(s) in {len(lines)} row(s);"
            " nothing was written."
        )


class UnreadableFile(LedgerError):
    """The file could not be read at all (wrong type, not a spreadsheet, bad encoding)."""


class SheetRow(dict):
    """One data row: header as written -> cell value; ``line`` is its spreadsheet line."""

    __slots__ = ("line",)

    def __init__(self, values: Mapping, line: int):
        super().__init__(values)
        self.line = line


class Sheet(list):
    """The rows of a file, with ``headers`` as written and where the header was found."""

    def __init__(self, rows: Iterable[SheetRow], headers: Sequence[str], filename: str,
                 header_line: int = 1):
        super().__init__(rows)
        self.headers = list(headers)
        self.filename = filename
        self.header_line = header_line


class CleanRows(list):
    """Validated rows (dicts of model fields plus ``line`` and, for updates, ``exists``),
    with the header ``warnings`` that did not stop the import."""

    def __init__(self, rows: Iterable[dict] = (), warnings: Sequence[RowError] = ()):
        super().__init__(rows)
        self.warnings = list(warnings)

    @property
    def to_create(self) -> int:
        return sum(1 for r in self if not r.get("exists"))

    @property
    def to_update(self) -> int:
        return sum(1 for r in self if r.get("exists"))


@dataclass(frozen=True)
class ImportResult:
    kind: str
    filename: str | None
    created: int
    updated: int
    unchanged: int
    warnings: list[RowError] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        what = "成员单位" if self.kind == "agencies" else "移送案件"
        en = "agencies" if self.kind == "agencies" else "referrals"
        return (
            f"{what}导入完成：新增{self.created}条，更新{self.updated}条，未变{self.unchanged}条。"
            f" / Imported {en}: {self.created} created, {self.updated} updated,"
            f" {self.unchanged} unchanged."
        )


# --------------------------------------------------------------------------- reading


def read_table(path_or_bytes: str | Path | bytes, filename: str | None = None) -> Sheet:
    """Read a ``.csv`` or ``.xlsx`` file (by its name's extension) into a :class:`Sheet`.

    ``path_or_bytes`` is a path or the file's content (an upload); ``filename`` gives the
    extension and the name used in messages (defaults to the path's name). Entirely empty
    lines are skipped; line numbers stay those of the file. The header is the first line
    unless a title line precedes it (a ledger often starts with a title such as
    "某某镇案件移送台账"): then the first of the first ten lines that holds a known header.
    """
    if isinstance(path_or_bytes, (str, Path)):
        path = Path(path_or_bytes)
        filename = filename or path.name
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            raise UnreadableFile(f"找不到文件：{path} / File not found: {path}") from None
        except OSError as exc:
            raise UnreadableFile(f"无法读取文件：{path}（{exc.strerror}） / Cannot read {path}") from None
    else:
        content = bytes(path_or_bytes)
        filename = filename or "upload"
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        lines = _csv_lines(content)
    elif suffix == ".xlsx":
        lines = _xlsx_lines(content, filename)
    else:
        raise UnreadableFile(
            f"不支持的文件类型“{suffix or filename}”：请使用 .csv 或 .xlsx 文件。"
            f" / Unsupported file type {suffix or filename!r}: use a .csv or .xlsx file."
        )
    return _to_sheet(lines, filename)


def _csv_lines(content: bytes) -> Iterable[tuple[int, list]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on a Chinese Windows saves "CSV" in GBK; read it rather than refuse it.
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError:
            raise UnreadableFile(
                "文件编码无法识别：请将CSV另存为“UTF-8”编码。 / The file's text encoding is not"
                " recognised: save the CSV as UTF-8."
            ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        # A spreadsheet line is a CSV record (a quoted cell may span several text lines).
        return [(n, record) for n, record in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise UnreadableFile(f"CSV格式有误：{exc} / The CSV file is malformed: {exc}") from None


def _xlsx_lines(content: bytes, filename: str) -> Iterable[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not xlsx
        raise UnreadableFile(
            f"无法打开“{filename}”：不是有效的Excel（.xlsx）文件。"
            f" / Cannot open {filename!r}: it is not a valid Excel (.xlsx) file."
        ) from None
    try:
        if not wb.worksheets:
            return []
        ws = wb.worksheets[0]
        # Some producers write a wrong sheet size; read every row there is.
        ws.reset_dimensions()
        out = []
        for row in ws.iter_rows():
            cells = [c for c in row if getattr(c, "row", None) is not None]
            if not cells:
                continue
            line = cells[0].row
            values: list = []
            for c in cells:
                # Place each value at its column even when read-only mode skipped empty cells.
                while len(values) < c.column - 1:
                    values.append(None)
                values.append(c.value)
            out.append((line, values))
        return out
    finally:
        wb.close()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _to_sheet(lines: Iterable[tuple[int, list]], filename: str) -> Sheet:
    lines = [(n, vals) for n, vals in lines if not all(_blank(v) for v in vals)]
    if not lines:
        return Sheet([], [], filename)
    known = {_norm_header(c.zh) for cols in COLUMNS.values() for c in cols}
    known |= {_norm_header(c.key) for cols in COLUMNS.values() for c in cols}
    header_at = 0
    for i, (_, vals) in enumerate(lines[:10]):
        if any(_norm_header(v) in known for v in vals if not _blank(v)):
            header_at = i
            break
    header_line, header_vals = lines[header_at]
    headers = [_header_text(v) for v in header_vals]
    # Trim trailing unnamed columns (spreadsheets often carry empty formatted cells).
    while headers and not headers[-1]:
        headers.pop()
    rows = []
    for line, vals in lines[header_at + 1:]:
        record = {}
        for i, h in enumerate(headers):
            if h:
                record[h] = vals[i] if i < len(vals) else None
        extra = [v for v in vals[len(headers):] if not _blank(v)]
        if extra:
            record[""] = extra  # values under no header: reported by validation
        rows.append(SheetRow(record, line))
    return Sheet(rows, [h for h in headers if h], filename, header_line)


def _header_text(value) -> str:
    if value is None:
        return ""
    return str(value).replace("\ufeff", "").replace("\u200b", "").strip()


def _norm_header(value) -> str:
    text = _header_text(value).replace("\u3000", " ").strip().rstrip("*＊").strip()
    return re.sub(r"[\s\-]+", "_", text).casefold()


def _column_map(headers: Sequence[str], columns: Sequence[Column]) -> tuple[dict[str, str], list[RowError], list[RowError]]:
    """(column key -> header as written, errors, warnings) for a file's headers."""
    by_norm: dict[str, Column] = {}
    for col in columns:
        by_norm[_norm_header(col.zh)] = col
        by_norm[_norm_header(col.key)] = col
    found: dict[str, str] = {}
    errors: list[RowError] = []
    warnings: list[RowError] = []
    for h in headers:
        col = by_norm.get(_norm_header(h))
        if col is None:
            warnings.append(RowError(1, h, (
                "无法识别的列，已忽略。 / Unknown column; it is ignored.")))
        elif col.key in found:
            errors.append(RowError(1, h, (
                f"与列“{found[col.key]}”重复（都表示“{col.zh}”）。"
                f" / Duplicates column {found[col.key]!r} (both mean {col.key}).")))
        else:
            found[col.key] = h
    missing = [c for c in columns if c.required and c.key not in found]
    if missing:
        names = "、".join(f"{c.zh}（{c.key}）" for c in missing)
        errors.append(RowError(1, "", (
            f"缺少必需的列：{names}。 / Required column(s) missing: "
            f"{', '.join(c.zh + ' (' + c.key + ')' for c in missing)}.")))
    return found, errors, warnings


def _headers_of(rows: Sequence[Mapping]) -> list[str]:
    headers = getattr(rows, "headers", None)
    if headers is not None:
        return list(headers)
    # Plain dicts (a page's own rows): every key any row has, in first-seen order.
    return [h for h in dict.fromkeys(k for row in rows for k in row) if h]


def _line_of(row: Mapping, index: int) -> int:
    return getattr(row, "line", index + 2)


# --------------------------------------------------------------------------- cell parsing


class _Bad(ValueError):
    """A cell value that cannot be used; the message is shown as is."""


_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)


def _text(value) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates in ISO form."""
    if type(value) is str:
        return (value.replace("\u3000", " ") if "\u3000" in value else value).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def _parse_moment(value, *, allow_time: bool) -> tuple[date, datetime | None]:
    """(date, time of day if given) from a cell; ``_Bad`` when it is not a valid date."""
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second:
            return value.date(), (value.replace(second=0, microsecond=0) if allow_time else None)
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        # A spreadsheet cell holding a date as its serial number (the column lost its format).
        from openpyxl.utils.datetime import from_excel

        return _parse_moment(from_excel(value), allow_time=allow_time)
    text = _text(value)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:  # the usual YYYY-MM-DD, quickly
            return date.fromisoformat(text), None
        except ValueError:
            pass  # the pattern below says what is wrong
    m = _DATE_RE.match(text)
    if not m:
        raise _Bad(
            f"日期“{text}”无法识别，应为 YYYY-MM-DD（如 2026-03-05）"
            + ("，可带时间 HH:MM" if allow_time else "")
            + f"。 / {text!r} is not a date; write YYYY-MM-DD (e.g. 2026-03-05)"
            + (", optionally with HH:MM." if allow_time else ".")
        )
    y, mo, d, hh, mm, _ss = m.groups()
    try:
        day = date(int(y), int(mo), int(d))
    except ValueError:
        raise _Bad(f"日期“{text}”不存在。 / There is no such date as {text!r}.") from None
    if hh is None:
        return day, None
    try:
        moment = datetime(day.year, day.month, day.day, int(hh), int(mm))
    except ValueError:
        raise _Bad(f"时间“{text}”无效。 / {text!r} is not a valid time.") from None
    return day, (moment if allow_time else None)


def _parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise _Bad(f"应填“是”或“否”，而不是“{_text(value)}”。 / Write 是 (yes) or 否 (no), not {_text(value)!r}.")


def _parse_enum(value, codes: Mapping[str, str], allowed_zh: Iterable[str]) -> str:
    text = _text(value)
    code = codes.get(text) or codes.get(text.casefold())
    if code is None:
        allowed = "、".join(allowed_zh)
        raise _Bad(f"“{text}”不是可选值，应为：{allowed}。 / {text!r} is not one of: {allowed}.")
    return code


def _parse_float(value, low: float, high: float, what_zh: str, what_en: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(_text(value))
        except ValueError:
            raise _Bad(f"{what_zh}应为数字，而不是“{_text(value)}”。 / The {what_en} must be a number, not {_text(value)!r}.") from None
    if not low <= number <= high:
        raise _Bad(f"{what_zh}应在{low:g}到{high:g}之间。 / The {what_en} must be between {low:g} and {high:g}.")
    return number


def _check_length(text: str, col: Column) -> str:
    if col.max_length and len(text) > col.max_length:
        raise _Bad(
            f"内容过长：{len(text)}个字，最多{col.max_length}个字。"
            f" / Too long: {len(text)} characters; at most {col.max_length}."
        )
    return text


def agency_key(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- agencies


@dataclass(frozen=True)
class AgencyRef:
    """What validation needs to know about an agency that exists."""

    id: int
    name: str
    active: bool


def agency_index(session: Session) -> dict[str, AgencyRef]:
    """Existing agencies by name, and by short name where that is unambiguous."""
    rows = session.execute(select(Agency.id, Agency.name, Agency.short_name, Agency.active)).all()
    index: dict[str, AgencyRef] = {}
    short: dict[str, list[AgencyRef]] = {}
    for aid, name, short_name, active in rows:
        ref = AgencyRef(aid, name, bool(active))
        index[agency_key(name)] = ref
        if short_name:
            short.setdefault(agency_key(short_name), []).append(ref)
    for key, refs in short.items():
        if key not in index and len(refs) == 1:
            index[key] = refs[0]
    return index


def validate_agencies(
    rows: Sequence[Mapping],
    existing_names: Collection[str] | Mapping[str, Mapping] = (),
) -> tuple[CleanRows, list[RowError]]:
    """Check an agency file. ``existing_names``: names already in the database (a mapping
    name -> current values lets blank cells keep those values). Pure: no database."""
    found, errors, warnings = _column_map(_headers_of(rows), AGENCY_COLUMNS)
    if not rows:
        errors.append(_empty_file_error())
    if any(e.line == 1 and not e.column for e in errors):
        return CleanRows([], warnings), errors  # without the required columns rows mean nothing
    cols = {c.key: c for c in AGENCY_COLUMNS}
    seen: dict[str, int] = {}
    clean = CleanRows([], warnings)
    for index, row in enumerate(rows):
        line = _line_of(row, index)
        errors.extend(_stray_values(row, line))
        row_errors: list[RowError] = []

        def bad(key: str, message: str) -> None:
            row_errors.append(RowError(line, found.get(key, cols[key].zh), message))

        def cell(key: str):
            header = found.get(key)
            value = row.get(header) if header else None
            return None if _blank(value) else value

        name = _text(cell("name"))
        current = None
        if not name:
            bad("name", _REQUIRED)
        else:
            try:
                _check_length(name, cols["name"])
            except _Bad as exc:
                bad("name", str(exc))
            key = agency_key(name)
            if key in seen:
                bad("name", f"与第{seen[key]}行的单位名称重复。 / Same agency name as line {seen[key]}.")
            else:
                seen[key] = line
            current = _lookup_existing(existing_names, name)
        values: dict = {"name": name}
        if cell("kind") is None:
            if current is not None and "kind" in current:
                values["kind"] = current["kind"]
            else:
                bad("kind", _REQUIRED)
        else:
            try:
                values["kind"] = _parse_enum(cell("kind"), KIND_CODES, lifecycle.AGENCY_KINDS.values())
            except _Bad as exc:
                bad("kind", str(exc))
        for key in ("short_name", "contact", "phone"):
            raw = cell(key)
            if raw is None:
                values[key] = current.get(key) if current else None
                continue
            try:
                values[key] = _check_length(_text(raw), cols[key])
            except _Bad as exc:
                bad(key, str(exc))
        coords = {}
        for key, low, high, zh, en in (("lon", -180, 180, "经度", "longitude"),
                                       ("lat", -90, 90, "纬度", "latitude")):
            raw = cell(key)
            if raw is None:
                coords[key] = current.get(key) if current else None
                continue
            try:
                coords[key] = _parse_float(raw, low, high, zh, en)
            except _Bad as exc:
                bad(key, str(exc))
        # Only when both parsed: a map point needs both coordinates or none.
        if len(coords) == 2 and (coords["lon"] is None) != (coords["lat"] is None):
            missing = "lat" if coords["lat"] is None else "lon"
            bad(missing, "经度和纬度要么都填，要么都不填。 / Give both longitude and latitude, or neither.")
        values.update(coords)
        if row_errors:
            errors.extend(row_errors)
            continue
        values["line"] = line
        values["exists"] = current is not None
        clean.append(values)
    return clean, errors


def _lookup_existing(existing, name: str):
    """The current values of an existing record (``{}`` when only its key is known)."""
    if isinstance(existing, Mapping):
        found = existing.get(name)
        if found is None:
            found = existing.get(agency_key(name))
        return None if found is None else (found if isinstance(found, Mapping) else {})
    return {} if name in existing else None


def import_agencies(
    session: Session,
    actor: Actor,
    rows: Sequence[Mapping],
    *,
    filename: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Create or update member agencies from ``rows`` (as :func:`read_table` gives them),
    all or nothing, in the caller's transaction. Raises :class:`ImportRefused` listing
    every bad row. Deactivated agencies stay deactivated (the import never reactivates)."""
    authorize(actor, "import.ledger")
    filename = filename or getattr(rows, "filename", None)
    existing = {a.name: a for a in session.execute(select(Agency)).scalars()}
    current = {name: {f: getattr(a, f) for f in AGENCY_FIELDS} for name, a in existing.items()}
    # Names are matched ignoring spaces, as validation does.
    current.update({agency_key(n): v for n, v in list(current.items())})
    by_key = {agency_key(n): a for n, a in existing.items()}
    clean, errors = validate_agencies(rows, current)
    if errors:
        raise ImportRefused(errors, clean.warnings)
    created = updated = unchanged = 0
    changes: dict[str, dict] = {}
    for i, values in enumerate(clean, start=1):
        agency = by_key.get(agency_key(values["name"]))
        new = {f: values.get(f) for f in AGENCY_FIELDS}
        if agency is None:
            session.add(Agency(**new, active=True))
            created += 1
            changes[new["name"]] = {"created": True}
        else:
            new["name"] = agency.name  # keep the recorded spelling of the key
            diff = {f: [getattr(agency, f), new[f]] for f in AGENCY_FIELDS if getattr(agency, f) != new[f]}
            if diff:
                for f in diff:
                    setattr(agency, f, new[f])
                updated += 1
                changes[agency.name] = diff
            else:
                unchanged += 1
        if progress and (i % 200 == 0 or i == len(clean)):
            progress(i / len(clean), f"成员单位 {i}/{len(clean)} / agencies")
    session.flush()
    result = ImportResult("agencies", filename, created, updated, unchanged, clean.warnings)
    audit(session, actor, "import.agencies", "import", _object_id(filename), None, {
        "file": filename, "created": created, "updated": updated, "unchanged": unchanged,
        "changes": changes,
    })
    return result


# --------------------------------------------------------------------------- referrals

_REQUIRED = "必填，不能为空。 / Required; the cell is empty."

# Order the dates must respect: (earlier, later, message when broken).
_DATE_ORDER = (
    ("discovered_on", "sent_on", "移送日期早于发现日期", "sent before it was discovered"),
    ("sent_on", "ack_on", "受理告知日期早于移送日期", "acknowledged before it was sent"),
    ("ack_on", "result_on", "结果反馈日期早于受理告知日期", "result reported before the acknowledgement"),
    ("sent_on", "closed_on", "办结日期早于移送日期", "closed before it was sent"),
    ("ack_on", "closed_on", "办结日期早于受理告知日期", "closed before the acknowledgement"),
    ("result_on", "closed_on", "办结日期早于结果反馈日期", "closed before the result was reported"),
)



def derive_status(values: Mapping) -> str:
    """A referral's status from its dates (the import's rule, see the module docstring)."""
    if values.get("closed_on"):
        return "closed"
    if values.get("result_on"):
        return "reported"
    if values.get("ack_on") and values.get("ack_outcome"):
        return values["ack_outcome"]
    if values.get("sent_on"):
        return "sent"
    return "draft"


def referral_numbers(rows: Sequence[Mapping]) -> list[str]:
    """The referral numbers a file names (to look up which already exist)."""
    found, _, _ = _column_map(_headers_of(rows), REFERRAL_COLUMNS)
    header = found.get("number")
    if header is None:
        return []
    return [t for t in (_text(r.get(header)) for r in rows) if t]


def load_existing_referrals(session: Session, numbers: Iterable[str]) -> dict[str, dict]:
    """The import-managed fields (plus id, version, status and deadlines) of the referrals
    with these numbers that exist, by number; looked up in chunks, not row by row."""
    cols = [Referral.id, Referral.version, *(getattr(Referral, f) for f in REFERRAL_FIELDS + DERIVED_FIELDS)]
    names = ["id", "version", *REFERRAL_FIELDS, *DERIVED_FIELDS]
    wanted = sorted(set(numbers))
    out: dict[str, dict] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start:start + LOOKUP_CHUNK]
        for row in session.execute(select(*cols).where(Referral.number.in_(chunk))):
            values = dict(zip(names, row))
            out[values["number"]] = values
    return out


def validate_referrals(
    rows: Sequence[Mapping],
    agencies_by_name: Mapping[str, AgencyRef],
    existing_numbers: Collection[str] | Mapping[str, Mapping] = (),
    *,
    today: date | None = None,
) -> tuple[CleanRows, list[RowError]]:
    """Check a referral file. Pure: no database.

    ``agencies_by_name``: :func:`agency_index`. ``existing_numbers``: the numbers already
    recorded, or better :func:`load_existing_referrals` (number -> current values), which lets
    a blank cell keep the recorded value and checks the merged record. ``today`` (default
    the real today) bounds the dates: none may lie in the future.

    Clean rows are dicts of model fields (``from_agency_id``, ``sent_on``, ``status`` …) plus
    ``line`` and ``exists``; their ``warnings`` carry header warnings.
    """
    today = today or date.today()
    found, errors, warnings = _column_map(_headers_of(rows), REFERRAL_COLUMNS)
    if not rows:
        errors.append(_empty_file_error())
    if any(e.line == 1 and not e.column for e in errors):
        return CleanRows([], warnings), errors
    cols = {c.key: c for c in REFERRAL_COLUMNS}
    seen: dict[str, int] = {}
    clean = CleanRows([], warnings)
    for index, row in enumerate(rows):
        line = _line_of(row, index)
        errors.extend(_stray_values(row, line))
        row_errors, values = _check_referral_row(row, line, found, cols, agencies_by_name,
                                                 existing_numbers, seen, today)
        if row_errors:
            errors.extend(row_errors)
        else:
            clean.append(values)
    return clean, errors


def _check_referral_row(row, line, found, cols, agencies, existing, seen, today):
    row_errors: list[RowError] = []
    bad_fields: set[str] = set()

    def header(key: str) -> str:
        return found.get(key, cols[key].zh)

    def bad(key: str, message: str) -> None:
        row_errors.append(RowError(line, header(key), message))
        bad_fields.add(key)

    filled = {}
    for key, h in found.items():
        value = row.get(h)
        if value is not None and not (type(value) is str and not value.strip()):
            filled[key] = value
    cell = filled.get

    number = _text(cell("number"))
    current = None
    if not number:
        bad("number", _REQUIRED)
    else:
        try:
            _check_length(number, cols["number"])
        except _Bad as exc:
            bad("number", str(exc))
        if number in seen:
            bad("number", f"与第{seen[number]}行的移送编号重复。 / Same referral number as line {seen[number]}.")
        else:
            seen[number] = line
        if isinstance(existing, Mapping):
            current = existing.get(number)
            if current is not None and not isinstance(current, Mapping):
                current = {}
        elif number in existing:
            current = {}

    kept: set[str] = set()  # fields whose value is the recorded one (blank in the file)

    def keep(field_name: str, default=None):
        """The value a blank cell leaves: the recorded one, else the default."""
        if current and field_name in current:
            if current[field_name] is not None:
                kept.add(field_name)
            return current[field_name]
        return default

    values: dict = {"number": number}

    # Texts.
    for key, required in (("title", True), ("approved_by", False), ("ack_reason", False),
                          ("result_summary", False)):
        raw = cell(key)
        if raw is None:
            values[key] = keep(key)
            if required and not values[key]:
                bad(key, _REQUIRED)
            continue
        try:
            values[key] = _check_length(_text(raw), cols[key])
        except _Bad as exc:
            bad(key, str(exc))

    # Enumerations.
    for key, codes, allowed, default in (
        ("domain", DOMAIN_CODES, lifecycle.DOMAINS, None),
        ("urgency", URGENCY_CODES, lifecycle.URGENCY.values(), "normal"),
        ("ack_outcome", OUTCOME_CODES, lifecycle.ACK_OUTCOMES.values(), None),
    ):
        raw = cell(key)
        if raw is None:
            values[key] = keep(key, default)
            continue
        try:
            values[key] = _parse_enum(raw, codes, allowed)
        except _Bad as exc:
            bad(key, str(exc))

    raw = cell("materials")
    if raw is None:
        values["materials"] = keep("materials")
    else:
        items = [p.strip() for p in re.split(r"[、,，;；/\n]+", _text(raw)) if p.strip()]
        unknown = [p for p in items if p not in MATERIAL_CODES and p.casefold() not in MATERIAL_CODES]
        if unknown:
            bad("materials", (
                f"无法识别的材料：{'、'.join(unknown)}；可选：{'、'.join(lifecycle.MATERIALS)}。"
                f" / Unknown material(s): {', '.join(unknown)}."))
        else:
            picked = {MATERIAL_CODES.get(p) or MATERIAL_CODES[p.casefold()] for p in items}
            values["materials"] = [m for m in lifecycle.MATERIALS if m in picked]

    # Yes / no.
    for key in ("extension_notified", "criminal"):
        raw = cell(key)
        if raw is None:
            values[key] = bool(keep(key, False))
            continue
        try:
            values[key] = _parse_bool(raw)
        except _Bad as exc:
            bad(key, str(exc))

    # Agencies: they must exist and be active.
    for key, field_name in (("from_agency", "from_agency_id"), ("to_agency", "to_agency_id")):
        raw = cell(key)
        if raw is None:
            if current and current.get(field_name) is not None:
                values[field_name] = current[field_name]
            else:
                bad(key, _REQUIRED)
            continue
        name = _text(raw)
        ref = agencies.get(agency_key(name))
        if ref is None:
            bad(key, (f"系统中没有名为“{name}”的成员单位，请先导入或添加该单位。"
                      f" / No member agency is called {name!r}; add or import it first."))
        elif not ref.active and not (current and current.get(field_name) == ref.id):
            # A deactivated agency takes no new referrals; its recorded ones may still be
            # re-imported unchanged (history keeps it).
            bad(key, f"成员单位“{ref.name}”已停用，不能再移送。 / The agency {ref.name!r} is deactivated.")
        else:
            values[field_name] = ref.id
    if ("from_agency_id" in values and values.get("from_agency_id") == values.get("to_agency_id")):
        bad("to_agency", "接收单位与移送单位相同：不能移送给自己。 / The receiving agency is the referring agency: an agency cannot refer to itself.")

    # Dates.
    for key, with_time in (("discovered_on", True), ("sent_on", True), ("ack_on", False),
                           ("result_on", False), ("closed_on", False)):
        raw = cell(key)
        time_field = {"discovered_on": "discovered_at", "sent_on": "sent_at"}.get(key)
        if raw is None:
            values[key] = keep(key)
            if time_field:
                values[time_field] = keep(time_field)
            if key == "sent_on" and values[key] is None:
                bad(key, _REQUIRED)
            continue
        try:
            day, moment = _parse_moment(raw, allow_time=with_time)
        except _Bad as exc:
            bad(key, str(exc))
            continue
        if day > today:
            bad(key, (f"日期{day.isoformat()}在今天（{today.isoformat()}）之后，不能是将来的日期。"
                      f" / {day.isoformat()} is after today ({today.isoformat()}); it cannot be in the future."))
            continue
        values[key] = day
        if time_field:
            # Keep a recorded time of day when the file gives the same date without one.
            recorded_moment = current.get(time_field) if current else None
            if moment is None and recorded_moment is not None and recorded_moment.date() == day:
                moment = recorded_moment
            values[time_field] = moment

    for earlier, later, zh, en in _DATE_ORDER:
        if earlier in bad_fields or later in bad_fields:
            continue
        a, b = values.get(earlier), values.get(later)
        if a is not None and b is not None and b < a:
            recorded = [cols[f].zh for f in (earlier, later) if f in kept]
            note_zh = f"（{'、'.join(recorded)}为系统中已登记的值，文件中为空）" if recorded else ""
            note_en = " (the recorded value; the file's cell is blank)" if recorded else ""
            bad(later, f"{zh}（{b.isoformat()} 早于 {a.isoformat()}）{note_zh}。"
                       f" / Impossible order: {en} ({b.isoformat()} < {a.isoformat()}){note_en}.")

    # The lifecycle: a result needs an acceptance; closing needs an answer (and a result
    # when accepted). Both acknowledgement cells go together.
    if not {"ack_on", "ack_outcome"} & bad_fields:
        if values.get("ack_on") and not values.get("ack_outcome"):
            bad("ack_outcome", "填写了受理告知日期，还需填写受理结果（受理/不予受理/退回）。 / An acknowledgement date needs its outcome (受理, 不予受理 or 退回).")
        if values.get("ack_outcome") and not values.get("ack_on"):
            bad("ack_on", "填写了受理结果，还需填写受理告知日期。 / An outcome needs the acknowledgement date.")
    if "result_on" not in bad_fields and values.get("result_on"):
        if values.get("ack_outcome") not in (None, "accepted") and "ack_outcome" not in bad_fields:
            bad("result_on", "只有已受理的案件才有办理结果反馈。 / Only an accepted referral can report a result.")
        elif not values.get("ack_on") and "ack_on" not in bad_fields:
            bad("result_on", "反馈办理结果前须先受理（缺少受理告知日期和受理结果）。 / A result needs an acknowledgement first (date and outcome).")
    if "closed_on" not in bad_fields and values.get("closed_on") and not bad_fields & {"ack_on", "ack_outcome", "result_on"}:
        if not values.get("ack_on"):
            bad("closed_on", "办结前须先有受理告知。 / A referral is closed only after it was acknowledged.")
        elif values.get("ack_outcome") == "accepted" and not values.get("result_on"):
            bad("closed_on", "已受理的案件办结前须先反馈办理结果。 / An accepted referral is closed only after its result was reported.")

    if row_errors:
        return row_errors, None
    values["status"] = derive_status(values)
    values["line"] = line
    values["exists"] = current is not None
    return [], values


def _empty_file_error() -> RowError:
    return RowError(1, "", "文件中没有数据行。 / The file holds no data rows.")


def _stray_values(row: Mapping, line: int) -> list[RowError]:
    if row.get(""):
        return [RowError(line, "", "有内容位于没有列名的列中。 / There are values in a column with no header.")]
    return []


def import_referrals(
    session: Session,
    actor: Actor,
    rows: Sequence[Mapping],
    *,
    filename: str | None = None,
    progress: Progress | None = None,
    today: date | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Create or update referrals from ``rows`` (as :func:`read_table` gives them), all or
    nothing, in the caller's transaction; raises :class:`ImportRefused` listing every bad
    row. ``progress(fraction, message)`` is called as batches are written."""
    authorize(actor, "import.ledger")
    filename = filename or getattr(rows, "filename", None)
    today = today or date.today()
    report = progress or (lambda _f, _m: None)
    report(0.0, "检查数据 / checking rows")

    settings, cal = load_rules(session)
    existing = load_existing_referrals(session, referral_numbers(rows))
    clean, errors = validate_referrals(rows, agency_index(session), existing, today=today)
    if errors:
        raise ImportRefused(errors, clean.warnings)

    deadline_memo: dict[tuple, dict] = {}

    def deadlines_for(v: dict) -> dict:
        key = (v["discovered_on"], v["discovered_at"], v["urgency"], v["extension_notified"],
               v["criminal"], v["sent_on"], v["ack_on"])
        found = deadline_memo.get(key)
        if found is None:
            found = referral_deadline_fields(
                cal, settings, discovered_on=v["discovered_on"], discovered_at=v["discovered_at"],
                urgent=v["urgency"] == "urgent", extension_notified=v["extension_notified"],
                criminal=v["criminal"], sent_on=v["sent_on"], ack_on=v["ack_on"])
            deadline_memo[key] = found
        return found

    to_insert: list[dict] = []
    to_update: list[dict] = []
    changes: dict[str, dict] = {}
    unchanged = 0
    for v in clean:
        record = {f: v.get(f) for f in REFERRAL_FIELDS}
        record.update(deadlines_for(record))
        record["status"] = v["status"]
        old = existing.get(v["number"])
        if old is None:
            to_insert.append(record)
            continue
        diff = {f: (old[f], record[f]) for f in REFERRAL_FIELDS + DERIVED_FIELDS if old[f] != record[f]}
        if not diff:
            unchanged += 1
            continue
        record["_id"] = old["id"]
        record["_version"] = old["version"]
        record["_old_status"] = old["status"]
        to_update.append(record)
        changes[v["number"]] = {f: [_plain(a), _plain(b)] for f, (a, b) in diff.items()}

    total = len(to_insert) + len(to_update)
    done = 0
    now = datetime.now().replace(microsecond=0)
    note = f"导入 / imported from {filename}" if filename else "导入 / imported"
    table: Table = Referral.__table__
    events: Table = ReferralEvent.__table__

    for start in range(0, len(to_insert), batch_size):
        batch = [dict(r, version=1, updated_by=actor.username) for r in to_insert[start:start + batch_size]]
        # A plain executemany, then the new ids by number: much faster on SQLite than
        # INSERT … RETURNING row by row.
        session.execute(insert(table), batch)
        ids = [
            row
            for part in range(0, len(batch), LOOKUP_CHUNK)
            for row in session.execute(
                select(table.c.id, table.c.number).where(
                    table.c.number.in_([r["number"] for r in batch[part:part + LOOKUP_CHUNK]])
                )
            )
        ]
        status_of = {r["number"]: r["status"] for r in batch}
        session.execute(insert(events), [
            {"referral_id": rid, "at": now, "username": actor.username, "from_status": None,
             "to_status": status_of[number], "note": note}
            for rid, number in ids
        ])
        done += len(batch)
        report(done / total, f"写入 {done}/{total} 条 / written {done} of {total}")

    if to_update:
        stmt = (
            update(table)
            .where(and_(table.c.id == bindparam("_id"), table.c.version == bindparam("_version")))
            .values({f: bindparam("b_" + f) for f in REFERRAL_FIELDS + DERIVED_FIELDS}
                    | {"version": table.c.version + 1, "updated_by": actor.username})
        )
        check_count = session.get_bind().dialect.supports_sane_multi_rowcount
        for start in range(0, len(to_update), batch_size):
            batch = to_update[start:start + batch_size]
            params = [
                {"_id": r["_id"], "_version": r["_version"]}
                | {"b_" + f: r[f] for f in REFERRAL_FIELDS + DERIVED_FIELDS}
                for r in batch
            ]
            result = session.execute(stmt, params)
            if check_count and result.rowcount != len(batch):
                raise StaleEdit(
                    "导入期间有移送案件被其他用户修改，导入未执行，请重试。"
                    " / A referral was changed by someone else during the import; nothing was"
                    " imported. Try again."
                )
            moved = [r for r in batch if r["_old_status"] != r["status"]]
            if moved:
                session.execute(insert(events), [
                    {"referral_id": r["_id"], "at": now, "username": actor.username,
                     "from_status": r["_old_status"], "to_status": r["status"], "note": note}
                    for r in moved
                ])
            done += len(batch)
            report(done / total, f"写入 {done}/{total} 条 / written {done} of {total}")

    result = ImportResult("referrals", filename, len(to_insert), len(to_update), unchanged,
                          clean.warnings)
    audit(session, actor, "import.referrals", "import", _object_id(filename), None, {
        "file": filename, "created": result.created, "updated": result.updated,
        "unchanged": result.unchanged,
        "created_numbers": [r["number"] for r in to_insert],
        "changes": changes,
    })
    report(1.0, "完成 / done")
    return result


def _object_id(filename: str | None) -> str | None:
    """The file name as the audit row's object id (a short column; the full name is in
    the row's ``after``)."""
    limit = AuditEntry.__table__.c.object_id.type.length
    return None if filename is None else filename[-limit:]


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


# --------------------------------------------------------------------------- export


def _header_row(kind: str) -> list[str]:
    return [c.zh for c in COLUMNS[kind]]


def template_xlsx(kind: str) -> bytes:
    """An empty workbook with the import headers of ``kind`` ("agencies" / "referrals") on
    its first sheet, and a second sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if kind not in COLUMNS:
        raise ValueError(f"unknown template {kind!r}; expected one of {', '.join(COLUMNS)}")
    wb = Workbook()
    ws = wb.active
    ws.title = "成员单位" if kind == "agencies" else "移送台账"
    ws.append(_header_row(kind))
    for i, col in enumerate(COLUMNS[kind], start=1):
        ws.cell(row=1, column=i).font = Font(bold=True)
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(12, len(col.zh) * 3)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "英文列名", "必填", "说明", "Description"])
    for col in COLUMNS[kind]:
        limit = f"（最多{col.max_length}字）" if col.max_length else ""
        notes.append([col.zh, col.key, "是" if col.required else "否", col.note + limit, col.en])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_referrals_xlsx(session: Session, filters: Mapping | None = None) -> bytes:
    """The sent referrals as an import file (the same columns), so export → import
    round-trips. Unsent drafts are left out: a ledger line needs its sending date.

    ``filters`` (all optional): ``agency_id`` (either side), ``from_agency_id``,
    ``to_agency_id``, ``sent_from`` / ``sent_to`` (dates, inclusive), ``status`` (a code or
    a list of codes). Rows are streamed from the database in number order.
    """
    from openpyxl import Workbook

    filters = dict(filters or {})
    src, dst = aliased(Agency), aliased(Agency)
    r = Referral
    stmt = (
        select(r.number, r.title, r.domain, src.name, dst.name, r.discovered_on, r.discovered_at,
               r.sent_on, r.sent_at, r.urgency, r.extension_notified, r.criminal, r.ack_on,
               r.ack_outcome, r.result_on, r.closed_on, r.approved_by, r.materials,
               r.ack_reason, r.result_summary)
        .join(src, src.id == r.from_agency_id)
        .join(dst, dst.id == r.to_agency_id)
        # An unsent draft is not a ledger line (the import requires the sending date).
        .where(r.sent_on.is_not(None))
        .order_by(r.number)
    )
    if filters.get("agency_id") is not None:
        stmt = stmt.where(or_(r.from_agency_id == filters["agency_id"], r.to_agency_id == filters["agency_id"]))
    if filters.get("from_agency_id") is not None:
        stmt = stmt.where(r.from_agency_id == filters["from_agency_id"])
    if filters.get("to_agency_id") is not None:
        stmt = stmt.where(r.to_agency_id == filters["to_agency_id"])
    if filters.get("sent_from") is not None:
        stmt = stmt.where(r.sent_on >= filters["sent_from"])
    if filters.get("sent_to") is not None:
        stmt = stmt.where(r.sent_on <= filters["sent_to"])
    status = filters.get("status")
    if status:
        stmt = stmt.where(r.status.in_([status] if isinstance(status, str) else list(status)))

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("移送台账")
    ws.append(_header_row("referrals"))

    def yes_no(flag) -> str:
        return "是" if flag else "否"

    for (number, title, domain, src_name, dst_name, disc_on, disc_at, sent_on, sent_at, urgency,
         ext, criminal, ack_on, outcome, result_on, closed_on, approved_by, materials,
         ack_reason, result_summary) in session.execute(stmt.execution_options(yield_per=5000)):
        ws.append([
            number, title, domain, src_name, dst_name,
            _moment_cell(disc_on, disc_at), _moment_cell(sent_on, sent_at),
            lifecycle.URGENCY.get(urgency, urgency), yes_no(ext), yes_no(criminal),
            ack_on, lifecycle.ACK_OUTCOMES.get(outcome, outcome) if outcome else None,
            result_on, closed_on, approved_by, "、".join(materials or []) or None,
            ack_reason, result_summary,
        ])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _moment_cell(day: date | None, moment: datetime | None):
    """A date cell, or a date-and-time cell when the time of day is recorded for that date."""
    if day is None:
        return None
    if moment is not None and moment.date() == day and (moment.hour or moment.minute):
        return moment
    return day
