"""The interviews section of a cadre's integrity file (廉政档案): admonishments (诫勉谈话)
and written inquiries (函询), scoped by restrict()."""

from __future__ import annotations

from .selectors import discipline_records_for


def build(cadre, user) -> dict:
    records = list(discipline_records_for(cadre=cadre, user=user).prefetch_related("follow_ups"))
    return {"records": records, "cadre": cadre}


def export(cadre, user) -> tuple[list[str], list[list]]:
    header = ["日期", "类型", "谈话人", "主题", "内容摘要", "函询回复", "回复日期"]
    rows = [
        [r.date, r.get_kind_display(), r.interviewer_names, r.topics, r.summary, r.reply, r.reply_date]
        for r in discipline_records_for(cadre=cadre, user=user)
    ]
    return header, rows
