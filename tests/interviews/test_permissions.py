"""Permission grid: records, tasks, coverage and statistics over the roles that matter:
interviewer, other interviewer, staff in and out of scope, unit liaison, discipline officer."""

from __future__ import annotations

import pytest

from interviews import selectors, services
from interviews.choices import InterviewKind
from interviews.models import InterviewRecord, RequiredTalk


@pytest.fixture
def recs(talks):
    t = talks
    t.r_routine = services.record_create(
        user=t.ganbuke,
        interviewee=t.cadre_a2,
        interviewers=[t.ganbuke],
        kind=InterviewKind.ROUTINE,
        date=t.today,
        summary="甲镇副镇长例行谈话",
    )
    t.r_admon = services.record_create(
        user=t.staff_all,
        interviewee=t.cadre_a2,
        interviewers=[t.staff_all],
        kind=InterviewKind.ADMONISHMENT,
        date=t.today,
        summary="诫勉谈话",
    )
    t.r_b = services.record_create(
        user=t.shuji,
        interviewee=t.cadre_b,
        interviewers=[t.shuji],
        kind=InterviewKind.ROUTINE,
        date=t.today,
        summary="乙镇书记谈话",
    )
    return t


RECORD_GRID = [
    # user,        r_routine, r_admon, r_b
    ("ganbuke", True, False, False),  # the interviewer sees their own record only
    ("other_sup", False, False, False),  # another interviewer sees nothing
    ("shuji", False, False, True),
    ("staff_a", True, True, False),  # staff in scope (甲镇) / out of scope (乙镇)
    ("staff_all", True, True, True),
    ("liaison_a", False, False, False),  # never the interviewee's unit liaison
    ("discipline", False, True, False),  # admonishments and written inquiries only
    ("stats", False, False, False),
]


@pytest.mark.parametrize("username,see_routine,see_admon,see_b", RECORD_GRID)
def test_record_grid_pages_and_api(recs, client, api, username, see_routine, see_admon, see_b):
    user = getattr(recs, username)
    expected = {recs.r_routine.pk: see_routine, recs.r_admon.pk: see_admon, recs.r_b.pk: see_b}
    visible = set(InterviewRecord.objects.restrict(user, "view").values_list("pk", flat=True))
    assert visible == {pk for pk, ok in expected.items() if ok}
    client.force_login(user)
    api.force_authenticate(user)
    listed = {row["id"] for row in api.get("/api/v1/interview-records/").json()["results"]}
    assert listed == visible
    for pk, ok in expected.items():
        assert client.get(f"/interviews/records/{pk}/").status_code == (200 if ok else 404)
        assert api.get(f"/api/v1/interview-records/{pk}/").status_code == (200 if ok else 404)
    # Exports contain exactly the visible rows.
    resp = client.get("/interviews/records/?export=xlsx")
    if resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd"):
        from io import BytesIO

        from openpyxl import load_workbook

        ws = load_workbook(BytesIO(resp.content)).active
        assert ws.max_row - 1 == len(visible)


def test_anonymous_is_refused(recs, client, api):
    assert client.get(f"/interviews/records/{recs.r_routine.pk}/").status_code == 302
    assert client.get("/interviews/").status_code == 302
    assert api.get("/api/v1/interview-records/").status_code in (401, 403)
    assert api.get("/api/v1/stats/interviews/").status_code in (401, 403)


def test_writes_outside_scope_are_refused_and_nothing_changes(recs, api):
    api.force_authenticate(recs.other_sup)
    assert (
        api.patch(
            f"/api/v1/interview-records/{recs.r_routine.pk}/", {"place": "x"}, format="json"
        ).status_code
        == 404
    )
    api.force_authenticate(recs.discipline)  # may read the admonishment, not change it
    assert (
        api.patch(f"/api/v1/interview-records/{recs.r_admon.pk}/", {"place": "x"}, format="json").status_code
        == 404
    )
    api.force_authenticate(recs.staff_a)
    assert api.delete(f"/api/v1/interview-records/{recs.r_b.pk}/").status_code == 404
    assert InterviewRecord.objects.filter(place="x").count() == 0
    assert InterviewRecord.objects.count() == 3


