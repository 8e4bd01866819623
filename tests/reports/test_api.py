"""REST API: same services and scope as the pages; contents only to those allowed;
statistics are aggregates over the caller's scope with no personal data."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from cadres import rules as cadre_rules
from reports import services
from reports.models import PersonalReport, SampleDraw

from .conftest import AFTER_DEADLINE, LATE, YEAR, full_answers, open_check, submit

pytestmark = pytest.mark.django_db


def test_report_draft_submit_lock_correct_compare(api, rc):
    api.force_authenticate(rc.staff_a)
    url = f"/api/v1/personal-reports/{rc.report_a.pk}/"
    bad = full_answers(P1={"entries": [{"income_kind": "工资", "amount": "-5"}]})
    r = api.put(url, {"answers": bad}, format="json")
    assert r.status_code == 400 and "不能为负数" in json.dumps(r.json(), ensure_ascii=False)
    assert api.put(url, {"answers": full_answers()}, format="json").status_code == 200
    assert api.post(url + "submit/").json()["status"] == "submitted"
    r = api.put(url, {"answers": full_answers()}, format="json")
    assert r.status_code == 400 and "锁定" in r.json()["non_field_errors"][0]
    r = api.post(url + "correct/", {"reason": ""}, format="json")
    assert r.status_code == 400 and "更正理由" in r.json()["reason"][0]
    assert api.post(url + "correct/", {"reason": "补报基金一只"}, format="json").status_code == 201
    fund = {"holder": "本人", "product_kind": "基金", "product_name": "沪深300", "amount": "4"}
    assert api.put(url, {"answers": {"P4": {"entries": [fund]}}}, format="json").status_code == 200
    api.post(url + "submit/")
    body = api.get(url + "compare/?version=2&against=1").json()
    p4 = next(i for i in body["items"] if i["code"] == "P4")
    assert p4["added"][0]["product_name"] == "沪深300" and p4["answer_changed"]
    detail = api.get(url).json()
    assert [v["number"] for v in detail["versions"]] == [1, 2]
    assert next(i for i in detail["items"] if i["code"] == "P4")["entries"][0]["amount"] == "4.00"
    hist = api.get(url + "history/")
    assert hist.status_code == 200 and hist.json()
    access = api.get(url + "access/").json()
    assert {a["user"] for a in access} == {"staff_a"} and len(access) == 2  # compare + detail


def test_cycle_api_and_draw(api, rc):
    submit(rc.staff_all, rc.report_a)
    api.force_authenticate(rc.staff_all)
    r = api.post("/api/v1/report-cycles/", {"year": YEAR}, format="json")
    assert r.status_code == 400 and "已启动" in r.json()["year"][0]
    detail = api.get(f"/api/v1/report-cycles/{rc.cycle.pk}/").json()
    assert detail["summary"]["total"] == 3 and len(detail["by_organization"]) == 2
    if timezone.localdate() > rc.cycle.deadline:
        r = api.post(f"/api/v1/report-cycles/{rc.cycle.pk}/draw/", {"seed": "api-seed"}, format="json")
        assert r.status_code == 201 and r.json()["reproduced"] and r.json()["seed"] == "api-seed"
        r = api.post(f"/api/v1/report-cycles/{rc.cycle.pk}/draw/", {}, format="json")
        assert r.status_code == 400 and "不能重复抽取" in r.json()["non_field_errors"][0]
        assert SampleDraw.objects.count() == 1
    api.force_authenticate(rc.liaison_a)
    assert api.get("/api/v1/report-cycles/").status_code == 404


def test_targeted_check_and_notice_api(api, rc):
    submit(rc.staff_all, rc.report_a)
    api.force_authenticate(rc.staff_all)
    vid = open_check(rc.cadre_a, proposed_post="局长", source_id=31).pk
    r = api.get(f"/api/v1/report-verifications/{vid}/")
    assert r.status_code == 200
    assert (r.json()["source_type"], r.json()["source_id"], r.json()["proposed_post"]) == (
        "selection.candidate",
        31,
        "局长",
    )
    assert api.get("/api/v1/promotion-candidates/").status_code == 404  # one candidate concept
    r = api.post(
        f"/api/v1/report-verifications/{vid}/outcome/",
        {
            "item_outcomes": {"P3": {"outcome": "omission", "evidence_source": "real_estate"}},
            "evidence_sources": ["real_estate"],
            "handling": "education",
            "handling_note": "批评教育",
        },
        format="json",
    )
    assert r.status_code == 200 and r.json()["outcome"] == "omission"
    today = timezone.localdate()
    start = today - dt.timedelta(days=5)
    r = api.post(
        f"/api/v1/report-verifications/{vid}/publicity/",
        {"start_date": start.isoformat(), "location": "公示栏"},
        format="json",
    )
    end = cadre_rules.publicity_end(start, 3, cadre_rules.china_is_workday)
    assert r.status_code == 201 and r.json()["end_date"] == end.isoformat()
    assert r.json()["kind"] == "report" and r.json()["working_days"] == 3
    nid = r.json()["id"]
    r = api.post(
        f"/api/v1/publicity/{nid}/feedback/",
        {"received_on": (end + dt.timedelta(days=1)).isoformat(), "channel": "phone", "content": "x"},
        format="json",
    )
    assert r.status_code == 400
    r = api.post(
        f"/api/v1/publicity/{nid}/feedback/",
        {"received_on": today.isoformat(), "channel": "phone", "content": "x"},
        format="json",
    )
    assert r.status_code == 400 and "公示期内" in r.json()["received_on"][0]
    r = api.post(
        f"/api/v1/publicity/{nid}/feedback/",
        {"received_on": (today - dt.timedelta(days=4)).isoformat(), "channel": "phone", "content": "反映"},
        format="json",
    )
    fid = r.json()["id"]
    r = api.post(f"/api/v1/publicity/{nid}/feedback/{fid}/handle/", {"handling": "已核实"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "handled"
    body = api.get(f"/api/v1/publicity/{nid}/").json()
    assert (body["source_type"], body["source_id"]) == ("reports.verification", vid)


def test_major_api(api, rc):
    api.force_authenticate(rc.staff_all)
    today = timezone.localdate().isoformat()
    payload = {
        "cadre": rc.cadre_a2.pk,
        "kind": "other",
        "title": "x",
        "occurred_on": today,
        "reported_on": today,
        "description": "y",
    }
    r = api.post("/api/v1/major-matter-reports/", payload, format="json")
    assert r.status_code == 400 and "党政正职" in r.json()["cadre"][0]
    payload |= {
        "cadre": rc.cadre_a.pk,
        "kind": "social_ties",
        "ties": [{"circle": "entertainment", "person": "孙某", "relation": "牌友"}],
    }
    r = api.post("/api/v1/major-matter-reports/", payload, format="json")
    assert r.status_code == 201 and r.json()["ties"][0]["circle"] == "entertainment"
    listed = api.get("/api/v1/major-matter-reports/").json()["results"]
    assert "description" not in listed[0] and "ties" not in listed[0]


def test_stats_scope_and_no_personal_data(api, rc):
    submit(rc.staff_all, rc.report_a)
    submit(rc.staff_all, rc.report_b, now=LATE)
    services.sample_draw_create(user=rc.staff_all, cycle=rc.cycle, seed="st", today=AFTER_DEADLINE)
    api.force_authenticate(rc.stats)
    r = api.get(f"/api/v1/stats/reports/?year={YEAR}")
    body = r.json()
    assert r.status_code == 200
    assert (body["obligated"], body["submitted"], body["submitted_late"], body["sampled"]) == (3, 2, 1, 1)
    assert body["submission_rate"] == 66.7 and set(body["outcomes"]) == {
        "consistent",
        "omission",
        "concealment",
    }
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("张伟", "李强", "人民路", "18.50", "城东区"):
        assert secret not in text
    # scope: a stats client over 乙镇 only counts 乙镇
    from tests.factories import make_user

    api.force_authenticate(make_user("stats_b", "stats_client", [rc.town_b]))
    assert api.get("/api/v1/stats/reports/").json()["obligated"] == 1
    api.force_authenticate(rc.liaison_a)
    assert api.get("/api/v1/stats/reports/").status_code == 403
    assert api.get("/api/v1/stats/reports/?year=abc").status_code == 403


@pytest.mark.parametrize("n", [10, 100])
def test_api_list_query_ceilings(api, rc, n, django_assert_max_num_queries):
    from tests.factories import CadreFactory

    for _ in range(n):
        services.cycle_add_cadre(
            user=rc.staff_all, cycle=rc.cycle, cadre=CadreFactory(organization=rc.town_a)
        )
    for r in list(PersonalReport.objects.filter(cycle=rc.cycle))[: n // 5]:
        submit(rc.staff_all, r)
    services.sample_draw_create(user=rc.staff_all, cycle=rc.cycle, seed="q", today=AFTER_DEADLINE)
    api.force_authenticate(rc.staff_all)
    for url, ceiling in [
        ("/api/v1/personal-reports/?page_size=200", 8),
        ("/api/v1/report-verifications/", 10),
        ("/api/v1/report-cycles/", 6),
        ("/api/v1/stats/reports/", 14),
    ]:
        with django_assert_max_num_queries(ceiling):
            assert api.get(url).status_code == 200
