"""One FilterSet per model, shared by the pages and the API."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q
from django.utils import timezone

from cadre_supervision.filters import BooleanFilter, IdFilter, LookupFilter, organization_filter
from cadres.choices import OrgKind

from . import policies
from .choices import (
    TASK_KINDS,
    FollowUpStatus,
    InterviewerRole,
    InterviewKind,
    SpecialTrigger,
    TalkCategory,
    TalkStatus,
)
from .models import FollowUp, InterviewAssignment, InterviewRecord, RequiredTalk


def _year_choices():
    y = timezone.localdate().year
    return [(str(v), f"{v}年") for v in range(y + 1, y - 6, -1)]


class SubtreeMixin:
    org_path_field = "cadre__organization__path"

    def filter_subtree(self, qs, name, value):
        return qs.filter(**{f"{self.org_path_field}__startswith": value.path}) if value else qs


class RequiredTalkFilter(SubtreeMixin, df.FilterSet):
    year = df.ChoiceFilter(label="年度", choices=_year_choices, field_name="year")
    kind = df.ChoiceFilter(label="类型", choices=[(k.value, k.label) for k in TASK_KINDS])
    status = df.ChoiceFilter(label="状态", choices=TalkStatus.choices, method="filter_status")
    organization = organization_filter()
    org_kind = df.ChoiceFilter(
        label="单位类型", choices=OrgKind.choices, field_name="cadre__organization__kind"
    )
    category = df.ChoiceFilter(label="谈话对象类别", choices=TalkCategory.choices)
    interviewer_role = df.ChoiceFilter(label="谈话人类别", choices=InterviewerRole.choices)
    responsible = LookupFilter(
        label="谈话人", source="users", set_name="interviewers", field_name="responsible"
    )
    gap = BooleanFilter(label="未落实谈话人", method="filter_gap")
    cadre = LookupFilter(label="干部", source="cadres", action="view_interviews", field_name="cadre")
    q = df.CharFilter(label="干部姓名", field_name="cadre__name", lookup_expr="icontains")

    class Meta:
        model = RequiredTalk
        fields = ["year", "kind", "status", "organization", "org_kind", "category", "interviewer_role", "q"]

    def filter_status(self, qs, name, value):
        if not value:
            return qs
        return qs.filter_status(value, timezone.localdate(), policies.current().due_soon_days)

    def filter_gap(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(responsible__isnull=value)


class InterviewRecordFilter(SubtreeMixin, df.FilterSet):
    org_path_field = "interviewee__organization__path"

    year = df.ChoiceFilter(label="年度", choices=_year_choices, field_name="date__year")
    kind = df.ChoiceFilter(label="谈话类型", choices=InterviewKind.choices)
    trigger = df.ChoiceFilter(label="专题事由", choices=SpecialTrigger.choices)
    organization = organization_filter()
    date_from = df.DateFilter(label="日期自", field_name="date", lookup_expr="gte")
    date_to = df.DateFilter(label="日期至", field_name="date", lookup_expr="lte")
    interviewee = LookupFilter(
        label="谈话对象", source="cadres", action="view_interviews", field_name="interviewee"
    )
    interviewer = LookupFilter(
        label="谈话人", source="users", set_name="interviewers", method="filter_interviewer"
    )
    q = df.CharFilter(label="谈话对象姓名", field_name="interviewee__name", lookup_expr="icontains")

    class Meta:
        model = InterviewRecord
        fields = ["year", "kind", "trigger", "organization", "date_from", "date_to", "q"]

    def filter_interviewer(self, qs, name, value):
        return qs.filter(participants__user=value).distinct() if value else qs


class FollowUpFilter(df.FilterSet):
    status = df.ChoiceFilter(label="状态", choices=FollowUpStatus.choices, method="filter_status")
    record = IdFilter(label="谈话记录编号", field_name="record_id")
    owner = LookupFilter(label="责任人账号", source="users", field_name="owner")
    due_before = df.DateFilter(label="期限早于", field_name="due_date", lookup_expr="lte")

    class Meta:
        model = FollowUp
        fields = ["status", "record", "owner", "due_before"]

    def filter_status(self, qs, name, value):
        today = timezone.localdate()
        if value == FollowUpStatus.DONE:
            return qs.filter(done_on__isnull=False)
        if value == FollowUpStatus.OVERDUE:
            return qs.filter(done_on__isnull=True, due_date__lt=today)
        if value == FollowUpStatus.OPEN:
            return qs.filter(done_on__isnull=True, due_date__gte=today)
        return qs


class InterviewAssignmentFilter(df.FilterSet):
    role = df.ChoiceFilter(label="谈话人类别", choices=InterviewerRole.choices)
    organization = organization_filter()
    user = LookupFilter(label="谈话人", source="users", set_name="interviewers", field_name="user")
    is_active = BooleanFilter(label="有效")
    q = df.CharFilter(label="谈话人", method="filter_q")

    class Meta:
        model = InterviewAssignment
        fields = ["role", "organization", "is_active", "q"]

    def filter_subtree(self, qs, name, value):
        return qs.filter(organization__path__startswith=value.path) if value else qs

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(
            Q(user__username__icontains=value)
            | Q(user__first_name__icontains=value)
            | Q(user__last_name__icontains=value)
        )


class CoverageFilter(df.FilterSet):
    """Filters of the coverage page (applied by the selectors, not to a queryset)."""

    year = df.ChoiceFilter(label="年度", choices=_year_choices, empty_label=None)
    kind = df.ChoiceFilter(
        label="类型",
        choices=[(k.value, k.label) for k in (InterviewKind.ROUTINE, InterviewKind.SPECIAL_TOPIC)],
    )
    org_kind = df.ChoiceFilter(label="单位类型", choices=OrgKind.choices)

    class Meta:
        model = RequiredTalk
        fields = ["year", "kind", "org_kind"]
