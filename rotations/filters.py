"""One FilterSet per model, shared by the pages and the API. Choice lists are scoped."""

from __future__ import annotations

import django_filters as df
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cadre_supervision.filters import IdFilter, LookupFilter, YearFilter, organization_filter
from cadres.choices import OrgKind

from .choices import (
    AssignmentStatus,
    ExchangeKind,
    ExchangeReason,
    LeaveKind,
    LeaveStatus,
    PlanItemStatus,
    SecondLineRole,
    SecondLineStatus,
    Utilisation,
    WorkStatus,
)
from .models import Assignment, Exchange, LeaveRequest, PlanItem, RotationPlan, SecondLineRecord

YES_NO = [("1", "是"), ("0", "否")]


class ExchangeFilter(df.FilterSet):
    q = df.CharFilter(label="干部姓名", method="filter_q")
    kind = df.MultipleChoiceFilter(label="交流类型", choices=ExchangeKind.choices)
    reason = df.ChoiceFilter(label="交流原因", choices=ExchangeReason.choices)
    year = YearFilter(label="年度", field_name="effective_date__year")
    organization = organization_filter("单位（原单位或新单位，含下级）", method="filter_org")
    from_org_kind = df.ChoiceFilter(label="原单位类型", choices=OrgKind.choices)
    to_org_kind = df.ChoiceFilter(label="新单位类型", choices=OrgKind.choices)

    class Meta:
        model = Exchange
        fields = ["q", "kind", "reason", "year", "organization", "from_org_kind", "to_org_kind"]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        cond = Q(cadre__name__icontains=value)
        if value.isascii() and value.isalpha():
            cond |= Q(cadre__name_initials__startswith=value.lower())
        return qs.filter(cond)

    def filter_org(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(
            Q(from_organization__path__startswith=value.path)
            | Q(to_organization__path__startswith=value.path)
        )


class RotationPlanFilter(df.FilterSet):
    year = YearFilter(label="年度")
    organization = organization_filter("单位（含下级）", method="filter_org")

    class Meta:
        model = RotationPlan
        fields = ["year", "organization"]

    def filter_org(self, qs, name, value):
        return qs.filter(organization__path__startswith=value.path) if value else qs


class PlanItemFilter(df.FilterSet):
    plan = IdFilter(field_name="plan_id", label="计划编号")
    year = YearFilter(field_name="plan__year", label="年度")
    status = df.MultipleChoiceFilter(label="状态", choices=PlanItemStatus.choices)
    organization = organization_filter("单位（含下级）", method="filter_org")

    class Meta:
        model = PlanItem
        fields = ["plan", "year", "status", "organization"]

    def filter_org(self, qs, name, value):
        return qs.filter(plan__organization__path__startswith=value.path) if value else qs


def _confirmed(role=None):
    qs = Assignment.objects.filter(record=OuterRef("pk"), status=AssignmentStatus.CONFIRMED)
    if role:
        qs = qs.filter(role=role)
    return Exists(qs)


def utilisation_q(category: str) -> Q:
    """SQL form of rules.utilisation (kept in step with it; tested against it)."""
    early = Q(status=SecondLineStatus.EARLY_RETIRED)
    eh, inv, any_ = (
        Q(_confirmed(SecondLineRole.ENTERPRISE_HELP)),
        Q(_confirmed(SecondLineRole.INVESTMENT)),
        Q(_confirmed()),
    )
    if category == Utilisation.BUSINESS_HELP:
        return ~early & eh
    if category == Utilisation.INVESTMENT:
        return ~early & ~eh & inv
    if category == Utilisation.AT_WORK:
        return ~early & ~eh & ~inv & (any_ | Q(work_status=WorkStatus.AT_WORK))
    if category == Utilisation.OTHER:
        return early | (~any_ & Q(work_status=WorkStatus.OTHER))
    if category == Utilisation.IDLE:
        return ~early & ~any_ & Q(work_status=WorkStatus.IDLE)
    return Q()


class SecondLineFilter(df.FilterSet):
    q = df.CharFilter(label="姓名", method="filter_q")
    organization = organization_filter("单位（含下级）", method="filter_org")
    utilisation = df.ChoiceFilter(label="使用情况", choices=Utilisation.choices, method="filter_utilisation")
    status = df.ChoiceFilter(label="状态", choices=SecondLineStatus.choices)
    work_status = df.ChoiceFilter(label="在岗情况", choices=WorkStatus.choices)
    willing = df.ChoiceFilter(label="愿意承担工作", choices=YES_NO, method="filter_willing")
    preferred_role = df.ChoiceFilter(label="意向岗位", choices=SecondLineRole.choices, method="filter_pref")

    class Meta:
        model = SecondLineRecord
        fields = ["q", "organization", "utilisation", "status", "work_status", "willing", "preferred_role"]

    def filter_q(self, qs, name, value):
        return qs.filter(cadre__name__icontains=value.strip()) if value else qs

    def filter_org(self, qs, name, value):
        return qs.filter(cadre__organization__path__startswith=value.path) if value else qs

    def filter_utilisation(self, qs, name, value):
        return qs.filter(utilisation_q(value)) if value else qs

    def filter_willing(self, qs, name, value):
        return qs.filter(willing_to_serve=(value == "1")) if value in ("0", "1") else qs

    def filter_pref(self, qs, name, value):
        return qs.filter(preferred_roles__contains=[value]) if value else qs


class AssignmentFilter(df.FilterSet):
    status = df.MultipleChoiceFilter(label="状态", choices=AssignmentStatus.choices)
    role = df.ChoiceFilter(label="岗位类型", choices=SecondLineRole.choices)
    organization = organization_filter("干部所在单位（含下级）", method="filter_org")
    record = LookupFilter(label="二线干部", source="secondline_records", field_name="record")
    cadre = LookupFilter(label="干部", source="cadres", action="view_secondline", field_name="record__cadre")

    class Meta:
        model = Assignment
        fields = ["status", "role", "organization", "record", "cadre"]

    def filter_org(self, qs, name, value):
        return qs.filter(record__cadre__organization__path__startswith=value.path) if value else qs


class LeaveFilter(df.FilterSet):
    q = df.CharFilter(label="姓名", method="filter_q")
    status = df.MultipleChoiceFilter(label="状态", choices=LeaveStatus.choices)
    kind = df.ChoiceFilter(label="假别", choices=LeaveKind.choices)
    organization = organization_filter("单位（含下级）", method="filter_org")
    overdue = df.ChoiceFilter(label="逾期未销假", choices=YES_NO, method="filter_overdue")
    record = LookupFilter(label="二线干部", source="secondline_records", field_name="record")

    class Meta:
        model = LeaveRequest
        fields = ["q", "status", "kind", "organization", "overdue", "record"]

    def filter_q(self, qs, name, value):
        return qs.filter(record__cadre__name__icontains=value.strip()) if value else qs

    def filter_org(self, qs, name, value):
        return qs.filter(record__cadre__organization__path__startswith=value.path) if value else qs

    def filter_overdue(self, qs, name, value):
        cond = Q(status=LeaveStatus.APPROVED, returned_on__isnull=True, end_date__lt=timezone.localdate())
        if value == "1":
            return qs.filter(cond)
        if value == "0":
            return qs.exclude(cond)
        return qs
