"""Every page of the registry checked the same way: anonymous → login; in scope → 200;
out of scope → 404 and absent from lists, filter choices and exports; writes outside
scope refused with nothing saved; a role × scope grid over the cadre pages."""

from __future__ import annotations

import random
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadre_supervision.models import AccessLog
from cadres.models import Appointment, Cadre, Organization, Post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_feb29_birth_dates():
    """tests/factories.CadreFactory draws random birth dates and fails on 29 February
    (party_join_date = birth + 22 years); a fixed seed keeps these tests deterministic."""
    random.seed(1)


def _xlsx_names(resp) -> list[str]:
    assert resp.status_code == 200, resp.status_code
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(resp.content)).worksheets[0]
    return [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]


# --- (url name, args builder from the city fixture): in scope for staff_a / out of scope ----------

DETAIL_PAGES = [
    ("cadres:organization_detail", lambda c: c.town_a.pk, lambda c: c.town_b.pk),
    ("cadres:organization_history", lambda c: c.town_a.pk, lambda c: c.town_b.pk),
    ("cadres:organization_update", lambda c: c.town_a.pk, lambda c: c.town_b.pk),
    ("cadres:post_detail", lambda c: c.sec_a.pk, lambda c: c.sec_b.pk),
    ("cadres:post_history", lambda c: c.sec_a.pk, lambda c: c.sec_b.pk),
    ("cadres:post_update", lambda c: c.sec_a.pk, lambda c: c.sec_b.pk),
    ("cadres:cadre_detail", lambda c: c.cadre_a.pk, lambda c: c.cadre_b.pk),
    ("cadres:cadre_history", lambda c: c.cadre_a.pk, lambda c: c.cadre_b.pk),
    ("cadres:cadre_update", lambda c: c.cadre_a.pk, lambda c: c.cadre_b.pk),
    ("cadres:appointment_create", lambda c: c.cadre_a.pk, lambda c: c.cadre_b.pk),
    ("cadres:appointment_update", lambda c: c.appt_a.pk, lambda c: c.appt_b.pk),
    ("cadres:appointment_end", lambda c: c.appt_a.pk, lambda c: c.appt_b.pk),
]
LIST_PAGES = [
    "cadres:cadre_list",
    "cadres:organization_tree",
    "cadres:post_list",
    "cadres:cadre_create",
    "cadres:post_create",
    "cadres:organization_create",
    "cadres:cadre_import",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_anonymous_list_pages_redirect_to_login(client, city, name):
    resp = client.get(reverse(name))
    assert resp.status_code == 302 and resp["Location"].startswith("/login/")


@pytest.mark.parametrize("name, inside, outside", DETAIL_PAGES)
def test_anonymous_detail_pages_redirect_to_login(client, city, name, inside, outside):
    resp = client.get(reverse(name, args=[inside(city)]))
    assert resp.status_code == 302 and resp["Location"].startswith("/login/")


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_in_scope(client, city, name):
    client.force_login(city.staff_a)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name, inside, outside", DETAIL_PAGES)
def test_detail_pages_in_scope_200_out_of_scope_404(client, city, name, inside, outside):
    client.force_login(city.staff_a)
    assert client.get(reverse(name, args=[inside(city)])).status_code == 200
    assert client.get(reverse(name, args=[outside(city)])).status_code == 404


def test_out_of_scope_absent_from_lists_tree_and_filter_choices(client, city):
    client.force_login(city.staff_a)
    body = client.get(reverse("cadres:cadre_list")).content.decode()
    assert "张伟" in body and "王芳" in body
    assert "李强" not in body
    assert "乙镇" not in body  # not even as a choice of the organization filter
    assert f'value="{city.town_b.pk}"' not in body

    tree = client.get(reverse("cadres:organization_tree"))
    ids = [n.org.pk for root in tree.context["tree"] for n in [root, *root.children]]
    assert city.town_a.pk in ids and city.town_b.pk not in ids
    assert "乙镇" not in tree.content.decode()

    posts = client.get(reverse("cadres:post_list"))
    post_ids = [p.pk for p in posts.context["object_list"]]
    assert city.sec_a.pk in post_ids and city.sec_b.pk not in post_ids
    assert "乙镇" not in posts.content.decode()

    detail = client.get(reverse("cadres:organization_detail", args=[city.town_a.pk])).content.decode()
    assert "李强" not in detail


def test_out_of_scope_absent_from_exports(client, city):
    client.force_login(city.staff_a)
    names = _xlsx_names(client.get(reverse("cadres:cadre_list"), {"export": "xlsx"}))
    assert sorted(names) == ["张伟", "王芳"]
    orgs = _xlsx_names(client.get(reverse("cadres:post_list"), {"export": "xlsx"}))
    assert set(orgs) == {"甲镇"}
    assert AccessLog.objects.filter(user=city.staff_a, action=AccessLog.Action.EXPORT).count() == 2


def test_cadre_export_contains_masked_id_only(client, city):
    client.force_login(city.staff_all)
    resp = client.get(reverse("cadres:cadre_list"), {"export": "xlsx", "q": "张伟"})
    ws = load_workbook(BytesIO(resp.content)).worksheets[0]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    cid_col = header.index("身份证号（脱敏）")
    assert row[0] == "张伟"
    assert "*" in row[cid_col] and row[cid_col] == city.cadre_a.citizen_id_masked
    # no 18-character unmasked ID anywhere in the sheet
    from cadres import crypto

    full = crypto.decrypt(Cadre.objects.get(pk=city.cadre_a.pk).citizen_id_encrypted)
    assert all(full not in str(v) for r in ws.iter_rows(values_only=True) for v in r if v)


def test_filtered_export_matches_filter(client, city):
    client.force_login(city.staff_all)
    names = _xlsx_names(client.get(reverse("cadres:cadre_list"), {"export": "xlsx", "top_leader": "true"}))
    assert set(names) == {"李强", "张伟"}


# --- writes outside scope ---------------------------------------------------------------------


def test_write_outside_scope_is_refused_and_saves_nothing(client, city):
    client.force_login(city.staff_a)
    # edit an out-of-scope cadre: 404, unchanged
    resp = client.post(reverse("cadres:cadre_update", args=[city.cadre_b.pk]), {"name": "改名"})
    assert resp.status_code == 404
    assert Cadre.objects.get(pk=city.cadre_b.pk).name == "李强"
    # create a cadre in an out-of-scope unit: invalid choice, nothing saved
    before = Cadre.objects.count()
    resp = client.post(
        reverse("cadres:cadre_create"),
        {
            "name": "赵敏",
            "gender": "F",
            "ethnicity": "汉族",
            "birth_date": "1982-03-04",
            "citizen_id": "11010519820304002X",
            "identity_category": "civil_servant",
            "rank": "zhengke",
            "management_level": "department",
            "status": "active",
            "organization": city.town_b.pk,
        },
    )
    assert resp.status_code == 200 and resp.context["form"].errors.get("organization")
    assert Cadre.objects.count() == before
    # a tenure in an out-of-scope post for an in-scope cadre
    before = Appointment.objects.count()
    resp = client.post(
        reverse("cadres:appointment_create", args=[city.cadre_a2.pk]),
        {"post": city.sec_b.pk, "start_date": "2024-01-01", "method": "appointed"},
    )
    assert resp.status_code == 200 and resp.context["form"].errors.get("post")
    assert Appointment.objects.count() == before
    # end an out-of-scope tenure
    resp = client.post(reverse("cadres:appointment_end", args=[city.appt_b.pk]), {"end_date": "2024-01-01"})
    assert resp.status_code == 404
    assert Appointment.objects.get(pk=city.appt_b.pk).end_date is None
    # a post or a sub-unit in an out-of-scope unit
    before_posts, before_orgs = Post.objects.count(), Organization.objects.count()
    resp = client.post(reverse("cadres:post_create"), {"organization": city.town_b.pk, "title": "副镇长"})
    assert resp.status_code == 200 and resp.context["form"].errors.get("organization")
    resp = client.post(
        reverse("cadres:organization_create"), {"name": "某村", "kind": "township", "parent": city.town_b.pk}
    )
    assert resp.status_code == 200 and resp.context["form"].errors.get("parent")
    assert (Post.objects.count(), Organization.objects.count()) == (before_posts, before_orgs)


def test_view_only_role_cannot_open_or_post_edit_forms(client, city):
    client.force_login(city.discipline)  # sees the whole city, may change nothing
    assert client.get(reverse("cadres:cadre_detail", args=[city.cadre_a.pk])).status_code == 200
    resp = client.post(reverse("cadres:cadre_update", args=[city.cadre_a.pk]), {"name": "改名"})
    assert resp.status_code == 403
    assert Cadre.objects.get(pk=city.cadre_a.pk).name == "张伟"
    assert client.get(reverse("cadres:cadre_create")).status_code == 403
    assert client.get(reverse("cadres:post_update", args=[city.sec_a.pk])).status_code == 403


# --- role × scope grid over the cadre list, detail and export ----------------------------------

ROLE_GRID = [
    # user attribute, sees 甲镇's 张伟, sees 乙镇's 李强
    ("staff_a", True, False),  # org_staff over 甲镇
    ("staff_all", True, True),  # org_staff over the city
    ("discipline", True, True),  # discipline over the city
    ("liaison_a", True, False),  # unit liaison of 甲镇
    ("stats", False, False),  # stats client: aggregates only, no cadre pages
    ("nobody", False, False),
]


@pytest.mark.parametrize("who, sees_a, sees_b", ROLE_GRID)
def test_role_scope_grid_cadre_pages(client, city, who, sees_a, sees_b):
    client.force_login(getattr(city, who))
    listed = {c.pk for c in client.get(reverse("cadres:cadre_list")).context["object_list"]}
    assert (city.cadre_a.pk in listed) is sees_a
    assert (city.cadre_b.pk in listed) is sees_b
    for cadre, sees in ((city.cadre_a, sees_a), (city.cadre_b, sees_b)):
        status = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).status_code
        assert status == (200 if sees else 404)
    exported = _xlsx_names(client.get(reverse("cadres:cadre_list"), {"export": "xlsx"}))
    assert ("张伟" in exported) is sees_a
    assert ("李强" in exported) is sees_b
    if not (sees_a or sees_b):
        assert listed == set() and exported == []


