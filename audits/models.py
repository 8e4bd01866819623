"""三责联审: joint audits of a 一把手's (or a key deputy's) use of people, staffing quota and
money; their streams, team, files, findings and rectification.

Scoping: every record is scoped by the audited appointment's organization (`Audit.organization`,
set by the service from the appointment). Audit-team members see the audits they are members
of; a single file can be shared with one named discipline officer until a moment in time
(guardian direct-FK object permission + share row holding the expiry).
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from cadre_supervision.history import track_history
from cadre_supervision.people import display_name
from cadre_supervision.permissions import AnyOf, Scope, ScopedQuerySet

from .choices import (
    AuditKind,
    AuditStatus,
    Conclusion,
    FileKind,
    LeadAgency,
    MemberRole,
    RectState,
    Severity,
    Stream,
)

# --- scope exceptions ---------------------------------------------------------------------------


def _team_audit_ids(user, action: str):
    qs = AuditMember.objects.filter(user=user)
    if action != "view":
        qs = qs.exclude(role=MemberRole.OBSERVER)
    return qs.values("audit_id")


def audit_extra(user, action: str) -> Q | None:
    return Q(pk__in=_team_audit_ids(user, action))


def audit_child_extra(user, action: str) -> Q | None:
    return Q(audit_id__in=_team_audit_ids(user, action))


def finding_extra(user, action: str) -> Q | None:
    q = Q(audit_id__in=_team_audit_ids(user, action))
    if action == "view":
        # The responsible person (if they have an account) follows their own findings.
        q |= Q(responsible_cadre__user=user)
    return q


def step_extra(user, action: str) -> Q | None:
    return Q(finding__audit_id__in=_team_audit_ids(user, action))


def file_extra(user, action: str) -> Q | None:
    q = Q(audit_id__in=_team_audit_ids(user, action))
    if action == "view":
        # A file shared with this officer: the guardian grant AND an unexpired share row.
        # Compared with now() at request time, so access ends by itself at the expiry.
        granted = AuditFileUserObjectPermission.objects.filter(
            user=user, permission__codename="view_auditfile"
        ).values("content_object_id")
        live = AuditFileShare.objects.active().filter(officer=user).values("file_id")
        q |= Q(pk__in=granted) & Q(pk__in=live)
    return q


AUDIT_PERMS = {
    "view": "view_audits",
    "change": "manage_audits",
    # Statistics: aggregates over the units where the user reads audits or statistics.
    "stats": AnyOf("view_audits", "view_stats"),
}


# --- private storage: never under a public URL --------------------------------------------------


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under MEDIA_ROOT/private/, served only by the checked, logged download views."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return os.path.join(settings.MEDIA_ROOT, "private")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):  # pragma: no cover - there is deliberately no public URL
        raise ValueError("审计档案没有公开地址，请通过下载页面访问。")

    def __eq__(self, other):
        return isinstance(other, PrivateStorage)


private_storage = PrivateStorage()


def audit_file_path(instance: AuditFile, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()
    return f"audits/{instance.audit_id}/{uuid.uuid4().hex}{ext}"


# --- audits ---------------------------------------------------------------------------------


class AuditQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("cadre", "organization", "appointment__post")


@track_history()
class Audit(models.Model):
    title = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("审计类型"), max_length=20, choices=AuditKind.choices)
    year = models.PositiveSmallIntegerField(_("计划年度"), db_index=True)
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("被审计干部"), on_delete=models.PROTECT, related_name="audits"
    )
    appointment = models.ForeignKey(
        "cadres.Appointment", verbose_name=_("被审计任职"), on_delete=models.PROTECT, related_name="audits"
    )
    # Denormalised from the appointment's post: the scoping field.
    organization = models.ForeignKey(
        "cadres.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="audits"
    )
    is_top_leader = models.BooleanField(_("一把手"), default=True)
    period_start = models.DateField(_("审计期间起"))
    period_end = models.DateField(_("审计期间止"))
    status = models.CharField(
        _("状态"), max_length=20, choices=AuditStatus.choices, default=AuditStatus.PLANNED, db_index=True
    )
    planned_date = models.DateField(_("列入计划日期"))
    notified_date = models.DateField(_("下达通知日期"), null=True, blank=True)
    fieldwork_date = models.DateField(_("进点审计日期"), null=True, blank=True)
    report_date = models.DateField(_("出具报告日期"), null=True, blank=True)
    rectification_date = models.DateField(_("进入整改日期"), null=True, blank=True)
    closed_date = models.DateField(_("办结日期"), null=True, blank=True)
    overall_conclusion = models.CharField(
        _("总体评价"), max_length=20, choices=Conclusion.choices, blank=True
    )
    overall_summary = models.TextField(_("总体结论"), blank=True)
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = models.Manager.from_queryset(AuditQuerySet)()
    scope = Scope(org_field="organization", perms=AUDIT_PERMS, extra=audit_extra)

    class Meta:
        verbose_name = _("三责联审")
        verbose_name_plural = _("三责联审")
        ordering = ["-year", "-planned_date", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["cadre", "fieldwork_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="audit_period_order"
            ),
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(kind="departure"),
                name="audit_one_departure_per_appointment",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("audits:audit_detail", args=[self.pk])

    @property
    def status_date(self):
        from .rules import STATUS_DATE_FIELD

        return getattr(self, STATUS_DATE_FIELD[self.status])

    @property
    def is_closed(self) -> bool:
        return self.status == AuditStatus.CLOSED


@track_history()
class AuditStream(models.Model):
    """One of the three streams (用人 / 用编 / 用钱) with its lead agency and conclusion."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="streams")
    stream = models.CharField(_("审计事项"), max_length=20, choices=Stream.choices)
    lead_agency = models.CharField(_("牵头单位"), max_length=20, choices=LeadAgency.choices)
    conclusion = models.CharField(_("评价"), max_length=20, choices=Conclusion.choices, blank=True)
    conclusion_text = models.TextField(_("结论"), blank=True)

    objects = models.Manager.from_queryset(ScopedQuerySet)()
    scope = Scope(org_field="audit__organization", perms=AUDIT_PERMS, extra=audit_child_extra)

    class Meta:
        verbose_name = _("联审事项")
        verbose_name_plural = _("联审事项")
        ordering = ["audit", "id"]
        constraints = [models.UniqueConstraint(fields=["audit", "stream"], name="audit_stream_unique")]

    def __str__(self) -> str:
        return f"{self.audit} · {self.get_stream_display()}"

    def get_absolute_url(self) -> str:
        return self.audit.get_absolute_url() + f"#stream-{self.stream}"


