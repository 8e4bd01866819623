"""Import of existing records from one .xlsx workbook (and its template and export).

Each sheet is declared once (`sheets.py`: columns with Chinese headers, parsers, choices and
synonyms); the engine (`engine.py`) reports every bad row and field in one pass and writes
each sheet all-or-nothing through the services; `workbook.py` writes the template and the
export from the same declarations, so an export imports back unchanged.
"""

from __future__ import annotations

from cadre_supervision.accesslog import log_access
from cadre_supervision.models import AccessLog

from . import workbook
from .engine import CellError, ImportReport, SheetResult, import_workbook
from .sheets import ImportContext, has_import_scope, registry_sheets


def sheets():
    """The sheets in import order: the registry's, then the dossier's."""
    return registry_sheets()


def run_import(*, user, fileobj, dry_run: bool = True, request=None) -> ImportReport:
    """Import (or with `dry_run`, only check) a workbook; one access-log row per run."""
    report = import_workbook(
        user=user, fileobj=fileobj, sheets=sheets(), context_factory=ImportContext, dry_run=dry_run
    )
    log_access(
        user=user,
        action=AccessLog.Action.OTHER,
        object_type="cadres.import",
        object_repr=("Excel 导入预检" if dry_run else "Excel 导入")
        + (f"：{getattr(fileobj, 'name', '')}" if getattr(fileobj, "name", "") else ""),
        detail={
            "kind": "import",
            "dry_run": dry_run,
            "ok": report.ok,
            "sheets": {
                s.sheet: {
                    "created": s.created,
                    "updated": s.updated,
                    "unchanged": s.unchanged,
                    "errors": len(s.errors),
                    "written": s.written,
                }
                for s in report.sheets
            },
        },
        request=request,
    )
    return report


def log_download(*, user, what: str, request=None, detail: dict | None = None) -> None:
    log_access(
        user=user,
        action=AccessLog.Action.EXPORT,
        object_type="cadres.import",
        object_repr=what,
        detail={"kind": "import_download", **(detail or {})},
        request=request,
    )


def template_bytes() -> bytes:
    return workbook.template_bytes(sheets())


def export_bytes(user) -> tuple[bytes, dict[str, int]]:
    return workbook.export_bytes(ImportContext(user), sheets())


error_report_bytes = workbook.error_report_bytes

__all__ = [
    "CellError",
    "ImportReport",
    "SheetResult",
    "error_report_bytes",
    "export_bytes",
    "has_import_scope",
    "log_download",
    "run_import",
    "sheets",
    "template_bytes",
]
