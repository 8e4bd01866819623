"""What the interviews app contributes to the daily sweep's writes. Registered from
InterviewsConfig.ready(); the reminder sources themselves (selectors) only read."""

from __future__ import annotations

import datetime as dt

from .services import PlanResult, plan_refresh


def plan_refresh_step(today: dt.date) -> PlanResult:
    """Keep the plan current before the reminders are computed: a new year's plan on
    1 January, responsible persons after assignment changes."""
    return plan_refresh(year=today.year, today=today)


def collect_talk_overdue(user, cadre_ids=None):
    """Warning source "interviews.talk_overdue": a required talk past its due date, not held
    (one query over the talks the user may view)."""
    from django.utils import timezone

    from cadre_supervision.registry import Warning

    from .models import RequiredTalk

    today = timezone.localdate()
    qs = (
        RequiredTalk.objects.restrict(user, "view")
        .open()
        .filter(due_date__lt=today)
        .select_related("responsible")
        .order_by("due_date", "id")
    )
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=list(cadre_ids))
    from cadre_supervision.people import display_name
    from cadre_supervision.rows import url_maker

    talk_url = url_maker("interviews:required_detail")  # RequiredTalk.get_absolute_url, once
    return [
        Warning(
            cadre_id=t.cadre_id,
            kind="interviews.talk_overdue",
            title="谈心谈话逾期",
            detail=(
                f"{t.title}应于 {t.due_date:%Y-%m-%d} 前完成，已逾期 {(today - t.due_date).days} 天"
                f"（责任人：{display_name(t.responsible) if t.responsible_id else '未落实'}）"
            ),
            url=talk_url(t.pk),
            since=t.due_date + dt.timedelta(days=1),
            uid=f"interviews.requiredtalk.{t.pk}",
        )
        for t in qs
    ]
