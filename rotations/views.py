"""Pages of the rotations app. Thin: scoped reads through selectors / restrict(), writes
through one service call each."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from cadre_supervision import params
from cadre_supervision.filters import with_page_year
from cadre_supervision.history import history_for
from cadre_supervision.permissions import get_scoped_or_404, has_org_perm
from cadre_supervision.redirects import safe_next
from cadre_supervision.views import (
    ActionView,
    ComputedListView,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
)
from cadres import selectors as cadre_selectors
from cadres.models import Cadre

from . import forms, selectors, services
from .choices import AssignmentStatus, LeaveStatus, SecondLineStatus, Utilisation
from .filters import ExchangeFilter, LeaveFilter, RotationPlanFilter, SecondLineFilter
from .models import (
    Assignment,
    Exchange,
    LeaveRequest,
    Opening,
    PlanItem,
    RotationPlan,
    SecondLineRecord,
)
from .tables import (
    DueTable,
    ExchangeTable,
    ExecutionTable,
    FiguresTable,
    LeaveTable,
    PlanTable,
    SecondLineTable,
    UtilisationTable,
)


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
        ctx["next"] = safe_next(self.request, "") if self.request.POST.get("next") else ""
        return ctx

    def get_success_url(self):
        return self.result.get_absolute_url()


class ObjectFormPage(FormPage):
    """A form about one scoped object (posted from its page): the object is looked up through
    restrict()/404 before the body is read; an invalid form is shown again, bound, on its own
    page; success goes back to a safe `next` or the object's page."""

    model = SecondLineRecord
    action = "change"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = get_scoped_or_404(self.model, request.user, self.action, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["page_title"] = f"{self.page_title}：{self.object}"
        ctx["back_url"] = self.object.get_absolute_url()
        return ctx

    def get_success_url(self):
        return safe_next(self.request, self.object.get_absolute_url())


# --- due list ----------------------------------------------------------------------------------


class DueListView(ComputedListView):
    template_name = "rotations/due_list.html"
    table_class = DueTable
    filter_form_class = forms.DueFilterForm
    export_filename = "轮岗交流到期名单.xlsx"
    export_object_type = "rotations.due"

    def get_filter_form_kwargs(self):
        return {**super().get_filter_form_kwargs(), "user": self.request.user}

    def get_table_kwargs(self):
        return {
            "request": self.request,
            "year": timezone.localdate().year,
            "can_manage": has_org_perm(self.request.user, "manage_rotations"),
        }

    def all_items(self):
        if not hasattr(self, "_all_items"):
            self._all_items = selectors.due_items(user=self.request.user)
        return self._all_items

    def get_rows(self):
        items = self.all_items()
        d = self.filters()
        if d.get("q"):
            items = [i for i in items if d["q"].strip() in i.cadre.name]
        if d.get("organization"):
            items = [i for i in items if i.organization.path.startswith(d["organization"].path)]
        if d.get("rule"):
            items = [i for i in items if any(f.rule == d["rule"] for f in i.findings)]
        if d.get("state"):
            items = [i for i in items if i.state == d["state"]]
        if d.get("org_kind"):
            items = [i for i in items if i.organization.kind == d["org_kind"]]
        return items

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        items = self.get_table_data()
        ctx["counts"] = {s: sum(1 for i in items if i.state == s) for s in ("overdue", "soon", "warning")}
        ctx["can_manage"] = has_org_perm(self.request.user, "manage_rotations")
        return ctx


class DueAddToPlanView(ActionView):
    success_message = "已列入年度轮岗交流计划。"

    def perform(self, obj, form):
        request = self.request
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
    table_class = ExchangeTable

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


class FiguresView(ComputedListView):
    """Essay 1's figures; the kind-by-year table is exported by `?export=xlsx`."""

    template_name = "rotations/figures.html"
    table_class = FiguresTable
    paginate_by = 100
    export_filename = "轮岗交流统计.xlsx"
    export_object_type = "rotations.exchange_figures"

    def figures(self) -> dict:
        if not hasattr(self, "_figures"):
            self._figures = selectors.exchange_figures(Exchange.objects.restrict(self.request.user, "view"))
        return self._figures

    def get_rows(self):
        f = self.figures()
        return [
            *f["kinds"],
            {"kind": "", "label": "合计", "by_year": f["totals_by_year"], "total": f["total"]},
        ]

    def get_table_kwargs(self):
        return {"years": self.figures()["years"]}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["figures"] = self.figures()
        return ctx


# --- plans ---------------------------------------------------------------------------------------


class PlanListView(ComputedListView):
    """The year's execution ranking per unit (the exported table) and the year's plans."""

    template_name = "rotations/plan_list.html"
    table_class = ExecutionTable
    export_filename = "轮岗交流执行情况.xlsx"
    export_object_type = "rotations.execution"

    def year(self) -> int:
        return params.page_year(self.request, self.request.GET.get("year"))

    def get_rows(self):
        rows = selectors.execution_by_org(user=self.request.user, year=self.year())
        for n, r in enumerate(rows, start=1):
            r.rank = n
        return rows

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        plans = RotationPlanFilter(
            with_page_year(self.request.GET, self.year()),
            queryset=RotationPlan.objects.restrict(user, "view").select_related("organization"),
            request=self.request,
        )
        ctx.update(
            year=self.year(),
            filter=plans,
            by_kind=selectors.execution_by_org_kind(self.get_table_data()),
            plans_table=PlanTable(plans.qs if plans.is_bound else plans.queryset),
            can_manage=has_org_perm(user, "manage_rotations"),
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


class PlanItemAddView(ObjectFormPage):
    model = RotationPlan
    form_class = forms.PlanItemForm
    page_title = "加入人选"
    success_message = "已加入计划。"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.object}

    def perform(self, form):
        return services.plan_item_add(user=self.request.user, plan=self.object, **form.cleaned_data)


class PlanItemStatusView(ActionView):
    model = PlanItem
    action = "change"
    form_class = forms.PlanItemStatusForm
    success_message = "状态已更新。"

    def perform(self, item, form):
        return services.plan_item_update(user=self.request.user, item=item, **form.cleaned_data)


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
    table_class = SecondLineTable

    def get_base_queryset(self):
        return _roster_queryset(super().get_base_queryset())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        base = SecondLineRecord.objects.restrict(self.request.user, "view")
        ctx["util"] = selectors.utilisation_table(base)
        user = self.request.user
        ctx["is_staff"] = has_org_perm(user, "manage_rotations")
        ctx["can_manage"] = has_org_perm(user, "manage_secondline")
        return ctx


class UtilisationView(ComputedListView):
    template_name = "rotations/utilisation.html"
    table_class = UtilisationTable
    export_filename = "二线干部使用情况.xlsx"
    export_object_type = "rotations.utilisation"

    def util(self):
        if not hasattr(self, "_util"):
            self._util = selectors.utilisation_table(
                SecondLineRecord.objects.restrict(self.request.user, "view")
            )
        return self._util

    def get_table_kwargs(self):
        return {"categories": self.util()["categories"]}

    def get_rows(self):
        util = self.util()
        codes = [c for c, _label in util["categories"]]

        def row(name, u):
            cells = {f"cat_{c}": n for c, n in zip(codes, u["cells"], strict=True)}
            return {
                "organization": name,
                **cells,
                **{k: u[k] for k in ("n", "rate", "willing", "willing_rate")},
            }

        return [row(u["organization"].name, u) for u in util["units"]] + [row("合计", util["total"])]


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
            assessments=list(
                cadre_selectors.cadre_assessments(user=user, cadre=r.cadre, since=r.moved_on.year)
            ),
            can_manage=has_org_perm(user, "manage_secondline", org_id),
            is_staff=selectors.is_org_staff(user, org_id),
            can_decide=selectors.may_decide_leave(user, org_id),
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


class SecondLinePreferenceView(ObjectFormPage):
    form_class = forms.SecondLinePreferenceForm
    page_title = "意向与在岗情况"
    success_message = "意向与在岗情况已更新。"

    def perform(self, form):
        return services.secondline_update(user=self.request.user, record=self.object, **form.cleaned_data)


class AssignmentProposeView(ObjectFormPage):
    form_class = forms.AssignmentForm
    page_title = "登记双向选择意向"
    success_message = "已登记双向选择意向。"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "record": self.object}

    def perform(self, form):
        return services.assignment_propose(
            user=self.request.user, cadre=self.object.cadre, **form.cleaned_data
        )


