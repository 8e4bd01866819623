"""The API kit: one `history` action, scoped related fields, lookups before bodies, the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from cadre_supervision.api import HistoryActionMixin, ScopedViewSetMixin, StatsView
from cadres.models import Appointment, Post

pytestmark = pytest.mark.django_db


def _api_views():
    """Every view class routed under /api/v1/."""
    found = {}

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and route.startswith("api/v1/"):
                cls = getattr(p.callback, "cls", None) or getattr(p.callback, "view_class", None)
                if cls is not None:
                    found[cls] = route

    walk(get_resolver().url_patterns, "")
    return found


def test_history_is_declared_once_and_every_viewset_is_scoped():
    views = _api_views()
    viewsets = [cls for cls in views if hasattr(cls, "get_extra_actions")]
    assert len(viewsets) >= 25
    unscoped = {"CycleViewSet"}  # report cycles are city-wide, not organization records
    for cls in viewsets:
        if cls.__name__ in unscoped:
            assert issubclass(cls, HistoryActionMixin)
            continue
        assert issubclass(cls, ScopedViewSetMixin), f"{cls.__name__} is not on the scoped bases"
        # (drf-spectacular may copy the inherited function onto a decorated class)
        assert cls.history.__qualname__ == "HistoryActionMixin.history", f"{cls.__name__} re-declares history"
        assert "history" in {a.url_path for a in cls.get_extra_actions()}
    for app in ("audits", "cadres", "interviews", "reports", "rotations"):
        source = (Path(__file__).resolve().parent.parent / app / "api" / "views.py").read_text()
        assert "def history" not in source and "history_response" not in source, app


def test_every_stats_endpoint_is_on_the_stats_base():
    stats = {route: cls for cls, route in _api_views().items() if route.startswith("api/v1/stats/")}
    assert sorted(stats) == [
        f"api/v1/stats/{a}/"
        for a in (
            "audits",
            "cadres",
            "evaluations",
            "interviews",
            "petitions",
            "reports",
            "rotations",
            "selection",
        )
    ]
    assert all(issubclass(cls, StatsView) for cls in stats.values())


@pytest.fixture
def staff_a(city):
    api = APIClient()
    api.force_authenticate(city.staff_a)
    return api


@pytest.mark.parametrize(
    "url,model,field,payload",
    [
        ("/api/v1/posts/", Post, "organization", {"title": "副镇长"}),
        ("/api/v1/appointments/", Appointment, "cadre", {"start_date": "2024-01-01"}),
        ("/api/v1/organizations/", None, "parent", {"name": "新单位", "kind": "township"}),
    ],
)
def test_out_of_scope_reference_is_answered_as_nonexistent(city, staff_a, url, model, field, payload):
    out_of_scope = {"organization": city.town_b.pk, "cadre": city.cadre_b.pk, "parent": city.town_b.pk}[field]
    body = dict(payload)
    if url == "/api/v1/appointments/":
        body["post"] = city.dep_a.pk
    count = model.objects.count() if model else None
    answers = []
    for value in (out_of_scope, 99999999):
        resp = staff_a.post(url, {**body, field: value}, format="json")
        assert resp.status_code == 400, resp.content
        [error] = resp.data[field]
        answers.append((error.code, str(error).replace(str(value), "<id>")))
    assert answers[0] == answers[1] and answers[0][0] == "does_not_exist"
    if model:
        assert model.objects.count() == count


@pytest.mark.parametrize(
    "method,url,body",
    [
        ("patch", "/api/v1/cadres/{cadre_b}/", {"gender": "not-a-gender", "organization": "x"}),
        ("put", "/api/v1/cadres/{cadre_b}/", {}),
        ("patch", "/api/v1/organizations/{town_b}/", {"kind": "bogus"}),
        ("patch", "/api/v1/appointments/{appt_b}/", {"start_date": "not a date"}),
        ("post", "/api/v1/cadres/{cadre_b}/reveal-citizen-id/", {"junk": [1, 2]}),
        ("get", "/api/v1/cadres/{cadre_b}/history/", None),
    ],
)
def test_out_of_scope_object_is_404_whatever_the_body(city, staff_a, method, url, body):
    url = url.format(cadre_b=city.cadre_b.pk, town_b=city.town_b.pk, appt_b=city.appt_b.pk)
    resp = getattr(staff_a, method)(url, body, format="json") if body is not None else staff_a.get(url)
    assert resp.status_code == 404, resp.content
    assert resp.json() == {"detail": "记录不存在或无权查看"}


def test_the_same_bad_body_in_scope_is_a_400(city, staff_a):
    resp = staff_a.patch(f"/api/v1/cadres/{city.cadre_a.pk}/", {"gender": "not-a-gender"}, format="json")
    assert resp.status_code == 400 and "gender" in resp.json()


def test_partial_update_answers_the_whole_record(city):
    api = APIClient()
    api.force_authenticate(city.staff_all)
    resp = api.patch(f"/api/v1/organizations/{city.root.pk}/", {"short_name": "市"}, format="json")
    assert resp.status_code == 200, resp.content
    assert "parent_name" in resp.json() and resp.json()["parent_name"] is None


@pytest.mark.parametrize(
    "query,field",
    [
        ("page_size=0", "page_size"),
        ("page_size=true", "page_size"),
        ("page_size=501", "page_size"),
        ("cursor=zz", "cursor"),
    ],
)
def test_bad_paging_parameters_are_400(city, staff_a, query, field):
    resp = staff_a.get(f"/api/v1/cadres/?{query}")
    assert resp.status_code == 400 and field in resp.json()


def test_schema_documents_errors_and_nullable_read_only_fields():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    history = schema["paths"]["/api/v1/cadres/{id}/history/"]["get"]["responses"]
    assert history["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert {"400", "401", "403", "404"} <= set(history)
    org = schema["components"]["schemas"]["Organization"]["properties"]
    assert org["parent_name"].get("nullable") is True
    record = schema["components"]["schemas"]["InterviewRecord"]["properties"]["interviewers"]
    assert not record.get("writeOnly")
    mine = schema["paths"]["/api/v1/required-talks/mine/"]["get"]["responses"]["200"]
    assert mine["content"]["application/json"]["schema"]["$ref"].endswith("/PaginatedRequiredTalkList")
