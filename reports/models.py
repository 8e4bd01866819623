"""Personal-matter reports (领导干部报告个人有关事项): catalogue, yearly cycles, reports and
their versions, verification (查核), promotion candidates and publicity, major matters.

Confidentiality: report contents (versions, answers, entries, major-matter reports) are
visible only through `PersonalReport.objects.restrict(user, "view")`: organization staff
holding `view_personal_reports` over the cadre's organization, verifiers assigned to the
report, and the cadre (Cadre.user). Statistics go through the "stats" action
(`view_stats`) and never read amounts or addresses.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadre_supervision.history import track_history
from cadre_supervision.permissions import AnyOf, Scope, ScopedManager

from . import rules
from .choices import (
    Circle,
    DisplayStatus,
    EvidenceSource,
    Handling,
    ItemCategory,
    MajorMatterKind,
    Outcome,
    ReportKind,
    ReportStatus,
    VerificationKind,
    VerificationStatus,
    VersionStatus,
)

# --- scope exceptions --------------------------------------------------------------------------


def _authed(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def report_extra(user, action: str) -> Q | None:
    """The cadre sees (and, while a draft, edits) their own reports; an assigned verifier
    sees the contents of the report assigned to them."""
    if not _authed(user):
        return None
    if action == "view":
        assigned = VerificationAssignment.objects.filter(user=user).values("verification__report_id")
        return Q(cadre__user=user) | Q(pk__in=assigned)
    if action == "change":
        return Q(cadre__user=user)
    return None


def verification_extra(user, action: str) -> Q | None:
    if not _authed(user) or action not in ("view", "change"):
        return None
    return Q(pk__in=VerificationAssignment.objects.filter(user=user).values("verification_id"))


def major_extra(user, action: str) -> Q | None:
    if not _authed(user) or action != "view":
        return None
    return Q(cadre__user=user)


REPORT_PERMS = {
    "view": "view_personal_reports",
    "change": "manage_personal_reports",
    "stats": "view_stats",
    # Warnings on the integrity file and the cadre page: report readers and integrity readers.
    "integrity": AnyOf("view_personal_reports", "view_integrity"),
}


# --- catalogue ---------------------------------------------------------------------------------


@track_history()
class CatalogueVersion(models.Model):
    """A version of the item catalogue (e.g. the 2017 regulation); a cycle uses the latest
    version effective on its year."""

    code = models.CharField(_("版本"), max_length=20, unique=True)
    title = models.CharField(_("依据"), max_length=200)
    effective_from = models.PositiveSmallIntegerField(_("自该年度起适用"))

    class Meta:
        verbose_name = _("报告事项目录版本")
        verbose_name_plural = _("报告事项目录版本")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


@track_history()
class ReportItem(models.Model):
    """One reportable item; `fields` describes its structured entries (data, not code):
    [{"key", "label", "type": text|choice|date|date_in_year|amount|share|area,
      "required", "identity", "options"}]."""

    catalogue = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("编码"), max_length=10)
    number = models.PositiveSmallIntegerField(_("序号"))
    category = models.CharField(_("类别"), max_length=10, choices=ItemCategory.choices)
    title = models.CharField(_("事项"), max_length=200)
    fields = models.JSONField(_("填报栏目"), default=list)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("报告事项")
        verbose_name_plural = _("报告事项")
        ordering = ["catalogue", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["catalogue", "code"], name="report_item_code_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def short_title(self) -> str:
        return self.title if len(self.title) <= 24 else self.title[:24] + "…"


# --- cycles and reports ------------------------------------------------------------------------


@track_history()
class ReportCycle(models.Model):
    year = models.PositiveSmallIntegerField(_("报告年度"), unique=True)
    reference_date = models.DateField(_("确定报告对象的日期"), help_text=_("该日在册的市管干部须报告"))
    deadline = models.DateField(_("报告截止日期"))
    catalogue = models.ForeignKey(
        CatalogueVersion, verbose_name=_("事项目录"), on_delete=models.PROTECT, related_name="cycles"
    )
    notes = models.TextField(_("说明"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("启动时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年度报告周期")
        verbose_name_plural = _("年度报告周期")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年度个人有关事项报告"

    def get_absolute_url(self) -> str:
        return reverse("reports:cycle_detail", args=[self.pk])


@track_history()
class PersonalReport(models.Model):
    """A cadre's report for one year (annual, in a cycle) or as a promotion candidate.

    Its contents live in versions; a submitted version is locked; a correction is a new
    version with its reason. `current_version` is the latest submitted version."""

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="personal_reports"
    )
    kind = models.CharField(
        _("报告类型"), max_length=20, choices=ReportKind.choices, default=ReportKind.ANNUAL
    )
    cycle = models.ForeignKey(
        ReportCycle,
        verbose_name=_("报告周期"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    year = models.PositiveSmallIntegerField(_("报告年度"))
    catalogue = models.ForeignKey(CatalogueVersion, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NOT_STARTED
    )
    deadline = models.DateField(_("截止日期"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    current_version = models.ForeignKey(
        "ReportVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope = Scope(org_field="cadre__organization", perms=REPORT_PERMS, extra=report_extra)

    class Meta:
        verbose_name = _("个人有关事项报告")
        verbose_name_plural = _("个人有关事项报告")
        ordering = ["-year", "cadre__organization__path", "cadre__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "cadre"], condition=Q(cycle__isnull=False), name="report_once_per_cycle"
            ),
            models.CheckConstraint(
                condition=Q(kind=ReportKind.CANDIDATE) | Q(cycle__isnull=False),
                name="annual_report_has_cycle",
            ),
        ]
        indexes = [models.Index(fields=["cycle", "status"]), models.Index(fields=["cadre", "year"])]

    def __str__(self) -> str:
        if self.kind == ReportKind.CANDIDATE:
            return f"{self.cadre.name} {self.year}年拟提拔人选个人有关事项报告表"
        return f"{self.cadre.name} {self.year}年度个人有关事项报告"

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", args=[self.pk])

    def display_status(self, today: dt.date | None = None) -> str:
        submitted_on = timezone.localdate(self.first_submitted_at) if self.first_submitted_at else None
        return rules.display_status(self.status, submitted_on, self.deadline, today or timezone.localdate())

    def get_display_status_display(self) -> str:
        return str(DisplayStatus(self.display_status()).label)

    @property
    def is_late(self) -> bool:
        return self.display_status() in (DisplayStatus.SUBMITTED_LATE, DisplayStatus.OVERDUE)


@track_history()
class ReportVersion(models.Model):
    report = models.ForeignKey(PersonalReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    correction_reason = models.TextField(_("更正理由"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on_behalf = models.BooleanField(_("组织代为填报"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("报告版本")
        verbose_name_plural = _("报告版本")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_number_unique"),
            models.UniqueConstraint(
                fields=["report"], condition=Q(status="draft"), name="report_one_open_draft"
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(correction_reason=""), name="correction_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} 第{self.number}版"

    @property
    def is_locked(self) -> bool:
        return self.status == VersionStatus.SUBMITTED


@track_history()
class ItemAnswer(models.Model):
    """The answer to one catalogue item in one version: explicit "nothing to report" or
    one or more entries."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ReportItem, on_delete=models.PROTECT, related_name="+")
    nothing_to_report = models.BooleanField(_("无此类情况"), default=False)

    class Meta:
        verbose_name = _("事项填报")
        verbose_name_plural = _("事项填报")
        ordering = ["version", "item__sort_order"]
        constraints = [models.UniqueConstraint(fields=["version", "item"], name="answer_once_per_item")]

    def __str__(self) -> str:
        return f"{self.version} {self.item.code}"


