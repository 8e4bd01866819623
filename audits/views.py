"""Pages of the joint audits. Thin: scope through restrict(), writes through services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from cadre_supervision import params, policy
from cadre_supervision.accesslog import log_access
from cadre_supervision.excel import xlsx_response
from cadre_supervision.models import AccessLog
from cadre_supervision.permissions import get_scoped_or_404, has_org_perm, org_ids
from cadre_supervision.views import HistoryView, ScopedDetailView, ScopedListView, ServiceFormView
from cadres.models import Appointment

from . import rules, selectors, services
from .choices import AuditKind, AuditStatus, RectState
from .filters import AuditFilter, FindingFilter
from .forms import (
    AuditCreateForm,
    AuditEditForm,
    FileUploadForm,
    FindingForm,
    MemberForm,
    RectifyForm,
    ShareForm,
    StreamForm,
    TransitionForm,
)
from .models import Audit, AuditFile, AuditFileShare, AuditMember, AuditStream, Finding, RectificationStep


def _d(v):
    return v.strftime("%Y-%m-%d") if v else ""


def _errors_to_messages(request, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


class ActionView(LoginRequiredMixin, View):
    """A POST-only action on one scoped object; service errors become messages."""

    model = None
    action = "view"
    success_message = "已保存。"

    def get_object(self):
        return get_scoped_or_404(self.model, self.request.user, self.action, pk=self.kwargs["pk"])

    def redirect_url(self, obj) -> str:
        return obj.get_absolute_url()

    def perform(self, obj):  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            self.perform(obj)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or "您无权进行此操作。")
        else:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(self.redirect_url(obj))


# --- audits -------------------------------------------------------------------------------------


def _audit_list_qs(qs):
    today = timezone.localdate()
    return (
        qs.for_list()
        .annotate(
            n_findings=Count("findings", distinct=True),
            n_open=Count("findings", filter=~Q(findings__state=RectState.VERIFIED), distinct=True),
            has_overdue=Exists(Finding.objects.overdue(today).filter(audit=OuterRef("pk"))),
        )
        .order_by("-year", "-planned_date", "-id")
    )


class AuditListView(ScopedListView):
    model = Audit
    filterset_class = AuditFilter
    template_name = "audits/audit_list.html"
    export_filename = "三责联审项目.xlsx"
    export_columns = (
        ("编号", lambda a: a.pk),
        ("项目名称", lambda a: a.title),
        ("被审计干部", lambda a: a.cadre.name),
        ("单位", lambda a: a.organization.name),
        ("职务", lambda a: a.appointment.post.title),
        ("审计类型", lambda a: a.get_kind_display()),
        ("计划年度", lambda a: a.year),
        ("审计期间", lambda a: f"{_d(a.period_start)} 至 {_d(a.period_end)}"),
        ("状态", lambda a: a.get_status_display()),
        ("状态日期", lambda a: a.status_date),
        ("总体评价", lambda a: a.get_overall_conclusion_display()),
        ("问题数", lambda a: a.n_findings),
        ("未销号", lambda a: a.n_open),
        ("有逾期整改", lambda a: a.has_overdue),
    )

    def get_base_queryset(self):
        return _audit_list_qs(super().get_base_queryset())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = has_org_perm(self.request.user, "manage_audits")
        ctx["can_view_compliance"] = has_org_perm(self.request.user, "view_audits")
        return ctx


class AuditCreateView(ServiceFormView):
    form_class = AuditCreateForm
    template_name = "audits/audit_form.html"
    success_message = "已创建联审项目。"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_org_perm(request.user, "manage_audits"):
            raise PermissionDenied("您无权创建联审项目。")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kw = super().get_form_kwargs()
        kw["user"] = self.request.user
        return kw

    def get_initial(self):
        initial = super().get_initial()
        for key in ("appointment", "kind", "year"):
            if self.request.GET.get(key):
                initial[key] = self.request.GET[key]
        return initial

    def perform(self, form):
        return services.audit_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.result.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = "新建三责联审项目"
        return ctx


class AuditDetailView(ScopedDetailView):
    model = Audit
    template_name = "audits/audit_detail.html"

    def get_queryset(self):
        return (
            super().get_queryset().select_related("cadre", "organization", "appointment__post", "created_by")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        audit = self.object
        today = timezone.localdate()
        streams = list(audit.streams.all())
        members = list(audit.members.select_related("user", "stream"))
        for s in streams:
            s.team = [m for m in members if m.stream_id == s.pk]
        findings = list(
            Finding.objects.restrict(user, "view")
            .filter(audit=audit)
            .select_related("stream", "responsible_cadre", "verified_by")
        )
        for f in findings:
            f.overdue = f.is_overdue(today)
        files = list(
            AuditFile.objects.restrict(user, "view").filter(audit=audit).select_related("uploaded_by")
        )
        can_change = Audit.objects.restrict(user, "change").filter(pk=audit.pk).exists()
        can_manage = has_org_perm(user, "manage_audits", audit.organization_id) or user.is_superuser
        nxt = rules.next_audit_status(audit.status)
        ctx.update(
            streams=streams,
            observers=[m for m in members if m.stream_id is None],
            findings=findings,
            files=files,
            shares=list(AuditFileShare.objects.filter(file__audit=audit).select_related("file", "officer"))
            if can_manage
            else [],
            can_change=can_change,
            can_manage=can_manage,
            next_status=nxt,
            next_status_label=rules.STATUS_LABELS.get(nxt, ""),
            transition_form=TransitionForm(initial={"status": nxt, "on": today}) if nxt else None,
            steps=[
                (s, rules.STATUS_LABELS[s], getattr(audit, rules.STATUS_DATE_FIELD[s]))
                for s in rules.AUDIT_ORDER
            ],
            member_form=MemberForm(audit=audit) if can_manage and not audit.is_closed else None,
            finding_form=FindingForm(audit=audit)
            if can_change
            and audit.status in (AuditStatus.FIELDWORK, AuditStatus.REPORT, AuditStatus.RECTIFICATION)
            else None,
            upload_form=FileUploadForm() if can_change else None,
            timeline=self.timeline(audit, findings, files),
            n_unverified=sum(1 for f in findings if f.state != RectState.VERIFIED),
            n_overdue=sum(1 for f in findings if f.overdue),
        )
        return ctx

    def timeline(self, audit, findings, files):
        events = []
        for s in rules.AUDIT_ORDER:
            date = getattr(audit, rules.STATUS_DATE_FIELD[s])
            if date:
                events.append((date, 0, f"联审进入“{rules.STATUS_LABELS[s]}”"))
        for f in findings:
            events.append(
                (timezone.localtime(f.created_at).date(), 1, f"登记{f.get_stream_label()}问题：{str(f)[5:]}")
            )
        for step in RectificationStep.objects.filter(finding__in=[f.pk for f in findings]).select_related(
            "finding__stream", "by"
        ):
            who = (step.by.get_full_name() or step.by.get_username()) if step.by else "系统"
            events.append(
                (
                    timezone.localtime(step.at).date(),
                    2,
                    f"{step.finding.get_stream_label()}问题 #{step.finding_id}：{step.get_from_state_display()} → {step.get_to_state_display()}（{who}）",
                )
            )
        for f in files:
            events.append(
                (timezone.localtime(f.uploaded_at).date(), 3, f"上传{f.get_kind_display()}：{f.title}")
            )
        events.sort(key=lambda e: (e[0], e[1]))
        return events


class AuditEditView(ServiceFormView):
    form_class = AuditEditForm
    template_name = "audits/audit_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.audit = get_scoped_or_404(Audit, request.user, "change", pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        a = self.audit
        return {f: getattr(a, f) for f in services.AUDIT_EDIT_FIELDS}

    def perform(self, form):
        return services.audit_update(user=self.request.user, audit=self.audit, **form.cleaned_data)

    def get_success_url(self):
        return self.audit.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = f"修改：{self.audit}"
        ctx["back_url"] = self.audit.get_absolute_url()
        return ctx


class AuditTransitionView(ActionView):
    model = Audit
    action = "change"

    def perform(self, audit):
        form = TransitionForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError("请填写正确的日期。")
        services.audit_transition(
            user=self.request.user,
            audit=audit,
            status=form.cleaned_data["status"],
            on=form.cleaned_data["on"],
        )
        self.success_message = f"联审状态已变更为“{rules.STATUS_LABELS[form.cleaned_data['status']]}”。"


class AuditDeleteView(ActionView):
    model = Audit
    action = "change"
    success_message = "已从计划中删除。"

    def perform(self, audit):
        services.audit_delete(user=self.request.user, audit=audit)

    def redirect_url(self, obj):
        return (
            reverse("audits:audit_list")
            if not Audit.objects.filter(pk=obj.pk).exists()
            else obj.get_absolute_url()
        )


class StreamEditView(ServiceFormView):
    form_class = StreamForm
    template_name = "audits/audit_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.stream = get_scoped_or_404(
            AuditStream.objects.select_related("audit"), request.user, "change", pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        s = self.stream
        return {
            "lead_agency": s.lead_agency,
            "conclusion": s.conclusion,
            "conclusion_text": s.conclusion_text,
        }

    def perform(self, form):
        return services.audit_stream_update(user=self.request.user, stream=self.stream, **form.cleaned_data)

    def get_success_url(self):
        return self.stream.audit.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = f"{self.stream.get_stream_display()}事项结论：{self.stream.audit}"
        ctx["back_url"] = self.stream.audit.get_absolute_url()
        return ctx


class MemberAddView(ActionView):
    model = Audit
    success_message = "已加入联审组。"

    def perform(self, audit):
        form = MemberForm(self.request.POST, audit=audit)
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        services.audit_member_add(user=self.request.user, audit=audit, **form.cleaned_data)


class MemberRemoveView(ActionView):
    model = AuditMember
    success_message = "已移出联审组。"

    def perform(self, member):
        services.audit_member_remove(user=self.request.user, member=member)

    def redirect_url(self, obj):
        return reverse("audits:audit_detail", args=[obj.audit_id])


# --- findings ---------------------------------------------------------------------------------


class FindingCreateView(ServiceFormView):
    form_class = FindingForm
    template_name = "audits/audit_form.html"
    success_message = "已登记问题。"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.audit = get_scoped_or_404(Audit, request.user, "change", pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kw = super().get_form_kwargs()
        kw["audit"] = self.audit
        return kw

    def perform(self, form):
        return services.finding_create(user=self.request.user, audit=self.audit, **form.cleaned_data)

    def get_success_url(self):
        return self.audit.get_absolute_url() + "#findings"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = f"登记问题：{self.audit}"
        ctx["back_url"] = self.audit.get_absolute_url()
        return ctx


class FindingEditView(FindingCreateView):
    success_message = "已保存。"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.finding = get_scoped_or_404(
            Finding.objects.select_related("audit"), request.user, "change", pk=kwargs["pk"]
        )
        self.audit = self.finding.audit
        return ServiceFormView.dispatch(self, request, *args, **kwargs)

    def get_initial(self):
        f = self.finding
        return {k: getattr(f, k) for k in services.FINDING_FIELDS if k != "stream"} | {"stream": f.stream_id}

    def perform(self, form):
        return services.finding_update(user=self.request.user, finding=self.finding, **form.cleaned_data)

    def get_success_url(self):
        return self.finding.get_absolute_url()


class FindingListView(ScopedListView):
    model = Finding
    filterset_class = FindingFilter
    template_name = "audits/finding_list.html"
    export_filename = "审计发现问题整改台账.xlsx"
    export_columns = (
        ("编号", lambda f: f.pk),
        ("被审计干部", lambda f: f.audit.cadre.name),
        ("单位", lambda f: f.audit.organization.name),
        ("联审项目", lambda f: f.audit.title),
        ("审计事项", lambda f: f.stream.get_stream_display()),
        ("问题描述", lambda f: f.description),
        ("严重程度", lambda f: f.get_severity_display()),
        ("责任人", lambda f: f.responsible_display),
        ("整改要求", lambda f: f.rectification_required),
        ("整改期限", lambda f: f.due_date),
        ("整改状态", lambda f: f.get_state_display()),
        ("是否逾期", lambda f: f.is_overdue()),
        ("销号时间", lambda f: f.verified_at),
    )

    def get_base_queryset(self):
        return super().get_base_queryset().for_list()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for f in ctx["object_list"]:
            f.overdue = f.is_overdue(today)
        return ctx


class FindingDetailView(ScopedDetailView):
    model = Finding
    template_name = "audits/finding_detail.html"

    def get_queryset(self):
        return super().get_queryset().for_list()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        f = self.object
        user = self.request.user
        f.overdue = f.is_overdue()
        can_progress = services.can_report_progress(user, f)
        is_team = services.is_team_member(user, f.audit)
        allowed = [
            s
            for s in rules.RECT_TRANSITIONS.get(f.state, ())
            if (s in rules.TEAM_ONLY_TARGETS and is_team)
            or (s not in rules.TEAM_ONLY_TARGETS and can_progress)
        ]
        form = RectifyForm(finding=f)
        form.fields["to_state"].choices = [(s, rules.RECT_LABELS[s]) for s in allowed]
        ctx.update(
            steps=list(f.steps.select_related("by")),
            rectify_form=form if allowed and not f.audit.is_closed else None,
            can_edit=not f.audit.is_closed
            and f.state != RectState.VERIFIED
            and Finding.objects.restrict(user, "change").filter(pk=f.pk).exists(),
        )
        return ctx


class FindingRectifyView(LoginRequiredMixin, View):
    def post(self, request, pk):
        finding = get_scoped_or_404(Finding, request.user, "view", pk=pk)
        form = RectifyForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请选择新的整改状态。")
        else:
            try:
                services.finding_transition(
                    user=request.user,
                    finding=finding,
                    to_state=form.cleaned_data["to_state"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                _errors_to_messages(request, exc)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, f"整改状态已变更为“{rules.RECT_LABELS[form.cleaned_data['to_state']]}”。"
                )
        return HttpResponseRedirect(finding.get_absolute_url())


class AuditHistoryView(HistoryView):
    model = Audit


class FindingHistoryView(HistoryView):
    model = Finding


# --- files --------------------------------------------------------------------------------------


class FileUploadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        audit = get_scoped_or_404(Audit, request.user, "change", pk=pk)
        form = FileUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            for errs in form.errors.values():
                for e in errs:
                    messages.error(request, e)
        else:
            try:
                services.audit_file_upload(
                    user=request.user,
                    audit=audit,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    uploaded_file=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                _errors_to_messages(request, exc)
            else:
                messages.success(request, "文件已上传。")
        return HttpResponseRedirect(audit.get_absolute_url() + "#files")


class FileDownloadView(LoginRequiredMixin, View):
    """The only way to a stored file: scope-checked and written to the access log."""

    def get(self, request, pk):
        f = get_scoped_or_404(AuditFile, request.user, "view", pk=pk)
        handle = services.audit_file_open(user=request.user, file=f, request=request)
        response = FileResponse(handle, as_attachment=True, filename=f.original_name)
        response["Cache-Control"] = "no-store"
        return response


class FileListView(ScopedListView):
    model = AuditFile
    template_name = "audits/file_list.html"

    def get_base_queryset(self):
        return super().get_base_queryset().for_list()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["my_shares"] = {
            s.file_id: s for s in AuditFileShare.objects.active().filter(officer=self.request.user)
        }
        return ctx


class FileShareView(ServiceFormView):
    form_class = ShareForm
    template_name = "audits/audit_form.html"
    success_message = "已共享。到期后访问权限自动终止。"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.file = get_scoped_or_404(
            AuditFile.objects.select_related("audit"), request.user, "view", pk=kwargs["pk"]
        )
        if not has_org_perm(request.user, "manage_audits", self.file.audit.organization_id):
            raise PermissionDenied("只有组织部联审管理人员可以共享审计档案。")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"until": timezone.localdate() + dt.timedelta(days=14)}

    def perform(self, form):
        return services.audit_file_share(user=self.request.user, file=self.file, **form.cleaned_data)

    def get_success_url(self):
        return self.file.audit.get_absolute_url() + "#files"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = f"单独共享审计档案：{self.file.title}"
        ctx["back_url"] = self.file.audit.get_absolute_url()
        ctx["intro"] = (
            "共享给一名纪检监察干部，至所填日期当天结束后访问权限自动终止。每次下载都会记入访问日志。"
        )
        return ctx


class ShareRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        share = get_object_or_404(AuditFileShare.objects.select_related("file__audit"), pk=pk)
        if not AuditFile.objects.restrict(request.user, "view").filter(pk=share.file_id).exists():
            raise PermissionDenied
        try:
            services.audit_file_share_revoke(user=request.user, share=share)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已撤销共享。")
        return HttpResponseRedirect(share.file.audit.get_absolute_url() + "#files")


# --- compliance lists and the yearly plan -----------------------------------------------------------


class ComplianceMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_org_perm(request.user, "view_audits"):
            raise PermissionDenied("您无权查看联审合规情况。")
        return super().dispatch(request, *args, **kwargs)

    def export_or_render(self, request, filename, header, rows, context):
        if request.GET.get("export") == "xlsx":
            log_access(
                user=request.user,
                action=AccessLog.Action.EXPORT,
                object_type="audits.compliance",
                object_repr=filename,
                detail={"rows": len(rows)},
                request=request,
            )
            return xlsx_response(filename, header, rows)
        return self.render_to_response(context)


class DeparturesView(ComplianceMixin, TemplateView):
    template_name = "audits/compliance_departures.html"

    def get(self, request, *args, **kwargs):
        appts = selectors.departures_without_audit(user=request.user)
        ctx = self.get_context_data(
            rows=appts,
            by_kind=selectors.counts_by_org_kind(a.post.organization for a in appts),
            can_manage=has_org_perm(request.user, "manage_audits"),
            lookback=policy.get("audits.departure_lookback_years"),
        )
        header = ["干部", "单位", "单位类型", "职务", "任职开始", "离任日期", "离任原因"]
        rows = [
            [
                a.cadre.name,
                a.post.organization.name,
                a.post.organization.get_kind_display(),
                a.post.title,
                a.start_date,
                a.end_date,
                a.end_reason,
            ]
            for a in appts
        ]
        return self.export_or_render(request, "离任未审计名单.xlsx", header, rows, ctx)


class CycleView(ComplianceMixin, TemplateView):
    template_name = "audits/compliance_cycle.html"

    def get(self, request, *args, **kwargs):
        all_rows = selectors.cycle_rows(user=request.user)
        show = request.GET.get("show", "due")
        rows = [r for r in all_rows if r.state.is_due] if show == "due" else all_rows
        ctx = self.get_context_data(
            rows=rows,
            show=show,
            n_due=sum(1 for r in all_rows if r.state.is_due),
            n_soon=sum(1 for r in all_rows if r.state.state == "due_soon"),
            by_kind=selectors.counts_by_org_kind(r.organization for r in all_rows if r.state.is_due),
            cycle_years=selectors.cycle_years(),
            can_manage=has_org_perm(request.user, "manage_audits"),
        )
        header = [
            "干部",
            "单位",
            "单位类型",
            "职务",
            "任职开始",
            "上次联审",
            "轮审到期日",
            "状态",
            "已列入计划",
        ]
        rows_x = [
            [
                r.cadre.name,
                r.organization.name,
                r.organization.get_kind_display(),
                r.appointment.post.title,
                r.appointment.start_date,
                r.last_audit_date,
                r.state.due_date,
                "已逾期" if r.state.is_due else "即将到期",
                bool(r.pending_audit),
            ]
            for r in rows
        ]
        return self.export_or_render(request, "轮审到期名单.xlsx", header, rows_x, ctx)


class PlanView(LoginRequiredMixin, TemplateView):
    """The yearly audit plan: proposed from the cycle-due list and departures without audit;
    staff tick what to include (the proposal is editable) and create the planned audits."""

    template_name = "audits/plan.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_org_perm(request.user, "manage_audits"):
            raise PermissionDenied("您无权编制联审计划。")
        return super().dispatch(request, *args, **kwargs)

    def year(self):
        return params.page_year(self.request, self.request.GET.get("year") or self.request.POST.get("year"))

    def proposal(self, year):
        user = self.request.user
        year_end = dt.date(year, 12, 31)
        managed = set(org_ids(user, "manage_audits")) if not user.is_superuser else None
        items = []
        for r in selectors.cycle_rows(user=user, include_ok=True):
            if r.pending_audit or r.state.due_date > year_end:
                continue
            if managed is not None and r.organization.pk not in managed:
                continue
            items.append(
                {
                    "appointment": r.appointment,
                    "kind": AuditKind.MID_TERM,
                    "reason": (
                        f"轮审到期 {_d(r.state.due_date)}（"
                        + (f"上次联审 {_d(r.last_audit_date)}" if r.last_audit_date else "任职以来未联审")
                        + "）"
                    ),
                }
            )
        for a in selectors.departures_without_audit(user=user):
            if managed is not None and a.post.organization_id not in managed:
                continue
            items.append(
                {"appointment": a, "kind": AuditKind.DEPARTURE, "reason": f"{_d(a.end_date)} 离任，离任必审"}
            )
        return items

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = self.year()
        ctx.update(
            year=year,
            years=list(range(timezone.localdate().year - 1, timezone.localdate().year + 2)),
            items=self.proposal(year),
            planned=Audit.objects.restrict(self.request.user, "view").filter(year=year).for_list(),
            kind_labels=dict(AuditKind.choices),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        year = self.year()
        chosen = []
        for value in request.POST.getlist("item"):
            try:
                appt_id, kind = value.split(":", 1)
                chosen.append((int(appt_id), kind))
            except ValueError:
                continue
        if not chosen:
            messages.error(request, "请至少勾选一项列入计划。")
            return HttpResponseRedirect(f"{reverse('audits:plan')}?year={year}")
        valid_ids = set(
            Appointment.objects.filter(pk__in=[c[0] for c in chosen]).values_list("pk", flat=True)
        )
        try:
            created = services.audit_plan_create(
                user=request.user, year=year, items=[c for c in chosen if c[0] in valid_ids]
            )
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已将 {len(created)} 个项目列入 {year} 年联审计划。")
        return HttpResponseRedirect(f"{reverse('audits:plan')}?year={year}")
