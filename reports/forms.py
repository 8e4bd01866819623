"""Forms stay thin: they shape input; the services validate and save."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from cadres.choices import CadreStatus, ManagementLevel
from cadres.models import Appointment, Cadre

from .choices import Circle, EvidenceSource, FeedbackChannel, Handling, MajorMatterKind, Outcome

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CycleForm(forms.Form):
    year = forms.IntegerField(label="报告年度", min_value=2000, max_value=2100)
    reference_date = forms.DateField(
        label="确定报告对象的日期", required=False, widget=DATE, help_text="留空则为报告年度的 12 月 31 日"
    )
    deadline = forms.DateField(
        label="报告截止日期", required=False, widget=DATE, help_text="留空则按政策参数（默认次年 1 月 31 日）"
    )
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SampleDrawForm(forms.Form):
    seed = forms.CharField(
        label="随机种子",
        required=False,
        max_length=64,
        help_text="可留空由系统生成；记录在案，任何人可用同一种子复核抽取结果",
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(label="更正理由", widget=forms.Textarea(attrs={"rows": 3}))


class AssignVerifierForm(forms.Form):
    username = forms.CharField(label="查核人员账号", max_length=150)


def verification_form_class(items):
    """Outcome entry: one outcome / evidence source / note per catalogue item."""
    fields = {}
    for item in items:
        fields[f"outcome_{item.code}"] = forms.ChoiceField(
            label=f"{item.number}. {item.short_title}", choices=Outcome.choices, initial=Outcome.CONSISTENT
        )
        fields[f"source_{item.code}"] = forms.ChoiceField(
            label="依据来源", choices=[("", "—")] + list(EvidenceSource.choices), required=False
        )
        fields[f"note_{item.code}"] = forms.CharField(label="说明", required=False)
    fields["evidence_sources"] = forms.MultipleChoiceField(
        label="查核依据来源",
        choices=EvidenceSource.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    fields["handling"] = forms.ChoiceField(
        label="处理方式", choices=[("", "—")] + list(Handling.choices), required=False
    )
    fields["handling_note"] = forms.CharField(
        label="处理情况说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    return type("VerificationOutcomeForm", (forms.Form,), fields)


def manageable_cadres(user):
    return (
        Cadre.objects.restrict(user, "manage_personal_reports")
        .filter(status=CadreStatus.ACTIVE)
        .select_related("organization")
        .order_by("organization__path", "name")
    )


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.organization.name}）"


class CandidateForm(forms.Form):
    cadre = CadreChoiceField(label="干部", queryset=Cadre.objects.none())
    proposed_post = forms.CharField(label="拟任职务", max_length=200)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = manageable_cadres(user).filter(management_level=ManagementLevel.CITY)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤销理由", widget=forms.Textarea(attrs={"rows": 2}))


class NoticeForm(forms.Form):
    start_date = forms.DateField(label="公示开始日期", widget=DATE)
    location = forms.CharField(label="张贴地点", max_length=200, initial="本单位公示栏")


class FeedbackForm(forms.Form):
    received_on = forms.DateField(label="收到日期", widget=DATE)
    channel = forms.ChoiceField(label="反映方式", choices=FeedbackChannel.choices)
    content = forms.CharField(label="反映内容", widget=forms.Textarea(attrs={"rows": 3}))


class HandleFeedbackForm(forms.Form):
    handling = forms.CharField(label="处理情况", widget=forms.Textarea(attrs={"rows": 2}))


TIE_ROWS = 4


class MajorMatterForm(forms.Form):
    cadre = CadreChoiceField(label="报告人（党政正职）", queryset=Cadre.objects.none())
    kind = forms.ChoiceField(label="事项类别", choices=MajorMatterKind.choices)
    title = forms.CharField(label="标题", max_length=200)
    occurred_on = forms.DateField(label="发生日期", widget=DATE)
    reported_on = forms.DateField(label="报告日期", widget=DATE, initial=timezone.localdate)
    description = forms.CharField(label="具体情况", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        top_ids = Appointment.objects.current(today).top_leaders().values("cadre_id")
        qs = manageable_cadres(user).filter(pk__in=top_ids)
        own = Cadre.objects.filter(user=user, pk__in=top_ids).select_related("organization") if user else None
        self.fields["cadre"].queryset = (qs | own).distinct() if own is not None else qs

    def ties(self) -> list[dict]:
        out = []
        for i in range(TIE_ROWS):
            row = {
                k: (self.data.get(f"tie-{i}-{k}") or "").strip()
                for k in ("circle", "person", "relation", "occupation", "note")
            }
            if any(row[k] for k in ("person", "relation", "occupation", "note")):
                out.append(row)
        return out


CIRCLE_CHOICES = Circle.choices


def parse_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except (TypeError, ValueError):
        return None
