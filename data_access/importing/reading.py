"""Reading a ledger file: ``.csv`` (UTF-8 with or without BOM, or GBK/GB18030 as Excel on a
Chinese Windows saves it) or ``.xlsx``, into a :class:`~data_access.importing.results.Sheet`
of rows keyed by the headers as written, each knowing its spreadsheet line (header = line 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from openpyxl.utils import column_index_from_string

from data_access.importing.columns import COLUMNS
from data_access.importing.results import RowError, Sheet, SheetRow, UnreadableFile
from data_access.inert import uninert_csv


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
        book = _Workbook(_csv_lines(content))
    elif suffix == ".xlsx":
        book = _xlsx_lines(content, filename)
    else:
        raise UnreadableFile(
            f"不支持的文件类型“{suffix or filename}”：请使用 .csv 或 .xlsx 文件。"
            f" / Unsupported file type {suffix or filename!r}: use a .csv or .xlsx file."
        )
    return _to_sheet(book, filename)


def _csv_lines(content: bytes) -> list[tuple[int, list]]:
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
        # The export protects text a spreadsheet would execute with a leading ' (see
        # data_access.inert); it is removed here so the round trip gives the text back.
        return [(n, [uninert_csv(v) for v in record]) for n, record in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise UnreadableFile(f"CSV格式有误：{exc} / The CSV file is malformed: {exc}") from None


@dataclass
class _Workbook:
    lines: list[tuple[int, list]]
    sheet_name: str | None = None
    sheet_names: list[str] = field(default_factory=list)
    problems: list[tuple[int, int, str]] = field(default_factory=list)  # line, column index, message


HIDDEN_ROW = ("此行在Excel中被隐藏（隐藏行或筛选）。为免导入看不见的内容，整个文件未导入："
              "请取消隐藏并核对这些行，不需要的行请删除，然后重新上传。"
              " / This row is hidden in Excel (hidden or filtered out). So that nothing unseen is"
              " imported, the file was not imported: unhide and check these rows, delete the ones"
              " not wanted, then upload again.")
FORMULA_WITHOUT_VALUE = ("公式没有计算结果（文件由程序生成、未在Excel中保存过）：请在Excel中打开并保存，"
                         "或把公式改成数值。 / A formula without a value (the file was never saved by"
                         " a spreadsheet program): open and save it in Excel, or replace the formula"
                         " with its value.")


def _xlsx_lines(content: bytes, filename: str) -> _Workbook:
    """The rows of the first sheet holding a known header (a cover or notes sheet before the
    data is skipped), else of the first sheet; with the rows hidden in Excel and the formulas
    that have no stored value, which openpyxl alone would read as empty cells."""
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
            return _Workbook([])
        names = [ws.title for ws in wb.worksheets]
        chosen = next((ws for ws in wb.worksheets if _has_known_header(_sheet_lines(ws, head=10))),
                      wb.worksheets[0])
        lines = _sheet_lines(chosen)
    finally:
        wb.close()
    try:
        problems = _scan_sheet_xml(content, chosen.title)
    except Exception:  # noqa: BLE001 - openpyxl read it; an odd layout only costs the extra checks
        problems = []
    return _Workbook(lines, chosen.title, names, problems)


def _sheet_lines(ws, head: int | None = None) -> list[tuple[int, list]]:
    """(line, values) of the sheet's non-empty rows; only the first ``head`` of them if given."""
    # Some producers write a wrong sheet size; read every row there is.
    ws.reset_dimensions()
    out = []
    for row in ws.iter_rows():
        cells = [c for c in row if getattr(c, "row", None) is not None]
        if not cells:
            continue
        values: list = []
        for c in cells:
            # Place each value at its column even when read-only mode skipped empty cells.
            while len(values) < c.column - 1:
                values.append(None)
            values.append(c.value)
        if all(is_blank(v) for v in values):
            continue
        out.append((cells[0].row, values))
        if head is not None and len(out) >= head:
            break
    return out


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _scan_sheet_xml(content: bytes, title: str) -> list[tuple[int, int, str]]:
    """Hidden rows and formulas without a cached value of the sheet called ``title``, read
    from the sheet's XML (openpyxl's read-only mode does not expose either)."""
    import posixpath
    import zipfile
    from xml.etree import ElementTree

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        book = "xl/workbook.xml"
        for rel in ElementTree.fromstring(archive.read("_rels/.rels")).iter(f"{_PKG_REL}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                book = rel.get("Target", book).lstrip("/")
        rel_id = next(s.get(f"{_REL}id") for s in ElementTree.fromstring(archive.read(book)).iter(f"{_MAIN}sheet")
                      if s.get("name") == title)
        rels_path = posixpath.join(posixpath.dirname(book), "_rels", posixpath.basename(book) + ".rels")
        target = next(r.get("Target") for r in ElementTree.fromstring(archive.read(rels_path)).iter(f"{_PKG_REL}Relationship")
                      if r.get("Id") == rel_id)
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(posixpath.dirname(book), target))
        found: list[tuple[int, int, str]] = []
        line = 0
        with archive.open(path) as source:
            for event, el in ElementTree.iterparse(source, events=("start", "end")):
                if event == "start":
                    if el.tag == f"{_MAIN}row":
                        line = int(el.get("r") or line + 1)
                        if el.get("hidden") in ("1", "true"):
                            found.append((line, 0, HIDDEN_ROW))
                    continue
                if el.tag == f"{_MAIN}c":
                    formula, value = el.find(f"{_MAIN}f"), el.find(f"{_MAIN}v")
                    if formula is not None and (value is None or not value.text):
                        letters = "".join(ch for ch in el.get("r", "") if ch.isalpha())
                        found.append((line, column_index_from_string(letters) if letters else 0,
                                      FORMULA_WITHOUT_VALUE))
                elif el.tag == f"{_MAIN}row":
                    el.clear()
                elif el.tag == f"{_MAIN}sheetData":
                    break
        return found


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@cache
def _known_headers() -> frozenset[str]:
    return frozenset(norm_header(name) for cols in COLUMNS.values() for c in cols for name in (c.zh, c.key))


