"""cadre_stats(user): database aggregates over the caller's view_stats scope, no personal data."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from cadres import rules
from cadres.choices import CadreStatus, TopLeaderKind
from cadres.models import Cadre, forbidden_area_codes
from cadres.stats import age_band_q, cadre_stats, portfolio_violation_q
from tests.factories import AppointmentFactory, CadreFactory, PostFactory, make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 30)


def _by_code(rows):
    return {r["code"]: r["count"] for r in rows}


@pytest.fixture
def corps(city):
    """Adds a key-post holder, a violating 一把手 in 乙镇's admin post, a second-line and a retired cadre."""
    fin = PostFactory(
        organization=city.town_a,
        title="财政所所长",
        is_leading=False,
        key_categories=["finance", "assets"],
        key_reason="资金",
    )
    AppointmentFactory(cadre=city.cadre_a2, post=fin, start_date=dt.date(2022, 1, 1))
    head_b = PostFactory(organization=city.town_b, title="镇长", top_leader_kind=TopLeaderKind.ADMIN)
    mayor_b = CadreFactory(
        name="钱多", organization=city.town_b, rank="zhengke", birth_date=dt.date(1990, 7, 1)
    )
    AppointmentFactory(
        cadre=mayor_b,
        post=head_b,
        start_date=dt.date(2020, 1, 1),
        portfolio_areas=["overall", "finance"],
        portfolio_text="全面工作，分管财务",
    )
    # A note saying what a 一把手 does not oversee is not a violation.
    city.appt_b.portfolio_text = "不分管财务、人事"
    city.appt_b.save()
    CadreFactory(name="孙退", organization=city.town_b, status=CadreStatus.SECOND_LINE)
    CadreFactory(name="周休", organization=city.town_a, status=CadreStatus.RETIRED)
    return city


def test_stats_over_the_whole_city(corps):
    data = cadre_stats(corps.staff_all, today=TODAY)
    assert data["total"] == 6 and data["active"] == 4
    assert _by_code(data["by_status"]) == {"active": 4, "second_line": 1, "retired": 1, "left": 0}
    assert _by_code(data["by_org_kind"])["township"] == 4
    assert _by_code(data["by_rank"])["zhengke"] == 1 and _by_code(data["by_rank"])["fuchu"] == 3
    assert sum(_by_code(data["by_age_band"]).values()) == 4
    assert data["key_posts"]["cadres"] == 1
    assert _by_code(data["key_posts"]["by_category"]) == {
        "personnel": 0,
        "finance": 1,
        "assets": 1,
        "discipline_law": 0,
        "classified": 0,
        "construction": 0,
        "licensing": 0,
    }
    assert data["top_leaders"]["cadres"] == 3
    assert _by_code(data["top_leaders"]["by_kind"]) == {"party": 2, "admin": 1}
    assert data["top_leaders"]["portfolio_violations"] == 1


def test_stats_are_limited_to_the_scope(corps):
    user = make_user("stats_a", "stats_client", [corps.town_a])
    data = cadre_stats(user, today=TODAY)
    assert data["total"] == 3 and data["active"] == 2
    assert data["top_leaders"]["cadres"] == 1 and data["top_leaders"]["portfolio_violations"] == 0
    assert cadre_stats(corps.nobody, today=TODAY)["total"] == 0
    # discipline holds view_cadres but not view_stats: nothing counted
    assert cadre_stats(corps.discipline, today=TODAY)["total"] == 0


def test_stats_contain_no_personal_data(api, corps):
    api.force_authenticate(corps.stats)
    resp = api.get(reverse("cadres-api:stats-cadres"))
    assert resp.status_code == 200
    text = json.dumps(resp.json(), ensure_ascii=False)
    for cadre in Cadre.objects.all():
        assert cadre.name not in text and cadre.citizen_id_masked not in text
    assert resp.json()["total"] == 6


@pytest.mark.parametrize(
    "birth",
    [
        dt.date(1990, 7, 1),
        dt.date(1990, 6, 30),
        dt.date(1990, 7, 1),
        dt.date(1984, 6, 30),
        dt.date(1984, 7, 1),
        dt.date(1969, 6, 30),
        dt.date(1969, 7, 1),
        dt.date(1960, 3, 1),
        dt.date(1979, 12, 31),
        dt.date(2000, 1, 1),
    ],
)
def test_age_band_query_matches_the_rule(city, birth):
    """The SQL age bands agree with rules.age_band at band edges (birthdays on `TODAY`)."""
    cadre = CadreFactory(organization=city.town_a, birth_date=birth)
    expected = rules.age_band(rules.full_years(birth, TODAY))
    matching = [
        b for b in rules.AGE_BANDS if Cadre.objects.filter(age_band_q(b, TODAY), pk=cadre.pk).exists()
    ]
    assert matching == [expected]


@pytest.mark.parametrize(
    "areas, text, violates",
    [
        ([], "", False),
        (["finance"], "", True),
        (["overall"], "分管招投标", False),  # the text is a note, never matched
        (["party_building"], "全面工作", False),
        (["approval"], "", True),
    ],
)
def test_violation_query_matches_the_rule(city, areas, text, violates):
    city.appt_a.portfolio_areas = areas
    city.appt_a.portfolio_text = text
    city.appt_a.save()
    in_sql = type(city.appt_a).objects.filter(portfolio_violation_q(), pk=city.appt_a.pk).exists()
    in_python = bool(rules.portfolio_violations(True, areas, forbidden_area_codes()))
    assert in_sql == in_python == violates
