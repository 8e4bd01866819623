"""Shared records: the sensitive-read access log, policy settings, notifications, export jobs."""

import uuid

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    """Append-only log of sensitive reads and exports.

    Names are denormalised so entries survive deletion of the user or the record.
    """

    class Action(models.TextChoices):
        VIEW_CITIZEN_ID = "view_citizen_id", _("查看完整身份证号")
        EXPORT = "export", _("导出")
        VIEW_INTEGRITY_FILE = "view_integrity_file", _("查看廉政档案")
        VIEW_REPORT = "view_report", _("查看个人有关事项报告")
        DOWNLOAD_FILE = "download_file", _("下载文件")
        VIEW_AUDIT_FILE = "view_audit_file", _("查看审计档案")
        VIEW_INTERVIEW = "view_interview", _("查看谈话记录")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        PERMISSION_CHANGE = "permission_change", _("权限变更")
        OTHER = "other", _("其他")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("用户名"), max_length=150)
    action = models.CharField(_("操作"), max_length=40, choices=Action.choices)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("敏感访问日志")
        verbose_name_plural = _("敏感访问日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        triggers = [
            pgtrigger.Protect(name="access_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"


class PolicySetting(models.Model):
    """An administrator's override of a registered policy default (see cadre_supervision.policy)."""

    key = models.CharField(_("键"), max_length=100, unique=True)
    value = models.JSONField(_("值"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class Notification(models.Model):
    """An in-app notification, also the reminder row of the daily sweeps.

    The unique constraint (recipient, kind, period, object) makes a sweep idempotent:
    running it twice, concurrently or after a redelivered task inserts nothing twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=60)
    period = models.CharField(_("周期"), max_length=30, blank=True, default="")
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, default="")
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, default="")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period", "object_type", "object_id"],
                name="notification_once_per_period",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class CalendarFeedToken(models.Model):
    """The secret of a user's due-calendar feed (/calendar/feed/<token>.ics).

    Only the SHA-256 of the token is stored; the token itself is shown once, when it is
    made. Regenerating replaces it (the old address stops working); revoking deletes it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_token"
    )
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近订阅时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("日历订阅令牌")
        verbose_name_plural = _("日历订阅令牌")

    def __str__(self) -> str:
        return f"{self.user_id}"


class ExportJob(models.Model):
    """A file of a whole scope built in the background (cadre_supervision.exports): requested
    by one user, for that user only. The file lives encrypted under MEDIA_ROOT/exports/<token>
    until `expires_at`; `token` (random) is the job's name in every URL.

    At most one queued or running job per (user, kind, params): the same request made again
    while it is pending is answered with that job (a partial unique constraint)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        EXPIRED = "expired", _("已过期")

    PENDING = (Status.QUEUED, Status.RUNNING)

    token = models.UUIDField(_("令牌"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(_("导出类型"), max_length=60)
    label = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"), default=0)
    error = models.CharField(_("失败原因"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("生成次数"), default=0)
    # What each download writes to the access log: {"object_type", "object_repr", "detail"}.
    access = models.JSONField(_("下载时记入访问日志的内容"), default=dict, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始生成时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    downloads = models.PositiveIntegerField(_("下载次数"), default=0)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="export_job_user_newest"),
            models.Index(fields=["status", "created_at"], name="export_job_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "params"],
                condition=Q(status__in=["queued", "running"]),
                name="export_job_one_pending",
            )
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("export_job", args=[self.token])

    @property
    def shown_status(self) -> str:
        """The status as the user sees it now (a done job past its time is 已过期)."""
        from django.utils import timezone

        from .exports import shown_status

        return shown_status(self.status, self.expires_at, timezone.now())

    @property
    def shown_status_label(self) -> str:
        return str(self.Status(self.shown_status).label)

    @property
    def downloadable(self) -> bool:
        return self.shown_status == self.Status.DONE

    @property
    def pending(self) -> bool:
        return self.status in self.PENDING
