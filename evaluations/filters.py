"""One FilterSet per model, shared by the pages and the API."""

from __future__ import annotations

import django_filters as df

from cadre_supervision.filters import BooleanFilter, IdFilter, LookupFilter, YearFilter, organization_filter

from .choices import Grade, ItemKind, LetterStatus, SubjectKind
from .models import ActionItem, Campaign, CareLetter, DemocraticEvaluation, Subject


class SubtreeMixin:
    org_path_field = "organization__path"

    def filter_subtree(self, qs, name, value):
        return qs.filter(**{f"{self.org_path_field}__startswith": value.path}) if value else qs


class CampaignFilter(SubtreeMixin, df.FilterSet):
    year = YearFilter(label="年度", field_name="year")
    organization = organization_filter()

    class Meta:
        model = Campaign
        fields = ["year", "organization"]


class SubjectFilter(SubtreeMixin, df.FilterSet):
    year = YearFilter(label="年度", field_name="year")
    kind = df.ChoiceFilter(label="类别", choices=SubjectKind.choices)
    grade = df.ChoiceFilter(label="等次", choices=Grade.choices)
    organization = organization_filter()
    cadre = LookupFilter(label="干部", source="cadres", action="view_evaluations", field_name="cadre")
    campaign = IdFilter(label="评议活动编号", field_name="campaign")

    class Meta:
        model = Subject
        fields = ["year", "kind", "grade", "organization", "cadre", "campaign"]


class ActionItemFilter(SubtreeMixin, df.FilterSet):
    org_path_field = "subject__organization__path"
    kind = df.ChoiceFilter(label="类型", choices=ItemKind.choices)
    done = BooleanFilter(label="已完成", method="filter_done")
    organization = organization_filter()

    class Meta:
        model = ActionItem
        fields = ["kind", "done", "organization"]

    def filter_done(self, qs, name, value):
        return qs if value is None else qs.filter(done_on__isnull=not value)


class DemocraticFilter(SubtreeMixin, df.FilterSet):
    year = YearFilter(label="年度", field_name="year")
    organization = organization_filter()
    q = df.CharFilter(label="干部姓名", field_name="cadre__name", lookup_expr="icontains")

    class Meta:
        model = DemocraticEvaluation
        fields = ["year", "organization", "q"]


class CareLetterFilter(SubtreeMixin, df.FilterSet):
    year = YearFilter(label="年度", field_name="year")
    status = df.ChoiceFilter(label="状态", choices=LetterStatus.choices)
    organization = organization_filter()
    q = df.CharFilter(label="干部姓名", field_name="cadre__name", lookup_expr="icontains")

    class Meta:
        model = CareLetter
        fields = ["year", "status", "organization", "q"]
