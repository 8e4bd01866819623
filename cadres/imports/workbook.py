"""Workbooks written from the sheet specs: the template (drop-down lists for coded columns, an
instructions sheet, frozen header) and the export of the same sheets (which imports back)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from cadre_supervision.excel import append_row, workbook_bytes, write_cell

from .engine import CellError, Sheet
from .spec import date

INSTRUCTIONS = "填写说明"
OPTIONS = "选项"
MAX_VALIDATED_ROWS = 5000


def _sheet_header(ws, sheet: Sheet) -> None:
    append_row(ws, [c.header for c in sheet.columns])
    for i, c in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True, color="C00000" if c.required else None)
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = (
            22 if c.key == "citizen_id" else max(10, min(40, len(c.header) * 2 + 6))
        )
        if c.key == "citizen_id":
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"


def _validations(wb: Workbook, sheets: Sequence[tuple[Sheet, object]]) -> None:
    """A drop-down list on every single-choice column: the allowed labels live on a hidden
    sheet (a list of any length), referenced by the column's data validation."""
    options = wb.create_sheet(OPTIONS)
    options.sheet_state = "hidden"
    col = 0
    for sheet, ws in sheets:
        for i, c in enumerate(sheet.columns, start=1):
            labels = c.allowed_labels()
            if not labels or c.multi:
                continue
            col += 1
            letter = get_column_letter(col)
            write_cell(options, 1, col, f"{sheet.title}·{c.header}")
            for r, label in enumerate(labels, start=2):
                write_cell(options, r, col, label)
            ref = f"{quote_sheetname(OPTIONS)}!${letter}$2:${letter}${len(labels) + 1}"
            dv = DataValidation(
                type="list",
                formula1=ref,
                allow_blank=not c.required,
                showErrorMessage=True,
                errorTitle="无效选项",
                error=f"请从下拉列表中选择：{'、'.join(labels)}"[:255],
                promptTitle=c.header[:32],
                prompt=c.describe()[:255],
                showInputMessage=True,
            )
            target = get_column_letter(i)
            dv.add(f"{target}2:{target}{MAX_VALIDATED_ROWS}")
            ws.add_data_validation(dv)


def _instructions(wb: Workbook, sheets: Sequence[Sheet]) -> None:
    ws = wb.create_sheet(INSTRUCTIONS, 0)
    append_row(ws, ["工作表", "列", "是否必填", "说明与可选值"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for sheet in sheets:
        for c in sheet.columns:
            append_row(ws, [sheet.title, c.header, "必填" if c.required else "选填", c.describe()])
    append_row(ws, [])
    notes = [
        "每个工作表单独导入：一个工作表中任何一行有误，该工作表不导入任何数据，并列出所有错误（行号、列、原值、原因）。",
        "工作表按顺序导入：单位 → 岗位 → 干部 → 任职 → 其余档案；后面的工作表可以引用前面工作表中的单位、岗位和干部。",
        "上传后先“预检”：显示将新建、将修改（修改前后对比）的记录，确认后才写入。",
        "日期可写作 2018-09-01、2018/9/1、2018.09、2018-09、2018年9月；只写年月时按该月1日登记。",
        "红色列名为必填列；带下拉列表的列请从列表中选择，也可填写说明中列出的同义写法。",
        "从本系统导出的同名工作簿可以直接再导入（导出与导入使用同一格式）。",
    ]
    for note in notes:
        append_row(ws, ["", "", "", note])
    for letter, width in zip("ABCD", (10, 14, 10, 90), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def _book(sheets: Sequence[Sheet], rows_of=None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _instructions(wb, sheets)
    written = []
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        _sheet_header(ws, sheet)
        if rows_of is not None:
            date_cols = [i for i, c in enumerate(sheet.columns, start=1) if c.parser is date]
            for values in rows_of(sheet):
                r = append_row(ws, values)
                for i in date_cols:
                    if isinstance(values[i - 1], dt.date):
                        ws.cell(row=r, column=i).number_format = "yyyy-mm-dd"
        written.append((sheet, ws))
    _validations(wb, written)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_bytes(sheets: Sequence[Sheet]) -> bytes:
    return _book(sheets)


def export_bytes(ctx, sheets: Sequence[Sheet]) -> tuple[bytes, dict[str, int]]:
    """Every sheet's records in the user's scope; returns the workbook and the rows per sheet."""
    counts: dict[str, int] = {}

    def rows_of(sheet):
        rows = [sheet.export_row(ctx, obj) for obj in sheet.export_objects(ctx)]
        counts[sheet.title] = len(rows)
        return rows

    return _book(sheets, rows_of), counts


def error_report_bytes(errors: Sequence[CellError | dict]) -> bytes:
    rows = []
    for e in errors:
        d = e if isinstance(e, dict) else e.as_dict()
        rows.append(
            [d.get("sheet", ""), d.get("row") or "", d.get("column", ""), d.get("value", ""), d["message"]]
        )
    return workbook_bytes([("错误报告", ["工作表", "Excel 行号", "列", "原值", "错误原因"], rows)])
