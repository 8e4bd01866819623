"""The early-warning board's lists: per cadre (risk score and its parts) and per signal."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join

from cadre_supervision import tables

LEVEL_TAGS = {"red": "tag-red", "orange": "tag-orange", "yellow": "tag-yellow"}


def level_tag(level: str, label: str):
    return format_html('<span class="tag {} level-{}">{}</span>', LEVEL_TAGS.get(level, ""), level, label)


class CadreRiskTable(tables.Table):
    cadre = tables.Column("干部", accessor="cadre_name", order_by=("cadre_name",))
    organization = tables.Column("单位", accessor="organization_name")
    level = tables.Column("最高等级", accessor="level", order_by=("level_rank",))
    score = tables.NumberColumn("风险分值", accessor="score")
    count = tables.NumberColumn("预警数", accessor="count")
    parts = tables.Column("分值构成（预警 × 权重）", accessor="parts_text", orderable=False)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "risk-table"}
        row_attrs = {"data-cadre-id": lambda record: record.cadre.pk if record.cadre else ""}
        empty_text = "范围内没有未消除的预警"

    def render_cadre(self, record, value):
        return format_html(
            '<a href="{}">{}</a>', reverse("cadres:cadre_detail", args=[record.cadre.pk]), value
        )

    def render_level(self, record):
        return level_tag(record.level, record.level_label)

    def value_level(self, record):
        return record.level_label

    def render_parts(self, record):
        return format_html_join(
            " ",
            '<a class="tag {} signal-part" href="{}" title="{}">{} {}</a>',
            (
                (LEVEL_TAGS.get(s.level, ""), s.url or "#", s.detail, s.source_title, s.weight)
                for s in record.signals
            ),
        )


class SignalTable(tables.Table):
    level = tables.Column("等级", accessor="level", order_by=("level_rank",))
    source = tables.Column("预警类型", accessor="source_title")
    cadre = tables.Column("干部", accessor="cadre_name")
    organization = tables.Column("单位", accessor="organization_name")
    title = tables.Column("预警", accessor="title")
    detail = tables.Column("说明", accessor="detail", orderable=False)
    since = tables.DateColumn("发生日期", accessor="since")
    weight = tables.NumberColumn("权重", accessor="weight")
    evidence = tables.Column("依据", accessor="url", orderable=False)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "signal-table"}
        row_attrs = {
            "data-level": lambda record: record.level,
            "data-source": lambda record: record.source_key,
        }
        empty_text = "范围内没有未消除的预警"

    def render_level(self, record):
        return level_tag(record.level, record.level_label)

    def value_level(self, record):
        return record.level_label

    def render_cadre(self, record, value):
        if record.cadre is None:
            return value
        return format_html(
            '<a href="{}">{}</a>', reverse("cadres:cadre_detail", args=[record.cadre_id]), value
        )

    def render_evidence(self, record, value):
        return (
            format_html('<a class="evidence-link" href="{}">查看依据</a>', value) if value else tables.EMPTY
        )
