"""The reminder notice (催办通知) to one receiving agency about its overdue acknowledgements.

A formal document from the joint meeting office (联席会议办公室): title, document number,
the agency addressed, the rule it has not met, a table of every overdue referral (number,
title, sender, sent date, due date, days late, whether the due date is provisional), what to
do, then the office and the date.

Chinese text needs its East-Asian font named on every run (``w:eastAsia``); Word otherwise
falls back to a Latin font and the characters may show as boxes. Body text uses 仿宋 and
the title 黑体, the fonts of Chinese official documents that every Chinese Windows has.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from data_access.documents.page import official_page
from data_access.inert import inert

__all__ = ["ReminderLine", "reminder_notice", "BODY_FONT", "TITLE_FONT", "ISSUER"]

BODY_FONT = "仿宋"
TITLE_FONT = "黑体"
LATIN_FONT = "Times New Roman"
ISSUER = "联席会议办公室"
TITLE = "关于督促办理超期未受理告知移送案件的通知"
COLUMNS = ("序号", "移送编号", "案件名称", "移送单位", "移送日期", "受理告知期限", "超期天数", "期限性质")
#: Column widths in cm, filling the 15.6 cm between the margins; the title gets the room.
WIDTHS_CM = (0.8, 2.6, 3.4, 2.0, 1.9, 1.9, 1.5, 1.5)


@dataclass(frozen=True)
class ReminderLine:
    """One overdue referral as listed in the notice."""

    number: str
    title: str
    sender: str
    sent_on: date
    due_on: date
    days_late: int
    provisional: bool
    #: The sender's contact person and phone, under its name: whom to call about it.
    sender_contact: str | None = None


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _set_fonts(run, east_asian: str, size_pt: float | None = None, bold: bool | None = None) -> None:
    run.font.name = LATIN_FONT
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.font.bold = bold


def _paragraph(doc, text: str, *, font: str = BODY_FONT, size: float = 16, bold: bool = False,
               align=None, indent_first: bool = False, space_after: float = 6):
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(0)
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = Pt(size * 1.6)
    if indent_first:
        fmt.first_line_indent = Pt(size * 2)  # two characters, as official documents do
    _set_fonts(p.add_run(inert(text)), font, size, bold)
    return p


def _cell(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER, size: float = 9):
    p = cell.paragraphs[0]  # a new cell holds one empty paragraph
    p.alignment = align
    _set_fonts(p.add_run(inert(text)), BODY_FONT, size, bold)


def reminder_notice(
    agency_name: str,
    lines: Sequence[ReminderLine],
    as_of: date,
    *,
    issued_on: date | None = None,
    ack_working_days: int = 5,
    reply_working_days: int = 2,
    document_number: str | None = None,
) -> bytes:
    """The notice as ``.docx`` bytes.

    ``as_of`` is the day the overdue list was taken on; ``issued_on`` (default ``as_of``)
    is the date printed under the office's name. ``lines`` are printed in the order given
    (the overdue report's order: most days late first).
    """
    issued_on = issued_on or as_of
    doc = Document()
    official_page(doc)

    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    _paragraph(doc, ISSUER, font=TITLE_FONT, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    number = document_number or f"联席办催〔{issued_on.year}〕{issued_on:%m%d}号"
    _paragraph(doc, number, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=18)
    _paragraph(doc, TITLE, font=TITLE_FONT, size=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
               space_after=18)
    _paragraph(doc, f"{agency_name}：")

    provisional = sum(1 for line in lines if line.provisional)
    _paragraph(
        doc,
        f"根据联席会议制度关于受移送单位应当在收到移送之日起{ack_working_days}个工作日内"
        f"书面告知受理情况的规定，经联席会议办公室核查，截至{cn_date(as_of)}，"
        f"你单位尚有以下{len(lines)}件移送案件已超过受理告知期限，仍未书面告知受理情况。",
        indent_first=True,
    )
    _paragraph(
        doc,
        f"请你单位高度重视，自收到本通知之日起{reply_working_days}个工作日内逐件办理，"
        "依法作出受理、不予受理或者退回的决定，书面告知移送单位，并将办理情况报送联席会议办公室。"
        "逾期仍未办理的，将提请联席会议通报。",
        indent_first=True,
    )

    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS_CM):
        column.width = Cm(width)
    for cell, heading, width in zip(table.rows[0].cells, COLUMNS, WIDTHS_CM):
        cell.width = Cm(width)
        _cell(cell, heading, bold=True)
    for i, line in enumerate(lines, start=1):
        cells = table.add_row().cells
        values = (
            str(i),
            line.number,
            line.title,
            f"{line.sender}\n{line.sender_contact}" if line.sender_contact else line.sender,
            line.sent_on.isoformat(),
            line.due_on.isoformat(),
            str(line.days_late),
            "暂定" if line.provisional else "正式",
        )
        for j, (cell, value, width) in enumerate(zip(cells, values, WIDTHS_CM)):
            cell.width = Cm(width)  # Word reads the width of each cell, not of the column
            _cell(cell, value, align=WD_ALIGN_PARAGRAPH.LEFT if j == 2 else WD_ALIGN_PARAGRAPH.CENTER)

    _paragraph(
        doc,
        "说明：超期天数为受理告知期限次日起至统计日的日历天数。",
        size=14,
        indent_first=True,
    )
    if provisional:
        _paragraph(
            doc,
            f"其中{provisional}件的期限性质为“暂定”：其计算所涉年度的节假日安排尚未公布，"
            "按法定节假日推算，待国务院公布当年安排后以正式日历为准。",
            size=14,
            indent_first=True,
        )
    issuer = _paragraph(doc, ISSUER, align=WD_ALIGN_PARAGRAPH.RIGHT)
    issuer.paragraph_format.space_before = Pt(24)
    issuer.paragraph_format.keep_with_next = True  # the office and its date on one page
    _paragraph(doc, cn_date(issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
