"""The petitions section of a cadre's integrity file (廉政档案): petitions about the cadre,
their disposal and result, read in the "integrity" scope. Never the reporter or the content."""

from __future__ import annotations

from cadre_supervision import registry

from .selectors import petitions_of_cadres


def _petitions_by_cadre(cadres, user) -> dict[int, list]:
    out: dict[int, list] = {c.pk: [] for c in cadres}
    for p in petitions_of_cadres(user=user, cadre_ids=list(out)):
        for pk in sorted(p.concerned):
            out[pk].append(p)
    return out


def build_many(cadres, user) -> dict[int, dict]:
    cadres = list(cadres)
    by_pk = {c.pk: c for c in cadres}
    return {
        pk: {"petitions": petitions, "cadre": by_pk[pk]}
        for pk, petitions in _petitions_by_cadre(cadres, user).items()
    }


EXPORT_HEADER = [
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


def export_many(cadres, user) -> dict[int, tuple[list[str], list[list]]]:
    return {
        pk: (
            list(EXPORT_HEADER),
            [
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
                for p in petitions
            ],
        )
        for pk, petitions in _petitions_by_cadre(cadres, user).items()
    }


build = registry.section_of_one(build_many)
export = registry.section_of_one(export_many)
