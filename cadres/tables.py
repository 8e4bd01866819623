"""The registry's lists: one column specification each, for the page and the .xlsx export."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from cadre_supervision import tables
from cadre_supervision.tables import EMPTY

from . import rules
from .models import Appointment, Cadre, Post, forbidden_area_codes, portfolio_area_labels


def _tags(items) -> str:
    return format_html_join(" ", '<span class="tag {}">{}</span>', items)


def appointment_violation_labels(appt: Appointment, post: Post) -> list[str]:
    """Rule 1 labels of one tenure, using an already-loaded post (no query)."""
    if not appt.is_current():
        return []
    return portfolio_area_labels(
        rules.portfolio_violations(post.is_top_leader, appt.portfolio_areas, forbidden_area_codes())
    )


def post_violation_labels(post: Post) -> list[str]:
    return sorted(
        {label for a in post.current_appointments for label in appointment_violation_labels(a, post)}
    )


class PostTable(tables.Table):
    organization = tables.Column(
        "单位",
        accessor="organization__name",
        order_by=("organization__path",),
        linkify=lambda record: record.organization.get_absolute_url(),
    )
    title = tables.Column("岗位名称", linkify=True)
    is_leading = tables.BoolColumn("领导职务")
    top_leader_kind = tables.TagColumn("一把手类型", tag_class="tag-blue", default="")
    key_categories = tables.Column("关键岗位类别", accessor="key_category_labels", orderable=False)
    key_reason = tables.Column("认定理由", orderable=False)
    holders = tables.Column("现任", accessor="pk", orderable=False)
    violations = tables.Column("一把手分管违规", accessor="pk", orderable=False)
    is_active = tables.BoolColumn("启用")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "post-table"}
        row_attrs = {"data-post-id": lambda record: record.pk}
        empty_text = "没有符合条件的岗位"

    def render_title(self, record, value):
        if record.is_active:
            return value
        return format_html('{} <span class="tag">已停用</span>', value)

    def value_title(self, value):
        return value

    def render_key_categories(self, value):
        return _tags(("tag-orange", label) for label in value) if value else EMPTY

    def value_key_categories(self, value):
        return value

    def render_holders(self, record):
        if not record.current_appointments:
            return mark_safe('<span class="muted">空缺</span>')
        return format_html_join(
            "",
            '<div><a href="{}">{}</a></div>',
            ((a.cadre.get_absolute_url(), a.cadre.name) for a in record.current_appointments),
        )

    def value_holders(self, record):
        return "、".join(a.cadre.name for a in record.current_appointments)

    def render_violations(self, record):
        labels = post_violation_labels(record)
        if not labels:
            return ""
        return format_html(
            '<span class="tag tag-red" title="一把手分管：{}">分管违规</span>', "、".join(labels)
        )

    def value_violations(self, record):
        labels = post_violation_labels(record)
        return f"分管违规：{'、'.join(labels)}" if labels else ""


def cadre_flags(c: Cadre) -> list[tuple[str, str]]:
    flags = []
    if c.is_top_leader_now:
        flags.append(("tag-blue", "一把手"))
    if any(a.post.is_key for a in c.current_appointment_list):
        flags.append(("tag-orange", "关键岗位"))
    return flags


class CadreTable(tables.Table):
    name = tables.Column("姓名", linkify=True, attrs={"td": {"class": "nowrap"}})
    gender = tables.Column("性别")
    age = tables.NumberColumn("年龄", accessor="age", order_by=("-birth_date",))
    citizen_id_masked = tables.Column(
        "身份证号（脱敏）", orderable=False, attrs={"td": {"class": "nowrap mono"}}
    )
    organization = tables.Column("所在单位", accessor="organization__name", order_by=("organization__path",))
    current_posts = tables.Column("现任职务", accessor="pk", orderable=False)
    rank = tables.Column("职级", attrs={"td": {"class": "nowrap"}})
    identity_category = tables.Column("身份类别")
    management_level = tables.Column("管理层级")
    status = tables.Column("状态", attrs={"td": {"class": "nowrap"}})
    years_in_post = tables.NumberColumn("任现职年限", accessor="years_in_current_post", orderable=False)
    flags = tables.Column("标记", accessor="pk", orderable=False)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table cadre-list", "id": "cadre-table"}
        row_attrs = {"data-cadre-id": lambda record: record.pk}
        empty_text = "没有符合条件的干部"

    def render_current_posts(self, record):
        parts = []
        for a in record.current_appointment_list:
            org = a.post.organization.name if a.post.organization_id != record.organization_id else ""
            parts.append(
                format_html(
                    "<div>{}{}{}</div>",
                    org,
                    a.post.title,
                    mark_safe('<span class="muted">（挂职）</span>') if a.is_secondment else "",
                )
            )
        return format_html_join("", "{}", ((p,) for p in parts)) if parts else EMPTY

    def value_current_posts(self, record):
        return "、".join(f"{a.post.organization.name}{a.post.title}" for a in record.current_appointment_list)

    def render_flags(self, record):
        html = _tags(cadre_flags(record))
        if record.portfolio_violations:
            html = format_html(
                '{} <span class="tag tag-red" title="一把手分管：{}">分管违规</span>',
                html,
                "、".join(record.portfolio_violation_labels),
            )
        return html

    def value_flags(self, record):
        labels = [label for _cls, label in cadre_flags(record)]
        if record.portfolio_violations:
            labels.append(f"一把手分管违规：{'、'.join(record.portfolio_violation_labels)}")
        return "、".join(labels)


class SanctionTable(tables.Table):
    cadre = tables.Column(
        "姓名",
        accessor="cadre__name",
        order_by=("cadre__name",),
        linkify=lambda record: record.get_absolute_url(),
    )
    organization = tables.Column(
        "所在单位", accessor="cadre__organization__name", order_by=("cadre__organization__path",)
    )
    kind = tables.Column("处分种类")
    decision_date = tables.DateColumn("决定时间")
    deciding_body = tables.Column("决定机关")
    document_no = tables.Column("文号", orderable=False)
    bar_end = tables.Column("影响期截止", order_by=("bar_indefinite", "bar_end"))
    barring = tables.Column("今日仍影响提拔", accessor="pk", orderable=False)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "sanction-table"}
        empty_text = "没有符合条件的处分记录"

    def render_kind(self, record):
        return record.get_kind_display()

    def value_kind(self, record):
        return record.get_kind_display()

    def render_bar_end(self, record):
        return "不得再任用" if record.bar_indefinite else f"{record.bar_end:%Y-%m-%d}"

    def value_bar_end(self, record):
        return self.render_bar_end(record)

    def render_barring(self, record):
        return mark_safe('<span class="tag tag-red">是</span>') if record.bars_promotion() else "否"

    def value_barring(self, record):
        return "是" if record.bars_promotion() else "否"


class PublicityTable(tables.Table):
    """The one publicity list (任前公示 and 报告表公示), page and export."""

    cadre = tables.Column(
        "公示对象", accessor="cadre__name", linkify=lambda record: record.get_absolute_url()
    )
    organization = tables.Column(
        "单位", accessor="cadre__organization__name", order_by=("cadre__organization__path",)
    )
    kind = tables.Column("类别")
    subject = tables.Column("公示事项")
    start_date = tables.DateColumn("公示开始")
    end_date = tables.DateColumn("公示结束")
    working_days = tables.NumberColumn("工作日")
    state = tables.Column("状态", accessor="pk", orderable=False)
    location = tables.Column("公示方式或地点", orderable=False)
    open_feedback = tables.NumberColumn("待处理反映", accessor="open_feedback")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "publicity-list"}
        empty_text = "无"

    def render_kind(self, record):
        return record.get_kind_display()

    def value_kind(self, record):
        return str(record.get_kind_display())

    def render_state(self, record):
        return record.state_label

    def value_state(self, record):
        return record.state_label
