"""Selection supervision (选人用人监督): a selection for vacant posts, its candidates and
their 凡提四必 pre-review, opinion letters to the agencies, the community survey, and the
logged exceptions to the appointment gate."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cadre_supervision.history import track_history
from cadre_supervision.permissions import AnyOf, Scope, ScopedManager

from .choices import (
    AgencyKind,
    CandidateStatus,
    ExceptionKind,
    Method,
    Rating,
    RatioPoint,
    Reply,
    RespondentKind,
    Stage,
)

PERMS = {
    "view": "view_selection",
    "change": "manage_selection",
    "stats": AnyOf("view_selection", "view_stats"),
}


@deconstructible
class SelectionStorage(FileSystemStorage):
    """Attachments under MEDIA_ROOT/private/selection/, served only by the checked views."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return os.path.join(settings.MEDIA_ROOT, "private", "selection")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):  # pragma: no cover - deliberately no public URL
        raise ValueError("附件没有公开地址，请通过下载页面访问。")

    def __eq__(self, other):
        return isinstance(other, SelectionStorage)


storage = SelectionStorage()


@track_history()
class Agency(models.Model):
    """An agency asked for its integrity opinion (纪委监委, 检察院, 公安局, 审计局 …)."""

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=AgencyKind.choices)
    required = models.BooleanField(_("每名人选必须征求"), default=True)
    reply_days = models.PositiveSmallIntegerField(
        _("答复期限（工作日）"), null=True, blank=True, help_text=_("留空则按政策默认值")
    )
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("联络员"), blank=True, related_name="selection_agencies"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("意见征求单位")
        verbose_name_plural = _("意见征求单位")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


