"""What the app contributes to shared pages: reminders through the sweep, integrity-file
sections, warnings, the demo seeder."""

import datetime as dt
import io
import random

import pytest
from django.template.loader import render_to_string

from cadre_supervision import registry
from cadre_supervision.models import Notification
from cadre_supervision.notifications import run_sweep
from reports import services
from reports.integration import collect_warnings, reminder_specs
from reports.models import (
    MajorMatterReport,
    PersonalReport,
    ReportCycle,
    SampleDraw,
    Verification,
)

from .conftest import AFTER_DEADLINE, DEADLINE, LATE, YEAR, submit

pytestmark = pytest.mark.django_db


def _section(key):
    return next(s for s in registry.integrity_sections if s.key == key)


def test_registered():
    assert {"reports.reports", "reports.verifications"} <= {s.key for s in registry.integrity_sections}
    assert "reports.annual" in registry.sweep_sources
    assert {"reports.missing", "reports.late", "reports.inconsistent", "reports.concealment"} <= {
        s.key for s in registry.warning_sources
    }
    assert registry.stats_sections["reports"] == "reports-api:stats-reports"
    from cadre_supervision import policy

    assert (
        policy.get("reports.sample_share_percent") == 10 and policy.get("cadres.publicity_days.report") == 3
    )


def test_reminders_before_and_after_deadline(rc):
    submit(rc.staff_all, rc.report_b)
    due = reminder_specs(DEADLINE - dt.timedelta(days=5))
    late = reminder_specs(DEADLINE + dt.timedelta(days=1))
    assert {s.period for s in due} == {f"{YEAR}-due"} and {s.period for s in late} == {f"{YEAR}-late"}
    per_report = {(s.recipient_id, s.object_id) for s in late if s.object_type == "reports.personalreport"}
    # 甲镇's liaison for both unsubmitted 甲镇 reports; 张伟 himself; nobody for 乙镇's submitted one
    assert (rc.liaison_a.pk, str(rc.report_a.pk)) in per_report
    assert (rc.liaison_a.pk, str(rc.report_a2.pk)) in per_report
    assert (rc.cadre_user.pk, str(rc.report_a.pk)) in per_report
    assert not any(o == str(rc.report_b.pk) for _u, o in per_report)
    staff = {s.recipient_id: s for s in late if s.object_type == "reports.reportcycle"}
    assert set(staff) == {rc.staff_all.pk, rc.staff_a.pk}  # managers over 甲镇; not staff_b, not stats
    assert "2 人" in staff[rc.staff_all.pk].title
    assert rc.interviewer.pk not in {s.recipient_id for s in late}
    assert not reminder_specs(DEADLINE - dt.timedelta(days=60))
    # contents never in a reminder
    assert not any("人民路" in s.title + s.body for s in late)


def test_sweep_is_idempotent(rc):
    first = run_sweep(DEADLINE + dt.timedelta(days=2), deliver=False)
    count = Notification.objects.filter(kind="reports.annual").count()
    run_sweep(DEADLINE + dt.timedelta(days=3), deliver=False)
    assert count > 0 and Notification.objects.filter(kind="reports.annual").count() == count
    assert first.by_source["reports.annual"]["created"] == count


def _omission(rc):
    submit(rc.staff_all, rc.report_a)
    v = services.sample_draw_create(
        user=rc.staff_all, cycle=rc.cycle, seed="i", today=AFTER_DEADLINE
    ).verifications.get()
    return services.verification_record(
        user=rc.staff_all,
        verification=v,
        item_outcomes={
            "P4": {"outcome": "omission", "evidence_source": "securities", "note": "漏报基金 12.5 万元"}
        },
        evidence_sources=["securities"],
        handling="education",
        handling_note="批评教育并责令补报",
    )


def test_integrity_sections_render(rc):
    _omission(rc)
    reports = _section("reports.reports")
    verifs = _section("reports.verifications")
    # discipline officer: statuses and outcomes, but no link to contents and no amounts
    html = render_to_string(reports.template, reports.build(rc.cadre_a, rc.discipline))
    assert "已提交" in html or "按时提交" in html
    assert "/reports/r/" not in html
    html = render_to_string(verifs.template, verifs.build(rc.cadre_a, rc.discipline))
    assert "漏报" in html and "批评教育" in html and "12.5" not in html
    # staff: with the link to contents
    html = render_to_string(reports.template, reports.build(rc.cadre_a, rc.staff_all))
    assert f"/reports/r/{rc.report_a.pk}/" in html
    # out of scope / no role: nothing
    for user in (rc.staff_b, rc.liaison_a, rc.stats, rc.interviewer):
        assert reports.build(rc.cadre_a, user)["allowed"] is False
        assert verifs.build(rc.cadre_a, user)["rows"] == []
    header, rows = verifs.export(rc.cadre_a, rc.discipline)
    assert "结果" in header and rows[0][3] == "漏报"


