"""Pages of the rotations app. Thin: scoped reads through selectors / restrict(), writes
through one service call each."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from cadre_supervision import params
from cadre_supervision.accesslog import log_access
from cadre_supervision.excel import xlsx_response
from cadre_supervision.history import history_for
from cadre_supervision.models import AccessLog
from cadre_supervision.permissions import get_scoped_or_404, has_org_perm, org_ids
from cadre_supervision.views import ScopedDetailView, ScopedListView, ServiceFormView
from cadres.models import Cadre

from . import forms, selectors, services
from .choices import AssignmentStatus, LeaveStatus, SecondLineRole, SecondLineStatus, Utilisation
from .filters import ExchangeFilter, LeaveFilter, RotationPlanFilter, SecondLineFilter
from .models import (
    Assignment,
    Exchange,
    LeaveRequest,
    Opening,
    PlanItem,
    RotationPlan,
    SecondLineRecord,
    headed_org_ids,
)


def _message_errors(request, exc):
    if isinstance(exc, ValidationError):
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.error(request, str(exc) or "您无权进行此操作。")


class ActionView(LoginRequiredMixin, View):
    """POST-only: one service call, a message, back to `next` (or the object's page)."""

    success_message = "已保存。"

    def act(self, request, **kwargs):  # pragma: no cover
        raise NotImplementedError

    def post(self, request, **kwargs):
        try:
            result = self.act(request, **kwargs)
        except (ValidationError, PermissionDenied) as exc:
            _message_errors(request, exc)
            result = None
        else:
            messages.success(request, self.success_message)
        nxt = request.POST.get("next") or ""
        if not nxt.startswith("/"):
            nxt = (
                getattr(result, "get_absolute_url", lambda: reverse("home"))() if result else reverse("home")
            )
        return HttpResponseRedirect(nxt)


class FormPage(ServiceFormView):
    template_name = "rotations/form.html"
    page_title = ""
    back_url_name = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if issubclass(self.form_class, forms.UserForm):
            kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["page_title"] = self.page_title
        ctx["back_url"] = reverse(self.back_url_name) if self.back_url_name else ""
        return ctx

    def get_success_url(self):
        return self.result.get_absolute_url()


# --- due list ----------------------------------------------------------------------------------

DUE_COLUMNS = [
    ("姓名", lambda i: i.cadre.name),
    ("单位", lambda i: i.organization.name),
    ("岗位", lambda i: i.post.title),
    ("连续任职起始", lambda i: i.run_start),
    ("任职年数", lambda i: i.years),
    ("触发规则", lambda i: i.rule_label),
    ("强制交流日期", lambda i: i.mandatory_date),
    ("状态", lambda i: i.state_label),
    ("已列入计划", lambda i: bool(i.plan_item)),
]


class DueListView(LoginRequiredMixin, TemplateView):
    template_name = "rotations/due_list.html"
    paginate_by = 50

    def filtered(self):
        form = forms.DueFilterForm(self.request.GET or None, user=self.request.user)
        items = selectors.due_items(user=self.request.user)
        if form.is_bound and form.is_valid():
            d = form.cleaned_data
            if d["q"]:
                items = [i for i in items if d["q"].strip() in i.cadre.name]
            if d["organization"]:
                items = [i for i in items if i.organization.path.startswith(d["organization"].path)]
            if d["rule"]:
                items = [i for i in items if any(f.rule == d["rule"] for f in i.findings)]
            if d["state"]:
                items = [i for i in items if i.state == d["state"]]
            if d["org_kind"]:
                items = [i for i in items if i.organization.kind == d["org_kind"]]
        return form, items

    def get(self, request, *args, **kwargs):
        form, items = self.filtered()
        if request.GET.get("export") == "xlsx":
            log_access(
                user=request.user,
                action=AccessLog.Action.EXPORT,
                object_type="rotations.due",
                object_repr="轮岗交流到期名单.xlsx",
                detail={"filters": request.GET.dict(), "rows": len(items)},
                request=request,
            )
            return xlsx_response(
                "轮岗交流到期名单.xlsx",
                [h for h, _f in DUE_COLUMNS],
                [[f(i) for _h, f in DUE_COLUMNS] for i in items],
            )
        page = Paginator(items, self.paginate_by).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        counts = {s: sum(1 for i in items if i.state == s) for s in ("overdue", "soon", "warning")}
        return self.render_to_response(
            self.get_context_data(
                filter_form=form,
                page_obj=page,
                items=page.object_list,
                paginator=page.paginator,
                is_paginated=page.paginator.num_pages > 1,
                querystring=query.urlencode(),
                counts=counts,
                year=timezone.localdate().year,
                can_manage=has_org_perm(request.user, "manage_rotations"),
            )
        )


class DueAddToPlanView(ActionView):
    success_message = "已列入年度轮岗交流计划。"

    def act(self, request):
        cadre = get_scoped_or_404(Cadre, request.user, "view", pk=request.POST.get("cadre"))
        items = [
            i
            for i in selectors.due_items(user=request.user, cadre_ids=[cadre.pk])
            if str(i.post.pk) == request.POST.get("post")
        ]
        if not items:
            raise ValidationError("该干部不在到期名单中。")
        item = items[0]
        year = params.parse_year(request.POST.get("year"), default=timezone.localdate().year)
        return services.plan_add_due(
            user=request.user, organization=item.organization, year=year, due_item=item
        )


class AvoidanceCreateView(FormPage):
    form_class = forms.AvoidanceForm
    page_title = "登记任职回避"
    back_url_name = "rotations:due_list"
    success_message = "已登记回避事项，该干部已列入到期名单。"

    def perform(self, form):
        return services.avoidance_raise(user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("rotations:due_list")


# --- exchanges -----------------------------------------------------------------------------------


class ExchangeListView(ScopedListView):
    model = Exchange
    template_name = "rotations/exchange_list.html"
    filterset_class = ExchangeFilter
    export_filename = "交流记录.xlsx"
    export_columns = [
        ("姓名", lambda e: e.cadre.name),
        ("交流类型", lambda e: e.get_kind_display()),
        ("交流原因", lambda e: e.get_reason_display()),
        ("原单位", lambda e: e.from_organization.name),
        ("原岗位", lambda e: e.from_post.title),
        ("新单位", lambda e: e.to_organization.name),
        ("新岗位", lambda e: e.to_post.title),
        ("批准日期", lambda e: e.approval_date),
        ("生效日期", lambda e: e.effective_date),
        ("挂职期满", lambda e: e.secondment_end),
        ("文号", lambda e: e.document_no),
    ]

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("cadre", "from_post", "to_post", "from_organization", "to_organization")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = has_org_perm(self.request.user, "manage_rotations")
        return ctx


class ExchangeCreateView(FormPage):
    form_class = forms.ExchangeForm
    page_title = "登记轮岗交流"
    back_url_name = "rotations:exchange_list"
    success_message = "交流已登记：原任职已结束，新任职已开始。"

    def get_initial(self):
        initial = {"approval_date": timezone.localdate(), "effective_date": timezone.localdate()}
        item_id = self.request.GET.get("item")
        if item_id:
            item = get_scoped_or_404(PlanItem, self.request.user, "change", pk=item_id)
            initial.update(
                cadre=item.cadre_id, plan_item=item.pk, kind=item.planned_kind or None, reason="tenure_limit"
            )
        elif self.request.GET.get("cadre"):
            initial["cadre"] = self.request.GET["cadre"]
        return initial

    def perform(self, form):
        data = dict(form.cleaned_data)
        item_id = data.pop("plan_item")
        item = get_scoped_or_404(PlanItem, self.request.user, "change", pk=item_id) if item_id else None
        return services.exchange_record(user=self.request.user, plan_item=item, **data)


class ExchangeDetailView(ScopedDetailView):
    model = Exchange
    template_name = "rotations/exchange_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "cadre",
                "from_post",
                "to_post",
                "from_organization",
                "to_organization",
                "from_appointment",
                "new_appointment",
            )
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["history"] = history_for(self.object)
        ctx["plan_item"] = PlanItem.objects.filter(exchange=self.object).select_related("plan").first()
        return ctx


class FiguresView(LoginRequiredMixin, TemplateView):
    template_name = "rotations/figures.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = Exchange.objects.restrict(self.request.user, "view")
        ctx["figures"] = selectors.exchange_figures(qs)
        return ctx


# --- plans ---------------------------------------------------------------------------------------


class PlanListView(ScopedListView):
    model = RotationPlan
    template_name = "rotations/plan_list.html"
    filterset_class = RotationPlanFilter
    export_filename = "轮岗交流执行情况.xlsx"

    def year(self) -> int:
        return params.page_year(self.request, self.request.GET.get("year"))

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            rows = selectors.execution_by_org(user=request.user, year=self.year())
            log_access(
                user=request.user,
                action=AccessLog.Action.EXPORT,
                object_type="rotations.execution",
                object_repr=self.export_filename,
                detail={"filters": request.GET.dict(), "rows": len(rows)},
                request=request,
            )
            return xlsx_response(
                self.export_filename,
                [
                    "排名",
                    "单位",
                    "计划人数",
                    "已交流",
                    "计划执行率(%)",
                    "年初应交流",
                    "已交流(应交流中)",
                    "到期交流率(%)",
                ],
                [
                    [n, r.organization.name, r.planned, r.done, r.plan_rate, r.due, r.rotated, r.due_rate]
                    for n, r in enumerate(rows, start=1)
                ],
            )
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("organization")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = self.year()
        rows = selectors.execution_by_org(user=self.request.user, year=year)
        ctx.update(
            year=year,
            ranking=rows,
            by_kind=selectors.execution_by_org_kind(rows),
            can_manage=has_org_perm(self.request.user, "manage_rotations"),
            can_export=True,
        )
        return ctx


class PlanCreateView(FormPage):
    form_class = forms.PlanForm
    page_title = "新建年度轮岗交流计划"
    back_url_name = "rotations:plan_list"
    success_message = "计划已创建。"

    def perform(self, form):
        return services.plan_create(user=self.request.user, **form.cleaned_data)


class PlanDetailView(ScopedDetailView):
    model = RotationPlan
    template_name = "rotations/plan_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        items = list(
            self.object.items.select_related(
                "cadre", "post", "post__organization", "exchange", "exchange__to_post__organization"
            )
        )
        can_manage = has_org_perm(self.request.user, "manage_rotations", self.object.organization_id)
        ctx.update(
            items=items,
            done=sum(1 for i in items if i.status == "done"),
            planned=sum(1 for i in items if i.status != "cancelled"),
            can_manage=can_manage,
            item_form=forms.PlanItemForm(user=self.request.user, plan=self.object) if can_manage else None,
            status_form=forms.PlanItemStatusForm(),
            history=history_for(self.object),
        )
        from .rules import execution_rate

        ctx["rate"] = execution_rate(ctx["done"], ctx["planned"])
        return ctx


