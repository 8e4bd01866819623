"""Registry pages: what they show, forms with field-level errors from the services,
citizen-ID reveal, cross-app panels, history."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.http import HttpResponse
from django.urls import include, path, reverse

from cadre_supervision import registry
from cadre_supervision.models import AccessLog
from cadres import crypto
from cadres.models import Appointment, Cadre, Organization, Post
from tests.factories import AppointmentFactory, CadreFactory, PostFactory, make_citizen_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_feb29_birth_dates():
    """tests/factories.CadreFactory draws random birth dates and fails on 29 February
    (party_join_date = birth + 22 years); a fixed seed keeps these tests deterministic."""
    random.seed(1)


# A URLconf with an `integrity_file` page, to check the cadre page links to it when it exists.
urlpatterns = [
    path("", include("cadre_supervision.urls")),
    path("integrity-file/<int:pk>/", lambda request, pk: HttpResponse("ok"), name="integrity_file"),
]


def _violating(city):
    """张伟 (党委书记 of 甲镇, a 一把手) oversees finance and, in free text, 工程建设."""
    Appointment.objects.filter(pk=city.appt_a.pk).update(
        portfolio_areas=["finance", "party_building"], portfolio_text="分管党建、工程建设"
    )


# --- organizations -----------------------------------------------------------------------------


def test_organization_tree_counts_and_nesting(client, city, django_assert_max_num_queries):
    client.force_login(city.staff_all)
    with django_assert_max_num_queries(16):
        resp = client.get(reverse("cadres:organization_tree"))
    (root,) = resp.context["tree"]
    assert root.org == city.root and root.cadres == 0 and root.cadres_in_subtree == 3
    by_name = {n.org.name: n for n in root.children}
    assert set(by_name) == {"甲镇", "乙镇", "丙局"}
    assert (by_name["甲镇"].cadres, by_name["甲镇"].top_leaders) == (2, 1)
    assert (by_name["乙镇"].cadres, by_name["乙镇"].top_leaders) == (1, 1)
    assert (by_name["丙局"].cadres, by_name["丙局"].top_leaders) == (0, 0)
    body = resp.content.decode()
    assert reverse("cadres:organization_detail", args=[city.town_a.pk]) in body
    assert "乡镇/街道" in body


def test_organization_tree_query_count_does_not_grow_with_orgs(client, city, django_assert_max_num_queries):
    from tests.factories import OrganizationFactory

    for i in range(30):
        org = OrganizationFactory(name=f"村{i}", kind="township", parent=city.town_a)
        CadreFactory(organization=org, birth_date=dt.date(1978, 4, 5))
    client.force_login(city.staff_all)
    with django_assert_max_num_queries(16):
        resp = client.get(reverse("cadres:organization_tree"))
    body = resp.content.decode()
    # only the first two levels are rendered; 甲镇's villages load on demand
    assert resp.status_code == 200 and "村29" not in body
    children_url = reverse("cadres:organization_children", args=[city.town_a.pk])
    assert f'data-tree-children="{children_url}"' in body
    with django_assert_max_num_queries(16):
        part = client.get(children_url)
    assert part.status_code == 200
    nodes = {n.org.name: n for n in part.context["nodes"]}
    assert len(nodes) == 30 and nodes["村29"].cadres == 1 and nodes["村29"].cadres_in_subtree == 1
    (root,) = resp.context["tree"]
    (town_a,) = [n for n in root.children if n.org == city.town_a]
    assert town_a.cadres == 2 and town_a.cadres_in_subtree == 32  # counted, not loaded


def test_organization_children_out_of_scope_is_404(client, city):
    client.force_login(city.staff_a)
    assert client.get(reverse("cadres:organization_children", args=[city.town_b.pk])).status_code == 404
    assert client.get(reverse("cadres:organization_children", args=[city.town_a.pk])).status_code == 200


def test_partial_scope_tree_roots_at_granted_unit(client, city):
    client.force_login(city.staff_a)
    (root,) = client.get(reverse("cadres:organization_tree")).context["tree"]
    assert root.org == city.town_a and root.children == []


def test_organization_detail_shows_posts_holders_children(client, city):
    client.force_login(city.staff_all)
    resp = client.get(reverse("cadres:organization_detail", args=[city.town_a.pk]))
    body = resp.content.decode()
    assert resp.context["cadre_count"] == 2
    assert "党委书记" in body and "张伟" in body and "副镇长" in body and "王芳" in body
    assert "空缺" in body  # 镇长 has no holder
    assert reverse("cadres:organization_history", args=[city.town_a.pk]) in body
    root = client.get(reverse("cadres:organization_detail", args=[city.root.pk]))
    assert {o.name for o in root.context["children"]} == {"甲镇", "乙镇", "丙局"}
    assert root.context["subtree_cadre_count"] == 3


def test_organization_create_and_update_through_page(client, city):
    client.force_login(city.staff_a)
    resp = client.post(
        reverse("cadres:organization_create"),
        {
            "name": "甲镇党政办",
            "kind": "institution",
            "parent": city.town_a.pk,
            "sort_order": 1,
            "is_active": "on",
        },
    )
    assert resp.status_code == 302
    org = Organization.objects.get(name="甲镇党政办")
    assert org.path.startswith(city.town_a.path) and org.depth == city.town_a.depth + 1
    # duplicate name under the same parent: field-level error, nothing saved
    resp = client.post(
        reverse("cadres:organization_create"),
        {"name": "甲镇党政办", "kind": "institution", "parent": city.town_a.pk, "sort_order": 1},
    )
    assert resp.status_code == 200 and resp.context["form"].errors
    assert Organization.objects.filter(name="甲镇党政办").count() == 1
    resp = client.post(
        reverse("cadres:organization_update", args=[org.pk]),
        {"name": "甲镇党政综合办", "kind": "institution", "parent": city.town_a.pk, "sort_order": 2},
    )
    assert resp.status_code == 302
    org.refresh_from_db()
    assert org.name == "甲镇党政综合办" and not org.is_active
    hist = client.get(reverse("cadres:organization_history", args=[org.pk])).context["history"]
    assert [r["action"] for r in hist][:1] == ["update"] and hist[0]["username"] == "staff_a"


def test_non_superuser_cannot_create_top_level_org(client, city):
    client.force_login(city.staff_all)
    resp = client.post(
        reverse("cadres:organization_create"), {"name": "新市", "kind": "city", "sort_order": 0}
    )
    assert resp.status_code == 200 and "parent" in resp.context["form"].errors
    assert not Organization.objects.filter(name="新市").exists()


# --- posts -------------------------------------------------------------------------------------


def test_post_list_filters(client, city):
    city.dep_a.key_categories = ["finance"]
    city.dep_a.key_reason = "分管财政所"
    city.dep_a.save()
    client.force_login(city.staff_all)
    listed = lambda **q: {p.pk for p in client.get(reverse("cadres:post_list"), q).context["object_list"]}  # noqa: E731
    assert listed(top_leader="true") == {city.sec_a.pk, city.head_a.pk, city.sec_b.pk}
    assert listed(key_category="finance") == {city.dep_a.pk}
    assert listed(organization=city.town_b.pk) == {city.sec_b.pk}


def test_post_detail_shows_key_reason_holders_and_rule1_warning(client, city):
    _violating(city)
    past = CadreFactory(name="孙立", organization=city.town_a, birth_date=dt.date(1966, 3, 1))
    AppointmentFactory(
        cadre=past,
        post=city.sec_a,
        start_date=dt.date(2014, 1, 1),
        end_date=dt.date(2019, 5, 1),
        end_reason="调任",
    )
    Post.objects.filter(pk=city.sec_a.pk).update(
        key_categories=["personnel"], key_reason="主持全面工作，管人管事"
    )
    client.force_login(city.staff_a)
    resp = client.get(reverse("cadres:post_detail", args=[city.sec_a.pk]))
    body = resp.content.decode()
    assert [a.cadre.name for a in resp.context["current"]] == ["张伟"]
    assert [a.cadre.name for a in resp.context["past"]] == ["孙立"]
    assert "主持全面工作，管人管事" in body and "管人（人事）" in body
    assert (
        "alert alert-danger" in body and "一把手分管" in body and "财务/财政" in body and "工程建设" in body
    )
    # a post without violation shows no warning
    body = client.get(reverse("cadres:post_detail", args=[city.dep_a.pk])).content.decode()
    assert "一把手分管" not in body


def test_post_create_key_without_reason_lands_on_field(client, city):
    client.force_login(city.staff_a)
    resp = client.post(
        reverse("cadres:post_create"),
        {
            "organization": city.town_a.pk,
            "title": "财政所长",
            "is_leading": "on",
            "key_categories": ["finance"],
        },
    )
    assert resp.status_code == 200
    assert "请写明理由" in resp.context["form"].errors["key_reason"][0]
    assert "请写明理由" in resp.content.decode()
    assert not Post.objects.filter(title="财政所长").exists()
    resp = client.post(
        reverse("cadres:post_create"),
        {
            "organization": city.town_a.pk,
            "title": "财政所长",
            "is_leading": "on",
            "key_categories": ["finance", "assets"],
            "key_reason": "管理镇财政资金",
            "sort_order": 5,
            "is_active": "on",
        },
    )
    assert resp.status_code == 302
    post = Post.objects.get(title="财政所长")
    assert post.key_categories == ["finance", "assets"] and resp["Location"] == post.get_absolute_url()


def test_post_update_into_second_top_leader_refused(client, city):
    other = CadreFactory(organization=city.town_a, birth_date=dt.date(1977, 7, 7))
    dep = PostFactory(organization=city.town_a, title="副书记")
    AppointmentFactory(cadre=other, post=dep, start_date=dt.date(2022, 1, 1))
    client.force_login(city.staff_a)
    resp = client.post(
        reverse("cadres:post_update", args=[dep.pk]),
        {
            "organization": city.town_a.pk,
            "title": "副书记",
            "is_leading": "on",
            "top_leader_kind": "party",
            "sort_order": 0,
        },
    )
    assert resp.status_code == 200 and "一把手" in resp.context["form"].errors["top_leader_kind"][0]
    assert Post.objects.get(pk=dep.pk).top_leader_kind == ""


# --- cadre list --------------------------------------------------------------------------------


def test_cadre_list_search_and_filters(client, city):
    client.force_login(city.staff_all)

    def names(**q):
        return {c.name for c in client.get(reverse("cadres:cadre_list"), q).context["object_list"]}

    assert names(q="张") == {"张伟"}
    assert names(q="wf") == {"王芳"}  # pinyin initials
    assert names(q=city.cadre_b.citizen_id_tail) == {"李强"}  # last 4 of the citizen ID
    assert names(top_leader="true") == {"张伟", "李强"}
    assert names(top_leader="false") == {"王芳"}
    assert names(organization=city.town_a.pk) == {"张伟", "王芳"}
    assert names(organization=city.root.pk) == {"张伟", "王芳", "李强"}  # subtree
    assert names(status="retired") == set()
    assert names(org_kind="city_organ") == set()


def test_cadre_list_columns_and_tags(client, city):
    _violating(city)
    Post.objects.filter(pk=city.sec_a.pk).update(key_categories=["personnel"], key_reason="管人")
    client.force_login(city.staff_a)
    resp = client.get(reverse("cadres:cadre_list"), {"q": "张伟"})
    body = resp.content.decode()
    assert city.cadre_a.citizen_id_masked in body
    full = crypto.decrypt(Cadre.objects.get(pk=city.cadre_a.pk).citizen_id_encrypted)
    assert full not in body
    assert "党委书记" in body and "甲镇" in body and "副处" in body and "在职" in body
    assert "一把手" in body and "关键岗位" in body and "分管违规" in body


# --- cadre detail ------------------------------------------------------------------------------


def test_cadre_detail_panels_timeline_and_rule1_warning(client, city, monkeypatch):
    _violating(city)
    AppointmentFactory(
        cadre=city.cadre_a, post=city.dep_a, start_date=dt.date(2015, 1, 1), end_date=dt.date(2019, 5, 1)
    )
    client.force_login(city.staff_a)
    resp = client.get(reverse("cadres:cadre_detail", args=[city.cadre_a.pk]))
    body = resp.content.decode()
    # The free text ("分管党建、工程建设") is a note: only the structured areas count.
    assert resp.context["violation_labels"] == ["财务/财政"]
    assert 'class="alert alert-danger portfolio-warning"' in body and "一把手分管" in body
    assert "三龄两历一身份" in body and "党龄" in body and "工龄" in body and "公务员" in body
    appts = resp.context["appointments"]
    assert [a.post.title for a in appts] == ["党委书记", "副镇长"]  # newest first
    assert appts[0].current_flag and not appts[1].current_flag
    assert 'class="current" id="appointment-' in body and "至今" in body
    assert "现任一把手</dt><dd>是" in body
    # the integrity file (composed by the registry) is linked from the cadre page
    assert resp.context["integrity_url"] == reverse("integrity_file", args=[city.cadre_a.pk])


def test_cadre_detail_without_violation_has_no_warning(client, city):
    client.force_login(city.staff_a)
    body = client.get(reverse("cadres:cadre_detail", args=[city.cadre_a2.pk])).content.decode()
    assert "一把手分管" not in body


def test_cadre_detail_composes_registry_panels_and_warnings(client, city, monkeypatch, tmp_path, settings):
    (tmp_path / "panel.html").write_text("<p class='test-panel'>{{ cadre.name }} / {{ extra }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    seen = []

    def panel(cadre, user):
        seen.append((cadre.pk, user.username))
        return {"title": "测试面板", "template": "panel.html", "context": {"extra": "附加"}}

    def collect(user, cadre_ids):
        return [
            registry.Warning(cid, "test", "谈话逾期", "已逾期 30 天", severity="danger") for cid in cadre_ids
        ]

    monkeypatch.setattr(registry, "cadre_page_panels", [panel, lambda c, u: None])
    monkeypatch.setattr(registry, "warning_sources", [registry.WarningSource("test", "测试", collect)])
    client.force_login(city.staff_a)
    body = client.get(reverse("cadres:cadre_detail", args=[city.cadre_a.pk])).content.decode()
    assert "测试面板" in body and "张伟 / 附加" in body
    assert "谈话逾期" in body and "已逾期 30 天" in body
    assert seen == [(city.cadre_a.pk, "staff_a")]


def test_cadre_detail_links_integrity_file_when_url_exists(client, city, settings):
    settings.ROOT_URLCONF = __name__
    client.force_login(city.staff_a)
    resp = client.get(reverse("cadres:cadre_detail", args=[city.cadre_a.pk]))
    assert resp.context["integrity_url"] == f"/integrity-file/{city.cadre_a.pk}/"
    assert "廉政档案" in resp.content.decode()


# --- citizen ID reveal -------------------------------------------------------------------------


def test_citizen_id_reveal_logs_access(client, city):
    full = crypto.decrypt(Cadre.objects.get(pk=city.cadre_a.pk).citizen_id_encrypted)
    client.force_login(city.staff_a)
    page = client.get(reverse("cadres:cadre_detail", args=[city.cadre_a.pk])).content.decode()
    assert full not in page and city.cadre_a.citizen_id_masked in page and 'id="reveal-citizen-id"' in page
    resp = client.post(reverse("cadres:cadre_citizen_id", args=[city.cadre_a.pk]))
    assert resp.status_code == 200 and full in resp.content.decode()
    assert resp["Cache-Control"] == "no-store"
    log = AccessLog.objects.get(action=AccessLog.Action.VIEW_CITIZEN_ID)
    assert (log.user, log.object_id) == (city.staff_a, str(city.cadre_a.pk))
    # GET does not reveal
    assert client.get(reverse("cadres:cadre_citizen_id", args=[city.cadre_a.pk])).status_code == 405


@pytest.mark.parametrize(
    "who, cadre_attr, status",
    [("discipline", "cadre_a", 403), ("liaison_a", "cadre_a", 403), ("staff_a", "cadre_b", 404)],
)
def test_citizen_id_reveal_refused_without_permission(client, city, who, cadre_attr, status):
    cadre = getattr(city, cadre_attr)
    full = crypto.decrypt(Cadre.objects.get(pk=cadre.pk).citizen_id_encrypted)
    client.force_login(getattr(city, who))
    if who != "staff_a":
        page = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
        assert 'id="reveal-citizen-id"' not in page
    resp = client.post(reverse("cadres:cadre_citizen_id", args=[cadre.pk]))
    assert resp.status_code == status and full not in resp.content.decode()
    assert not AccessLog.objects.filter(action=AccessLog.Action.VIEW_CITIZEN_ID).exists()


# --- cadre forms -------------------------------------------------------------------------------


def _cadre_post(city, **over):
    data = {
        "name": "赵敏",
        "gender": "F",
        "ethnicity": "汉族",
        "birth_date": "1982-03-04",
        "citizen_id": make_citizen_id(dt.date(1982, 3, 4), "F", seq=401),
        "party_join_date": "2005-07-01",
        "work_start_date": "2004-08-01",
        "identity_category": "civil_servant",
        "rank": "zhengke",
        "management_level": "department",
        "status": "active",
        "organization": city.town_a.pk,
    }
    data.update(over)
    return data


def test_cadre_create_through_page(client, city):
    client.force_login(city.staff_a)
    resp = client.post(reverse("cadres:cadre_create"), _cadre_post(city))
    cadre = Cadre.objects.get(name="赵敏")
    assert resp.status_code == 302 and resp["Location"] == cadre.get_absolute_url()
    assert cadre.citizen_id_masked and cadre.name_initials == "zm"


@pytest.mark.parametrize(
    "over, field, text",
    [
        ({"citizen_id": "330102198203040010"}, "citizen_id", "校验位"),
        ({"birth_date": "1983-03-04"}, "birth_date", "不一致"),
        (
            {"birth_date": "2099-01-01", "citizen_id": make_citizen_id(dt.date(1982, 3, 4), "F", seq=402)},
            "birth_date",
            "",
        ),
        ({"party_join_date": "2099-01-01"}, "party_join_date", "不能晚于今天"),
        ({"citizen_id": ""}, "citizen_id", ""),
    ],
)
def test_cadre_create_errors_are_field_level_and_save_nothing(client, city, over, field, text):
    client.force_login(city.staff_a)
    before = Cadre.objects.count()
    resp = client.post(reverse("cadres:cadre_create"), _cadre_post(city, **over))
    assert resp.status_code == 200
    errors = resp.context["form"].errors
    assert field in errors and text in errors[field][0]
    assert 'class="field-error"' in resp.content.decode()
    assert Cadre.objects.count() == before


def test_cadre_create_duplicate_citizen_id(client, city):
    client.force_login(city.staff_a)
    cid = crypto.decrypt(Cadre.objects.get(pk=city.cadre_a.pk).citizen_id_encrypted)
    data = _cadre_post(
        city, citizen_id=cid, birth_date=city.cadre_a.birth_date.isoformat(), gender=city.cadre_a.gender
    )
    resp = client.post(reverse("cadres:cadre_create"), data)
    assert "已登记" in resp.context["form"].errors["citizen_id"][0]


def test_cadre_edit_form_never_sends_stored_id(client, city):
    full = crypto.decrypt(Cadre.objects.get(pk=city.cadre_a.pk).citizen_id_encrypted)
    client.force_login(city.staff_a)
    body = client.get(reverse("cadres:cadre_update", args=[city.cadre_a.pk])).content.decode()
    assert full not in body and city.cadre_a.citizen_id_masked in body


# --- appointment forms -------------------------------------------------------------------------


def test_appointment_create_post_choices_limited_to_scope(client, city):
    client.force_login(city.staff_a)
    form = client.get(reverse("cadres:appointment_create", args=[city.cadre_a2.pk])).context["form"]
    assert set(form.fields["post"].queryset) == {city.sec_a, city.head_a, city.dep_a}


def test_appointment_create_second_top_leader_lands_on_field(client, city):
    client.force_login(city.staff_a)
    before = Appointment.objects.count()
    resp = client.post(
        reverse("cadres:appointment_create", args=[city.cadre_a2.pk]),
        {"post": city.sec_a.pk, "start_date": "2024-01-01", "method": "appointed"},
    )
    assert resp.status_code == 200
    assert "只能有一名" in resp.context["form"].errors["start_date"][0]
    assert "只能有一名" in resp.content.decode()
    assert Appointment.objects.count() == before


def test_appointment_create_edit_end_through_pages(client, city):
    client.force_login(city.staff_a)
    resp = client.post(
        reverse("cadres:appointment_create", args=[city.cadre_a2.pk]),
        {
            "post": city.head_a.pk,
            "start_date": "2024-03-01",
            "method": "elected",
            "portfolio_areas": ["overall", "approval"],
            "recommended_by": "镇党委",
        },
    )
    assert resp.status_code == 302
    appt = Appointment.objects.get(cadre=city.cadre_a2, post=city.head_a)
    assert appt.portfolio_areas == ["overall", "approval"] and appt.recommended_by == "镇党委"
    # the 一把手 who oversees 审批 is flagged on the cadre page
    body = client.get(reverse("cadres:cadre_detail", args=[city.cadre_a2.pk])).content.decode()
    assert "一把手分管" in body and "审批" in body
    # edit: drop 审批
    resp = client.post(
        reverse("cadres:appointment_update", args=[appt.pk]),
        {"start_date": "2024-03-01", "method": "elected", "portfolio_areas": ["overall"]},
    )
    assert resp.status_code == 302
    appt.refresh_from_db()
    assert appt.portfolio_areas == ["overall"]
    # end before start: field error, unchanged
    resp = client.post(reverse("cadres:appointment_end", args=[appt.pk]), {"end_date": "2024-01-01"})
    assert resp.status_code == 200 and "晚于" in resp.context["form"].errors["end_date"][0]
    assert Appointment.objects.get(pk=appt.pk).end_date is None
    resp = client.post(
        reverse("cadres:appointment_end", args=[appt.pk]), {"end_date": "2025-01-01", "reason": "调任"}
    )
    assert resp.status_code == 302
    appt.refresh_from_db()
    assert appt.end_date == dt.date(2025, 1, 1) and appt.end_reason == "调任"
    # the cadre's history includes the appointment's events
    hist = client.get(reverse("cadres:cadre_history", args=[city.cadre_a2.pk]))
    appt_rows = [r for r in hist.context["history"] if r["object"].startswith("任职")]
    assert {r["action"] for r in appt_rows} >= {"insert", "update"}
    assert any(c["label"] == "离任原因" and c["after"] == "调任" for r in appt_rows for c in r["changes"])
    times = [r["at"] for r in hist.context["history"]]
    assert times == sorted(times, reverse=True)


def test_unit_staff_can_edit_own_unit_keeping_parent_out_of_scope(client, city):
    client.force_login(city.staff_a)  # manages 甲镇, not its parent 某市
    form = client.get(reverse("cadres:organization_update", args=[city.town_a.pk])).context["form"]
    assert set(form.fields["parent"].queryset) == {city.root}  # only the current parent
    resp = client.post(
        reverse("cadres:organization_update", args=[city.town_a.pk]),
        {"name": "甲镇", "short_name": "甲", "kind": "township", "parent": city.root.pk, "sort_order": 3},
    )
    assert resp.status_code == 302
    city.town_a.refresh_from_db()
    assert city.town_a.short_name == "甲" and city.town_a.parent_id == city.root.pk
    # moving it under a unit outside the user's scope is refused
    resp = client.post(
        reverse("cadres:organization_update", args=[city.town_a.pk]),
        {"name": "甲镇", "kind": "township", "parent": city.town_b.pk, "sort_order": 3},
    )
    assert resp.status_code == 200 and "parent" in resp.context["form"].errors
    city.town_a.refresh_from_db()
    assert city.town_a.parent_id == city.root.pk
