"""One FilterSet per model, shared by the pages and the API."""

from __future__ import annotations

import django_filters as df
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cadre_supervision.filters import BooleanFilter, IdFilter, LookupFilter, organization_filter

from .choices import AuditKind, AuditStatus, FileKind, RectState, Severity, Stream
from .models import Audit, AuditFile, Finding, RectificationStep


def _year_choices():
    this = timezone.localdate().year
    return [(y, f"{y}年") for y in range(this + 1, this - 12, -1)]


class AuditFilter(df.FilterSet):
    q = df.CharFilter(label="搜索", method="filter_q", help_text="被审计干部姓名或项目名称")
    year = df.ChoiceFilter(label="计划年度", choices=_year_choices)
    kind = df.ChoiceFilter(label="审计类型", choices=AuditKind.choices)
    status = df.MultipleChoiceFilter(label="状态", choices=AuditStatus.choices)
    organization = organization_filter()
    stream = df.ChoiceFilter(label="有问题的事项", choices=Stream.choices, method="filter_stream")
    has_overdue = BooleanFilter(label="有逾期整改", method="filter_overdue")
    cadre = LookupFilter(label="被审计干部", source="cadres", action="view_audits", field_name="cadre")

    class Meta:
        model = Audit
        fields = ["q", "year", "kind", "status", "organization", "stream", "has_overdue", "cadre"]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(Q(cadre__name__icontains=value) | Q(title__icontains=value)) if value else qs

    def filter_subtree(self, qs, name, value):
        return qs.filter(organization__path__startswith=value.path) if value else qs

    def filter_stream(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(Exists(Finding.objects.filter(audit=OuterRef("pk"), stream__stream=value)))

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = Exists(Finding.objects.overdue(timezone.localdate()).filter(audit=OuterRef("pk")))
        return qs.filter(overdue) if value else qs.exclude(overdue)


class FindingFilter(df.FilterSet):
    q = df.CharFilter(label="搜索", method="filter_q", help_text="干部姓名、问题描述或责任人")
    year = df.ChoiceFilter(label="联审年度", choices=_year_choices, field_name="audit__year")
    stream = df.ChoiceFilter(label="审计事项", choices=Stream.choices, field_name="stream__stream")
    severity = df.ChoiceFilter(label="严重程度", choices=Severity.choices)
    state = df.MultipleChoiceFilter(label="整改状态", choices=RectState.choices)
    overdue = BooleanFilter(label="已逾期", method="filter_overdue")
    organization = organization_filter()
    audit = LookupFilter(label="联审项目", source="audits", field_name="audit")
    cadre = LookupFilter(label="被审计干部", source="cadres", action="view_audits", field_name="audit__cadre")

    class Meta:
        model = Finding
        fields = ["q", "year", "stream", "severity", "state", "overdue", "organization", "audit", "cadre"]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(
            Q(audit__cadre__name__icontains=value)
            | Q(description__icontains=value)
            | Q(responsible_name__icontains=value)
            | Q(responsible_cadre__name__icontains=value)
        )

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        today = timezone.localdate()
        cond = ~Q(state=RectState.VERIFIED) & Q(due_date__lt=today)
        return qs.filter(cond) if value else qs.exclude(cond)

    def filter_subtree(self, qs, name, value):
        return qs.filter(audit__organization__path__startswith=value.path) if value else qs


class AuditFileFilter(df.FilterSet):
    audit = LookupFilter(label="联审项目", source="audits", field_name="audit")
    kind = df.ChoiceFilter(label="材料类型", choices=FileKind.choices)

    class Meta:
        model = AuditFile
        fields = ["audit", "kind"]


class RectificationStepFilter(df.FilterSet):
    finding = IdFilter(field_name="finding_id", label="问题编号")
    audit = LookupFilter(label="联审项目", source="audits", field_name="finding__audit")

    class Meta:
        model = RectificationStep
        fields = ["finding", "audit"]
