"""Reading a ledger file: ``.csv`` (UTF-8 with or without BOM, or GBK/GB18030 as Excel on a
Chinese Windows saves it) or ``.xlsx``, into a :class:`~data_access.importing.results.Sheet`
of rows keyed by the headers as written, each knowing its spreadsheet line (header = line 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from data_access.importing.columns import COLUMNS
from data_access.importing.results import Sheet, SheetRow, UnreadableFile


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


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _to_sheet(lines: Iterable[tuple[int, list]], filename: str) -> Sheet:
    lines = [(n, vals) for n, vals in lines if not all(is_blank(v) for v in vals)]
    if not lines:
        return Sheet([], [], filename)
    known = {norm_header(c.zh) for cols in COLUMNS.values() for c in cols}
    known |= {norm_header(c.key) for cols in COLUMNS.values() for c in cols}
    header_at = 0
    for i, (_, vals) in enumerate(lines[:10]):
        if any(norm_header(v) in known for v in vals if not is_blank(v)):
            header_at = i
            break
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
    return Sheet(rows, [h for h in headers if h], filename, header_line)


def header_text(value) -> str:
    if value is None:
        return ""
    return str(value).replace("\ufeff", "").replace("\u200b", "").strip()


def norm_header(value) -> str:
    text = header_text(value).replace("\u3000", " ").strip().rstrip("*＊").strip()
    return re.sub(r"[\s\-]+", "_", text).casefold()

