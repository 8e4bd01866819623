"""The reports lists: one column specification each, for the page and the .xlsx export."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from cadre_supervision import tables


def _public(n, today) -> str:
    return "（公示中）" if n.start_date <= today <= n.end_date else ""


class CycleReportTable(tables.Table):
    cadre = tables.Column("姓名", accessor="cadre__name")
    organization = tables.Column(
        "单位", accessor="cadre__organization__name", order_by=("cadre__organization__path",)
    )
    year = tables.NumberColumn("报告年度")
    display_status = tables.Column("状态")
    first_submitted_at = tables.Column("首次提交时间")
    links = tables.Column("", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "report-list"}
        row_attrs = {"class": lambda record: f"status-{record.display_status()}"}
        empty_text = "无"

    def render_display_status(self, record):
        return record.get_display_status_display()

    def value_display_status(self, record):
        return str(record.get_display_status_display())

    def render_first_submitted_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def value_first_submitted_at(self, value):
        return value

    def render_links(self, record):
        view = format_html('<a href="{}">查看</a>', reverse("reports:report_detail", args=[record.pk]))
        if record.status == "submitted":
            return view
        return format_html(
            '{} · <a href="{}">填报</a>', view, reverse("reports:report_edit", args=[record.pk])
        )


class VerificationTable(tables.Table):
    cadre = tables.Column(
        "姓名", accessor="report__cadre__name", linkify=lambda record: record.get_absolute_url()
    )
    organization = tables.Column("单位", accessor="report__cadre__organization__name")
    year = tables.NumberColumn("报告年度", accessor="report__year")
    kind = tables.Column("查核类型")
    status = tables.Column("状态")
    outcome = tables.Column("结果")
    handling = tables.Column("处理方式")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "verification-list"}
        empty_text = "无"

    def render_kind(self, record):
        if record.proposed_post:
            return f"{record.get_kind_display()}（拟任{record.proposed_post}）"
        return record.get_kind_display()

    def value_kind(self, record):
        return record.get_kind_display()


class MajorMatterTable(tables.Table):
    reported_on = tables.DateColumn("报告日期")
    cadre = tables.Column("报告人", accessor="cadre__name")
    organization = tables.Column("单位", accessor="cadre__organization__name")
    kind = tables.Column("类别")
    title = tables.Column("标题", linkify=True)
    ties = tables.NumberColumn("“三圈”交往对象", accessor="pk", orderable=False)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "major-list"}
        empty_text = "无"

    def render_ties(self, record):
        return len(record.ties.all())

    def value_ties(self, record):
        return len(record.ties.all())
