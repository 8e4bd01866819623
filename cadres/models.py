"""The registry: organizations, posts, cadres, appointments (tenures)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cadre_supervision import memo
from cadre_supervision.history import track_history
from cadre_supervision.permissions import ORG_PERMISSIONS, AnyOf, Scope, ScopedManager, ScopedQuerySet

from . import rules
from .choices import (
    AppointmentMethod,
    AssessmentGrade,
    CadreStatus,
    EducationLevel,
    FeedbackChannel,
    FeedbackStatus,
    Gender,
    IdentityCategory,
    KeyCategory,
    LineRole,
    ManagementLevel,
    OrgKind,
    PoliticalStatus,
    PublicityKind,
    Rank,
    ResumeSource,
    RewardKind,
    SanctionKind,
    SanctionTrack,
    TopLeaderKind,
    TrainingKind,
    VerificationItem,
    VerificationStatus,
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

    memo.forget(CATALOGUE_CACHE_KEY)
    cache.delete(CATALOGUE_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CATALOGUE_CACHE_KEY))


def portfolio_catalogue() -> dict[str, tuple[str, bool, bool]]:
    """{code: (name, top_leader_forbidden, active)} in catalogue order; cached (one query after
    each change), so labels and rule 1 cost no query per row, and read from the cache once per
    API list page (`cadre_supervision.memo`)."""
    return memo.remember(CATALOGUE_CACHE_KEY, _cached_catalogue)


def _cached_catalogue() -> dict[str, tuple[str, bool, bool]]:
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
    birth_place = models.CharField(_("出生地"), max_length=50, blank=True)
    health = models.CharField(_("健康状况"), max_length=30, blank=True, default="")
    professional_title = models.CharField(_("专业技术职务"), max_length=60, blank=True)
    expertise = models.CharField(_("熟悉专业有何专长"), max_length=200, blank=True)
    party_join_date = models.DateField(_("入党时间"), null=True, blank=True)
    work_start_date = models.DateField(_("参加工作时间"), null=True, blank=True)
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

    # --- derived from the dossier: 学历 and 学位 (never typed) ---------------------------------
    @property
    def highest_education(self) -> EducationRecord | None:
        return rules.highest_overall(self.education_records.all())

    @property
    def education_level(self) -> str:
        rec = self.highest_education
        return rec.level if rec else ""

    @property
    def education_label(self) -> str:
        rec = self.highest_education
        if rec is None:
            return ""
        return " · ".join(x for x in (rec.get_level_display(), rec.degree) if x)

    @property
    def degree(self) -> str:
        """The highest degree held (学位), from the education records."""
        degrees = [r for r in self.education_records.all() if r.degree]
        best = rules.highest_overall(degrees)
        return best.degree if best else ""


def _dossier_scope(view: str = "view_cadres") -> Scope:
    """Dossier records are scoped by their cadre's unit."""
    return Scope(org_field="cadre__organization", perms={"view": view, "change": "manage_cadres"})


