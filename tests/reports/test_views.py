"""Pages: forms post to the services; bad input is shown with its Chinese message and
nothing is saved; list pages have query-count ceilings (10 vs 100 rows)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cadre_supervision.models import AccessLog
from cadres.models import PublicityFeedback
from reports import services
from reports.models import (
    MajorMatterReport,
    PersonalReport,
    ReportCycle,
    ReportVersion,
    SampleDraw,
)
from tests.factories import CadreFactory

from .conftest import AFTER_DEADLINE, YEAR, full_answers, open_check, submit

pytestmark = pytest.mark.django_db


def _form_post(answers: dict, catalogue_rows=3) -> dict:
    """Encode answers as the report form posts them."""
    data = {}
    for code, a in answers.items():
        entries = a.get("entries", [])
        data[f"rows-{code}"] = str(max(len(entries), catalogue_rows))
        if a.get("nothing_to_report"):
            data[f"none-{code}"] = "on"
        for i, e in enumerate(entries):
            for k, v in e.items():
                data[f"e-{code}-{i}-{k}"] = v
    return data


def test_cycle_create_page(client, city):
    client.force_login(city.staff_all)
    assert client.get(reverse("reports:cycle_create")).status_code == 200
    r = client.post(reverse("reports:cycle_create"), {"year": YEAR})
    cycle = ReportCycle.objects.get(year=YEAR)
    assert r.status_code == 302 and r["Location"] == cycle.get_absolute_url()
    r = client.post(reverse("reports:cycle_create"), {"year": YEAR})
    assert "已启动" in r.content.decode() and ReportCycle.objects.count() == 1
    client.force_login(city.staff_a)
    assert client.get(reverse("reports:cycle_create")).status_code == 403


def test_report_form_save_submit_and_errors(client, rc):
    client.force_login(rc.staff_all)
    url = reverse("reports:report_edit", args=[rc.report_a.pk])
    page = client.get(url)
    assert page.status_code == 200 and "无此类情况" in page.content.decode()
    bad = full_answers(
        P3={"entries": [{"owner": "本人", "address": "某地", "area": "90", "use": "住宅", "share": "150"}]}
    )
    r = client.post(url, _form_post(bad) | {"action": "save"})
    assert r.status_code == 400 and "不能超过 100%" in r.content.decode()
    assert not ReportVersion.objects.exists()
    r = client.post(url, _form_post(full_answers()) | {"action": "submit"})
    assert r.status_code == 302
    rc.report_a.refresh_from_db()
    assert rc.report_a.status == "submitted"
    # locked: the edit page redirects with the message; a forged post is refused
    r = client.get(url, follow=True)
    assert "锁定" in r.content.decode()
    r = client.post(url, _form_post(full_answers()) | {"action": "save"})
    assert r.status_code == 400 and "锁定" in r.content.decode()
    # correction with a reason makes version 2
    r = client.post(reverse("reports:report_correct", args=[rc.report_a.pk]), {"reason": "补报基金一只"})
    assert r.status_code == 302 and rc.report_a.versions.count() == 2


def test_incomplete_submit_saves_nothing(client, rc):
    client.force_login(rc.cadre_user)
    answers = full_answers()
    answers.pop("P6")
    r = client.post(
        reverse("reports:report_edit", args=[rc.report_a.pk]), _form_post(answers) | {"action": "submit"}
    )
    assert r.status_code == 400 and "未填报" in r.content.decode()
    assert not ReportVersion.objects.exists()


def test_detail_shows_year_on_year_comparison(client, rc):
    prev = services.cycle_open(user=rc.staff_all, year=YEAR - 1, deadline=dt.date(YEAR, 1, 31))
    old = PersonalReport.objects.get(cycle=prev, cadre=rc.cadre_a)
    submit(rc.staff_all, old)
    changed = full_answers(
        P1={"entries": [{"income_kind": "工资", "amount": "20"}, {"income_kind": "奖金", "amount": "3"}]},
        P4={
            "entries": [{"holder": "配偶", "product_kind": "基金", "product_name": "沪深300", "amount": "4"}]
        },
    )
    submit(rc.staff_all, rc.report_a, changed)
    client.force_login(rc.staff_all)
    body = client.get(reverse("reports:report_detail", args=[rc.report_a.pk])).content.decode()
    assert f"与 {YEAR - 1} 年度报告" in body
    assert "diff-added" in body and "沪深300" in body
    assert "（+1.50）" in body  # salary 18.50 -> 20.00


def test_sample_draw_page(client, rc):
    submit(rc.staff_all, rc.report_a)
    submit(rc.staff_all, rc.report_b)
    client.force_login(rc.staff_all)
    url = reverse("reports:sample_draw", args=[rc.cycle.pk])
    body = client.get(url).content.decode()
    assert 'id="pool-size">2<' in body and "预计抽取" in body
    # the services check the date; the page uses today (after last year's deadline)
    if timezone.localdate() <= rc.cycle.deadline:
        pytest.skip("runs after the cycle deadline")
    r = client.post(url, {"seed": "公开种子2025"})
    assert r.status_code == 302
    body = client.get(url).content.decode()
    assert "公开种子2025" in body and 'id="reproduce-ok"' in body
    r = client.post(url, {"seed": "again"})
    assert "不能重复抽取" in r.content.decode() and SampleDraw.objects.count() == 1


def test_verification_outcome_page(client, rc):
    submit(rc.staff_all, rc.report_a)
    v = services.sample_draw_create(
        user=rc.staff_all, cycle=rc.cycle, seed="x", today=AFTER_DEADLINE
    ).verifications.get()
    client.force_login(rc.staff_all)
    url = reverse("reports:verification_detail", args=[v.pk])
    assert client.get(url).status_code == 200
    data = {
        f"outcome_{c}": "consistent"
        for c in ["F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "P1", "P2", "P3", "P4", "P5", "P6"]
    }
    data |= {
        "outcome_P4": "omission",
        "source_P4": "securities",
        "evidence_sources": ["securities"],
        "handling": "",
    }
    r = client.post(url, data)
    assert r.status_code == 400 and "须填写处理方式" in r.content.decode()
    data |= {"handling": "education", "handling_note": "批评教育"}
    assert client.post(url, data).status_code == 302
    v.refresh_from_db()
    assert v.outcome == "omission"
    r = client.post(url, {"action": "assign", "verifier": "verifier"})
    assert r.status_code == 302 and v.assignments.filter(user=rc.verifier).exists()


def test_targeted_check_publicity_pages(client, rc):
    submit(rc.staff_all, rc.report_a)
    v = open_check(rc.cadre_a, proposed_post="市直部门副局长", source_id=5)
    client.force_login(rc.staff_all)
    url = v.get_absolute_url()
    body = client.get(url).content.decode()
    assert "选拔任用人选 5，拟任市直部门副局长" in body and "尚未公示" in body
    assert client.get("/reports/candidates/").status_code == 404  # one candidate concept
    today = timezone.localdate()
    r = client.post(url, {"action": "notice", "start_date": today.isoformat(), "location": " "})
    assert r.status_code == 400 and not services.notices_of(v).exists()
    r = client.post(url, {"action": "notice", "start_date": today.isoformat(), "location": "镇公示栏"})
    assert r.status_code == 302
    notice = services.notices_of(v).get()
    assert "镇公示栏" in client.get(url).content.decode()
    # the old addresses lead to the one publicity page
    old = client.get(reverse("reports:notice_detail", args=[notice.pk]))
    assert old.status_code == 302 and old["Location"] == notice.get_absolute_url()
    assert client.get(reverse("reports:notice_list"))["Location"].endswith("/cadres/publicity/?kind=report")
    r = client.post(
        reverse("cadres:publicity_feedback", args=[notice.pk]),
        {"received_on": today.isoformat(), "channel": "phone", "content": "反映"},
    )
    assert r.status_code == 302
    fb = PublicityFeedback.objects.get()
    r = client.post(
        reverse("cadres:publicity_handle", args=[notice.pk]), {"feedback": fb.pk, "handling": "已核实"}
    )
    assert r.status_code == 302 and PublicityFeedback.objects.get().handled
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "重点查核" in page and "市直部门副局长" in page and "已核实" in page


def test_major_matter_form(client, rc):
    client.force_login(rc.staff_all)
    today = timezone.localdate().isoformat()
    base = {
        "cadre": rc.cadre_a.pk,
        "kind": "social_ties",
        "title": "三圈",
        "occurred_on": today,
        "reported_on": today,
        "description": "情况",
    }
    r = client.post(reverse("reports:major_create"), base)
    assert r.status_code == 400 and "至少填写一名" in r.content.decode()
    r = client.post(
        reverse("reports:major_create"),
        base | {"tie-0-circle": "social", "tie-0-person": "钱某", "tie-0-relation": "同学"},
    )
    assert r.status_code == 302
    m = MajorMatterReport.objects.get()
    assert m.ties.get().person == "钱某"
    assert AccessLog.objects.count() == 0
    client.get(m.get_absolute_url())
    assert AccessLog.objects.filter(action="view_report").count() == 1


def _bulk_cycle(rc, n):
    cadres = [CadreFactory(organization=rc.town_a if i % 2 else rc.town_b) for i in range(n)]
    for c in cadres:
        services.cycle_add_cadre(user=rc.staff_all, cycle=rc.cycle, cadre=c)
    return cadres


@pytest.mark.parametrize("n", [10, 100])
def test_list_query_ceilings(client, rc, n, django_assert_max_num_queries):
    """10 vs 100 rows: the number of queries does not grow with the rows."""
    _bulk_cycle(rc, n)
    reports = list(PersonalReport.objects.filter(cycle=rc.cycle).select_related("cadre").order_by("id")[:n])
    for r in reports[: n // 5]:
        submit(rc.staff_all, r)
    draw = services.sample_draw_create(user=rc.staff_all, cycle=rc.cycle, seed="x", today=AFTER_DEADLINE)
    assert draw.selected
    today = timezone.localdate()
    for r in reports[: n // 10]:
        v = open_check(r.cadre)
        services.notice_create(user=rc.staff_all, verification=v, start_date=today, location="公示栏")
    for i in range(n):
        services.major_matter_create(
            user=rc.staff_all,
            cadre=rc.cadre_a,
            kind="other",
            title=f"事项{i}",
            occurred_on=today,
            reported_on=today,
            description="x",
        )
    client.force_login(rc.staff_all)
    for url, ceiling in [
        (reverse("reports:cycle_detail", args=[rc.cycle.pk]), 23),
        (reverse("reports:cycle_list"), 15),  # + the sub-menu entries
        (reverse("reports:verification_list"), 14),
        (reverse("reports:major_list"), 15),
        (reverse("cadres:publicity_list"), 15),
    ]:
        with django_assert_max_num_queries(ceiling):
            assert client.get(url).status_code == 200
