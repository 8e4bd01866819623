from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemCategory(models.TextChoices):
    FAMILY = "family", _("家事")
    PROPERTY = "property", _("家产")


class ReportKind(models.TextChoices):
    ANNUAL = "annual", _("年度集中报告")
    CANDIDATE = "candidate", _("拟提拔人选填报")


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未填报")
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已提交")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class VerificationKind(models.TextChoices):
    RANDOM = "random", _("随机抽查")
    TARGETED = "targeted", _("重点查核（凡提必查）")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("待查核")
    DONE = "done", _("已完成")


class Outcome(models.TextChoices):
    CONSISTENT = "consistent", _("一致")
    OMISSION = "omission", _("漏报")
    CONCEALMENT = "concealment", _("瞒报")


class EvidenceSource(models.TextChoices):
    REAL_ESTATE = "real_estate", _("不动产登记部门")
    SECURITIES = "securities", _("证券监管部门")
    BANKING = "banking", _("银行保险监管部门")
    MARKET_REGULATION = "market_regulation", _("市场监管部门（工商登记）")
    EXIT_ENTRY = "exit_entry", _("出入境管理部门")
    PUBLIC_SECURITY = "public_security", _("公安部门")
    COURTS = "courts", _("法院、检察院")
    CIVIL_AFFAIRS = "civil_affairs", _("民政部门（婚姻登记）")
    FOREIGN_AFFAIRS = "foreign_affairs", _("外事部门")
    OTHER = "other", _("其他")


class Handling(models.TextChoices):
    NONE = "none", _("无需处理")
    EDUCATION = "education", _("批评教育")
    CORRECT = "correct", _("责令限期改正")
    SELF_CRITICISM = "self_criticism", _("责令作出检查")
    CIRCULATE = "circulate", _("通报批评")
    ADMONISH = "admonish", _("诫勉")
    DISQUALIFY = "disqualify", _("取消考察对象（人选）资格")
    TRANSFER = "transfer", _("调离岗位")
    DISMISS = "dismiss", _("免职")
    DISCIPLINE = "discipline", _("移送纪检监察机关")


class MajorMatterKind(models.TextChoices):
    MARRIAGE_CHANGE = "marriage_change", _("本人婚姻变化")
    FAMILY_ABROAD = "family_abroad", _("配偶、子女出国（境）定居或工作生活")
    CELEBRATION = "celebration", _("操办婚丧喜庆事宜")
    FAMILY_BUSINESS = "family_business", _("配偶、子女经商办企业变化")
    LEGAL = "legal", _("本人或亲属涉及诉讼、被追究责任")
    SOCIAL_TIES = "social_ties", _("社会交往（“三圈”）情况")
    OTHER = "other", _("其他重大事项")


class Circle(models.TextChoices):
    LIFE = "life", _("生活圈")
    SOCIAL = "social", _("社交圈")
    ENTERTAINMENT = "entertainment", _("娱乐圈")


class DisplayStatus(models.TextChoices):
    """Status per cadre shown on the dashboard (stored status + deadline)."""

    NOT_STARTED = "not_started", _("未填报")
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("按时提交")
    SUBMITTED_LATE = "submitted_late", _("逾期提交")
    OVERDUE = "overdue", _("逾期未报")
