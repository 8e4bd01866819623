"""Pages and API beyond the grid: duplicates on entry, the disposal form raising the talk,
figures, stats, the audit plan suggestion, the workbench and the daily sweep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cadre_supervision import registry
from cadre_supervision.notifications import run_sweep
from interviews.models import InterviewRecord
from petitions.models import Petition
from petitions.workbench import petition_dates, petitions_figure, petitions_todo

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _form(pet, **kw):
    data = {
        "title": "再次反映张伟收受礼金",
        "channel": "web",
        "received_on": "2026-05-01",
        "organization": pet.town_a.pk,
        "cadres": [pet.cadre_a.pk],
        "content": "反映张伟在春节期间收受辖区企业负责人所送礼金和购物卡，金额较大。",
        "anonymous": "on",
        "handler": pet.disc_a.pk,
    }
    data.update(kw)
    return data


def test_create_shows_possible_duplicates_then_registers_on_confirmation(client, pet):
    c = _login(client, pet.disc_a)
    before = Petition.objects.count()
    resp = c.post(reverse("petitions:petition_create"), _form(pet))
    assert resp.status_code == 200
    assert "可能的重复件" in resp.content.decode() and pet.pet_a.title in resp.content.decode()
    assert Petition.objects.count() == before
    resp = c.post(reverse("petitions:petition_create"), _form(pet, confirm_duplicates="on"))
    assert resp.status_code == 302
    new = Petition.objects.latest("pk")
    detail = c.get(new.get_absolute_url()).content.decode()
    assert "可能的重复件" in detail and pet.pet_a.number in detail


def test_create_rejects_named_without_name_keeping_values(client, pet):
    resp = _login(client, pet.disc_a).post(
        reverse("petitions:petition_create"),
        _form(pet, anonymous="", cadres=[pet.cadre_a2.pk], title="实名无姓名"),
    )
    assert resp.status_code == 200
    assert "实名举报请填写举报人姓名" in resp.content.decode()
    assert resp.context["form"]["title"].value() == "实名无姓名"
    assert not Petition.objects.filter(title="实名无姓名").exists()


def test_dispose_page_raises_talk_and_detail_links_it(client, pet):
    c = _login(client, pet.disc_a)
    resp = c.post(
        reverse("petitions:petition_dispose", args=[pet.pet_a.pk]),
        {
            "disposal": "talk_inquiry",
            "talk_form": "admonishment",
            "decided_on": "2026-03-10",
            "note": "谈话提醒",
        },
    )
    assert resp.status_code == 302
    rec = InterviewRecord.objects.get(source_id=str(pet.pet_a.pk))
    html = c.get(pet.pet_a.get_absolute_url()).content.decode()
    assert reverse("interviews:record_detail", args=[rec.pk]) in html
    assert c.get(reverse("interviews:record_detail", args=[rec.pk])).status_code == 200


def test_dispose_page_bad_transition_shows_error(client, pet):
    c = _login(client, pet.disc_a)
    url = reverse("petitions:petition_dispose", args=[pet.pet_a.pk])
    c.post(url, {"disposal": "closed", "decided_on": "2026-03-10", "note": "了结"})
    resp = c.post(url, {"disposal": "preliminary", "decided_on": "2026-03-11", "note": "再核"})
    assert resp.status_code == 200 and "不能再处置" in resp.content.decode()


def test_viewer_without_change_cannot_dispose(client, pet):
    resp = _login(client, pet.stats).post(
        reverse("petitions:petition_dispose", args=[pet.pet_a.pk]),
        {"disposal": "closed", "decided_on": "2026-03-10", "note": "x"},
    )
    assert resp.status_code == 404
    assert Petition.objects.get(pk=pet.pet_a.pk).disposal == ""


def test_stats_api_scope_and_bad_year(api, pet):
    api.force_authenticate(pet.disc_a)
    body = api.get(reverse("petitions-api:stats"), {"year": 2026}).json()
    assert body["total"] == 1 and {r["key"] for r in body["by_channel"]} >= {"letter", "12380"}
    assert api.get(reverse("petitions-api:stats"), {"year": "abc"}).status_code == 400
    api.force_authenticate(pet.nobody)
    assert api.get(reverse("petitions-api:stats")).status_code == 403
    api.force_authenticate(pet.stats)
    assert api.get(reverse("petitions-api:stats"), {"year": 2026}).json()["total"] == 2


def test_figures_page(client, pet):
    resp = _login(client, pet.discipline).get(reverse("petitions:figures"), {"year": 2026})
    assert resp.status_code == 200 and resp.context["stats"]["total"] == 2
    assert _login(client, pet.nobody).get(reverse("petitions:figures")).status_code == 403


def test_audit_plan_page_shows_petition_heavy_units(client, pet):
    from petitions import services

    for i in range(4):
        services.petition_create(
            user=pet.disc_a,
            title=f"件{i}",
            channel="letter",
            received_on=dt.date(2026, 4, 1),
            organization=pet.town_a,
            content=f"内容{i}",
            handler=pet.disc_a,
        )
    html = _login(client, pet.staff_all).get(reverse("audits:plan"), {"year": 2026}).content.decode()
    assert 'id="unit-suggestions"' in html and "信访举报较多" in html and "甲镇" in html
    html = _login(client, pet.staff_all).get(reverse("audits:plan"), {"year": 2030}).content.decode()
    assert 'id="unit-suggestions"' not in html


def test_workbench_todo_dates_figure(pet):
    today = dt.date(2026, 6, 1)
    late = pet.pet_a.deadline + dt.timedelta(days=1)
    assert [i.uid for i in petitions_todo(pet.disc_a, late)] == [f"petitions.petition.{pet.pet_a.pk}"]
    assert list(petitions_todo(pet.disc_a2, late)) == []
    dates = list(petition_dates(pet.discipline, dt.date(2026, 5, 1), today + dt.timedelta(days=90)))
    assert {d.uid for d in dates} == {
        f"petitions.petition.{pet.pet_a.pk}",
        f"petitions.petition.{pet.pet_b.pk}",
    }
    assert petitions_figure(pet.nobody, today) is None
    fig = petitions_figure(pet.discipline, today)
    assert fig["value"] == "2"
    assert any(f.key == "petitions.channels" for f in registry.figures)


def test_sweep_escalates_overdue_and_reminds(pet):
    late = pet.pet_b.deadline + dt.timedelta(days=1)
    result = run_sweep(late, deliver=False)
    assert result.steps.get("petitions.escalate") == 2
    assert Petition.objects.filter(escalated_on=late).count() == 2
    from cadre_supervision.models import Notification

    assert Notification.objects.filter(kind="petitions.overdue", recipient=pet.disc_a).exists()
