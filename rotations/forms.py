"""Forms stay thin: they collect input for one service call. Choice lists are scoped."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from cadre_supervision.widgets import LookupChoiceField, bind_lookups
from cadres.choices import AssessmentGrade, CadreStatus
from cadres.models import Cadre

from .choices import (
    DueRule,
    DueState,
    ExchangeKind,
    ExchangeReason,
    LeaveKind,
    PlanItemStatus,
    SecondLineRole,
    WorkStatus,
)
from .models import Opening


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class UserForm(forms.Form):
    """A form whose pickers are scoped to `user` (see `cadre_supervision.widgets`)."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)


class DueFilterForm(UserForm):
    q = forms.CharField(label="姓名", required=False)
    organization = LookupChoiceField(
        label="单位（含下级）", source="organizations", action="view_rotations", required=False
    )
    rule = forms.ChoiceField(label="触发规则", choices=[("", "全部")] + list(DueRule.choices), required=False)
    state = forms.ChoiceField(
        label="到期状态", choices=[("", "全部")] + list(DueState.choices), required=False
    )
    org_kind = forms.ChoiceField(label="单位类型", required=False, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cadres.choices import OrgKind

        self.fields["organization"].widget.empty_label = "全部"
        self.fields["org_kind"].choices = [("", "全部")] + list(OrgKind.choices)


class ExchangeForm(UserForm):
    cadre = LookupChoiceField(label="干部", source="cadres", action="manage_rotations", set_name="active")
    to_post = LookupChoiceField(label="新岗位", source="posts", action="manage_rotations", set_name="active")
    kind = forms.ChoiceField(label="交流类型", choices=ExchangeKind.choices)
    reason = forms.ChoiceField(label="交流原因", choices=ExchangeReason.choices)
    approval_date = forms.DateField(label="批准日期", widget=DateInput())
    effective_date = forms.DateField(label="生效日期", widget=DateInput())
    secondment_end = forms.DateField(label="挂职期满（仅挂职）", required=False, widget=DateInput())
    document_no = forms.CharField(label="文号", required=False, max_length=60)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    plan_item = forms.IntegerField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].help_text = "原岗位：该干部现任的本职岗位（挂职交流时保留原岗位）"


class AvoidanceForm(UserForm):
    cadre = LookupChoiceField(label="干部", source="cadres", action="manage_rotations", set_name="active")
    reason = forms.CharField(label="回避事由", widget=forms.Textarea(attrs={"rows": 3}))
    raised_on = forms.DateField(label="提出日期", widget=DateInput(), initial=timezone.localdate)


class PlanForm(UserForm):
    organization = LookupChoiceField(label="单位", source="organizations", action="manage_rotations")
    year = forms.IntegerField(label="年度", initial=lambda: timezone.localdate().year)
    title = forms.CharField(label="计划名称", required=False, max_length=100)
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PlanItemForm(UserForm):
    cadre = LookupChoiceField(label="干部", source="cadres", action="manage_rotations", set_name="active")
    planned_kind = forms.ChoiceField(
        label="拟交流类型", choices=[("", "—")] + list(ExchangeKind.choices), required=False
    )
    target_note = forms.CharField(label="拟交流去向", required=False, max_length=200)

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        # the plan's unit and its subtree, inside the user's scope
        self.fields["cadre"].bind(self.user, under=plan.organization)


class PlanItemStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", choices=[c for c in PlanItemStatus.choices if c[0] != PlanItemStatus.DONE]
    )
    notes = forms.CharField(label="备注", required=False)


class SecondLineMoveForm(UserForm):
    cadre = LookupChoiceField(label="干部", source="cadres", action="manage_secondline", set_name="active")
    effective_date = forms.DateField(label="改任日期", widget=DateInput(), initial=timezone.localdate)
    non_leading_title = forms.CharField(label="改任职务（职级）", required=False, max_length=60)
    willing_to_serve = forms.BooleanField(label="愿意承担工作", required=False)
    preferred_roles = forms.MultipleChoiceField(
        label="意向岗位", choices=SecondLineRole.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    preference_note = forms.CharField(label="意向说明", required=False, max_length=200)
    health_note = forms.CharField(label="身体状况", required=False, max_length=100)


class SecondLinePreferenceForm(forms.Form):
    work_status = forms.ChoiceField(label="在岗情况", choices=WorkStatus.choices)
    willing_to_serve = forms.BooleanField(label="愿意承担工作", required=False)
    preferred_roles = forms.MultipleChoiceField(
        label="意向岗位", choices=SecondLineRole.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    preference_note = forms.CharField(label="意向说明", required=False, max_length=200)
    health_note = forms.CharField(label="身体状况", required=False, max_length=100)


class OpeningForm(UserForm):
    organization = LookupChoiceField(label="发布单位", source="organizations", action="manage_secondline")
    role = forms.ChoiceField(label="岗位类型", choices=SecondLineRole.choices)
    title = forms.CharField(label="岗位名称", max_length=100)
    description = forms.CharField(label="工作内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    slots = forms.IntegerField(label="人数", min_value=1, initial=1)


class AssignmentForm(UserForm):
    opening = forms.ModelChoiceField(
        label="岗位需求（可选）", queryset=Opening.objects.none(), required=False
    )
    role = forms.ChoiceField(
        label="岗位类型（未选岗位需求时）", choices=[("", "—")] + list(SecondLineRole.choices), required=False
    )
    description = forms.CharField(label="工作内容", required=False, max_length=200)
    cadre_agreed = forms.BooleanField(label="本人同意", required=False)
    unit_agreed = forms.BooleanField(label="用人单位同意", required=False)
    mentees = forms.ModelMultipleChoiceField(
        label="帮带对象（帮带年轻干部时）", queryset=Cadre.objects.none(), required=False
    )

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opening"].queryset = (
            Opening.objects.restrict(self.user, "view").filter(is_open=True).select_related("organization")
        )
        self.fields["mentees"].queryset = Cadre.objects.filter(
            organization_id=record.cadre.organization_id, status=CadreStatus.ACTIVE
        ).order_by("-birth_date")


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(label="假别", choices=[("", "请选择")] + list(LeaveKind.choices))
    start_date = forms.DateField(label="开始日期", widget=DateInput())
    end_date = forms.DateField(label="结束日期", widget=DateInput())
    reason = forms.CharField(label="事由", max_length=200)


class AbsenceForm(forms.Form):
    date = forms.DateField(label="缺勤日期", widget=DateInput())
    note = forms.CharField(label="情况说明", required=False, max_length=200)


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label="年度")
    grade = forms.ChoiceField(label="等次", choices=AssessmentGrade.choices)
    notes = forms.CharField(
        label="备注", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class EarlyRetireForm(forms.Form):
    retirement_date = forms.DateField(label="离岗退养日期", widget=DateInput())
    approved_on = forms.DateField(label="批准日期", widget=DateInput())
    approval = forms.CharField(label="批准文号/批准机关", max_length=100)
