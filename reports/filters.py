"""FilterSets shared by the pages and the API."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q

from cadre_supervision.filters import LookupFilter, YearFilter, organization_filter

from . import selectors
from .choices import (
    DisplayStatus,
    MajorMatterKind,
    Outcome,
    ReportKind,
    VerificationKind,
    VerificationStatus,
)
from .models import MajorMatterReport, PersonalReport, Verification


class _CadreFilterMixin:
    def filter_q(self, qs, name, value: str):
        value = (value or "").strip()
        if not value:
            return qs
        prefix = self.cadre_prefix
        cond = Q(**{f"{prefix}name__icontains": value})
        if value.isascii() and value.isalpha():
            cond |= Q(**{f"{prefix}name_initials__startswith": value.lower()})
        return qs.filter(cond)

    def filter_subtree(self, qs, name, value: int):
        return (
            qs.filter(**{f"{self.cadre_prefix}organization__path__startswith": value.path}) if value else qs
        )


class ReportFilter(_CadreFilterMixin, df.FilterSet):
    cadre_prefix = "cadre__"
    q = df.CharFilter(label="姓名", method="filter_q")
    organization = organization_filter()
    status = df.ChoiceFilter(label="状态", choices=DisplayStatus.choices, method="filter_status")
    kind = df.ChoiceFilter(label="报告类型", choices=ReportKind.choices)
    year = YearFilter(label="年度")
    cadre = LookupFilter(label="干部", source="cadres", action="view_personal_reports", field_name="cadre")

    class Meta:
        model = PersonalReport
        fields = ["q", "organization", "status", "kind", "year", "cadre"]

    def filter_status(self, qs, name, value):
        return selectors.status_filter(qs, value) if value else qs


class VerificationFilter(_CadreFilterMixin, df.FilterSet):
    cadre_prefix = "report__cadre__"
    q = df.CharFilter(label="姓名", method="filter_q")
    organization = organization_filter()
    kind = df.ChoiceFilter(label="查核类型", choices=VerificationKind.choices)
    status = df.ChoiceFilter(label="状态", choices=VerificationStatus.choices)
    outcome = df.ChoiceFilter(label="结果", choices=Outcome.choices)
    year = YearFilter(label="报告年度", field_name="report__year")

    class Meta:
        model = Verification
        fields = ["q", "organization", "kind", "status", "outcome", "year"]


class MajorMatterFilter(_CadreFilterMixin, df.FilterSet):
    cadre_prefix = "cadre__"
    q = df.CharFilter(label="姓名", method="filter_q")
    organization = organization_filter()
    kind = df.ChoiceFilter(label="事项类别", choices=MajorMatterKind.choices)
    reported_after = df.DateFilter(label="报告日期起", field_name="reported_on", lookup_expr="gte")
    reported_before = df.DateFilter(label="报告日期止", field_name="reported_on", lookup_expr="lte")

    class Meta:
        model = MajorMatterReport
        fields = ["q", "organization", "kind", "reported_after", "reported_before"]
