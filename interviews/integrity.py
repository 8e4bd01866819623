"""The interviews section of a cadre's integrity file (廉政档案): admonishments (诫勉谈话)
and written inquiries (函询), scoped by restrict()."""

from __future__ import annotations

from .choices import DISCIPLINE_KINDS, InterviewKind
from .models import InterviewRecord
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
