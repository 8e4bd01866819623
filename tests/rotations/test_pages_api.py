"""Pages and API: the permission grid (anonymous, out of scope, in scope), bad input through
the form and the API, exports, statistics, and query-count ceilings at 10 vs 100 rows."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadre_supervision.models import AccessLog
from rotations import services
from rotations.choices import ExchangeKind, SecondLineRole
from rotations.models import Exchange, LeaveRequest
from tests.factories import AppointmentFactory, CadreFactory, PostFactory

pytestmark = pytest.mark.django_db
D = dt.date

PAGES = [
    "rotations:due_list",
    "rotations:exchange_list",
    "rotations:figures",
    "rotations:plan_list",
    "rotations:secondline_roster",
    "rotations:secondline_utilisation",
    "rotations:secondline_board",
    "rotations:leave_list",
    "rotations:exchange_create",
    "rotations:secondline_move",
]


@pytest.mark.parametrize("name", PAGES)
def test_pages_need_login_and_render_for_staff(client, secondline, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    client.force_login(secondline.staff_all)
    assert client.get(url).status_code == 200


def _record_exchange(c):
    return services.exchange_record(
        user=c.staff_all,
        cadre=c.cadre_b,
        to_post=c.organ_head,
        kind=ExchangeKind.TOWNSHIP_TO_CITY,
        reason="tenure_limit",
        approval_date=D(2026, 3, 1),
        effective_date=D(2026, 3, 10),
    )


def test_exchange_visible_from_either_side_only(client, api, rot):
    ex = _record_exchange(rot)  # 乙镇 → 丙局
    from tests.factories import make_user

    staff_organ = make_user("staff_organ", "org_staff", [rot.organ])
    for user, visible in [
        (rot.staff_all, True),
        (staff_organ, True),
        (rot.staff_a, False),
        (rot.liaison_a, False),
        (rot.discipline, False),
    ]:
        client.force_login(user)
        detail = client.get(reverse("rotations:exchange_detail", args=[ex.pk]))
        assert detail.status_code == (200 if visible else 404), user
        listing = client.get(reverse("rotations:exchange_list"))
        assert (ex.cadre.name in listing.content.decode()) is visible
        api.force_authenticate(user)
        assert api.get(f"/api/v1/exchanges/{ex.pk}/").status_code == (200 if visible else 404)
        assert len(api.get("/api/v1/exchanges/").json()["results"]) == (1 if visible else 0)
    api.force_authenticate(None)
    assert api.get("/api/v1/exchanges/").status_code in (401, 403)


def test_exchange_form_shows_chinese_error_and_saves_nothing(client, rot):
    AppointmentFactory(
        cadre=CadreFactory(name="现任局长", organization=rot.organ),
        post=rot.organ_head,
        start_date=D(2020, 1, 1),
    )
    client.force_login(rot.staff_all)
    resp = client.post(
        reverse("rotations:exchange_create"),
        {
            "cadre": rot.cadre_b.pk,
            "to_post": rot.organ_head.pk,
            "kind": "township_to_city",
            "reason": "tenure_limit",
            "approval_date": "2026-03-01",
            "effective_date": "2026-03-10",
        },
    )
    assert resp.status_code == 200
    assert "已有在任一把手" in resp.content.decode()
    assert not Exchange.objects.exists()


def test_exchange_api_create_and_bad_input(api, rot):
    api.force_authenticate(rot.staff_all)
    body = {
        "cadre": rot.cadre_b.pk,
        "to_post": rot.organ_head.pk,
        "kind": "township_to_city",
        "reason": "tenure_limit",
        "approval_date": "2016-07-01",
        "effective_date": "2016-08-01",
    }
    resp = api.post("/api/v1/exchanges/", body, format="json")
    assert resp.status_code == 400 and "不能早于" in resp.json()["effective_date"][0]
    body.update(approval_date="2026-03-01", effective_date="2026-03-10")
    resp = api.post("/api/v1/exchanges/", body, format="json")
    assert resp.status_code == 201, resp.json()
    ex_id = resp.json()["id"]
    hist = api.get(f"/api/v1/exchanges/{ex_id}/history/").json()
    assert hist[0]["action"] == "insert" and hist[0]["actor_id"] == rot.staff_all.pk
    api.force_authenticate(rot.staff_a)
    body.update(cadre=rot.cadre_a2.pk, to_post=rot.organ_deputy.pk)
    resp = api.post("/api/v1/exchanges/", body, format="json")  # a post outside the scope: "does not exist"
    assert resp.status_code == 400 and "不存在" in resp.json()["to_post"][0]


def test_due_list_page_add_to_plan_and_export(client, rot):
    client.force_login(rot.staff_all)
    page = client.get(reverse("rotations:due_list")).content.decode()
    assert "李强" in page and "钱敏" in page
    resp = client.post(
        reverse("rotations:due_add_to_plan"),
        {"cadre": rot.cadre_b.pk, "post": rot.sec_b.pk, "year": 2026, "next": "/rotations/"},
    )
    assert resp.status_code == 302
    from rotations.models import PlanItem

    item = PlanItem.objects.get()
    assert (
        item.plan.organization == rot.town_b and item.rule == "leader_10y" and item.due_date == D(2026, 9, 1)
    )
    x = client.get(reverse("rotations:due_list"), {"export": "xlsx", "org_kind": "township"})
    ws = load_workbook(BytesIO(x.content)).active
    names = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert "李强" in names and "钱敏" not in names  # filtered: townships only
    assert AccessLog.objects.filter(action="export", object_type="rotations.due").exists()
    client.force_login(rot.staff_a)
    assert "李强" not in client.get(reverse("rotations:due_list")).content.decode()


def test_liaison_sees_only_own_units_second_line_and_leave(client, api, secondline):
    c = secondline
    la = services.leave_request_create(
        user=c.staff_all, record=c.rec_a, start_date=D(2026, 3, 1), end_date=D(2026, 3, 2), reason="甲事"
    )
    lb = services.leave_request_create(
        user=c.staff_all, record=c.rec_b, start_date=D(2026, 3, 1), end_date=D(2026, 3, 2), reason="乙事"
    )
    client.force_login(c.liaison_a)
    roster = client.get(reverse("rotations:secondline_roster")).content.decode()
    assert "周老" in roster and "吴老" not in roster
    x = client.get(reverse("rotations:secondline_roster"), {"export": "xlsx"})
    rows = list(load_workbook(BytesIO(x.content)).active.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[6]) for r in rows] == [("周老", "闲置在家")]  # own unit only, in the export too
    assert client.get(reverse("rotations:secondline_detail", args=[c.rec_b.pk])).status_code == 404
    assert client.get(reverse("rotations:secondline_detail", args=[c.rec_a.pk])).status_code == 200
    leave = client.get(reverse("rotations:leave_list")).content.decode()
    assert "甲事" in leave and "乙事" not in leave
    # the liaison sees no rotation records at all
    assert client.get(reverse("rotations:due_list")).status_code == 200
    assert "李强" not in client.get(reverse("rotations:due_list")).content.decode()
    api.force_authenticate(c.liaison_a)
    assert [r["id"] for r in api.get("/api/v1/secondline-leave/").json()["results"]] == [la.pk]
    assert api.get(f"/api/v1/secondline-leave/{lb.pk}/").status_code == 404
    assert [r["cadre_name"] for r in api.get("/api/v1/secondline-records/").json()["results"]] == ["周老"]
    # records leave for their own unit, not for another
    ok = api.post(
        "/api/v1/secondline-leave/",
        {"record": c.rec_a.pk, "start_date": "2026-04-01", "end_date": "2026-04-02", "reason": "体检"},
        format="json",
    )
    assert ok.status_code == 201
    bad = api.post(
        "/api/v1/secondline-leave/",
        {"record": c.rec_b.pk, "start_date": "2026-04-01", "end_date": "2026-04-02", "reason": "体检"},
        format="json",
    )
    # a record outside the scope is answered as a nonexistent one
    assert bad.status_code == 400 and "不存在" in bad.json()["record"][0]
    overlap = api.post(
        "/api/v1/secondline-leave/",
        {"record": c.rec_a.pk, "start_date": "2026-04-02", "end_date": "2026-04-03", "reason": "体检"},
        format="json",
    )
    assert overlap.status_code == 400 and "重叠" in overlap.json()["start_date"][0]
    # …but cannot approve: that is the unit head's
    assert api.post(f"/api/v1/secondline-leave/{la.pk}/approve/", {}, format="json").status_code == 403


def test_unit_head_sees_and_approves_own_units_leave(client, secondline):
    c = secondline
    la = services.leave_request_create(
        user=c.liaison_a, record=c.rec_a, start_date=D(2026, 3, 1), end_date=D(2026, 3, 2), reason="甲事"
    )
    services.leave_request_create(
        user=c.staff_all, record=c.rec_b, start_date=D(2026, 3, 1), end_date=D(2026, 3, 2), reason="乙事"
    )
    client.force_login(c.head_user)
    page = client.get(reverse("rotations:leave_list")).content.decode()
    assert "甲事" in page and "乙事" not in page and "批准" in page
    client.post(
        reverse("rotations:leave_action", args=[la.pk, "approve"]), {"next": "/rotations/secondline/leave/"}
    )
    la.refresh_from_db()
    assert la.status == "approved" and la.decided_by == c.head_user


def test_assignment_api_rejects_cadre_not_on_second_line(api, secondline):
    c = secondline
    api.force_authenticate(c.staff_all)
    resp = api.post(
        "/api/v1/secondline-assignments/", {"cadre": c.cadre_a2.pk, "role": "inspection"}, format="json"
    )
    assert resp.status_code == 400 and "不是在岗的二线干部" in resp.json()["cadre"][0]
    resp = api.post(
        "/api/v1/secondline-assignments/",
        {"cadre": c.old_a.pk, "role": "enterprise_help", "cadre_agreed": True, "unit_agreed": True},
        format="json",
    )
    assert resp.status_code == 201
    resp = api.post(f"/api/v1/secondline-assignments/{resp.json()['id']}/confirm/", {}, format="json")
    assert resp.json()["status"] == "confirmed"


def test_stats_endpoint_aggregates_over_scope(api, secondline):
    c = secondline
    _record_exchange(c)
    a = services.assignment_propose(
        user=c.staff_all, cadre=c.old_b, role=SecondLineRole.INVESTMENT, cadre_agreed=True, unit_agreed=True
    )
    services.assignment_confirm(user=c.staff_all, assignment=a)
    api.force_authenticate(c.stats)
    data = api.get("/api/v1/stats/rotations/").json()
    assert data["exchanges"]["total"] == 1 and data["exchanges"]["township_secretaries_to_city_heads"] == 1
    assert data["second_line"]["total"] == 2
    assert (
        data["second_line"]["by_utilisation"]["investment"] == 1
        and data["second_line"]["by_utilisation"]["idle"] == 1
    )
    assert data["due"]["total"] >= 1
    assert "cadre_name" not in str(data)  # aggregates only
    api.force_authenticate(c.liaison_a)  # 甲镇 only: its one second-line cadre, no exchanges
    data = api.get("/api/v1/stats/rotations/").json()
    assert data["second_line"]["total"] == 1 and data["exchanges"]["total"] == 0
    api.force_authenticate(c.nobody)
    data = api.get("/api/v1/stats/rotations/").json()
    assert data["second_line"]["total"] == 0 and data["due"]["total"] == 0


def test_plan_page_ranks_units_by_execution(client, rot):
    p_b = services.plan_create(user=rot.staff_all, organization=rot.town_b, year=2026)
    services.plan_item_add(user=rot.staff_all, plan=p_b, cadre=rot.cadre_b)
    p_o = services.plan_create(user=rot.staff_all, organization=rot.organ, year=2026)
    services.plan_item_add(user=rot.staff_all, plan=p_o, cadre=rot.finance_cadre)
    services.plan_item_add(user=rot.staff_all, plan=p_o, cadre=rot.organ_cadre)
    _record_exchange(rot)  # carries out 乙镇's item
    client.force_login(rot.staff_all)
    page = client.get(reverse("rotations:plan_list"), {"year": 2026}).content.decode()
    assert page.index("乙镇") < page.index("丙局")  # 100% before 0%
    assert "推进迟缓" in page
    x = client.get(reverse("rotations:plan_list"), {"year": 2026, "export": "xlsx"})
    rows = list(load_workbook(BytesIO(x.content)).active.iter_rows(min_row=2, values_only=True))
    assert rows[0][1] == "乙镇" and rows[0][4] == 100.0


def _many_exchanges(c, n):
    """n secondment exchanges from 丙局 to 乙镇 (cheap to build; each a real service call)."""
    for i in range(n):
        cadre = CadreFactory(name=f"挂{i}", organization=c.organ)
        post = PostFactory(organization=c.organ, title=f"科员岗{i}")
        AppointmentFactory(cadre=cadre, post=post, start_date=D(2018, 1, 1))
        services.exchange_record(
            user=c.staff_all,
            cadre=cadre,
            to_post=c.deputy_b,
            kind=ExchangeKind.SECONDMENT,
            reason="training",
            approval_date=D(2026, 1, 1),
            effective_date=D(2026, 1, 10),
        )


def _many_second_line(c, n):
    for i in range(n):
        cadre = CadreFactory(name=f"二线{i}", organization=c.town_a)
        AppointmentFactory(
            cadre=cadre, post=PostFactory(organization=c.town_a, title=f"副职{i}"), start_date=D(2015, 1, 1)
        )
        rec = services.secondline_move(user=c.staff_all, cadre=cadre, effective_date=D(2025, 1, 1))
        services.leave_request_create(
            user=c.staff_all, record=rec, start_date=D(2026, 2, 1), end_date=D(2026, 2, 2), reason="事"
        )
        if i % 3 == 0:
            a = services.assignment_propose(
                user=c.staff_all,
                cadre=cadre,
                role=SecondLineRole.ENTERPRISE_HELP,
                cadre_agreed=True,
                unit_agreed=True,
            )
            services.assignment_confirm(user=c.staff_all, assignment=a)


@pytest.mark.parametrize("n", [10, 100])
def test_query_ceilings(client, api, rot, django_assert_max_num_queries, n):
    _many_exchanges(rot, n)
    _many_second_line(rot, n)
    assert LeaveRequest.objects.count() == n
    client.force_login(rot.staff_all)
    api.force_authenticate(rot.staff_all)
    checks = [
        (client, reverse("rotations:exchange_list"), 22),
        (client, reverse("rotations:secondline_roster"), 22),
        (client, reverse("rotations:leave_list"), 22),
        (client, reverse("rotations:due_list"), 20),
        (client, reverse("rotations:plan_list"), 25),
        (api, "/api/v1/exchanges/", 6),
        (api, "/api/v1/secondline-records/", 6),
        (api, "/api/v1/secondline-leave/", 6),
        (api, "/api/v1/secondline-assignments/", 6),
        # The first request refreshes both due snapshots (constant in the rows), the next reads them.
        (api, "/api/v1/stats/rotations/", 50),
        (api, "/api/v1/stats/rotations/", 18),
    ]
    for who, url, ceiling in checks:
        with django_assert_max_num_queries(ceiling):
            assert who.get(url).status_code == 200, url


def test_second_line_page_shows_the_general_annual_assessments(client, secondline):
    """The page reads the cadre's 年度考核 from cadres (one concept): a grade entered on the
    dossier shows here, one recorded here shows on the dossier; years before the move do not."""
    from cadres import services as cadre_services
    from cadres.models import AnnualAssessment

    c = secondline
    cadre_services.assessment_record(user=c.staff_all, cadre=c.rec_a.cadre, year=2024, grade="excellent")
    cadre_services.assessment_record(
        user=c.staff_all, cadre=c.rec_a.cadre, year=2025, grade="basic", notes="档案录入"
    )
    client.force_login(c.staff_all)
    url = reverse("rotations:secondline_detail", args=[c.rec_a.pk])
    page = client.get(url)
    assert [(a.year, a.grade) for a in page.context["assessments"]] == [(2025, "basic")]
    assert "档案录入" in page.content.decode()
    resp = client.post(
        reverse("rotations:assessment_create", args=[c.rec_a.pk]),
        {"year": 2026, "grade": "competent", "notes": "二线登记", "next": url},
    )
    assert resp.status_code == 302
    assert AnnualAssessment.objects.get(cadre=c.rec_a.cadre, year=2026).notes == "二线登记"
    # A year already on the general record is refused in Chinese and nothing is saved.
    resp = client.post(
        reverse("rotations:assessment_create", args=[c.rec_a.pk]), {"year": 2025, "grade": "excellent"}
    )
    assert AnnualAssessment.objects.get(cadre=c.rec_a.cadre, year=2025).grade == "basic"
    assert AnnualAssessment.objects.filter(cadre=c.rec_a.cadre).count() == 3
