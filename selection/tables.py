"""The selection lists: one column specification each, for the page and the .xlsx export."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import format_html

from cadre_supervision import tables

from .choices import CandidateStatus, Reply


class SelectionTable(tables.Table):
    id = tables.NumberColumn("编号")
    title = tables.Column("名称", linkify=True)
    organization = tables.Column("单位", accessor="organization__name", order_by=("organization__path",))
    method = tables.Column("选拔方式")
    motion_date = tables.DateColumn("动议日期")
    stage = tables.Column("当前环节")
    stage_since = tables.DateColumn("进入环节")
    n_candidates = tables.NumberColumn("人选")
    n_cleared = tables.NumberColumn("准予任用")
    publicity_end_at = tables.DateColumn("公示结束")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "selection-list"}
        empty_text = "没有符合条件的选拔任用"

    def render_stage(self, record):
        return format_html('<span class="tag tag-blue">{}</span>', record.get_stage_display())

    def value_stage(self, record):
        return record.get_stage_display()


STATUS_CLASS = {
    CandidateStatus.NOMINATED: "tag-orange",
    CandidateStatus.CLEARED: "tag-green",
    CandidateStatus.APPOINTED: "tag-blue",
}


class CandidateTable(tables.Table):
    id = tables.NumberColumn("编号")
    cadre = tables.Column("干部", accessor="cadre__name", linkify=lambda record: record.get_absolute_url())
    post = tables.Column("拟任岗位", accessor="post__title")
    organization = tables.Column("单位", accessor="post__organization__name")
    selection = tables.Column("选拔任用", accessor="selection__title")
    nominated_on = tables.DateColumn("确定为人选")
    recommendation_votes = tables.NumberColumn("推荐票")
    status = tables.Column("状态")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "candidate-list"}
        empty_text = "没有符合条件的人选"

    def render_status(self, record):
        return format_html(
            '<span class="tag {}">{}</span>', STATUS_CLASS.get(record.status, ""), record.get_status_display()
        )

    def value_status(self, record):
        return record.get_status_display()


class LetterTable(tables.Table):
    id = tables.NumberColumn("编号")
    agency = tables.Column("征求单位", accessor="agency__name")
    cadre = tables.Column(
        "人选", accessor="candidate__cadre__name", linkify=lambda record: record.get_absolute_url()
    )
    post = tables.Column("拟任岗位", accessor="candidate__post__title")
    sent_on = tables.DateColumn("发函日期")
    due_on = tables.DateColumn("答复期限")
    reply = tables.Column("答复意见", empty_values=())
    replied_on = tables.DateColumn("答复日期")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "letter-list"}
        empty_text = "没有符合条件的意见征求函"

    def render_reply(self, record):
        if record.reply == Reply.ISSUE:
            return format_html('<span class="tag tag-red">{}</span>', record.get_reply_display())
        if not record.reply and record.due_on < timezone.localdate():
            return format_html('<span class="tag tag-red">逾期未复</span>')
        return record.get_reply_display()

    def value_reply(self, record):
        if not record.reply and record.due_on < timezone.localdate():
            return "逾期未复"
        return record.get_reply_display()


class ExceptionTable(tables.Table):
    id = tables.NumberColumn("编号")
    kind = tables.Column("类别")
    cadre = tables.Column("干部", accessor="cadre__name")
    post = tables.Column("岗位", accessor="post__title")
    organization = tables.Column("单位", accessor="post__organization__name")
    reason = tables.Column("理由", orderable=False)
    granted_by = tables.PersonColumn("记录人", accessor="granted_by")
    granted_at = tables.Column("记录时间")
    appointment = tables.BoolColumn("已任职", accessor="appointment_id")

    class Meta(tables.Table.Meta):
        attrs = {"class": "table", "id": "exception-list"}
        row_attrs = {"id": lambda record: f"exception-{record.pk}"}
        empty_text = "没有例外记录"

    def render_granted_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def value_granted_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def value_appointment(self, value):
        return "是" if value else "否"
