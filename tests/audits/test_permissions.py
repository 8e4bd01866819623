"""The role × scope grid over audits, findings, files (including the expiring share),
compliance pages and statistics — pages and API alike. Out of scope is 404 and absent."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audits import models as audits_models
from audits import services
from audits.choices import AuditStatus, RectState
from audits.models import AuditFileShare, AuditFileUserObjectPermission
from cadre_supervision.models import AccessLog

from .helpers import advance, make_finding

pytestmark = pytest.mark.django_db

# user attribute → can see audit_a (甲镇), can see audit_b (乙镇)
GRID = [
    ("admin", True, True),
    ("staff_all", True, True),
    ("staff_a", True, False),  # org staff over 甲镇 only (and team leader of audit_a)
    ("discipline", True, True),
    ("discipline_b", False, True),  # discipline over 乙镇 only
    ("auditor", True, False),  # audit team: only the audits they are members of
    ("liaison_a", False, False),
    ("stats", False, False),
    ("nobody", False, False),
]


@pytest.fixture
def files(ac):
    advance(ac.audit_a, ac.staff_all, AuditStatus.FIELDWORK)
    advance(ac.audit_b, ac.staff_all, AuditStatus.FIELDWORK)
    fa = services.audit_file_upload(
        user=ac.staff_all,
        audit=ac.audit_a,
        kind="report",
        title="甲镇联审报告",
        uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-a"),
    )
    fb = services.audit_file_upload(
        user=ac.staff_all,
        audit=ac.audit_b,
        kind="report",
        title="乙镇联审报告",
        uploaded_file=SimpleUploadedFile("b.pdf", b"%PDF-b"),
    )
    make_finding(ac.audit_a, ac.staff_all, description="甲镇问题")
    make_finding(ac.audit_b, ac.staff_all, description="乙镇问题")
    return fa, fb


@pytest.mark.parametrize("who,sees_a,sees_b", GRID)
def test_pages_grid(client, ac, files, who, sees_a, sees_b):
    user = getattr(ac, who)
    client.force_login(user)
    fa, fb = files
    for audit, file, sees in ((ac.audit_a, fa, sees_a), (ac.audit_b, fb, sees_b)):
        assert client.get(reverse("audits:audit_detail", args=[audit.pk])).status_code == (
            200 if sees else 404
        )
        finding = audit.findings.get()
        assert client.get(reverse("audits:finding_detail", args=[finding.pk])).status_code == (
            200 if sees else 404
        )
        before = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_FILE).count()
        r = client.get(reverse("audits:file_download", args=[file.pk]))
        assert r.status_code == (200 if sees else 404)
        after = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_FILE).count()
        assert after - before == (1 if sees else 0)
        if sees:
            assert b"".join(r.streaming_content).startswith(b"%PDF")
    listing = client.get(reverse("audits:audit_list")).content.decode()
    assert (ac.audit_a.title in listing) is sees_a
    assert (ac.audit_b.title in listing) is sees_b
    findings = client.get(reverse("audits:finding_list")).content.decode()
    assert ("甲镇问题" in findings) is sees_a and ("乙镇问题" in findings) is sees_b
    files_page = client.get(reverse("audits:file_list")).content.decode()
    assert ("甲镇联审报告" in files_page) is sees_a and ("乙镇联审报告" in files_page) is sees_b


@pytest.mark.parametrize("who,sees_a,sees_b", GRID)
def test_api_grid(api, ac, files, who, sees_a, sees_b):
    api.force_authenticate(getattr(ac, who))
    fa, fb = files
    ids = {r["id"] for r in api.get("/api/v1/audits/").json()["results"]}
    assert ids == {a.pk for a, s in ((ac.audit_a, sees_a), (ac.audit_b, sees_b)) if s}
    for audit, file, sees in ((ac.audit_a, fa, sees_a), (ac.audit_b, fb, sees_b)):
        assert api.get(f"/api/v1/audits/{audit.pk}/").status_code == (200 if sees else 404)
        assert api.get(f"/api/v1/audit-files/{file.pk}/download/").status_code == (200 if sees else 404)
        fid = audit.findings.get().pk
        assert api.get(f"/api/v1/audit-findings/{fid}/").status_code == (200 if sees else 404)
    fids = {r["audit"] for r in api.get("/api/v1/audit-findings/").json()["results"]}
    assert fids == ids
    assert {r["audit"] for r in api.get("/api/v1/audit-streams/").json()["results"]} == ids


def test_anonymous(client, api, ac, files):
    r = client.get(reverse("audits:audit_detail", args=[ac.audit_a.pk]))
    assert r.status_code == 302 and "/login/" in r["Location"]
    r = client.get(reverse("audits:file_download", args=[files[0].pk]))
    assert r.status_code == 302
    assert api.get("/api/v1/audits/").status_code == 401
    assert api.get("/api/v1/stats/audits/").status_code == 401
    assert client.get(reverse("integrity_file", args=[ac.cadre_a.pk])).status_code == 302


def test_writes_outside_scope_refused_nothing_saved(client, api, ac, files):
    # staff_a (甲镇) cannot move 乙镇's audit, add findings or upload there
    client.force_login(ac.staff_a)
    assert (
        client.post(
            reverse("audits:audit_transition", args=[ac.audit_b.pk]), {"status": "report", "on": "2024-06-01"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("audits:file_upload", args=[ac.audit_b.pk]),
            {"kind": "report", "file": SimpleUploadedFile("x.pdf", b"%PDF")},
        ).status_code
        == 404
    )
    api.force_authenticate(ac.staff_a)
    r = api.post(
        "/api/v1/audit-findings/",
        {
            "audit": ac.audit_b.pk,
            "stream": "money",
            "description": "x",
            "responsible_name": "y",
            "rectification_required": "z",
            "due_date": "2030-01-01",
        },
        format="json",
    )
    # an audit outside the scope is referred to as if it did not exist
    assert r.status_code == 400 and r.json()["audit"] and "不存在" in r.json()["audit"][0]
    r = api.post(
        "/api/v1/audits/", {"appointment": ac.appt_b.pk, "kind": "special", "year": 2025}, format="json"
    )
    assert r.status_code == 400 and "不存在" in r.json()["appointment"][0]
    # discipline officers read but do not write
    api.force_authenticate(ac.discipline)
    r = api.post(f"/api/v1/audits/{ac.audit_a.pk}/transition/", {"status": "report"}, format="json")
    assert r.status_code == 403
    ac.audit_b.refresh_from_db()
    assert ac.audit_b.status == AuditStatus.FIELDWORK and ac.audit_b.findings.count() == 1


def test_team_member_sees_and_works_only_on_own_audit(client, ac, files):
    client.force_login(ac.auditor)
    f = ac.audit_a.findings.get()
    r = client.post(reverse("audits:finding_rectify", args=[f.pk]), {"to_state": "in_progress", "note": ""})
    assert r.status_code == 302
    f.refresh_from_db()
    assert f.state == RectState.IN_PROGRESS
    # audit team role has no organization-level audit rights: compliance lists are closed
    assert client.get(reverse("audits:compliance_cycle")).status_code == 403


class Clock:
    """Stands in for django.utils.timezone inside audits.models only (sessions keep real time)."""

    def __init__(self, at):
        self.at = at

    def now(self):
        return self.at


def _share(ac, file, until):
    return services.audit_file_share(
        user=ac.staff_all, file=file, officer=ac.discipline_b, until=until, reason="案件核查"
    )


def test_expiring_share_ends_by_itself(client, api, ac, files, monkeypatch):
    fa, _fb = files
    today = timezone.localdate()
    share = _share(ac, fa, today + dt.timedelta(days=3))
    # the grant lives in guardian's direct-FK table, the expiry in the share row
    assert AuditFileUserObjectPermission.objects.filter(content_object=fa, user=ac.discipline_b).exists()
    assert ac.discipline_b.has_perm("audits.view_auditfile", fa)
    end = share.expires_at
    assert timezone.localtime(end).date() == today + dt.timedelta(days=4)  # through the whole last day
    client.force_login(ac.discipline_b)
    url = reverse("audits:file_download", args=[fa.pk])
    # still inside the share: the file (only that file) is reachable, the audit is not
    # The share check reads the clock at request time (audits.models uses timezone.now()).
    monkeypatch.setattr(audits_models, "timezone", Clock(end - dt.timedelta(microseconds=1)))
    assert client.get(url).status_code == 200
    assert client.get(reverse("audits:audit_detail", args=[ac.audit_a.pk])).status_code == 404
    assert "甲镇联审报告" in client.get(reverse("audits:file_list")).content.decode()
    api.force_authenticate(ac.discipline_b)
    assert api.get(f"/api/v1/audit-files/{fa.pk}/download/").status_code == 200
    # the moment it ends: gone, without anyone doing anything
    monkeypatch.setattr(audits_models, "timezone", Clock(end))
    assert client.get(url).status_code == 404
    assert api.get(f"/api/v1/audit-files/{fa.pk}/download/").status_code == 404
    assert "甲镇联审报告" not in client.get(reverse("audits:file_list")).content.decode()
    monkeypatch.setattr(audits_models, "timezone", Clock(end + dt.timedelta(seconds=1)))
    assert client.get(url).status_code == 404
    logs = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_FILE, username="discipline_b")
    assert logs.count() == 2
    # housekeeping removes the stale grant
    monkeypatch.undo()
    assert services.audit_shares_purge_expired(now=end + dt.timedelta(seconds=1)) == 1
    assert not AuditFileUserObjectPermission.objects.filter(content_object=fa).exists()


def test_share_rules_and_revoke(client, ac, files):
    fa, _ = files
    today = timezone.localdate()
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError, match="只能单独共享给纪检监察干部"):
        services.audit_file_share(
            user=ac.staff_all, file=fa, officer=ac.liaison_a, until=today + dt.timedelta(days=3)
        )
    with pytest.raises(ValidationError, match="必须晚于今天"):
        services.audit_file_share(
            user=ac.staff_all, file=fa, officer=ac.discipline_b, until=today - dt.timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="不能超过 90 天"):
        services.audit_file_share(
            user=ac.staff_all, file=fa, officer=ac.discipline_b, until=today + dt.timedelta(days=200)
        )
    with pytest.raises(PermissionDenied):
        services.audit_file_share(
            user=ac.discipline, file=fa, officer=ac.discipline_b, until=today + dt.timedelta(days=3)
        )
    assert not AuditFileShare.objects.exists()
    share = _share(ac, fa, today + dt.timedelta(days=3))
    client.force_login(ac.discipline_b)
    assert client.get(reverse("audits:file_download", args=[fa.pk])).status_code == 200
    services.audit_file_share_revoke(user=ac.staff_all, share=share)
    assert client.get(reverse("audits:file_download", args=[fa.pk])).status_code == 404
    assert AccessLog.objects.filter(action=AccessLog.Action.PERMISSION_CHANGE).count() == 2


def test_share_page(client, ac, files):
    fa, _ = files
    client.force_login(ac.staff_all)
    until = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    r = client.post(
        reverse("audits:file_share", args=[fa.pk]),
        {"officer": ac.discipline_b.pk, "until": until, "reason": "核查"},
    )
    assert r.status_code == 302
    assert AuditFileShare.objects.filter(file=fa, officer=ac.discipline_b).exists()
    client.force_login(ac.discipline)
    assert client.get(reverse("audits:file_share", args=[fa.pk])).status_code == 403


@pytest.mark.parametrize(
    "who,status",
    [
        ("staff_all", 200),
        ("staff_a", 200),
        ("discipline", 200),
        ("auditor", 403),
        ("liaison_a", 403),
        ("nobody", 403),
    ],
)
def test_compliance_pages_grid(client, ac, who, status):
    client.force_login(getattr(ac, who))
    assert client.get(reverse("audits:compliance_departures")).status_code == status
    assert client.get(reverse("audits:compliance_cycle")).status_code == status


@pytest.mark.parametrize(
    "who,status,total",
    [
        ("staff_all", 200, 2),
        ("staff_a", 200, 1),
        ("discipline_b", 200, 1),
        ("stats", 200, 2),
        ("auditor", 403, None),
        ("nobody", 403, None),
    ],
)
def test_stats_grid(api, ac, files, who, status, total):
    api.force_authenticate(getattr(ac, who))
    r = api.get("/api/v1/stats/audits/")
    assert r.status_code == status
    if total is not None:
        data = r.json()
        assert data["audits_total"] == total
        assert data["findings_total"] == total
        # aggregates only: no names
        assert "张伟" not in r.content.decode() and "李强" not in r.content.decode()
