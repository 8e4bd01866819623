"""Gender and birth date come from a valid citizen ID: the rule (table-driven), the service,
the page form and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cadres import rules
from cadres.models import Cadre
from tests.factories import make_citizen_id

B = dt.date(1985, 3, 9)
MALE = rules.parse_citizen_id(make_citizen_id(B, "M", seq=11))
FEMALE = rules.parse_citizen_id(make_citizen_id(B, "F", seq=12))


@pytest.mark.parametrize(
    "parsed, gender, birth, expected",
    [
        (MALE, "", None, ("M", B, {})),
        (FEMALE, "", None, ("F", B, {})),
        (MALE, "M", B, ("M", B, {})),
        (MALE, "F", None, ("M", B, {"gender": "性别与身份证号不一致。"})),
        (FEMALE, "", dt.date(1985, 3, 10), ("F", B, {"birth_date": "出生日期与身份证号不一致。"})),
        (
            MALE,
            "F",
            dt.date(1990, 1, 1),
            ("M", B, {"gender": "性别与身份证号不一致。", "birth_date": "出生日期与身份证号不一致。"}),
        ),
    ],
)
def test_facts_from_citizen_id(parsed, gender, birth, expected):
    assert rules.facts_from_citizen_id(parsed, gender=gender, birth_date=birth) == expected


def _form(city, **over):
    data = {
        "name": "韩一",
        "gender": "",
        "ethnicity": "汉族",
        "birth_date": "",
        "citizen_id": MALE.value,
        "identity_category": "civil_servant",
        "rank": "zhengke",
        "management_level": "department",
        "status": "active",
        "organization": city.town_a.pk,
    }
    return {**data, **over}


@pytest.mark.django_db
def test_cadre_form_takes_gender_and_birth_date_from_the_id(client, city):
    client.force_login(city.staff_a)
    resp = client.post(reverse("cadres:cadre_create"), _form(city))
    assert resp.status_code == 302, resp.content.decode()[:500]
    cadre = Cadre.objects.get(name="韩一")
    assert (cadre.gender, cadre.birth_date) == ("M", B)


@pytest.mark.django_db
def test_cadre_form_refuses_a_conflicting_typed_value(client, city):
    client.force_login(city.staff_a)
    resp = client.post(reverse("cadres:cadre_create"), _form(city, gender="F", birth_date="1985-03-10"))
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "性别与身份证号不一致" in body and "出生日期与身份证号不一致" in body
    assert not Cadre.objects.filter(name="韩一").exists()


@pytest.mark.django_db
def test_cadre_update_without_typed_values_keeps_the_id_facts(client, city):
    cadre = city.cadre_a2
    client.force_login(city.staff_a)
    data = _form(city, name=cadre.name, citizen_id="", gender="", birth_date="")
    resp = client.post(reverse("cadres:cadre_update", args=[cadre.pk]), data)
    assert resp.status_code == 302, resp.content.decode()[:500]
    fresh = Cadre.objects.get(pk=cadre.pk)
    assert (fresh.gender, fresh.birth_date) == (cadre.gender, cadre.birth_date)


@pytest.mark.django_db
def test_api_create_without_gender_and_birth_date(api, city):
    api.force_authenticate(city.staff_a)
    payload = {k: v for k, v in _form(city).items() if k not in ("gender", "birth_date")}
    resp = api.post("/api/v1/cadres/", payload, format="json")
    assert resp.status_code == 201, resp.json()
    assert (resp.json()["gender"], resp.json()["birth_date"]) == ("M", B.isoformat())
    resp = api.post("/api/v1/cadres/", {**payload, "citizen_id": FEMALE.value, "gender": "M"}, format="json")
    assert resp.status_code == 400 and resp.json()["gender"] == ["性别与身份证号不一致。"]