class PlanItemAddView(ActionView):
    success_message = "已加入计划。"

    def act(self, request, pk):
        plan = get_scoped_or_404(RotationPlan, request.user, "change", pk=pk)
        form = forms.PlanItemForm(request.POST, user=request.user, plan=plan)
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        services.plan_item_add(user=request.user, plan=plan, **form.cleaned_data)
        return plan


class PlanItemStatusView(ActionView):
    success_message = "状态已更新。"

    def act(self, request, pk):
        item = get_scoped_or_404(PlanItem, request.user, "change", pk=pk)
        form = forms.PlanItemStatusForm(request.POST)
        if not form.is_valid():
            raise ValidationError("请选择状态。")
        return services.plan_item_update(user=request.user, item=item, **form.cleaned_data)


# --- second line ----------------------------------------------------------------------------------


def _roster_queryset(qs):
    return selectors.secondline_with_roles(
        qs.select_related("cadre", "cadre__organization", "former_post")
    ).order_by("cadre__organization__path", "cadre__name", "id")


class SecondLineRosterView(ScopedListView):
    model = SecondLineRecord
    template_name = "rotations/secondline_roster.html"
    filterset_class = SecondLineFilter
    export_filename = "二线干部名册.xlsx"
    export_columns = [
        ("姓名", lambda r: r.cadre.name),
        ("单位", lambda r: r.cadre.organization.name),
        ("原领导职务", lambda r: r.former_post.title if r.former_post else ""),
        ("退出领导岗位日期", lambda r: r.moved_on),
        ("改任职务", lambda r: r.non_leading_title),
        ("状态", lambda r: r.get_status_display()),
        ("使用情况", lambda r: str(Utilisation(selectors.utilisation_of(r)).label)),
        ("在岗工作", lambda r: "、".join(str(SecondLineRole(x).label) for x in r.confirmed_roles if x)),
        ("愿意承担工作", lambda r: r.willing_to_serve),
        ("意向岗位", lambda r: "、".join(str(SecondLineRole(x).label) for x in r.preferred_roles)),
    ]

    def get_base_queryset(self):
        return _roster_queryset(super().get_base_queryset())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        for r in ctx["object_list"]:
            r.utilisation = Utilisation(selectors.utilisation_of(r))
        base = SecondLineRecord.objects.restrict(self.request.user, "view")
        ctx["table"] = selectors.utilisation_table(base)
        user = self.request.user
        ctx["is_staff"] = has_org_perm(user, "manage_rotations")
        ctx["can_manage"] = has_org_perm(user, "manage_secondline")
        return ctx


