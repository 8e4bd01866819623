"""Thin forms: they collect input; the services validate and save."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from cadre_supervision.people import display_name
from cadres.choices import LineRole
from cadres.models import Cadre, Organization

from .choices import MANUAL_TRIGGERS, InterviewerRole, InterviewKind, SpecialTrigger
from .selectors import selectable_cadres

User = get_user_model()
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.organization.name}）"


def interviewer_candidates(user):
    return (
        User.objects.filter(Q(pk=user.pk) | Q(interview_assignments__is_active=True), is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class RecordForm(forms.Form):
    interviewee = CadreChoiceField(label="谈话对象", queryset=Cadre.objects.none())
    kind = forms.ChoiceField(label="谈话类型", choices=InterviewKind.choices)
    trigger = forms.ChoiceField(
        label="专题谈话事由", choices=[("", "——")] + list(SpecialTrigger.choices), required=False
    )
    date = forms.DateField(label="谈话日期", widget=DATE)
    place = forms.CharField(label="谈话地点", max_length=100, required=False)
    interviewers = UserMultipleChoiceField(label="谈话人", queryset=User.objects.none())
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
        self.fields["interviewee"].queryset = (
            selectable_cadres(user).select_related("organization").order_by("organization__path", "name")
        )
        self.fields["interviewers"].queryset = interviewer_candidates(user)
        if editing:
            del self.fields["interviewee"]


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
    owner = UserChoiceField(label="责任人账号", queryset=User.objects.none(), required=False)
    due_date = forms.DateField(label="完成期限", widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("username")


class FollowUpCompleteForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=DATE, initial=timezone.localdate)
    result = forms.CharField(label="落实情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AssignmentForm(forms.Form):
    role = forms.ChoiceField(label="谈话人类别", choices=InterviewerRole.choices)
    interviewer = UserChoiceField(label="谈话人", queryset=User.objects.none())
    organization = forms.ModelChoiceField(label="负责单位（含下级）", queryset=Organization.objects.none())
    line_role = forms.ChoiceField(
        label="条线",
        choices=[("", "——")] + list(LineRole.choices),
        required=False,
        help_text="仅条线领导填写",
    )
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewer"].queryset = User.objects.filter(is_active=True).order_by("username")
        orgs = Organization.objects.restrict(user, "manage_interviews")
        self.fields["organization"].queryset = orgs.order_by("path")


class SpecialTalkForm(forms.Form):
    cadre = CadreChoiceField(label="谈话对象", queryset=Cadre.objects.none())
    trigger = forms.ChoiceField(label="事由", choices=[(t.value, t.label) for t in MANUAL_TRIGGERS])
    trigger_date = forms.DateField(label="事由发生日期", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = (
            selectable_cadres(user).select_related("organization").order_by("organization__path", "name")
        )


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200)
