"""The selection app among the others: reminders (sweep sources), the workbench, the
statistics endpoint over the caller's scope, the integrity file, the warnings it owns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cadre_supervision import registry
from cadres import publicity
from selection import integration, services, workbench
from selection.choices import CandidateStatus, Stage
from selection.models import Candidate, OpinionLetter, Selection
from tests.selection.conftest import to_stage

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_overdue_letters_remind_the_sender_and_the_liaison(sel):
    OpinionLetter.objects.filter(pk=sel.letter_a.pk).update(
        sent_on=TODAY - dt.timedelta(days=30), due_on=TODAY - dt.timedelta(days=20)
    )
    specs = list(integration.sweep_letters_overdue(TODAY))
    assert {s.recipient_id for s in specs if s.object_id == str(sel.letter_a.pk)} == {
        sel.staff_all.pk,
        sel.jw_liaison.pk,
    }
    assert all(s.kind == "selection.letter_overdue" for s in specs)
    assert not list(integration.sweep_letters_overdue(TODAY - dt.timedelta(days=25)))


def test_publicity_ending_reminder_comes_from_the_shared_publicity(sel):
    s = to_stage(sel, sel.sel_a, Stage.PUBLICITY)
    Candidate.objects.filter(pk=sel.cand_a.pk).update(status=CandidateStatus.CLEARED)
    posted = services.publicity_open(
        user=sel.staff_all, selection=s, start_date=TODAY - dt.timedelta(days=2), location="甲镇公示栏"
    )
    end = max(p.end_date for p in posted)
    specs = list(publicity.sweep_publicity_ending(end - dt.timedelta(days=1)))
    assert {x.object_id for x in specs} == {str(p.pk) for p in posted}
    assert all(x.kind == "cadres.publicity_ending" and x.recipient_id == sel.staff_all.pk for x in specs)
    assert not list(publicity.sweep_publicity_ending(end + dt.timedelta(days=1)))


def test_stage_open_too_long(sel):
    Selection.objects.filter(pk=sel.sel_b.pk).update(stage_since=TODAY - dt.timedelta(days=90))
    assert [x.object_id for x in integration.sweep_stage_overdue(TODAY)] == [str(sel.sel_b.pk)]


def test_workbench_lists_letters_awaiting_reply_for_the_liaison_only_theirs(sel):
    items = list(workbench.letters_todo(sel.jw_liaison, TODAY))
    assert {i.uid for i in items} == {
        f"selection.opinionletter.{sel.letter_a.pk}",
        f"selection.opinionletter.{sel.letter_b.pk}",
    }
    assert not list(workbench.letters_todo(sel.nobody, TODAY))
    dates = list(workbench.letter_dates(sel.staff_a, TODAY, TODAY + dt.timedelta(days=30)))
    assert dates and all("张伟" in d.title for d in dates)


def test_stats_over_the_callers_scope(sel, api):
    url = reverse("selection-api:stats-selection")
    api.force_authenticate(sel.staff_a)
    data = api.get(url).json()
    assert data["selections"] == 1 and data["candidates"] == 1
    agencies = {a["agency"]: a for a in data["letters_by_agency"]}
    assert agencies["市纪委监委"]["letters"] == 1
    api.force_authenticate(sel.staff_all)
    assert api.get(url).json()["selections"] == 2
    api.force_authenticate(sel.nobody)
    assert api.get(url).status_code == 403
    api.force_authenticate(sel.stats)
    assert api.get(url).json()["selections"] == 2


def test_adverse_reply_is_a_promotion_blocking_warning(sel):
    services.letter_reply(user=sel.jw_liaison, letter=sel.letter_a, reply="issue", reply_text="有问题线索")
    found = registry.warnings_for(sel.staff_all, [sel.cadre_a.pk], sources=["selection.adverse_reply"])
    assert [w.kind for w in found] == ["selection.adverse_reply"]
    assert registry.warning_source("selection.adverse_reply").blocks_promotion
    assert not registry.warnings_for(sel.staff_a, [sel.cadre_b.pk], sources=["selection.adverse_reply"])


def test_integrity_file_shows_candidacies_and_exceptions(sel, client):
    services.exception_record(user=sel.lead, cadre=sel.cadre_a2, post=sel.head_a, reason="抢险救灾急需")
    client.force_login(sel.staff_all)
    body = client.get(reverse("integrity_file", args=[sel.cadre_a2.pk])).content.decode()
    assert "选拔任用及例外" in body and "抢险救灾急需" in body
    body = client.get(reverse("integrity_file", args=[sel.cadre_a.pk])).content.decode()
    assert "甲镇镇长选拔" in body


def test_workbench_api_carries_the_selection_figure_with_its_table(sel, client):
    """The figure is served by `/api/v1/workbench/` as every other one: chart data and the same
    numbers as a table (a figure missing its table once answered 500 there)."""
    Selection.objects.filter(pk__in=[sel.sel_a.pk, sel.sel_b.pk]).update(motion_date=TODAY)
    client.force_login(sel.staff_all)
    r = client.get("/api/v1/workbench/")
    assert r.status_code == 200, r.content[:300]
    fig = next(f for f in r.json()["figures"] if f["key"] == "selection.year")
    assert fig["table_head"] == ["所处环节", "项数"]
    assert fig["table_rows"] == [["民主推荐", 2]]
    assert fig["categories"] == ["民主推荐"] and fig["series"][0]["data"] == [2.0]