class UtilisationView(LoginRequiredMixin, TemplateView):
    template_name = "rotations/utilisation.html"

    def get(self, request, *args, **kwargs):
        table = selectors.utilisation_table(SecondLineRecord.objects.restrict(request.user, "view"))
        if request.GET.get("export") == "xlsx":
            header = (
                ["单位"]
                + [label for _c, label in table["categories"]]
                + ["合计", "使用率(%)", "愿意承担工作", "意愿率(%)"]
            )
            rows = [
                [u["organization"].name, *u["cells"], u["n"], u["rate"], u["willing"], u["willing_rate"]]
                for u in table["units"]
            ]
            t = table["total"]
            rows.append(["合计", *t["cells"], t["n"], t["rate"], t["willing"], t["willing_rate"]])
            log_access(
                user=request.user,
                action=AccessLog.Action.EXPORT,
                object_type="rotations.utilisation",
                object_repr="二线干部使用情况.xlsx",
                detail={"rows": len(rows)},
                request=request,
            )
            return xlsx_response("二线干部使用情况.xlsx", header, rows)
        return self.render_to_response(self.get_context_data(table=table))


class SecondLineMoveView(FormPage):
    form_class = forms.SecondLineMoveForm
    page_title = "改任非领导职务（退二线）"
    back_url_name = "rotations:secondline_roster"
    success_message = "已改任非领导职务：领导职务已免去，状态已改为二线。"

    def perform(self, form):
        return services.secondline_move(user=self.request.user, **form.cleaned_data)


