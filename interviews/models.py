"""Heart-to-heart talks (谈心谈话): who must talk to whom, the yearly plan, the records.

- InterviewAssignment: the assignment table kept in the UI (which city leader is in charge of
  which organizations, which organization-department official covers which townships and
  departments, which line leader covers which line, who heads each unit).
- RequiredTalk: one talk a cadre must have (a line of the yearly plan, or a special-topic
  talk raised by an event or by hand), with its responsible person and due date. Which
  record fulfils it is derived by the services, never picked by hand.
- InterviewRecord (+ participants, follow-ups, attachments): what was said.
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
from cadre_supervision.people import display_name
from cadre_supervision.permissions import AnyOf, Scope, ScopedQuerySet, org_q
from cadre_supervision.rows import label_of
from cadres.choices import LineRole
from cadres.models import Cadre, Organization

from .choices import (
    DISCIPLINE_KINDS,
    TASK_KINDS,
    FollowUpStatus,
    InterviewerRole,
    InterviewKind,
    SpecialTrigger,
    TalkCategory,
    TalkStatus,
)

# --- assignment table ------------------------------------------------------------------------------


def _assignment_extra(user, action):
    # Everyone sees their own assignments ("I am in charge of ..."); staff see their scope.
    return Q(user=user) if action == "view" else None


class AssignmentQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


@track_history()
class InterviewAssignment(models.Model):
    role = models.CharField(_("谈话人类别"), max_length=20, choices=InterviewerRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("谈话人"),
        on_delete=models.PROTECT,
        related_name="interview_assignments",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("负责单位（含下级）"),
        on_delete=models.PROTECT,
        related_name="interview_assignments",
        help_text=_("主要领导、条线领导一般选择全市；分管领导选择其分管的部门；单位主要负责同志选择本单位"),
    )
    line_role = models.CharField(
        _("条线"),
        max_length=20,
        choices=LineRole.choices,
        blank=True,
        default="",
        help_text=_("仅条线领导填写"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = models.Manager.from_queryset(AssignmentQuerySet)()
    scope = Scope(
        org_field="organization",
        perms={"view": "view_interviews", "change": "manage_interviews"},
        extra=_assignment_extra,
    )

    class Meta:
        verbose_name = _("谈话责任分工")
        verbose_name_plural = _("谈话责任分工")
        ordering = ["role", "organization__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "user", "organization", "line_role"],
                condition=Q(is_active=True),
                name="interview_assignment_unique_active",
            ),
            models.CheckConstraint(
                condition=(Q(role=InterviewerRole.LINE_LEADER) & ~Q(line_role=""))
                | (~Q(role=InterviewerRole.LINE_LEADER) & Q(line_role="")),
                name="interview_assignment_line_role_iff_line_leader",
            ),
        ]

    def __str__(self) -> str:
        who = display_name(self.user)
        line = f"（{self.get_line_role_display()}）" if self.line_role else ""
        return f"{who} · {self.get_role_display()}{line} · {self.organization.name}"

    def get_absolute_url(self) -> str:
        return reverse("interviews:assignment_update", args=[self.pk])


# --- records -------------------------------------------------------------------------------------


def _record_extra(user, action):
    q = Q(pk__in=InterviewParticipant.objects.filter(user=user).values("record_id"))
    if action == "view":
        discipline = org_q(user, "view_discipline_interviews", "interviewee__organization")
        if discipline is not None:
            q |= Q(kind__in=DISCIPLINE_KINDS) & discipline
    return q


class InterviewRecordQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("interviewee", "interviewee__organization").prefetch_related(
            models.Prefetch("participants", queryset=InterviewParticipant.objects.select_related("user"))
        )


@track_history()
class InterviewRecord(models.Model):
    kind = models.CharField(_("谈话类型"), max_length=20, choices=InterviewKind.choices)
    trigger = models.CharField(
        _("专题谈话事由"), max_length=20, choices=SpecialTrigger.choices, blank=True, default=""
    )
    date = models.DateField(_("谈话日期"))
    place = models.CharField(_("谈话地点"), max_length=100, blank=True)
    interviewee = models.ForeignKey(
        Cadre, verbose_name=_("谈话对象"), on_delete=models.PROTECT, related_name="interview_records"
    )
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("谈话人"),
        through="InterviewParticipant",
        related_name="interview_records",
    )
    topics = models.TextField(_("谈话主题"), blank=True)
    summary = models.TextField(_("谈话内容摘要"))
    stated_issues = models.TextField(_("谈话对象反映的问题"), blank=True)
    reply = models.TextField(_("函询回复内容"), blank=True)
    reply_date = models.DateField(_("函询回复日期"), null=True, blank=True)
    task = models.ForeignKey(
        "RequiredTalk",
        verbose_name=_("对应谈话任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="task_records",
        help_text=_("从谈话任务登记的记录完成且只完成该任务；晚于应谈日期的为逾期补谈"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The record another app raised it for (a petition's 谈话函询: "petitions.petition", its id).
    source_type = models.CharField(_("来源类型"), max_length=60, blank=True, default="")
    source_id = models.CharField(_("来源编号"), max_length=64, blank=True, default="")

    objects = models.Manager.from_queryset(InterviewRecordQuerySet)()
    scope = Scope(
        org_field="interviewee__organization",
        perms={"view": "view_interviews", "change": "manage_interviews"},
        extra=_record_extra,
    )

    class Meta:
        verbose_name = _("谈话记录")
        verbose_name_plural = _("谈话记录")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["interviewee", "date"]),
            models.Index(fields=["kind", "date"]),
            models.Index(fields=["source_type", "source_id"], name="interview_record_source"),
            # the list's order (newest first): its first page is read off the index, not sorted
            models.Index(fields=["date", "id"], name="interview_record_date_id"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.interviewee.name} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("interviews:record_detail", args=[self.pk])

    @property
    def interviewer_names(self) -> str:
        return "、".join(display_name(p.user) for p in self.participants.all())


@track_history()
class InterviewParticipant(models.Model):
    record = models.ForeignKey(InterviewRecord, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("谈话人")
        verbose_name_plural = _("谈话人")
        constraints = [models.UniqueConstraint(fields=["record", "user"], name="interview_participant_once")]
        indexes = [models.Index(fields=["user", "record"])]

    def __str__(self) -> str:
        return f"{self.record_id}:{self.user_id}"


def _follow_up_extra(user, action):
    mine = InterviewParticipant.objects.filter(user=user).values("record_id")
    return Q(record__in=mine) | Q(owner=user)


class FollowUpQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(done_on__isnull=True)


@track_history()
class FollowUp(models.Model):
    record = models.ForeignKey(InterviewRecord, on_delete=models.CASCADE, related_name="follow_ups")
    action = models.CharField(_("后续措施"), max_length=300)
    owner_name = models.CharField(_("责任人"), max_length=50)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interview_follow_ups",
        help_text=_("有系统账号的责任人将收到逾期提醒；否则提醒谈话记录的登记人"),
    )
    due_date = models.DateField(_("完成期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    result = models.TextField(_("落实情况"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager.from_queryset(FollowUpQuerySet)()
    scope = Scope(
        org_field="record__interviewee__organization",
        perms={"view": "view_interviews", "change": "manage_interviews"},
        extra=_follow_up_extra,
    )

    class Meta:
        verbose_name = _("后续措施")
        verbose_name_plural = _("后续措施")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["done_on", "due_date"])]

    def __str__(self) -> str:
        return self.action

    def get_absolute_url(self) -> str:
        return self.record.get_absolute_url() + f"#follow-up-{self.pk}"

    def status(self, today: dt.date | None = None) -> str:
        if self.done_on:
            return FollowUpStatus.DONE
        return (
            FollowUpStatus.OVERDUE if self.due_date < (today or timezone.localdate()) else FollowUpStatus.OPEN
        )

    @property
    def status_label(self) -> str:
        return FollowUpStatus(self.status()).label


def attachment_path(instance, filename: str) -> str:
    today = timezone.localdate()
    return f"interviews/{today:%Y/%m}/{instance.record_id}/{filename}"


@track_history()
class InterviewAttachment(models.Model):
    record = models.ForeignKey(InterviewRecord, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        org_field="record__interviewee__organization",
        perms={"view": "view_interviews", "change": "manage_interviews"},
        extra=lambda user, action: Q(
            record__in=InterviewRecord.objects.filter(_record_extra(user, action)).values("pk")
        ),
    )

    class Meta:
        verbose_name = _("谈话附件")
        verbose_name_plural = _("谈话附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


# --- the plan ------------------------------------------------------------------------------------


def _talk_extra(user, action):
    # A supervisor sees (and fulfils) the talks they are responsible for.
    return Q(responsible=user) if action == "view" else None


class RequiredTalkQuerySet(ScopedQuerySet):
    def live(self):
        return self.filter(cancelled_at__isnull=True)

    def open(self):
        return self.filter(cancelled_at__isnull=True, done_on__isnull=True)

    def with_status(self, today: dt.date, window_days: int):
        soon = today + dt.timedelta(days=window_days)
        return self.annotate(
            status=models.Case(
                models.When(cancelled_at__isnull=False, then=models.Value(TalkStatus.CANCELLED)),
                models.When(done_on__isnull=False, then=models.Value(TalkStatus.DONE)),
                models.When(due_date__lt=today, then=models.Value(TalkStatus.OVERDUE)),
                models.When(due_date__lte=soon, then=models.Value(TalkStatus.DUE_SOON)),
                default=models.Value(TalkStatus.PENDING),
                output_field=models.CharField(),
            )
        )

    def filter_status(self, status: str, today: dt.date, window_days: int):
        soon = today + dt.timedelta(days=window_days)
        if status == TalkStatus.CANCELLED:
            return self.filter(cancelled_at__isnull=False)
        live = self.filter(cancelled_at__isnull=True)
        if status == TalkStatus.DONE:
            return live.filter(done_on__isnull=False)
        live = live.filter(done_on__isnull=True)
        if status == TalkStatus.OVERDUE:
            return live.filter(due_date__lt=today)
        if status == TalkStatus.DUE_SOON:
            return live.filter(due_date__gte=today, due_date__lte=soon)
        if status == TalkStatus.PENDING:
            return live.filter(due_date__gt=soon)
        return self.none()


def talk_title(kind: str, year: int, seq: int, trigger: str, source_type: str) -> str:
    """A required talk's title from its columns (`RequiredTalk.title`; the calendar builds it
    from a row's values without a model instance)."""
    if kind == InterviewKind.ROUTINE:
        return f"{year}年度第{seq}次谈心谈话"
    if kind == InterviewKind.REMINDER:
        return "提醒谈话（关爱提醒函）" if source_type == "evaluations.careletter" else "提醒谈话"
    return f"专题谈心谈话（{label_of(SpecialTrigger, trigger)}）"