class AssignmentActionView(ActionView):
    model = Assignment

    MESSAGES = {"confirm": "已确认工作安排。"}

    def perform(self, a, form):
        user, action, today = self.request.user, self.kwargs["action"], timezone.localdate()
        if action == "confirm":
            return services.assignment_confirm(user=user, assignment=a)
        if action == "agree_cadre":
            return services.assignment_agree(user=user, assignment=a, cadre_agreed=True)
        if action == "agree_unit":
            return services.assignment_agree(user=user, assignment=a, unit_agreed=True)
        if action == "end":
            return services.assignment_end(user=user, assignment=a, end_date=today)
        if action == "decline":
            return services.assignment_end(user=user, assignment=a, end_date=today, declined=True)
        raise Http404

    def get_success_message(self, obj, result):
        return self.MESSAGES.get(self.kwargs["action"], self.success_message)


class LeaveCreateView(ObjectFormPage):
    action = "view"
    form_class = forms.LeaveForm
    page_title = "登记请假"
    success_message = "请假申请已提交，待单位主要负责人审批。"

    def perform(self, form):
        return services.leave_request_create(user=self.request.user, record=self.object, **form.cleaned_data)


class LeaveActionView(ActionView):
    model = LeaveRequest

    MESSAGES = {"approve": "已批准请假。", "reject": "已不予批准。", "return": "已销假。"}

    def perform(self, leave, form):
        user, action, post = self.request.user, self.kwargs["action"], self.request.POST
        if action in ("approve", "reject"):
            return services.leave_decide(
                user=user, leave=leave, approve=action == "approve", note=post.get("note", "")
            )
        if action == "return":
            raw = post.get("returned_on") or timezone.localdate().isoformat()
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                raise ValidationError("销假日期格式不正确。")
            return services.leave_return(user=user, leave=leave, returned_on=day)
        raise Http404

    def get_success_message(self, obj, result):
        return self.MESSAGES.get(self.kwargs["action"], self.success_message)