def test_warnings(rc):
    _omission(rc)
    submit(rc.staff_all, rc.report_b, now=LATE)
    warnings = collect_warnings(rc.staff_all, None, today=AFTER_DEADLINE)
    kinds = {(w.cadre_id, w.kind) for w in warnings}
    assert (rc.cadre_a2.pk, "reports.missing") in kinds
    assert (rc.cadre_b.pk, "reports.late") in kinds
    assert (rc.cadre_a.pk, "reports.inconsistent") in kinds
    assert {w.cadre_id for w in collect_warnings(rc.staff_b, None, today=AFTER_DEADLINE)} == {rc.cadre_b.pk}
    assert collect_warnings(rc.liaison_a, None, today=AFTER_DEADLINE) == []
    assert {w.cadre_id for w in collect_warnings(rc.discipline, [rc.cadre_a.pk], today=AFTER_DEADLINE)} == {
        rc.cadre_a.pk
    }


def test_demo_seeder_on_a_small_city(city):
    """The seeder runs over whatever city exists and produces every state the demo needs."""
    from tests.factories import AppointmentFactory, CadreFactory, PostFactory, make_user

    make_user("zuzhibu", "org_staff", [city.root])
    for i in range(30):
        c = CadreFactory(organization=city.town_a if i % 2 else city.organ)
        if i < 6:
            AppointmentFactory(
                cadre=c,
                post=PostFactory(organization=c.organization, title=f"正职{i}", top_leader_kind="party"),
                start_date=dt.date(2018, 1, 1),
            )
    out = io.StringIO()
    from reports.demo import seed

    today = dt.date.today()
    seed(today=today, rng=random.Random(7), stdout=out)
    last = ReportCycle.objects.get(year=today.year - 1)
    statuses = {r.display_status(today) for r in PersonalReport.objects.filter(cycle=last)}
    assert {"submitted", "submitted_late", "overdue"} <= statuses, statuses
    draw = SampleDraw.objects.get(cycle=last)
    outcomes = set(Verification.objects.filter(draw=draw, status="done").values_list("outcome", flat=True))
    assert outcomes == {"consistent", "omission", "concealment"}
    assert not Verification.objects.filter(kind="targeted").exists()  # opened by selections only
    assert MajorMatterReport.objects.filter(kind="social_ties", ties__isnull=False).exists()
    assert "随机抽查" in out.getvalue()
    seed(today=today, rng=random.Random(7), stdout=out)  # second run: skipped, nothing doubled
    assert ReportCycle.objects.count() == 2


def _integrity_urlconf():
    from django.http import HttpResponse
    from django.urls import include, path

    from cadre_supervision import urls as project_urls

    def page(request, pk):
        from cadres.models import Cadre

        cadre = Cadre.objects.get(pk=pk)
        html = "".join(
            render_to_string(s.template, s.build(cadre, request.user)) for s in registry.integrity_sections
        )
        return HttpResponse(html)

    return [
        path("integrity/<int:pk>/", page, name="integrity_file"),
        path("", include(project_urls.urlpatterns)),
    ]


def test_integrity_page_composition_and_warning_links(client, rc, settings):
    import sys
    import types

    mod = types.ModuleType("reports_test_integrity_urls")
    mod.urlpatterns = _integrity_urlconf()
    sys.modules[mod.__name__] = mod
    settings.ROOT_URLCONF = mod.__name__
    _omission(rc)
    client.force_login(rc.discipline)
    body = client.get(f"/integrity/{rc.cadre_a.pk}/").content.decode()
    assert 'id="integrity-verifications"' in body and "漏报" in body and "人民路" not in body
    warnings = collect_warnings(rc.discipline, [rc.cadre_a.pk], today=AFTER_DEADLINE)
    assert warnings and all(w.url == f"/integrity/{rc.cadre_a.pk}/" for w in warnings)
