"""The hand-written floors of the statistics endpoints (`manage.py bench`, issue 14) compute the
same numbers as the endpoints, on the shared city and for users of different scope (the bench
checks the same on the demo data and fails loudly on a difference)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cadre_supervision import registry
from cadres.benchkit.floors import plain

pytestmark = pytest.mark.django_db


def _run(sql, params):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def test_every_statistics_endpoint_but_selection_has_a_floor():
    assert set(registry.stats_floors) >= {
        "cadres-api:stats-cadres",
        "interviews-api:stats",
        "audits-api:stats-audits",
        "rotations-api:stats",
        "reports-api:stats-reports",
        "petitions-api:stats",
        "evaluations-api:stats",
    }


@pytest.mark.parametrize("url_name", sorted(registry.stats_floors))
@pytest.mark.parametrize("who", ["stats", "staff_all", "staff_a", "liaison_a", "discipline"])
def test_the_floor_computes_the_endpoints_numbers(api, city, url_name, who):
    user = getattr(city, who)
    api.force_authenticate(user)
    resp = api.get(reverse(url_name))
    if resp.status_code == 403:
        pytest.skip("no statistics scope for this user")
    assert resp.status_code == 200
    floor = registry.stats_floors[url_name]
    assert plain(floor.compute(_run, user, timezone.localdate())) == plain(floor.numbers(resp.json()))
