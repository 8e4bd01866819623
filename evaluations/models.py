"""阳光评议 campaigns (seven steps, subjects, scores, pledges and rectification), 民主测评 and
关爱提醒函.

Scoping: a campaign by its organizing unit (its steps and artefacts follow it); a subject
(班子 or leader) by the evaluated unit, its scores and action items follow the subject; a
democratic evaluation and a care letter by the cadre's unit at the time.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cadre_supervision.history import track_history
from cadre_supervision.permissions import AnyOf, Scope, ScopedQuerySet

from .choices import DemocraticItem, EvaluatorGroup, Grade, ItemKind, LetterStatus, Step, SubjectKind

PERMS = {
    "view": "view_evaluations",
    "change": "manage_evaluations",
    "stats": AnyOf("view_evaluations", "view_stats"),
    "integrity": AnyOf("view_evaluations", "view_integrity"),
}


def _by(related: str = "+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name=related
    )


@track_history()
class Campaign(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("名称"), max_length=200)
    organization = models.ForeignKey(
        "cadres.Organization", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_by = _by()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(org_field="organization", perms=PERMS)

    class Meta:
        verbose_name = _("阳光评议")
        verbose_name_plural = _("阳光评议")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="evaluation_campaign_once_a_year")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluations:campaign_detail", args=[self.pk])


@track_history()
class CampaignStep(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("环节"), max_length=10, choices=Step.choices)
    order = models.PositiveSmallIntegerField(_("顺序"))
    planned_start = models.DateField(_("计划开始"), null=True, blank=True)
    planned_end = models.DateField(_("计划完成"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    summary = models.TextField(_("工作记录"), blank=True)
    completed_by = _by()

    objects = ScopedQuerySet.as_manager()
    scope = Scope(org_field="campaign__organization", perms=PERMS)

    class Meta:
        verbose_name = _("评议环节")
        verbose_name_plural = _("评议环节")
        ordering = ["campaign", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "step"], name="evaluation_step_once")]

    def __str__(self) -> str:
        return f"{self.campaign.title} {self.get_step_display()}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:campaign_detail", args=[self.campaign_id]) + f"#step-{self.step}"


def attachment_path(instance: StepAttachment, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()
    return f"evaluations/{instance.step.campaign_id}/{uuid.uuid4().hex}{ext}"


@track_history()
class StepAttachment(models.Model):
    step = models.ForeignKey(CampaignStep, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("材料"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"), default=0)
    uploaded_by = _by()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(org_field="step__campaign__organization", perms=PERMS)

    class Meta:
        verbose_name = _("环节材料")
        verbose_name_plural = _("环节材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


@track_history()
class Subject(models.Model):
    """One evaluated team or leader of a campaign; its grade is the result recorded on the
    cadre (one per cadre and year)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="subjects")
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    kind = models.CharField(_("类别"), max_length=10, choices=SubjectKind.choices)
    organization = models.ForeignKey(
        "cadres.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("干部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sunshine_results",
    )
    post_title = models.CharField(_("职务"), max_length=100, blank=True)
    score = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices, blank=True)
    graded_on = models.DateField(_("定等日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(org_field="organization", perms=PERMS)

    class Meta:
        verbose_name = _("评议对象")
        verbose_name_plural = _("评议对象")
        ordering = ["campaign", "organization__path", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year"],
                condition=Q(cadre__isnull=False),
                name="evaluation_leader_once_a_year",
            ),
            models.UniqueConstraint(
                fields=["campaign", "organization"],
                condition=Q(kind=SubjectKind.TEAM),
                name="evaluation_team_once_per_campaign",
            ),
            models.CheckConstraint(
                condition=Q(kind=SubjectKind.TEAM, cadre__isnull=True)
                | Q(kind=SubjectKind.LEADER, cadre__isnull=False),
                name="evaluation_subject_shape",
            ),
        ]

    def __str__(self) -> str:
        who = self.cadre.name if self.cadre_id else "领导班子"
        return f"{self.organization.name} {who}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:subject_detail", args=[self.pk])


