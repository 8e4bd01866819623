"""The audits lists: one column specification each, for the page and the .xlsx export."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from cadre_supervision import tables

from .choices import AuditKind
from .templatetags.audits_tags import filesize, rect_class, severity_class, status_class


def _d(v):
    return v.strftime("%Y-%m-%d") if v else ""


def _cadre_link(cadre_id, name):
    """The cadre's name linked to the integrity file (as every audits page does)."""
    return format_html('<a href="{}">{}</a>', reverse("integrity_file", args=[cadre_id]), name)


class AuditTable(tables.Table):
    id = tables.NumberColumn("编号")
    title = tables.Column("项目名称", linkify=True)
    cadre = tables.Column("被审计干部", accessor="cadre__name")
    organization = tables.Column("单位", accessor="organization__name", order_by=("organization__path",))
    post = tables.Column("职务", accessor="appointment__post__title")
    kind = tables.Column("审计类型")
    year = tables.NumberColumn("计划年度")
    period = tables.Column("审计期间", accessor="period_start", attrs={"td": {"class": "nowrap"}})
    status = tables.Column("状态")
    status_date = tables.DateColumn("状态日期")
    overall_conclusion = tables.Column("总体评价")
    n_findings = tables.NumberColumn("问题数")
    n_open = tables.NumberColumn("未销号")
    has_overdue = tables.BoolColumn("有逾期整改")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "audit-list"}
        row_attrs = {"class": lambda record: "overdue" if record.has_overdue else ""}
        empty_text = "没有符合条件的联审项目"

    def render_cadre(self, record):
        link = _cadre_link(record.cadre_id, record.cadre.name)
        if not record.is_top_leader:
            return format_html('{} <span class="tag">关键岗位副职</span>', link)
        return link

    def value_cadre(self, record):
        return record.cadre.name

    def render_period(self, record):
        return format_html("{}<br>{}", _d(record.period_start), _d(record.period_end))

    def value_period(self, record):
        return f"{_d(record.period_start)} 至 {_d(record.period_end)}"

    def render_status(self, record):
        return format_html(
            '<span class="tag {}">{}</span>', status_class(record.status), record.get_status_display()
        )

    def value_status(self, record):
        return record.get_status_display()

    def render_has_overdue(self, value):
        return format_html('<span class="tag tag-red">整改逾期</span>') if value else ""


class FindingTable(tables.Table):
    id = tables.NumberColumn("编号")
    cadre = tables.Column("被审计干部", accessor="audit__cadre__name")
    organization = tables.Column("单位", accessor="audit__organization__name")
    audit = tables.Column("联审项目", accessor="audit__title")
    stream = tables.Column("审计事项", accessor="stream__stream")
    description = tables.Column("问题描述", linkify=True, orderable=False)
    severity = tables.Column("严重程度")
    responsible = tables.Column("责任人", accessor="responsible_display", orderable=False)
    rectification_required = tables.Column("整改要求", orderable=False)
    due_date = tables.DateColumn("整改期限", attrs={"td": {"class": "nowrap"}})
    state = tables.Column("整改状态")
    overdue = tables.BoolColumn("是否逾期", accessor="pk", orderable=False)
    verified_at = tables.Column("销号时间")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "finding-list"}
        row_attrs = {"class": lambda record: "overdue" if record.is_overdue() else ""}
        empty_text = "没有符合条件的问题"

    def __init__(self, *args, **kwargs):
        self.today = timezone.localdate()
        super().__init__(*args, **kwargs)

    def render_cadre(self, record):
        return _cadre_link(record.audit.cadre_id, record.audit.cadre.name)

    def value_cadre(self, record):
        return record.audit.cadre.name

    def render_stream(self, record):
        return record.stream.get_stream_display()

    def value_stream(self, record):
        return record.stream.get_stream_display()

    def render_description(self, value):
        return value if len(value) <= 50 else value[:49] + "…"

    def value_description(self, value):
        return value

    def render_severity(self, record):
        return format_html(
            '<span class="tag {}">{}</span>', severity_class(record.severity), record.get_severity_display()
        )

    def value_severity(self, record):
        return record.get_severity_display()

    def render_state(self, record):
        return format_html(
            '<span class="tag {}">{}</span>', rect_class(record.state), record.get_state_display()
        )

    def value_state(self, record):
        return record.get_state_display()

    def render_overdue(self, record):
        return format_html('<span class="tag tag-red">逾期</span>') if record.is_overdue(self.today) else ""

    def value_overdue(self, record):
        return record.is_overdue(self.today)

    def render_verified_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def value_verified_at(self, value):
        return value


class FileTable(tables.Table):
    audit = tables.Column("联审项目", accessor="audit__title")
    kind = tables.Column("类型")
    title = tables.Column("标题")
    size = tables.NumberColumn("大小")
    uploaded_at = tables.Column("上传时间")
    share = tables.Column("共享", accessor="pk", orderable=False)
    download = tables.Column("", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "file-list"}
        empty_text = "暂无"

    def __init__(self, *args, my_shares=None, **kwargs):
        self.my_shares = my_shares or {}
        super().__init__(*args, **kwargs)

    def render_size(self, value):
        return filesize(value)

    def render_uploaded_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d")

    def value_uploaded_at(self, value):
        return value

    def render_share(self, record):
        s = self.my_shares.get(record.pk)
        if not s:
            return ""
        return format_html(
            '<span class="tag tag-orange">共享给您，至 {}</span>',
            timezone.localtime(s.expires_at).strftime("%Y-%m-%d %H:%M"),
        )

    def value_share(self, record):
        s = self.my_shares.get(record.pk)
        return f"共享给您，至 {timezone.localtime(s.expires_at):%Y-%m-%d %H:%M}" if s else ""

    def render_download(self, record):
        return format_html(
            '<a class="button" href="{}">下载</a>', reverse("audits:file_download", args=[record.pk])
        )


