"""One FilterSet for the petition list page and the API."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q

from cadre_supervision.filters import BooleanFilter, LookupFilter, YearFilter, organization_filter

from .choices import Channel, Disposal, Result, Status
from .models import Petition, ProblemCategory


class PetitionFilter(df.FilterSet):
    q = df.CharFilter(label="标题或被反映人", method="filter_q")
    channel = df.ChoiceFilter(label="来源渠道", choices=Channel.choices)
    status = df.ChoiceFilter(label="办理状态", choices=Status.choices)
    disposal = df.ChoiceFilter(label="处置方式", choices=Disposal.choices)
    result = df.ChoiceFilter(label="办理结果", choices=Result.choices)
    category = df.ModelChoiceFilter(
        label="问题类别", field_name="categories", queryset=ProblemCategory.objects.all(), distinct=True
    )
    organization = organization_filter()
    cadre = LookupFilter(label="被反映人", source="cadres", field_name="cadres", distinct=True)
    year = YearFilter(label="年度", field_name="received_on", lookup_expr="year")
    escalated = BooleanFilter(label="已督办", method="filter_escalated")

    class Meta:
        model = Petition
        fields = [
            "q",
            "channel",
            "status",
            "disposal",
            "result",
            "category",
            "organization",
            "cadre",
            "year",
            "escalated",
        ]

    def filter_q(self, qs, name, value):
        # Title and the concerned cadres only: never the content or the reporter.
        return qs.filter(Q(title__icontains=value) | Q(cadres__name__icontains=value)).distinct()

    def filter_escalated(self, qs, name, value):
        return qs.filter(escalated_on__isnull=not value)

    def filter_subtree(self, qs, name, value):
        return qs.filter(organization__path__startswith=value.path) if value else qs
