"""Pages of the personal-matter reports. Thin: scope through restrict(), writes through
services, every view of contents and every export written to the access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import RedirectView, TemplateView

from cadre_supervision.accesslog import access_entries_for, log_access
from cadre_supervision.excel import xlsx_multi_response
from cadre_supervision.history import history_for
from cadre_supervision.models import AccessLog
from cadre_supervision.permissions import get_scoped_or_404, has_org_perm
from cadre_supervision.views import ActionView, ScopedListView, ServiceFormView
from cadres.choices import FeedbackStatus
from cadres.models import Cadre

from . import forms, rules, selectors, services
from .choices import Circle, ReportStatus
from .filters import MajorMatterFilter, ReportFilter, VerificationFilter
from .models import (
    MajorMatterReport,
    PersonalReport,
    ReportCycle,
    ReportVersion,
    SampleDraw,
    Verification,
)
from .tables import (
    CycleReportTable,
    MajorMatterTable,
    VerificationTable,
)


class _FormPage(ServiceFormView):
    """A reports form page: a form shown again after an error answers 400."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class _PageForm(_FormPage):
    """A form posted from an object's page (`get_object()`, `page_context()` from the page's
    mixin): after an error the page is shown again with this form, bound, under
    `form_context_name`; success returns to the object's page."""

    form_context_name = "form"

    def get_context_data(self, **kwargs):
        ctx = self.page_context(**{self.form_context_name: kwargs.get("form") or self.get_form()})
        ctx["view"] = self
        return ctx

    def get_success_url(self):
        return self.get_object().get_absolute_url()


class _PostActions:
    """One page, several POST forms told apart by their `action` field; each is its own view
    (a `ServiceFormView` or an `ActionView`). An unknown action is a 404."""

    post_actions: dict[str, type] = {}
    default_post_action = ""

    def post(self, request, *args, **kwargs):
        view = self.post_actions.get(request.POST.get("action") or self.default_post_action)
        if view is None:
            raise Http404
        return view.as_view()(request, *args, **kwargs)


def _sees_any_reports(user) -> bool:
    return user.is_superuser or has_org_perm(user, "view_personal_reports")


def _require_staff(user) -> None:
    if not _sees_any_reports(user):
        raise Http404("记录不存在或无权查看")


class HomeView(LoginRequiredMixin, View):
    """The nav entry: staff see the cycles; a cadre sees their own reports; a verifier
    their assigned verifications."""

    def get(self, request):
        user = request.user
        if _sees_any_reports(user):
            return HttpResponseRedirect(reverse("reports:cycle_list"))
        if Verification.objects.restrict(user, "view").exists():
            return HttpResponseRedirect(reverse("reports:verification_list"))
        return HttpResponseRedirect(reverse("reports:my_reports"))


# --- cycles ------------------------------------------------------------------------------------


class CycleListView(LoginRequiredMixin, TemplateView):
    template_name = "reports/cycle_list.html"

    def get_context_data(self, **kwargs):
        _require_staff(self.request.user)
        ctx = super().get_context_data(**kwargs)
        visible = PersonalReport.objects.restrict(self.request.user, "view")
        cycles = list(ReportCycle.objects.select_related("draw").order_by("-year"))
        for c in cycles:
            c.summary = selectors.cycle_summary(visible.filter(cycle=c))
        ctx["cycles"] = cycles
        ctx["can_open"] = services.can_manage_city(self.request.user)
        return ctx


class CycleCreateView(_FormPage):
    template_name = "reports/cycle_form.html"
    form_class = forms.CycleForm

    def get(self, request, *args, **kwargs):
        if not services.can_manage_city(request.user):
            raise PermissionDenied("只有对全市具有个人事项报告管理权限的组织部工作人员可以启动报告周期。")
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"year": timezone.localdate().year - 1}

    def perform(self, form):
        return services.cycle_open(user=self.request.user, **form.cleaned_data)

    def get_success_message(self):
        cycle = self.result
        return f"已启动{cycle.year}年度报告周期，报告对象 {cycle.reports.count()} 人。"

    def get_success_url(self):
        return self.result.get_absolute_url()


