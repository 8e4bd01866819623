"""Change history in plain Chinese: labels beside the raw values, on the page and in the API."""

from __future__ import annotations

import datetime as dt

import pghistory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadre_supervision.history import history_for
from cadres.models import Appointment, Cadre

from .conftest import login

pytestmark = pytest.mark.django_db


def _edit_as(user, obj_qs, **values):
    with pghistory.context(user=user.pk, username=user.get_username()):
        obj_qs.update(**values)


def _named(city):
    city.staff_all.first_name = "周敏"
    city.staff_all.save(update_fields=["first_name"])
    return city.staff_all


def test_changes_carry_labels_beside_raw_values(city):
    actor = _named(city)
    _edit_as(
        actor,
        Appointment.objects.filter(pk=city.appt_a2.pk),
        post=city.head_a,
        is_secondment=True,
        method="hired",
        end_date=dt.date(2025, 3, 1),
    )
    row = history_for(city.appt_a2)[0]
    changes = {c["field"]: c for c in row["changes"]}
    post = changes["post_id"]
    assert post["label"] == "岗位" and post["before"] == city.dep_a.pk and post["after"] == city.head_a.pk
    assert post["before_label"] == "甲镇 副镇长" and post["after_label"] == "甲镇 镇长"
    assert changes["is_secondment"]["label"] == "挂职"
    assert (changes["is_secondment"]["before_label"], changes["is_secondment"]["after_label"]) == ("否", "是")
    assert changes["method"]["after"] == "hired" and changes["method"]["after_label"] == "聘任"
    assert changes["end_date"]["after_label"] == "2025-03-01"
    assert row["actor"] == "周敏" and row["action_label"] == "修改"
    assert "." not in row["at_label"] and len(row["at_label"]) == 19


def test_actor_with_an_office_is_named_by_office_and_name(city):
    actor = _named(city)
    Cadre.objects.filter(pk=city.cadre_a.pk).update(user=actor)  # 张伟, 党委书记 of 甲镇
    _edit_as(actor, Cadre.objects.filter(pk=city.cadre_b.pk), phone="13800000000")
    assert history_for(city.cadre_b)[0]["actor"] == "党委书记 周敏"


def test_hidden_fields_stay_hidden_and_datetimes_are_local_without_microseconds(city):
    rows = history_for(city.cadre_a)
    fields = {c["field"] for r in rows for c in r["changes"]}
    assert fields and not fields & set(Cadre.history_hidden_fields)
    created = next(c for r in rows for c in r["changes"] if c["field"] == "created_at")
    assert created["label"] == "创建时间" and "." not in created["after_label"]
    assert created["after_label"] == created["after_label"][:19]


def test_linked_names_cost_one_query_per_related_model(city):
    actor = _named(city)
    qs = Appointment.objects.filter(pk=city.appt_a2.pk)
    for post in (city.head_a, city.sec_a, city.dep_a, city.head_a):
        _edit_as(actor, qs, post=post)
    history_for(city.appt_a2)  # warm the portfolio-area catalogue cache
    with CaptureQueriesContext(connection) as few:
        history_for(city.appt_a2)
    for post in (city.sec_a, city.dep_a, city.head_a, city.sec_a, city.dep_a, city.head_a):
        _edit_as(actor, qs, post=post)
    with CaptureQueriesContext(connection) as many:
        history_for(city.appt_a2)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_history_page_shows_labels_not_codes(client, city):
    actor = _named(city)
    _edit_as(actor, Appointment.objects.filter(pk=city.appt_a2.pk), method="hired", is_secondment=True)
    html = (
        login(client, city.staff_all)
        .get(reverse("cadres:cadre_history", args=[city.cadre_a2.pk]))
        .content.decode()
    )
    assert "聘任" in html and "挂职" in html and "周敏" in html
    assert "hired" not in html and "is_secondment" not in html and "staff_all" not in html


def test_history_api_keeps_raw_values_and_adds_labels(api, city):
    actor = _named(city)
    _edit_as(actor, Appointment.objects.filter(pk=city.appt_a2.pk), method="hired", post=city.head_a)
    api.force_authenticate(city.staff_all)
    body = api.get(f"/api/v1/appointments/{city.appt_a2.pk}/history/").json()
    changes = {c["field"]: c for c in body[0]["changes"]}
    assert changes["method"] == {
        "field": "method",
        "label": "任职方式",
        "before": "appointed",
        "before_label": "委任",
        "after": "hired",
        "after_label": "聘任",
    }
    assert changes["post_id"]["after"] == city.head_a.pk and changes["post_id"]["after_label"] == "甲镇 镇长"
    assert body[0]["actor"] == "周敏" and body[0]["actor_id"] == actor.pk and "username" not in body[0]


def test_catalogue_codes_show_their_labels(city):
    from cadres.models import PortfolioArea

    area = PortfolioArea.objects.order_by("order").first()
    _edit_as(_named(city), Appointment.objects.filter(pk=city.appt_a2.pk), portfolio_areas=[area.code])
    change = next(c for c in history_for(city.appt_a2)[0]["changes"] if c["field"] == "portfolio_areas")
    assert change["after"] == [area.code] and change["after_label"] == area.name