@track_history()
class AuditMember(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="members")
    stream = models.ForeignKey(
        AuditStream,
        verbose_name=_("所在事项组"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="members",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员账号"),
        on_delete=models.PROTECT,
        related_name="audit_memberships",
    )
    role = models.CharField(_("角色"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    agency = models.CharField(_("所在单位"), max_length=60, blank=True)

    objects = models.Manager.from_queryset(ScopedQuerySet)()
    scope = Scope(org_field="audit__organization", perms=AUDIT_PERMS, extra=audit_child_extra)

    class Meta:
        verbose_name = _("联审组成员")
        verbose_name_plural = _("联审组成员")
        ordering = ["audit", "stream", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["audit", "user"], name="audit_member_unique")]

    def __str__(self) -> str:
        return f"{display_name(self.user)}（{self.get_role_display()}）"


# --- findings and rectification --------------------------------------------------------------


class FindingQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related(
            "audit", "audit__cadre", "audit__organization", "stream", "responsible_cadre", "verified_by"
        )

    def unverified(self):
        return self.exclude(state=RectState.VERIFIED)

    def overdue(self, today):
        return self.unverified().filter(due_date__lt=today)


@track_history()
class Finding(models.Model):
    audit = models.ForeignKey(
        Audit, verbose_name=_("所属联审"), on_delete=models.PROTECT, related_name="findings"
    )
    stream = models.ForeignKey(
        AuditStream, verbose_name=_("审计事项"), on_delete=models.PROTECT, related_name="findings"
    )
    description = models.TextField(_("问题描述"))
    severity = models.CharField(
        _("严重程度"), max_length=20, choices=Severity.choices, default=Severity.MINOR
    )
    responsible_cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_findings",
    )
    responsible_name = models.CharField(_("责任人（姓名或职务）"), max_length=100, blank=True)
    rectification_required = models.TextField(_("整改要求"))
    due_date = models.DateField(_("整改期限"), db_index=True)
    state = models.CharField(
        _("整改状态"), max_length=20, choices=RectState.choices, default=RectState.OPEN, db_index=True
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = models.Manager.from_queryset(FindingQuerySet)()
    scope = Scope(org_field="audit__organization", perms=AUDIT_PERMS, extra=finding_extra)

    class Meta:
        verbose_name = _("审计发现问题")
        verbose_name_plural = _("审计发现问题")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="verified")
                | (Q(verified_by__isnull=False) & Q(verified_at__isnull=False)),
                name="finding_verified_has_verifier",
            )
        ]

    def __str__(self) -> str:
        text = self.description.strip().splitlines()[0] if self.description.strip() else ""
        return f"{self.get_stream_label()}问题：{text[:30]}"

    def get_stream_label(self) -> str:
        return self.stream.get_stream_display() if self.stream_id else ""

    def get_absolute_url(self) -> str:
        return reverse("audits:finding_detail", args=[self.pk])

    @property
    def responsible_display(self) -> str:
        if self.responsible_cadre_id:
            return self.responsible_cadre.name + (
                f"（{self.responsible_name}）" if self.responsible_name else ""
            )
        return self.responsible_name

    def is_overdue(self, today=None) -> bool:
        from .rules import is_overdue

        return is_overdue(self.state, self.due_date, today or timezone.localdate())


