"""The petition lists: one column specification each for the page and the .xlsx export.
No column carries the reporter or the content."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html

from cadre_supervision import tables
from cadre_supervision.tables import EMPTY


class PetitionTable(tables.Table):
    number = tables.Column("编号", accessor="pk", linkify=True, order_by=("received_on", "id"))
    title = tables.Column("标题", linkify=True)
    channel = tables.Column("来源渠道")
    received_on = tables.DateColumn("收件日期")
    organization = tables.Column(
        "主要涉及单位", accessor="organization__name", order_by=("organization__path",)
    )
    cadres = tables.Column("被反映人", accessor="pk", orderable=False)
    anonymous = tables.Column("实名/匿名", orderable=False)
    handler = tables.PersonColumn("承办人", accessor="handler")
    deadline = tables.DateColumn("办理期限")
    status = tables.Column("办理状态")
    disposal = tables.Column("处置方式", default="")
    result = tables.Column("办理结果", default="")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "petition-table"}
        empty_text = "没有符合条件的信访举报件"

    def render_number(self, record):
        return record.number

    def value_number(self, record):
        return record.number

    def render_channel(self, record):
        return record.get_channel_display()

    def render_cadres(self, record):
        names = "、".join(c.name for c in record.cadres.all())
        return names or EMPTY

    def value_cadres(self, record):
        return "、".join(c.name for c in record.cadres.all())

    def render_anonymous(self, record):
        return "匿名" if record.anonymous else "实名"

    def value_anonymous(self, record):
        return "匿名" if record.anonymous else "实名"

    def render_status(self, record):
        label = record.get_status_display()
        if record.escalated_on and not record.result:
            return format_html('{} <span class="tag tag-red">已督办</span>', label)
        return label

    def value_status(self, record):
        return record.get_status_display() + (
            "（已督办）" if record.escalated_on and not record.result else ""
        )

    def render_disposal(self, record):
        return record.get_disposal_display() or EMPTY

    def render_result(self, record):
        return record.get_result_display() or EMPTY


class HeavyUnitTable(tables.Table):
    name = tables.Column(
        "单位", linkify=lambda record: reverse("petitions:petition_list") + f"?organization={record.pk}"
    )
    n_petitions = tables.NumberColumn("信访举报件数")
    n_substantiated = tables.NumberColumn("属实或部分属实")
    n_open = tables.NumberColumn("未办结")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "heavy-unit-table"}
        empty_text = "没有达到认定件数的单位"
