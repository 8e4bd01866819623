"""Excel (.xlsx) helpers shared by every app: export of lists, reading uploaded rosters.

Every workbook the product writes goes through `write_cell` (directly, via `append_row`, or
via `workbook_bytes` / `xlsx_response`), or `cadre_supervision.xlsx_stream` (the same rules, for
the large import-format export): never assign `cell.value` or call `ws.append` on
user data, which would store text such as `=cmd|' /C calc'!A0` as a live formula."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


# Text a spreadsheet program would read as a formula (or DDE call) when the cell is opened or edited.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (list, tuple, set)):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def write_cell(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """The one way the product writes a cell: text is always stored as text, never as a
    formula (openpyxl turns any string starting with "=" into one), and text starting with a
    formula trigger also gets Excel's quote prefix so editing the cell keeps it literal."""
    cell = ws.cell(row=row, column=column)
    value = _cell(value)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def append_row(ws: Worksheet, values: Sequence[Any]) -> int:
    """`ws.append(values)` through write_cell; returns the row number written."""
    row = ws._current_row + 1  # what ws.append uses; an empty `values` still takes a row
    for column, value in enumerate(values, start=1):
        write_cell(ws, row, column, value)
    ws._current_row = row
    return row


def workbook_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title=title[:31])
        append_row(ws, list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            append_row(ws, row)
        for i, h in enumerate(header, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(str(h)) * 2 + 4))
        ws.freeze_panes = "A2"
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Sheet1"
) -> HttpResponse:
    return xlsx_multi_response(filename, [(title, header, rows)])


def xlsx_multi_response(filename: str, sheets) -> HttpResponse:
    resp = HttpResponse(workbook_bytes(sheets), content_type=XLSX_MIME)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


def read_rows(fileobj) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """Return (header, [(excel_row_number, {header: value})]) of the first sheet; skips blank rows."""
    wb = load_workbook(fileobj, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        return [], []
    out = []
    for idx, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        out.append((idx, {h: v for h, v in zip(header, values, strict=False) if h}))
    wb.close()
    return header, out