class CycleDetailView(ScopedListView):
    """The cycle dashboard: submission status by organization, and the per-cadre list."""

    model = PersonalReport
    template_name = "reports/cycle_detail.html"
    filterset_class = ReportFilter
    paginate_by = 50
    export_filename = "个人有关事项报告提交情况.xlsx"
    table_class = CycleReportTable

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_staff(request.user)
        self.cycle = get_object_or_404(ReportCycle.objects.select_related("catalogue"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(cycle=self.cycle)
            .select_related("cadre", "cadre__organization")
            .order_by("cadre__organization__path", "cadre__name", "id")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        base = PersonalReport.objects.restrict(self.request.user, "view").filter(cycle=self.cycle)
        ctx["cycle"] = self.cycle
        ctx["summary"] = selectors.cycle_summary(base)
        ctx["by_org"] = selectors.cycle_by_organization(base)
        ctx["draw"] = SampleDraw.objects.filter(cycle=self.cycle).first()
        ctx["can_draw"] = services.can_manage_city(self.request.user)
        ctx["today"] = timezone.localdate()
        return ctx


class SampleDrawView(_PageForm):
    """Shows the pool, the share and the exclusions; draws once; afterwards shows the seed,
    the pool and the selection, with a reproduction check."""

    template_name = "reports/sample_draw.html"
    form_class = forms.SampleDrawForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_staff(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        if not hasattr(self, "_cycle"):
            self._cycle = get_object_or_404(ReportCycle, pk=self.kwargs["pk"])
        return self._cycle

    def page_context(self, form):
        request, cycle = self.request, self.get_object()
        draw = SampleDraw.objects.filter(cycle=cycle).first()
        names = {}
        pool = draw.pool if draw else services.sample_pool(cycle)
        previous = services.previous_sample(cycle)
        ids = set(pool) | set(previous)
        for c in (
            Cadre.objects.filter(pk__in=ids)
            .select_related("organization")
            .only("id", "name", "organization__name")
        ):
            names[c.pk] = f"{c.name}（{c.organization.name}）"
        ctx = {
            "cycle": cycle,
            "draw": draw,
            "pool": [(cid, names.get(cid, cid)) for cid in pool],
            "previous": [(cid, names.get(cid, cid)) for cid in previous],
            "form": form,
            "can_draw": services.can_manage_city(request.user),
            "share": services.policy.get("reports.sample_share_percent"),
        }
        if draw:
            ctx["selected"] = set(draw.selected)
            reproduced = services.sample_reproduce(draw)
            ctx["reproduced_ok"] = reproduced == list(draw.selected)
            ctx["verifications"] = draw.verifications.select_related("report__cadre__organization").order_by(
                "report__cadre__organization__path", "report__cadre__name"
            )
        else:
            ctx["expected_size"] = rules.sample_size(len(pool), ctx["share"])
        return ctx

    def perform(self, form):
        return services.sample_draw_create(
            user=self.request.user, cycle=self.get_object(), seed=form.cleaned_data["seed"]
        )

    def get_success_message(self):
        return f"已抽取 {len(self.result.selected)} 人进行随机抽查，随机种子：{self.result.seed}。"

    def get_success_url(self):
        return reverse("reports:sample_draw", args=[self.get_object().pk])


# --- reports -----------------------------------------------------------------------------------


def _report_or_404(user, pk) -> PersonalReport:
    qs = PersonalReport.objects.select_related(
        "cadre", "cadre__organization", "cycle", "current_version", "catalogue"
    )
    return get_scoped_or_404(qs, user, "view", pk=pk)


class ReportDetailView(LoginRequiredMixin, View):
    template_name = "reports/report_detail.html"

    def get(self, request, pk):
        report = _report_or_404(request.user, pk)
        items = selectors.catalogue_items(report.catalogue_id)
        draft = services.open_draft(report)
        shown = report.current_version or draft
        previous = selectors.previous_report(report)
        prev_content = selectors.version_content(previous.current_version) if previous else None
        views = selectors.report_view(items, selectors.version_content(shown), prev_content)
        for v in views:
            v.diff = selectors.comparison_rows(v.item, v.comparison) if v.comparison else None
        selectors.log_report_view(
            user=request.user,
            report=report,
            request=request,
            detail={"version": shown.number if shown else None},
        )
        ctx = {
            "report": report,
            "shown": shown,
            "draft": draft,
            "items": views,
            "previous": previous,
            "versions": report.versions.select_related("entered_by", "submitted_by").order_by("number"),
            "verifications": report.verifications.select_related("draw__cycle").order_by("-created_at"),
            "can_edit": services.can_edit_report(request.user, report),
            "can_see_access": has_org_perm(
                request.user, "view_personal_reports", report.cadre.organization_id
            ),
            "correction_form": forms.CorrectionForm(),
        }
        return render(request, self.template_name, ctx)


class ReportExportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        report = _report_or_404(request.user, pk)
        version = report.current_version or services.open_draft(report)
        items = selectors.catalogue_items(report.catalogue_id)
        content = selectors.version_content(version)
        sheets = []
        for item in items:
            none, entries = content.get(item.code, (False, []))
            header = [f["label"] for f in item.fields]
            rows = [[e.get(f["key"], "") for f in item.fields] for e in entries] or (
                [["无此类情况"] + [""] * (len(header) - 1)] if none else []
            )
            sheets.append((f"{item.number}.{item.code}", header, rows))
        log_access(
            user=request.user,
            action=AccessLog.Action.EXPORT,
            obj=report,
            detail={"version": version.number if version else None, "format": "xlsx"},
            request=request,
        )
        return xlsx_multi_response(f"{report.cadre.name}{report.year}年度个人有关事项报告.xlsx", sheets)


class VersionDetailView(LoginRequiredMixin, View):
    """One version, compared with the version before it (or with `?against=<n>`)."""

    template_name = "reports/version_detail.html"

    def get(self, request, pk, number):
        report = _report_or_404(request.user, pk)
        version = get_object_or_404(
            ReportVersion.objects.select_related("entered_by", "submitted_by"), report=report, number=number
        )
        against_n = request.GET.get("against")
        against = None
        if against_n and against_n.isdigit():
            against = report.versions.filter(number=int(against_n)).first()
        if against is None:
            against = report.versions.filter(number__lt=number).order_by("-number").first()
        items = selectors.catalogue_items(report.catalogue_id)
        views = selectors.report_view(
            items,
            selectors.version_content(version),
            selectors.version_content(against) if against else None,
        )
        for v in views:
            v.diff = selectors.comparison_rows(v.item, v.comparison) if v.comparison else None
        selectors.log_report_view(
            user=request.user,
            report=report,
            request=request,
            detail={"version": version.number, "against": against.number if against else None},
        )
        return render(
            request,
            self.template_name,
            {
                "report": report,
                "version": version,
                "against": against,
                "items": views,
                "versions": report.versions.all(),
            },
        )


class ReportEditView(_FormPage):
    """Entry by organization staff on the cadre's behalf, or by the cadre; a submitted
    report is locked (start a correction with its reason instead)."""

    template_name = "reports/report_form.html"
    form_class = forms.ReportAnswersForm
    blank_rows = 2

    def get_report(self) -> PersonalReport:
        if not hasattr(self, "_report"):
            report = _report_or_404(self.request.user, self.kwargs["pk"])
            if not services.can_edit_report(self.request.user, report):
                raise PermissionDenied("您无权填报或修改该干部的个人有关事项报告。")
            self._report = report
            self._items = selectors.catalogue_items(report.catalogue_id)
        return self._report

    def get(self, request, *args, **kwargs):
        report = self.get_report()
        if services.open_draft(report) is None and report.status == ReportStatus.SUBMITTED:
            messages.error(request, services.LOCKED_MESSAGE)
            return HttpResponseRedirect(report.get_absolute_url())
        selectors.log_report_view(user=request.user, report=report, request=request, detail={"edit": True})
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        self.get_report()
        return super().get_form_kwargs() | {"items": self._items}

    def get_initial(self):
        content = selectors.version_content(services.open_draft(self.get_report()))
        return {c: {"nothing_to_report": n, "entries": e} for c, (n, e) in content.items()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        errors = {k: list(v) for k, v in form.errors.items()}
        rows = []
        for item in self._items:
            a = form[item.code].value() or {"nothing_to_report": False, "entries": []}
            entries = [e for e in a["entries"] if not rules.is_blank_entry(e)]
            entries += [{} for _ in range(self.blank_rows)]
            rows.append(
                {
                    "item": item,
                    "none": a["nothing_to_report"],
                    "entries": [
                        [
                            {
                                "field": f,
                                "name": f"e-{item.code}-{i}-{f['key']}",
                                "value": e.get(f["key"], ""),
                            }
                            for f in item.fields
                        ]
                        for i, e in enumerate(entries)
                    ],
                    "count": len(entries),
                    "errors": errors.get(item.code, []),
                }
            )
        ctx.update(
            {
                "report": self._report,
                "rows": rows,
                "errors": errors.get("__all__", [])
                + [f"第{r['item'].number}项：{e}" for r in rows for e in r["errors"]],
                "has_errors": bool(errors),
                "draft": services.open_draft(self._report),
            }
        )
        return ctx

    def submitting(self) -> bool:
        return self.request.POST.get("action") == "submit"

    def perform(self, form):
        return services.report_enter(
            user=self.request.user, report=self.get_report(), answers=form.answers(), submit=self.submitting()
        )

    def get_success_message(self):
        return "报告已提交并锁定。" if self.submitting() else "草稿已保存。"

    def get_success_url(self):
        if self.submitting():
            return self._report.get_absolute_url()
        return reverse("reports:report_edit", args=[self._report.pk])


class ReportCorrectView(ActionView):
    model = PersonalReport
    form_class = forms.CorrectionForm

    def perform(self, report, form):
        return services.report_start_correction(
            user=self.request.user, report=report, reason=form.cleaned_data["reason"]
        )

    def get_success_message(self, report, version):
        return f"已新建第{version.number}版（更正），请修改后提交。"

    def get_success_url(self, report, version):
        if version is None:
            return report.get_absolute_url()
        return reverse("reports:report_edit", args=[report.pk])


class ReportAccessView(LoginRequiredMixin, View):
    """Who viewed or exported this report (staff only)."""

    def get(self, request, pk):
        report = _report_or_404(request.user, pk)
        if not has_org_perm(request.user, "view_personal_reports", report.cadre.organization_id):
            raise Http404("记录不存在或无权查看")
        entries = access_entries_for(report).select_related("user").order_by("-at", "-id")[:500]
        return render(request, "reports/report_access.html", {"report": report, "entries": entries})


class ReportHistoryView(LoginRequiredMixin, View):
    def get(self, request, pk):
        report = _report_or_404(request.user, pk)
        history = history_for(report)
        for v in report.versions.all():
            history += history_for(v)
        history.sort(key=lambda h: h["at"], reverse=True)
        return render(
            request,
            "partials/history_page.html",
            {"object": report, "history": history, "back_url": report.get_absolute_url()},
        )


class MyReportsView(LoginRequiredMixin, TemplateView):
    template_name = "reports/my_reports.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["reports"] = (
            PersonalReport.objects.filter(cadre__user=user)
            .select_related("cadre", "cycle", "current_version")
            .order_by("-year", "-id")
        )
        ctx["majors"] = MajorMatterReport.objects.filter(cadre__user=user).order_by("-reported_on")
        cadre = Cadre.objects.filter(user=user).first()
        ctx["cadre"] = cadre
        ctx["is_top_leader"] = cadre is not None and services.is_top_leader_on(cadre, timezone.localdate())
        return ctx


# --- verification ------------------------------------------------------------------------------


class VerificationListView(ScopedListView):
    model = Verification
    template_name = "reports/verification_list.html"
    filterset_class = VerificationFilter
    export_filename = "个人有关事项报告查核.xlsx"
    table_class = VerificationTable

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("report", "report__cadre", "report__cadre__organization")
            .order_by("status", "-created_at", "-id")
        )


class _VerificationPage:
    template_name = "reports/verification_detail.html"

    def get_object(self) -> Verification:
        if not hasattr(self, "_object"):
            qs = Verification.objects.select_related(
                "report",
                "report__cadre",
                "report__cadre__organization",
                "draw__cycle",
                "version",
            )
            self._object = get_scoped_or_404(qs, self.request.user, "view", pk=self.kwargs["pk"])
            self._items = selectors.catalogue_items(self._object.report.catalogue_id)
        return self._object

    def outcome_form_class(self):
        self.get_object()
        return forms.verification_form_class(self._items)

    def page_context(self, form=None, assign_form=None, notice_form=None):
        v = self.get_object()
        if form is None:
            initial = {
                "evidence_sources": v.evidence_sources,
                "handling": v.handling,
                "handling_note": v.handling_note,
            }
            for io in v.item_outcomes.all():
                initial[f"outcome_{io.item.code}"] = io.outcome
                initial[f"source_{io.item.code}"] = io.evidence_source
                initial[f"note_{io.item.code}"] = io.note
            form = self.outcome_form_class()(initial=initial)
        item_fields = [
            (item, form[f"outcome_{item.code}"], form[f"source_{item.code}"], form[f"note_{item.code}"])
            for item in self._items
        ]
        user = self.request.user
        return {
            "v": v,
            "form": form,
            "item_fields": item_fields,
            "assign_form": assign_form or forms.AssignVerifierForm(),
            "assignments": v.assignments.select_related("user"),
            "can_record": services.can_record_verification(user, v),
            "can_manage": has_org_perm(user, "manage_personal_reports", v.report.cadre.organization_id),
            "item_outcomes": v.item_outcomes.select_related("item"),
            "notices": services.notices_of(v)
            .annotate(
                n_feedback=Count("feedback"),
                unhandled=Count("feedback", filter=Q(feedback__status=FeedbackStatus.OPEN)),
            )
            .order_by("start_date"),
            "notice_form": notice_form or forms.NoticeForm(initial={"start_date": timezone.localdate()}),
            "today": timezone.localdate(),
            "publicity_days": services.policy.get("cadres.publicity_days.report"),
        }


class VerificationAssignView(_VerificationPage, _PageForm):
    form_class = forms.AssignVerifierForm
    form_context_name = "assign_form"
    success_message = "已指派查核人员。"

    def perform(self, form):
        return services.verification_assign(
            user=self.request.user, verification=self.get_object(), verifier=form.cleaned_data["verifier"]
        )


class VerificationRecordView(_VerificationPage, _PageForm):
    success_message = "查核结果已保存。"

    def get_form_class(self):
        return self.outcome_form_class()

    def perform(self, form):
        cd = form.cleaned_data
        return services.verification_record(
            user=self.request.user,
            verification=self.get_object(),
            item_outcomes={
                i.code: {
                    "outcome": cd[f"outcome_{i.code}"],
                    "evidence_source": cd[f"source_{i.code}"],
                    "note": cd[f"note_{i.code}"],
                }
                for i in self._items
            },
            evidence_sources=cd["evidence_sources"],
            handling=cd["handling"],
            handling_note=cd["handling_note"],
        )


class NoticeCreateView(_VerificationPage, _PageForm):
    """The personal report's publicity, posted from the targeted verification page."""

    form_class = forms.NoticeForm
    form_context_name = "notice_form"

    def perform(self, form):
        return services.notice_create(
            user=self.request.user, verification=self.get_object(), **form.cleaned_data
        )

    def get_success_message(self):
        return f"已登记公示：{self.result.start_date} 至 {self.result.end_date}。"


class VerificationDetailView(_VerificationPage, _PostActions, LoginRequiredMixin, View):
    post_actions = {
        "assign": VerificationAssignView,
        "record": VerificationRecordView,
        "notice": NoticeCreateView,
    }
    default_post_action = "record"

    def get(self, request, pk):
        return render(request, self.template_name, self.page_context())


# --- candidates and publicity ------------------------------------------------------------------


class NoticeListRedirectView(LoginRequiredMixin, RedirectView):
    """The old list (/reports/notices/) is the one publicity list, filtered to 报告表公示."""

    def get_redirect_url(self, *args, **kwargs):
        return reverse("cadres:publicity_list") + "?kind=report"


class NoticeDetailRedirectView(LoginRequiredMixin, RedirectView):
    """Old notice addresses: the notices kept their ids when they moved to cadres.Publicity
    (reports/migrations/0004 copies them first, ids included)."""

    def get_redirect_url(self, *args, **kwargs):
        return reverse("cadres:publicity_detail", args=[kwargs["pk"]])


# --- major matters -----------------------------------------------------------------------------


class MajorMatterListView(ScopedListView):
    model = MajorMatterReport
    template_name = "reports/major_list.html"
    filterset_class = MajorMatterFilter

    table_class = MajorMatterTable
    export_filename = "重大事项报告.xlsx"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("cadre", "cadre__organization")
            .prefetch_related("ties")
        )


class MajorMatterCreateView(_FormPage):
    template_name = "reports/major_form.html"
    form_class = forms.MajorMatterForm
    success_message = "重大事项报告已登记。"

    def get(self, request, *args, **kwargs):
        if not self.get_form().fields["cadre"].queryset.exists():
            raise PermissionDenied("重大事项报告由党政正职填报：您的管理范围内没有可选的党政正职。")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        ctx["tie_rows"] = [
            {k: form.data.get(f"tie-{i}-{k}", "") for k in forms.TIE_KEYS} | {"i": i}
            for i in range(forms.TIE_ROWS)
        ]
        ctx["circles"] = Circle.choices
        ctx["tie_errors"] = form.errors.get("ties", [])
        return ctx

    def perform(self, form):
        return services.major_matter_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.result.get_absolute_url()


class MajorMatterDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        qs = MajorMatterReport.objects.select_related("cadre", "cadre__organization", "entered_by")
        m = get_scoped_or_404(qs, request.user, "view", pk=pk)
        log_access(user=request.user, action=AccessLog.Action.VIEW_REPORT, obj=m, request=request)
        return render(request, "reports/major_detail.html", {"m": m, "ties": m.ties.all()})
