"""Pages of the petitions app: list, register (with possible duplicates), detail (the reporter
for the handlers only, logged), disposal, result, feedback, escalation, history, figures and
the petition-heavy unit list."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from cadre_supervision import params
from cadre_supervision.accesslog import log_access
from cadre_supervision.history import history_for
from cadre_supervision.models import AccessLog
from cadre_supervision.permissions import get_scoped_or_404, has_any_scope
from cadre_supervision.views import (
    ActionView,
    ComputedListView,
    HistoryView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
)

from . import forms, selectors, services
from .filters import PetitionFilter
from .models import Petition, PetitionAttachment
from .tables import HeavyUnitTable, PetitionTable


def can_see_petitions(user) -> bool:
    return has_any_scope(Petition, user, "view") or selectors.can_register(user)


class PetitionListView(ScopedListView):
    model = Petition
    filterset_class = PetitionFilter
    table_class = PetitionTable
    template_name = "petitions/petition_list.html"
    export_filename = "信访举报件.xlsx"

    def get_base_queryset(self):
        return selectors.petition_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = selectors.can_register(self.request.user)
        return ctx


class FormPage(ServiceFormView):
    template_name = "petitions/form.html"
    page_title = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["page_title"] = self.page_title
        obj = getattr(self, "object", None)
        ctx["object"] = obj
        ctx["back_url"] = obj.get_absolute_url() if obj is not None else reverse("petitions:petition_list")
        return ctx

    def get_success_url(self):
        return self.result.get_absolute_url()


class PetitionCreateView(FormPage):
    form_class = forms.PetitionForm
    page_title = "登记信访举报件"
    success_message = "信访举报件已登记。"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.can_register(request.user):
            raise PermissionDenied("您无权登记信访举报件。")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"received_on": timezone.localdate(), "anonymous": True, "handler": self.request.user.pk}

    def form_valid(self, form):
        d = form.cleaned_data
        if not d.get("confirm_duplicates"):
            self.duplicates = selectors.duplicates(
                user=self.request.user,
                cadre_ids=d.get("cadres") or [],
                content=d["content"],
                received_on=d["received_on"],
            )
            if self.duplicates:
                form.add_error("confirm_duplicates", "发现可能的重复件，请核对后勾选“仍然登记”。")
                return self.form_invalid(form)
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["duplicates"] = getattr(self, "duplicates", [])
        return ctx

    def perform(self, form):
        return services.petition_create(user=self.request.user, **form.service_kwargs())


class PetitionDetailView(ScopedDetailView):
    model = Petition
    template_name = "petitions/petition_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "handler")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        p = self.object
        ctx["is_handler"] = p.is_handler(user)
        ctx["reporter"] = selectors.reporter_for(user=user, petition=p, request=self.request)
        ctx["can_change"] = selectors.can_change(user, p)
        ctx["talks"] = selectors.talks_of(user=user, petition=p)
        ctx["attachments"] = selectors.attachments_for(user=user, petition=p)
        ctx["attachment_count"] = p.attachments.count()
        ctx["attachment_form"] = forms.AttachmentForm(auto_id="attachment_%s")
        ctx["duplicates"] = selectors.duplicates(
            user=user,
            cadre_ids=list(p.cadres.all()),
            content=p.content,
            received_on=p.received_on,
            exclude_pk=p.pk,
        )
        ctx["overdue"] = p.result == "" and p.deadline < timezone.localdate()
        ctx["history"] = history_for(p, limit=20)
        # Several forms on one page: distinct element ids (the field names stay the same).
        ctx["dispose_form"] = forms.DisposeForm(auto_id="dispose_%s")
        ctx["conclude_form"] = forms.ConcludeForm(auto_id="conclude_%s")
        ctx["feedback_form"] = forms.FeedbackForm(auto_id="feedback_%s")
        return ctx


class PetitionHistoryView(HistoryView):
    model = Petition


class _PetitionFormPage(FormPage):
    """A form about one petition: looked up in the change scope (404 otherwise) first."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = get_scoped_or_404(Petition, request.user, "change", pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["page_title"] = f"{self.page_title}：{self.object}"
        return ctx


