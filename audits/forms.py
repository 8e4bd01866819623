"""Forms stay thin: they collect input and hand it to one service call."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from cadre_supervision import policy
from cadre_supervision.people import display_name
from cadres.models import Appointment, Cadre

from . import rules
from .choices import AuditKind, Conclusion, FileKind, LeadAgency, MemberRole, RectState, Severity

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _user_label(u) -> str:
    return display_name(u)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _user_label(obj)


class AppointmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, a):
        end = a.end_date.strftime("%Y-%m-%d") if a.end_date else "至今"
        lead = "一把手" if a.post.top_leader_kind else "关键岗位副职"
        return f"{a.cadre.name} · {a.post.organization.name}{a.post.title}（{lead}，{a.start_date:%Y-%m-%d}—{end}）"


def auditable_appointments(user):
    today = timezone.localdate()
    since = rules.add_years(today, -policy.get("audits.departure_lookback_years"))
    qs = Appointment.objects.select_related("cadre", "post", "post__organization").filter(
        Q(end_date__isnull=True) | Q(end_date__gte=since)
    )
    qs = qs.filter(
        ~Q(post__top_leader_kind="") | Q(post__key_categories__overlap=list(rules.AUDITABLE_KEY_CATEGORIES))
    )
    return qs.restrict(user, "manage_audits").order_by(
        "post__organization__path", "post__sort_order", "-start_date"
    )


class AuditCreateForm(forms.Form):
    appointment = AppointmentChoiceField(label="被审计任职", queryset=Appointment.objects.none())
    kind = forms.ChoiceField(label="审计类型", choices=AuditKind.choices)
    year = forms.IntegerField(label="计划年度")
    period_start = forms.DateField(
        label="审计期间起", required=False, widget=DATE, help_text="留空则从任职开始"
    )
    period_end = forms.DateField(
        label="审计期间止", required=False, widget=DATE, help_text="留空则至离任日或今天"
    )
    planned_date = forms.DateField(label="列入计划日期", required=False, widget=DATE)
    title = forms.CharField(label="项目名称", required=False, max_length=200, help_text="留空自动生成")
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointment"].queryset = auditable_appointments(user)
        self.fields["year"].initial = timezone.localdate().year


class AuditEditForm(forms.Form):
    title = forms.CharField(label="项目名称", max_length=200)
    year = forms.IntegerField(label="计划年度")
    period_start = forms.DateField(label="审计期间起", widget=DATE)
    period_end = forms.DateField(label="审计期间止", widget=DATE)
    overall_conclusion = forms.ChoiceField(
        label="总体评价", choices=[("", "（未评价）")] + list(Conclusion.choices), required=False
    )
    overall_summary = forms.CharField(label="总体结论", required=False, widget=forms.Textarea)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea)


class TransitionForm(forms.Form):
    status = forms.CharField(widget=forms.HiddenInput)
    on = forms.DateField(label="日期", widget=DATE)


class StreamForm(forms.Form):
    lead_agency = forms.ChoiceField(label="牵头单位", choices=LeadAgency.choices)
    conclusion = forms.ChoiceField(
        label="评价", choices=[("", "（未评价）")] + list(Conclusion.choices), required=False
    )
    conclusion_text = forms.CharField(label="结论", required=False, widget=forms.Textarea)


def team_candidates():
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__name__startswith="audit_team:")
            | Q(groups__name__startswith="org_staff:")
            | Q(groups__name__startswith="discipline:")
        )
        .distinct()
        .order_by("username")
    )


class MemberForm(forms.Form):
    member_user = UserChoiceField(label="人员", queryset=get_user_model().objects.none())
    role = forms.ChoiceField(label="角色", choices=MemberRole.choices, initial=MemberRole.MEMBER)
    stream = forms.ChoiceField(label="事项组", required=False)
    agency = forms.CharField(
        label="所在单位", required=False, max_length=60, help_text="留空取事项的牵头单位"
    )

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_user"].queryset = team_candidates()
        self.fields["stream"].choices = [("", "（列席人员不选）")] + [
            (s.pk, f"{s.get_stream_display()}（{s.get_lead_agency_display()}牵头）")
            for s in audit.streams.all()
        ]
        self.audit = audit

    def clean_stream(self):
        value = self.cleaned_data.get("stream")
        return self.audit.streams.filter(pk=value).first() if value else None


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, c):
        return f"{c.name}（{c.organization.name}）"


class FindingForm(forms.Form):
    stream = forms.ChoiceField(label="审计事项")
    description = forms.CharField(label="问题描述", widget=forms.Textarea)
    severity = forms.ChoiceField(label="严重程度", choices=Severity.choices)
    responsible_cadre = CadreChoiceField(
        label="责任人（干部）", queryset=Cadre.objects.none(), required=False
    )
    responsible_name = forms.CharField(label="责任人（姓名或职务）", required=False, max_length=100)
    rectification_required = forms.CharField(label="整改要求", widget=forms.Textarea)
    due_date = forms.DateField(label="整改期限", widget=DATE)

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.audit = audit
        self.fields["stream"].choices = [(s.pk, s.get_stream_display()) for s in audit.streams.all()]
        self.fields["responsible_cadre"].queryset = (
            Cadre.objects.filter(Q(organization_id=audit.organization_id) | Q(pk=audit.cadre_id))
            .select_related("organization")
            .order_by("name")
        )

    def clean_stream(self):
        return self.audit.streams.filter(pk=self.cleaned_data.get("stream")).first()


class RectifyForm(forms.Form):
    """No state is preselected: the user picks one (a careless click must not close a finding)."""

    to_state = forms.ChoiceField(
        label="变更为",
        choices=[("", "请选择")] + list(RectState.choices),
        error_messages={"required": "请选择新的整改状态。", "invalid_choice": "请选择新的整改状态。"},
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, finding=None, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is None and finding is not None:
            allowed = rules.RECT_TRANSITIONS.get(finding.state, ())
        if allowed is not None:
            self.fields["to_state"].choices = [("", "请选择")] + [(s, rules.RECT_LABELS[s]) for s in allowed]


class FileUploadForm(forms.Form):
    kind = forms.ChoiceField(label="材料类型", choices=FileKind.choices)
    title = forms.CharField(label="标题", required=False, max_length=200, help_text="留空使用文件名")
    file = forms.FileField(label="文件")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = "、".join(rules.parse_allowed_types(policy.get("audits.file_allowed_types")))
        self.fields["file"].help_text = f"不超过 {policy.get('audits.file_max_mb')} MB；允许：{allowed}"


def discipline_officers():
    User = get_user_model()
    return (
        User.objects.filter(is_active=True, groups__name__startswith="discipline:")
        .distinct()
        .order_by("username")
    )


class ShareForm(forms.Form):
    officer = UserChoiceField(label="共享给（纪检监察干部）", queryset=get_user_model().objects.none())
    until = forms.DateField(label="共享至（含当日）", widget=DATE)
    reason = forms.CharField(label="共享事由", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = discipline_officers()