@track_history()
class EducationRecord(models.Model):
    """One education record: 全日制 (full-time) or 在职 (in-service). 学历 and 学位 of
    三龄两历一身份 are derived from these (rules.highest_education), never typed."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="education_records"
    )
    full_time = models.BooleanField(_("全日制"), default=True, help_text=_("不勾选为在职教育"))
    level = models.CharField(_("学历"), max_length=20, choices=EducationLevel.choices)
    degree = models.CharField(_("学位"), max_length=30, blank=True)
    school = models.CharField(_("毕业院校"), max_length=100)
    department = models.CharField(_("院系"), max_length=100, blank=True)
    major = models.CharField(_("专业"), max_length=100, blank=True)
    start_date = models.DateField(_("入学时间"), null=True, blank=True)
    end_date = models.DateField(_("毕业时间"), null=True, blank=True)

    objects = ScopedManager()
    scope = _dossier_scope()

    class Meta:
        verbose_name = _("学历学位")
        verbose_name_plural = _("学历学位")
        ordering = ["cadre", "end_date", "id"]

    def __str__(self) -> str:
        return f"{self.school} {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre_detail", args=[self.cadre_id]) + "#education"

    @property
    def track_label(self) -> str:
        return "全日制教育" if self.full_time else "在职教育"


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
    # 推荐人 / 考察人 are people: a cadre or a user; the text field holds only an outside body
    # (外部单位), never a person's name (services.appointment_* match names to people).
    recommender_cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("推荐人（干部）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommended_appointments",
    )
    recommender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推荐人（用户）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommended_appointments",
    )
    recommended_by = models.CharField(
        _("推荐单位（外部）"), max_length=100, blank=True, help_text=_("仅用于系统外的推荐单位；谁推荐谁负责")
    )
    reviewer_cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("考察人（干部）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_appointments",
    )
    reviewer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("考察人（用户）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_appointments",
    )
    reviewed_by = models.CharField(_("考察单位（外部）"), max_length=100, blank=True)
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
            ),
            models.CheckConstraint(
                condition=~(Q(recommender_cadre__isnull=False) & Q(recommender_user__isnull=False))
                & (
                    Q(recommended_by="")
                    | (Q(recommender_cadre__isnull=True) & Q(recommender_user__isnull=True))
                ),
                name="appointment_one_recommender",
            ),
            models.CheckConstraint(
                condition=~(Q(reviewer_cadre__isnull=False) & Q(reviewer_user__isnull=False))
                & (Q(reviewed_by="") | (Q(reviewer_cadre__isnull=True) & Q(reviewer_user__isnull=True))),
                name="appointment_one_reviewer",
            ),
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

    @property
    def recommender_label(self) -> str:
        return _person_label(
            self.recommender_cadre_id, self.recommender_user_id, self.recommended_by, self, "recommender"
        )

    @property
    def reviewer_label(self) -> str:
        return _person_label(
            self.reviewer_cadre_id, self.reviewer_user_id, self.reviewed_by, self, "reviewer"
        )


def _person_label(cadre_id, user_id, outside: str, appt: Appointment, prefix: str) -> str:
    if cadre_id:
        return getattr(appt, f"{prefix}_cadre").name
    if user_id:
        u = getattr(appt, f"{prefix}_user")
        return u.get_full_name() or u.username
    return f"{outside}（外部单位）" if outside else ""


# --- the dossier (干部档案): résumé, verification, rewards, assessments, sanctions, family, photo ---


@track_history()
class ResumeLine(models.Model):
    """A résumé line (简历) from before the cadre's tenures were kept here (school, earlier
    posts elsewhere). Lines after that are the tenures themselves (selectors.cadre_resume)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="resume_lines"
    )
    start_month = models.DateField(_("起始年月"), help_text=_("按月记载，日期取当月1日"))
    end_month = models.DateField(_("终止年月"), null=True, blank=True, help_text=_("至今留空"))
    text = models.CharField(_("单位及职务"), max_length=200)
    source = models.CharField(
        _("来源"), max_length=10, choices=ResumeSource.choices, default=ResumeSource.ENTERED
    )

    objects = ScopedManager()
    scope = _dossier_scope()

    class Meta:
        verbose_name = _("简历")
        verbose_name_plural = _("简历")
        ordering = ["cadre", "start_month", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_month__isnull=True) | Q(end_month__gte=models.F("start_month")),
                name="resume_line_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {rules.resume_period(self.start_month, self.end_month)} {self.text}"

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre_detail", args=[self.cadre_id]) + "#resume"


