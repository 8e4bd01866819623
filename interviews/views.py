"""Pages of the interviews app. Thin: they read through selectors/restrict() and write
through services."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from cadre_supervision import params
from cadre_supervision.accesslog import log_access
from cadre_supervision.models import AccessLog
from cadre_supervision.people import display_name
from cadre_supervision.permissions import get_scoped_or_404, has_org_perm, per_user, role_codes
from cadre_supervision.views import (
    ActionView,
    ComputedListView,
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
from .tables import (
    AssignmentTable,
    CoverageByInterviewerTable,
    CoverageByOrgTable,
    GapTable,
    RecordTable,
    RequiredTalkTable,
)


def _year(request) -> int:
    today = timezone.localdate()
    return params.page_year(request, request.GET.get("year"), default=today.year)


def is_supervisor(user) -> bool:
    """Supervisors by role, and anyone named in the assignment table (cached per request)."""
    if user.is_superuser or "supervisor" in role_codes(user):
        return True
    return per_user(
        user, "_interview_assignee", InterviewAssignment.objects.active().filter(user=user).exists
    )


def is_interviews_staff(user) -> bool:
    return user.is_superuser or has_org_perm(user, "view_interviews")


def can_see_records(user) -> bool:
    return (
        is_interviews_staff(user) or is_supervisor(user) or has_org_perm(user, "view_discipline_interviews")
    )


def _name(u) -> str:
    return display_name(u)


# --- supervisor -----------------------------------------------------------------------------------


def _without(query, key: str) -> str:
    query = query.copy()
    query.pop(key, None)
    return query.urlencode()


class MyTasksView(LoginRequiredMixin, TemplateView):
    template_name = "interviews/my_tasks.html"
    section_size = 50

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = _year(self.request)
        window = policies.current().due_soon_days
        qs = selectors.my_tasks_queryset(user=self.request.user, year=year, today=today, window=window)
        counts = selectors.my_task_counts(qs)
        sections = []
        for key, label in (
            (TalkStatus.OVERDUE, "已逾期"),
            (TalkStatus.DUE_SOON, f"即将到期（{window} 天内）"),
            (TalkStatus.PENDING, "未到期"),
            (TalkStatus.DONE, "已完成"),
        ):
            # Each section pages in the database (`?<status>_page=`), counted by `counts`.
            paginator = Paginator(qs.filter(status=key), self.section_size)
            paginator.count = counts[key]  # known: no COUNT query per section
            page = paginator.get_page(self.request.GET.get(f"{key}_page")) if counts[key] else None
            sections.append(
                {
                    "key": str(key),
                    "label": label,
                    "talks": page.object_list if page else [],
                    "count": counts[key],
                    "page": page,
                    "query": _without(self.request.GET, f"{key}_page"),
                }
            )
        ctx.update(
            year=year,
            years=range(today.year + 1, today.year - 5, -1),
            today=today,
            window=window,
            sections=sections,
            counts=counts,
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
    table_class = RecordTable

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
        ctx["today"] = timezone.localdate()
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
            task=self.task,
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


class RecordDeleteView(ActionView):
    model = InterviewRecord
    action = "change"
    success_message = "谈话记录已删除。"

    def perform(self, record, form):
        return services.record_delete(user=self.request.user, record=record) or True

    def get_success_url(self, obj, result):
        return reverse("interviews:record_list") if result else obj.get_absolute_url()


class RecordHistoryView(HistoryView):
    model = InterviewRecord


class _RecordPostView(ActionView):
    """POST-only actions on a record's detail page: errors come back as messages."""

    model = InterviewRecord
    action = "change"

    def get_success_url(self, obj, result):
        return obj.get_absolute_url()


class FollowUpAddView(_RecordPostView):
    form_class = FollowUpAddForm
    success_message = "后续措施已添加。"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, record, form):
        d = form.cleaned_data
        return services.follow_up_add(
            user=self.request.user,
            record=record,
            action=d["action"],
            owner_name=d["owner_name"],
            owner=d.get("owner"),
            due_date=d["due_date"],
        )


class AttachmentUploadView(_RecordPostView):
    success_message = "附件已上传。"

    def perform(self, record, form):
        return services.attachment_add(
            user=self.request.user, record=record, file=self.request.FILES.get("file")
        )


