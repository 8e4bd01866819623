"""The rotations lists: one column specification each, for the page and the .xlsx export."""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from cadre_supervision import tables
from cadre_supervision.tables import EMPTY

from . import selectors
from .choices import SecondLineRole, Utilisation
from .templatetags.rotations_tags import cadre_link

STATE_TAGS = {"overdue": "tag-red", "soon": "tag-orange"}


def role_labels(codes) -> str:
    labels = dict(SecondLineRole.choices)
    return "、".join(str(labels.get(c, c)) for c in (codes or []) if c)


class DueTable(tables.Table):
    """The due list (computed rows from `selectors.due_items`)."""

    cadre = tables.Column("姓名", accessor="cadre__name")
    organization = tables.Column("单位", accessor="organization__name")
    post = tables.Column("岗位", accessor="post__title")
    run_start = tables.DateColumn("连续任职起始")
    years = tables.NumberColumn("任职年数")
    rules = tables.Column("触发规则", accessor="rule_label", orderable=False)
    mandatory_date = tables.DateColumn("强制交流日期")
    state = tables.Column("状态", accessor="state_label", order_by=("mandatory_date",))
    plan = tables.Column("已列入计划", accessor="plan_item", empty_values=(), orderable=False)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "due-table"}
        row_attrs = {"data-cadre": lambda record: record.cadre.pk}
        empty_text = "没有到期或预警的干部"

    def __init__(self, *args, request=None, year=None, can_manage=False, **kwargs):
        self.request, self.year, self.can_manage = request, year, can_manage
        super().__init__(*args, **kwargs)
        if year:
            self.columns["plan"].column.verbose_name = f"{year}年计划"

    def render_cadre(self, record):
        return cadre_link(record.cadre)

    def value_cadre(self, record):
        return record.cadre.name

    def render_post(self, record):
        if record.post.top_leader_kind:
            return format_html('{} <span class="tag">一把手</span>', record.post.title)
        return record.post.title

    def value_post(self, record):
        return record.post.title

    def render_run_start(self, record):
        if record.terms > 1:
            return format_html(
                '{} <span class="muted small">（{}段连续）</span>',
                record.run_start.strftime("%Y-%m-%d"),
                record.terms,
            )
        return record.run_start.strftime("%Y-%m-%d")

    def value_run_start(self, record):
        return record.run_start

    def render_rules(self, record):
        return format_html_join("", "<div>{}</div>", ((label,) for label in record.rules_labels))

    def value_rules(self, record):
        return record.rule_label

    def render_state(self, record):
        return format_html(
            '<span class="tag {}">{}</span>', STATE_TAGS.get(record.state, ""), record.state_label
        )

    def value_state(self, record):
        return record.state_label

    def render_plan(self, record):
        if record.plan_item:
            return format_html(
                '<a href="{}">{}</a>',
                record.plan_item.get_absolute_url(),
                record.plan_item.get_status_display(),
            )
        if not self.can_manage or self.request is None:
            return ""
        return format_html(
            '<form method="post" action="{}" class="inline">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="cadre" value="{}"><input type="hidden" name="post" value="{}">'
            '<input type="hidden" name="year" value="{}"><input type="hidden" name="next" value="{}">'
            '<button type="submit" class="linkbutton">加入计划</button></form>',
            reverse("rotations:due_add_to_plan"),
            get_token(self.request),
            record.cadre.pk,
            record.post.pk,
            self.year,
            self.request.get_full_path(),
        )

    def value_plan(self, record):
        return bool(record.plan_item)


class ExchangeTable(tables.Table):
    cadre = tables.Column("姓名", accessor="cadre__name")
    kind = tables.Column("交流类型")
    reason = tables.Column("交流原因")
    from_organization = tables.Column("原单位", accessor="from_organization__name")
    from_post = tables.Column("原岗位", accessor="from_post__title")
    to_organization = tables.Column("新单位", accessor="to_organization__name")
    to_post = tables.Column("新岗位", accessor="to_post__title")
    approval_date = tables.DateColumn("批准日期")
    effective_date = tables.DateColumn("生效日期")
    secondment_end = tables.DateColumn("挂职期满")
    document_no = tables.Column("文号", orderable=False)
    detail = tables.Column("", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "exchange-table"}
        empty_text = "暂无交流记录"

    def render_cadre(self, record):
        return cadre_link(record.cadre)

    def value_cadre(self, record):
        return record.cadre.name

    def render_detail(self, record):
        return format_html('<a href="{}">详情</a>', record.get_absolute_url())


class SecondLineTable(tables.Table):
    cadre = tables.Column("姓名", accessor="cadre__name")
    organization = tables.Column(
        "单位", accessor="cadre__organization__name", order_by=("cadre__organization__path",)
    )
    former_post = tables.Column("原领导职务", accessor="former_post__title")
    moved_on = tables.DateColumn("退出领导岗位日期")
    non_leading_title = tables.Column("改任职务")
    status = tables.Column("状态")
    utilisation = tables.Column("使用情况", accessor="pk", orderable=False)
    confirmed_roles = tables.Column("在岗工作", orderable=False)
    willing_to_serve = tables.BoolColumn("愿意承担工作")
    preferred_roles = tables.Column("意向岗位", orderable=False)
    detail = tables.Column("", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "roster"}
        empty_text = "暂无二线干部"

    def render_cadre(self, record):
        return cadre_link(record.cadre)

    def value_cadre(self, record):
        return record.cadre.name

    def render_utilisation(self, record):
        u = Utilisation(selectors.utilisation_of(record))
        return format_html(
            '<span class="tag {}">{}</span>', "tag-orange" if u == "idle" else "tag-green", u.label
        )

    def value_utilisation(self, record):
        return str(Utilisation(selectors.utilisation_of(record)).label)

    def render_confirmed_roles(self, value):
        return role_labels(value) or EMPTY

    def value_confirmed_roles(self, value):
        return role_labels(value)

    def render_preferred_roles(self, value):
        return role_labels(value) or EMPTY

    def value_preferred_roles(self, value):
        return role_labels(value)

    def render_detail(self, record):
        return format_html('<a href="{}">详情</a>', record.get_absolute_url())


