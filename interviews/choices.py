"""Choices of the interviews app (谈心谈话)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InterviewerRole(models.TextChoices):
    """Who talks (rule 3's right-hand column); also the roles of the assignment table."""

    PRINCIPAL = "principal", _("市委、市政府主要领导")
    IN_CHARGE = "in_charge", _("分管市领导")
    ORG_DEPT = "org_dept", _("组织部负责同志")
    LINE_LEADER = "line_leader", _("市委条线领导")
    UNIT_HEAD = "unit_head", _("单位主要负责同志")


class TalkCategory(models.TextChoices):
    """Which line of rule 3 a cadre falls under (left-hand column)."""

    TOP_LEADER = "top_leader", _("党政正职")
    ORGAN_DEPUTY = "organ_deputy", _("市级机关部门、单位副职")
    DEPARTMENT_MANAGED = "department_managed", _("部管干部")
    TOWNSHIP_DEPUTY = "township_deputy", _("乡镇副职")
    TOWNSHIP_LINE = "township_line", _("乡镇组织、宣传、统战、政法委员及人武部长")
    SECOND_LINE = "second_line", _("退二线干部")
    UNCLASSIFIED = "unclassified", _("未能归类")


class InterviewKind(models.TextChoices):
    ROUTINE = "routine", _("谈心谈话")
    SPECIAL_TOPIC = "special_topic", _("专题谈心谈话")
    PRE_APPOINTMENT = "pre_appointment", _("任前廉政谈话")
    ORGANIZATIONAL = "organizational", _("组织谈话")
    REMINDER = "reminder", _("提醒谈话")
    ADMONISHMENT = "admonishment", _("诫勉谈话")
    WRITTEN_INQUIRY = "written_inquiry", _("函询")


# Kinds a required talk can be (a plan entry); the others are logged without a plan.
REQUIRED_KINDS = (InterviewKind.ROUTINE, InterviewKind.SPECIAL_TOPIC)
# Kinds of a required talk (a task): the plan's kinds, plus talks raised by other channels
# (a 提醒谈话 after a 关爱提醒函: interviews/evaluation_hooks.py).
TASK_KINDS = (*REQUIRED_KINDS, InterviewKind.REMINDER)
# Records also visible to discipline officers in scope (and shown in the integrity file).
DISCIPLINE_KINDS = (InterviewKind.ADMONISHMENT, InterviewKind.WRITTEN_INQUIRY)


class SpecialTrigger(models.TextChoices):
    """Occasions of a special-topic talk (rule 3)."""

    JOB_CHANGE = "job_change", _("职务调整")
    TEAM_CHANGE = "team_change", _("班子换届")
    ASSESSMENT = "assessment", _("年度考核")
    AUDIT = "audit", _("专项审计")
    DEMOCRATIC_LIFE = "democratic_life", _("民主生活会")
    FAMILY_EVENT = "family_event", _("家庭遭遇重大变故")
    VIOLATION_SIGN = "violation_sign", _("个人出现违纪苗头")
    PRE_APPOINTMENT = "pre_appointment", _("任前廉政谈话")


# Triggers raised automatically from domain events; the rest are raised by hand.
AUTOMATIC_TRIGGERS = (
    SpecialTrigger.JOB_CHANGE,
    SpecialTrigger.TEAM_CHANGE,
    SpecialTrigger.ASSESSMENT,
    SpecialTrigger.AUDIT,
)
MANUAL_TRIGGERS = (
    SpecialTrigger.FAMILY_EVENT,
    SpecialTrigger.VIOLATION_SIGN,
    SpecialTrigger.DEMOCRATIC_LIFE,
    SpecialTrigger.TEAM_CHANGE,
    SpecialTrigger.ASSESSMENT,
    SpecialTrigger.AUDIT,
    SpecialTrigger.JOB_CHANGE,
)


class TalkStatus(models.TextChoices):
    PENDING = "pending", _("未到期")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    OVERDUE = "overdue", _("已逾期")
    DONE = "done", _("已完成")


# Reminder kinds (Notification.kind) produced by this app.
class ReminderKind:
    DUE_SOON = "interviews.due_soon"
    OVERDUE = "interviews.overdue"
    ESCALATION = "interviews.escalation"
    ASSIGNED = "interviews.special_assigned"
    FOLLOW_UP_OVERDUE = "interviews.follow_up_overdue"
