"""The import's plain messages for what a spreadsheet hides (issue 14): control characters,
hidden rows, data on a later sheet, formulas without a value, ragged rows. Pure (no database)
except where the refusal must be shown to write nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from data_access.commands.base import SYSTEM
from data_access.db import read_session, write_session
from data_access.importing import (
    AgencyRef,
    ImportRefused,
    import_agencies,
    import_referrals,
    read_table,
    validate_agencies,
    validate_referrals,
)
from data_access.models import Agency

TODAY = date(2026, 11, 21)
AGENCIES = {
    "青山镇": AgencyRef(1, "青山镇", True),
    "市住房和城乡建设局": AgencyRef(2, "市住房和城乡建设局", True),
}
HEADER = ["移送编号", "案件名称", "移送单位", "接收单位", "移送日期"]


def row(number: str, title: str = "违法搭建") -> list:
    return [number, title, "青山镇", "市住房和城乡建设局", "2026-03-04"]


def workbook(*sheets: tuple[str, list[list]]) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for title, lines in sheets:
        ws = wb.create_sheet(title)
        for line in lines:
            ws.append(line)
    return wb


def xlsx(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_control_characters_are_refused_with_line_and_column():
    rows = [
        dict(zip(HEADER, row("YS-1", "标题\x0b来自Word"))),
        dict(zip(HEADER, row("YS-2\x01"))),
        dict(zip(HEADER, row("YS-3", "两行\n标题"))),  # a one-line field, as on the form
        dict(zip(HEADER, row("YS-4", "正常"))) | {"结果摘要": "第一行\n第二行"},  # free text may span lines
    ]
    clean, errors = validate_referrals(rows, AGENCIES, (), today=TODAY)
    assert [(e.line, e.column) for e in errors] == [(2, "案件名称"), (3, "移送编号"), (4, "案件名称")]
    assert "控制字符" in errors[0].message and "control characters" in errors[0].message
    assert str(errors[0]).startswith("第2行（line 2），列“案件名称”")
    assert "一行" in errors[2].message
    assert [r["number"] for r in clean] == ["YS-4"] and clean[0]["result_summary"] == "第一行\n第二行"

    _, errors = validate_agencies([{"单位名称": "青山\x1f镇", "单位类型": "镇街", "联系人": "陈\x07静"}])
    assert {(e.line, e.column) for e in errors} == {(2, "单位名称"), (2, "联系人")}


def test_control_characters_in_a_file_write_nothing(empty_db):
    data = "单位名称,单位类型\n青山镇,镇街\n河西\x0b街道,镇街\n".encode()
    with pytest.raises(ImportRefused) as refused, write_session(empty_db) as s:
        import_agencies(s, SYSTEM, read_table(data, "agencies.csv"))
    assert [(e.line, e.column) for e in refused.value.errors] == [(3, "单位名称")]
    with read_session(empty_db) as s:
        assert s.scalar(select(func.count()).select_from(Agency)) == 0


def test_hidden_rows_are_refused_by_line():
    wb = workbook(("台账", [HEADER, row("YS-1"), row("YS-2"), row("YS-3")]))
    wb["台账"].row_dimensions[3].hidden = True
    sheet = read_table(xlsx(wb), "ledger.xlsx")
    assert len(sheet) == 3  # read, so that it can be named
    clean, errors = validate_referrals(sheet, AGENCIES, (), today=TODAY)
    assert [(e.line, e.column) for e in errors] == [(3, "")]
    assert "隐藏" in errors[0].message and "hidden" in errors[0].message
    assert [r["number"] for r in clean] == ["YS-1", "YS-3"]


def test_data_on_the_second_sheet_is_found():
    wb = workbook(("封面", [["某镇移送台账"], ["2026年"]]), ("台账", [HEADER, row("YS-1")]))
    sheet = read_table(xlsx(wb), "ledger.xlsx")
    assert sheet.sheet_name == "台账" and sheet.sheet_names == ["封面", "台账"]
    clean, errors = validate_referrals(sheet, AGENCIES, (), today=TODAY)
    assert errors == [] and clean[0]["number"] == "YS-1"


def test_a_workbook_without_the_columns_says_which_sheet_was_read():
    wb = workbook(("Sheet1", [["编号", "名称"], ["1", "x"]]), ("Sheet2", [["备注"], ["y"]]))
    _, errors = validate_referrals(read_table(xlsx(wb), "ledger.xlsx"), AGENCIES, (), today=TODAY)
    (missing,) = errors
    assert "缺少必需的列" in missing.message
    assert "“Sheet1”" in missing.message and "“Sheet2”" in missing.message and "Sheet1" in missing.message


def test_a_formula_without_a_value_is_not_called_empty():
    # openpyxl writes formulas without a cached value, as any program generating a file does.
    wb = workbook(("台账", [HEADER, row("YS-1"), ["YS-2", '=CONCAT("违法","搭建")', "青山镇", "市住房和城乡建设局",
                                                  "2026-03-04"]]))
    clean, errors = validate_referrals(read_table(xlsx(wb), "ledger.xlsx"), AGENCIES, (), today=TODAY)
    assert [(e.line, e.column) for e in errors] == [(3, "案件名称")]
    assert "公式" in errors[0].message and "formula without a value" in errors[0].message
    assert "必填" not in errors[0].message
    assert [r["number"] for r in clean] == ["YS-1"]


def test_a_ragged_row_is_counted_once():
    text = "\n".join([",".join(HEADER), ",".join(row("YS-1")), ",".join(row("YS-2")) + ",多出来的,值",
                      ",".join(row("YS-3"))]) + "\n"
    sheet = read_table(text.encode(), "ledger.csv")
    clean, errors = validate_referrals(sheet, AGENCIES, (), today=TODAY)
    bad_lines = {e.line for e in errors}
    assert bad_lines == {3}
    assert clean.to_create + clean.to_update + len(bad_lines) == len(sheet) == 3
