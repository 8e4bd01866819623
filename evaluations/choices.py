"""Choices of the evaluations app (阳光评议、民主测评、关爱提醒函)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Step(models.TextChoices):
    """The seven steps of a 阳光评议 campaign, in order (rules.STEPS holds what each needs)."""

    SHI = "shi", _("示：公开承诺")
    FANG = "fang", _("访：走访调研")
    SHU = "shu", _("述：述职报告")
    YI = "yi", _("议：评议审议")
    PING = "ping", _("评：测评定等")
    NUO = "nuo", _("诺：整改承诺")
    GAI = "gai", _("改：整改落实")


class SubjectKind(models.TextChoices):
    TEAM = "team", _("领导班子")
    LEADER = "leader", _("领导干部")


class Grade(models.TextChoices):
    """The grades of a sunshine evaluation (the same four as the annual assessment)."""

    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


WEAK_GRADES = (Grade.BASIC, Grade.INCOMPETENT)


class EvaluatorGroup(models.TextChoices):
    """Who scores (评议主体); each group's weight is a policy setting."""

    MASSES = "masses", _("服务对象和群众代表")
    DEPUTIES = "deputies", _("人大代表和政协委员")
    CADRES = "cadres", _("机关和基层干部")
    LEADERS = "leaders", _("市领导和考评组")


class ItemKind(models.TextChoices):
    PLEDGE = "pledge", _("整改承诺（诺）")
    RECTIFY = "rectify", _("整改事项（改）")


class DemocraticItem(models.TextChoices):
    """Items of a 民主测评, including the 三圈 (essay 5)."""

    MORAL = "moral", _("德")
    ABILITY = "ability", _("能")
    DILIGENCE = "diligence", _("勤")
    PERFORMANCE = "performance", _("绩")
    INTEGRITY = "integrity", _("廉")
    LIFE_CIRCLE = "life_circle", _("生活圈")
    SOCIAL_CIRCLE = "social_circle", _("社交圈")
    ENTERTAINMENT_CIRCLE = "entertainment_circle", _("娱乐圈")


CIRCLE_ITEMS = (DemocraticItem.LIFE_CIRCLE, DemocraticItem.SOCIAL_CIRCLE, DemocraticItem.ENTERTAINMENT_CIRCLE)


class LetterStatus(models.TextChoices):
    PROPOSED = "proposed", _("拟发送")
    SENT = "sent", _("已发送")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    DISMISSED = "dismissed", _("不予发送")


class Verdict(models.TextChoices):
    """能者上、平者让、庸者下: where a leader stands after the last three years' grades."""

    UP = "up", _("能者上")
    KEEP = "keep", _("称职留任")
    YIELD = "yield", _("平者让")
    DOWN = "down", _("庸者下")