class SecondLineDetailView(ScopedDetailView):
    model = SecondLineRecord
    template_name = "rotations/secondline_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("cadre", "cadre__organization", "former_post")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r = self.object
        user = self.request.user
        org_id = r.cadre.organization_id
        ctx.update(
            utilisation=Utilisation(selectors.utilisation_of(r)),
            assignments=list(
                r.assignments.select_related("organization", "opening").prefetch_related("mentees")
            ),
            leaves=list(r.leave_requests.select_related("decided_by")),
            absences=list(r.absences.all()),
            assessments=list(r.assessments.all()),
            can_manage=has_org_perm(user, "manage_secondline", org_id),
            is_staff=selectors.is_org_staff(user, org_id),
            can_decide=selectors.is_org_staff(user, org_id) or org_id in headed_org_ids(user),
            today=timezone.localdate(),
            pref_form=forms.SecondLinePreferenceForm(
                initial={
                    "work_status": r.work_status,
                    "willing_to_serve": r.willing_to_serve,
                    "preferred_roles": r.preferred_roles,
                    "preference_note": r.preference_note,
                    "health_note": r.health_note,
                }
            ),
            assignment_form=forms.AssignmentForm(user=user, record=r),
            leave_form=forms.LeaveForm(),
            absence_form=forms.AbsenceForm(),
            assessment_form=forms.AssessmentForm(initial={"year": timezone.localdate().year - 1}),
            retire_form=forms.EarlyRetireForm(),
            history=history_for(r),
        )
        return ctx


