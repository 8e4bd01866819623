from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeKind(models.TextChoices):
    TOWNSHIP_TO_CITY = "township_to_city", _("乡镇→市级机关")
    CITY_TO_TOWNSHIP_HEAD = "city_to_township_head", _("市级机关→乡镇党政正职")
    CROSS_DEPARTMENT = "cross_department", _("跨部门交流")
    WITHIN_UNIT = "within_unit", _("单位内部轮岗")
    SECONDMENT = "secondment", _("挂职锻炼")
    WEAK_TO_IMPORTANT = "weak_to_important", _("一般乡镇→重要乡镇")


class ExchangeReason(models.TextChoices):
    TENURE_LIMIT = "tenure_limit", _("任职年限到期")
    AVOIDANCE = "avoidance", _("任职回避")
    TRAINING = "training", _("培养锻炼")
    PERFORMANCE = "performance", _("实绩突出、工作需要")


class DueRule(models.TextChoices):
    LEADER_TEN_YEARS = "leader_10y", _("同一职位任职满10年须交流")
    TWO_TERMS = "two_terms", _("同一职位连续任职两个任期")
    KEY_MIDDLE = "key_middle", _("市级机关关键岗位中层干部满5年轮岗")
    AVOIDANCE = "avoidance", _("任职回避")


class DueState(models.TextChoices):
    OVERDUE = "overdue", _("已到期")
    SOON = "soon", _("即将到期")
    WARNING = "warning", _("预警")


class PlanItemStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    DONE = "done", _("已交流")
    DEFERRED = "deferred", _("暂缓")
    CANCELLED = "cancelled", _("取消")


class SecondLineRole(models.TextChoices):
    INSPECTION = "inspection", _("重点工作督查")
    MENTORING = "mentoring", _("帮带年轻干部")
    RESEARCH = "research", _("调研")
    DEMOLITION = "demolition", _("城区拆迁")
    ENTERPRISE_HELP = "enterprise_help", _("企业帮办")
    INVESTMENT = "investment", _("专业招商")
    PETITIONS = "petitions", _("信访接待")
    VILLAGE_SECRETARY = "village_secretary", _("村居书记")
    PARTY_BUILDING = "party_building", _("党建指导员")
    OTHER = "other", _("其他")


class WorkStatus(models.TextChoices):
    AT_WORK = "at_work", _("正常上班")
    IDLE = "idle", _("闲置在家")
    OTHER = "other", _("其他（病休等）")


class Utilisation(models.TextChoices):
    """Essay 3's table: 正常上班 / 帮办服务 / 专业招商 / 闲置在家 / 其他."""

    AT_WORK = "at_work", _("正常上班")
    BUSINESS_HELP = "business_help", _("帮办服务")
    INVESTMENT = "investment", _("专业招商")
    IDLE = "idle", _("闲置在家")
    OTHER = "other", _("其他")


class SecondLineStatus(models.TextChoices):
    ACTIVE = "active", _("二线在岗")
    EARLY_RETIRED = "early_retired", _("提前离岗退养")
    ENDED = "ended", _("已退休/调出")


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("意向（待确认）")
    CONFIRMED = "confirmed", _("已确认")
    ENDED = "ended", _("已结束")
    DECLINED = "declined", _("未达成")


class LeaveKind(models.TextChoices):
    PERSONAL = "personal", _("事假")
    SICK = "sick", _("病假")
    ANNUAL = "annual", _("年休假")
    OTHER = "other", _("其他")


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    RETURNED = "returned", _("已销假")
