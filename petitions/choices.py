"""Choices of the petitions app (信访举报)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """The four channels (来信、来访、网络、电话 "四位一体") and the 12380 platform."""

    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    WEB = "web", _("网络")
    PHONE = "phone", _("电话")
    P12380 = "12380", _("12380举报平台")


class Disposal(models.TextChoices):
    """The four ways of disposing of a problem clue (监督执纪工作规则)."""

    TALK_INQUIRY = "talk_inquiry", _("谈话函询")
    PRELIMINARY = "preliminary", _("初步核实")
    SHELVED = "shelved", _("暂存待查")
    CLOSED = "closed", _("予以了结")


class TalkForm(models.TextChoices):
    """A 谈话函询 disposal is a talk (诫勉谈话) or a written inquiry (函询)."""

    ADMONISHMENT = "admonishment", _("谈话")
    WRITTEN_INQUIRY = "written_inquiry", _("函询")


class Result(models.TextChoices):
    TRUE = "true", _("属实")
    PARTLY = "partly", _("部分属实")
    FALSE = "false", _("不属实")
    UNVERIFIABLE = "unverifiable", _("无法查证")


SUBSTANTIATED = (Result.TRUE, Result.PARTLY)


class Status(models.TextChoices):
    REGISTERED = "registered", _("待处置")
    HANDLING = "handling", _("办理中")
    CONCLUDED = "concluded", _("已办结")


class ReminderKind:
    OVERDUE = "petitions.overdue"
    ESCALATED = "petitions.escalated"
