"""Import of existing records from one .xlsx workbook (and its template and export).

Each sheet is declared once (`sheets.py`: columns with Chinese headers, parsers, choices and
synonyms); the engine (`engine.py`) reports every bad row and field in one pass and writes
each sheet all-or-nothing through the services; `workbook.py` writes the template and the
export from the same declarations, so an export imports back unchanged.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from cadre_supervision import exports, registry
from cadre_supervision.accesslog import log_access
from cadre_supervision.excel import XLSX_MIME
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


# --- the export of every sheet as a registry.ExportKind (inline when small, else a job) ---------

DOSSIER_EXPORT = "cadres.dossier"
DOSSIER_FILENAME = "干部档案导出.xlsx"
# A province's 100,000 cadres took 67 s inline (docs/bench/2026-12-02): about 2 s per 3,000.
DOSSIER_INLINE_MAX = 3000


def _export_check(user) -> None:
    if not has_import_scope(user):
        raise PermissionDenied("您无权导出干部档案（导入格式）。")


def _export_clean(user, params: dict) -> dict:
    exports.only_keys(params, set())
    return {}


def _export_size(user, params: dict) -> int:
    """The cadres the export lists (the "干部" sheet reads `restrict(user, "view")`)."""
    from ..models import Cadre

    return Cadre.objects.restrict(user, "view").count()


def export_file(user, params: dict) -> registry.ExportFile:
    """Every sheet with the records in the user's scope, and what its download logs."""
    content, counts = export_bytes(user)
    return registry.ExportFile(
        filename=DOSSIER_FILENAME,
        content_type=XLSX_MIME,
        content=content,
        detail={"kind": "import_download", "rows": counts},
        object_type="cadres.import",
        object_repr="导出全部档案（导入格式）",
    )


def register_exports() -> None:
    registry.register_export(
        registry.ExportKind(
            key=DOSSIER_EXPORT,
            label="干部档案导出（导入格式）",
            build=export_file,
            size=_export_size,
            inline_max=DOSSIER_INLINE_MAX,
            clean=_export_clean,
            check=_export_check,
        )
    )


__all__ = [
    "CellError",
    "ImportReport",
    "SheetResult",
    "error_report_bytes",
    "export_bytes",
    "export_file",
    "has_import_scope",
    "log_download",
    "run_import",
    "sheets",
    "template_bytes",
]
