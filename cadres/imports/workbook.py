"""Workbooks written from the sheet specs: the template (drop-down lists for coded columns, an
instructions sheet, frozen header) and the export of the same sheets (which imports back)."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

import xlsxwriter
from openpyxl.utils import get_column_letter, quote_sheetname
from xlsxwriter.worksheet import Worksheet

from cadre_supervision.excel import XLSXWRITER_OPTIONS, XlsxRows, workbook_bytes

from .engine import CellError, Sheet

INSTRUCTIONS = "填写说明"
OPTIONS = "选项"
MAX_VALIDATED_ROWS = 5000

BOLD = {"bold": True}
RED_BOLD = {"bold": True, "font_color": "#C00000"}


def _sheet_header(rows: XlsxRows, ws: Worksheet, sheet: Sheet) -> None:
    text = rows.format({"num_format": "@"})
    for i, c in enumerate(sheet.columns):
        width = 22 if c.key == "citizen_id" else max(10, min(40, len(c.header) * 2 + 6))
        ws.set_column(i, i, width, text if c.key == "citizen_id" else None)
    ws.freeze_panes(1, 0)
    rows.append(
        ws, [c.header for c in sheet.columns], [RED_BOLD if c.required else BOLD for c in sheet.columns]
    )


def _validations(wb: xlsxwriter.Workbook, rows: XlsxRows, sheets: Sequence[tuple[Sheet, Worksheet]]) -> None:
    """A drop-down list on every single-choice column: the allowed labels live on a hidden
    sheet (a list of any length), referenced by the column's data validation."""
    options = wb.add_worksheet(OPTIONS)
    options.hide()
    lists: list[list[str]] = []  # one column of the options sheet each: its title, then the labels
    for sheet, ws in sheets:
        for i, c in enumerate(sheet.columns):
            labels = c.allowed_labels()
            if not labels or c.multi:
                continue
            lists.append([f"{sheet.title}·{c.header}", *labels])
            letter = get_column_letter(len(lists))
            failed = ws.data_validation(
                1,
                i,
                MAX_VALIDATED_ROWS - 1,
                i,
                {
                    "validate": "list",
                    "source": f"={quote_sheetname(OPTIONS)}!${letter}$2:${letter}${len(labels) + 1}",
                    "ignore_blank": not c.required,
                    "error_title": "无效选项",
                    "error_message": f"请从下拉列表中选择：{'、'.join(labels)}"[:255],
                    "input_title": c.header[:32],
                    "input_message": c.describe()[:255],
                },
            )
            if failed:  # XlsxWriter only warns, and leaves the list out
                raise ValueError(f"the drop-down list of {sheet.title}·{c.header} was refused")
    for r in range(max(map(len, lists), default=0)):
        rows.append(options, [values[r] if r < len(values) else None for values in lists])


def _instructions(wb: xlsxwriter.Workbook, rows: XlsxRows, sheets: Sequence[Sheet]) -> None:
    ws = wb.add_worksheet(INSTRUCTIONS)
    for i, width in enumerate((10, 14, 10, 90)):
        ws.set_column(i, i, width)
    ws.freeze_panes(1, 0)
    rows.append(ws, ["工作表", "列", "是否必填", "说明与可选值"], BOLD)
    for sheet in sheets:
        for c in sheet.columns:
            rows.append(ws, [sheet.title, c.header, "必填" if c.required else "选填", c.describe()])
    rows.append(ws, [])
    notes = [
        "每个工作表单独导入：一个工作表中任何一行有误，该工作表不导入任何数据，并列出所有错误（行号、列、原值、原因）。",
        "工作表按顺序导入：单位 → 岗位 → 干部 → 任职 → 其余档案；后面的工作表可以引用前面工作表中的单位、岗位和干部。",
        "上传后先“预检”：显示将新建、将修改（修改前后对比）的记录，确认后才写入。",
        "日期可写作 2018-09-01、2018/9/1、2018.09、2018-09、2018年9月；只写年月时按该月1日登记。",
        "红色列名为必填列；带下拉列表的列请从列表中选择，也可填写说明中列出的同义写法。",
        "从本系统导出的同名工作簿可以直接再导入（导出与导入使用同一格式）。",
    ]
    for note in notes:
        rows.append(ws, ["", "", "", note])


def _book(sheets: Sequence[Sheet], rows_of=None) -> bytes:
    """The workbook through XlsxWriter (`XlsxRows`: the cell rules of `write_cell`, a fraction
    of openpyxl's time per cell)."""
    buf = BytesIO()
    wb = xlsxwriter.Workbook(buf, XLSXWRITER_OPTIONS)
    rows = XlsxRows(wb)
    _instructions(wb, rows, sheets)
    written = []
    for sheet in sheets:
        ws = wb.add_worksheet(sheet.title)
        _sheet_header(rows, ws, sheet)
        if rows_of is not None:
            for values in rows_of(sheet):
                rows.append(ws, values)
        written.append((sheet, ws))
    _validations(wb, rows, written)
    wb.close()
    return buf.getvalue()


def template_bytes(sheets: Sequence[Sheet]) -> bytes:
    return _book(sheets)


def export_bytes(ctx, sheets: Sequence[Sheet]) -> tuple[bytes, dict[str, int]]:
    """Every sheet's records in the user's scope; returns the workbook and the rows per sheet."""
    counts: dict[str, int] = {}

    def rows_of(sheet):
        rows = sheet.export_rows(ctx)
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
