"""What the interviews app puts on the workbench: the supervisor's talks due and overdue
(to-do), talk due dates (calendar) and talk coverage this year by unit kind (figure)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from cadre_supervision.permissions import has_org_perm
from cadre_supervision.registry import Figure, TodoItem
from cadre_supervision.rows import url_maker
from cadre_supervision.workbench import horizon

from . import selectors
from .models import RequiredTalk, talk_title

# What a talk's item reads (its title, its cadre and unit): no other columns, no other rows.
TALK_ITEM_FIELDS = (
    "id",
    "year",
    "kind",
    "seq",
    "trigger",
    "source_type",
    "due_date",
    "cadre__name",
    "cadre__organization__name",
)


def _talk_item(*, pk: int, due: dt.date, cadre_name: str, org_name: str, title: str, url: str) -> TodoItem:
    return TodoItem(
        kind="interviews.talk",
        label="谈心谈话",
        title=f"与{org_name}{cadre_name}谈话（{title}）",
        url=url,
        due=due,
        detail=f"应于 {due:%Y-%m-%d} 前完成",
        uid=f"interviews.requiredtalk.{pk}",
    )


def talks_todo(user, today: dt.date):
    """Open talks the user is responsible for, due by the horizon (overdue ones of earlier
    years included), from the same selector as 我的谈话任务."""
    talks = selectors.my_tasks_queryset(
        user=user, year=today.year, today=today, window=selectors.window_days()
    ).filter(due_date__lte=horizon(today), status__in=("overdue", "due_soon", "pending"))
    # What an item shows: the cadre, the unit, the talk's title (a responsible person may hold
    # hundreds of tasks: no other related rows, no other columns).
    talks = talks.select_related(None).select_related("cadre__organization").only(*TALK_ITEM_FIELDS)
    create = reverse("interviews:record_create")
    for t in talks:
        yield _talk_item(
            pk=t.pk,
            due=t.due_date,
            cadre_name=t.cadre.name,
            org_name=t.cadre.organization.name,
            title=t.title,
            url=f"{create}?task={t.pk}",
        )


def talk_dates(user, start: dt.date, end: dt.date):
    """Open talks of the user's interviews scope (own tasks included) due in [start, end]."""
    rows = (
        RequiredTalk.objects.restrict(user, "view")
        .open()
        .filter(due_date__range=(start, end))
        .order_by("due_date", "id")
        .values_list(*TALK_ITEM_FIELDS)
    )
    # One reverse() for the month, rows as tuples: a whole-city month holds tens of thousands
    # of talks.
    talk_url = url_maker("interviews:required_detail")
    for pk, year, kind, seq, trigger, source_type, due, cadre_name, org_name in rows:
        yield _talk_item(
            pk=pk,
            due=due,
            cadre_name=cadre_name,
            org_name=org_name,
            title=talk_title(kind, year, seq, trigger, source_type),
            url=talk_url(pk),
        )


def coverage_figure(user, today: dt.date) -> dict | None:
    stats = selectors.interview_stats(user=user, year=today.year, today=today)
    rows = [r for r in stats["by_org_kind"] if r["required"]]
    if not rows:
        return None
    totals = stats["totals"]
    return {
        "value": f"{totals['rate']}%" if totals["rate"] is not None else "—",
        "caption": f"{today.year}年应谈 {totals['required']} 次，已谈 {totals['done']} 次，逾期 {totals['overdue']} 次",
        "url": reverse("interviews:coverage") if _staff(user) else reverse("interviews:my_tasks"),
        "chart": "bar",
        "unit": "%",
        "categories": [r["label"] or "其他" for r in rows],
        "series": [{"name": "覆盖率（%）", "data": [r["rate"] or 0 for r in rows]}],
        "table_head": ["单位类型", "应谈", "已谈", "逾期", "覆盖率（%）"],
        "table_rows": [
            [
                r["label"] or "其他",
                r["required"],
                r["done"],
                r["overdue"],
                r["rate"] if r["rate"] is not None else "—",
            ]
            for r in rows
        ],
    }


def _staff(user) -> bool:
    return user.is_superuser or has_org_perm(user, "view_interviews")


def register() -> None:
    from cadre_supervision import registry
    from cadre_supervision.notifications import register_kind_label

    for kind, label in {
        "interviews": "谈心谈话",
        "interviews.due_soon": "谈话即将到期",
        "interviews.overdue": "谈话已逾期",
        "interviews.escalation": "逾期谈话督办",
        "interviews.special_assigned": "新的专项谈话任务",
        "interviews.follow_up_overdue": "谈话后续事项逾期",
    }.items():
        register_kind_label(kind, label)

    registry.register_todo_source("interviews.talks", talks_todo)
    registry.register_date_source("interviews.talks", talk_dates)
    registry.register_figure(
        Figure("interviews.coverage", "本年度谈心谈话覆盖率（按单位类型）", 10, coverage_figure)
    )
