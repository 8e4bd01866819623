"""Excel import of existing records: see `cadres.imports` (kept as the import path other
modules use)."""

from .imports import error_report_bytes, export_bytes, run_import, template_bytes  # noqa: F401
