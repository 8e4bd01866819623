"""Forms: each collects the input of one service call. Pickers are scoped type-aheads."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from cadre_supervision.widgets import LookupChoiceField, LookupMultipleChoiceField, bind_lookups

from .choices import Channel, Disposal, Result, TalkForm
from .models import ProblemCategory


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _choices(choices):
    return [("", "请选择")] + list(choices)


class PetitionForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    channel = forms.ChoiceField(label="来源渠道", choices=_choices(Channel.choices))
    received_on = forms.DateField(label="收件日期", widget=DateInput())
    organization = LookupChoiceField(label="主要涉及单位", source="organizations", action="view_cadres")
    cadres = LookupMultipleChoiceField(
        label="被反映人", source="cadres", action="view_cadres", required=False
    )
    categories = forms.ModelMultipleChoiceField(
        label="问题类别",
        queryset=ProblemCategory.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    content = forms.CharField(label="反映内容", widget=forms.Textarea(attrs={"rows": 6}))
    anonymous = forms.BooleanField(label="匿名举报", required=False, initial=True)
    reporter_name = forms.CharField(label="举报人姓名", max_length=60, required=False)
    reporter_phone = forms.CharField(label="联系电话", max_length=40, required=False)
    reporter_address = forms.CharField(label="联系地址", max_length=200, required=False)
    reporter_work_unit = forms.CharField(label="工作单位", max_length=100, required=False)
    handler = LookupChoiceField(label="承办人", source="users")
    co_handlers = LookupMultipleChoiceField(label="协办人", source="users", required=False)
    confirm_duplicates = forms.BooleanField(
        label="已核对可能的重复件，仍然登记", required=False, widget=forms.CheckboxInput
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("confirm_duplicates", None)
        reporter = {
            "name": d.pop("reporter_name", ""),
            "phone": d.pop("reporter_phone", ""),
            "address": d.pop("reporter_address", ""),
            "work_unit": d.pop("reporter_work_unit", ""),
        }
        d["reporter"] = reporter
        return d


class DisposeForm(forms.Form):
    disposal = forms.ChoiceField(label="处置方式", choices=_choices(Disposal.choices))
    talk_form = forms.ChoiceField(
        label="谈话函询方式", choices=[("", "（非谈话函询不填）")] + list(TalkForm.choices), required=False
    )
    decided_on = forms.DateField(label="处置日期", widget=DateInput())
    note = forms.CharField(label="处置决定", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()


class ConcludeForm(forms.Form):
    result = forms.ChoiceField(label="办理结果", choices=_choices(Result.choices))
    concluded_on = forms.DateField(label="办结日期", widget=DateInput())
    note = forms.CharField(label="结果说明", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concluded_on"].initial = timezone.localdate()


class FeedbackForm(forms.Form):
    given_on = forms.DateField(label="反馈日期", widget=DateInput())
    note = forms.CharField(label="反馈情况", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["given_on"].initial = timezone.localdate()


class EscalateForm(forms.Form):
    note = forms.CharField(label="督办说明", max_length=200, required=False)


class AssignForm(forms.Form):
    handler = LookupChoiceField(label="承办人", source="users")
    co_handlers = LookupMultipleChoiceField(label="协办人", source="users", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件")


class HeavyUnitsForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)
