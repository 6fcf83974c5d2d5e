"""Stored text made safe for every file the product writes (xlsx, csv, docx).

Two dangers, one function (:func:`inert`):

- A cell a spreadsheet would execute: text starting with ``= + - @``, a tab or a carriage
  return (``=HYPERLINK("http://…"&A1,"点我")``). In an ``.xlsx`` the writer stores it as a text
  cell (data type ``s``, with Excel's "quote prefix" so that editing it keeps it text); the
  text itself is unchanged, so importing the file gives it back. A ``.csv`` has no types:
  such text gets a leading ``'`` (what Excel shows for "text, not formula"), and so does text
  that already starts with ``'``, so that the import's removal of one leading ``'``
  (:func:`uninert_csv`) gives back exactly what was stored.
- Text a file cannot hold: control characters (``\\x01``, Word's ``\\x0b`` …) and lone
  surrogates make openpyxl and python-docx raise. The forms and the import refuse them, but
  older records may hold them: they are written as a space, so the export still works and
  a re-import stores the cleaned text.

Tab, line feed and carriage return inside the text are kept (multi-line notes).
"""

from __future__ import annotations

import re

__all__ = ["inert", "uninert_csv", "xlsx_cell", "FORMULA_STARTS", "XLSX_CELL_LIMIT"]

#: First characters that make Excel, LibreOffice or WPS read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The most characters an Excel cell holds; longer text makes Excel "repair" the file.
XLSX_CELL_LIMIT = 32767

# XML 1.0 cannot hold these; DEL is legal XML but no one means it.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def inert(value, *, csv: bool = False, limit: int | None = None):
    """``value`` ready for a writer: non-text values are returned as they are; text has its
    unwritable characters replaced by spaces, is cut to ``limit`` characters, and (for a
    ``csv``) gets a protective leading ``'`` when a spreadsheet would otherwise execute it."""
    if not isinstance(value, str):
        return value
    text = _UNWRITABLE.sub(" ", value)
    if limit is not None and len(text) > limit:
        text = text[:limit]
    if csv and text.startswith((*FORMULA_STARTS, "'")):
        text = "'" + text
    return text


def uninert_csv(value):
    """The inverse of ``inert(…, csv=True)`` for a cell read back from a csv file."""
    if isinstance(value, str) and value.startswith("'"):
        return value[1:]
    return value


def xlsx_cell(sheet, value):
    """An openpyxl cell for ``sheet`` (write-only or not) holding ``value``; text is always a
    text cell, never a formula."""
    from openpyxl.cell import WriteOnlyCell

    value = inert(value, limit=XLSX_CELL_LIMIT)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell
