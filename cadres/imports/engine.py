"""The import engine: every sheet of a workbook through its spec, one transaction per sheet.

For each sheet: every row's every cell is parsed (all field errors collected), then the
sheet's row rules and references (batch lookups, one set of queries per sheet), then each
row that parsed goes through the service in its own savepoint, so the service's own
validation errors are reported too. A sheet with any bad row writes nothing; a dry run
rolls every sheet back (inside one outer transaction, so later sheets see what earlier
sheets would have written) and reports what would be created and changed.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import load_workbook

from cadre_supervision.excel import MAX_UPLOAD_BYTES

from .spec import CellError, Column, RowChange, blank_if_none, display


class RowErrors(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors


@dataclass
class ParsedRow:
    row: int
    raw: dict[str, Any]  # header -> cell value
    data: dict[str, Any]  # key -> parsed value (only columns present in the sheet)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (header, message)
    obj: Any = None  # the existing record (update) or None (create)
    refs: dict[str, Any] = field(default_factory=dict)  # resolved references

    def error(self, header: str, message: str) -> None:
        self.errors.append((header, message))


def _follow(obj: Any, path: str) -> Any:
    """The value at a `values_list` path ("cadre__organization__name") of a model instance."""
    for name in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


def _getter(indexes: list[int], cell: Callable[..., Any]) -> Callable[[tuple], Any]:
    if len(indexes) == 1:
        (i,) = indexes
        return lambda values: cell(values[i])
    pick = itemgetter(*indexes)
    return lambda values: cell(*pick(values))


class Sheet:
    """One sheet: its columns, and how its rows meet the database (batch lookups, services)."""

    title: str = ""
    aliases: tuple[str, ...] = ()
    columns: Sequence[Column] = ()
    label_header: str = ""
    match_keys: tuple[str, ...] = ()  # the columns that find the existing record: never a change
    # service field -> header, for errors the service raises (defaults: the columns' keys)
    field_headers: dict[str, str] = {}

    def header_of(self, key: str) -> str:
        for c in self.columns:
            if c.key == key:
                return c.header
        return self.field_headers.get(key, "")

    @property
    def required_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.required]

    # -- hooks -------------------------------------------------------------------------------------
    def prepare(self, ctx, rows: list[ParsedRow]) -> None:
        """Batch lookups for the whole sheet; resolve references and find existing records."""

    def write(self, ctx, row: ParsedRow) -> Any:
        """Create or update through the services; return the record."""
        raise NotImplementedError

    def export_objects(self, ctx) -> Sequence[Any]:
        return []

    def current(self, ctx, obj) -> dict[str, Any]:
        """The parsed values of an existing record, as its exported row would parse."""
        out = {}
        for c in self.columns:
            try:
                out[c.key] = c.parse(self.cell_of(ctx, c, obj))
            except ValueError:
                out[c.key] = None
        return out

    # -- export --------------------------------------------------------------------------------
    def export_reader(self, ctx, column: Column) -> tuple[tuple[str, ...], Callable[..., Any]]:
        """How one column is exported: the field paths it reads and the function of their
        values that gives the cell. One declaration serves both the export (rows read with
        `values_list`, no model instances) and `cell_of` (an existing record in the import)."""
        if column.export:
            return (column.export,), blank_if_none
        return (column.key,), column.cell_writer()

    def cell_of(self, ctx, column: Column, obj) -> Any:
        paths, cell = self.export_reader(ctx, column)
        return cell(*(_follow(obj, path) for path in paths))

    def export_rows(self, ctx) -> list[list[Any]]:
        """Every exported row of the user's records: one query, each column's reader built once."""
        readers = [self.export_reader(ctx, c) for c in self.columns]
        # "pk" is always read, so that rows agreeing on every column stay separate rows
        fields = list(dict.fromkeys(p for paths, _cell in readers for p in ("pk", *paths)))
        at = {f: i for i, f in enumerate(fields)}
        getters = [_getter([at[p] for p in paths], cell) for paths, cell in readers]
        return [[get(values) for get in getters] for values in self.export_objects(ctx).values_list(*fields)]


@dataclass
class SheetResult:
    sheet: str
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False
    errors: list[CellError] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row is not None})

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "ok": self.ok,
            "written": self.written,
            "total_rows": self.total_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
            "rows": [r.as_dict() for r in self.rows],
        }


@dataclass
class ImportReport:
    dry_run: bool
    sheets: list[SheetResult] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)  # the file as a whole

    @property
    def ok(self) -> bool:
        return not self.errors and all(s.ok for s in self.sheets)

    @property
    def all_errors(self) -> list[CellError]:
        return [*self.errors, *(e for s in self.sheets for e in s.errors)]

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "errors": [e.as_dict() for e in self.errors],
            "sheets": [s.as_dict() for s in self.sheets],
        }


def file_error(message: str) -> CellError:
    return CellError("", None, "", "", message)


def check_upload(fileobj) -> str:
    name = getattr(fileobj, "name", "") or ""
    size = getattr(fileobj, "size", None)
    if fileobj is None or size == 0:
        return "请选择要导入的 .xlsx 文件（文件为空）。"
    if name and not name.lower().endswith(".xlsx"):
        return "只支持 .xlsx 格式的 Excel 文件。"
    if size is not None and size > MAX_UPLOAD_BYTES:
        return f"文件过大（上限 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB）。"
    return ""


def _unescape(value: Any) -> Any:
    """A carriage return in text: Excel and XlsxWriter store it as the OOXML escape "_x000D_",
    which openpyxl leaves in the text (and since openpyxl already drops the escape of a literal
    "_x000D_", such text also reads as a carriage return)."""
    if type(value) is str and "_x000D_" in value:
        return value.replace("_x000D_", "\r")
    return value


def read_workbook(fileobj) -> dict[str, tuple[list[str], list[tuple[int, dict[str, Any]]]]]:
    """{sheet title: (header, [(excel row, {header: value})])}; blank rows are skipped."""
    wb = load_workbook(fileobj, read_only=True, data_only=True)
    out = {}
    try:
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            try:
                header = [str(h).strip() if h is not None else "" for h in next(rows)]
            except StopIteration:
                out[ws.title] = ([], [])
                continue
            body = []
            for idx, values in enumerate(rows, start=2):
                if values is None or all(v is None or str(v).strip() == "" for v in values):
                    continue
                body.append((idx, {h: _unescape(v) for h, v in zip(header, values, strict=False) if h}))
            out[ws.title] = (header, body)
    finally:
        wb.close()
    return out


def _service_messages(sheet: Sheet, exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(sheet.header_of(f), m) for f, msgs in exc.message_dict.items() for m in msgs]
    return [("", m) for m in exc.messages]


def _diff(sheet: Sheet, ctx, row: ParsedRow) -> list[tuple[str, str, str]]:
    before = sheet.current(ctx, row.obj)
    changes = []
    for c in sheet.columns:
        if c.key not in row.data or c.key in sheet.match_keys:
            continue
        old, new = before.get(c.key), row.data[c.key]
        if old != new:
            changes.append((c.header, display(c.cell(old)), display(c.cell(new))))
    return changes


def run_sheet(sheet: Sheet, ctx, header: list[str], body, *, dry_run: bool) -> SheetResult:
    result = SheetResult(sheet.title, total_rows=len(body))
    missing = [h for h in sheet.required_headers if h not in header]
    if missing:
        result.errors.append(
            CellError(sheet.title, 1, "", "", f"表头缺少以下列：{'、'.join(missing)}。请使用系统提供的模板。")
        )
        return result
    present = [c for c in sheet.columns if c.header in header]
    rows: list[ParsedRow] = []
    for row_no, values in body:
        parsed = ParsedRow(row_no, values, {})
        for c in present:  # every field of every row, whatever failed before it
            try:
                parsed.data[c.key] = c.parse(values.get(c.header))
            except ValueError as exc:
                parsed.error(c.header, str(exc))
        rows.append(parsed)

    with transaction.atomic():
        sheet.prepare(ctx, rows)  # references, row rules, existing records: batch per sheet
        for row in rows:
            label = display(row.raw.get(sheet.label_header)) if sheet.label_header else ""
            if not row.errors:
                change = RowChange(row.row, label, "created")
                if row.obj is not None:
                    change.changes = _diff(sheet, ctx, row)
                    change.action = "updated" if change.changes else "unchanged"
                if change.action != "unchanged":
                    try:
                        with transaction.atomic():  # a savepoint per row: the service validates
                            sheet.write(ctx, row)
                    except RowErrors as exc:
                        row.errors.extend(exc.errors)
                    except ValidationError as exc:
                        row.errors.extend(_service_messages(sheet, exc))
                    except PermissionDenied as exc:
                        row.error(
                            sheet.field_headers.get("__scope__", ""), str(exc) or "不在您的管理范围内。"
                        )
                if not row.errors:
                    result.rows.append(change)
                    setattr(result, change.action, getattr(result, change.action) + 1)
            for column, message in row.errors:
                result.errors.append(
                    CellError(sheet.title, row.row, column, display(row.raw.get(column)), message)
                )
        if result.errors:
            result.created = result.updated = result.unchanged = 0
        if result.errors:
            transaction.set_rollback(True)
        else:
            # a dry run keeps the sheet until the outer transaction is rolled back, so that
            # later sheets see the rows this one would write
            result.written = not dry_run
    return result


def import_workbook(
    *, user, fileobj, sheets: Sequence[Sheet], context_factory, dry_run: bool = True
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    problem = check_upload(fileobj)
    if problem:
        report.errors.append(file_error(problem))
        return report
    try:
        book = read_workbook(fileobj)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError, EOFError):
        report.errors.append(file_error("文件无法读取，请使用系统提供的 .xlsx 模板。"))
        return report
    found = []
    for sheet in sheets:
        for title in (sheet.title, *sheet.aliases):
            if title in book:
                found.append((sheet, book[title]))
                break
    if not found:
        names = "、".join(s.title for s in sheets)
        report.errors.append(file_error(f"文件中没有可导入的工作表（应为：{names}）。请使用系统提供的模板。"))
        return report
    if not any(body for _s, (_h, body) in found):
        report.errors.append(file_error("文件中没有数据行。"))
        return report
    ctx = context_factory(user)
    # For real, each sheet is its own transaction; a dry run nests them in one outer transaction
    # that is rolled back at the end (later sheets see what earlier ones would have written).
    with transaction.atomic() if dry_run else contextlib.nullcontext():
        for sheet, (header, body) in found:
            if not body:
                continue
            report.sheets.append(run_sheet(sheet, ctx, header, body, dry_run=dry_run))
        if dry_run:
            transaction.set_rollback(True)
    return report
