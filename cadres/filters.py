"""One FilterSet per model, shared by the pages and the API. Choice lists are scoped."""

from __future__ import annotations

import django_filters as df
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cadre_supervision.filters import BooleanFilter, IdFilter, LookupFilter, YearFilter, organization_filter
from cadre_supervision.permissions import scope_q

from .choices import CadreStatus, KeyCategory, ManagementLevel, OrgKind, PublicityKind, Rank, SanctionTrack
from .models import (
    AnnualAssessment,
    Appointment,
    Cadre,
    DossierVerification,
    EducationRecord,
    FamilyMember,
    Organization,
    Post,
    Publicity,
    ResumeLine,
    RewardPunishment,
    Sanction,
    TrainingRecord,
)


def scoped_organizations(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.restrict(request.user, "view").order_by("path")


class OrganizationFilter(df.FilterSet):
    q = df.CharFilter(label="名称", method="filter_q")
    kind = df.ChoiceFilter(label="单位类型", choices=OrgKind.choices)
    parent = LookupFilter(label="上级单位", source="organizations", field_name="parent")

    class Meta:
        model = Organization
        fields = ["q", "kind", "parent"]

    def filter_q(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class PostFilter(df.FilterSet):
    q = df.CharFilter(label="岗位名称", field_name="title", lookup_expr="icontains")
    organization = organization_filter()
    key_category = df.MultipleChoiceFilter(
        label="关键岗位类别", choices=KeyCategory.choices, method="filter_key"
    )
    is_key = BooleanFilter(label="关键岗位", method="filter_is_key")
    top_leader = BooleanFilter(label="一把手岗位", method="filter_top")
    is_leading = BooleanFilter(label="领导职务")

    class Meta:
        model = Post
        fields = ["q", "organization", "key_category", "is_key", "top_leader", "is_leading"]

    def filter_subtree(self, qs, name, value):
        return qs.filter(organization__path__startswith=value.path) if value else qs

    def filter_key(self, qs, name, value):
        return qs.filter(key_categories__overlap=list(value)) if value else qs

    def filter_is_key(self, qs, name, value):
        if value is None:
            return qs
        return qs.exclude(key_categories=[]) if value else qs.filter(key_categories=[])

    def filter_top(self, qs, name, value):
        if value is None:
            return qs
        return qs.exclude(top_leader_kind="") if value else qs.filter(top_leader_kind="")


def _current_appointments(today=None):
    today = today or timezone.localdate()
    return Appointment.objects.current(today)


class CadreFilter(df.FilterSet):
    q = df.CharFilter(label="搜索", method="filter_q", help_text="姓名、拼音首字母或身份证后四位")
    organization = organization_filter()
    org_kind = df.ChoiceFilter(label="单位类型", choices=OrgKind.choices, field_name="organization__kind")
    rank = df.MultipleChoiceFilter(label="职级", choices=Rank.choices)
    status = df.MultipleChoiceFilter(label="状态", choices=CadreStatus.choices)
    management_level = df.ChoiceFilter(label="管理层级", choices=ManagementLevel.choices)
    key_category = df.MultipleChoiceFilter(
        label="关键岗位类别", choices=KeyCategory.choices, method="filter_key"
    )
    top_leader = BooleanFilter(label="一把手", method="filter_top")

    class Meta:
        model = Cadre
        fields = [
            "q",
            "organization",
            "org_kind",
            "rank",
            "status",
            "management_level",
            "key_category",
            "top_leader",
        ]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        cond = Q(name__icontains=value)
        if value.isascii() and value.isalpha():
            cond |= Q(name_initials__startswith=value.lower())
        if len(value) == 4 and (value[:3].isdigit() and (value[3].isdigit() or value[3] in "xX")):
            # The last four characters are more than the mask shows: only users who may see
            # the full ID search by them (otherwise 10^4 searches would reveal them).
            user = getattr(self.request, "user", None)
            cond |= Q(citizen_id_tail=value.upper()) & scope_q(Cadre, user, "citizen_id")
        return qs.filter(cond)

    def filter_subtree(self, qs, name, value):
        return qs.filter(organization__path__startswith=value.path) if value else qs

    def filter_key(self, qs, name, value):
        if not value:
            return qs
        ids = _current_appointments().filter(post__key_categories__overlap=list(value)).values("cadre_id")
        return qs.filter(pk__in=ids)

    def filter_top(self, qs, name, value):
        if value is None:
            return qs
        ids = _current_appointments().top_leaders().values("cadre_id")
        return qs.filter(pk__in=ids) if value else qs.exclude(pk__in=ids)


class AppointmentFilter(df.FilterSet):
    cadre = LookupFilter(label="干部", source="cadres", field_name="cadre")
    post = LookupFilter(label="岗位", source="posts", field_name="post")
    organization = organization_filter(field_name="post__organization")
    current = BooleanFilter(label="现任", method="filter_current")
    top_leader = BooleanFilter(label="一把手岗位", method="filter_top")

    class Meta:
        model = Appointment
        fields = ["cadre", "post", "organization", "current", "top_leader"]

    def filter_subtree(self, qs, name, value):
        return qs.filter(post__organization__path__startswith=value.path) if value else qs

    def filter_current(self, qs, name, value):
        if value is None:
            return qs
        current = qs.current()
        return current if value else qs.exclude(pk__in=current.values("pk"))

    def filter_top(self, qs, name, value):
        if value is None:
            return qs
        return qs.top_leaders() if value else qs.filter(post__top_leader_kind="")


# --- the dossier (干部档案) ------------------------------------------------------------------------


def dossier_filter(model_cls, extra: tuple[str, ...] = ()):
    """A FilterSet for one dossier record type: `?cadre=<id>` plus the given fields."""
    meta = type("Meta", (), {"model": model_cls, "fields": ["cadre", *extra]})
    declared = {"cadre": IdFilter(label="干部", field_name="cadre_id"), "Meta": meta}
    for name in extra:  # yes/no fields refuse an unknown value (`?full_time=-5`) instead of ignoring it
        field = model_cls._meta.get_field(name)
        if isinstance(field, models.BooleanField):
            declared[name] = BooleanFilter(label=field.verbose_name, field_name=name)
    return type(f"{model_cls.__name__}Filter", (df.FilterSet,), declared)


class SanctionFilter(df.FilterSet):
    cadre = IdFilter(label="干部", field_name="cadre_id")
    on = df.DateFilter(label="影响提拔的日期", method="filter_on", help_text="列出该日仍在影响期内的处分")
    track = df.ChoiceFilter(label="处分类别", choices=SanctionTrack.choices)
    organization = df.ModelChoiceFilter(
        label="单位（含下级）", queryset=scoped_organizations, method="filter_subtree"
    )

    class Meta:
        model = Sanction
        fields = ["cadre", "on", "track", "organization"]

    def filter_on(self, qs, name, value):
        return qs.barring_on(value) if value else qs

    def filter_subtree(self, qs, name, value):
        return qs.filter(cadre__organization__path__startswith=value.path) if value else qs


EducationRecordFilter = dossier_filter(EducationRecord, ("full_time",))
ResumeLineFilter = dossier_filter(ResumeLine)
DossierVerificationFilter = dossier_filter(DossierVerification, ("item", "status"))
RewardPunishmentFilter = dossier_filter(RewardPunishment, ("kind",))
TrainingRecordFilter = dossier_filter(TrainingRecord, ("kind",))


class AnnualAssessmentFilter(dossier_filter(AnnualAssessment, ("grade",))):
    year = YearFilter(label="年度")

    class Meta:
        model = AnnualAssessment
        fields = ["cadre", "year", "grade"]


FamilyMemberFilter = dossier_filter(FamilyMember)


class PublicityFilter(df.FilterSet):
    """The one publicity list (pages and API): by kind, unit, running/ended, name."""

    STATES = (("pending", "未开始"), ("running", "公示中"), ("ended", "已结束"))

    q = df.CharFilter(label="姓名", method="filter_q")
    kind = df.ChoiceFilter(label="公示类别", choices=PublicityKind.choices)
    organization = organization_filter()
    state = df.ChoiceFilter(label="公示状态", choices=STATES, method="filter_state")

    class Meta:
        model = Publicity
        fields = ["q", "kind", "organization", "state"]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(cadre__name__icontains=value) if value else qs

    def filter_subtree(self, qs, name, value):
        return qs.filter(cadre__organization__path__startswith=value.path) if value else qs

    def filter_state(self, qs, name, value):
        today = timezone.localdate()
        if value == "pending":
            return qs.filter(start_date__gt=today)
        if value == "running":
            return qs.filter(start_date__lte=today, end_date__gte=today)
        if value == "ended":
            return qs.filter(end_date__lt=today)
        return qs
