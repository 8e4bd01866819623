"""The API's cheap serialisation (cadre_supervision.representation): the same bodies as DRF's."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework import serializers

from cadre_supervision import memo, representation
from cadre_supervision.api import ModelSerializer
from cadres.benchkit.targets import discover
from cadres.choices import OrgKind
from cadres.models import Appointment, Cadre, Organization, portfolio_catalogue

from .conftest import login

pytestmark = pytest.mark.django_db


def _drf_bodies(monkeypatch):
    """As DRF itself answers: every shortcut of the module switched off."""
    monkeypatch.setattr(
        representation.FastRepresentationMixin, "to_representation", serializers.Serializer.to_representation
    )
    monkeypatch.setattr(
        representation.FastRepresentationMixin,
        "nested",
        lambda self, serializer_class, items: serializer_class(items, many=True).data,
    )
    monkeypatch.setattr(memo, "remember", lambda key, compute: compute())


def _list_urls():
    return [t.url for t in discover() if t.kind == "api" and t.sizeable]


def _bodies(client, urls):
    out = {}
    for url in urls:
        resp = client.get(url, {"page_size": 50})
        out[url] = (resp.status_code, resp.content)
    return out


@pytest.mark.parametrize("who", ["admin", "staff_a"])
def test_every_list_body_is_drfs_byte_for_byte(city, client, monkeypatch, who):
    login(client, getattr(city, who))
    urls = _list_urls()
    assert len(urls) > 30
    fast = _bodies(client, urls)
    with monkeypatch.context() as m:
        _drf_bodies(m)
        slow = _bodies(client, urls)
    assert fast == slow
    rows = {url: len(json.loads(body)["results"]) for url, (status, body) in fast.items() if status == 200}
    for name in ("organizations", "posts", "cadres", "appointments"):
        assert rows[f"/api/v1/{name}/"] > 0  # the comparison covered real rows, labels, nested lists


def test_detail_bodies_are_drfs(city, client, monkeypatch):
    login(client, city.admin)
    urls = [
        reverse("cadres-api:cadre-detail", kwargs={"pk": city.cadre_a.pk}),
        reverse("cadres-api:post-detail", kwargs={"pk": city.sec_a.pk}),
        reverse("cadres-api:appointment-detail", kwargs={"pk": city.appt_a.pk}),
    ]
    fast = _bodies(client, urls)
    with monkeypatch.context() as m:
        _drf_bodies(m)
        assert _bodies(client, urls) == fast
    assert all(status == 200 for status, _ in fast.values())


class _OrgSerializer(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None)
    missing = serializers.CharField(source="no_such_attribute", read_only=True, required=False)

    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "kind_label", "parent_name", "missing"]


def test_choice_labels_and_fallbacks_match_django_and_drf(city):
    org = Organization(name="临时", kind="not-a-kind")  # a value outside the choices is itself
    for value in (OrgKind.TOWNSHIP, "not-a-kind"):
        org.kind = str(value)
        fast = _OrgSerializer(org).data
        slow = serializers.Serializer.to_representation(_OrgSerializer(org), org)
        assert fast == slow
        assert fast["kind_label"] == org.get_kind_display()
        assert "missing" not in fast  # not required: skipped, as DRF skips it
        assert fast["parent_name"] is None  # a missing relation falls back to the default
    with translation.override("en"):
        org.kind = OrgKind.TOWNSHIP
        assert _OrgSerializer(org).data["kind_label"] == org.get_kind_display()


def test_an_overridden_display_method_is_called(city, monkeypatch):
    assert representation.display_field(Organization, "get_kind_display") is not None
    monkeypatch.setattr(Organization, "get_kind_display", lambda self: "特别")
    assert representation.display_field(Organization, "get_kind_display") is None
    assert [row["kind_label"] for row in _OrgSerializer([city.town_a], many=True).data] == ["特别"]


def test_nested_builds_one_serializer_per_parent():
    built = []

    class Child(serializers.Serializer):
        n = serializers.IntegerField()

        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    class Parent(ModelSerializer):
        class Meta:
            model = Cadre
            fields = ["id"]

    parent = Parent()
    assert parent.nested(Child, [{"n": 1}]) == [{"n": 1}]
    assert parent.nested(Child, [{"n": 2}, {"n": 3}]) == [{"n": 2}, {"n": 3}]
    assert len(built) == 1  # DRF's many_init builds the child once; reused for the second call


def test_memo_only_inside_a_scope(city, django_assert_num_queries):
    calls = []
    assert memo.remember("k", lambda: calls.append(1) or len(calls)) == 1
    assert memo.remember("k", lambda: calls.append(1) or len(calls)) == 2  # no scope: computed
    with memo.memo_scope():
        assert memo.remember("k", lambda: calls.append(1) or len(calls)) == 3
        assert memo.remember("k", lambda: calls.append(1) or len(calls)) == 3
        memo.forget("k")
        assert memo.remember("k", lambda: calls.append(1) or len(calls)) == 4
    assert memo.remember("k", lambda: calls.append(1) or len(calls)) == 5
    portfolio_catalogue()
    with memo.memo_scope(), django_assert_num_queries(0):
        assert portfolio_catalogue() is portfolio_catalogue()


def test_list_queries_do_not_grow_with_rows(city, client, django_assert_max_num_queries):
    from tests.factories import AppointmentFactory, CadreFactory, PostFactory

    login(client, city.admin)
    url = reverse("cadres-api:cadre-list")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for i in range(20):
        cadre = CadreFactory(name=f"干部{i}", organization=city.town_a)
        AppointmentFactory(cadre=cadre, post=PostFactory(organization=city.town_a))
    assert Appointment.objects.count() > 20
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["results"]) > 20
