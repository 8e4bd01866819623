"""Pages of the interviews app. Thin: they read through selectors/restrict() and write
through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from cadre_supervision import params
from cadre_supervision.accesslog import log_access
from cadre_supervision.excel import xlsx_multi_response
from cadre_supervision.models import AccessLog
from cadre_supervision.permissions import get_scoped_or_404, has_org_perm, role_codes
from cadre_supervision.views import (
    HistoryView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
)

from . import policies, selectors, services
from .choices import InterviewKind, TalkStatus
from .filters import (
    CoverageFilter,
    InterviewAssignmentFilter,
    InterviewRecordFilter,
    RequiredTalkFilter,
)
from .forms import (
    AssignmentForm,
    AttachmentForm,
    CancelForm,
    FollowUpAddForm,
    FollowUpCompleteForm,
    FollowUpFormSet,
    RecordForm,
    SpecialTalkForm,
)
from .models import FollowUp, InterviewAssignment, InterviewAttachment, InterviewRecord, RequiredTalk


def _year(request) -> int:
    today = timezone.localdate()
    return params.page_year(request, request.GET.get("year"), default=today.year)


def is_supervisor(user) -> bool:
    """Supervisors by role, and anyone named in the assignment table (cached per request)."""
    if user.is_superuser or "supervisor" in role_codes(user):
        return True
    cache = user.__dict__.setdefault("_cs_scope_cache", {})
    if "_interview_assignee" not in cache:
        cache["_interview_assignee"] = InterviewAssignment.objects.active().filter(user=user).exists()
    return cache["_interview_assignee"]


def is_interviews_staff(user) -> bool:
    return user.is_superuser or has_org_perm(user, "view_interviews")


def can_see_records(user) -> bool:
    return (
        is_interviews_staff(user) or is_supervisor(user) or has_org_perm(user, "view_discipline_interviews")
    )


def _name(u) -> str:
    return (u.get_full_name() or u.get_username()) if u else ""


# --- supervisor -----------------------------------------------------------------------------------


class MyTasksView(LoginRequiredMixin, TemplateView):
    template_name = "interviews/my_tasks.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = _year(self.request)
        window = policies.current().due_soon_days
        groups = selectors.my_tasks(user=self.request.user, year=year, today=today, window=window)
        ctx.update(
            year=year,
            years=range(today.year + 1, today.year - 5, -1),
            today=today,
            window=window,
            sections=[
                ("overdue", "已逾期", groups[TalkStatus.OVERDUE]),
                ("due_soon", f"即将到期（{window} 天内）", groups[TalkStatus.DUE_SOON]),
                ("pending", "未到期", groups[TalkStatus.PENDING]),
                ("done", "已完成", groups[TalkStatus.DONE]),
            ],
            counts={k: len(v) for k, v in groups.items()},
            assignments=InterviewAssignment.objects.active()
            .filter(user=self.request.user)
            .select_related("organization"),
        )
        return ctx


# --- records --------------------------------------------------------------------------------------


class RecordListView(ScopedListView):
    model = InterviewRecord
    template_name = "interviews/record_list.html"
    filterset_class = InterviewRecordFilter
    export_filename = "谈话记录.xlsx"
    export_columns = (
        ("谈话日期", lambda r: r.date),
        ("谈话类型", lambda r: r.get_kind_display()),
        ("专题事由", lambda r: r.get_trigger_display() if r.trigger else ""),
        ("谈话对象", lambda r: r.interviewee.name),
        ("单位", lambda r: r.interviewee.organization.name),
        ("谈话人", lambda r: r.interviewer_names),
        ("谈话地点", lambda r: r.place),
        ("谈话主题", lambda r: r.topics),
    )

    def get_base_queryset(self):
        return super().get_base_queryset().for_list()


class RecordDetailView(ScopedDetailView):
    model = InterviewRecord
    template_name = "interviews/record_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("interviewee", "interviewee__organization", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r = self.object
        log_access(
            user=self.request.user,
            action=AccessLog.Action.VIEW_INTERVIEW,
            obj=r,
            detail={"what": "view_interview_record", "kind": r.kind},
            request=self.request,
        )
        can_edit = InterviewRecord.objects.restrict(self.request.user, "change").filter(pk=r.pk).exists()
        today = timezone.localdate()
        ctx.update(
            participants=[p.user for p in r.participants.select_related("user")],
            follow_ups=list(r.follow_ups.select_related("owner")),
            attachments=list(r.attachments.all()),
            fulfils=RequiredTalk.objects.filter(fulfilled_by=r).first(),
            can_edit=can_edit,
            today=today,
            follow_up_form=FollowUpAddForm(user=self.request.user) if can_edit else None,
            attachment_form=AttachmentForm() if can_edit else None,
            complete_form=FollowUpCompleteForm(),
        )
        return ctx


class RecordFormMixin:
    template_name = "interviews/record_form.html"
    form_class = RecordForm
    editing = False

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs["editing"] = self.editing
        return kwargs

    def get_formset(self):
        if self.request.method == "POST":
            return FollowUpFormSet(self.request.POST, prefix="fu")
        return FollowUpFormSet(prefix="fu")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("formset", self._formset if hasattr(self, "_formset") else self.get_formset())
        ctx["editing"] = self.editing
        ctx["max_mb"] = policies.current().attachment_max_mb
        return ctx


class RecordCreateView(RecordFormMixin, ServiceFormView):
    success_message = "谈话记录已登记。"

    def dispatch(self, request, *args, **kwargs):
        self.task = None
        task_id = request.GET.get("task") or request.POST.get("task")
        if request.user.is_authenticated and task_id and str(task_id).isdigit():
            self.task = get_scoped_or_404(
                RequiredTalk.objects.select_related("cadre", "cadre__organization"),
                request.user,
                "view",
                pk=int(task_id),
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = {"date": timezone.localdate(), "interviewers": [self.request.user.pk]}
        if self.task is not None:
            initial.update(interviewee=self.task.cadre_id, kind=self.task.kind, trigger=self.task.trigger)
        else:
            if (c := self.request.GET.get("cadre")) and c.isdigit():
                initial["interviewee"] = int(c)
            if (k := self.request.GET.get("kind")) in InterviewKind.values:
                initial["kind"] = k
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["task"] = self.task
        return ctx

    def form_valid(self, form):
        self._formset = self.get_formset()
        if not self._formset.is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def perform(self, form):
        d = form.cleaned_data
        follow_ups = [item for f in self._formset.forms if (item := f.as_item())]
        files = self.request.FILES.getlist("attachments")
        return services.record_create(
            user=self.request.user,
            interviewee=d["interviewee"],
            interviewers=list(d["interviewers"]),
            kind=d["kind"],
            trigger=d.get("trigger") or "",
            date=d["date"],
            place=d.get("place") or "",
            topics=d.get("topics") or "",
            summary=d["summary"],
            stated_issues=d.get("stated_issues") or "",
            reply=d.get("reply") or "",
            reply_date=d.get("reply_date"),
            follow_ups=follow_ups,
            attachments=files,
        )

    def get_success_url(self):
        if self.task is not None and self.task.responsible_id == self.request.user.pk:
            return reverse("interviews:my_tasks") + f"?year={self.task.year}"
        return self.result.get_absolute_url()


class RecordUpdateView(RecordFormMixin, ServiceFormView):
    editing = True
    success_message = "谈话记录已修改。"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.record = get_scoped_or_404(
                InterviewRecord.objects.select_related("interviewee"), request.user, "change", pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        r = self.record
        return {
            "kind": r.kind,
            "trigger": r.trigger,
            "date": r.date,
            "place": r.place,
            "interviewers": list(r.participants.values_list("user_id", flat=True)),
            "topics": r.topics,
            "summary": r.summary,
            "stated_issues": r.stated_issues,
            "reply": r.reply,
            "reply_date": r.reply_date,
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["record"] = self.record
        return ctx

    def perform(self, form):
        d = dict(form.cleaned_data)
        interviewers = list(d.pop("interviewers"))
        return services.record_update(
            user=self.request.user, record=self.record, interviewers=interviewers, **d
        )

    def get_success_url(self):
        return self.record.get_absolute_url()


class RecordDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        record = get_scoped_or_404(InterviewRecord, request.user, "change", pk=pk)
        try:
            services.record_delete(user=request.user, record=record)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(record.get_absolute_url())
        messages.success(request, "谈话记录已删除。")
        return HttpResponseRedirect(reverse("interviews:record_list"))


class RecordHistoryView(HistoryView):
    model = InterviewRecord


class _RecordPostView(LoginRequiredMixin, View):
    """POST-only actions on a record's detail page: errors come back as messages."""

    def post(self, request, pk):
        self.record = get_scoped_or_404(InterviewRecord, request.user, "change", pk=pk)
        try:
            self.act(request)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or "您无权进行此操作。")
        return HttpResponseRedirect(self.record.get_absolute_url())