class AbsenceCreateView(ObjectFormPage):
    form_class = forms.AbsenceForm
    page_title = "登记未请假缺勤"
    success_message = "已登记未请假缺勤。"

    def perform(self, form):
        return services.absence_record(user=self.request.user, record=self.object, **form.cleaned_data)


class AssessmentCreateView(ObjectFormPage):
    action = "view"
    form_class = forms.AssessmentForm
    page_title = "登记年度考核"
    success_message = "年度考核已登记。"

    def perform(self, form):
        return services.assessment_record(user=self.request.user, record=self.object, **form.cleaned_data)


class EarlyRetireView(ObjectFormPage):
    action = "view"
    form_class = forms.EarlyRetireForm
    page_title = "办理提前离岗退养"
    success_message = "已办理提前离岗退养。"

    def perform(self, form):
        return services.secondline_early_retire(
            user=self.request.user, record=self.object, **form.cleaned_data
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


class OpeningCreateView(FormPage):
    form_class = forms.OpeningForm
    page_title = "发布岗位需求"
    back_url_name = "rotations:secondline_board"
    success_message = "岗位需求已发布。"

    def perform(self, form):
        return services.opening_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return safe_next(self.request, reverse("rotations:secondline_board"))


class OpeningCloseView(ActionView):
    model = Opening
    success_message = "岗位需求已关闭。"

    def perform(self, opening, form):
        return services.opening_close(user=self.request.user, opening=opening)

    def get_success_url(self, obj, result):
        return reverse("rotations:secondline_board")


class LeaveListView(ScopedListView):
    """Leave requests: unit liaisons and unit heads see their unit's; staff see their scope.
    Unit heads approve here; overdue returns (逾期未销假) and absences are flagged."""

    model = LeaveRequest
    template_name = "rotations/leave_list.html"
    filterset_class = LeaveFilter
    export_filename = "二线干部请销假.xlsx"
    table_class = LeaveTable

    def get_table_kwargs(self):
        return {"request": self.request}

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("record__cadre__organization", "decided_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        for lr in ctx["object_list"]:
            org_id = lr.record.cadre.organization_id
            lr.can_decide = lr.status == LeaveStatus.PENDING and selectors.may_decide_leave(user, org_id)
            lr.overdue = lr.status == LeaveStatus.APPROVED and lr.returned_on is None and lr.end_date < today
        from .models import Absence

        ctx["absences"] = list(
            Absence.objects.restrict(user, "view").select_related("record__cadre__organization")[:20]
        )
        ctx["today"] = today
        return ctx