def _has_known_header(lines: Iterable[tuple[int, list]]) -> bool:
    known = _known_headers()
    return any(norm_header(v) in known for _, vals in lines for v in vals if not is_blank(v))


def _to_sheet(book: _Workbook, filename: str) -> Sheet:
    formula_lines = {line for line, column, _ in book.problems if column}
    # A row whose only cells are formulas without a value is not empty: it is reported.
    lines = [(n, vals) for n, vals in book.lines
             if n in formula_lines or not all(is_blank(v) for v in vals)]
    if not lines:
        return Sheet([], [], filename, sheet_name=book.sheet_name, sheet_names=book.sheet_names)
    header_at = next((i for i, line in enumerate(lines[:10]) if _has_known_header([line])), 0)
    header_line, header_vals = lines[header_at]
    headers = [header_text(v) for v in header_vals]
    # Trim trailing unnamed columns (spreadsheets often carry empty formatted cells).
    while headers and not headers[-1]:
        headers.pop()
    rows = []
    for line, vals in lines[header_at + 1:]:
        record = {}
        for i, h in enumerate(headers):
            if h:
                record[h] = vals[i] if i < len(vals) else None
        extra = [v for v in vals[len(headers):] if not is_blank(v)]
        if extra:
            record[""] = extra  # values under no header: reported by validation
        rows.append(SheetRow(record, line))
    data_lines = {row.line for row in rows}
    problems = [
        RowError(line, headers[column - 1] if 0 < column <= len(headers) else "", message)
        for line, column, message in book.problems
        if line in data_lines
    ]
    return Sheet(rows, [h for h in headers if h], filename, header_line, sheet_name=book.sheet_name,
                 sheet_names=book.sheet_names, problems=problems)


def header_text(value) -> str:
    if value is None:
        return ""
    return str(value).replace("\ufeff", "").replace("\u200b", "").strip()


def norm_header(value) -> str:
    text = header_text(value).replace("\u3000", " ").strip().rstrip("*＊").strip()
    return re.sub(r"[\s\-]+", "_", text).casefold()

