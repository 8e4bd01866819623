"""The registry REST API: every resource through the shared checks, writes through services,
validation errors as field-keyed Chinese JSON, the unmasked citizen ID, token auth, schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from cadre_supervision.history import history_for
from cadre_supervision.models import AccessLog
from cadres.choices import TopLeaderKind
from cadres.models import Appointment, Cadre, Organization, Post
from tests.api_checks import ApiResource, list_ids
from tests.factories import AppointmentFactory, CadreFactory, PostFactory, make_citizen_id

pytestmark = pytest.mark.django_db


def cadre_payload(org, **over):
    birth = over.pop("birth_date", dt.date(1984, 6, 15))
    gender = over.pop("gender", "F")
    data = {
        "name": "周婷",
        "gender": gender,
        "birth_date": birth.isoformat(),
        "citizen_id": make_citizen_id(birth, gender, seq=321),
        "identity_category": "civil_servant",
        "rank": "fuke",
        "management_level": "department",
        "organization": org.pk,
        "party_join_date": "2008-07-01",
        "work_start_date": "2007-08-01",
    }
    data.update(over)
    return data


# --- the shared checks, resource by resource -------------------------------------------------------


def test_organizations_shared_checks(api, city):
    res = ApiResource(api, "cadres-api:organization")
    res.check_anonymous(city.town_a)
    res.check_in_scope(city.staff_a, city.town_a)
    res.check_out_of_scope(city.staff_a, city.town_b)
    res.check_out_of_scope(city.nobody, city.town_a)
    # create under an organization outside the scope: refused, nothing saved
    res.check_write_refused(
        city.staff_a, {"name": "丁村", "kind": "township", "parent": city.town_b.pk}, model=Organization
    )
    res.check_update_refused(city.staff_a, city.town_b, {"name": "改名"}, expect=(404,))
    # discipline sees everything but may not change it
    res.check_update_refused(city.discipline, city.town_a, {"name": "改名"}, expect=(403,))
    # a write in scope goes through the service (path computed) and is recorded
    resp = res.as_user(city.staff_a).post(
        res.list_url, {"name": "甲镇社区", "kind": "institution", "parent": city.town_a.pk}, format="json"
    )
    assert resp.status_code == 201, resp.json()
    org = Organization.objects.get(pk=resp.json()["id"])
    assert org.path.startswith(city.town_a.path) and org.path != city.town_a.path
    assert resp.json()["path"] == org.path
    before = len(history_for(org))
    resp = res.as_user(city.staff_a).patch(res.detail_url(org), {"short_name": "甲社"}, format="json")
    assert resp.status_code == 200 and resp.json()["short_name"] == "甲社"
    res.check_history_written(city.staff_a, org, before=before)
    # deleting is not offered
    assert api.delete(res.detail_url(org)).status_code == 405


def test_posts_shared_checks(api, city):
    res = ApiResource(api, "cadres-api:post")
    res.check_anonymous(city.sec_a)
    data = res.check_in_scope(city.staff_a, city.sec_a)
    assert data["is_top_leader"] and data["top_leader_kind_label"] == "党委（党组）书记"
    assert data["current_holders"][0]["cadre_name"] == "张伟"
    res.check_out_of_scope(city.staff_a, city.sec_b)
    res.check_write_refused(city.staff_a, {"organization": city.town_b.pk, "title": "副镇长"}, model=Post)
    res.check_update_refused(city.staff_a, city.sec_b, {"title": "书记"}, expect=(404,))
    res.check_update_refused(city.liaison_a, city.dep_a, {"title": "书记"}, expect=(403,))
    resp = res.as_user(city.staff_a).post(
        res.list_url,
        {
            "organization": city.town_a.pk,
            "title": "财政所所长",
            "is_leading": False,
            "is_middle_level": True,
            "key_categories": ["finance"],
            "key_reason": "管理全镇财政资金拨付",
        },
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["key_category_labels"] == [{"code": "finance", "label": "管财（财务）"}]
    post = Post.objects.get(pk=resp.json()["id"])
    before = len(history_for(post))
    resp = res.as_user(city.staff_a).patch(res.detail_url(post), {"title": "财政所长"}, format="json")
    assert resp.status_code == 200
    res.check_history_written(city.staff_a, post, before=before)


def test_cadres_shared_checks(api, city):
    res = ApiResource(api, "cadres-api:cadre")
    res.check_anonymous(city.cadre_a)
    res.check_in_scope(city.staff_a, city.cadre_a)
    res.check_out_of_scope(city.staff_a, city.cadre_b)
    res.check_out_of_scope(city.stats, city.cadre_a)  # statistics clients see no personal records
    res.check_write_refused(city.staff_a, cadre_payload(city.town_b), model=Cadre)
    res.check_write_refused(city.discipline, cadre_payload(city.town_a), model=Cadre, expect=(403,))
    res.check_update_refused(city.staff_a, city.cadre_b, {"name": "李刚"}, expect=(404,))
    res.check_update_refused(city.discipline, city.cadre_a, {"name": "张三"}, expect=(403,))
    # moving a cadre of mine into an organization outside my scope is refused too
    # moving a cadre to an organization outside the scope: answered as a nonexistent organization
    res.check_update_refused(city.staff_a, city.cadre_a, {"organization": city.town_b.pk}, expect=(400,))
    before = len(history_for(city.cadre_a))
    resp = res.as_user(city.staff_a).patch(
        res.detail_url(city.cadre_a), {"phone": "13800000000"}, format="json"
    )
    assert resp.status_code == 200, resp.json()
    assert resp.json()["phone"] == "13800000000"
    res.check_history_written(city.staff_a, city.cadre_a, before=before)


def test_appointments_shared_checks(api, city):
    res = ApiResource(api, "cadres-api:appointment")
    res.check_anonymous(city.appt_a)
    res.check_in_scope(city.staff_a, city.appt_a)
    res.check_out_of_scope(city.staff_a, city.appt_b)
    res.check_write_refused(
        city.staff_a,
        {"cadre": city.cadre_b.pk, "post": city.dep_a.pk, "start_date": "2024-01-01"},
        model=Appointment,
    )
    res.check_write_refused(
        city.staff_a,
        {"cadre": city.cadre_a2.pk, "post": city.sec_b.pk, "start_date": "2024-01-01"},
        model=Appointment,
    )
    res.check_update_refused(city.staff_a, city.appt_b, {"document_no": "x"}, expect=(404,))
    res.check_update_refused(city.discipline, city.appt_a, {"document_no": "x"}, expect=(403,))
    before = len(history_for(city.appt_a2))
    resp = res.as_user(city.staff_a).patch(
        res.detail_url(city.appt_a2),
        {"portfolio_areas": ["agriculture"], "document_no": "甲委〔2021〕3号"},
        format="json",
    )
    assert resp.status_code == 200, resp.json()
    res.check_history_written(city.staff_a, city.appt_a2, before=before)


# --- behaviour of the resources ---------------------------------------------------------------------


def test_cadre_detail_shows_masked_id_computed_fields_and_career(api, city):
    from cadres.models import EducationRecord

    # 学历 is derived from the education records (the highest of either track).
    EducationRecord.objects.create(cadre=city.cadre_a, full_time=True, level="bachelor", school="浙江大学")
    old_post = PostFactory(organization=city.town_a, title="副镇长（原）")
    AppointmentFactory(
        cadre=city.cadre_a, post=old_post, start_date=dt.date(2014, 3, 1), end_date=dt.date(2019, 5, 1)
    )
    city.appt_a.portfolio_areas = ["overall", "finance"]
    city.appt_a.save()
    api.force_authenticate(city.staff_a)
    data = api.get(reverse("cadres-api:cadre-detail", args=[city.cadre_a.pk])).json()
    assert "citizen_id" not in data
    assert "*" in data["citizen_id_masked"]
    assert "citizen_id_encrypted" not in data and "citizen_id_digest" not in data
    cadre = city.cadre_a
    assert data["age"] == cadre.age() and data["party_age"] == cadre.party_age()
    assert data["work_age"] == cadre.work_age()
    assert data["education_label"] == "大学本科" and data["identity_category_label"] == "公务员"
    assert data["is_top_leader_now"] is True
    assert data["years_in_current_post"] >= 6
    assert data["portfolio_violations"] == [{"code": "finance", "label": "财务/财政"}]
    assert [c["post_title"] for c in data["career"]] == ["党委书记", "副镇长（原）"]
    assert data["career"][0]["is_current"] and not data["career"][1]["is_current"]
    # the list carries the same rule-1 flag and can be filtered like the page
    rows = api.get(reverse("cadres-api:cadre-list"), {"top_leader": "true"}).json()["results"]
    assert [r["id"] for r in rows] == [cadre.pk]
    assert rows[0]["portfolio_violations"][0]["label"] == "财务/财政"
    # the post shows its holder's warning
    post = api.get(reverse("cadres-api:post-detail", args=[city.sec_a.pk])).json()
    assert post["portfolio_warning"] == [{"code": "finance", "label": "财务/财政"}]


def test_filters_are_the_pages_filters(api, city):
    api.force_authenticate(city.staff_all)
    url = reverse("cadres-api:cadre-list")
    assert set(list_ids(api, url, {"organization": city.town_a.pk})) == {city.cadre_a.pk, city.cadre_a2.pk}
    assert list_ids(api, url, {"q": "zw"}) == [city.cadre_a.pk]
    assert list_ids(api, url, {"q": city.cadre_b.citizen_id_tail}) == [city.cadre_b.pk]
    assert list_ids(
        api, reverse("cadres-api:post-list"), {"top_leader": "true", "organization": city.town_b.pk}
    ) == [city.sec_b.pk]
    assert list_ids(api, reverse("cadres-api:appointment-list"), {"cadre": city.cadre_b.pk}) == [
        city.appt_b.pk
    ]
    assert list_ids(api, reverse("cadres-api:organization-list"), {"kind": "city_organ"}) == [city.organ.pk]
    # an organization outside the scope is not a valid filter value
    api.force_authenticate(city.staff_a)
    resp = api.get(url, {"organization": city.town_b.pk})
    assert resp.status_code == 400 and "organization" in resp.json()


def test_cursor_pagination(api, city):
    for i in range(7):
        CadreFactory(name=f"干部{i}", organization=city.town_a)
    api.force_authenticate(city.staff_a)
    resp = api.get(reverse("cadres-api:cadre-list"), {"page_size": 3})
    data = resp.json()
    assert len(data["results"]) == 3 and "cursor=" in data["next"] and "count" not in data
    assert len(list_ids(api, reverse("cadres-api:cadre-list"))) == 9


def test_create_cadre_through_the_service(api, city):
    api.force_authenticate(city.staff_a)
    payload = cadre_payload(city.town_a)
    resp = api.post(reverse("cadres-api:cadre-list"), payload, format="json")
    assert resp.status_code == 201, resp.json()
    cadre = Cadre.objects.get(pk=resp.json()["id"])
    assert cadre.name_initials == "zt"  # computed by the service
    assert cadre.citizen_id_masked.endswith(payload["citizen_id"][-1:])
    assert payload["citizen_id"] not in resp.content.decode()
    assert history_for(cadre)[0]["username"] == "staff_a"


def _bad_check_digit(cid: str) -> str:
    return cid[:-1] + ("0" if cid[-1] != "0" else "1")


FUTURE = dt.date(2099, 1, 1)


@pytest.mark.parametrize(
    "over, field, words",
    [
        (
            {"citizen_id": _bad_check_digit(make_citizen_id(dt.date(1984, 6, 15), "F", seq=321))},
            "citizen_id",
            "校验位",
        ),
        (
            {"birth_date": FUTURE.isoformat(), "citizen_id": make_citizen_id(FUTURE, "F", seq=3)},
            "birth_date",
            "不能晚于今天",
        ),
        ({"citizen_id": ""}, "citizen_id", "请填写身份证号"),
        ({"party_join_date": "2099-01-01"}, "party_join_date", "不能晚于今天"),
        ({"gender": "M"}, "gender", "与身份证号不一致"),
        ({"birth_date": "1985-06-15"}, "birth_date", "与身份证号不一致"),
        ({"rank": "nonsense"}, "rank", "合法选项"),
        ({"organization": 999999}, "organization", "不存在"),
    ],
)
def test_cadre_validation_errors_are_field_keyed_chinese(api, city, over, field, words):
    payload = {**cadre_payload(city.town_a), **over}
    api.force_authenticate(city.staff_a)
    before = Cadre.objects.count()
    resp = api.post(reverse("cadres-api:cadre-list"), payload, format="json")
    assert resp.status_code == 400, resp.json()
    body = resp.json()
    assert field in body, body
    assert any(words in m for m in body[field]), body
    assert Cadre.objects.count() == before


def test_duplicate_citizen_id_is_refused(api, city):
    api.force_authenticate(city.staff_all)
    from cadres import crypto

    payload = cadre_payload(city.town_a, citizen_id=crypto.decrypt(city.cadre_b.citizen_id_encrypted))
    payload["birth_date"] = city.cadre_b.birth_date.isoformat()
    payload["gender"] = city.cadre_b.gender
    resp = api.post(reverse("cadres-api:cadre-list"), payload, format="json")
    assert resp.status_code == 400
    assert resp.json()["citizen_id"] == ["该身份证号已登记在另一名干部名下。"]


def test_second_top_leader_and_end_before_start_are_refused(api, city):
    api.force_authenticate(city.staff_all)
    url = reverse("cadres-api:appointment-list")
    other = CadreFactory(name="孙丽", gender="F", organization=city.town_a)
    before = Appointment.objects.count()
    resp = api.post(
        url, {"cadre": other.pk, "post": city.sec_a.pk, "start_date": "2024-03-01"}, format="json"
    )
    assert resp.status_code == 400
    assert "只能有一名党委（党组）书记" in resp.json()["start_date"][0]
    assert Appointment.objects.count() == before
    resp = api.patch(
        reverse("cadres-api:appointment-detail", args=[city.appt_a.pk]),
        {"end_date": "2019-01-01"},
        format="json",
    )
    assert resp.status_code == 400
    assert resp.json() == {"end_date": ["任职结束日期必须晚于开始日期。"]}
    city.appt_a.refresh_from_db()
    assert city.appt_a.end_date is None
    # the cadre or post of a tenure is not editable
    resp = api.patch(
        reverse("cadres-api:appointment-detail", args=[city.appt_a.pk]),
        {"post": city.dep_a.pk},
        format="json",
    )
    assert resp.status_code == 400 and "post" in resp.json()


def test_ending_a_tenure_over_the_api_emits_the_event(api, city):
    from cadre_supervision import events, registry

    heard = []

    def listener(event):
        heard.append((event.appointment_id, event.user_id))

    registry.on(events.AppointmentEnded, listener)
    try:
        api.force_authenticate(city.staff_all)
        resp = api.patch(
            reverse("cadres-api:appointment-detail", args=[city.appt_b.pk]),
            {"end_date": "2025-01-01", "end_reason": "调任"},
            format="json",
        )
    finally:
        registry.off(events.AppointmentEnded, listener)
    assert resp.status_code == 200, resp.json()
    assert resp.json()["is_current"] is False and resp.json()["end_reason"] == "调任"
    assert heard == [(city.appt_b.pk, city.staff_all.pk)]


def test_create_appointment_in_scope_moves_the_cadre(api, city):
    newcomer = CadreFactory(name="钱进", organization=city.organ)
    api.force_authenticate(city.staff_all)
    resp = api.post(
        reverse("cadres-api:appointment-list"),
        {
            "cadre": newcomer.pk,
            "post": city.head_a.pk,
            "start_date": "2024-02-01",
            "portfolio_areas": ["overall", "procurement"],
            "recommended_by": "市委组织部",
        },
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["portfolio_violations"] == [{"code": "procurement", "label": "物资采购"}]
    newcomer.refresh_from_db()
    assert newcomer.organization_id == city.town_a.pk


def test_reveal_citizen_id_is_permissioned_and_logged(api, city):
    url = reverse("cadres-api:cadre-reveal-citizen-id", args=[city.cadre_a.pk])
    api.force_authenticate(city.discipline)  # may view cadres, not full IDs
    resp = api.post(url)
    assert resp.status_code == 403 and "身份证号" in resp.json()["detail"]
    api.force_authenticate(city.staff_a)
    assert api.post(reverse("cadres-api:cadre-reveal-citizen-id", args=[city.cadre_b.pk])).status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.VIEW_CITIZEN_ID).exists()
    resp = api.post(url)
    assert resp.status_code == 200
    from cadres import crypto

    assert resp.json()["citizen_id"] == crypto.decrypt(city.cadre_a.citizen_id_encrypted)
    assert resp["Cache-Control"] == "no-store"
    log = AccessLog.objects.get(action=AccessLog.Action.VIEW_CITIZEN_ID)
    assert log.username == "staff_a" and log.object_id == str(city.cadre_a.pk)
    api.force_authenticate(None)
    assert api.post(url).status_code == 401


def test_second_top_leader_of_another_kind_is_allowed(api, city):
    api.force_authenticate(city.staff_a)
    resp = api.post(
        reverse("cadres-api:appointment-list"),
        {"cadre": city.cadre_a2.pk, "post": city.head_a.pk, "start_date": "2023-05-01"},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["is_top_leader_post"] is True
    assert city.head_a.top_leader_kind == TopLeaderKind.ADMIN


# --- auth, schema, docs ---------------------------------------------------------------------------


def test_token_auth(api, city):
    resp = api.post(
        reverse("cadres-api:token"), {"username": "staff_a", "password": "pass12345"}, format="json"
    )
    assert resp.status_code == 200
    token = resp.json()["token"]
    resp = api.post(reverse("cadres-api:token"), {"username": "staff_a", "password": "wrong"}, format="json")
    assert resp.status_code == 400 and "non_field_errors" in resp.json()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    ids = list_ids(api, reverse("cadres-api:cadre-list"))
    assert set(ids) == {city.cadre_a.pk, city.cadre_a2.pk}
    # a write with a token is attributed to its user in the history
    resp = api.patch(
        reverse("cadres-api:cadre-detail", args=[city.cadre_a2.pk]), {"phone": "123"}, format="json"
    )
    assert resp.status_code == 200
    assert history_for(city.cadre_a2)[0]["username"] == "staff_a"
    api.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert api.get(reverse("cadres-api:cadre-list")).status_code == 401


def test_session_auth(client, city):
    client.force_login(city.staff_a)
    resp = client.get(reverse("cadres-api:cadre-list"))
    assert resp.status_code == 200


def test_schema_and_docs(client, city):
    client.force_login(city.staff_a)
    resp = client.get(reverse("schema"))
    assert resp.status_code == 200
    body = resp.content.decode()
    for path in (
        "/api/v1/cadres/",
        "/api/v1/cadres/{id}/reveal-citizen-id/",
        "/api/v1/stats/cadres/",
        "/api/v1/appointments/{id}/history/",
        "/api/v1/auth/token/",
    ):
        assert path in body, path
    resp = client.get(reverse("api-docs"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "//unpkg" not in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css").status_code == 200


def test_portfolio_areas_come_from_the_catalogue_and_a_violation_is_a_warning(api, city):
    from cadre_supervision import registry
    from cadres.models import PortfolioArea

    api.force_authenticate(city.staff_all)
    url = reverse("cadres-api:appointment-detail", args=[city.appt_a.pk])
    bad = api.patch(url, {"portfolio_areas": ["overall", "nope"]}, format="json")
    assert bad.status_code == 400 and bad.json()["portfolio_areas"] == ["未知的分管领域：nope。"]
    # The free text is a note: "不分管财务、人事" is no violation.
    ok = api.patch(url, {"portfolio_areas": ["overall"], "portfolio_text": "不分管财务、人事"}, format="json")
    assert ok.status_code == 200 and ok.json()["portfolio_violations"] == []
    assert not [
        w for w in registry.warnings_for(city.staff_all, [city.cadre_a.pk]) if w.kind == "cadres.portfolio"
    ]
    # The administrator forbids 全面工作 to a 一把手 (policy data): now it is a warning.
    area = PortfolioArea.objects.get(code="overall")
    area.top_leader_forbidden = True
    area.save()
    (w,) = [
        w for w in registry.warnings_for(city.staff_all, [city.cadre_a.pk]) if w.kind == "cadres.portfolio"
    ]
    assert w.cadre_id == city.cadre_a.pk and "全面工作" in w.detail and w.severity == "danger"
    assert not [w for w in registry.warnings_for(city.nobody) if w.kind == "cadres.portfolio"]
    # A deactivated area cannot be newly chosen.
    PortfolioArea.objects.filter(code="education").update(active=False)
    area.save()  # clears the cached catalogue
    bad = api.patch(url, {"portfolio_areas": ["overall", "education"]}, format="json")
    assert bad.status_code == 400 and "已停用" in bad.json()["portfolio_areas"][0]
