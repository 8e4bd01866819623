"""One FilterSet per model, shared by the pages and the API."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q
from django.utils import timezone

from cadre_supervision.filters import BooleanFilter, LookupFilter, organization_filter

from .choices import CandidateStatus, ExceptionKind, Method, Reply, Stage
from .models import Agency, Candidate, GateException, OpinionLetter, Selection


def _year_choices():
    this = timezone.localdate().year
    return [(y, f"{y}年") for y in range(this + 1, this - 12, -1)]


class SelectionFilter(df.FilterSet):
    q = df.CharFilter(label="搜索", method="filter_q", help_text="名称或单位")
    year = df.ChoiceFilter(label="动议年度", choices=_year_choices, field_name="motion_date__year")
    stage = df.MultipleChoiceFilter(label="环节", choices=Stage.choices)
    method = df.ChoiceFilter(label="选拔方式", choices=Method.choices)
    organization = organization_filter()

    class Meta:
        model = Selection
        fields = ["q", "year", "stage", "method", "organization"]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(Q(title__icontains=value) | Q(organization__name__icontains=value)) if value else qs

    def filter_subtree(self, qs, name, value):
        return qs.filter(organization__path__startswith=value.path) if value else qs


class CandidateFilter(df.FilterSet):
    q = df.CharFilter(label="搜索", method="filter_q", help_text="干部姓名或岗位")
    status = df.MultipleChoiceFilter(label="状态", choices=CandidateStatus.choices)
    selection = LookupFilter(label="选拔任用", source="selections", field_name="selection")
    cadre = LookupFilter(label="干部", source="cadres", action="view_cadres", field_name="cadre")
    year = df.ChoiceFilter(label="年度", choices=_year_choices, field_name="nominated_on__year")
    organization = organization_filter()

    class Meta:
        model = Candidate
        fields = ["q", "status", "selection", "cadre", "year", "organization"]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(Q(cadre__name__icontains=value) | Q(post__title__icontains=value)) if value else qs

    def filter_subtree(self, qs, name, value):
        return qs.filter(selection__organization__path__startswith=value.path) if value else qs


class LetterFilter(df.FilterSet):
    q = df.CharFilter(label="搜索", method="filter_q", help_text="人选姓名")
    agency = df.ModelChoiceFilter(label="征求单位", queryset=Agency.objects.all())
    reply = df.ChoiceFilter(
        label="答复意见", choices=[(v or "none", label) for v, label in Reply.choices], method="filter_reply"
    )
    overdue = BooleanFilter(label="逾期未复", method="filter_overdue")
    year = df.ChoiceFilter(label="发函年度", choices=_year_choices, field_name="sent_on__year")

    class Meta:
        model = OpinionLetter
        fields = ["q", "agency", "reply", "overdue", "year"]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(candidate__cadre__name__icontains=value) if value else qs

    def filter_reply(self, qs, name, value):
        return qs.filter(reply="" if value == "none" else value)

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        cond = Q(reply="", due_on__lt=timezone.localdate())
        return qs.filter(cond) if value else qs.exclude(cond)


class ExceptionFilter(df.FilterSet):
    kind = df.ChoiceFilter(label="类别", choices=ExceptionKind.choices)
    cadre = LookupFilter(label="干部", source="cadres", action="view_cadres", field_name="cadre")
    year = df.ChoiceFilter(label="年度", choices=_year_choices, field_name="granted_at__year")

    class Meta:
        model = GateException
        fields = ["kind", "cadre", "year"]
