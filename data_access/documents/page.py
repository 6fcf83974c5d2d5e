"""The page every document the office sends out is printed on."""

from __future__ import annotations

from docx.shared import Cm


def official_page(doc) -> None:
    """A4 portrait with the margins of the office's official documents (党政机关公文格式)."""
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