class DeparturesTable(tables.Table):
    """Top leaders who left without a departure audit (computed rows: appointments)."""

    cadre = tables.Column("干部", accessor="cadre__name")
    organization = tables.Column("单位", accessor="post__organization__name")
    org_kind = tables.Column("单位类型", accessor="post__organization__kind")
    post = tables.Column("职务", accessor="post__title")
    start_date = tables.DateColumn("任职开始")
    end_date = tables.DateColumn("离任日期")
    end_reason = tables.Column("离任原因")
    act = tables.Column(
        "", accessor="pk", orderable=False, exclude_from_export=True, attrs={"td": {"class": "no-print"}}
    )

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "departures"}
        empty_text = "没有离任未审计的一把手"

    def __init__(self, *args, can_manage=False, **kwargs):
        self.can_manage = can_manage
        super().__init__(*args, **kwargs)

    def render_cadre(self, record):
        return format_html(
            '{} <span class="tag tag-red">离任未审</span>', _cadre_link(record.cadre_id, record.cadre.name)
        )

    def value_cadre(self, record):
        return record.cadre.name

    def render_org_kind(self, record):
        return record.post.organization.get_kind_display()

    def value_org_kind(self, record):
        return record.post.organization.get_kind_display()

    def render_act(self, record):
        if not self.can_manage:
            return ""
        return format_html(
            '<a class="button" href="{}?appointment={}&amp;kind=departure">安排离任审计</a>',
            reverse("audits:audit_create"),
            record.pk,
        )


class CycleTable(tables.Table):
    """Top leaders due for their cycle audit (computed rows from `selectors.cycle_rows`)."""

    cadre = tables.Column("干部", accessor="cadre__name")
    # Rows come from `selectors.cycle_queryset` (appointments): sorting names its fields.
    organization = tables.Column("单位", accessor="organization__name", order_by="post__organization__name")
    org_kind = tables.Column("单位类型", accessor="organization__kind", order_by="post__organization__kind")
    post = tables.Column("职务", accessor="appointment__post__title", order_by="post__title")
    start_date = tables.DateColumn("任职开始", accessor="appointment__start_date", order_by="start_date")
    last_audit_date = tables.DateColumn("上次联审", default="从未联审")
    due_date = tables.DateColumn("轮审到期日", accessor="state__due_date", order_by="cycle_due_date")
    state = tables.Column("状态", accessor="state__due_date", orderable=False)
    pending = tables.BoolColumn("已列入计划", accessor="pending_audit", orderable=False)
    act = tables.Column(
        "",
        accessor="pk",
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "no-print"}},
    )

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "cycle"}
        empty_text = "没有到期的一把手"

    def __init__(self, *args, can_manage=False, **kwargs):
        self.can_manage = can_manage
        super().__init__(*args, **kwargs)

    def render_cadre(self, record):
        return _cadre_link(record.cadre.pk, record.cadre.name)

    def value_cadre(self, record):
        return record.cadre.name

    def render_org_kind(self, record):
        return record.organization.get_kind_display()

    def value_org_kind(self, record):
        return record.organization.get_kind_display()

    def value_last_audit_date(self, value):
        return value

    def render_state(self, record):
        if record.state.is_due:
            return format_html('<span class="tag tag-red">已到期</span>')
        return format_html('<span class="tag tag-orange">{} 天后到期</span>', record.state.days_left)

    def value_state(self, record):
        return "已逾期" if record.state.is_due else "即将到期"

    def render_pending(self, record):
        a = record.pending_audit
        if not a:
            return ""
        return format_html(
            '<a class="tag tag-blue" href="{}">已列入{}年计划</a>', a.get_absolute_url(), a.year
        )

    def render_act(self, record):
        if not self.can_manage or record.pending_audit:
            return ""
        return format_html(
            '<a class="button" href="{}?appointment={}&amp;kind=mid_term">安排联审</a>',
            reverse("audits:audit_create"),
            record.appointment.pk,
        )


class PlanProposalTable(tables.Table):
    """The proposed items of the yearly plan (rows from `PlanView.proposal`): ticked ones are
    posted as `item=<appointment>:<kind>`."""

    pick = tables.Column(
        format_html('<input type="checkbox" checked data-check-all="input[name=item]" aria-label="全选">'),
        accessor="kind",
        orderable=False,
        exclude_from_export=True,
    )
    # Rows come from `selectors.plan_proposal_queryset` (appointments): sorting names its fields.
    cadre = tables.Column("干部", accessor="appointment__cadre__name", order_by="cadre__name")
    post = tables.Column(
        "单位 / 职务",
        accessor="appointment__post__organization__name",
        order_by=("post__organization__name", "post__title"),
    )
    kind = tables.Column("审计类型", accessor="kind", order_by="is_departure")
    reason = tables.Column("理由", accessor="reason", orderable=False)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "plan-items"}
        empty_text = "没有需要列入计划的一把手"

    def render_pick(self, record):
        return format_html(
            '<input type="checkbox" name="item" value="{}:{}" checked>',
            record["appointment"].pk,
            record["kind"],
        )

    def render_post(self, record):
        post = record["appointment"].post
        return f"{post.organization.name} {post.title}"

    value_post = render_post

    def render_kind(self, value):
        return str(AuditKind(value).label)

    value_kind = render_kind
