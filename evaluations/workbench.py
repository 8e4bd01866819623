"""What the evaluations app puts on the workbench: campaign steps due, pledges and
rectification items due, letters awaiting sending or acknowledgement (to-do); the same dated
items (calendar); the year's care letters and grades (figure)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from cadre_supervision import policy, registry
from cadre_supervision.permissions import has_any_scope
from cadre_supervision.registry import Figure, TodoItem
from cadre_supervision.workbench import horizon

from . import selectors
from .choices import Grade, LetterStatus
from .models import CareLetter


def _step_item(s) -> TodoItem:
    return TodoItem(
        kind="evaluations.step",
        label="阳光评议环节",
        title=f"{s.campaign.title}：{s.get_step_display()}",
        url=s.get_absolute_url(),
        due=s.planned_end,
        detail=f"计划 {s.planned_end:%Y-%m-%d} 前完成" if s.planned_end else "",
        uid=f"evaluations.campaignstep.{s.pk}",
    )


def _item_item(i) -> TodoItem:
    who = i.subject.cadre.name if i.subject.cadre_id else f"{i.subject.organization.name}领导班子"
    return TodoItem(
        kind="evaluations.item",
        label="评议承诺整改",
        title=f"{who}：{i.content[:30]}",
        url=i.get_absolute_url(),
        due=i.due_date,
        detail=f"{i.get_kind_display()}，时限 {i.due_date:%Y-%m-%d}",
        uid=f"evaluations.actionitem.{i.pk}",
    )


def _letter_item(letter, days: int) -> TodoItem:
    due = selectors.letter_due(letter, days)
    what = "待发送" if letter.status == LetterStatus.PROPOSED else "待签收说明"
    return TodoItem(
        kind="evaluations.letter",
        label="关爱提醒函",
        title=f"致{letter.cadre.name}的关爱提醒函{what}",
        url=letter.get_absolute_url(),
        due=due,
        detail="；".join(letter.reasons)[:80],
        uid=f"evaluations.careletter.{letter.pk}",
    )


def todo(user, today: dt.date):
    end = horizon(today)
    for s in selectors.open_steps(user=user):
        if s.planned_end is None or s.planned_end <= end:
            yield _step_item(s)
    for i in selectors.open_items(user=user).filter(due_date__lte=end).order_by("due_date", "id"):
        yield _item_item(i)
    days = policy.get("evaluations.letter_ack_days")
    for letter in selectors.letters_awaiting(user=user).order_by("proposed_on", "id"):
        yield _letter_item(letter, days)


def dates(user, start: dt.date, end: dt.date):
    for s in selectors.open_steps(user=user, action="view"):
        if s.planned_end and start <= s.planned_end <= end:
            yield _step_item(s)
    for i in selectors.open_items(user=user, action="view").filter(due_date__range=(start, end)):
        yield _item_item(i)


def figure(user, today: dt.date):
    if not has_any_scope(CareLetter, user, "stats"):
        return None
    f = selectors.figures(user=user, year=today.year)
    grades = [str(g.label) for g in Grade]
    return {
        "value": str(f["care_letters"]["sent"]),
        "caption": f"{today.year}年发出关爱提醒函（份）；阳光评议定等 {f['graded']} 个对象",
        "url": reverse("evaluations:letter_list") + f"?year={today.year}",
        "chart": "bar",
        "unit": "个",
        "categories": grades,
        "series": [{"name": "评议等次", "data": [f["by_grade"][g.value] for g in Grade]}],
        "table_head": ["等次", "对象数"],
        "table_rows": [[g, f["by_grade"][c]] for g, c in zip(grades, Grade.values, strict=True)],
    }


def register() -> None:
    registry.register_todo_source("evaluations.work", todo)
    registry.register_date_source("evaluations.dates", dates)
    registry.register_figure(Figure("evaluations.care_letters", "关爱提醒函", 60, figure))
