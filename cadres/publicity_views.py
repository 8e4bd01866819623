"""Pages of the one publicity mechanism (公示): the list, a notice with its feedback and
history, a printable view and a .docx. Writes go through `cadres.publicity`."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views import View

from cadre_supervision.accesslog import log_access
from cadre_supervision.history import history_for
from cadre_supervision.models import AccessLog
from cadre_supervision.permissions import get_scoped_or_404, has_org_perm
from cadre_supervision.views import ActionView, ScopedListView, ServiceFormView

from . import publicity
from .choices import PUBLICITY_MANAGE_PERM, FeedbackStatus
from .filters import PublicityFilter
from .forms import PublicityFeedbackForm, PublicityHandleForm
from .models import Publicity, PublicityFeedback
from .renmian import DOCX_MIME, run_font
from .tables import PublicityTable


class PublicityListView(ScopedListView):
    model = Publicity
    template_name = "cadres/publicity_list.html"
    filterset_class = PublicityFilter
    table_class = PublicityTable
    export_filename = "公示.xlsx"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("cadre", "cadre__organization")
            .annotate(open_feedback=Count("feedback", filter=Q(feedback__status=FeedbackStatus.OPEN)))
        )


def _publicity(user, pk) -> Publicity:
    qs = Publicity.objects.select_related("cadre", "cadre__organization", "posted_by")
    return get_scoped_or_404(qs, user, "view", pk=pk)


def detail_context(user, p: Publicity, form=None) -> dict:
    return {
        "p": p,
        "feedback": p.feedback.select_related("handled_by"),
        "form": form or PublicityFeedbackForm(initial={"received_on": timezone.localdate()}),
        "can_manage": has_org_perm(user, PUBLICITY_MANAGE_PERM[p.kind], p.cadre.organization_id),
        "history": history_for(p),
        "siblings": Publicity.objects.restrict(user, "view")
        .filter(source_type=p.source_type, source_id=p.source_id, start_date=p.start_date)
        .exclude(pk=p.pk)
        .select_related("cadre")
        if p.source_type
        else [],
    }


class PublicityDetailView(LoginRequiredMixin, View):
    template_name = "cadres/publicity_detail.html"

    def get(self, request, pk):
        return render(request, self.template_name, detail_context(request.user, _publicity(request.user, pk)))


class PublicityPrintView(PublicityDetailView):
    template_name = "cadres/publicity_print.html"


class PublicityFeedbackAddView(ServiceFormView):
    """POST a feedback from the notice's page; on an error the page is shown again, bound."""

    form_class = PublicityFeedbackForm
    template_name = "cadres/publicity_detail.html"
    success_message = "已登记公示期间的反映。"
    http_method_names = ["post"]

    def get_object(self) -> Publicity:
        if not hasattr(self, "_object"):
            self._object = _publicity(self.request.user, self.kwargs["pk"])
        return self._object

    def post(self, request, *args, **kwargs):
        self.get_object()  # 404 before the body
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = detail_context(self.request.user, self.get_object(), form=kwargs.get("form"))
        ctx["view"] = self
        return ctx

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400  # the page again, bound, with the errors
        return response

    def perform(self, form):
        return publicity.publicity_feedback_add(
            user=self.request.user, publicity=self.get_object(), **form.cleaned_data
        )

    def get_success_url(self):
        return self.get_object().get_absolute_url() + "#feedback"


class PublicityFeedbackHandleView(ActionView):
    model = Publicity
    form_class = PublicityHandleForm
    success_message = "已登记处理情况。"

    def perform(self, p, form):
        fb = get_object_or_404(PublicityFeedback, pk=form.cleaned_data["feedback"], publicity=p)
        return publicity.publicity_feedback_handle(
            user=self.request.user, feedback=fb, handling=form.cleaned_data["handling"]
        )

    def get_success_url(self, p, result):
        return p.get_absolute_url() + "#feedback"


def publicity_docx(p: Publicity) -> bytes:
    """The notice as a Word document: its title line centred, the rest as body text."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Mm

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Cm(3.7)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    lines = (p.notice_text or str(p)).splitlines()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run_font(title.add_run(lines[0] if lines else p.get_kind_display()), "方正小标宋简体", 22)
    for line in lines[1:]:
        run_font(doc.add_paragraph().add_run(line), "仿宋_GB2312", 16)
    for text in ("（组织部门）", p.start_date.strftime("%Y年%m月%d日")):
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run_font(para.add_run(text), "仿宋_GB2312", 16)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


class PublicityDocxView(LoginRequiredMixin, View):
    def get(self, request, pk):
        p = _publicity(request.user, pk)
        log_access(user=request.user, action=AccessLog.Action.EXPORT, obj=p, request=request)
        resp = HttpResponse(publicity_docx(p), content_type=DOCX_MIME)
        name = f"{p.get_kind_display()}-{p.cadre.name}-{p.start_date:%Y%m%d}.docx"
        resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return resp
