"""Excel (.xlsx) helpers shared by every app: export of lists, reading uploaded rosters.

Every workbook the product writes goes through `write_cell` (directly, via `append_row`, or
via `workbook_bytes` / `xlsx_response`), or, for the large import-format export written with
XlsxWriter, through `XlsxRows` (the same rules): never assign `cell.value`, call `ws.append` or
XlsxWriter's `write` on user data, which would store text such as `=cmd|' /C calc'!A0` as a live
formula."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.worksheet import Worksheet
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet as XlsxWorksheet

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


# XlsxWriter keeps every cell in memory and writes shared strings: its constant_memory mode
# writes inline strings instead, and there it escapes text looking like "_x0041_" in a way
# openpyxl (the importer's reader) does not undo. Its conversions of text are all off: the
# cells are written with write_string / write_number / write_datetime anyway.
XLSXWRITER_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
DATE_FORMAT = "yyyy-mm-dd"  # openpyxl's formats of date and datetime cells
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
_DAY_ZERO = dt.date(1899, 12, 30).toordinal()
_FIRST_SERIAL_DAY = dt.date(1900, 3, 1)  # from here on, past Excel's 29 February 1900


class XlsxRows:
    """Rows appended to the sheets of an XlsxWriter workbook under `write_cell`'s rules, for
    workbooks too large for openpyxl's per-cell cost: text is always written as text (never a
    formula, error code, URL or number), text starting with a formula trigger gets the quote
    prefix, control characters a worksheet cannot hold are refused (openpyxl's
    IllegalCharacterError), dates and datetimes get openpyxl's number formats.

    A style is a dict of XlsxWriter format properties ({"bold": True}); each distinct one
    becomes one format of the workbook."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self._wb = wb
        self._formats: dict[tuple, Format] = {}
        self._next_row: dict[str, int] = {}
        self._quoted = self.format({"quote_prefix": True})
        self._date = self.format({"num_format": DATE_FORMAT})
        self._datetime = self.format({"num_format": DATETIME_FORMAT})

    def format(self, style: dict[str, Any]) -> Format:
        key = tuple(sorted(style.items()))
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self._wb.add_format(style)
        return found

    def append(
        self,
        ws: XlsxWorksheet,
        values: Sequence[Any],
        style: dict[str, Any] | Sequence[dict[str, Any]] | None = None,
    ) -> int:
        """One row after the last one appended to `ws`; `style` applies to each of its
        cells, or is one per cell. Returns the (1-based) row number written."""
        row = self._next_row.get(ws.name, 0)
        self._next_row[ws.name] = row + 1
        per_cell = style is not None and not isinstance(style, dict)
        for col, value in enumerate(values):
            if value is None:
                continue
            kind = type(value)
            if kind is str and style is None:  # the common cell: plain text, written at once
                if (
                    value
                    and not value.startswith(FORMULA_TRIGGERS)
                    and not ILLEGAL_CHARACTERS_RE.search(value)
                ):
                    ws.write_string(row, col, value)
                    continue
            elif kind is dt.date and value >= _FIRST_SERIAL_DAY:
                # a date's serial number is its day count (XlsxWriter's conversion is slower)
                ws.write_number(row, col, value.toordinal() - _DAY_ZERO, self._date)
                continue
            self._write(ws, row, col, value, style[col] if per_cell else style)
        return row + 1

    def _write(self, ws: XlsxWorksheet, row: int, col: int, value: Any, style) -> None:
        if type(value) is not str:
            value = _cell(value)
        if isinstance(value, str):
            if not value:
                return  # an empty cell, as openpyxl reads an empty text cell
            if ILLEGAL_CHARACTERS_RE.search(value):
                raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
            if value.startswith(FORMULA_TRIGGERS):
                fmt = self.format({**style, "quote_prefix": True}) if style else self._quoted
            else:
                fmt = self.format(style) if style else None
            ws.write_string(row, col, value, fmt)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, self._datetime)
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, value, self._date)
        elif isinstance(value, (int, float, decimal.Decimal)):
            ws.write_number(row, col, value, self.format(style) if style else None)
        else:
            raise TypeError(f"Cannot write {value!r} to a cell")


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
