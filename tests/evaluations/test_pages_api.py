"""Pages and API beyond the grid: the computed grade on the page, a bad score's Chinese message,
the letter as .docx and print page, statistics over scope, the workbench and the sweep."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from cadre_supervision import registry
from cadre_supervision.models import AccessLog
from evaluations import integration, services, workbench
from evaluations.choices import Step, SubjectKind
from evaluations.models import Score
from tests.conftest import login

from .conftest import YEAR, run_to

pytestmark = pytest.mark.django_db


def test_bad_score_on_the_form_shows_a_chinese_error_and_saves_nothing(client, city):
    c = services.campaign_create(user=city.staff_all, organization=city.town_a, year=YEAR)
    s = services.subject_add(user=city.staff_all, campaign=c, kind=SubjectKind.LEADER, cadre=city.cadre_a)
    login(client, city.staff_a)
    resp = client.post(reverse("evaluations:subject_scores", args=[s.pk]), {"score_masses": "80"})
    assert resp.status_code == 200
    assert "述职报告环节完成后才能录入评议得分" in resp.content.decode()
    run_to(c, city.staff_all, Step.YI)
    resp = client.post(reverse("evaluations:subject_scores", args=[s.pk]), {"score_masses": "180"})
    assert resp.status_code == 200 and not Score.objects.exists()


def test_grade_shown_on_the_cadre_page_and_integrity_file(client, ev):
    login(client, ev.staff_a)
    page = client.get(reverse("cadres:cadre_detail", args=[ev.cadre_a.pk])).content.decode()
    assert "阳光评议与关爱提醒" in page and "基本称职" in page
    login(client, ev.discipline)
    page = client.get(reverse("integrity_file", args=[ev.cadre_a.pk])).content.decode()
    assert "阳光评议、民主测评与关爱提醒函" in page and "基本称职" in page


def test_letter_docx_and_print(client, ev):
    login(client, ev.staff_a)
    resp = client.get(reverse("evaluations:letter_docx", args=[ev.letter_a.pk]))
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxml")
    from docx import Document

    text = "\n".join(p.text for p in Document(BytesIO(resp.content)).paragraphs)
    assert "关爱提醒函" in text and "张伟同志" in text
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, object_id=str(ev.letter_a.pk)).exists()
    page = client.get(reverse("evaluations:letter_print", args=[ev.letter_a.pk])).content.decode()
    assert "张伟同志" in page


def test_stats_over_scope(api, ev):
    api.force_authenticate(ev.staff_a)
    data = api.get("/api/v1/stats/evaluations/", {"year": YEAR}).json()
    assert data["subjects"] == 2 and data["by_grade"]["incompetent"] == 0
    api.force_authenticate(ev.stats)
    data = api.get("/api/v1/stats/evaluations/", {"year": YEAR}).json()
    assert data["subjects"] == 3 and data["by_grade"]["incompetent"] == 1
    assert api.get("/api/v1/stats/evaluations/", {"year": "abc"}).status_code == 400
    api.force_authenticate(ev.nobody)
    assert api.get("/api/v1/stats/evaluations/").json()["subjects"] == 0


def test_workbench_todo_dates_and_figure(ev):
    today = timezone.localdate()
    items = list(workbench.todo(ev.staff_a, today))
    assert any(i.uid == f"evaluations.careletter.{ev.letter_a.pk}" for i in items)
    assert not any(i.uid == f"evaluations.careletter.{ev.letter_b.pk}" for i in items)
    fig = workbench.figure(ev.staff_a, today.replace(year=YEAR))
    assert fig["value"] == "0"
    services.care_letter_send(user=ev.staff_a, letter=ev.letter_a, sent_on=today)
    assert workbench.figure(ev.staff_a, today.replace(year=YEAR))["value"] == "1"
    assert workbench.figure(ev.nobody, today) is None
    dated = list(workbench.dates(ev.staff_all, dt.date(YEAR, 12, 1), dt.date(YEAR, 12, 31)))
    assert any(i.kind == "evaluations.item" for i in dated)
    assert "evaluations.work" in registry.todo_sources


def test_sweep_reminds_unacknowledged_letters(ev):
    sent = timezone.localdate()
    services.care_letter_send(user=ev.staff_a, letter=ev.letter_a, sent_on=sent)
    assert list(integration.sweep_letters_unacknowledged(sent)) == []
    later = list(integration.sweep_letters_unacknowledged(sent + dt.timedelta(days=30)))
    assert [s.object_id for s in later] == [str(ev.letter_a.pk)]


def test_api_scores_and_send(api, city):
    c = services.campaign_create(user=city.staff_all, organization=city.town_a, year=YEAR)
    s = services.subject_add(user=city.staff_all, campaign=c, kind=SubjectKind.LEADER, cadre=city.cadre_a)
    run_to(c, city.staff_all, Step.YI)
    api.force_authenticate(city.staff_a)
    url = f"/api/v1/evaluation-subjects/{s.pk}/scores/"
    bad = api.post(url, {"scores": {"masses": 101}}, format="json")
    assert bad.status_code == 400
    ok = api.post(
        url, {"scores": {g: 95 for g in ("masses", "deputies", "cadres", "leaders")}}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["grade"] == "excellent"


def test_api_bad_bodies_are_400_not_500(api, ev):
    api.force_authenticate(ev.staff_a)
    huge = {
        "cadre": ev.cadre_a.pk,
        "year": YEAR - 1,
        "held_on": f"{YEAR - 1}-06-01",
        "participants": 10**12,
        "ratings": {"moral": [1, 2, 3]},
    }
    assert api.post("/api/v1/democratic-evaluations/", huge, format="json").status_code == 400
    odd = {**huge, "participants": 10, "ratings": {"nonsense": [1, 1, 1]}}
    resp = api.post("/api/v1/democratic-evaluations/", odd, format="json")
    assert resp.status_code == 400 and "未知的测评项目" in resp.content.decode()
    outside = {**huge, "participants": 10, "cadre": ev.cadre_b.pk}
    assert api.post("/api/v1/democratic-evaluations/", outside, format="json").status_code == 400
    resp = api.post(
        "/api/v1/evaluation-campaigns/", {"organization": ev.town_a.pk, "year": YEAR}, format="json"
    )
    assert resp.status_code == 400 and "已经建立" in resp.content.decode()
