"""The petitions section of a cadre's integrity file (廉政档案): petitions about the cadre,
their disposal and result, read in the "integrity" scope. Never the reporter or the content."""

from __future__ import annotations

from .selectors import cadre_petitions


def build(cadre, user) -> dict:
    return {"petitions": list(cadre_petitions(user=user, cadre=cadre)), "cadre": cadre}


def export(cadre, user) -> tuple[list[str], list[list]]:
    header = [
        "编号",
        "收件日期",
        "来源渠道",
        "标题",
        "问题类别",
        "处置方式",
        "处置日期",
        "办理结果",
        "办结日期",
    ]
    rows = [
        [
            p.number,
            p.received_on,
            p.get_channel_display(),
            p.title,
            "、".join(p.category_names),
            p.get_disposal_display(),
            p.disposal_on,
            p.get_result_display(),
            p.result_on,
        ]
        for p in cadre_petitions(user=user, cadre=cadre)
    ]
    return header, rows
