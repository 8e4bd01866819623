"""Thin forms: they collect input; the services validate and save."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from cadre_supervision.widgets import LookupChoiceField, LookupMultipleChoiceField, bind_lookups
from cadres.choices import LineRole

from .choices import MANUAL_TRIGGERS, InterviewerRole, InterviewKind, SpecialTrigger

User = get_user_model()
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordForm(forms.Form):
    interviewee = LookupChoiceField(label="谈话对象", source="interviewees")
    kind = forms.ChoiceField(label="谈话类型", choices=InterviewKind.choices)
    trigger = forms.ChoiceField(
        label="专题谈话事由", choices=[("", "——")] + list(SpecialTrigger.choices), required=False
    )
    date = forms.DateField(label="谈话日期", widget=DATE)
    place = forms.CharField(label="谈话地点", max_length=100, required=False)
    interviewers = LookupMultipleChoiceField(label="谈话人", source="users", set_name="interviewers")
    topics = forms.CharField(label="谈话主题", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    summary = forms.CharField(label="谈话内容摘要", widget=forms.Textarea(attrs={"rows": 5}))
    stated_issues = forms.CharField(
        label="谈话对象反映的问题", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reply = forms.CharField(
        label="函询回复内容", widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="仅函询填写"
    )
    reply_date = forms.DateField(label="函询回复日期", widget=DATE, required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["interviewee"]
        bind_lookups(self, user)


class FollowUpForm(forms.Form):
    action = forms.CharField(label="后续措施", max_length=300, required=False)
    owner_name = forms.CharField(label="责任人", max_length=50, required=False)
    due_date = forms.DateField(label="完成期限", widget=DATE, required=False)

    def as_item(self) -> dict | None:
        data = self.cleaned_data if self.is_valid() else {}
        if not any(data.get(k) for k in ("action", "owner_name", "due_date")):
            return None
        return {
            "action": data.get("action") or "",
            "owner_name": data.get("owner_name") or "",
            "due_date": data.get("due_date"),
        }


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=2, max_num=10)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="附件", required=True, help_text="PDF、Word、Excel、图片或文本，单个不超过 10 MB"
    )


class FollowUpAddForm(forms.Form):
    action = forms.CharField(label="后续措施", max_length=300)
    owner_name = forms.CharField(label="责任人", max_length=50)
    owner = LookupChoiceField(label="责任人账号", source="users", required=False)
    due_date = forms.DateField(label="完成期限", widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)


class FollowUpCompleteForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=DATE, initial=timezone.localdate)
    result = forms.CharField(label="落实情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AssignmentForm(forms.Form):
    role = forms.ChoiceField(label="谈话人类别", choices=InterviewerRole.choices)
    interviewer = LookupChoiceField(label="谈话人", source="users")
    organization = LookupChoiceField(
        label="负责单位（含下级）", source="organizations", action="manage_interviews"
    )
    line_role = forms.ChoiceField(
        label="条线",
        choices=[("", "——")] + list(LineRole.choices),
        required=False,
        help_text="仅条线领导填写",
    )
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)


class SpecialTalkForm(forms.Form):
    cadre = LookupChoiceField(label="谈话对象", source="interviewees")
    trigger = forms.ChoiceField(label="事由", choices=[(t.value, t.label) for t in MANUAL_TRIGGERS])
    trigger_date = forms.DateField(label="事由发生日期", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bind_lookups(self, user)


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200)