class FollowUpAddView(_RecordPostView):
    def act(self, request):
        form = FollowUpAddForm(request.POST, user=request.user)
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        d = form.cleaned_data
        services.follow_up_add(
            user=request.user,
            record=self.record,
            action=d["action"],
            owner_name=d["owner_name"],
            owner=d.get("owner"),
            due_date=d["due_date"],
        )
        messages.success(request, "后续措施已添加。")


class AttachmentUploadView(_RecordPostView):
    def act(self, request):
        f = request.FILES.get("file")
        services.attachment_add(user=request.user, record=self.record, file=f)
        messages.success(request, "附件已上传。")


class FollowUpCompleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        fu = get_scoped_or_404(FollowUp.objects.select_related("record"), request.user, "change", pk=pk)
        form = FollowUpCompleteForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([e for errs in form.errors.values() for e in errs])
            services.follow_up_complete(
                user=request.user,
                follow_up=fu,
                done_on=form.cleaned_data["done_on"],
                result=form.cleaned_data["result"],
            )
            messages.success(request, "后续措施已标记完成。")
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return HttpResponseRedirect(fu.get_absolute_url())


class AttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        att = get_scoped_or_404(
            InterviewAttachment.objects.select_related("record"), request.user, "view", pk=pk
        )
        try:
            handle = att.file.open("rb")
        except FileNotFoundError:
            raise Http404("附件文件不存在")
        log_access(user=request.user, action=AccessLog.Action.DOWNLOAD_FILE, obj=att, request=request)
        return FileResponse(handle, as_attachment=True, filename=att.name)