def _record(request, pk, action="change"):
    return get_scoped_or_404(SecondLineRecord, request.user, action, pk=pk)


def _valid(form):
    if not form.is_valid():
        raise ValidationError(
            [
                f"{form.fields[f].label if f in form.fields else ''}：{e}"
                for f, errs in form.errors.items()
                for e in errs
            ]
        )
    return form.cleaned_data


class SecondLinePreferenceView(ActionView):
    success_message = "意向与在岗情况已更新。"

    def act(self, request, pk):
        record = _record(request, pk)
        return services.secondline_update(
            user=request.user, record=record, **_valid(forms.SecondLinePreferenceForm(request.POST))
        )


class AssignmentProposeView(ActionView):
    success_message = "已登记双向选择意向。"

    def act(self, request, pk):
        record = _record(request, pk)
        data = _valid(forms.AssignmentForm(request.POST, user=request.user, record=record))
        return services.assignment_propose(user=request.user, cadre=record.cadre, **data)


class AssignmentActionView(ActionView):
    def act(self, request, pk, action):
        a = get_scoped_or_404(Assignment, request.user, "view", pk=pk)
        today = timezone.localdate()
        if action == "confirm":
            self.success_message = "已确认工作安排。"
            return services.assignment_confirm(user=request.user, assignment=a)
        if action == "agree_cadre":
            return services.assignment_agree(user=request.user, assignment=a, cadre_agreed=True)
        if action == "agree_unit":
            return services.assignment_agree(user=request.user, assignment=a, unit_agreed=True)
        if action == "end":
            return services.assignment_end(user=request.user, assignment=a, end_date=today)
        if action == "decline":
            return services.assignment_end(user=request.user, assignment=a, end_date=today, declined=True)
        raise Http404


class LeaveCreateView(ActionView):
    success_message = "请假申请已提交，待单位主要负责人审批。"

    def act(self, request, pk):
        record = get_scoped_or_404(SecondLineRecord, request.user, "view", pk=pk)
        return services.leave_request_create(
            user=request.user, record=record, **_valid(forms.LeaveForm(request.POST))
        )


class LeaveActionView(ActionView):
    def act(self, request, pk, action):
        leave = get_scoped_or_404(LeaveRequest, request.user, "view", pk=pk)
        if action == "approve":
            self.success_message = "已批准请假。"
            return services.leave_decide(
                user=request.user, leave=leave, approve=True, note=request.POST.get("note", "")
            )
        if action == "reject":
            self.success_message = "已不予批准。"
            return services.leave_decide(
                user=request.user, leave=leave, approve=False, note=request.POST.get("note", "")
            )
        if action == "return":
            self.success_message = "已销假。"
            raw = request.POST.get("returned_on") or timezone.localdate().isoformat()
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                raise ValidationError("销假日期格式不正确。")
            return services.leave_return(user=request.user, leave=leave, returned_on=day)
        raise Http404


class AbsenceCreateView(ActionView):
    success_message = "已登记未请假缺勤。"

    def act(self, request, pk):
        record = _record(request, pk)
        return services.absence_record(
            user=request.user, record=record, **_valid(forms.AbsenceForm(request.POST))
        )


class AssessmentCreateView(ActionView):
    success_message = "年度考核已登记。"

    def act(self, request, pk):
        record = _record(request, pk, "view")
        return services.assessment_record(
            user=request.user, record=record, **_valid(forms.AssessmentForm(request.POST))
        )


