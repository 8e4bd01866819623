"""Pages of the personal-matter reports. Thin: scope through restrict(), writes through
services, every view of contents and every export written to the access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from cadre_supervision.accesslog import access_entries_for, log_access
from cadre_supervision.excel import xlsx_multi_response
from cadre_supervision.history import history_for
from cadre_supervision.models import AccessLog
from cadre_supervision.permissions import get_scoped_or_404, has_org_perm
from cadre_supervision.views import ScopedListView, apply_validation_error
from cadres.models import Cadre

from . import forms, rules, selectors, services
from .choices import Circle, ReportStatus
from .filters import CandidateFilter, MajorMatterFilter, NoticeFilter, ReportFilter, VerificationFilter
from .models import (
    MajorMatterReport,
    PersonalReport,
    PromotionCandidate,
    PublicityFeedback,
    PublicityNotice,
    ReportCycle,
    ReportVersion,
    SampleDraw,
    Verification,
)
from .tables import (
    CandidateTable,
    CycleReportTable,
    MajorMatterTable,
    NoticeTable,
    VerificationTable,
)


def _errors_list(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for errs in exc.error_dict.values() for e in errs for m in e.messages]
    return list(exc.messages)


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": list(exc.messages)}


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


class CycleCreateView(LoginRequiredMixin, View):
    template_name = "reports/cycle_form.html"

    def get(self, request):
        if not services.can_manage_city(request.user):
            raise PermissionDenied("只有对全市具有个人事项报告管理权限的组织部工作人员可以启动报告周期。")
        year = timezone.localdate().year - 1
        form = forms.CycleForm(initial={"year": year})
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = forms.CycleForm(request.POST)
        if form.is_valid():
            try:
                cycle = services.cycle_open(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, f"已启动{cycle.year}年度报告周期，报告对象 {cycle.reports.count()} 人。"
                )
                return HttpResponseRedirect(cycle.get_absolute_url())
        return render(request, self.template_name, {"form": form})


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


class SampleDrawView(LoginRequiredMixin, View):
    """Shows the pool, the share and the exclusions; draws once; afterwards shows the seed,
    the pool and the selection, with a reproduction check."""

    template_name = "reports/sample_draw.html"

    def _ctx(self, request, cycle, form=None):
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
            "form": form or forms.SampleDrawForm(),
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

    def get(self, request, pk):
        _require_staff(request.user)
        cycle = get_object_or_404(ReportCycle, pk=pk)
        return render(request, self.template_name, self._ctx(request, cycle))

    def post(self, request, pk):
        _require_staff(request.user)
        cycle = get_object_or_404(ReportCycle, pk=pk)
        form = forms.SampleDrawForm(request.POST)
        if form.is_valid():
            try:
                draw = services.sample_draw_create(
                    user=request.user, cycle=cycle, seed=form.cleaned_data["seed"]
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, f"已抽取 {len(draw.selected)} 人进行随机抽查，随机种子：{draw.seed}。"
                )
                return HttpResponseRedirect(reverse("reports:sample_draw", args=[cycle.pk]))
        return render(request, self.template_name, self._ctx(request, cycle, form), status=400)


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


def _parse_answers(post, items) -> dict[str, dict]:
    answers = {}
    for item in items:
        code = item.code
        rows = int(post.get(f"rows-{code}", "0") or 0)
        entries = []
        for i in range(min(rows, 50)):
            entries.append(
                {f["key"]: (post.get(f"e-{code}-{i}-{f['key']}") or "").strip() for f in item.fields}
            )
        answers[code] = {"nothing_to_report": post.get(f"none-{code}") == "on", "entries": entries}
    return answers


class ReportEditView(LoginRequiredMixin, View):
    """Entry by organization staff on the cadre's behalf, or by the cadre; a submitted
    report is locked (start a correction with its reason instead)."""

    template_name = "reports/report_form.html"
    blank_rows = 2

    def _load(self, request, pk):
        report = _report_or_404(request.user, pk)
        if not services.can_edit_report(request.user, report):
            raise PermissionDenied("您无权填报或修改该干部的个人有关事项报告。")
        return report

    def _ctx(self, report, items, answers, errors=None):
        rows = []
        for item in items:
            a = answers.get(item.code, {"nothing_to_report": False, "entries": []})
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
                    "errors": (errors or {}).get(item.code, []),
                }
            )
        return {
            "report": report,
            "rows": rows,
            "errors": (errors or {}).get("__all__", [])
            + (errors or {}).get("answers", [])
            + [f"第{r['item'].number}项：{e}" for r in rows for e in r["errors"]],
            "has_errors": bool(errors),
            "draft": services.open_draft(report),
        }

    def get(self, request, pk):
        report = self._load(request, pk)
        draft = services.open_draft(report)
        if draft is None and report.status == ReportStatus.SUBMITTED:
            messages.error(request, services.LOCKED_MESSAGE)
            return HttpResponseRedirect(report.get_absolute_url())
        items = selectors.catalogue_items(report.catalogue_id)
        content = selectors.version_content(draft)
        answers = {c: {"nothing_to_report": n, "entries": e} for c, (n, e) in content.items()}
        selectors.log_report_view(user=request.user, report=report, request=request, detail={"edit": True})
        return render(request, self.template_name, self._ctx(report, items, answers))

    def post(self, request, pk):
        report = self._load(request, pk)
        items = selectors.catalogue_items(report.catalogue_id)
        answers = _parse_answers(request.POST, items)
        submit = request.POST.get("action") == "submit"
        try:
            with transaction.atomic():
                services.report_save_draft(user=request.user, report=report, answers=answers)
                if submit:
                    services.report_submit(user=request.user, report=report)
        except ValidationError as exc:
            ctx = self._ctx(report, items, answers, _error_dict(exc))
            return render(request, self.template_name, ctx, status=400)
        messages.success(request, "报告已提交并锁定。" if submit else "草稿已保存。")
        if submit:
            return HttpResponseRedirect(report.get_absolute_url())
        return HttpResponseRedirect(reverse("reports:report_edit", args=[report.pk]))


class ReportCorrectView(LoginRequiredMixin, View):
    def post(self, request, pk):
        report = _report_or_404(request.user, pk)
        form = forms.CorrectionForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError({"reason": "请填写更正理由。"})
            version = services.report_start_correction(
                user=request.user, report=report, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as exc:
            msgs = _errors_list(exc) if isinstance(exc, ValidationError) else [str(exc)]
            for m in msgs:
                messages.error(request, m)
            return HttpResponseRedirect(report.get_absolute_url())
        messages.success(request, f"已新建第{version.number}版（更正），请修改后提交。")
        return HttpResponseRedirect(reverse("reports:report_edit", args=[report.pk]))


class ReportAccessView(LoginRequiredMixin, View):
    """Who viewed or exported this report (staff only)."""

    def get(self, request, pk):
        report = _report_or_404(request.user, pk)
        if not has_org_perm(request.user, "view_personal_reports", report.cadre.organization_id):
            raise Http404("记录不存在或无权查看")
        entries = access_entries_for(report).order_by("-at", "-id")[:500]
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
            .select_related("report", "report__cadre", "report__cadre__organization", "candidate")
            .order_by("status", "-created_at", "-id")
        )


class VerificationDetailView(LoginRequiredMixin, View):
    template_name = "reports/verification_detail.html"

    def _load(self, request, pk):
        qs = Verification.objects.select_related(
            "report", "report__cadre", "report__cadre__organization", "draw__cycle", "candidate", "version"
        )
        return get_scoped_or_404(qs, request.user, "view", pk=pk)

    def _ctx(self, request, v, form=None, assign_form=None):
        items = selectors.catalogue_items(v.report.catalogue_id)
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
            form = forms.verification_form_class(items)(initial=initial)
        item_fields = [
            (item, form[f"outcome_{item.code}"], form[f"source_{item.code}"], form[f"note_{item.code}"])
            for item in items
        ]
        return {
            "v": v,
            "form": form,
            "item_fields": item_fields,
            "assign_form": assign_form or forms.AssignVerifierForm(),
            "assignments": v.assignments.select_related("user"),
            "can_record": services.can_record_verification(request.user, v),
            "can_manage": has_org_perm(
                request.user, "manage_personal_reports", v.report.cadre.organization_id
            ),
            "item_outcomes": v.item_outcomes.select_related("item"),
        }

    def get(self, request, pk):
        v = self._load(request, pk)
        return render(request, self.template_name, self._ctx(request, v))

    def post(self, request, pk):
        v = self._load(request, pk)
        if request.POST.get("action") == "assign":
            form = forms.AssignVerifierForm(request.POST)
            if form.is_valid():
                verifier = get_user_model().objects.filter(username=form.cleaned_data["username"]).first()
                try:
                    services.verification_assign(user=request.user, verification=v, verifier=verifier)
                except ValidationError as exc:
                    apply_validation_error(form, exc)
                except PermissionDenied as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, "已指派查核人员。")
                    return HttpResponseRedirect(v.get_absolute_url())
            return render(request, self.template_name, self._ctx(request, v, assign_form=form), status=400)
        items = selectors.catalogue_items(v.report.catalogue_id)
        form = forms.verification_form_class(items)(request.POST)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                services.verification_record(
                    user=request.user,
                    verification=v,
                    item_outcomes={
                        i.code: {
                            "outcome": cd[f"outcome_{i.code}"],
                            "evidence_source": cd[f"source_{i.code}"],
                            "note": cd[f"note_{i.code}"],
                        }
                        for i in items
                    },
                    evidence_sources=cd["evidence_sources"],
                    handling=cd["handling"],
                    handling_note=cd["handling_note"],
                )
            except ValidationError as exc:
                for key, msgs in _error_dict(exc).items():
                    target = key if key in form.fields else None
                    if key.startswith("item_"):
                        target = f"source_{key[5:]}"
                    for m in msgs:
                        form.add_error(target, m)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "查核结果已保存。")
                return HttpResponseRedirect(v.get_absolute_url())
        return render(request, self.template_name, self._ctx(request, v, form=form), status=400)


# --- candidates and publicity ------------------------------------------------------------------


class CandidateListView(ScopedListView):
    model = PromotionCandidate
    template_name = "reports/candidate_list.html"
    filterset_class = CandidateFilter

    table_class = CandidateTable
    export_filename = "拟提拔人选.xlsx"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("cadre", "cadre__organization", "verification", "report")
            .prefetch_related("notices")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = has_org_perm(self.request.user, "manage_personal_reports")
        ctx["today"] = timezone.localdate()
        return ctx


class CandidateCreateView(LoginRequiredMixin, View):
    template_name = "reports/candidate_form.html"

    def get(self, request):
        if not has_org_perm(request.user, "manage_personal_reports"):
            raise PermissionDenied("您无权确定拟提拔人选。")
        return render(request, self.template_name, {"form": forms.CandidateForm(user=request.user)})

    def post(self, request):
        form = forms.CandidateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                c = services.candidate_mark(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已确定为拟提拔人选，并生成重点查核任务（凡提必查）。")
                return HttpResponseRedirect(c.get_absolute_url())
        return render(request, self.template_name, {"form": form}, status=400)


class CandidateDetailView(LoginRequiredMixin, View):
    template_name = "reports/candidate_detail.html"

    def _load(self, request, pk):
        qs = PromotionCandidate.objects.select_related(
            "cadre", "cadre__organization", "report", "verification"
        )
        return get_scoped_or_404(qs, request.user, "view", pk=pk)

    def _ctx(self, request, c, **extra):
        ctx = {
            "c": c,
            "verification": getattr(c, "verification", None),
            "notices": c.notices.annotate(
                n_feedback=Count("feedback"), unhandled=Count("feedback", filter=Q(feedback__handled=False))
            ).order_by("start_date"),
            "problems": services.clearance_problems(c) if c.status == "under_review" else [],
            "can_manage": has_org_perm(request.user, "manage_personal_reports", c.cadre.organization_id),
            "notice_form": forms.NoticeForm(initial={"start_date": timezone.localdate()}),
            "withdraw_form": forms.WithdrawForm(),
            "today": timezone.localdate(),
            "publicity_days": services.policy.get("reports.publicity_days"),
        }
        ctx.update(extra)
        return ctx

    def get(self, request, pk):
        c = self._load(request, pk)
        return render(request, self.template_name, self._ctx(request, c))

    def post(self, request, pk):
        c = self._load(request, pk)
        action = request.POST.get("action")
        try:
            if action == "clear":
                services.candidate_clear(user=request.user, candidate=c)
                messages.success(request, "已准予任用。")
            elif action == "withdraw":
                services.candidate_withdraw(
                    user=request.user, candidate=c, reason=request.POST.get("reason", "")
                )
                messages.success(request, "已撤销该拟提拔人选。")
            elif action == "notice":
                form = forms.NoticeForm(request.POST)
                if not form.is_valid():
                    return render(
                        request, self.template_name, self._ctx(request, c, notice_form=form), status=400
                    )
                n = services.notice_create(user=request.user, candidate=c, **form.cleaned_data)
                messages.success(request, f"已登记公示：{n.start_date} 至 {n.end_date}。")
            else:
                raise Http404
        except ValidationError as exc:
            return render(
                request,
                self.template_name,
                self._ctx(request, c, action_errors=_errors_list(exc)),
                status=400,
            )
        except PermissionDenied as exc:
            return render(
                request, self.template_name, self._ctx(request, c, action_errors=[str(exc)]), status=403
            )
        return HttpResponseRedirect(c.get_absolute_url())


class NoticeListView(ScopedListView):
    model = PublicityNotice
    template_name = "reports/notice_list.html"
    filterset_class = NoticeFilter

    table_class = NoticeTable
    export_filename = "任前公示.xlsx"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("candidate", "candidate__cadre", "candidate__cadre__organization")
            .prefetch_related("feedback")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["today"] = timezone.localdate()
        return ctx


class NoticeDetailView(LoginRequiredMixin, View):
    template_name = "reports/notice_detail.html"

    def _load(self, request, pk):
        qs = PublicityNotice.objects.select_related(
            "candidate", "candidate__cadre", "candidate__cadre__organization"
        )
        return get_scoped_or_404(qs, request.user, "view", pk=pk)

    def _ctx(self, request, n, **extra):
        ctx = {
            "n": n,
            "feedback": n.feedback.select_related("handled_by"),
            "form": forms.FeedbackForm(initial={"received_on": timezone.localdate()}),
            "handle_form": forms.HandleFeedbackForm(),
            "can_manage": has_org_perm(
                request.user, "manage_personal_reports", n.candidate.cadre.organization_id
            ),
            "running": n.is_running(),
        }
        ctx.update(extra)
        return ctx

    def get(self, request, pk):
        n = self._load(request, pk)
        return render(request, self.template_name, self._ctx(request, n))

    def post(self, request, pk):
        n = self._load(request, pk)
        try:
            if request.POST.get("action") == "handle":
                fb = get_object_or_404(PublicityFeedback, pk=request.POST.get("feedback"), notice=n)
                services.feedback_handle(
                    user=request.user, feedback=fb, handling=request.POST.get("handling", "")
                )
                messages.success(request, "已登记处理情况。")
            else:
                form = forms.FeedbackForm(request.POST)
                if not form.is_valid():
                    return render(request, self.template_name, self._ctx(request, n, form=form), status=400)
                services.feedback_add(user=request.user, notice=n, **form.cleaned_data)
                messages.success(request, "已登记公示期间的反映。")
        except ValidationError as exc:
            return render(
                request,
                self.template_name,
                self._ctx(request, n, action_errors=_errors_list(exc)),
                status=400,
            )
        except PermissionDenied as exc:
            return render(
                request, self.template_name, self._ctx(request, n, action_errors=[str(exc)]), status=403
            )
        return HttpResponseRedirect(n.get_absolute_url())


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


class MajorMatterCreateView(LoginRequiredMixin, View):
    template_name = "reports/major_form.html"

    def _ctx(self, form, tie_errors=None):
        rows = []
        for i in range(forms.TIE_ROWS):
            rows.append(
                {
                    k: form.data.get(f"tie-{i}-{k}", "")
                    for k in ("circle", "person", "relation", "occupation", "note")
                }
                | {"i": i}
            )
        return {"form": form, "tie_rows": rows, "circles": Circle.choices, "tie_errors": tie_errors or []}

    def get(self, request):
        form = forms.MajorMatterForm(user=request.user)
        if not form.fields["cadre"].queryset.exists():
            raise PermissionDenied("重大事项报告由党政正职填报：您的管理范围内没有可选的党政正职。")
        return render(request, self.template_name, self._ctx(form))

    def post(self, request):
        form = forms.MajorMatterForm(request.POST, user=request.user)
        tie_errors = []
        if form.is_valid():
            try:
                m = services.major_matter_create(user=request.user, ties=form.ties(), **form.cleaned_data)
            except ValidationError as exc:
                for key, msgs in _error_dict(exc).items():
                    if key == "ties":
                        tie_errors += msgs
                    else:
                        for msg in msgs:
                            form.add_error(key if key in form.fields else None, msg)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "重大事项报告已登记。")
                return HttpResponseRedirect(m.get_absolute_url())
        return render(request, self.template_name, self._ctx(form, tie_errors), status=400)


class MajorMatterDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        qs = MajorMatterReport.objects.select_related("cadre", "cadre__organization", "entered_by")
        m = get_scoped_or_404(qs, request.user, "view", pk=pk)
        log_access(user=request.user, action=AccessLog.Action.VIEW_REPORT, obj=m, request=request)
        return render(request, "reports/major_detail.html", {"m": m, "ties": m.ties.all()})
