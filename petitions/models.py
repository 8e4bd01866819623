"""Petitions and reports (信访举报): a petition, its reporter (protected), its categories.

- ProblemCategory: the problem categories (data, seeded by a migration).
- Petition: channel, date, the units and cadres it concerns, content, handlers, the disposal
  of its problem clue, deadline, escalation (督办), result and feedback.
- PetitionReporter: the named reporter's identity, in its own table so that no list, export,
  API field, history page or search of petitions can carry it; only the petition's handlers
  read it, and every read is logged.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cadre_supervision.history import track_history
from cadre_supervision.permissions import AnyOf, Scope, ScopedQuerySet, org_q
from cadres.models import Cadre, Organization

from .choices import Channel, Disposal, Result, Status, TalkForm


@track_history()
class ProblemCategory(models.Model):
    code = models.CharField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("问题类别"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


def handler_q(user, prefix: str = "") -> Q:
    """Petitions `user` handles (lead or co-handler)."""
    return Q(**{f"{prefix}handler": user}) | Q(
        **{f"{prefix}pk__in": PetitionCoHandler.objects.filter(user=user).values("petition_id")}
    )


def _petition_extra(user, action):
    if action not in ("view", "change"):
        return None
    q = handler_q(user)
    # Organization staff register and handle the 12380 selection-matter petitions.
    p12380 = org_q(user, "handle_12380", "organization")
    if p12380 is not None:
        q |= Q(channel=Channel.P12380) & p12380
    return q


class PetitionQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(status=Status.CONCLUDED)

    def for_list(self):
        return self.select_related("organization", "handler").prefetch_related("cadres", "categories")


@track_history()
class Petition(models.Model):
    title = models.CharField(_("标题"), max_length=200)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    received_on = models.DateField(_("收件日期"))
    anonymous = models.BooleanField(_("匿名"), default=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("主要涉及单位"), on_delete=models.PROTECT, related_name="petitions"
    )
    cadres = models.ManyToManyField(Cadre, verbose_name=_("被反映人"), blank=True, related_name="petitions")
    categories = models.ManyToManyField(
        ProblemCategory, verbose_name=_("问题类别"), blank=True, related_name="petitions"
    )
    content = models.TextField(_("反映内容"))
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        on_delete=models.PROTECT,
        related_name="petitions_handled",
    )
    co_handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("协办人"),
        through="PetitionCoHandler",
        blank=True,
        related_name="petitions_co_handled",
    )
    deadline = models.DateField(_("办理期限"))
    status = models.CharField(_("办理状态"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    disposal = models.CharField(
        _("处置方式"), max_length=16, choices=Disposal.choices, blank=True, default=""
    )
    disposal_on = models.DateField(_("处置日期"), null=True, blank=True)
    disposal_note = models.TextField(_("处置决定"), blank=True)
    talk_form = models.CharField(
        _("谈话函询方式"), max_length=16, choices=TalkForm.choices, blank=True, default=""
    )
    escalated_on = models.DateField(_("督办日期"), null=True, blank=True)
    escalation_note = models.CharField(_("督办说明"), max_length=200, blank=True)
    result = models.CharField(_("办理结果"), max_length=14, choices=Result.choices, blank=True, default="")
    result_on = models.DateField(_("办结日期"), null=True, blank=True)
    result_note = models.TextField(_("结果说明"), blank=True)
    feedback_on = models.DateField(_("反馈日期"), null=True, blank=True)
    feedback_note = models.TextField(_("反馈情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = models.Manager.from_queryset(PetitionQuerySet)()
    scope = Scope(
        org_field="organization",
        perms={
            "view": "view_petitions",
            "change": "manage_petitions",
            # Aggregates: every petition the user may view, plus units where they hold view_stats.
            "stats": AnyOf("view", "view_stats"),
            # Signals and the integrity file: no content beyond title, dates, disposal, result.
            "integrity": AnyOf("view", "view_integrity"),
        },
        extra=_petition_extra,
    )

    class Meta:
        verbose_name = _("信访举报件")
        verbose_name_plural = _("信访举报件")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "received_on"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["handler", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(disposal="") | Q(disposal_on__isnull=False), name="petition_disposal_dated"
            ),
            models.CheckConstraint(
                condition=Q(result="") | Q(result_on__isnull=False), name="petition_result_dated"
            ),
            models.CheckConstraint(
                condition=Q(talk_form="") | Q(disposal=Disposal.TALK_INQUIRY), name="petition_talk_form_shape"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"XF{self.received_on:%Y}-{self.pk:05d}" if self.pk else ""

    def get_absolute_url(self) -> str:
        return reverse("petitions:petition_detail", args=[self.pk])

    def is_handler(self, user) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        if self.handler_id == user.pk:
            return True
        return PetitionCoHandler.objects.filter(petition_id=self.pk, user_id=user.pk).exists()


@track_history()
class PetitionCoHandler(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="co_handler_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("协办人"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("协办人")
        verbose_name_plural = _("协办人")
        constraints = [models.UniqueConstraint(fields=["petition", "user"], name="petition_co_handler_once")]

    def __str__(self) -> str:
        return f"协办人 {self.user_id}"


class ReporterQuerySet(ScopedQuerySet):
    pass


def _reporter_extra(user, action):
    # Only the handlers of the petition: no organization permission reaches a reporter.
    return handler_q(user, "petition__") if action == "view" else None


class PetitionReporter(models.Model):
    """The identity of a named reporter. Deliberately not history-tracked in a table that any
    history page reads: its rows are read only by `selectors.reporter_for` (handlers, logged)."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="reporter")
    name = models.CharField(_("举报人姓名"), max_length=60)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    address = models.CharField(_("联系地址"), max_length=200, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)

    objects = models.Manager.from_queryset(ReporterQuerySet)()
    scope = Scope(
        org_field="petition__organization",
        perms={"view": "view_petitions"},
        extra=_reporter_extra,
        extra_only_actions=("view",),
    )

    class Meta:
        verbose_name = _("举报人")
        verbose_name_plural = _("举报人")

    def __str__(self) -> str:
        return "举报人信息"


def attachment_path(instance, filename: str) -> str:
    from django.utils import timezone

    return f"petitions/{timezone.localdate():%Y/%m}/{instance.petition_id}/{filename}"


@track_history()
class PetitionAttachment(models.Model):
    """A petition's material (the letter, a screenshot, a recording's transcript). It may carry
    the reporter's identity, so only the petition's handlers list and download it (logged)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(ReporterQuerySet)()
    scope = Scope(
        org_field="petition__organization",
        perms={"view": "view_petitions"},
        extra=_reporter_extra,
        extra_only_actions=("view",),
    )

    class Meta:
        verbose_name = _("信访举报附件")
        verbose_name_plural = _("信访举报附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
