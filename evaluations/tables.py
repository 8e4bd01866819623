"""The evaluations lists: one column specification each, for the page and the .xlsx export."""

from __future__ import annotations

from django.urls import reverse

from cadre_supervision import tables

from . import rules


class CampaignTable(tables.Table):
    year = tables.Column("年度")
    title = tables.LinkColumn("名称")
    organization = tables.Column("组织单位", accessor="organization__name")
    n_subjects = tables.NumberColumn("评议对象")
    n_done = tables.NumberColumn("已完成环节")
    completed_on = tables.DateColumn("完成日期", default=tables.EMPTY)

    class Meta(tables.Table.Meta):
        empty_text = "暂无阳光评议"


class SubjectTable(tables.Table):
    year = tables.Column("年度")
    organization = tables.Column("单位", accessor="organization__name", order_by="organization__path")
    kind = tables.Column("类别")
    cadre = tables.Column(
        "领导干部",
        accessor="cadre__name",
        default="（领导班子）",
        linkify=lambda record: record.get_absolute_url(),
    )
    post_title = tables.Column("职务", default="")
    score = tables.NumberColumn("综合得分", default=tables.EMPTY)
    grade = tables.Column("等次", default=tables.EMPTY)

    class Meta(tables.Table.Meta):
        empty_text = "暂无评议对象"


class ActionItemTable(tables.Table):
    due_date = tables.DateColumn("完成时限", linkify=lambda record: record.get_absolute_url())
    kind = tables.Column("类型")
    who = tables.Column("评议对象", accessor="subject", orderable=False)
    content = tables.Column("内容", orderable=False)
    done_on = tables.DateColumn("完成日期", default=tables.EMPTY)

    class Meta(tables.Table.Meta):
        empty_text = "暂无承诺与整改事项"

    def render_who(self, value):
        return str(value)

    def value_who(self, value):
        return str(value)


class DemocraticTable(tables.Table):
    year = tables.Column("年度")
    cadre = tables.Column("干部", accessor="cadre__name", linkify=lambda record: record.get_absolute_url())
    organization = tables.Column("单位", accessor="organization__name", order_by="organization__path")
    held_on = tables.DateColumn("测评日期")
    participants = tables.NumberColumn("参评人数")
    approval = tables.NumberColumn("总体好评率（%）", accessor="pk", orderable=False)

    class Meta(tables.Table.Meta):
        empty_text = "暂无民主测评"

    def render_approval(self, record):
        rate = rules.approval_rate(record.g or 0, record.f or 0, record.p or 0)
        return tables.EMPTY if rate is None else rate

    def value_approval(self, record):
        return rules.approval_rate(record.g or 0, record.f or 0, record.p or 0)


class CareLetterTable(tables.Table):
    year = tables.Column("年度")
    cadre = tables.Column("干部", accessor="cadre__name", linkify=lambda record: record.get_absolute_url())
    organization = tables.Column("单位", accessor="organization__name", order_by="organization__path")
    reasons = tables.ListColumn("提醒事由", orderable=False)
    status = tables.Column("状态")
    proposed_on = tables.DateColumn("拟发日期")
    sent_on = tables.DateColumn("发送日期", default=tables.EMPTY)
    acknowledged_on = tables.DateColumn("签收日期", default=tables.EMPTY)

    class Meta(tables.Table.Meta):
        empty_text = "暂无关爱提醒函"


class VerdictTable(tables.Table):
    name = tables.Column(
        "姓名", linkify=lambda record: reverse("cadres:cadre_detail", args=[record.cadre_id]), orderable=False
    )
    organization = tables.Column("单位", orderable=False)
    post_title = tables.Column("职务", orderable=False)
    grades = tables.Column("近三年评议等次", orderable=False)
    last_score = tables.NumberColumn("最近得分", orderable=False, default=tables.EMPTY)
    verdict_label = tables.Column("结论", orderable=False)

    class Meta(tables.Table.Meta):
        empty_text = "近三年没有领导干部的评议等次"

    def render_grades(self, value):
        return "；".join(f"{y}年 {g}" for y, g in sorted(value.items()))

    def value_grades(self, value):
        return self.render_grades(value)
