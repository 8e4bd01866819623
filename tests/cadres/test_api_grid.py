"""Role × scope grid over the cadre API and the statistics endpoint; query-count ceilings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cadres.choices import TopLeaderKind
from tests.api_checks import list_ids
from tests.factories import AppointmentFactory, CadreFactory, OrganizationFactory, PostFactory

pytestmark = pytest.mark.django_db

# role -> (cadres visible in the list, detail of 乙镇's cadre, stats status)
GRID = {
    "admin": ({"cadre_a", "cadre_a2", "cadre_b"}, 200, 200),
    "staff_all": ({"cadre_a", "cadre_a2", "cadre_b"}, 200, 200),
    "staff_a": ({"cadre_a", "cadre_a2"}, 404, 200),
    "discipline": ({"cadre_a", "cadre_a2", "cadre_b"}, 200, 403),
    "liaison_a": ({"cadre_a", "cadre_a2"}, 404, 403),
    "stats": (set(), 404, 200),
    "nobody": (set(), 404, 403),
}


@pytest.mark.parametrize("who", list(GRID))
def test_role_scope_grid(api, city, who):
    visible, detail_b, stats_status = GRID[who]
    user = getattr(city, who)
    api.force_authenticate(user)
    ids = set(list_ids(api, reverse("cadres-api:cadre-list")))
    assert ids == {getattr(city, n).pk for n in visible}
    assert api.get(reverse("cadres-api:cadre-detail", args=[city.cadre_b.pk])).status_code == detail_b
    status = api.get(reverse("cadres-api:cadre-detail", args=[city.cadre_a.pk])).status_code
    assert status == (200 if "cadre_a" in visible else 404)
    resp = api.get(reverse("cadres-api:stats-cadres"))
    assert resp.status_code == stats_status
    if stats_status == 200:
        expected_total = {"staff_a": 2}.get(who, 3)
        assert resp.json()["total"] == expected_total
    # the same scope governs the other resources
    appts = set(list_ids(api, reverse("cadres-api:appointment-list")))
    assert appts == {getattr(city, n.replace("cadre", "appt")).pk for n in visible}


def test_stats_client_of_one_township(api, city):
    from tests.factories import make_user

    user = make_user("stats_a", "stats_client", [city.town_a])
    api.force_authenticate(user)
    data = api.get(reverse("cadres-api:stats-cadres")).json()
    assert data["total"] == 2 and data["organizations"] == 1
    assert list_ids(api, reverse("cadres-api:cadre-list")) == []
    assert api.get(reverse("cadres-api:cadre-detail", args=[city.cadre_a.pk])).status_code == 404


# --- query counts --------------------------------------------------------------------------------


def _grow(city, n: int) -> None:
    """n cadres, n posts (some key / top-leader posts), n current appointments, n organizations;
    some appointments name a recommender (a cadre) or a reviewer (a user), whose labels the
    appointment list shows."""
    previous = None
    for i in range(n):
        org = OrganizationFactory(name=f"单位{n}-{i}", kind="city_organ", parent=city.root)
        top = PostFactory(
            organization=org,
            title="局长",
            top_leader_kind=TopLeaderKind.ADMIN,
            key_categories=["finance"] if i % 3 == 0 else [],
            key_reason="管财" if i % 3 == 0 else "",
        )
        cadre = CadreFactory(
            name=f"干部{i}", organization=org, birth_date=dt.date(1970 + i % 20, 1 + i % 12, 1 + i % 28)
        )
        AppointmentFactory(
            cadre=cadre,
            post=top,
            start_date=dt.date(2015, 1, 1),
            portfolio_areas=["finance"],
            recommender_cadre=previous if i % 2 else None,
            reviewer_user=city.staff_all if i % 3 == 1 else None,
        )
        previous = cadre


ENDPOINTS = ["organization", "post", "cadre", "appointment"]
MEASURED: dict[tuple[str, int], int] = {}


@pytest.mark.parametrize("rows", [10, 100])
@pytest.mark.parametrize("resource", ENDPOINTS)
def test_list_query_count_is_flat(client, city, django_assert_max_num_queries, resource, rows):
    """A session-authenticated list (session, user, scope, rows, prefetches) under one ceiling."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _grow(city, rows)
    client.force_login(city.staff_all)
    url = reverse(f"cadres-api:{resource}-list")
    # 11: session, user, scope (3), rows, prefetches, and the portfolio-area catalogue when its
    # cache is cold (one query whatever the number of rows).
    with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(11):
        resp = client.get(url, {"page_size": 200})
    assert resp.status_code == 200
    assert len(resp.json()["results"]) >= rows
    MEASURED[(resource, rows)] = len(ctx.captured_queries)
    print(f"\nqueries {resource} list with {rows}+ rows: {len(ctx.captured_queries)}")


def test_stats_query_count(client, city, django_assert_max_num_queries):
    _grow(city, 30)
    client.force_login(city.staff_all)
    with django_assert_max_num_queries(16):  # 15 + the portfolio-area catalogue (cold cache)
        resp = client.get(reverse("cadres-api:stats-cadres"))
    assert resp.status_code == 200
