"""The interviews lists: one column specification each, for the page and the .xlsx export."""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cadre_supervision import tables
from cadre_supervision.people import display_name

from . import selectors
from .choices import TalkStatus


def _name(u) -> str:
    return display_name(u)


class RecordTable(tables.Table):
    date = tables.DateColumn("谈话日期", linkify=True, attrs={"td": {"class": "nowrap"}})
    kind = tables.Column("谈话类型")
    trigger = tables.Column("专题事由", default="")
    interviewee = tables.Column(
        "谈话对象", accessor="interviewee__name", linkify=lambda record: record.get_absolute_url()
    )
    organization = tables.Column("单位", accessor="interviewee__organization__name")
    interviewers = tables.Column("谈话人", accessor="interviewer_names", orderable=False)
    place = tables.Column("谈话地点", orderable=False)
    topics = tables.Column("谈话主题", orderable=False)

    class Meta(tables.Table.Meta):
        empty_text = "暂无谈话记录"

    def render_topics(self, value):
        return value if len(value) <= 40 else value[:39] + "…"

    def value_topics(self, value):
        return value


class RequiredTalkTable(tables.Table):
    year = tables.NumberColumn("年度")
    cadre = tables.Column("谈话对象", accessor="cadre__name")
    organization = tables.Column(
        "单位", accessor="cadre__organization__name", order_by=("cadre__organization__path",)
    )
    category = tables.Column("对象类别")
    title = tables.Column("任务", linkify=True)
    due_date = tables.DateColumn("应谈日期", attrs={"td": {"class": "nowrap"}})
    interviewer_role = tables.Column("谈话人类别")
    responsible = tables.Column("谈话责任人", accessor="responsible", empty_values=(), orderable=False)
    status = tables.Column("状态", accessor="status", orderable=False)
    done_on = tables.DateColumn("完成日期")

    class Meta(tables.Table.Meta):
        row_attrs = {"class": lambda record: f"status-{record.status}"}
        empty_text = "没有符合条件的谈话任务"

    def render_responsible(self, record):
        if record.responsible:
            return _name(record.responsible)
        return format_html('<span class="tag tag-red">未落实</span>')

    def value_responsible(self, record):
        return _name(record.responsible) or "（未落实）"

    def render_status(self, record):
        html = render_to_string(
            "interviews/_status_tag.html", {"status": record.status, "late": record.is_late}
        )
        if record.done_on:
            html += format_html(' <span class="muted small">{}</span>', record.done_on.strftime("%Y-%m-%d"))
        return mark_safe(html)  # noqa: S308 - rendered template and escaped date

    def value_status(self, record):
        label = str(TalkStatus(getattr(record, "status", TalkStatus.PENDING)).label)
        return f"{label}（逾期补谈）" if record.is_late else label


class GapTable(tables.Table):
    cadre = tables.Column(
        "谈话对象", accessor="cadre__name", linkify=lambda record: record.get_absolute_url()
    )
    organization = tables.Column("单位", accessor="cadre__organization__name")
    category = tables.Column("对象类别")
    interviewer_role = tables.Column("应由", default="（无法确定）")
    reason = tables.Column("原因", accessor="pk", orderable=False)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "gap-list"}
        empty_text = "所有干部均已落实谈话人。"

    def render_reason(self, record):
        return selectors.gap_reason(record)

    def value_reason(self, record):
        return selectors.gap_reason(record)


