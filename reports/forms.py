"""Forms stay thin: they shape input; the services validate and save."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from cadres.choices import CadreStatus
from cadres.models import Appointment, Cadre

from .choices import Circle, EvidenceSource, Handling, MajorMatterKind, Outcome

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
    # The service checks the reason (and says how long it must be).
    reason = forms.CharField(label="更正理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VerifierField(forms.ModelChoiceField):
    """An active account, typed by its user name."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=get_user_model().objects.filter(is_active=True),
            to_field_name="username",
            widget=forms.TextInput(attrs={"maxlength": 150}),
            error_messages={"invalid_choice": "请选择有效的查核人员账号。"},
            **kwargs,
        )


class AssignVerifierForm(forms.Form):
    # Named like the service's argument, so the service's errors land on this field.
    verifier = VerifierField(label="查核人员账号")


MAX_ENTRY_ROWS = 50


class _RowsWidget(forms.Widget):
    """A value read from several posted inputs that the page renders itself (nothing here)."""

    input_type = "hidden"

    def render(self, name, value, attrs=None, renderer=None):
        return ""


class ItemAnswerWidget(_RowsWidget):
    """One catalogue item's answer as the report form posts it: `none-<code>`, `rows-<code>`
    and `e-<code>-<i>-<key>`."""

    def __init__(self, item, attrs=None):
        super().__init__(attrs)
        self.item = item

    def value_from_datadict(self, data, files, name):
        code = self.item.code
        try:
            rows = int(data.get(f"rows-{code}") or 0)
        except (TypeError, ValueError):
            rows = 0
        entries = [
            {f["key"]: (data.get(f"e-{code}-{i}-{f['key']}") or "").strip() for f in self.item.fields}
            for i in range(max(0, min(rows, MAX_ENTRY_ROWS)))
        ]
        return {"nothing_to_report": data.get(f"none-{code}") == "on", "entries": entries}


class ReportAnswersForm(forms.Form):
    """The report form: one field per catalogue item, named by its code (as the service keys
    its errors), whose value is {"nothing_to_report", "entries"}."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[item.code] = forms.Field(
                label=f"第{item.number}项", required=False, widget=ItemAnswerWidget(item)
            )

    def answers(self) -> dict[str, dict]:
        return {code: self.cleaned_data[code] for code in self.fields}


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


class NoticeForm(forms.Form):
    start_date = forms.DateField(label="公示开始日期", widget=DATE)
    location = forms.CharField(label="张贴地点", max_length=200, initial="本单位公示栏")


TIE_ROWS = 4
TIE_KEYS = ("circle", "person", "relation", "occupation", "note")


class TieRowsWidget(_RowsWidget):
    """The social-tie rows `tie-<i>-<key>`; rows left empty are dropped."""

    def value_from_datadict(self, data, files, name):
        out = []
        for i in range(TIE_ROWS):
            row = {k: (data.get(f"tie-{i}-{k}") or "").strip() for k in TIE_KEYS}
            if any(row[k] for k in TIE_KEYS if k != "circle"):
                out.append(row)
        return out


class MajorMatterForm(forms.Form):
    cadre = CadreChoiceField(label="报告人（党政正职）", queryset=Cadre.objects.none())
    kind = forms.ChoiceField(label="事项类别", choices=MajorMatterKind.choices)
    title = forms.CharField(label="标题", max_length=200)
    occurred_on = forms.DateField(label="发生日期", widget=DATE)
    reported_on = forms.DateField(label="报告日期", widget=DATE, initial=timezone.localdate)
    description = forms.CharField(label="具体情况", widget=forms.Textarea(attrs={"rows": 4}))
    # Named like the service's argument, so its errors about the ties land here.
    ties = forms.Field(label="社会交往对象", required=False, widget=TieRowsWidget)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        top_ids = Appointment.objects.current(today).top_leaders().values("cadre_id")
        qs = manageable_cadres(user).filter(pk__in=top_ids)
        own = Cadre.objects.filter(user=user, pk__in=top_ids).select_related("organization") if user else None
        self.fields["cadre"].queryset = (qs | own).distinct() if own is not None else qs


CIRCLE_CHOICES = Circle.choices


def parse_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except (TypeError, ValueError):
        return None