# --- required talks (staff) ---------------------------------------------------------------------


def _talk_status_label(t) -> str:
    return str(TalkStatus(getattr(t, "status", TalkStatus.PENDING)).label)


class RequiredTalkListView(ScopedListView):
    model = RequiredTalk
    template_name = "interviews/required_list.html"
    filterset_class = RequiredTalkFilter
    export_filename = "应谈话任务.xlsx"
    export_columns = (
        ("年度", lambda t: t.year),
        ("谈话对象", lambda t: t.cadre.name),
        ("单位", lambda t: t.cadre.organization.name),
        ("对象类别", lambda t: t.get_category_display()),
        ("任务", lambda t: t.title),
        ("应谈日期", lambda t: t.due_date),
        ("谈话人类别", lambda t: t.get_interviewer_role_display()),
        ("谈话责任人", lambda t: _name(t.responsible) or "（未落实）"),
        ("状态", _talk_status_label),
        ("完成日期", lambda t: t.done_on),
    )

    def get_base_queryset(self):
        today = timezone.localdate()
        return (
            super()
            .get_base_queryset()
            .with_status(today, policies.current().due_soon_days)
            .select_related(*selectors.TALK_LIST_RELATED)
            .order_by("due_date", "cadre__organization__path", "cadre__name", "id")
        )

    def get_queryset(self):
        qs = super().get_queryset()
        if not self.request.GET.get("year") and not self.request.GET.get("status"):
            qs = qs.filter(year=timezone.localdate().year)
        return qs