@track_history()
class ReportEntry(models.Model):
    answer = models.ForeignKey(ItemAnswer, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(_("内容"), default=dict)

    class Meta:
        verbose_name = _("填报条目")
        verbose_name_plural = _("填报条目")
        ordering = ["answer", "position", "id"]

    def __str__(self) -> str:
        return f"{self.answer} #{self.position}"


# --- verification ------------------------------------------------------------------------------


@track_history()
class SampleDraw(models.Model):
    """The yearly random draw. The seed, the pool and the exclusions are stored so anyone can
    re-run `rules.draw_sample` and get the same sample."""

    cycle = models.OneToOneField(
        ReportCycle, verbose_name=_("报告周期"), on_delete=models.PROTECT, related_name="draw"
    )
    seed = models.CharField(_("随机种子"), max_length=64)
    share_percent = models.DecimalField(_("抽查比例（%）"), max_digits=5, decimal_places=2)
    pool = models.JSONField(_("抽取池（干部编号）"), default=list)
    excluded = models.JSONField(_("上年已抽中而排除（干部编号）"), default=list)
    selected = models.JSONField(_("抽中（干部编号）"), default=list)
    repeat_allowed = models.BooleanField(_("因抽取池过小而允许连续抽中"), default=False)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("随机抽查抽取")
        verbose_name_plural = _("随机抽查抽取")
        ordering = ["-cycle__year"]

    def __str__(self) -> str:
        return f"{self.cycle.year}年度随机抽查（种子 {self.seed}）"

    def get_absolute_url(self) -> str:
        return reverse("reports:sample_draw", args=[self.cycle_id])


@track_history()
class Verification(models.Model):
    report = models.ForeignKey(
        PersonalReport, verbose_name=_("报告"), on_delete=models.PROTECT, related_name="verifications"
    )
    kind = models.CharField(_("查核类型"), max_length=20, choices=VerificationKind.choices)
    draw = models.ForeignKey(
        SampleDraw, null=True, blank=True, on_delete=models.PROTECT, related_name="verifications"
    )
    # A targeted check is opened for a subject outside this app (a selection candidate, 凡提必核),
    # named by a stable reference; `reports` never imports the app that owns it.
    source_type = models.CharField(_("来源类型"), max_length=40, blank=True)
    source_id = models.PositiveIntegerField(_("来源编号"), null=True, blank=True)
    proposed_post = models.CharField(_("拟任职务"), max_length=200, blank=True)
    legacy = models.JSONField(_("原拟提拔人选记录"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    version = models.ForeignKey(
        ReportVersion,
        verbose_name=_("查核的报告版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("查核结果"), max_length=20, choices=Outcome.choices, blank=True)
    evidence_sources = models.JSONField(_("查核依据来源"), default=list, blank=True)
    handling = models.CharField(_("处理方式"), max_length=20, choices=Handling.choices, blank=True)
    handling_note = models.TextField(_("处理情况说明"), blank=True)
    verifiers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="VerificationAssignment",
        related_name="report_verifications",
        blank=True,
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope = Scope(org_field="report__cadre__organization", perms=REPORT_PERMS, extra=verification_extra)

    class Meta:
        verbose_name = _("查核")
        verbose_name_plural = _("查核")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "report"], condition=Q(draw__isnull=False), name="one_random_check_per_report"
            ),
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="one_check_per_source",
            ),
            models.CheckConstraint(
                condition=Q(kind="random", draw__isnull=False, source_type="")
                | (Q(kind="targeted", draw__isnull=True) & ~Q(source_type="")),
                name="verification_kind_consistent",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | ~Q(outcome=""), name="done_verification_has_outcome"
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return f"{self.report}（{self.get_kind_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("reports:verification_detail", args=[self.pk])

    SOURCE_LABELS = {"selection.candidate": "选拔任用人选", "reports.promotion_candidate": "原拟提拔人选记录"}

    @property
    def source_label(self) -> str:
        """What a targeted check was opened for, e.g. "选拔任用人选 12，拟任副局长"."""
        if not self.source_type:
            return ""
        label = f"{self.SOURCE_LABELS.get(self.source_type, self.source_type)} {self.source_id or ''}".strip()
        return label + (f"，拟任{self.proposed_post}" if self.proposed_post else "")

    @property
    def evidence_source_labels(self) -> list[str]:
        labels = dict(EvidenceSource.choices)
        return [str(labels.get(s, s)) for s in self.evidence_sources]


@track_history()
class VerificationAssignment(models.Model):
    """An explicit grant: this user verifies this report and may read its contents."""

    verification = models.ForeignKey(Verification, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("查核人员")
        verbose_name_plural = _("查核人员")
        constraints = [models.UniqueConstraint(fields=["verification", "user"], name="verifier_once")]

    def __str__(self) -> str:
        return f"{self.verification_id}:{self.user_id}"


@track_history()
class ItemOutcome(models.Model):
    verification = models.ForeignKey(Verification, on_delete=models.CASCADE, related_name="item_outcomes")
    item = models.ForeignKey(ReportItem, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices)
    evidence_source = models.CharField(
        _("依据来源"), max_length=30, choices=EvidenceSource.choices, blank=True
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("事项查核结果")
        verbose_name_plural = _("事项查核结果")
        ordering = ["verification", "item__sort_order"]
        constraints = [models.UniqueConstraint(fields=["verification", "item"], name="item_outcome_once")]

    def __str__(self) -> str:
        return f"{self.item.code} {self.get_outcome_display()}"


# --- major matters -----------------------------------------------------------------------------


@track_history()
class MajorMatterReport(models.Model):
    """重大事项报告 by a 党政正职, at any time; social ties (三圈) are one kind (rule 11)."""

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="major_matter_reports"
    )
    kind = models.CharField(_("事项类别"), max_length=30, choices=MajorMatterKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    occurred_on = models.DateField(_("发生日期"))
    reported_on = models.DateField(_("报告日期"))
    description = models.TextField(_("具体情况"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope = Scope(org_field="cadre__organization", perms=REPORT_PERMS, extra=major_extra)

    class Meta:
        verbose_name = _("重大事项报告")
        verbose_name_plural = _("重大事项报告")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(occurred_on__lte=models.F("reported_on")), name="major_occurred_before_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("reports:major_detail", args=[self.pk])


@track_history()
class SocialTie(models.Model):
    report = models.ForeignKey(MajorMatterReport, on_delete=models.CASCADE, related_name="ties")
    circle = models.CharField(_("圈子"), max_length=20, choices=Circle.choices)
    person = models.CharField(_("交往对象"), max_length=100)
    relation = models.CharField(_("关系"), max_length=100)
    occupation = models.CharField(_("单位及职务（职业）"), max_length=200, blank=True)
    note = models.TextField(_("交往情况"), blank=True)

    class Meta:
        verbose_name = _("社会交往")
        verbose_name_plural = _("社会交往")
        ordering = ["report", "circle", "id"]

    def __str__(self) -> str:
        return f"{self.get_circle_display()} {self.person}"
