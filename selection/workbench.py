"""The selection app on the workbench: letters awaiting a reply (for the agency's liaisons
and for the sender), letter due dates on the calendar (publicity end dates come from cadres.publicity), a figure of the year."""

from __future__ import annotations

from django.db.models import Count, Q

from cadre_supervision import registry
from cadre_supervision.permissions import has_any_scope
from cadre_supervision.workbench import horizon

from .choices import CandidateStatus, Stage
from .models import Candidate, OpinionLetter, Selection


def letters_todo(user, today):
    qs = (
        OpinionLetter.objects.restrict(user, "view")
        .filter(reply="", due_on__lte=horizon(today))
        .filter(Q(agency__liaisons=user) | Q(sent_by=user))
        .select_related("agency", "candidate__cadre")
        .distinct()
        .order_by("due_on", "id")
    )
    for x in qs:
        yield registry.TodoItem(
            kind="selection.letter",
            label="廉政意见征求函待答复",
            title=f"{x.agency.name}：{x.candidate.cadre.name}",
            url=x.get_absolute_url(),
            due=x.due_on,
            uid=f"selection.opinionletter.{x.pk}",
        )


def letter_dates(user, start, end):
    qs = (
        OpinionLetter.objects.restrict(user, "view")
        .filter(reply="", due_on__gte=start, due_on__lte=end)
        .select_related("agency", "candidate__cadre")
    )
    for x in qs.order_by("due_on", "id"):
        yield registry.TodoItem(
            kind="selection.letter",
            label="意见征求函答复期限",
            title=f"{x.agency.name}：{x.candidate.cadre.name}",
            url=x.get_absolute_url(),
            due=x.due_on,
            uid=f"selection.opinionletter.{x.pk}",
        )


def figure(user, today):
    if not has_any_scope(Selection, user, "stats"):
        return None
    rows = dict(
        Selection.objects.restrict(user, "stats")
        .filter(motion_date__year=today.year)
        .values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    flagged = (
        Candidate.objects.restrict(user, "stats")
        .filter(selection__motion_date__year=today.year, status=CandidateStatus.NOMINATED)
        .count()
    )
    order = [s for s in Stage.values if s in rows]
    cats = [str(Stage(s).label) for s in order]
    data = [rows[s] for s in order]
    return {
        "value": str(sum(rows.values())),
        "caption": f"本年度选拔任用（联审中人选 {flagged} 名）",
        "url": "/selection/",
        "chart": "bar",
        "unit": "项",
        "categories": cats,
        "series": [{"name": "选拔任用", "data": data}],
        "table_head": ["所处环节", "项数"],
        "table_rows": [[c, n] for c, n in zip(cats, data, strict=True)],
    }


def register() -> None:
    registry.register_todo_source("selection.letters", letters_todo)
    registry.register_date_source("selection.letters", letter_dates)
    registry.register_figure(registry.Figure("selection.year", "选拔任用", 60, figure))