@track_history()
class DossierVerification(models.Model):
    """三龄两历一身份 认定: one row per cadre and item, with the dossier document it was verified
    from. A change to a verified value needs a reason (services), kept here and in history."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="verifications"
    )
    item = models.CharField(_("认定事项"), max_length=20, choices=VerificationItem.choices)
    status = models.CharField(
        _("认定状态"), max_length=10, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    value = models.CharField(_("认定值"), max_length=200, blank=True, help_text=_("认定时的记载"))
    document = models.CharField(_("认定依据（档案材料）"), max_length=200, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    change_reason = models.CharField(_("最近一次变更理由"), max_length=300, blank=True)

    objects = ScopedManager()
    scope = _dossier_scope()

    class Meta:
        verbose_name = _("三龄两历一身份认定")
        verbose_name_plural = _("三龄两历一身份认定")
        ordering = ["cadre", "item"]
        constraints = [models.UniqueConstraint(fields=["cadre", "item"], name="verification_once_per_item")]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.get_item_display()} {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre_detail", args=[self.cadre_id]) + "#verification"


@track_history()
class RewardPunishment(models.Model):
    """奖惩情况."""

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="rewards")
    kind = models.CharField(_("类别"), max_length=12, choices=RewardKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    date = models.DateField(_("时间"))
    issuing_body = models.CharField(_("批准机关"), max_length=100)
    document_no = models.CharField(_("文号"), max_length=60, blank=True)

    objects = ScopedManager()
    scope = _dossier_scope()

    class Meta:
        verbose_name = _("奖惩情况")
        verbose_name_plural = _("奖惩情况")
        ordering = ["cadre", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.date:%Y.%m} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre_detail", args=[self.cadre_id]) + "#rewards"


@track_history()
class AnnualAssessment(models.Model):
    """年度考核: one grade per cadre and year, for every cadre (second-line ones included)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="annual_assessments"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    grade = models.CharField(_("考核等次"), max_length=12, choices=AssessmentGrade.choices)
    notes = models.CharField(_("备注"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope = _dossier_scope()

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["cadre", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="annual_assessment_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.year}年度 {self.get_grade_display()}"

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre_detail", args=[self.cadre_id]) + "#assessments"


@track_history()
class TrainingRecord(models.Model):
    """教育培训记录 (《干部教育培训工作条例》): one course, with its 学时."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="training_records"
    )
    name = models.CharField(_("培训名称"), max_length=200)
    organizer = models.CharField(_("主办单位"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=TrainingKind.choices)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True, help_text=_("一天的培训可留空"))
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1)
    certificate = models.CharField(_("结业证书编号"), max_length=60, blank=True)
    notes = models.CharField(_("备注"), max_length=300, blank=True)

    objects = ScopedManager()
    scope = _dossier_scope()

    class Meta:
        verbose_name = _("教育培训")
        verbose_name_plural = _("教育培训")
        ordering = ["cadre", "-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="training_end_after_start",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.start_date:%Y.%m} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre_detail", args=[self.cadre_id]) + "#training"

    @property
    def days(self) -> int:
        return ((self.end_date or self.start_date) - self.start_date).days + 1


class SanctionQuerySet(ScopedQuerySet):
    def barring_on(self, on: dt.date):
        """Sanctions during whose period promotion is barred on `on` (the bar is [decision, end))."""
        return self.filter(Q(decision_date__lte=on), Q(bar_indefinite=True) | Q(bar_end__gt=on))


@track_history()
class Sanction(models.Model):
    """党纪处分 / 政务处分: promotion is barred from the decision for a period set by the kind
    (policy "cadres.sanction_bar_months.<kind>", fixed when recorded)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="sanctions"
    )
    track = models.CharField(_("处分类别"), max_length=10, choices=SanctionTrack.choices, editable=False)
    kind = models.CharField(_("处分种类"), max_length=30, choices=SanctionKind.choices)
    decision_date = models.DateField(_("处分决定时间"))
    deciding_body = models.CharField(_("决定机关"), max_length=100)
    document_no = models.CharField(_("文号"), max_length=60, blank=True)
    reason = models.TextField(_("处分事由"))
    bar_months = models.PositiveSmallIntegerField(_("影响期（月）"), editable=False, default=0)
    bar_end = models.DateField(_("影响期截止"), null=True, blank=True, editable=False)
    bar_indefinite = models.BooleanField(_("不得再任用"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(SanctionQuerySet)()
    scope = _dossier_scope("view_sanctions")

    class Meta:
        verbose_name = _("处分")
        verbose_name_plural = _("处分")
        ordering = ["cadre", "-decision_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(bar_indefinite=True) | Q(bar_end__isnull=False),
                name="sanction_bar_end_or_indefinite",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.get_kind_display()}（{self.decision_date:%Y.%m}）"

    def get_absolute_url(self) -> str:
        return reverse("cadres:sanction_list", args=[self.cadre_id])

    def bars_promotion(self, on: dt.date | None = None) -> bool:
        return rules.sanction_bars(
            self.decision_date, self.bar_end, self.bar_indefinite, on or timezone.localdate()
        )


@track_history()
class FamilyMember(models.Model):
    """家庭主要成员及重要社会关系."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="family_members"
    )
    relation = models.CharField(_("称谓"), max_length=20)
    name = models.CharField(_("姓名"), max_length=50)
    birth_month = models.DateField(_("出生年月"), null=True, blank=True, help_text=_("日期取当月1日"))
    political_status = models.CharField(
        _("政治面貌"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    employer_post = models.CharField(_("工作单位及职务"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ScopedManager()
    scope = _dossier_scope("view_family")

    class Meta:
        verbose_name = _("家庭成员及社会关系")
        verbose_name_plural = _("家庭成员及社会关系")
        ordering = ["cadre", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.cadre.name}的{self.relation} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("cadres:family_list", args=[self.cadre_id])


def private_media_root() -> str:
    """Where photos live: the setting CS_PRIVATE_MEDIA_ROOT, by default a `private_media`
    folder beside MEDIA_ROOT (not inside it): nothing there has a public URL."""
    import os

    root = getattr(settings, "CS_PRIVATE_MEDIA_ROOT", None)
    if not root:
        root = os.path.join(os.path.dirname(os.path.abspath(str(settings.MEDIA_ROOT))), "private_media")
    return os.path.abspath(str(root))


@deconstructible
class PhotoStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return private_media_root()

    @property
    def location(self):
        return self.base_location

    def url(self, name):  # pragma: no cover - there is deliberately no public URL
        raise ValueError("照片没有公开地址，请通过干部页面查看。")

    def __eq__(self, other):
        return isinstance(other, PhotoStorage)


photo_storage = PhotoStorage()


def photo_path(instance: CadrePhoto, filename: str) -> str:
    import uuid

    ext = "png" if instance.content_type == "image/png" else "jpg"
    return f"photos/{instance.cadre_id}/{uuid.uuid4().hex}.{ext}"


@track_history()
class CadrePhoto(models.Model):
    cadre = models.OneToOneField(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="photo"
    )
    image = models.FileField(_("照片"), storage=photo_storage, upload_to=photo_path, max_length=255)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope = _dossier_scope("view_photos")

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")

    def __str__(self) -> str:
        return f"{self.cadre.name}的照片"

    def get_absolute_url(self) -> str:
        return reverse("cadres:cadre_photo", args=[self.cadre_id])


# --- publicity (公示): one mechanism for 任前公示 and 报告表公示 --------------------------------------

PUBLICITY_PERMS = {
    # A publicity is posted publicly; it is read by those who run either process.
    "view": AnyOf("view_selection", "view_personal_reports"),
    # Writes check the kind's own permission (choices.PUBLICITY_MANAGE_PERM) in the services.
    "change": AnyOf("manage_selection", "manage_personal_reports"),
}


@track_history()
class Publicity(models.Model):
    """One publicity notice of one cadre (a selection naming three cleared candidates posts
    three rows with the same source and period). The process it belongs to is named by
    `source_type` / `source_id` ("selection.selection" / "reports.verification"), so that
    cadres imports no other app."""

    kind = models.CharField(_("公示类别"), max_length=20, choices=PublicityKind.choices)
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("公示对象"), on_delete=models.PROTECT, related_name="publicities"
    )
    subject = models.CharField(_("公示事项"), max_length=200, blank=True, help_text=_("如拟任职务"))
    source_type = models.CharField(_("来源类型"), max_length=40, blank=True)
    source_id = models.PositiveIntegerField(_("来源编号"), null=True, blank=True)
    start_date = models.DateField(_("公示开始"))
    end_date = models.DateField(_("公示结束"))
    working_days = models.PositiveSmallIntegerField(_("公示工作日数"), default=0)
    location = models.CharField(_("公示方式或地点"), max_length=200)
    notice_text = models.TextField(_("公示内容"), blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    SOURCE_LABELS = {"selection.selection": "选拔任用", "reports.verification": "重点查核"}

    objects = ScopedManager()
    scope = Scope(org_field="cadre__organization", perms=PUBLICITY_PERMS)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"], name="publicity_source")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="publicity_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.get_kind_display()}（{self.start_date}至{self.end_date}）"

    def get_absolute_url(self) -> str:
        return reverse("cadres:publicity_detail", args=[self.pk])

    @property
    def source_label(self) -> str:
        if not self.source_type:
            return ""
        return f"{self.SOURCE_LABELS.get(self.source_type, self.source_type)} {self.source_id or ''}".strip()

    def state(self, today: dt.date | None = None) -> str:
        return rules.publicity_state(self.start_date, self.end_date, today or timezone.localdate())

    def is_running(self, today: dt.date | None = None) -> bool:
        return self.state(today) == "running"

    @property
    def state_label(self) -> str:
        return {"pending": "未开始", "running": "公示中", "ended": "已结束"}[self.state()]


@track_history()
class PublicityFeedback(models.Model):
    """A matter reported during a publicity (公示期间反映) and its handling."""

    publicity = models.ForeignKey(
        Publicity, verbose_name=_("公示"), on_delete=models.CASCADE, related_name="feedback"
    )
    received_on = models.DateField(_("收到日期"))
    channel = models.CharField(_("反映方式"), max_length=20, choices=FeedbackChannel.choices)
    content = models.TextField(_("反映内容"))
    status = models.CharField(
        _("状态"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    handling = models.TextField(_("处理情况"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()
    scope = Scope(org_field="publicity__cadre__organization", perms=PUBLICITY_PERMS)

    class Meta:
        verbose_name = _("公示期间反映")
        verbose_name_plural = _("公示期间反映")
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(handling=""), name="publicity_handled_feedback_has_text"
            )
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.get_channel_display()}"

    @property
    def handled(self) -> bool:
        return self.status == FeedbackStatus.HANDLED

    def get_absolute_url(self) -> str:
        return self.publicity.get_absolute_url() + "#feedback"
