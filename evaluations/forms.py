"""Forms of the evaluations pages; each page is one service call (ServiceFormView)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from cadre_supervision.widgets import LookupChoiceField, bind_lookups

from .choices import DemocraticItem, EvaluatorGroup, ItemKind, SubjectKind

MANAGE = "manage_evaluations"
MAX_COUNT = 100000  # people and votes of one evaluation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _choices(choices):
    return [("", "请选择")] + list(choices)


class UserForm(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)


class CampaignForm(UserForm):
    organization = LookupChoiceField(label="组织单位（评议范围）", source="organizations", action=MANAGE)
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    title = forms.CharField(label="名称", required=False, max_length=200, help_text="留空为“某年度阳光评议”")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class StepForm(forms.Form):
    planned_start = forms.DateField(label="计划开始", required=False, widget=DateInput())
    planned_end = forms.DateField(label="计划完成", required=False, widget=DateInput())
    summary = forms.CharField(label="工作记录", required=False, widget=forms.Textarea(attrs={"rows": 5}))


class StepCompleteForm(forms.Form):
    on = forms.DateField(label="完成日期", widget=DateInput(), initial=timezone.localdate)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="材料文件")


class SubjectForm(UserForm):
    kind = forms.ChoiceField(label="类别", choices=_choices(SubjectKind.choices))
    organization = LookupChoiceField(
        label="单位（领导班子）", source="organizations", action=MANAGE, required=False
    )
    cadre = LookupChoiceField(
        label="领导干部", source="cadres", action=MANAGE, set_name="active", required=False
    )


class ScoresForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for group, label in EvaluatorGroup.choices:
            self.fields[f"score_{group}"] = forms.DecimalField(
                label=f"{label}得分", required=False, min_value=0, max_value=100, decimal_places=2
            )
            self.fields[f"respondents_{group}"] = forms.IntegerField(
                label=f"{label}参评人数", required=False, min_value=0, max_value=MAX_COUNT
            )

    def scores(self):
        d = self.cleaned_data
        return (
            {g: d.get(f"score_{g}") for g in EvaluatorGroup.values},
            {g: d.get(f"respondents_{g}") or 0 for g in EvaluatorGroup.values},
        )


class ActionItemForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=_choices(ItemKind.choices))
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(label="完成时限", widget=DateInput())


class ItemDoneForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=DateInput(), initial=timezone.localdate)
    result = forms.CharField(label="完成情况", widget=forms.Textarea(attrs={"rows": 2}))


class DemocraticForm(UserForm):
    cadre = LookupChoiceField(label="干部", source="cadres", action=MANAGE, set_name="active")
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    held_on = forms.DateField(label="测评日期", widget=DateInput())
    participants = forms.IntegerField(label="参评人数", min_value=1, max_value=MAX_COUNT)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item, label in DemocraticItem.choices:
            for part, plabel in (("good", "好"), ("fair", "一般"), ("poor", "差")):
                self.fields[f"{item}_{part}"] = forms.IntegerField(
                    label=f"{label}：{plabel}", required=False, min_value=0, max_value=MAX_COUNT
                )

    def ratings(self):
        d = self.cleaned_data
        out = {}
        for item in DemocraticItem.values:
            votes = [d.get(f"{item}_{p}") for p in ("good", "fair", "poor")]
            if any(v is not None for v in votes):
                out[item] = [v or 0 for v in votes]
        return out


class LetterProposeForm(UserForm):
    cadre = LookupChoiceField(label="干部", source="cadres", action=MANAGE, set_name="active")
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    reasons = forms.CharField(
        label="提醒事由（每行一条）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="留空：按该干部的较差评议等次和预警信号生成",
    )


class LetterSendForm(forms.Form):
    sent_on = forms.DateField(label="发送日期", widget=DateInput(), initial=timezone.localdate)


class LetterAckForm(forms.Form):
    acknowledged_on = forms.DateField(label="签收日期", widget=DateInput(), initial=timezone.localdate)
    acknowledgement = forms.CharField(
        label="本人说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class LetterDismissForm(forms.Form):
    reason = forms.CharField(label="不予发送原因", max_length=200)


class ProposeAllForm(forms.Form):
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )


class VerdictFilterForm(UserForm):
    organization = LookupChoiceField(
        label="单位（含下级）", source="organizations", action="view_evaluations", required=False
    )
    verdict = forms.ChoiceField(label="结论", required=False)

    def __init__(self, *args, **kwargs):
        from .choices import Verdict

        super().__init__(*args, **kwargs)
        self.fields["verdict"].choices = [("", "全部")] + list(Verdict.choices)
