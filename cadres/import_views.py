"""Pages of the Excel import: upload (a dry run by default), the report, confirming the dry
run, and the downloads (template, export of every sheet — a background job for a large
scope —, error report)."""

from __future__ import annotations

import secrets
from io import BytesIO
from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from cadre_supervision.excel import XLSX_MIME
from cadre_supervision.views import ActionView, ExportView, ServiceFormView

from . import imports
from .forms import CadreImportForm

REPORT_SESSION_KEY = "cadres_import_report"
PENDING_SESSION_KEY = "cadres_import_pending"
PENDING_TIMEOUT = 30 * 60


def _xlsx(filename: str, content: bytes) -> HttpResponse:
    resp = HttpResponse(content, content_type=XLSX_MIME)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


class _ImportGuard:
    """Only users who manage cadres somewhere may import."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not imports.has_import_scope(request.user):
            raise PermissionDenied("您无权导入数据。")
        return super().dispatch(request, *args, **kwargs)


def _pending_key(user, token: str) -> str:
    return f"cadres:import:pending:{user.pk}:{token}"


def _summary(report: imports.ImportReport) -> str:
    parts = [
        f"{s.sheet}：新建 {s.created}、修改 {s.updated}、未变 {s.unchanged}" for s in report.sheets if s.ok
    ]
    bad = [s.sheet for s in report.sheets if not s.ok]
    text = "；".join(parts)
    if bad:
        text += ("；" if text else "") + f"{'、'.join(bad)} 有错误，未导入"
    return text


class CadreImportView(_ImportGuard, ServiceFormView):
    template_name = "cadres/import.html"
    form_class = CadreImportForm

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["sheets"] = imports.sheets()
        return ctx

    def perform(self, form):
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["dry_run"]
        content = upload.read()
        fileobj = BytesIO(content)
        fileobj.name, fileobj.size = upload.name, len(content)
        report = imports.run_import(
            user=self.request.user, fileobj=fileobj, dry_run=dry_run, request=self.request
        )
        if report.errors:  # the file as a whole: show it on the form
            raise ValidationError({"file": [e.message for e in report.errors]})
        session = self.request.session
        session[REPORT_SESSION_KEY] = {**report.as_dict(), "file_name": upload.name}
        session.pop(PENDING_SESSION_KEY, None)
        if dry_run and any(s.ok and (s.created or s.updated) for s in report.sheets):
            token = secrets.token_urlsafe(16)
            cache.set(_pending_key(self.request.user, token), (upload.name, content), PENDING_TIMEOUT)
            session[PENDING_SESSION_KEY] = token
        self.report = report
        return report

    def get_success_message(self):
        prefix = "预检完成（尚未写入）" if self.report.dry_run else "导入完成"
        return f"{prefix}：{_summary(self.report)}。"

    def get_success_url(self):
        return reverse("cadres:cadre_import_report")


class CadreImportReportView(_ImportGuard, LoginRequiredMixin, TemplateView):
    template_name = "cadres/import_report.html"

    def get_context_data(self, **kwargs):
        report = self.request.session.get(REPORT_SESSION_KEY)
        if not report:
            raise Http404("没有导入结果。")
        ctx = super().get_context_data(**kwargs)
        ctx["report"] = report
        ctx["errors"] = [e for s in report["sheets"] for e in s["errors"]]
        ctx["can_confirm"] = bool(self.request.session.get(PENDING_SESSION_KEY)) and report["dry_run"]
        return ctx


class CadreImportConfirmView(_ImportGuard, ActionView):
    """Run the checked workbook for real (the same file, kept for 30 minutes)."""

    model = None

    def perform(self, obj, form):
        token = self.request.session.get(PENDING_SESSION_KEY)
        pending = cache.get(_pending_key(self.request.user, token)) if token else None
        if pending is None:
            raise ValidationError("预检结果已过期，请重新上传文件。")
        name, content = pending
        fileobj = BytesIO(content)
        fileobj.name, fileobj.size = name, len(content)
        report = imports.run_import(
            user=self.request.user, fileobj=fileobj, dry_run=False, request=self.request
        )
        cache.delete(_pending_key(self.request.user, token))
        self.request.session.pop(PENDING_SESSION_KEY, None)
        self.request.session[REPORT_SESSION_KEY] = {**report.as_dict(), "file_name": name}
        self.report = report
        return report

    def get_success_message(self, obj, result):
        return f"导入完成：{_summary(result)}。"

    def get_success_url(self, obj, result):
        return reverse("cadres:cadre_import_report")


class CadreImportTemplateView(_ImportGuard, LoginRequiredMixin, View):
    def get(self, request):
        imports.log_download(user=request.user, what="导入模板", request=request)
        return _xlsx("干部档案导入模板.xlsx", imports.template_bytes())


class CadreImportExportView(_ImportGuard, ExportView):
    """Every sheet the importer knows, with the records in the user's scope (imports back): the
    file at once for up to DOSSIER_INLINE_MAX cadres, beyond by a background job."""

    exports_whole_scope = True  # `manage.py bench`: a file of everything in scope, O(rows)
    export_kind = imports.DOSSIER_EXPORT
    back_url_name = "cadres:cadre_import"


class CadreImportErrorsView(_ImportGuard, LoginRequiredMixin, View):
    def get(self, request):
        report = request.session.get(REPORT_SESSION_KEY)
        errors = [e for s in report["sheets"] for e in s["errors"]] if report else []
        if not errors:
            raise Http404("没有可下载的错误报告。")
        imports.log_download(user=request.user, what="导入错误报告", request=request)
        return _xlsx("导入错误报告.xlsx", imports.error_report_bytes(errors))
