"""The registry: organizations, posts, cadres, appointments (tenures)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.cache import cache
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cadre_supervision.history import track_history
from cadre_supervision.permissions import ORG_PERMISSIONS, Scope, ScopedManager, ScopedQuerySet

from . import rules
from .choices import (
    AppointmentMethod,
    CadreStatus,
    EducationLevel,
    Gender,
    IdentityCategory,
    KeyCategory,
    LineRole,
    ManagementLevel,
    OrgKind,
    Rank,
    TopLeaderKind,
)

# --- the portfolio-area catalogue (分管领域): policy data ------------------------------------------

CATALOGUE_CACHE_KEY = "cadres.portfolio_catalogue.v1"


@track_history()
class PortfolioArea(models.Model):
    """One area a leader's portfolio (分管事项) may hold, and whether a 一把手 may hold it
    (rule 1). Edited by the administrator; appointments store the codes they hold."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    top_leader_forbidden = models.BooleanField(
        _("一把手不得直接分管"), default=False, help_text=_("勾选后，一把手分管该领域即产生预警")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("可选用"), default=True, help_text=_("停用后不能再新选，已有任职保留"))

    class Meta:
        verbose_name = _("分管领域")
        verbose_name_plural = _("分管领域")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        clear_catalogue_cache()

    def delete(self, *args, **kwargs):
        out = super().delete(*args, **kwargs)
        clear_catalogue_cache()
        return out


def clear_catalogue_cache() -> None:
    from django.db import transaction

    cache.delete(CATALOGUE_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CATALOGUE_CACHE_KEY))


def portfolio_catalogue() -> dict[str, tuple[str, bool, bool]]:
    """{code: (name, top_leader_forbidden, active)} in catalogue order; cached (one query after
    each change), so labels and rule 1 cost no query per row."""
    data = cache.get(CATALOGUE_CACHE_KEY)
    if data is None:
        data = {
            code: (name, forbidden, active)
            for code, name, forbidden, active in PortfolioArea.objects.values_list(
                "code", "name", "top_leader_forbidden", "active"
            )
        }
        cache.set(CATALOGUE_CACHE_KEY, data, 300)
    return data


def forbidden_area_codes() -> list[str]:
    return [code for code, (_n, forbidden, _a) in portfolio_catalogue().items() if forbidden]


def portfolio_area_labels(codes) -> list[str]:
    catalogue = portfolio_catalogue()
    return [catalogue[c][0] if c in catalogue else c for c in codes]


@track_history()
class Organization(models.Model):
    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path "000001.000007." (ids of ancestors and self): subtree = path prefix.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    code = models.CharField(_("单位代码"), max_length=30, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedManager()
    scope = Scope(
        org_field="id", perms={"view": "view_cadres", "change": "manage_cadres"}, codename_actions=True
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]
        permissions = ORG_PERMISSIONS
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_in_parent")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cadres:organization_detail", args=[self.pk])


class OrganizationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)


class OrganizationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)


