"""Rotation (轮岗交流) and second-line cadres (二线干部).

Scope decisions (see rotations/README.md):
- Exchange: visible to holders of `view_rotations` over EITHER side (the organization the
  cadre left or the one they went to); recording one needs `manage_rotations` over BOTH
  sides (and the cadres app's `manage_cadres` checks inside appointment_transfer).
- Plans and plan items: the plan's organization.
- Second-line records, assignments, leave, absences: the cadre's organization,
  with `view_secondline` / `manage_secondline`. A unit head (a user whose linked cadre
  currently holds a 一把手 post of the unit) also sees the unit's second-line cadres and
  leave requests (the `extra` widening), so they can approve leave.
- Annual assessments (年度考核) are the general `cadres.AnnualAssessment`, recorded for a
  second-line cadre through `services.assessment_record` (which adds the second-line checks).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cadre_supervision.history import track_history
from cadre_supervision.permissions import HEADED, AnyOf, Scope, ScopedManager, personal_q

from .choices import (
    AssignmentStatus,
    DueRule,
    ExchangeKind,
    ExchangeReason,
    LeaveKind,
    LeaveStatus,
    PlanItemStatus,
    SecondLineRole,
    SecondLineStatus,
    WorkStatus,
)

# Statistics ("stats"): aggregates over the units where the user reads rotations (or
# second-line cadres) or statistics.
ROTATION_PERMS = {
    "view": "view_rotations",
    "change": "manage_rotations",
    "stats": AnyOf("view_rotations", "view_stats"),
}


def _unit_head_extra(path: str):
    def extra(user, action):
        if action != "view":
            return None
        return personal_q(user, HEADED, path)

    return extra


# Records hanging off a second-line cadre's record (assignments, leave, absences):
# second-line permissions over the cadre's unit, plus the unit's head for viewing.
SECOND_LINE_RECORD_SCOPE = Scope(
    org_field="record__cadre__organization",
    perms={"view": "view_secondline", "change": "manage_secondline"},
    extra=_unit_head_extra("record__cadre__organization_id"),
)


@track_history()
class Exchange(models.Model):
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="exchanges"
    )
    kind = models.CharField(_("交流类型"), max_length=30, choices=ExchangeKind.choices)
    reason = models.CharField(_("交流原因"), max_length=20, choices=ExchangeReason.choices)
    from_post = models.ForeignKey(
        "cadres.Post", verbose_name=_("原岗位"), on_delete=models.PROTECT, related_name="+"
    )
    to_post = models.ForeignKey(
        "cadres.Post", verbose_name=_("新岗位"), on_delete=models.PROTECT, related_name="+"
    )
    from_organization = models.ForeignKey(
        "cadres.Organization", verbose_name=_("原单位"), on_delete=models.PROTECT, related_name="+"
    )
    to_organization = models.ForeignKey(
        "cadres.Organization", verbose_name=_("新单位"), on_delete=models.PROTECT, related_name="+"
    )
    from_appointment = models.ForeignKey(
        "cadres.Appointment",
        verbose_name=_("原任职"),
        on_delete=models.PROTECT,
        related_name="exchanges_out",
    )
    new_appointment = models.OneToOneField(
        "cadres.Appointment",
        verbose_name=_("新任职"),
        on_delete=models.PROTECT,
        related_name="exchange_in",
    )
    approval_date = models.DateField(_("批准日期"))
    effective_date = models.DateField(_("生效日期"), db_index=True)
    secondment_end = models.DateField(_("挂职期满"), null=True, blank=True)
    document_no = models.CharField(_("文号"), max_length=60, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    # Denormalised at recording time for the figures (what the posts were then).
    from_top_leader_kind = models.CharField(max_length=10, blank=True, default="", editable=False)
    to_top_leader_kind = models.CharField(max_length=10, blank=True, default="", editable=False)
    from_org_kind = models.CharField(max_length=20, blank=True, default="", editable=False)
    to_org_kind = models.CharField(max_length=20, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    # An exchange is in scope by its old unit or by its new one.
    scope = Scope(org_field=("from_organization", "to_organization"), perms=ROTATION_PERMS)

    class Meta:
        verbose_name = _("交流记录")
        verbose_name_plural = _("交流记录")
        ordering = ["-effective_date", "-id"]
        indexes = [models.Index(fields=["kind", "effective_date"])]

    def __str__(self) -> str:
        return f"{self.cadre.name}：{self.from_post.title}→{self.to_post}"

    def get_absolute_url(self) -> str:
        return reverse("rotations:exchange_detail", args=[self.pk])


@track_history()
class AvoidanceCase(models.Model):
    """任职回避 raised by hand: puts the cadre on the due list until resolved."""

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="avoidance_cases"
    )
    organization = models.ForeignKey(
        "cadres.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("回避事由"))
    raised_on = models.DateField(_("提出日期"))
    resolved_on = models.DateField(_("解决日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()
    scope = Scope(org_field="organization", perms=ROTATION_PERMS)

    class Meta:
        verbose_name = _("任职回避")
        verbose_name_plural = _("任职回避")
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return f"{self.cadre.name} 回避"


@track_history()
class RotationPlan(models.Model):
    organization = models.ForeignKey(
        "cadres.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="rotation_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=100, blank=True)
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope = Scope(org_field="organization", perms=ROTATION_PERMS)

    class Meta:
        verbose_name = _("轮岗交流计划")
        verbose_name_plural = _("轮岗交流计划")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="rotation_plan_once_a_year")
        ]

    def __str__(self) -> str:
        return self.title or f"{self.organization.name}{self.year}年度轮岗交流计划"

    def get_absolute_url(self) -> str:
        return reverse("rotations:plan_detail", args=[self.pk])


@track_history()
class PlanItem(models.Model):
    plan = models.ForeignKey(
        RotationPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="items"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="plan_items"
    )
    post = models.ForeignKey(
        "cadres.Post",
        verbose_name=_("现岗位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rule = models.CharField(_("触发规则"), max_length=20, choices=DueRule.choices, blank=True)
    due_date = models.DateField(_("到期日"), null=True, blank=True)
    planned_kind = models.CharField(_("拟交流类型"), max_length=30, choices=ExchangeKind.choices, blank=True)
    target_note = models.CharField(_("拟交流去向"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=PlanItemStatus.choices, default=PlanItemStatus.PLANNED
    )
    exchange = models.OneToOneField(
        Exchange,
        verbose_name=_("交流记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_item",
    )
    notes = models.TextField(_("备注"), blank=True)

    objects = ScopedManager()
    scope = Scope(
        org_field="plan__organization", perms={"view": "view_rotations", "change": "manage_rotations"}
    )

    class Meta:
        verbose_name = _("计划人选")
        verbose_name_plural = _("计划人选")
        ordering = ["plan", "due_date", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "cadre"], name="plan_item_cadre_once")]

    def __str__(self) -> str:
        return f"{self.cadre.name}（{self.plan}）"

    def get_absolute_url(self) -> str:
        return reverse("rotations:plan_detail", args=[self.plan_id]) + f"#item-{self.pk}"


@track_history()
class SecondLineRecord(models.Model):
    """A cadre on the second line (改任非领导职务)."""

    cadre = models.OneToOneField(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="second_line"
    )
    former_post = models.ForeignKey(
        "cadres.Post",
        verbose_name=_("原领导职务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    moved_on = models.DateField(_("退出领导岗位日期"))
    non_leading_title = models.CharField(_("改任职务（职级）"), max_length=60, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=SecondLineStatus.choices, default=SecondLineStatus.ACTIVE
    )
    work_status = models.CharField(
        _("在岗情况"), max_length=20, choices=WorkStatus.choices, default=WorkStatus.IDLE
    )
    willing_to_serve = models.BooleanField(_("愿意承担工作"), default=False)
    preferred_roles = ArrayField(
        models.CharField(max_length=30, choices=SecondLineRole.choices),
        verbose_name=_("意向岗位"),
        default=list,
        blank=True,
    )
    preference_note = models.CharField(_("意向说明"), max_length=200, blank=True)
    health_note = models.CharField(_("身体状况"), max_length=100, blank=True)
    early_retirement_date = models.DateField(_("离岗退养日期"), null=True, blank=True)
    early_retirement_approved_on = models.DateField(_("离岗退养批准日期"), null=True, blank=True)
    early_retirement_approval = models.CharField(_("批准文号/批准机关"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope = Scope(
        org_field="cadre__organization",
        perms={
            "view": "view_secondline",
            "change": "manage_secondline",
            "stats": AnyOf("view_secondline", "view_stats"),
        },
        extra=_unit_head_extra("cadre__organization_id"),
    )

    class Meta:
        verbose_name = _("二线干部")
        verbose_name_plural = _("二线干部")
        ordering = ["cadre__organization__path", "cadre__name", "id"]

    def __str__(self) -> str:
        return f"{self.cadre.name}（二线）"

    def get_absolute_url(self) -> str:
        return reverse("rotations:secondline_detail", args=[self.pk])


@track_history()
class Opening(models.Model):
    """A role a unit or the organization department offers to second-line cadres."""

    organization = models.ForeignKey(
        "cadres.Organization", verbose_name=_("发布单位"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("岗位类型"), max_length=30, choices=SecondLineRole.choices)
    title = models.CharField(_("岗位名称"), max_length=100)
    description = models.TextField(_("工作内容"), blank=True)
    slots = models.PositiveSmallIntegerField(_("人数"), default=1)
    is_open = models.BooleanField(_("开放中"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope = Scope(org_field="organization", perms={"view": "view_secondline", "change": "manage_secondline"})

    class Meta:
        verbose_name = _("二线干部岗位需求")
        verbose_name_plural = _("二线干部岗位需求")
        ordering = ["-is_open", "organization__path", "id"]

    def __str__(self) -> str:
        return f"{self.organization.name}：{self.title}"


@track_history()
class Assignment(models.Model):
    record = models.ForeignKey(
        SecondLineRecord, verbose_name=_("二线干部"), on_delete=models.PROTECT, related_name="assignments"
    )
    opening = models.ForeignKey(
        Opening,
        verbose_name=_("岗位需求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("岗位类型"), max_length=30, choices=SecondLineRole.choices)
    organization = models.ForeignKey(
        "cadres.Organization", verbose_name=_("服务单位"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("工作内容"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.PROPOSED
    )
    cadre_agreed = models.BooleanField(_("本人同意"), default=False)
    unit_agreed = models.BooleanField(_("用人单位同意"), default=False)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    mentees = models.ManyToManyField(
        "cadres.Cadre", verbose_name=_("帮带对象"), blank=True, related_name="second_line_mentors"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope = SECOND_LINE_RECORD_SCOPE

    class Meta:
        verbose_name = _("二线干部工作安排")
        verbose_name_plural = _("二线干部工作安排")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.record.cadre.name}：{self.get_role_display()}"

    def get_absolute_url(self) -> str:
        return reverse("rotations:secondline_detail", args=[self.record_id]) + f"#assignment-{self.pk}"


@track_history()
class LeaveRequest(models.Model):
    record = models.ForeignKey(
        SecondLineRecord, verbose_name=_("二线干部"), on_delete=models.PROTECT, related_name="leave_requests"
    )
    kind = models.CharField(_("假别"), max_length=20, choices=LeaveKind.choices, default=LeaveKind.PERSONAL)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    reason = models.CharField(_("事由"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=20, choices=LeaveStatus.choices, default=LeaveStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    returned_on = models.DateField(_("销假日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope = SECOND_LINE_RECORD_SCOPE

    class Meta:
        verbose_name = _("请销假")
        verbose_name_plural = _("请销假")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="leave_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record.cadre.name} {self.start_date}至{self.end_date}"

    def get_absolute_url(self) -> str:
        return reverse("rotations:secondline_detail", args=[self.record_id]) + f"#leave-{self.pk}"


@track_history()
class Absence(models.Model):
    """A day a second-line cadre was away without approved leave (擅自离岗)."""

    record = models.ForeignKey(
        SecondLineRecord, verbose_name=_("二线干部"), on_delete=models.PROTECT, related_name="absences"
    )
    date = models.DateField(_("日期"))
    note = models.CharField(_("情况说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope = SECOND_LINE_RECORD_SCOPE

    class Meta:
        verbose_name = _("未请假缺勤")
        verbose_name_plural = _("未请假缺勤")
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["record", "date"], name="absence_once_a_day")]

    def __str__(self) -> str:
        return f"{self.record.cadre.name} {self.date} 未请假缺勤"


class DueSnapshot(models.Model):
    """One materialisation of the rotation due list as of `on` (the statistics read it instead of
    computing the due list per request). Derived data, not a supervision record: no history.

    Written only by `services.due_snapshot_refresh` (the daily sweep's step "rotations.due_snapshot",
    or synchronously by the first statistics request that finds it missing or stale). It is
    fresh while it was computed today (`computed_on`), with today's thresholds, not marked
    `stale` (an exchange recorded marks it) and with the same `fingerprint` (the latest history
    event of appointments, posts, cadres and organizations: any write to them, bulk updates
    included, changes it)."""

    on = models.DateField(_("统计日期"), unique=True)
    computed_on = models.DateField(_("计算日"))
    refreshed_at = models.DateTimeField(_("刷新时间"))
    refresh_seconds = models.FloatField(_("刷新耗时（秒）"))
    thresholds = models.JSONField(_("阈值"))
    fingerprint = models.JSONField(_("数据版本"))
    items = models.PositiveIntegerField(_("到期条数"), default=0)
    stale = models.BooleanField(_("已过期"), default=False)

    class Meta:
        verbose_name = _("到期名单快照")
        verbose_name_plural = _("到期名单快照")

    def __str__(self) -> str:
        return f"到期名单快照 {self.on}"


class DueSnapshotItem(models.Model):
    """One row of the due list as computed for the whole city (the rule findings only; hand-raised
    avoidance cases are merged at read time with the reader's scope, as `due_items` does).
    Read through `Appointment.objects.restrict()` on the appointment it points to."""

    snapshot = models.ForeignKey(DueSnapshot, on_delete=models.CASCADE, related_name="rows")
    appointment = models.ForeignKey("cadres.Appointment", on_delete=models.CASCADE, related_name="+")
    cadre = models.ForeignKey("cadres.Cadre", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("cadres.Post", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("cadres.Organization", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10)
    mandatory_date = models.DateField()
    rules = ArrayField(models.CharField(max_length=30), default=list)

    class Meta:
        verbose_name = _("到期名单快照条目")
        verbose_name_plural = _("到期名单快照条目")
        indexes = [models.Index(fields=["snapshot", "organization"])]

    def __str__(self) -> str:
        return f"{self.snapshot.on} {self.cadre_id}:{self.post_id}"