class RequiredTalkDetailView(ScopedDetailView):
    model = RequiredTalk
    template_name = "interviews/required_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .with_status(timezone.localdate(), policies.current().due_soon_days)
            .select_related(*selectors.TALK_LIST_RELATED)
        )

    def get_context_data(self, **kwargs):
        from cadre_supervision.history import history_for

        ctx = super().get_context_data(**kwargs)
        t = self.object
        ctx["record_visible"] = bool(
            t.fulfilled_by_id
            and InterviewRecord.objects.restrict(self.request.user, "view")
            .filter(pk=t.fulfilled_by_id)
            .exists()
        )
        ctx["can_cancel"] = (
            t.kind == InterviewKind.SPECIAL_TOPIC
            and t.done_on is None
            and t.cancelled_at is None
            and RequiredTalk.objects.restrict(self.request.user, "change").filter(pk=t.pk).exists()
        )
        ctx["cancel_form"] = CancelForm()
        ctx["history"] = history_for(t)
        ctx["gap_reason"] = selectors.gap_reason(t) if not t.responsible_id else ""
        return ctx


class RequiredTalkCancelView(LoginRequiredMixin, View):
    def post(self, request, pk):
        talk = get_scoped_or_404(RequiredTalk, request.user, "change", pk=pk)
        try:
            services.required_talk_cancel(user=request.user, talk=talk, reason=request.POST.get("reason", ""))
            messages.success(request, "专题谈话任务已取消。")
        except (ValidationError, PermissionDenied) as exc:
            for m in getattr(exc, "messages", [str(exc)]):
                messages.error(request, m)
        return HttpResponseRedirect(talk.get_absolute_url())


class SpecialTalkCreateView(ServiceFormView):
    template_name = "interviews/special_form.html"
    form_class = SpecialTalkForm
    success_message = "专题谈话任务已发起，谈话责任人将收到通知。"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def get_initial(self):
        c = self.request.GET.get("cadre")
        return {"cadre": int(c)} if c and c.isdigit() else {}

    def perform(self, form):
        d = form.cleaned_data
        talk = services.special_talk_raise(
            user=self.request.user,
            cadre=d["cadre"],
            trigger=d["trigger"],
            trigger_date=d["trigger_date"],
            note=d.get("note") or "",
        )
        if talk is None:
            raise ValidationError({"cadre": "该干部无需专题谈话。"})
        return talk

    def get_success_url(self):
        return self.result.get_absolute_url()


# --- coverage and gaps (staff) --------------------------------------------------------------------