TASK_GRID = [
    # user, cadres whose talks are visible
    ("ganbuke", {"王芳", "吴科", "郑老"}),
    ("shuji", {"张伟", "李强", "赵局"}),
    ("other_sup", set()),
    ("staff_a", {"张伟", "王芳", "周委", "郑老"}),
    ("liaison_a", set()),
    ("discipline", set()),
]


@pytest.mark.parametrize("username,names", TASK_GRID)
def test_task_grid(recs, api, client, username, names):
    user = getattr(recs, username)
    qs = RequiredTalk.objects.restrict(user, "view").filter(year=recs.today.year)
    assert set(qs.values_list("cadre__name", flat=True)) == names
    api.force_authenticate(user)
    rows = api.get(f"/api/v1/required-talks/?year={recs.today.year}&page_size=500").json()["results"]
    assert {r["cadre_name"] for r in rows} == names
    some = RequiredTalk.objects.filter(cadre=recs.cadre_b).first()
    assert api.get(f"/api/v1/required-talks/{some.pk}/").status_code == (200 if "李强" in names else 404)
    client.force_login(user)
    assert client.get(f"/interviews/required/{some.pk}/").status_code == (200 if "李强" in names else 404)


def test_my_tasks_show_only_own_tasks(recs, client):
    client.force_login(recs.ganbuke)
    html = client.get("/interviews/").content.decode()
    assert "王芳" in html and "吴科" in html and "李强" not in html


COVERAGE_GRID = [
    ("staff_all", {"甲镇", "乙镇", "丙局", "丁局"}),
    ("staff_a", {"甲镇"}),
    ("ganbuke", {"甲镇", "丙局"}),  # a supervisor sees the figures of their own tasks
    ("liaison_a", None),  # no page at all
    ("discipline", None),
]


@pytest.mark.parametrize("username,orgs", COVERAGE_GRID)
def test_coverage_grid(recs, client, username, orgs):
    user = getattr(recs, username)
    client.force_login(user)
    resp = client.get("/interviews/coverage/")
    if orgs is None:
        assert resp.status_code == 403
        return
    assert resp.status_code == 200
    rows = selectors.coverage_by_organization(user=user, year=recs.today.year, today=recs.today)
    assert {r["organization"] for r in rows} == orgs


STATS_GRID = [
    # user, required talks counted in the totals
    ("staff_all", None),  # everything
    ("stats", None),  # a statistics client: aggregates over its scope
    ("staff_a", "甲镇"),
    ("liaison_a", "none"),
]


@pytest.mark.parametrize("username,scope", STATS_GRID)
def test_stats_grid(recs, api, username, scope):
    user = getattr(recs, username)
    api.force_authenticate(user)
    data = api.get(f"/api/v1/stats/interviews/?year={recs.today.year}").json()
    live = RequiredTalk.objects.live().filter(year=recs.today.year)
    if scope == "甲镇":
        live = live.filter(cadre__organization=recs.town_a)
    elif scope == "none":
        live = live.none()
    assert data["totals"]["required"] == live.count()
    assert sum(r["required"] for r in data["by_org_kind"]) == live.count()
    assert sum(r["required"] for r in data["by_interviewer_role"]) == live.count()
    # Aggregates only: no names anywhere.
    assert "王芳" not in str(data) and "ganbuke" not in str(data)


def test_gap_list_is_scoped(recs, client):
    client.force_login(recs.staff_all)
    html = client.get("/interviews/gaps/").content.decode()
    assert "孙副" in html and "分管市领导" in html
    client.force_login(recs.staff_a)
    assert "孙副" not in client.get("/interviews/gaps/").content.decode()


def test_integrity_section_lists_admonishments_and_inquiries_in_scope(recs):
    from django.template.loader import render_to_string

    from cadre_supervision import registry

    (section,) = [s for s in registry.integrity_sections if s.key == "interviews.discipline"]
    ctx = section.build(recs.cadre_a2, recs.discipline)
    assert [r.pk for r in ctx["records"]] == [recs.r_admon.pk]  # not the routine talk
    html = render_to_string(section.template, ctx)
    assert "诫勉谈话" in html
    assert section.build(recs.cadre_a2, recs.liaison_a)["records"] == []
    assert section.build(recs.cadre_a2, recs.staff_a)["records"] == [recs.r_admon]
    header, rows = section.export(recs.cadre_a2, recs.staff_all)
    assert header[0] == "日期" and len(rows) == 1