@track_history()
class Post(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(_("岗位名称"), max_length=100)
    is_leading = models.BooleanField(_("领导职务"), default=True)
    top_leader_kind = models.CharField(
        _("一把手类型"),
        max_length=10,
        choices=TopLeaderKind.choices,
        blank=True,
        default="",
        help_text=_("党政正职（党委书记或行政正职）选择其一；非一把手留空"),
    )
    is_middle_level = models.BooleanField(_("中层岗位"), default=False)
    line_role = models.CharField(
        _("条线职务"), max_length=20, choices=LineRole.choices, blank=True, default=""
    )
    key_categories = ArrayField(
        models.CharField(max_length=20, choices=KeyCategory.choices),
        verbose_name=_("关键岗位类别"),
        default=list,
        blank=True,
    )
    key_reason = models.TextField(_("认定为关键岗位的理由"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedManager()
    scope = Scope(
        org_field="organization",
        perms={"view": "view_cadres", "change": "manage_cadres"},
        codename_actions=True,
    )

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["organization__path", "sort_order", "id"]
        indexes = [GinIndex(fields=["key_categories"], name="post_key_categories_gin")]
        constraints = [
            models.CheckConstraint(
                condition=Q(top_leader_kind="") | Q(is_leading=True), name="post_top_leader_is_leading"
            ),
            models.CheckConstraint(
                condition=Q(key_categories=[]) | ~Q(key_reason=""), name="post_key_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name} {self.title}"

    @property
    def is_top_leader(self) -> bool:
        return bool(self.top_leader_kind)

    @property
    def is_key(self) -> bool:
        return bool(self.key_categories)

    @property
    def key_category_labels(self) -> list[str]:
        labels = dict(KeyCategory.choices)
        return [str(labels.get(c, c)) for c in self.key_categories]

    def get_absolute_url(self) -> str:
        return reverse("cadres:post_detail", args=[self.pk])


class CadreQuerySet(ScopedQuerySet):
    def with_current(self):
        """Annotate nothing; prefetch current appointments for list pages (no N+1)."""
        today = timezone.localdate()
        return self.prefetch_related(
            models.Prefetch(
                "appointments",
                queryset=Appointment.objects.current(today).select_related("post", "post__organization"),
                to_attr="current_appointments",
            )
        )


@track_history(exclude=["citizen_id_encrypted"])
class Cadre(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(
        _("姓名拼音首字母"), max_length=20, editable=False, db_index=True, default=""
    )
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    citizen_id_encrypted = models.TextField(editable=False, default="")
    citizen_id_digest = models.CharField(max_length=64, editable=False, unique=True, null=True)
    citizen_id_tail = models.CharField(
        _("身份证号后四位"), max_length=4, editable=False, db_index=True, default=""
    )
    citizen_id_masked = models.CharField(_("身份证号"), max_length=18, editable=False, default="")
    native_place = models.CharField(_("籍贯"), max_length=50, blank=True)
    party_join_date = models.DateField(_("入党时间"), null=True, blank=True)
    work_start_date = models.DateField(_("参加工作时间"), null=True, blank=True)
    education = models.CharField(_("最高学历"), max_length=20, choices=EducationLevel.choices, blank=True)
    degree = models.CharField(_("学位"), max_length=30, blank=True)
    identity_category = models.CharField(_("身份类别"), max_length=20, choices=IdentityCategory.choices)
    rank = models.CharField(_("职级"), max_length=20, choices=Rank.choices)
    management_level = models.CharField(_("管理层级"), max_length=20, choices=ManagementLevel.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=CadreStatus.choices, default=CadreStatus.ACTIVE
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="cadres"
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关联账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = models.Manager.from_queryset(CadreQuerySet)()
    scope = Scope(
        org_field="organization",
        perms={
            "view": "view_cadres",
            "change": "manage_cadres",
            "citizen_id": "view_citizen_ids",
            "integrity": "view_integrity",
            "stats": "view_stats",
        },
        codename_actions=True,
    )
    # Derived forms of the citizen ID (digest, tail, masks of earlier shapes) never appear in a history.
    history_hidden_fields = frozenset(
        {"citizen_id_encrypted", "citizen_id_digest", "citizen_id_masked", "citizen_id_tail"}
    )

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["organization__path", "name", "id"]
        indexes = [models.Index(fields=["organization", "status"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre_detail", args=[self.pk])

    # --- computed: 三龄两历一身份 --------------------------------------------------------
    def age(self, on: dt.date | None = None) -> int | None:
        return rules.full_years(self.birth_date, on or timezone.localdate())

    def party_age(self, on: dt.date | None = None) -> int | None:
        return rules.full_years(self.party_join_date, on or timezone.localdate())

    def work_age(self, on: dt.date | None = None) -> int | None:
        return rules.full_years(self.work_start_date, on or timezone.localdate())

    @cached_property
    def current_appointment_list(self) -> list[Appointment]:
        if hasattr(self, "current_appointments"):
            return self.current_appointments
        return list(
            Appointment.objects.current().filter(cadre=self).select_related("post", "post__organization")
        )

    @property
    def primary_appointment(self) -> Appointment | None:
        apps_ = [
            a for a in self.current_appointment_list if not a.is_secondment
        ] or self.current_appointment_list
        if not apps_:
            return None
        return sorted(apps_, key=lambda a: (not a.post.is_top_leader, not a.post.is_leading, a.start_date))[0]

    @property
    def is_top_leader_now(self) -> bool:
        return any(a.post.is_top_leader for a in self.current_appointment_list)

    def years_in_current_post(self, on: dt.date | None = None) -> float | None:
        a = self.primary_appointment
        return rules.years_between(a.start_date, on or timezone.localdate()) if a else None

    @property
    def portfolio_violations(self) -> list[str]:
        out: list[str] = []
        for a in self.current_appointment_list:
            out.extend(a.portfolio_violations)
        return sorted(set(out))

    @property
    def portfolio_violation_labels(self) -> list[str]:
        return portfolio_area_labels(self.portfolio_violations)


class EducationRecord(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="education_records")
    level = models.CharField(_("学历"), max_length=20, choices=EducationLevel.choices)
    full_time = models.BooleanField(_("全日制"), default=True)
    school = models.CharField(_("毕业院校"), max_length=100)
    major = models.CharField(_("专业"), max_length=100, blank=True)
    degree = models.CharField(_("学位"), max_length=30, blank=True)
    start_date = models.DateField(_("入学时间"), null=True, blank=True)
    end_date = models.DateField(_("毕业时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("学历学位")
        verbose_name_plural = _("学历学位")
        ordering = ["cadre", "end_date"]

    def __str__(self) -> str:
        return f"{self.school} {self.get_level_display()}"


class AppointmentQuerySet(ScopedQuerySet):
    def current(self, on: dt.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gt=on))

    def top_leaders(self):
        """Tenures of 一把手 posts (党政正职: party secretary or administrative head)."""
        return self.exclude(post__top_leader_kind="")


@track_history()
class Appointment(models.Model):
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="appointments"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="appointments"
    )
    start_date = models.DateField(_("任职开始"))
    end_date = models.DateField(_("任职结束"), null=True, blank=True)
    method = models.CharField(
        _("任职方式"), max_length=20, choices=AppointmentMethod.choices, default=AppointmentMethod.APPOINTED
    )
    document_no = models.CharField(_("任职文号"), max_length=60, blank=True)
    # Codes of the portfolio-area catalogue (PortfolioArea.code), checked by the services.
    portfolio_areas = ArrayField(
        models.CharField(max_length=30),
        verbose_name=_("分管领域"),
        default=list,
        blank=True,
    )
    portfolio_text = models.TextField(
        _("分管事项说明"), blank=True, help_text=_("文字说明，不参与一把手分管预警的判断")
    )
    recommended_by = models.CharField(_("推荐人"), max_length=100, blank=True, help_text=_("谁推荐谁负责"))
    reviewed_by = models.CharField(_("考察审核人"), max_length=100, blank=True)
    is_secondment = models.BooleanField(_("挂职"), default=False)
    end_reason = models.CharField(_("离任原因"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(AppointmentQuerySet)()
    # History shows the catalogue's labels of the portfolio-area codes.
    history_value_labels = {"portfolio_areas": portfolio_area_labels}
    scope = Scope(
        org_field="post__organization",
        perms={"view": "view_cadres", "change": "manage_cadres"},
        codename_actions=True,
    )

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["post", "start_date"]), models.Index(fields=["cadre", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="appointment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.post}"

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre_detail", args=[self.cadre_id]) + f"#appointment-{self.pk}"

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date > on)

    @property
    def portfolio_violations(self) -> list[str]:
        if not self.is_current():
            return []
        return rules.portfolio_violations(
            self.post.is_top_leader, self.portfolio_areas, forbidden_area_codes()
        )

    @property
    def portfolio_area_labels(self) -> list[str]:
        return portfolio_area_labels(self.portfolio_areas)

    def years(self, on: dt.date | None = None) -> float:
        end = self.end_date or on or timezone.localdate()
        return rules.years_between(self.start_date, end)