class PetitionDisposeView(_PetitionFormPage):
    form_class = forms.DisposeForm
    page_title = "问题线索处置"
    success_message = "处置已登记。"

    def perform(self, form):
        return services.petition_dispose(user=self.request.user, petition=self.object, **form.cleaned_data)

    def get_success_message(self):
        if self.result.disposal == "talk_inquiry":
            return "处置已登记，已在谈心谈话中生成谈话函询记录。"
        return self.success_message


class PetitionConcludeView(_PetitionFormPage):
    form_class = forms.ConcludeForm
    page_title = "登记办理结果"
    success_message = "办理结果已登记，该件已办结。"

    def perform(self, form):
        return services.petition_conclude(user=self.request.user, petition=self.object, **form.cleaned_data)


class PetitionFeedbackView(_PetitionFormPage):
    form_class = forms.FeedbackForm
    page_title = "向举报人反馈"
    success_message = "反馈情况已登记。"

    def perform(self, form):
        return services.petition_feedback(user=self.request.user, petition=self.object, **form.cleaned_data)


class PetitionAssignView(_PetitionFormPage):
    form_class = forms.AssignForm
    page_title = "调整承办人"
    success_message = "承办人已调整。"

    def get_initial(self):
        return {
            "handler": self.object.handler_id,
            "co_handlers": list(self.object.co_handlers.values_list("pk", flat=True)),
        }

    def perform(self, form):
        return services.petition_assign(user=self.request.user, petition=self.object, **form.cleaned_data)


class PetitionEscalateView(ActionView):
    model = Petition
    action = "change"
    form_class = forms.EscalateForm
    success_message = "已督办。"

    def perform(self, obj, form):
        return services.petition_escalate(
            user=self.request.user, petition=obj, note=form.cleaned_data["note"]
        )


class AttachmentUploadView(ActionView):
    model = Petition
    action = "change"
    form_class = forms.AttachmentForm
    success_message = "附件已上传。"

    def perform(self, obj, form):
        return services.petition_attachment_add(
            user=self.request.user, petition=obj, file=form.cleaned_data["file"]
        )

    def get_success_url(self, obj, result):
        return obj.get_absolute_url()


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Handlers only (an attachment may name the reporter); every download is logged."""

    def get(self, request, pk):
        att = get_scoped_or_404(
            PetitionAttachment.objects.select_related("petition"), request.user, "view", pk=pk
        )
        if not att.petition.is_handler(request.user):
            raise Http404("记录不存在或无权查看")
        try:
            handle = att.file.open("rb")
        except FileNotFoundError:
            raise Http404("附件文件不存在") from None
        log_access(user=request.user, action=AccessLog.Action.DOWNLOAD_FILE, obj=att, request=request)
        return FileResponse(handle, as_attachment=True, filename=att.name)


class FiguresView(LoginRequiredMixin, TemplateView):
    template_name = "petitions/figures.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        if not has_any_scope(Petition, user, "stats"):
            raise PermissionDenied("您无权查看信访举报统计。")
        year = params.page_year(self.request, self.request.GET.get("year"))
        ctx["year"] = year
        ctx["stats"] = selectors.stats(user=user, year=year)
        return ctx


class HeavyUnitsView(ComputedListView):
    table_class = HeavyUnitTable
    template_name = "petitions/heavy_units.html"
    filter_form_class = forms.HeavyUnitsForm
    export_filename = "信访举报较多单位.xlsx"
    export_object_type = "petitions.heavy_units"

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_any_scope(Petition, request.user, "stats"):
            raise PermissionDenied("您无权查看信访举报统计。")
        return super().get(request, *args, **kwargs)

    def year(self) -> int:
        return params.page_year(self.request, self.request.GET.get("year"))

    def get_rows(self):
        year = self.year()
        return selectors.heavy_units(
            user=self.request.user, start=dt.date(year - 1, 1, 1), end=dt.date(year, 12, 31)
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        from cadre_supervision import policy

        ctx["year"] = self.year()
        ctx["threshold"] = policy.get("petitions.heavy_unit_threshold")
        return ctx