class EarlyRetireView(ActionView):
    success_message = "已办理提前离岗退养。"

    def act(self, request, pk):
        record = _record(request, pk, "view")
        return services.secondline_early_retire(
            user=request.user, record=record, **_valid(forms.EarlyRetireForm(request.POST))
        )


class BoardView(LoginRequiredMixin, TemplateView):
    """Assignment board: openings with matching candidates (by preferred role), proposals
    waiting for confirmation, and willing cadres without work."""

    template_name = "rotations/board.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        openings = list(
            Opening.objects.restrict(user, "view").filter(is_open=True).select_related("organization")
        )
        records = list(
            selectors.secondline_with_roles(
                SecondLineRecord.objects.restrict(user, "view")
                .filter(status=SecondLineStatus.ACTIVE)
                .select_related("cadre", "cadre__organization")
            )
        )
        free = [r for r in records if not [x for x in r.confirmed_roles if x]]
        taken = {}
        for a in Assignment.objects.filter(
            opening__in=openings, status=AssignmentStatus.CONFIRMED
        ).values_list("opening_id", flat=True):
            taken[a] = taken.get(a, 0) + 1
        for o in openings:
            o.taken = taken.get(o.pk, 0)
            o.candidates = [r for r in free if o.role in r.preferred_roles][:8]
        proposals = list(
            Assignment.objects.restrict(user, "view")
            .filter(status=AssignmentStatus.PROPOSED)
            .select_related("record__cadre__organization", "organization", "opening")
        )
        ctx.update(
            openings=openings,
            proposals=proposals,
            willing_free=[r for r in free if r.willing_to_serve],
            opening_form=forms.OpeningForm(user=user),
            can_manage=has_org_perm(user, "manage_secondline"),
            is_staff=has_org_perm(user, "manage_rotations"),
        )
        return ctx


class OpeningCreateView(ActionView):
    success_message = "岗位需求已发布。"

    def act(self, request):
        data = _valid(forms.OpeningForm(request.POST, user=request.user))
        services.opening_create(user=request.user, **data)
        return None


class OpeningCloseView(ActionView):
    success_message = "岗位需求已关闭。"

    def act(self, request, pk):
        return services.opening_close(
            user=request.user, opening=get_scoped_or_404(Opening, request.user, "view", pk=pk)
        )


class LeaveListView(ScopedListView):
    """Leave requests: unit liaisons and unit heads see their unit's; staff see their scope.
    Unit heads approve here; overdue returns (逾期未销假) and absences are flagged."""

    model = LeaveRequest
    template_name = "rotations/leave_list.html"
    filterset_class = LeaveFilter
    export_filename = "二线干部请销假.xlsx"
    export_columns = [
        ("姓名", lambda lr: lr.record.cadre.name),
        ("单位", lambda lr: lr.record.cadre.organization.name),
        ("假别", lambda lr: lr.get_kind_display()),
        ("开始日期", lambda lr: lr.start_date),
        ("结束日期", lambda lr: lr.end_date),
        ("事由", lambda lr: lr.reason),
        ("状态", lambda lr: lr.get_status_display()),
        ("审批人", lambda lr: lr.decided_by.username if lr.decided_by else ""),
        ("销假日期", lambda lr: lr.returned_on),
    ]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("record__cadre__organization", "decided_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        heads = headed_org_ids(user)
        staff_orgs = (
            org_ids(user, "manage_secondline")
            if "org_staff" in selectors.role_codes(user) or user.is_superuser
            else frozenset()
        )
        for lr in ctx["object_list"]:
            org_id = lr.record.cadre.organization_id
            lr.can_decide = lr.status == LeaveStatus.PENDING and (
                user.is_superuser or org_id in heads or org_id in staff_orgs
            )
            lr.overdue = lr.status == LeaveStatus.APPROVED and lr.returned_on is None and lr.end_date < today
        from .models import Absence

        ctx["absences"] = list(
            Absence.objects.restrict(user, "view").select_related("record__cadre__organization")[:20]
        )
        ctx["today"] = today
        return ctx
