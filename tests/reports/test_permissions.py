"""The confidentiality grid: who sees a report's contents (pages and API), and the access
log row written for every content view and export."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cadre_supervision.models import AccessLog
from reports import services

from .conftest import AFTER_DEADLINE, full_answers, open_check, submit

pytestmark = pytest.mark.django_db

# user attribute -> can see 张伟's (甲镇) report contents
GRID = [
    ("admin", True),
    ("staff_all", True),
    ("staff_a", True),
    ("staff_b", False),  # org staff out of scope (乙镇 only)
    ("liaison_a", False),  # unit liaison of 甲镇
    ("interviewer", False),
    ("discipline", False),
    ("stats", False),
    ("nobody", False),
    ("verifier", False),  # not assigned
    ("cadre_user", True),  # the cadre
]


@pytest.fixture
def submitted(rc):
    submit(rc.staff_all, rc.report_a)
    submit(rc.staff_all, rc.report_a2)
    return rc


def _log_count(report, action=AccessLog.Action.VIEW_REPORT):
    return AccessLog.objects.filter(
        object_type="reports.personalreport", object_id=str(report.pk), action=action
    ).count()


@pytest.mark.parametrize("who,allowed", GRID)
def test_report_contents_page_and_api(client, api, submitted, who, allowed):
    rc = submitted
    user = getattr(rc, who)
    client.force_login(user)
    api.force_authenticate(user)
    urls = [
        reverse("reports:report_detail", args=[rc.report_a.pk]),
        reverse("reports:version_detail", args=[rc.report_a.pk, 1]),
        reverse("reports:report_export", args=[rc.report_a.pk]),
        reverse("reports:report_history", args=[rc.report_a.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == (200 if allowed else 404), url
    r = api.get(f"/api/v1/personal-reports/{rc.report_a.pk}/")
    assert r.status_code == (200 if allowed else 404)
    listed = api.get("/api/v1/personal-reports/").json()
    ids = {row["id"] for row in listed.get("results", [])}
    assert (rc.report_a.pk in ids) == allowed
    if allowed:
        assert "城东区人民路" in r.content.decode()
        # detail page, version page, API detail: 3 content views; export: 1
        assert _log_count(rc.report_a) == 3
        assert _log_count(rc.report_a, AccessLog.Action.EXPORT) == 1
        assert AccessLog.objects.filter(user=user, object_id=str(rc.report_a.pk)).count() == 4
    else:
        assert "城东区人民路" not in r.content.decode()
        assert _log_count(rc.report_a) == 0


def test_cadre_sees_only_own(client, api, submitted):
    rc = submitted
    client.force_login(rc.cadre_user)
    assert client.get(reverse("reports:report_detail", args=[rc.report_a2.pk])).status_code == 404
    api.force_authenticate(rc.cadre_user)
    ids = {row["id"] for row in api.get("/api/v1/personal-reports/").json()["results"]}
    assert ids == {rc.report_a.pk}
    page = client.get(reverse("reports:my_reports"))
    assert page.status_code == 200 and f"/reports/r/{rc.report_a.pk}/" in page.content.decode()
    assert f"/reports/r/{rc.report_a2.pk}/" not in page.content.decode()


def test_assigned_verifier_sees_only_the_assigned_report(client, api, submitted):
    rc = submitted
    draw = services.sample_draw_create(user=rc.staff_all, cycle=rc.cycle, seed="q", today=AFTER_DEADLINE)
    v = draw.verifications.select_related("report").get()
    services.verification_assign(user=rc.staff_all, verification=v, verifier=rc.verifier)
    client.force_login(rc.verifier)
    assert client.get(reverse("reports:report_detail", args=[v.report.pk])).status_code == 200
    other = rc.report_a2 if v.report.pk == rc.report_a.pk else rc.report_a
    assert client.get(reverse("reports:report_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("reports:verification_detail", args=[v.pk])).status_code == 200
    # the verifier cannot see who viewed it (staff only), nor edit it
    assert client.get(reverse("reports:report_access", args=[v.report.pk])).status_code == 404
    assert client.get(reverse("reports:report_edit", args=[v.report.pk])).status_code == 403


def test_staff_see_who_viewed(client, submitted):
    rc = submitted
    client.force_login(rc.cadre_user)
    client.get(reverse("reports:report_detail", args=[rc.report_a.pk]))
    client.force_login(rc.staff_a)
    client.get(reverse("reports:report_export", args=[rc.report_a.pk]))
    page = client.get(reverse("reports:report_access", args=[rc.report_a.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "zhangwei" in body and "staff_a" in body and "导出" in body
    client.force_login(rc.cadre_user)
    assert client.get(reverse("reports:report_access", args=[rc.report_a.pk])).status_code == 404


def test_anonymous(client, api, submitted):
    r = client.get(reverse("reports:report_detail", args=[submitted.report_a.pk]))
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert api.get("/api/v1/personal-reports/").status_code == 401
    assert api.get("/api/v1/stats/reports/").status_code == 401


@pytest.mark.parametrize("who", ["liaison_a", "interviewer", "stats", "discipline", "nobody"])
def test_non_staff_see_no_report_pages(client, submitted, who):
    client.force_login(getattr(submitted, who))
    for url in [
        reverse("reports:cycle_list"),
        reverse("reports:cycle_detail", args=[submitted.cycle.pk]),
        reverse("reports:sample_draw", args=[submitted.cycle.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        submitted.report_a.cadre.name not in client.get(reverse("reports:verification_list")).content.decode()
    )


def test_major_matter_confidential(client, api, rc):
    from django.utils import timezone

    today = timezone.localdate()
    m = services.major_matter_create(
        user=rc.staff_all,
        cadre=rc.cadre_a,
        kind="social_ties",
        title="三圈",
        occurred_on=today,
        reported_on=today,
        description="秘密内容",
        ties=[{"circle": "life", "person": "赵某", "relation": "邻居"}],
    )
    for who, code in [
        ("staff_a", 200),
        ("cadre_user", 200),
        ("staff_b", 404),
        ("liaison_a", 404),
        ("discipline", 404),
        ("stats", 404),
    ]:
        client.force_login(getattr(rc, who))
        assert client.get(reverse("reports:major_detail", args=[m.pk])).status_code == code, who
        api.force_authenticate(getattr(rc, who))
        assert api.get(f"/api/v1/major-matter-reports/{m.pk}/").status_code == code, who
    assert AccessLog.objects.filter(object_type="reports.majormatterreport", object_id=str(m.pk)).count() == 4


def test_list_export_logged(client, submitted):
    client.force_login(submitted.staff_all)
    r = client.get(reverse("reports:cycle_detail", args=[submitted.cycle.pk]) + "?export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        AccessLog.objects.filter(action=AccessLog.Action.EXPORT, object_type="reports.personalreport").count()
        == 1
    )


def test_out_of_scope_writes_refused(client, api, rc):
    api.force_authenticate(rc.staff_b)
    r = api.put(f"/api/v1/personal-reports/{rc.report_a.pk}/", {"answers": full_answers()}, format="json")
    assert r.status_code == 404
    from reports.models import ReportVersion

    assert not ReportVersion.objects.exists()
    submit(rc.staff_all, rc.report_a)
    v = open_check(rc.cadre_a)
    r = api.post(
        f"/api/v1/report-verifications/{v.pk}/publicity/",
        {"start_date": timezone.localdate().isoformat(), "location": "公示栏"},
        format="json",
    )
    # a verification outside the scope is answered as a nonexistent one
    assert r.status_code == 404
    from cadres.models import Publicity

    assert not Publicity.objects.exists()