@track_history()
class Score(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="scores")
    group = models.CharField(_("评议主体"), max_length=12, choices=EvaluatorGroup.choices)
    score = models.DecimalField(
        _("得分"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    respondents = models.PositiveIntegerField(_("参评人数"), default=0)
    recorded_by = _by()

    objects = ScopedQuerySet.as_manager()
    scope = Scope(org_field="subject__organization", perms=PERMS)

    class Meta:
        verbose_name = _("评议得分")
        verbose_name_plural = _("评议得分")
        ordering = ["subject", "group"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "group"], name="evaluation_score_once_per_group"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="evaluation_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()} {self.score}"


@track_history()
class ActionItem(models.Model):
    """A pledge (诺) or a rectification item (改) of a subject, tracked to done."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("类型"), max_length=10, choices=ItemKind.choices)
    content = models.TextField(_("内容"))
    due_date = models.DateField(_("完成时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    result = models.TextField(_("完成情况"), blank=True)
    created_by = _by()

    objects = ScopedQuerySet.as_manager()
    scope = Scope(org_field="subject__organization", perms=PERMS)

    class Meta:
        verbose_name = _("承诺与整改事项")
        verbose_name_plural = _("承诺与整改事项")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["done_on", "due_date"])]

    def __str__(self) -> str:
        return self.content[:40]

    def get_absolute_url(self) -> str:
        return reverse("evaluations:subject_detail", args=[self.subject_id]) + f"#item-{self.pk}"


@track_history()
class DemocraticEvaluation(models.Model):
    """A 民主测评 of one cadre in one year; its items (三圈 included) are ratings."""

    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("干部"),
        on_delete=models.PROTECT,
        related_name="democratic_evaluations",
    )
    organization = models.ForeignKey(
        "cadres.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    held_on = models.DateField(_("测评日期"))
    participants = models.PositiveIntegerField(_("参评人数"))
    note = models.TextField(_("说明"), blank=True)
    created_by = _by()

    objects = ScopedQuerySet.as_manager()
    scope = Scope(org_field="organization", perms=PERMS)

    class Meta:
        verbose_name = _("民主测评")
        verbose_name_plural = _("民主测评")
        ordering = ["-year", "cadre__name", "id"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="democratic_once_a_year")]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.year}年度民主测评"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:democratic_detail", args=[self.pk])


@track_history()
class DemocraticRating(models.Model):
    evaluation = models.ForeignKey(DemocraticEvaluation, on_delete=models.CASCADE, related_name="ratings")
    item = models.CharField(_("测评项目"), max_length=24, choices=DemocraticItem.choices)
    good = models.PositiveIntegerField(_("好"), default=0)
    fair = models.PositiveIntegerField(_("一般"), default=0)
    poor = models.PositiveIntegerField(_("差"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(org_field="evaluation__organization", perms=PERMS)

    class Meta:
        verbose_name = _("测评项目得票")
        verbose_name_plural = _("测评项目得票")
        ordering = ["evaluation", "id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "item"], name="democratic_item_once")]

    def __str__(self) -> str:
        return self.get_item_display()


@track_history()
class CareLetter(models.Model):
    """A 关爱提醒函: proposed for a weak grade or open warning signals, sent, acknowledged."""

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="care_letters"
    )
    organization = models.ForeignKey(
        "cadres.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=14, choices=LetterStatus.choices, default=LetterStatus.PROPOSED, db_index=True
    )
    reasons = models.JSONField(_("提醒事由"), default=list)
    body = models.TextField(_("函件正文"))
    proposed_on = models.DateField(_("拟发日期"))
    sent_on = models.DateField(_("发送日期"), null=True, blank=True)
    acknowledged_on = models.DateField(_("签收日期"), null=True, blank=True)
    acknowledgement = models.TextField(_("本人说明"), blank=True)
    dismiss_reason = models.CharField(_("不予发送原因"), max_length=200, blank=True)
    created_by = _by()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(org_field="organization", perms=PERMS)

    class Meta:
        verbose_name = _("关爱提醒函")
        verbose_name_plural = _("关爱提醒函")
        ordering = ["-year", "-proposed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year"],
                condition=~Q(status=LetterStatus.DISMISSED),
                name="care_letter_once_a_year",
            )
        ]

    def __str__(self) -> str:
        return f"致{self.cadre.name}的关爱提醒函（{self.year}）"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:letter_detail", args=[self.pk])