class LeaveTable(tables.Table):
    cadre = tables.Column("姓名", accessor="record__cadre__name")
    organization = tables.Column("单位", accessor="record__cadre__organization__name")
    kind = tables.Column("假别")
    start_date = tables.DateColumn("开始日期")
    end_date = tables.DateColumn("结束日期")
    reason = tables.Column("事由", orderable=False)
    status = tables.Column("状态")
    decided_by = tables.PersonColumn("审批人", accessor="decided_by")
    returned_on = tables.DateColumn("销假日期")
    decide = tables.Column("", accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "leave-table"}
        empty_text = "暂无请假记录"

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def render_cadre(self, record):
        return format_html('<a href="{}">{}</a>', record.record.get_absolute_url(), record.record.cadre.name)

    def value_cadre(self, record):
        return record.record.cadre.name

    def render_status(self, record):
        if getattr(record, "overdue", False):
            return format_html('{} <span class="tag tag-red">逾期未销假</span>', record.get_status_display())
        return record.get_status_display()

    def value_status(self, record):
        return record.get_status_display()

    def render_decide(self, record):
        if not getattr(record, "can_decide", False) or self.request is None:
            return ""
        token, nxt = get_token(self.request), self.request.get_full_path()
        return format_html_join(
            "",
            '<form method="post" action="{}" class="inline"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="next" value="{}"><button type="submit"{}>{}</button></form>',
            (
                (reverse("rotations:leave_action", args=[record.pk, action]), token, nxt, cls, label)
                for action, cls, label in (("approve", ' class="primary"', "批准"), ("reject", "", "不批准"))
            ),
        )


class UtilisationTable(tables.Table):
    """Second-line utilisation per unit (computed rows; the categories are columns)."""

    organization = tables.Column("单位")
    n = tables.NumberColumn("合计")
    rate = tables.NumberColumn("使用率(%)")
    willing = tables.NumberColumn("愿意承担工作")
    willing_rate = tables.NumberColumn("意愿率(%)")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "utilisation-table"}
        empty_text = "暂无二线干部"
        sequence = ("organization", "...", "n", "rate", "willing", "willing_rate")
        orderable = False

    def __init__(self, data, *args, categories=(), **kwargs):
        extra = [
            (f"cat_{code}", tables.NumberColumn(str(label), accessor=f"cat_{code}"))
            for code, label in categories
        ]
        super().__init__(data, *args, extra_columns=extra, **kwargs)


__all__ = ["DueTable", "ExchangeTable", "LeaveTable", "SecondLineTable", "UtilisationTable"]


def _pct(value):
    return "—" if value is None else f"{value}%"


class ExecutionTable(tables.Table):
    """Plan execution per unit for one year (computed rows from `selectors.execution_by_org`)."""

    rank = tables.NumberColumn("排名")
    organization = tables.Column("单位", accessor="organization__name")
    planned = tables.NumberColumn("计划人数")
    done = tables.NumberColumn("已交流")
    plan_rate = tables.Column("计划执行率(%)", attrs={"td": {"class": "rate"}})
    due = tables.NumberColumn("年初应交流")
    rotated = tables.NumberColumn("已交流(应交流中)")
    due_rate = tables.Column("到期交流率(%)")
    plan = tables.Column("", orderable=False, exclude_from_export=True, default="")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "ranking"}
        row_attrs = {
            "data-org": lambda record: record.organization.pk,
            "class": lambda record: "stalled" if record.stalled else "",
        }
        empty_text = "本年度暂无计划或到期干部"

    def render_organization(self, record):
        if record.stalled:
            return format_html('{} <span class="tag tag-red">推进迟缓</span>', record.organization.name)
        return record.organization.name

    def value_organization(self, record):
        return record.organization.name

    def render_plan_rate(self, value):
        return format_html('{}<div class="bar"><span style="width: {}%"></span></div>', _pct(value), value)

    def value_plan_rate(self, value):
        return value

    def render_due_rate(self, value):
        return _pct(value)

    def value_due_rate(self, value):
        return value

    def render_plan(self, value):
        return format_html('<a href="{}">计划</a>', value.get_absolute_url())


class PlanTable(tables.Table):
    year = tables.NumberColumn("年度")
    organization = tables.Column("单位", accessor="organization__name", order_by=("organization__path",))
    name = tables.Column("计划名称", accessor="pk", linkify=True, orderable=False)

    class Meta(tables.Table.Meta):
        orderable = False
        empty_text = "暂无计划"

    def render_name(self, record):
        return str(record)


class FiguresTable(tables.Table):
    """Exchanges by kind and year (rows from `selectors.exchange_figures`: one per kind, then
    the totals); one column per year present."""

    label = tables.Column("交流类型")
    total = tables.NumberColumn("合计")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "kind-year"}
        orderable = False
        empty_text = "尚无轮岗交流记录"

    def __init__(self, data, *args, years=(), **kwargs):
        extra = [
            (f"y{year}", tables.NumberColumn(f"{year}年", accessor=f"by_year.{i}"))
            for i, year in enumerate(years)
        ]
        super().__init__(data, *args, extra_columns=extra, sequence=("label", "...", "total"), **kwargs)