class FollowUpCompleteView(ActionView):
    queryset = FollowUp.objects.select_related("record")
    action = "change"
    form_class = FollowUpCompleteForm
    success_message = "后续措施已标记完成。"

    def perform(self, fu, form):
        services.follow_up_complete(
            user=self.request.user,
            follow_up=fu,
            done_on=form.cleaned_data["done_on"],
            result=form.cleaned_data["result"],
        )


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
    table_class = RequiredTalkTable

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


class RequiredTalkCancelView(ActionView):
    model = RequiredTalk
    action = "change"
    success_message = "专题谈话任务已取消。"

    def perform(self, talk, form):
        services.required_talk_cancel(
            user=self.request.user, talk=talk, reason=self.request.POST.get("reason", "")
        )


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


class CoverageView(ComputedListView):
    """Coverage per organization (the sortable, exported table) and per interviewer."""

    template_name = "interviews/coverage.html"
    table_class = CoverageByOrgTable
    export_object_type = "interviews.coverage"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            is_interviews_staff(request.user) or is_supervisor(request.user)
        ):
            raise PermissionDenied("您无权查看谈话覆盖率。")
        return super().dispatch(request, *args, **kwargs)

    def coverage_args(self) -> dict:
        if not hasattr(self, "_args"):
            data = self.request.GET.copy()
            data.setdefault("year", str(timezone.localdate().year))
            self.filter = CoverageFilter(data, queryset=RequiredTalk.objects.none())
            valid = self.filter.is_bound and self.filter.form.is_valid()
            cleaned = self.filter.form.cleaned_data if valid else {}
            today = timezone.localdate()
            self._args = {
                "user": self.request.user,
                "year": int(cleaned.get("year") or today.year),
                "today": today,
                "kind": cleaned.get("kind") or None,
                "org_kind": cleaned.get("org_kind") or None,
            }
        return self._args

    def get_rows(self):
        return selectors.coverage_by_organization(**self.coverage_args())

    def by_interviewer(self):
        if not hasattr(self, "_by_interviewer"):
            self._by_interviewer = selectors.coverage_by_interviewer(**self.coverage_args())
        return self._by_interviewer

    def get_table_kwargs(self):
        return {"year": self.coverage_args()["year"]}

    def get_export_filename(self):
        return f"谈话覆盖率{self.coverage_args()['year']}.xlsx"

    def get_export_tables(self, table):
        return [("按单位", table), ("按谈话人", CoverageByInterviewerTable(self.by_interviewer()))]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        args = self.coverage_args()
        ctx.update(
            filter=self.filter,
            year=args["year"],
            by_org=self.get_table_data(),
            by_interviewer=self.by_interviewer(),
            interviewer_table=CoverageByInterviewerTable(self.by_interviewer(), year=args["year"]),
            totals=selectors.coverage_totals(self.get_table_data()),
        )
        return ctx


class GapListView(ScopedListView):
    model = RequiredTalk
    template_name = "interviews/gap_list.html"
    export_filename = "未落实谈话人的干部.xlsx"
    table_class = GapTable

    def get_base_queryset(self):
        return selectors.gap_talks(user=self.request.user, year=_year(self.request))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["year"] = _year(self.request)
        return ctx


# --- the assignment table --------------------------------------------------------------------------


class AssignmentListView(ScopedListView):
    model = InterviewAssignment
    template_name = "interviews/assignment_list.html"
    filterset_class = InterviewAssignmentFilter
    export_filename = "谈话责任分工.xlsx"
    table_class = AssignmentTable

    def get_table_kwargs(self):
        user = self.request.user
        return {
            "request": self.request,
            "can_manage": user.is_superuser or has_org_perm(user, "manage_interviews"),
        }

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


class AssignmentDeactivateView(ActionView):
    model = InterviewAssignment
    action = "change"
    success_message = "该分工已停用，相关干部的谈话责任人已重新确定。"

    def perform(self, assignment, form):
        services.assignment_deactivate(user=self.request.user, assignment=assignment)

    def get_success_url(self, obj, result):
        return reverse("interviews:assignment_list")


class AssignmentHistoryView(HistoryView):
    model = InterviewAssignment
