from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    MID_TERM = "mid_term", _("届中审计")
    DEPARTURE = "departure", _("离任审计")
    SPECIAL = "special", _("专项审计")


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("已列入计划")
    NOTIFIED = "notified", _("已下达通知")
    FIELDWORK = "fieldwork", _("现场审计")
    REPORT = "report", _("出具报告")
    RECTIFICATION = "rectification", _("问题整改")
    CLOSED = "closed", _("已办结")


class Stream(models.TextChoices):
    PEOPLE = "people", _("用人")
    STAFFING = "staffing", _("用编")
    MONEY = "money", _("用钱")


class LeadAgency(models.TextChoices):
    ORG_DEPT = "org_dept", _("市委组织部")
    STAFFING_OFFICE = "staffing_office", _("市委编办")
    AUDIT_BUREAU = "audit_bureau", _("市审计局")


# Default lead agency of each stream (三责联审: 组织部管用人, 编办管用编, 审计局管用钱).
STREAM_LEAD_AGENCY = {
    Stream.PEOPLE: LeadAgency.ORG_DEPT,
    Stream.STAFFING: LeadAgency.STAFFING_OFFICE,
    Stream.MONEY: LeadAgency.AUDIT_BUREAU,
}


class MemberRole(models.TextChoices):
    LEADER = "leader", _("组长")
    MEMBER = "member", _("组员")
    OBSERVER = "observer", _("纪委监委列席")


class Conclusion(models.TextChoices):
    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class Severity(models.TextChoices):
    MINOR = "minor", _("一般")
    SERIOUS = "serious", _("较重")
    GRAVE = "grave", _("严重")


class RectState(models.TextChoices):
    OPEN = "open", _("待整改")
    IN_PROGRESS = "in_progress", _("整改中")
    SUBMITTED = "submitted", _("已报送整改情况")
    RETURNED = "returned", _("退回重改")
    VERIFIED = "verified", _("已销号")


class FileKind(models.TextChoices):
    NOTICE = "notice", _("审计通知书")
    REPORT = "report", _("审计报告")
    WORKING_PAPER = "working_paper", _("工作底稿")
    EVIDENCE = "evidence", _("证据材料")
    RECTIFICATION = "rectification", _("整改材料")
