from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    MOTION = "motion", _("动议")
    RECOMMENDATION = "recommendation", _("民主推荐")
    PREREVIEW = "prereview", _("凡提四必联审")
    INSPECTION = "inspection", _("考察")
    DECISION = "decision", _("讨论决定")
    PUBLICITY = "publicity", _("任前公示")
    APPOINTMENT = "appointment", _("任职")
    CLOSED = "closed", _("已完成")
    CANCELLED = "cancelled", _("已终止")


# The stages in order (the step bar); closed/cancelled end a selection.
STAGE_ORDER = [
    Stage.MOTION,
    Stage.RECOMMENDATION,
    Stage.PREREVIEW,
    Stage.INSPECTION,
    Stage.DECISION,
    Stage.PUBLICITY,
    Stage.APPOINTMENT,
    Stage.CLOSED,
]


class Method(models.TextChoices):
    RECOMMEND_INSPECT = "recommend", _("民主推荐后考察")
    COMPETITION = "competition", _("竞争上岗")


class RatioPoint(models.TextChoices):
    NOMINATION = "nomination", _("差额提名")
    INSPECTION = "inspection", _("差额考察")
    DELIBERATION = "deliberation", _("差额酝酿")
    VOTE = "vote", _("差额票决")


class CandidateStatus(models.TextChoices):
    NOMINATED = "nominated", _("联审中")
    CLEARED = "cleared", _("准予任用")
    APPOINTED = "appointed", _("已任职")
    NOT_SELECTED = "not_selected", _("未选用")
    WITHDRAWN = "withdrawn", _("已撤销")


class AgencyKind(models.TextChoices):
    DISCIPLINE = "discipline", _("纪委监委")
    PROCURATORATE = "procuratorate", _("检察院")
    POLICE = "police", _("公安局")
    AUDIT = "audit", _("审计局")
    OTHER = "other", _("其他")


class Reply(models.TextChoices):
    NONE = "", _("未答复")
    NO_OBJECTION = "no_objection", _("无异议")
    ISSUE = "issue", _("有问题")


class RespondentKind(models.TextChoices):
    COMMUNITY = "community", _("社区干部")
    NEIGHBOUR = "neighbour", _("邻居")
    POLICE = "police", _("社区民警")
    GRID = "grid", _("网格长")
    PROPERTY = "property", _("物业负责人")


class Rating(models.TextChoices):
    GOOD = "good", _("好")
    FAIR = "fair", _("较好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("差")


class ExceptionKind(models.TextChoices):
    APPOINTMENT = "appointment", _("未经选拔程序任职")
    CLEARANCE = "clearance", _("越过预警准予任用")


class CheckState(models.TextChoices):
    PASS = "pass", _("通过")
    OPEN = "open", _("待核实")
    FLAG = "flag", _("带病提拔预警")
    MISSING = "missing", _("无数据来源")
