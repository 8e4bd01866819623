"""What the petitions app puts on the workbench: the petitions I handle due or overdue
(to-do), petition deadlines of my scope (calendar) and this year's petitions by channel with
the 属实 rate (figure)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from cadre_supervision.permissions import has_any_scope
from cadre_supervision.registry import Figure, TodoItem
from cadre_supervision.workbench import horizon

from . import selectors
from .models import Petition


def _item(p: Petition) -> TodoItem:
    return TodoItem(
        kind="petitions.petition",
        label="信访举报",
        title=f"办理信访举报件 {p.number}（{p.organization.name}）",
        url=p.get_absolute_url(),
        due=p.deadline,
        detail=f"办理期限 {p.deadline:%Y-%m-%d}" + ("，已督办" if p.escalated_on else ""),
        uid=f"petitions.petition.{p.pk}",
    )


def petitions_todo(user, today: dt.date):
    """Open petitions the user handles whose deadline falls by the horizon (overdue included)."""
    for p in selectors.my_open(user=user).filter(deadline__lte=horizon(today)).order_by("deadline", "id"):
        yield _item(p)


def petition_dates(user, start: dt.date, end: dt.date):
    rows = (
        Petition.objects.restrict(user, "view")
        .open()
        .filter(deadline__range=(start, end))
        .select_related("organization")
        .order_by("deadline", "id")
    )
    for p in rows:
        yield _item(p)


def petitions_figure(user, today: dt.date) -> dict | None:
    if not has_any_scope(Petition, user, "stats"):
        return None
    s = selectors.stats(user=user, year=today.year)
    if not s["total"]:
        return None
    rate = s["substantiated_rate"]
    return {
        "value": str(s["total"]),
        "caption": f"{today.year}年受理 {s['total']} 件，已办结 {s['concluded']} 件，属实率 "
        + (f"{rate}%" if rate is not None else "—"),
        "url": reverse("petitions:figures"),
        "chart": "bar",
        "unit": "件",
        "categories": [r["label"] for r in s["by_channel"]],
        "series": [{"name": "件数", "data": [r["count"] for r in s["by_channel"]]}],
        "table_head": ["来源渠道", "件数"],
        "table_rows": [[r["label"], r["count"]] for r in s["by_channel"]],
    }


def register() -> None:
    from cadre_supervision import registry
    from cadre_supervision.notifications import register_kind_label

    register_kind_label("petitions", "信访举报")
    register_kind_label("petitions.overdue", "信访举报件超期")
    registry.register_todo_source("petitions.petitions", petitions_todo)
    registry.register_date_source("petitions.deadlines", petition_dates)
    registry.register_figure(
        Figure("petitions.channels", "本年度信访举报（按来源渠道）", 40, petitions_figure)
    )