class CoverageView(LoginRequiredMixin, TemplateView):
    template_name = "interviews/coverage.html"

    def get(self, request, *args, **kwargs):
        if not is_interviews_staff(request.user) and not is_supervisor(request.user):
            raise PermissionDenied("您无权查看谈话覆盖率。")
        data = request.GET.copy()
        data.setdefault("year", str(timezone.localdate().year))
        self.filter = CoverageFilter(data, queryset=RequiredTalk.objects.none())
        data = self.filter.form.cleaned_data if self.filter.is_bound and self.filter.form.is_valid() else {}
        today = timezone.localdate()
        self.args_ = {
            "user": request.user,
            "year": int(data.get("year") or today.year),
            "today": today,
            "kind": data.get("kind") or None,
            "org_kind": data.get("org_kind") or None,
        }
        self.by_org = selectors.coverage_by_organization(**self.args_)
        self.by_interviewer = selectors.coverage_by_interviewer(**self.args_)
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        log_access(
            user=self.request.user,
            action=AccessLog.Action.EXPORT,
            object_type="interviews.coverage",
            object_repr="谈话覆盖率.xlsx",
            detail={"filters": self.request.GET.dict()},
            request=self.request,
        )
        org_rows = [
            [
                r["organization"],
                r["org_kind_label"],
                r["cadres"],
                r["required"],
                r["done"],
                r["overdue"],
                r["rate"],
            ]
            for r in self.by_org
        ]
        int_rows = [
            [
                r["interviewer"],
                r["role_label"],
                r["cadres"],
                r["required"],
                r["done"],
                r["overdue"],
                r["rate"],
            ]
            for r in self.by_interviewer
        ]
        head = ["干部人数", "应谈次数", "已谈次数", "逾期次数", "覆盖率（%）"]
        return xlsx_multi_response(
            f"谈话覆盖率{self.args_['year']}.xlsx",
            [
                ("按单位", ["单位", "单位类型", *head], org_rows),
                ("按谈话人", ["谈话人", "谈话人类别", *head], int_rows),
            ],
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("export", None)
        ctx.update(
            filter=self.filter,
            can_export=True,
            year=self.args_["year"],
            by_org=self.by_org,
            by_interviewer=self.by_interviewer,
            totals=selectors.coverage_totals(self.by_org),
            querystring=query.urlencode(),
        )
        return ctx


class GapListView(ScopedListView):
    model = RequiredTalk
    template_name = "interviews/gap_list.html"
    export_filename = "未落实谈话人的干部.xlsx"
    export_columns = (
        ("谈话对象", lambda t: t.cadre.name),
        ("单位", lambda t: t.cadre.organization.name),
        ("对象类别", lambda t: t.get_category_display()),
        ("应由", lambda t: t.get_interviewer_role_display() or "（无法确定）"),
        ("原因", selectors.gap_reason),
    )

    def get_base_queryset(self):
        return selectors.gap_talks(user=self.request.user, year=_year(self.request))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["year"] = _year(self.request)
        ctx["rows"] = [(t, selectors.gap_reason(t)) for t in ctx["object_list"]]
        return ctx


# --- the assignment table --------------------------------------------------------------------------


class AssignmentListView(ScopedListView):
    model = InterviewAssignment
    template_name = "interviews/assignment_list.html"
    filterset_class = InterviewAssignmentFilter
    export_filename = "谈话责任分工.xlsx"
    export_columns = (
        ("谈话人类别", lambda a: a.get_role_display()),
        ("谈话人", lambda a: _name(a.user)),
        ("负责单位", lambda a: a.organization.name),
        ("条线", lambda a: a.get_line_role_display() if a.line_role else ""),
        ("有效", lambda a: a.is_active),
        ("备注", lambda a: a.note),
    )

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "organization")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = self.request.user.is_superuser or has_org_perm(
            self.request.user, "manage_interviews"
        )
        return ctx


class AssignmentCreateView(ServiceFormView):
    template_name = "interviews/assignment_form.html"
    form_class = AssignmentForm
    success_message = "谈话责任分工已保存，相关干部的谈话责任人已更新。"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            request.user.is_superuser or has_org_perm(request.user, "manage_interviews")
        ):
            raise PermissionDenied("您无权维护谈话责任分工。")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return services.assignment_create(
            user=self.request.user,
            role=d["role"],
            interviewer=d["interviewer"],
            organization=d["organization"],
            line_role=d.get("line_role") or "",
            note=d.get("note") or "",
        )

    def get_success_url(self):
        return reverse("interviews:assignment_list")


class AssignmentUpdateView(AssignmentCreateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.assignment = get_scoped_or_404(
                InterviewAssignment.objects.select_related("user", "organization"),
                request.user,
                "change",
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        a = self.assignment
        return {
            "role": a.role,
            "interviewer": a.user_id,
            "organization": a.organization_id,
            "line_role": a.line_role,
            "note": a.note,
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["assignment"] = self.assignment
        return ctx

    def perform(self, form):
        d = form.cleaned_data
        return services.assignment_update(
            user=self.request.user,
            assignment=self.assignment,
            role=d["role"],
            interviewer=d["interviewer"],
            organization=d["organization"],
            line_role=d.get("line_role") or "",
            note=d.get("note") or "",
        )


class AssignmentDeactivateView(LoginRequiredMixin, View):
    def post(self, request, pk):
        a = get_scoped_or_404(InterviewAssignment, request.user, "change", pk=pk)
        try:
            services.assignment_deactivate(user=request.user, assignment=a)
            messages.success(request, "该分工已停用，相关干部的谈话责任人已重新确定。")
        except (ValidationError, PermissionDenied) as exc:
            for m in getattr(exc, "messages", [str(exc)]):
                messages.error(request, m)
        return HttpResponseRedirect(reverse("interviews:assignment_list"))


class AssignmentHistoryView(HistoryView):
    model = InterviewAssignment