@track_history()
class Selection(models.Model):
    """选拔任用: one run of the process for one or more vacant posts of a unit."""

    organization = models.ForeignKey(
        "cadres.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="selections"
    )
    title = models.CharField(_("名称"), max_length=200)
    posts = models.ManyToManyField("cadres.Post", verbose_name=_("拟任岗位"), related_name="selections")
    reason = models.TextField(_("动议理由"))
    method = models.CharField(_("选拔方式"), max_length=20, choices=Method.choices)
    proposed_by = models.CharField(_("动议提出"), max_length=100)
    motion_date = models.DateField(_("动议日期"))
    stage = models.CharField(_("当前环节"), max_length=20, choices=Stage.choices, default=Stage.MOTION)
    stage_since = models.DateField(_("进入当前环节"))
    # 民主推荐
    meeting_date = models.DateField(_("推荐会议日期"), null=True, blank=True)
    meeting_participants = models.PositiveIntegerField(_("会议推荐参加人数"), null=True, blank=True)
    talk_participants = models.PositiveIntegerField(_("谈话推荐人数"), null=True, blank=True)
    # 考察
    inspection_team = models.CharField(_("考察组"), max_length=200, blank=True)
    inspection_talks = models.PositiveIntegerField(_("个别谈话人数"), null=True, blank=True)
    inspection_report = models.FileField(
        _("考察报告"), storage=storage, upload_to="inspection/", max_length=255, blank=True
    )
    inspection_conclusion = models.TextField(_("考察结论"), blank=True)
    # 讨论决定
    decision_date = models.DateField(_("讨论决定日期"), null=True, blank=True)
    decision_members = models.PositiveIntegerField(_("应到人数"), null=True, blank=True)
    decision_present = models.PositiveIntegerField(_("实到人数"), null=True, blank=True)
    decision_text = models.TextField(_("决定事项"), blank=True)
    # 任前公示: cadres.Publicity rows with source ("selection.selection", id), see `publicities`
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope = Scope(org_field="organization", perms=PERMS)

    class Meta:
        verbose_name = _("选拔任用")
        verbose_name_plural = _("选拔任用")
        ordering = ["-motion_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_present__isnull=True)
                | Q(decision_members__isnull=True)
                | Q(decision_present__lte=models.F("decision_members")),
                name="selection_present_le_members",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("selection:selection_detail", args=[self.pk])

    PUBLICITY_SOURCE = "selection.selection"

    @property
    def publicities(self):
        """The 任前公示 posted for this selection (cadres.Publicity, one row per candidate)."""
        from cadres.models import Publicity

        return Publicity.objects.filter(source_type=self.PUBLICITY_SOURCE, source_id=self.pk)

    @cached_property
    def publicity_period(self) -> tuple:
        """(start, end, location) of the latest 任前公示, or (None, None, "")."""
        p = self.publicities.order_by("-end_date", "-id").first()
        return (p.start_date, p.end_date, p.location) if p else (None, None, "")

    @property
    def publicity_start(self):
        return self.publicity_period[0]

    @property
    def publicity_end(self):
        return self.publicity_period[1]

    @property
    def publicity_location(self) -> str:
        return self.publicity_period[2]


@track_history()
class StageRecord(models.Model):
    """One stage of a selection as it was recorded: dates, document, who recorded it."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="stage_records")
    stage = models.CharField(_("环节"), max_length=20, choices=Stage.choices)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    document = models.FileField(_("材料"), storage=storage, upload_to="stages/", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope = Scope(org_field="selection__organization", perms=PERMS)

    class Meta:
        verbose_name = _("环节记录")
        verbose_name_plural = _("环节记录")
        ordering = ["selection", "started_on", "id"]

    def __str__(self) -> str:
        return f"{self.selection} {self.get_stage_display()}"

    def get_absolute_url(self) -> str:
        return reverse("selection:selection_detail", args=[self.selection_id])


@track_history()
class RatioRecord(models.Model):
    """差额: nominees per post at one point of the process."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="ratios")
    point = models.CharField(_("环节"), max_length=20, choices=RatioPoint.choices)
    nominees = models.PositiveIntegerField(_("人选人数"))
    posts = models.PositiveIntegerField(_("职位数"))
    recorded_on = models.DateField(_("记录日期"))

    objects = ScopedManager()
    scope = Scope(org_field="selection__organization", perms=PERMS)

    class Meta:
        verbose_name = _("差额比例")
        verbose_name_plural = _("差额比例")
        ordering = ["selection", "id"]
        constraints = [
            models.UniqueConstraint(fields=["selection", "point"], name="ratio_once_per_point"),
            models.CheckConstraint(condition=Q(posts__gte=1), name="ratio_posts_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_point_display()} {self.nominees}:{self.posts}"

    def get_absolute_url(self) -> str:
        return reverse("selection:selection_detail", args=[self.selection_id]) + "#ratios"


@track_history()
class Candidate(models.Model):
    """A cadre nominated for a post of a selection (人选), with the 凡提四必 pre-review."""

    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="candidates")
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="selection_candidacies"
    )
    post = models.ForeignKey(
        "cadres.Post", verbose_name=_("拟任岗位"), on_delete=models.PROTECT, related_name="candidacies"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.NOMINATED
    )
    recommendation_votes = models.PositiveIntegerField(_("推荐票数"), null=True, blank=True)
    decision_for = models.PositiveIntegerField(_("表决赞成"), null=True, blank=True)
    decision_against = models.PositiveIntegerField(_("表决反对"), null=True, blank=True)
    decision_abstain = models.PositiveIntegerField(_("表决弃权"), null=True, blank=True)
    nominated_on = models.DateField(_("确定为人选日期"))
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cleared_at = models.DateTimeField(_("准予任用时间"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the checklist as it stood when cleared (key, label, state, detail)
    clearance_snapshot = models.JSONField(_("准予任用时的联审结果"), default=list, blank=True)
    # 凡提必核: how an omission (漏报) found by the targeted verification was handled
    omission_handling = models.TextField(_("漏报处理情况"), blank=True)
    appointment = models.OneToOneField(
        "cadres.Appointment",
        verbose_name=_("任职"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="selection_candidate",
    )
    notes = models.TextField(_("备注"), blank=True)

    objects = ScopedManager()
    scope = Scope(org_field="selection__organization", perms=PERMS)

    class Meta:
        verbose_name = _("人选")
        verbose_name_plural = _("人选")
        ordering = ["selection", "id"]
        constraints = [
            models.UniqueConstraint(fields=["selection", "cadre", "post"], name="candidate_once_per_post"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name}（拟任{self.post.title}）"

    def get_absolute_url(self) -> str:
        return reverse("selection:candidate_detail", args=[self.pk])


def letter_extra(user, action):
    """A liaison of the addressed agency sees the letter and may answer it."""
    if action in ("view", "reply"):
        return Q(agency__liaisons=user)
    return None


@track_history()
class OpinionLetter(models.Model):
    """廉政意见征求函 to one agency about one candidate (凡提必听)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="letters")
    agency = models.ForeignKey(
        Agency, verbose_name=_("征求单位"), on_delete=models.PROTECT, related_name="letters"
    )
    sent_on = models.DateField(_("发函日期"))
    due_on = models.DateField(_("答复期限"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply = models.CharField(_("答复意见"), max_length=20, choices=Reply.choices, blank=True, default="")
    reply_text = models.TextField(_("答复内容"), blank=True)
    reply_file = models.FileField(
        _("答复附件"), storage=storage, upload_to="letters/", max_length=255, blank=True
    )
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()
    scope = Scope(
        org_field="candidate__selection__organization",
        perms={**PERMS, "reply": "manage_selection"},
        extra=letter_extra,
        extra_only_actions=("reply",),
    )

    class Meta:
        verbose_name = _("廉政意见征求函")
        verbose_name_plural = _("廉政意见征求函")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "agency"], name="letter_once_per_agency"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("sent_on")), name="letter_due_after_sent"
            ),
            models.CheckConstraint(
                condition=Q(reply="", replied_on__isnull=True) | (~Q(reply="") & Q(replied_on__isnull=False)),
                name="letter_reply_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"致{self.agency.name}：{self.candidate.cadre.name}"

    def get_absolute_url(self) -> str:
        return reverse("selection:letter_detail", args=[self.pk])


@track_history()
class SurveyResponse(models.Model):
    """社区民意调查: one respondent's ratings of a candidate."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="survey")
    respondent_kind = models.CharField(_("调查对象"), max_length=20, choices=RespondentKind.choices)
    respondent_name = models.CharField(_("姓名"), max_length=50, blank=True)
    family_virtue = models.CharField(_("家庭美德"), max_length=10, choices=Rating.choices)
    social_morality = models.CharField(_("社会公德"), max_length=10, choices=Rating.choices)
    neighbourliness = models.CharField(_("邻里关系"), max_length=10, choices=Rating.choices)
    law_abiding = models.CharField(_("遵纪守法"), max_length=10, choices=Rating.choices)
    comments = models.TextField(_("意见"), blank=True)
    surveyed_on = models.DateField(_("调查日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()
    scope = Scope(org_field="candidate__selection__organization", perms=PERMS)

    class Meta:
        verbose_name = _("社区民意调查")
        verbose_name_plural = _("社区民意调查")
        ordering = ["candidate", "respondent_kind", "id"]

    def __str__(self) -> str:
        return f"{self.candidate.cadre.name} {self.get_respondent_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("selection:candidate_detail", args=[self.candidate_id]) + "#survey"


@track_history()
class GateException(models.Model):
    """A logged exception to the gate, by a holder of override_selection: an appointment
    without a cleared candidate, or a clearance over open 带病提拔 flags."""

    kind = models.CharField(_("类别"), max_length=20, choices=ExceptionKind.choices)
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="selection_exceptions"
    )
    post = models.ForeignKey(
        "cadres.Post", verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="+"
    )
    candidate = models.ForeignKey(
        Candidate, null=True, blank=True, on_delete=models.PROTECT, related_name="exceptions"
    )
    reason = models.TextField(_("理由"))
    flags = models.JSONField(_("越过的预警"), default=list, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    appointment = models.OneToOneField(
        "cadres.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="selection_exception",
    )

    objects = ScopedManager()
    scope = Scope(
        org_field="post__organization",
        perms={
            **PERMS,
            "change": "override_selection",
            "integrity": AnyOf("view_selection", "view_integrity"),
        },
    )

    class Meta:
        verbose_name = _("选拔任用例外")
        verbose_name_plural = _("选拔任用例外")
        ordering = ["-granted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("selection:exception_list") + f"#exception-{self.pk}"