@track_history()
class RequiredTalk(models.Model):
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("谈话对象"), on_delete=models.PROTECT, related_name="required_talks"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(
        _("谈话类型"),
        max_length=20,
        choices=[(k.value, k.label) for k in TASK_KINDS],
    )
    seq = models.PositiveSmallIntegerField(_("年度第几次"), default=0)
    trigger = models.CharField(
        _("专题谈话事由"), max_length=20, choices=SpecialTrigger.choices, blank=True, default=""
    )
    trigger_date = models.DateField(_("事由发生日期"), null=True, blank=True)
    source_type = models.CharField(max_length=60, blank=True, default="")
    source_id = models.CharField(max_length=64, blank=True, default="")
    due_date = models.DateField(_("应谈日期"))
    category = models.CharField(_("谈话对象类别"), max_length=30, choices=TalkCategory.choices)
    interviewer_role = models.CharField(
        _("谈话人类别"), max_length=20, choices=InterviewerRole.choices, blank=True, default=""
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("谈话责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="required_talks",
    )
    fulfilled_by = models.OneToOneField(
        InterviewRecord,
        verbose_name=_("完成记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fulfils",
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = models.Manager.from_queryset(RequiredTalkQuerySet)()
    scope = Scope(
        org_field="cadre__organization",
        # Statistics: every talk the user may view, plus the units where they hold view_stats.
        perms={
            "view": "view_interviews",
            "change": "manage_interviews",
            "stats": AnyOf("view", "view_stats"),
        },
        extra=_talk_extra,
    )

    class Meta:
        verbose_name = _("应谈话任务")
        verbose_name_plural = _("应谈话任务")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["responsible", "year"]),
            models.Index(fields=["year", "due_date"]),
            models.Index(fields=["cadre", "year"]),
            models.Index(
                fields=["due_date"],
                name="required_talk_open_due",
                condition=Q(done_on__isnull=True, cancelled_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year", "seq"],
                condition=Q(kind=InterviewKind.ROUTINE),
                name="required_talk_routine_once",
            ),
            models.UniqueConstraint(
                fields=["cadre", "trigger", "source_type", "source_id"],
                condition=Q(kind=InterviewKind.SPECIAL_TOPIC) & ~Q(source_id=""),
                name="required_talk_special_once_per_event",
            ),
            models.CheckConstraint(
                condition=Q(kind=InterviewKind.ROUTINE, seq__gte=1, trigger="")
                | Q(kind=InterviewKind.SPECIAL_TOPIC, seq=0) & ~Q(trigger="")
                | Q(kind=InterviewKind.REMINDER, seq=0, trigger=""),
                name="required_talk_kind_shape",
            ),
            models.UniqueConstraint(
                fields=["cadre", "source_type", "source_id"],
                condition=Q(kind=InterviewKind.REMINDER) & ~Q(source_id=""),
                name="required_talk_reminder_once_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("interviews:required_detail", args=[self.pk])

    @property
    def title(self) -> str:
        # Only the columns the kind's title reads (a list may defer the others).
        kind = self.kind
        routine = kind == InterviewKind.ROUTINE
        return talk_title(
            kind,
            self.year if routine else 0,
            self.seq if routine else 0,
            self.trigger if kind == InterviewKind.SPECIAL_TOPIC else "",
            self.source_type if kind == InterviewKind.REMINDER else "",
        )

    def compute_status(self, today: dt.date, window_days: int) -> str:
        from .rules import talk_status

        return talk_status(
            due_date=self.due_date,
            done=self.done_on is not None,
            cancelled=self.cancelled_at is not None,
            today=today,
            window_days=window_days,
        )

    @property
    def status_label(self) -> str:
        status = getattr(self, "status", None) or self.compute_status(timezone.localdate(), 14)
        label = TalkStatus(status).label
        return f"{label}（逾期补谈）" if self.is_late else label

    @property
    def is_late(self) -> bool:
        """Fulfilled after its due date (逾期补谈)."""
        from .rules import is_late

        return is_late(due_date=self.due_date, done_on=self.done_on)
