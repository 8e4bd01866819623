"""The scoped lookup endpoint behind every type-ahead picker (`cadre_supervision.lookup`)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadre_supervision.permissions import clear_cache
from tests.factories import CadreFactory, OrganizationFactory

URL = "/api/v1/lookup/{}/"


def texts(api, source, **params):
    resp = api.get(URL.format(source), params)
    assert resp.status_code == 200, resp.content
    return [r["text"] for r in resp.json()["results"]]


def test_anonymous_is_refused(api, city):
    assert api.get(URL.format("cadres")).status_code in (401, 403)


def test_out_of_scope_rows_are_absent(api, city):
    api.force_authenticate(city.staff_a)
    assert set(texts(api, "cadres")) == {"王芳（甲镇）", "张伟（甲镇）"}
    assert not any("李强" in t for t in texts(api, "cadres", q="李"))
    assert texts(api, "organizations") == ["甲镇"]
    assert all("乙镇" not in t for t in texts(api, "posts"))
    assert all("李强" not in t for t in texts(api, "appointments"))
    api.force_authenticate(city.staff_all)
    assert any("李强" in t for t in texts(api, "cadres", q="李"))


def test_action_is_the_permission_the_form_needs(api, city):
    # the unit liaison views cadres but manages none of their rotations
    api.force_authenticate(city.liaison_a)
    assert len(texts(api, "cadres")) == 2
    assert texts(api, "cadres", action="manage_rotations") == []
    assert len(texts(api, "cadres", action="manage_secondline")) == 2


def test_pinyin_initials_and_name(api, city):
    api.force_authenticate(city.staff_all)
    assert texts(api, "cadres", q="zw") == ["张伟（甲镇）"]
    assert texts(api, "cadres", q="ZW") == ["张伟（甲镇）"]
    assert texts(api, "cadres", q="王") == ["王芳（甲镇）"]
    assert texts(api, "appointments", q="lq")[0].startswith("李强")


def test_id_tail_only_where_full_ids_may_be_read(api, city):
    tail = city.cadre_b.citizen_id_tail
    api.force_authenticate(city.staff_all)  # holds view_citizen_ids
    assert texts(api, "cadres", q=tail) == ["李强（乙镇）"]
    api.force_authenticate(city.discipline)
    from cadre_supervision.permissions import has_org_perm

    if not has_org_perm(city.discipline, "view_citizen_ids"):
        assert texts(api, "cadres", q=tail) == []


def test_results_reveal_nothing_of_the_citizen_id(api, city):
    api.force_authenticate(city.staff_all)
    resp = api.get(URL.format("cadres"), {"q": "zw"}).json()
    assert set(resp["results"][0]) == {"id", "text"}
    assert city.cadre_a.citizen_id_tail not in str(resp)


@pytest.mark.parametrize(
    "params",
    [
        {"action": "drop_table"},
        {"set": "everyone"},
        {"limit": "0"},
        {"limit": "51"},
        {"limit": "abc"},
        {"under": "abc"},
        {"under": "-1"},
        {"q": "x" * 51},
        {"q": "张\x00"},
        {"parent": "abc"},
    ],
)
def test_bad_parameters_are_400(api, city, params):
    api.force_authenticate(city.staff_all)
    resp = api.get(URL.format("organizations"), params)
    assert resp.status_code == 400
    assert set(resp.json()) & {"action", "set", "limit", "under", "q", "parent"}


def test_unknown_source_is_404_and_parent_only_for_trees(api, city):
    api.force_authenticate(city.staff_all)
    assert api.get(URL.format("secrets")).status_code == 404
    assert api.get(URL.format("cadres"), {"parent": "root"}).status_code == 400


def test_paging_and_constant_query_count(api, city):
    api.force_authenticate(city.staff_all)

    def measure():
        clear_cache(city.staff_all)  # cold scope cache each time: the same work per request
        with CaptureQueriesContext(connection) as ctx:
            data = api.get(URL.format("cadres"), {"q": "测试", "limit": "20"}).json()
        return len(ctx.captured_queries), data

    for i in range(10):
        CadreFactory(name=f"测试{i:03d}", organization=city.town_a)
    n10, data10 = measure()
    assert len(data10["results"]) == 10 and data10["more"] is False
    for i in range(10, 100):
        CadreFactory(name=f"测试{i:03d}", organization=city.town_b)
    n100, data100 = measure()
    assert len(data100["results"]) == 20 and data100["more"] is True
    assert n100 == n10


def test_under_narrows_to_a_subtree_in_scope(api, city):
    api.force_authenticate(city.staff_all)
    assert set(texts(api, "cadres", under=city.town_b.pk)) == {"李强（乙镇）"}
    api.force_authenticate(city.staff_a)
    assert texts(api, "cadres", under=city.town_b.pk) == []  # out of scope: nothing


def test_tree_levels_load_on_demand(api, city):
    village = OrganizationFactory(name="甲村", kind="township", parent=city.town_a)
    api.force_authenticate(city.staff_all)
    roots = api.get(URL.format("organizations"), {"parent": "root"}).json()["results"]
    assert [(r["text"], r["has_children"]) for r in roots] == [("某市", True)]
    level = api.get(URL.format("organizations"), {"parent": city.root.pk}).json()["results"]
    assert {r["text"]: r["has_children"] for r in level} == {"甲镇": True, "乙镇": False, "丙局": False}
    deeper = api.get(URL.format("organizations"), {"parent": city.town_a.pk}).json()["results"]
    assert [r["id"] for r in deeper] == [village.pk]
    # a partial scope is rooted at its granted unit; other units' children are absent
    api.force_authenticate(city.staff_a)
    roots = api.get(URL.format("organizations"), {"parent": "root"}).json()["results"]
    assert [r["text"] for r in roots] == ["甲镇"]
    assert api.get(URL.format("organizations"), {"parent": city.town_b.pk}).json()["results"] == []


def test_people_are_listed_only_for_staff(api, city):
    api.force_authenticate(city.nobody)
    assert texts(api, "users") == []
    api.force_authenticate(city.staff_all)
    assert len(texts(api, "users")) >= 5
    # the interviewer set: the caller (and assigned supervisors), for any signed-in account
    api.force_authenticate(city.nobody)
    assert len(texts(api, "users", set="interviewers")) == 1
