"""Pages of the joint audits. Thin: scope through restrict(), writes through services."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View

from cadre_supervision import params, policy
from cadre_supervision.people import display_name
from cadre_supervision.permissions import get_scoped_or_404, has_org_perm
from cadre_supervision.views import (
    ActionView,
    ComputedListView,
    HistoryView,
    PagedRows,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    validation_messages,
)
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
from .tables import AuditTable, CycleTable, DeparturesTable, FileTable, FindingTable, PlanProposalTable

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
    table_class = AuditTable

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
            member_form=MemberForm(audit=audit, user=self.request.user)
            if can_manage and not audit.is_closed
            else None,
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
            who = display_name(step.by) if step.by else "系统"
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

    form_class = TransitionForm

    def perform(self, audit, form):
        return services.audit_transition(
            user=self.request.user,
            audit=audit,
            status=form.cleaned_data["status"],
            on=form.cleaned_data["on"],
        )

    def get_success_message(self, obj, result):
        return f"联审状态已变更为“{rules.STATUS_LABELS[self.request.POST['status']]}”。"

    def get_success_url(self, obj, result):
        return obj.get_absolute_url()


class AuditDeleteView(ActionView):
    model = Audit
    action = "change"
    success_message = "已从计划中删除。"

    def perform(self, audit, form):
        services.audit_delete(user=self.request.user, audit=audit)

    def get_success_url(self, obj, result):
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

    form_class = MemberForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "audit": self.object, "user": self.request.user}

    def perform(self, audit, form):
        services.audit_member_add(user=self.request.user, audit=audit, **form.cleaned_data)


class MemberRemoveView(ActionView):
    model = AuditMember
    success_message = "已移出联审组。"

    def perform(self, member, form):
        services.audit_member_remove(user=self.request.user, member=member)

    def get_success_url(self, obj, result):
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
    table_class = FindingTable

    def get_base_queryset(self):
        return super().get_base_queryset().for_list()


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
        allowed = rectify_targets(user, f)
        form = RectifyForm(finding=f, allowed=allowed)
        ctx.update(
            steps=list(f.steps.select_related("by")),
            rectify_form=form if allowed and not f.audit.is_closed else None,
            can_edit=not f.audit.is_closed
            and f.state != RectState.VERIFIED
            and Finding.objects.restrict(user, "change").filter(pk=f.pk).exists(),
        )
        return ctx


def rectify_targets(user, finding: Finding) -> list[str]:
    """The states this user may move the finding to (team-only targets for the audit team)."""
    can_progress = services.can_report_progress(user, finding)
    is_team = services.is_team_member(user, finding.audit)
    return [
        s
        for s in rules.RECT_TRANSITIONS.get(finding.state, ())
        if (s in rules.TEAM_ONLY_TARGETS and is_team) or (s not in rules.TEAM_ONLY_TARGETS and can_progress)
    ]


class FindingRectifyView(ServiceFormView):
    """Change a finding's rectification state. Posted from the finding's page; an invalid form
    (no state chosen) is shown again with what was entered."""

    form_class = RectifyForm
    template_name = "audits/audit_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.finding = get_scoped_or_404(Finding.objects.for_list(), request.user, "view", pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "finding": self.finding,
            "allowed": rectify_targets(self.request.user, self.finding),
        }

    def perform(self, form):
        return services.finding_transition(
            user=self.request.user,
            finding=self.finding,
            to_state=form.cleaned_data["to_state"],
            note=form.cleaned_data["note"],
        )

    def get_success_message(self):
        return f"整改状态已变更为“{rules.RECT_LABELS[self.result.state]}”。"

    def get_success_url(self):
        return self.finding.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = f"变更整改状态：{self.finding}"
        ctx["back_url"] = self.finding.get_absolute_url()
        return ctx


class AuditHistoryView(HistoryView):
    model = Audit


class FindingHistoryView(HistoryView):
    model = Finding


# --- files --------------------------------------------------------------------------------------


class FileUploadView(ActionView):
    model = Audit
    action = "change"
    form_class = FileUploadForm
    success_message = "文件已上传。"

    def perform(self, audit, form):
        return services.audit_file_upload(
            user=self.request.user,
            audit=audit,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            uploaded_file=form.cleaned_data["file"],
        )

    def get_success_url(self, obj, result):
        return obj.get_absolute_url() + "#files"


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
    table_class = FileTable
    export_filename = "审计档案.xlsx"

    def get_base_queryset(self):
        return super().get_base_queryset().for_list()

    def get_table_kwargs(self):
        return {
            "my_shares": {
                s.file_id: s for s in AuditFileShare.objects.active().filter(officer=self.request.user)
            }
        }


class FileShareView(ServiceFormView):
    form_class = ShareForm
    template_name = "audits/audit_form.html"
    success_message = "已共享。到期后访问权限自动终止。"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

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


class ShareRevokeView(ActionView):
    """A share is reachable only through a file in scope (otherwise 404)."""

    model = AuditFileShare
    success_message = "已撤销共享。"

    def get_queryset(self):
        files = AuditFile.objects.restrict(self.request.user, "view")
        return AuditFileShare.objects.select_related("file__audit").filter(file__in=files)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def perform(self, share, form):
        services.audit_file_share_revoke(user=self.request.user, share=share)

    def get_success_url(self, obj, result):
        return obj.file.audit.get_absolute_url() + "#files"


# --- compliance lists and the yearly plan -----------------------------------------------------------


class ComplianceMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_org_perm(request.user, "view_audits"):
            raise PermissionDenied("您无权查看联审合规情况。")
        return super().dispatch(request, *args, **kwargs)

    def get_table_kwargs(self):
        return {"can_manage": has_org_perm(self.request.user, "manage_audits")}


class DeparturesView(ComplianceMixin, ComputedListView):
    template_name = "audits/compliance_departures.html"
    table_class = DeparturesTable
    export_filename = "离任未审计名单.xlsx"
    export_object_type = "audits.compliance"

    def get_rows(self):
        return selectors.departures_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            by_kind=selectors.departure_counts_by_org_kind(self.get_table_data()),
            can_manage=has_org_perm(self.request.user, "manage_audits"),
            lookback=policy.get("audits.departure_lookback_years"),
        )
        return ctx


class CycleView(ComplianceMixin, ComputedListView):
    """The cycle-due list, paged in the database: only the page's rows are built."""

    template_name = "audits/compliance_cycle.html"
    table_class = CycleTable
    export_filename = "轮审到期名单.xlsx"
    export_object_type = "audits.compliance"

    def show(self) -> str:
        return self.request.GET.get("show", "due")

    def counts(self) -> dict:
        if not hasattr(self, "_counts"):
            self.today, self.cp = timezone.localdate(), selectors.cycle_policy()
            self._counts = selectors.cycle_counts(user=self.request.user, today=self.today, cp=self.cp)
        return self._counts

    def get_rows(self):
        counts = self.counts()
        due_only = self.show() == "due"
        qs = selectors.cycle_queryset(
            user=self.request.user,
            today=self.today,
            show=selectors.CYCLE_DUE if due_only else selectors.CYCLE_WARN,
            cp=self.cp,
        )
        return PagedRows(
            qs,
            partial(selectors.build_cycle_rows, today=self.today, cp=self.cp),
            count=counts["n_due"] if due_only else counts["n_due"] + counts["n_soon"],
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            show=self.show(),
            **self.counts(),
            cycle_years=self.cp.years,
            can_manage=has_org_perm(self.request.user, "manage_audits"),
        )
        return ctx