@track_history()
class RectificationStep(models.Model):
    """One move of a finding's rectification (who, when, from → to, note). Append-only."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="steps")
    from_state = models.CharField(_("原状态"), max_length=20, choices=RectState.choices)
    to_state = models.CharField(_("新状态"), max_length=20, choices=RectState.choices)
    note = models.TextField(_("说明"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = models.Manager.from_queryset(ScopedQuerySet)()
    scope = Scope(org_field="finding__audit__organization", perms=AUDIT_PERMS, extra=step_extra)

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["finding", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


# --- files ------------------------------------------------------------------------------------


class AuditFileQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("audit", "audit__cadre", "uploaded_by")


@track_history()
class AuditFile(models.Model):
    audit = models.ForeignKey(
        Audit, verbose_name=_("所属联审"), on_delete=models.PROTECT, related_name="files"
    )
    kind = models.CharField(_("材料类型"), max_length=20, choices=FileKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(_("文件"), storage=private_storage, upload_to=audit_file_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100, blank=True)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = models.Manager.from_queryset(AuditFileQuerySet)()
    scope = Scope(org_field="audit__organization", perms=AUDIT_PERMS, extra=file_extra)

    class Meta:
        verbose_name = _("审计档案文件")
        verbose_name_plural = _("审计档案文件")
        ordering = ["audit", "kind", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("audits:file_download", args=[self.pk])


class AuditFileUserObjectPermission(UserObjectPermissionBase):
    """guardian's direct-FK table for single-file grants (a share with one officer)."""

    content_object = models.ForeignKey(AuditFile, on_delete=models.CASCADE)


class AuditFileShareQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


@track_history()
class AuditFileShare(models.Model):
    """A single file shared with one named discipline officer until `expires_at`."""

    file = models.ForeignKey(AuditFile, on_delete=models.CASCADE, related_name="shares")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("共享给"),
        on_delete=models.CASCADE,
        related_name="audit_file_shares",
    )
    expires_at = models.DateTimeField(_("共享截止时间"))
    reason = models.CharField(_("共享事由"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = AuditFileShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计档案共享")
        verbose_name_plural = _("审计档案共享")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["file", "officer"], name="audit_file_share_unique")]

    def __str__(self) -> str:
        return f"{self.file} → {self.officer}"

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