# --- history through the page ------------------------------------------------------------------


def test_edit_through_page_writes_history_row(client, city):
    client.force_login(city.staff_a)
    cadre = city.cadre_a
    data = {
        "name": cadre.name,
        "gender": cadre.gender,
        "ethnicity": cadre.ethnicity,
        "birth_date": cadre.birth_date.isoformat(),
        "citizen_id": "",
        "native_place": "浙江杭州",
        "party_join_date": cadre.party_join_date.isoformat(),
        "work_start_date": cadre.work_start_date.isoformat(),
        "identity_category": cadre.identity_category,
        "rank": "zhengchu",
        "management_level": cadre.management_level,
        "status": cadre.status,
        "organization": cadre.organization_id,
        "phone": "13800000000",
    }
    resp = client.post(reverse("cadres:cadre_update", args=[cadre.pk]), data)
    assert resp.status_code == 302, resp.context["form"].errors if resp.context else resp
    cadre.refresh_from_db()
    assert cadre.rank == "zhengchu" and cadre.citizen_id_masked  # blank ID kept the stored one
    hist = client.get(reverse("cadres:cadre_history", args=[cadre.pk]))
    rows = hist.context["history"]
    edit = next(r for r in rows if r["action"] == "update" and r["username"] == "staff_a")
    fields = {c["label"]: c["after_label"] for c in edit["changes"]}
    assert fields["联系电话"] == "13800000000" and fields["职级"] == "正处"
    body = hist.content.decode()
    assert "13800000000" in body and "staff_a" in body
    # the citizen ID columns never appear in the rendered history
    for hidden in ("citizen_id", "身份证号", cadre.citizen_id_masked):
        assert hidden not in body