class PlanView(ComputedListView):
    """The yearly audit plan: proposed from the cycle-due list and departures without audit;
    staff tick what to include (the proposal is editable) and create the planned audits.
    `?export=xlsx` exports the proposal."""

    template_name = "audits/plan.html"
    table_class = PlanProposalTable
    # One form per page: the ticked items of the page are planned, and drop out of the proposal.
    export_object_type = "audits.plan"

    def get_export_filename(self) -> str:
        return f"{self.year()}年联审计划建议.xlsx"

    def get_rows(self):
        return PagedRows(
            selectors.plan_proposal_queryset(user=self.request.user, year=self.year()),
            selectors.build_plan_items,
        )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_org_perm(request.user, "manage_audits"):
            raise PermissionDenied("您无权编制联审计划。")
        return super().dispatch(request, *args, **kwargs)

    def year(self):
        return params.page_year(self.request, self.request.GET.get("year") or self.request.POST.get("year"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = self.year()
        ctx.update(
            year=year,
            years=list(range(timezone.localdate().year - 1, timezone.localdate().year + 2)),
            items=ctx["rows"],
            planned=Audit.objects.restrict(self.request.user, "view").filter(year=year).for_list(),
            kind_labels=dict(AuditKind.choices),
            unit_suggestions=selectors.unit_suggestions(user=self.request.user, year=year),
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
        except (ValidationError, PermissionDenied) as exc:
            validation_messages(request, exc)
        else:
            messages.success(request, f"已将 {len(created)} 个项目列入 {year} 年联审计划。")
        return HttpResponseRedirect(f"{reverse('audits:plan')}?year={year}")