class AssignmentTable(tables.Table):
    role = tables.Column("谈话人类别")
    user = tables.Column("谈话人", accessor="user", order_by=("user__last_name", "user__first_name"))
    organization = tables.Column("负责单位", accessor="organization__name", order_by=("organization__path",))
    line_role = tables.Column("条线", default="")
    is_active = tables.BoolColumn("有效")
    note = tables.Column("备注", orderable=False)
    actions = tables.Column(
        "", accessor="pk", orderable=False, exclude_from_export=True, attrs={"td": {"class": "nowrap"}}
    )

    class Meta(tables.Table.Meta):
        empty_text = "暂无分工"

    def __init__(self, *args, request=None, can_manage=False, **kwargs):
        self.request, self.can_manage = request, can_manage
        super().__init__(*args, **kwargs)

    def render_user(self, record):
        return _name(record.user)

    def value_user(self, record):
        return _name(record.user)

    def render_is_active(self, value):
        return (
            format_html('<span class="tag tag-green">有效</span>')
            if value
            else format_html('<span class="tag">已停用</span>')
        )

    def render_actions(self, record):
        history = format_html(
            '<a href="{}">变更记录</a>', reverse("interviews:assignment_history", args=[record.pk])
        )
        if not (self.can_manage and record.is_active and self.request is not None):
            return history
        return format_html(
            '<a href="{}">修改</a> <form method="post" action="{}" class="inline">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button type="submit" class="linkbutton">停用</button></form> {}',
            reverse("interviews:assignment_update", args=[record.pk]),
            reverse("interviews:assignment_deactivate", args=[record.pk]),
            get_token(self.request),
            history,
        )


def _rate(value):
    return format_html(
        '<div class="rate"><div class="bar"><span style="width: {}%"></span></div>{}%</div>',
        round(value),
        value,
    )


class CoverageByOrgTable(tables.Table):
    """Coverage per organization (computed rows from `selectors.coverage_by_organization`)."""

    organization = tables.Column("单位")
    org_kind_label = tables.Column("单位类型")
    cadres = tables.NumberColumn("干部人数")
    required = tables.NumberColumn("应谈次数")
    done = tables.NumberColumn("已谈次数")
    overdue = tables.NumberColumn("逾期次数")
    late = tables.NumberColumn("逾期补谈")
    rate = tables.NumberColumn("覆盖率（%）")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "by-organization"}
        empty_text = "暂无数据"

    def __init__(self, *args, year=None, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)

    def render_organization(self, record):
        url = reverse("interviews:required_list")
        return format_html(
            '<a href="{}?year={}&amp;organization={}">{}</a>',
            url,
            self.year,
            record["organization_id"],
            record["organization"],
        )

    def render_overdue(self, record, value):
        if not value:
            return 0
        url = reverse("interviews:required_list")
        return format_html(
            '<a class="overdue" href="{}?year={}&amp;organization={}&amp;status=overdue">{}</a>',
            url,
            self.year,
            record["organization_id"],
            value,
        )

    def render_rate(self, value):
        return _rate(value)

    def value_rate(self, value):
        return value

    def value_overdue(self, value):
        return value

    def value_organization(self, value):
        return value


class CoverageByInterviewerTable(tables.Table):
    """Coverage per interviewer (computed rows from `selectors.coverage_by_interviewer`)."""

    interviewer = tables.Column("谈话人")
    role_label = tables.Column("谈话人类别")
    cadres = tables.NumberColumn("干部人数")
    required = tables.NumberColumn("应谈次数")
    done = tables.NumberColumn("已谈次数")
    overdue = tables.NumberColumn("逾期次数")
    late = tables.NumberColumn("逾期补谈")
    rate = tables.NumberColumn("覆盖率（%）")

    class Meta(tables.Table.Meta):
        orderable = False
        attrs = {"class": "table", "id": "by-interviewer"}
        empty_text = "暂无数据"

    def __init__(self, *args, year=None, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)

    def render_interviewer(self, record, value):
        if record.get("responsible_id"):
            return format_html(
                '<a href="{}?year={}&amp;responsible={}">{}</a>',
                reverse("interviews:required_list"),
                self.year,
                record["responsible_id"],
                value,
            )
        return format_html(
            '<a class="tag tag-red" href="{}?year={}">{}</a>', reverse("interviews:gaps"), self.year, value
        )

    def value_interviewer(self, value):
        return value

    def render_rate(self, value):
        return _rate(value)

    def value_rate(self, value):
        return value
