"""API and page workflows end to end, plus query-count ceilings at 10 and 100 rows."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits.choices import AuditStatus, RectState, Stream
from audits.models import Audit, AuditFile, AuditStream, Finding
from cadre_supervision.models import AccessLog

from .helpers import D, advance, make_finding

pytestmark = pytest.mark.django_db


def test_api_full_workflow(api, ac):
    api.force_authenticate(ac.staff_all)
    r = api.post(
        "/api/v1/audits/",
        {
            "appointment": ac.appt_a.pk,
            "kind": "special",
            "year": 2025,
            "period_start": "2020-01-01",
            "period_end": "2024-12-31",
            "planned_date": "2025-01-01",
            "members": [{"user": ac.auditor.pk, "role": "leader", "stream": "money"}],
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    audit_id = r.json()["id"]
    assert {s["stream"] for s in r.json()["streams"]} == {"people", "staffing", "money"}
    assert r.json()["members"][0]["name"] == "auditor"
    # status jump refused with a Chinese message, nothing saved
    r = api.post(f"/api/v1/audits/{audit_id}/transition/", {"status": "report"}, format="json")
    assert r.status_code == 400 and "只能按顺序推进" in r.json()["status"][0]
    for st, day in (("notified", "2025-01-02"), ("fieldwork", "2025-01-03")):
        r = api.post(f"/api/v1/audits/{audit_id}/transition/", {"status": st, "date": day}, format="json")
        assert r.status_code == 200 and r.json()["status"] == st
    # period outside the appointment
    r = api.patch(f"/api/v1/audits/{audit_id}/", {"period_start": "2010-01-01"}, format="json")
    assert r.status_code == 400 and "不能早于该任职的开始日期" in r.json()["period_start"][0]
    r = api.post(
        "/api/v1/audit-findings/",
        {
            "audit": audit_id,
            "stream": "money",
            "description": "超标准接待",
            "severity": "serious",
            "responsible_name": "办公室主任",
            "rectification_required": "清退",
            "due_date": "2025-06-30",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    fid = r.json()["id"]
    assert r.json()["overdue"] is True and r.json()["state"] == "open"
    r = api.post(f"/api/v1/audit-findings/{fid}/rectify/", {"to_state": "verified"}, format="json")
    assert r.status_code == 400 and "只能变更为" in r.json()["to_state"][0]
    api.post(f"/api/v1/audit-findings/{fid}/rectify/", {"to_state": "in_progress"}, format="json")
    api.post(
        f"/api/v1/audit-findings/{fid}/rectify/", {"to_state": "submitted", "note": "已清退"}, format="json"
    )
    r = api.post(f"/api/v1/audit-findings/{fid}/rectify/", {"to_state": "verified"}, format="json")
    assert r.status_code == 400 and "只有本联审组" in r.json()["to_state"][0]  # staff_all is not on the team
    api.force_authenticate(ac.auditor)
    r = api.post(
        f"/api/v1/audit-findings/{fid}/rectify/", {"to_state": "verified", "note": "销号"}, format="json"
    )
    assert (
        r.status_code == 200 and r.json()["state"] == "verified" and r.json()["verified_by"] == ac.auditor.pk
    )
    steps = api.get(f"/api/v1/audit-rectification-steps/?finding={fid}").json()["results"]
    assert [s["to_state"] for s in sorted(steps, key=lambda s: s["id"])] == [
        "in_progress",
        "submitted",
        "verified",
    ]
    # files: upload (team member), forbidden type refused, download logged
    r = api.post(
        "/api/v1/audit-files/",
        {"audit": audit_id, "kind": "evidence", "file": SimpleUploadedFile("证据.exe", b"MZ")},
        format="multipart",
    )
    assert r.status_code == 400 and "不允许上传 .exe" in r.json()["file"][0]
    r = api.post(
        "/api/v1/audit-files/",
        {"audit": audit_id, "kind": "report", "file": SimpleUploadedFile("报告.pdf", b"%PDF-1")},
        format="multipart",
    )
    assert r.status_code == 201
    r = api.get(r.json()["download_url"])
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1"
    assert AccessLog.objects.filter(action="download_file", username="auditor").count() == 1
    # history
    assert len(api.get(f"/api/v1/audits/{audit_id}/history/").json()) >= 3
    assert api.get(f"/api/v1/audit-findings/{fid}/history/").status_code == 200
    # filters shared with the pages
    api.force_authenticate(ac.staff_all)
    assert [a["id"] for a in api.get("/api/v1/audits/?kind=special").json()["results"]] == [audit_id]
    assert api.get("/api/v1/audits/?status=closed").json()["results"] == []
    assert [
        f["id"] for f in api.get("/api/v1/audit-findings/?state=verified&stream=money").json()["results"]
    ] == [fid]


def test_finding_on_closed_audit_via_api(api, ac):
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.RECTIFICATION)
    api.force_authenticate(ac.staff_all)
    for s in audit.streams.all():
        api.patch(
            f"/api/v1/audit-streams/{s.pk}/", {"conclusion": "good", "conclusion_text": "好"}, format="json"
        )
    api.patch(f"/api/v1/audits/{audit.pk}/", {"overall_conclusion": "good"}, format="json")
    r = api.post(f"/api/v1/audits/{audit.pk}/transition/", {"status": "closed"}, format="json")
    assert r.status_code == 200, r.content
    r = api.post(
        "/api/v1/audit-findings/",
        {
            "audit": audit.pk,
            "stream": "money",
            "description": "x",
            "responsible_name": "y",
            "rectification_required": "z",
            "due_date": "2030-01-01",
        },
        format="json",
    )
    assert r.status_code == 400 and "已办结" in r.json()["non_field_errors"][0]
    assert not Finding.objects.filter(audit=audit).exists()


def test_stats_numbers(api, ac):
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.FIELDWORK)
    make_finding(audit, ac.staff_all, due=D(2024, 6, 1))
    make_finding(audit, ac.staff_all, stream=Stream.PEOPLE, severity="grave")
    api.force_authenticate(ac.staff_all)
    data = api.get("/api/v1/stats/audits/").json()
    assert data["audits_total"] == 2
    assert data["audits_by_year"] == [{"year": 2024, "mid_term": 2, "departure": 0, "special": 0}]
    assert (
        data["findings_by_stream"]["money"]["minor"] == 1
        and data["findings_by_stream"]["people"]["grave"] == 1
    )
    assert data["rectification_overdue"] == 1 and data["rectification_rate"] == 0
    # 张伟 audited (fieldwork 2024) → within cycle; 李强 never audited since 2016 → not
    assert data["top_leaders_in_office"] == 2 and data["top_leaders_within_cycle"] == 1


def test_pages_workflow(client, ac):
    client.force_login(ac.staff_all)
    r = client.get(reverse("audits:audit_create") + f"?appointment={ac.appt_a.pk}&kind=special")
    assert r.status_code == 200 and "新建三责联审项目" in r.content.decode()
    r = client.post(
        reverse("audits:audit_create"),
        {
            "appointment": ac.appt_a.pk,
            "kind": "special",
            "year": 2025,
            "period_start": "2010-01-01",
            "period_end": "2024-01-01",
        },
    )
    assert r.status_code == 200 and "不能早于该任职的开始日期" in r.content.decode()
    r = client.post(
        reverse("audits:audit_create"), {"appointment": ac.appt_a.pk, "kind": "special", "year": 2025}
    )
    assert r.status_code == 302
    audit = Audit.objects.get(kind="special")
    detail = client.get(audit.get_absolute_url()).content.decode()
    assert "推进到“已下达通知”" in detail and "用人" in detail and "加入联审组" in detail
    r = client.post(
        reverse("audits:audit_transition", args=[audit.pk]),
        {"status": "fieldwork", "on": "2025-01-01"},
        follow=True,
    )
    assert "只能按顺序推进" in r.content.decode()
    for st in ("notified", "fieldwork"):
        client.post(
            reverse("audits:audit_transition", args=[audit.pk]),
            {"status": st, "on": dt.date.today().isoformat()},
        )
    audit.refresh_from_db()
    assert audit.status == AuditStatus.FIELDWORK
    r = client.post(
        reverse("audits:member_add", args=[audit.pk]),
        {"member_user": ac.auditor.pk, "role": "member", "stream": audit.streams.get(stream="money").pk},
    )
    assert audit.members.filter(user=ac.auditor).exists()
    money = audit.streams.get(stream="money")
    r = client.post(
        reverse("audits:finding_create", args=[audit.pk]),
        {
            "stream": money.pk,
            "description": "违规发放津补贴",
            "severity": "serious",
            "responsible_name": "财务科长",
            "rectification_required": "全部清退",
            "due_date": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert r.status_code == 302, r.content.decode()
    f = Finding.objects.get(audit=audit)
    page = client.get(f.get_absolute_url()).content.decode()
    assert "违规发放津补贴" in page and "整改中" in page  # the only move offered to a non-team manager
    client.post(reverse("audits:finding_rectify", args=[f.pk]), {"to_state": "in_progress"})
    r = client.post(
        reverse("audits:finding_rectify", args=[f.pk]), {"to_state": "submitted", "note": ""}, follow=True
    )
    assert "请说明整改措施" in r.content.decode()
    r = client.post(
        reverse("audits:file_upload", args=[audit.pk]),
        {"kind": "working_paper", "title": "底稿", "file": SimpleUploadedFile("底稿.bat", b"echo")},
        follow=True,
    )
    assert "不允许上传 .bat" in r.content.decode() and not AuditFile.objects.exists()
    client.post(
        reverse("audits:file_upload", args=[audit.pk]),
        {"kind": "working_paper", "title": "底稿", "file": SimpleUploadedFile("底稿.txt", "内容".encode())},
    )
    assert AuditFile.objects.get().title == "底稿"
    stream = audit.streams.get(stream="people")
    r = client.post(
        reverse("audits:stream_edit", args=[stream.pk]),
        {"lead_agency": "org_dept", "conclusion": "good", "conclusion_text": "规范"},
    )
    assert r.status_code == 302
    assert client.get(reverse("audits:audit_history", args=[audit.pk])).status_code == 200
    assert client.get(reverse("audits:finding_history", args=[f.pk])).status_code == 200
    r = client.get(reverse("audits:audit_list") + "?export=xlsx")
    assert r.status_code == 200 and AccessLog.objects.filter(action="export").exists()
    assert client.get(reverse("audits:finding_list") + "?export=xlsx").status_code == 200


def _bulk(ac, n):
    """n audits (each with streams and a finding) spread over both townships, created in bulk."""
    audits = Audit.objects.bulk_create(
        [
            Audit(
                title=f"批量联审{i}",
                kind="mid_term",
                year=2024,
                cadre=appt.cadre,
                appointment=appt,
                organization=appt.post.organization,
                period_start=appt.start_date,
                period_end=D(2023, 12, 31),
                status=AuditStatus.FIELDWORK,
                planned_date=D(2024, 1, 1),
                notified_date=D(2024, 1, 2),
                fieldwork_date=D(2024, 1, 3),
            )
            for i in range(n)
            for appt in [(ac.appt_a, ac.appt_b)[i % 2]]
        ]
    )
    streams = AuditStream.objects.bulk_create(
        [
            AuditStream(audit=a, stream=s, lead_agency="audit_bureau")
            for a in audits
            for s in ("people", "staffing", "money")
        ]
    )
    Finding.objects.bulk_create(
        [
            Finding(
                audit=s.audit,
                stream=s,
                description="问题",
                responsible_name="某",
                rectification_required="改",
                due_date=D(2024, 6, 1),
            )
            for s in streams
            if s.stream == "money"
        ]
    )
    from django.core.files.base import ContentFile

    for a in audits[:n]:
        f = AuditFile(audit=a, kind="report", title="报告", original_name="r.pdf", size=4, sha256="0" * 64)
        f.file.save("r.pdf", ContentFile(b"%PDF"), save=False)
        f.save()


@pytest.mark.parametrize("n", [10, 100])
def test_query_ceilings(client, api, ac, n, django_assert_max_num_queries):
    _bulk(ac, n)
    for user in (ac.staff_all, ac.auditor):
        client.force_login(user)
        for name in ("audits:audit_list", "audits:finding_list", "audits:file_list"):
            # constant in n: session, user, scope (guardian), navigation, filter choices, count, page
            with django_assert_max_num_queries(20):
                assert client.get(reverse(name)).status_code == 200
        api.force_authenticate(user)
        for url in (
            "/api/v1/audits/",
            "/api/v1/audit-findings/",
            "/api/v1/audit-files/",
            "/api/v1/audit-streams/",
            "/api/v1/audit-rectification-steps/",
        ):
            with django_assert_max_num_queries(10):
                assert api.get(url).status_code == 200
    api.force_authenticate(ac.staff_all)
    with django_assert_max_num_queries(20):
        assert api.get("/api/v1/stats/audits/").status_code == 200
    client.force_login(ac.discipline)
    # The integrity file composes every app's registered sections: a few queries each, constant in n.
    # (77 with the board's signals, the timeline and the sections of petitions, evaluations, selection)
    with django_assert_max_num_queries(85):
        assert client.get(reverse("integrity_file", args=[ac.cadre_a.pk])).status_code == 200
    # constant in n; includes the navigation's role checks of every app
    with django_assert_max_num_queries(20):
        assert client.get(reverse("audits:compliance_cycle")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("audits:compliance_departures")).status_code == 200
    assert RectState.OPEN == Finding.objects.first().state


def test_form_pages_render(client, ac):
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.FIELDWORK)
    f = make_finding(audit, ac.staff_all)
    file = AuditFile.objects.create(
        audit=audit,
        kind="report",
        title="t",
        original_name="t.pdf",
        size=1,
        sha256="0" * 64,
        file="audits/x.pdf",
    )
    client.force_login(ac.staff_all)
    for url in (
        reverse("audits:audit_edit", args=[audit.pk]),
        reverse("audits:stream_edit", args=[audit.streams.first().pk]),
        reverse("audits:finding_create", args=[audit.pk]),
        reverse("audits:finding_edit", args=[f.pk]),
        reverse("audits:file_share", args=[file.pk]),
        reverse("audits:plan"),
        reverse("integrity_index"),
        reverse("audits:audit_list")
        + "?year=2024&kind=mid_term&status=fieldwork&stream=money&has_overdue=false",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
    # out of scope edit pages are 404
    client.force_login(ac.staff_a)
    assert client.get(reverse("audits:audit_edit", args=[ac.audit_b.pk])).status_code == 404
    assert client.get(reverse("audits:stream_edit", args=[ac.audit_b.streams.first().pk])).status_code == 404
