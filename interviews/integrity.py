"""The interviews section of a cadre's integrity file (廉政档案): admonishments (诫勉谈话)
and written inquiries (函询), scoped by restrict()."""

from __future__ import annotations

from cadre_supervision import registry

from .choices import DISCIPLINE_KINDS, InterviewKind
from .models import InterviewRecord
from .selectors import discipline_records_of_cadres


def _records_by_cadre(cadres, user, *, follow_ups: bool) -> dict[int, list]:
    out: dict[int, list] = {c.pk: [] for c in cadres}
    qs = discipline_records_of_cadres(cadre_ids=list(out), user=user)
    if follow_ups:
        qs = qs.prefetch_related("follow_ups")
    for r in qs:
        out[r.interviewee_id].append(r)
    return out


def build_many(cadres, user) -> dict[int, dict]:
    cadres = list(cadres)
    by_pk = {c.pk: c for c in cadres}
    return {
        pk: {"records": records, "cadre": by_pk[pk]}
        for pk, records in _records_by_cadre(cadres, user, follow_ups=True).items()
    }


EXPORT_HEADER = ["日期", "类型", "谈话人", "主题", "内容摘要", "函询回复", "回复日期"]


def export_many(cadres, user) -> dict[int, tuple[list[str], list[list]]]:
    return {
        pk: (
            list(EXPORT_HEADER),
            [
                [
                    r.date,
                    r.get_kind_display(),
                    r.interviewer_names,
                    r.topics,
                    r.summary,
                    r.reply,
                    r.reply_date,
                ]
                for r in records
            ],
        )
        for pk, records in _records_by_cadre(cadres, user, follow_ups=False).items()
    }


build = registry.section_of_one(build_many)
export = registry.section_of_one(export_many)


TIMELINE_KINDS = (InterviewKind.REMINDER, *DISCIPLINE_KINDS)


def timeline_many(cadre_ids, user):
    """Timeline entries of the integrity file: 提醒谈话, 诫勉谈话 and 函询 (with its reply)."""
    from cadre_supervision.registry import TimelineEntry

    for r in (
        InterviewRecord.objects.restrict(user, "view")
        .filter(interviewee_id__in=cadre_ids, kind__in=TIMELINE_KINDS)
        .order_by("-date", "-id")
    ):
        reply = f"；函询回复（{r.reply_date:%Y-%m-%d}）：{r.reply[:60]}" if r.reply_date else ""
        yield (
            r.interviewee_id,
            TimelineEntry(
                date=r.date,
                kind=f"interviews.{r.kind}",
                label="谈话函询",
                title=r.get_kind_display() + (f"：{r.topics[:40]}" if r.topics else ""),
                detail=r.summary[:80] + reply,
                url=r.get_absolute_url(),
            ),
        )


def timeline(cadre, user):
    """The entries of `timeline_many` for one cadre."""
    return [entry for _cadre_id, entry in timeline_many([cadre.pk], user)]
