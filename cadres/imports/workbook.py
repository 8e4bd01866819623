"""Workbooks written from the sheet specs: the template (drop-down lists for coded columns, an
instructions sheet, frozen header) and the export of the same sheets (which imports back)."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.utils import get_column_letter, quote_sheetname

from cadre_supervision.excel import workbook_bytes
from cadre_supervision.xlsx_stream import BOLD, ListValidation, StreamingWorkbook, StreamSheet, Style

from .engine import CellError, Sheet

INSTRUCTIONS = "填写说明"
OPTIONS = "选项"
MAX_VALIDATED_ROWS = 5000


RED_BOLD = Style(bold=True, color="C00000")


def _sheet_header(ws: StreamSheet, sheet: Sheet) -> None:
    for i, c in enumerate(sheet.columns, start=1):
        ws.column(
            i,
            width=22 if c.key == "citizen_id" else max(10, min(40, len(c.header) * 2 + 6)),
            number_format="@" if c.key == "citizen_id" else "General",
        )
    ws.freeze_header = True
    ws.append([c.header for c in sheet.columns], [RED_BOLD if c.required else BOLD for c in sheet.columns])


def _validations(wb: StreamingWorkbook, sheets: Sequence[tuple[Sheet, StreamSheet]]) -> None:
    """A drop-down list on every single-choice column: the allowed labels live on a hidden
    sheet (a list of any length), referenced by the column's data validation."""
    options = wb.add_sheet(OPTIONS, hidden=True)
    lists: list[list[str]] = []  # one column of the options sheet each: its title, then the labels
    for sheet, ws in sheets:
        for i, c in enumerate(sheet.columns, start=1):
            labels = c.allowed_labels()
            if not labels or c.multi:
                continue
            lists.append([f"{sheet.title}·{c.header}", *labels])
            letter = get_column_letter(len(lists))
            target = get_column_letter(i)
            ws.validations.append(
                ListValidation(
                    sqref=f"{target}2:{target}{MAX_VALIDATED_ROWS}",
                    formula=f"{quote_sheetname(OPTIONS)}!${letter}$2:${letter}${len(labels) + 1}",
                    allow_blank=not c.required,
                    error_title="无效选项",
                    error=f"请从下拉列表中选择：{'、'.join(labels)}"[:255],
                    prompt_title=c.header[:32],
                    prompt=c.describe()[:255],
                )
            )
    for r in range(max(map(len, lists), default=0)):
        options.append([values[r] if r < len(values) else None for values in lists])


def _instructions(wb: StreamingWorkbook, sheets: Sequence[Sheet]) -> None:
    ws = wb.add_sheet(INSTRUCTIONS, index=0)
    for i, width in enumerate((10, 14, 10, 90), start=1):
        ws.column(i, width=width)
    ws.freeze_header = True
    ws.append(["工作表", "列", "是否必填", "说明与可选值"], BOLD)
    for sheet in sheets:
        for c in sheet.columns:
            ws.append([sheet.title, c.header, "必填" if c.required else "选填", c.describe()])
    ws.append([])
    notes = [
        "每个工作表单独导入：一个工作表中任何一行有误，该工作表不导入任何数据，并列出所有错误（行号、列、原值、原因）。",
        "工作表按顺序导入：单位 → 岗位 → 干部 → 任职 → 其余档案；后面的工作表可以引用前面工作表中的单位、岗位和干部。",
        "上传后先“预检”：显示将新建、将修改（修改前后对比）的记录，确认后才写入。",
        "日期可写作 2018-09-01、2018/9/1、2018.09、2018-09、2018年9月；只写年月时按该月1日登记。",
        "红色列名为必填列；带下拉列表的列请从列表中选择，也可填写说明中列出的同义写法。",
        "从本系统导出的同名工作簿可以直接再导入（导出与导入使用同一格式）。",
    ]
    for note in notes:
        ws.append(["", "", "", note])


def _book(sheets: Sequence[Sheet], rows_of=None) -> bytes:
    """The workbook through the streaming writer (`cadre_supervision.xlsx_stream`: the cell
    rules of `write_cell`, a fraction of openpyxl's time per cell)."""
    wb = StreamingWorkbook()
    _instructions(wb, sheets)
    written = []
    for sheet in sheets:
        ws = wb.add_sheet(sheet.title)
        _sheet_header(ws, sheet)
        if rows_of is not None:
            for values in rows_of(sheet):
                ws.append(values)
        written.append((sheet, ws))
    _validations(wb, written)
    return wb.save()


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
