"""Resource table of the audits app (and the pages it feeds): every page and endpoint,
checked by tests/kit. In scope: staff_a (org staff of 甲镇, team leader of audit_a);
out of scope: 乙镇's audit_b, its findings, files and shares."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audits import services
from audits.choices import MemberRole, RectState, Stream
from audits.models import (
    Audit,
    AuditFile,
    AuditFileShare,
    AuditMember,
    AuditStream,
    Finding,
    RectificationStep,
)
from tests.audits.helpers import ac
from tests.audits.test_api_pages import _bulk
from tests.audits.test_permissions import files
from tests.conftest import city
from tests.kit.grid import grid_tests
from tests.kit.resources import ApiResource as A
from tests.kit.resources import PageResource as P
from tests.kit.world import grown_fixture, world_fixture


def _extra(w):
    w.file_a, w.file_b = files._get_wrapped_function()(w)
    w.finding_a = Finding.objects.get(description="甲镇问题")
    w.finding_b = Finding.objects.get(description="乙镇问题")
    w.stream_a = w.audit_a.streams.get(stream=Stream.MONEY)
    w.stream_b = w.audit_b.streams.get(stream=Stream.MONEY)
    w.member_a = AuditMember.objects.get(audit=w.audit_a, user=w.auditor)
    w.member_b = services.audit_member_add(
        user=w.staff_all, audit=w.audit_b, member_user=w.discipline_b, role=MemberRole.OBSERVER
    )
    for f in (w.finding_a, w.finding_b):
        services.finding_transition(
            user=w.staff_all, finding=f, to_state=RectState.IN_PROGRESS, note="开始整改"
        )
    w.step_a = RectificationStep.objects.get(finding=w.finding_a)
    w.step_b = RectificationStep.objects.get(finding=w.finding_b)
    until = timezone.localdate() + dt.timedelta(days=7)
    w.share_a = services.audit_file_share(
        user=w.staff_all, file=w.file_a, officer=w.discipline_b, until=until
    )
    w.share_b = services.audit_file_share(
        user=w.staff_all, file=w.file_b, officer=w.discipline_b, until=until
    )
    return w


world = world_fixture(city, ac, extra=_extra)
grown = grown_fixture(_bulk)  # n audits with streams, a finding and a file, over both townships

WATCH = (Audit, AuditStream, AuditMember, Finding, RectificationStep, AuditFile, AuditFileShare)


def finding_form(w, **over):
    return {
        "stream": "money",
        "description": "超标准接待",
        "severity": "serious",
        "responsible_name": "办公室主任",
        "rectification_required": "清退",
        "due_date": "2030-06-30",
        **over,
    }


def audit_edit(w, audit, **over):
    return {
        "title": "改名",
        "year": 2024,
        "period_start": audit.period_start.isoformat(),
        "period_end": audit.period_end.isoformat(),
        **over,
    }


def upload(w):
    return {"kind": "report", "title": "补充材料", "file": SimpleUploadedFile("c.pdf", b"%PDF-c")}


def latest(model):
    return lambda w: model.objects.latest("pk")


PAGES = [
    P(
        "audits:audit_list",
        shown=lambda w: "甲镇",
        hidden=lambda w: "乙镇",
        export=True,
        ceiling=20,
        ceiling_user="staff_all",
    ),
    P(
        "audits:audit_create",
        refuse=lambda w: {"appointment": w.appt_b.pk, "kind": "special", "year": 2025},
        watch=WATCH,
        accept=lambda w: {"appointment": w.appt_a.pk, "kind": "special", "year": 2025},
        history=latest(Audit),
    ),
    P("audits:plan", hidden=lambda w: "李强"),
    P("audits:compliance_departures", hidden=lambda w: "乙镇"),
    P("audits:compliance_cycle", hidden=lambda w: "乙镇"),
    P("audits:audit_detail", inside=lambda w: w.audit_a, outside=lambda w: w.audit_b),
    P(
        "audits:audit_edit",
        inside=lambda w: w.audit_a,
        outside=lambda w: w.audit_b,
        refuse=lambda w: audit_edit(w, w.audit_b),
        watch=WATCH,
        accept=lambda w: audit_edit(w, w.audit_a),
        history=lambda w: w.audit_a,
    ),
    P(
        "audits:audit_transition",
        method="post",
        inside=lambda w: w.audit_a,
        outside=lambda w: w.audit_b,
        refuse=lambda w: {"status": "report", "on": "2024-06-01"},
        watch=WATCH,
    ),
    P(
        "audits:audit_delete",
        method="post",
        inside=lambda w: w.audit_a,
        outside=lambda w: w.audit_b,
        refuse=lambda w: {},
        watch=WATCH,
    ),
    P("audits:audit_history", inside=lambda w: w.audit_a, outside=lambda w: w.audit_b),
    P(
        "audits:member_add",
        method="post",
        inside=lambda w: w.audit_a,
        outside=lambda w: w.audit_b,
        refuse=lambda w: {"member_user": w.auditor.pk, "role": "member", "stream": "money"},
        watch=WATCH,
    ),
    P(
        "audits:member_remove",
        method="post",
        inside=lambda w: w.member_a,
        outside=lambda w: w.member_b,
        refuse=lambda w: {},
        watch=WATCH,
    ),
    P(
        "audits:stream_edit",
        inside=lambda w: w.stream_a,
        outside=lambda w: w.stream_b,
        refuse=lambda w: {"lead_agency": "audit_bureau", "conclusion": "", "summary": "改"},
        watch=WATCH,
    ),
    P(
        "audits:finding_create",
        inside=lambda w: w.audit_a,
        outside=lambda w: w.audit_b,
        refuse=finding_form,
        watch=WATCH,
        accept=lambda w: finding_form(w, stream=w.stream_a.pk),  # the page picks a stream by id
        history=latest(Finding),
    ),
    P(
        "audits:file_upload",
        method="post",
        inside=lambda w: w.audit_a,
        outside=lambda w: w.audit_b,
        refuse=upload,
        watch=WATCH,
    ),
    P(
        "audits:finding_list",
        shown=lambda w: "甲镇问题",
        hidden=lambda w: "乙镇问题",
        export=True,
        ceiling=20,
        ceiling_user="staff_all",
    ),
    P("audits:finding_detail", inside=lambda w: w.finding_a, outside=lambda w: w.finding_b),
    P(
        "audits:finding_edit",
        inside=lambda w: w.finding_a,
        outside=lambda w: w.finding_b,
        refuse=finding_form,
        watch=WATCH,
    ),
    P(
        "audits:finding_rectify",
        method="post",
        inside=lambda w: w.finding_a,
        outside=lambda w: w.finding_b,
        refuse=lambda w: {"to_state": "submitted", "note": "已整改"},
        watch=WATCH,
    ),
    P("audits:finding_history", inside=lambda w: w.finding_a, outside=lambda w: w.finding_b),
    P(
        "audits:file_list",
        shown=lambda w: "甲镇联审报告",
        hidden=lambda w: "乙镇联审报告",
        ceiling=20,
        ceiling_user="staff_all",
    ),
    P("audits:file_download", inside=lambda w: w.file_a, outside=lambda w: w.file_b),
    P(
        "audits:file_share",
        inside=lambda w: w.file_a,
        outside=lambda w: w.file_b,
        refuse=lambda w: {"officer": w.discipline_b.pk, "until": "2099-01-01", "reason": "核查"},
        watch=WATCH,
    ),
    P(
        "audits:share_revoke",
        method="post",
        inside=lambda w: w.share_a,
        outside=lambda w: w.share_b,
        refuse=lambda w: {},
        watch=WATCH,
    ),
]

APIS = [
    A("audits-api:stats-audits", user="staff_all", ceiling=15),
    A(
        "audits-api:audit-list",
        shown=lambda w: w.audit_a,
        hidden=lambda w: w.audit_b,
        ceiling=12,
        ceiling_user="staff_all",
        params={"page_size": 200},
    ),
    A(
        "audits-api:audit-list",
        method="post",
        refuse_status=400,  # an out-of-scope related id: the same 400 as a nonexistent one
        refuse=lambda w: {
            "appointment": w.appt_b.pk,
            "kind": "special",
            "year": 2025,
            "period_start": "2020-01-01",
            "period_end": "2024-12-31",
        },
        watch=WATCH,
        accept=lambda w: {
            "appointment": w.appt_a.pk,
            "kind": "special",
            "year": 2025,
            "period_start": "2020-01-01",
            "period_end": "2024-12-31",
        },
        history=latest(Audit),
    ),
    A("audits-api:audit-detail", inside=lambda w: w.audit_a, outside=lambda w: w.audit_b),
    A(
        "audits-api:audit-detail",
        method="patch",
        inside=lambda w: w.audit_a,
        outside=lambda w: w.audit_b,
        accept=lambda w: {"notes": "补充"},
        watch=WATCH,
        history=lambda w: w.audit_a,
    ),
    A("audits-api:audit-history", inside=lambda w: w.audit_a, outside=lambda w: w.audit_b),
    A(
        "audits-api:audit-members",
        method="post",
        inside=lambda w: w.audit_a,
        outside=lambda w: w.audit_b,
        accept=lambda w: {"user": w.discipline_b.pk, "role": "observer"},
        watch=WATCH,
    ),
    A(
        "audits-api:audit-transition",
        method="post",
        inside=lambda w: w.audit_a,
        outside=lambda w: w.audit_b,
        accept=lambda w: {"status": "report", "date": "2024-06-01"},
        watch=WATCH,
        history=lambda w: w.audit_a,
    ),
    A(
        "audits-api:audit-stream-list",
        shown=lambda w: w.stream_a,
        hidden=lambda w: w.stream_b,
        params={"page_size": 200},
    ),
    A("audits-api:audit-stream-detail", inside=lambda w: w.stream_a, outside=lambda w: w.stream_b),
    A("audits-api:audit-stream-history", inside=lambda w: w.stream_a, outside=lambda w: w.stream_b),
    A(
        "audits-api:audit-stream-detail",
        method="patch",
        inside=lambda w: w.stream_a,
        outside=lambda w: w.stream_b,
        accept=lambda w: {"summary": "事项小结"},
        watch=WATCH,
    ),
    A(
        "audits-api:audit-finding-list",
        shown=lambda w: w.finding_a,
        hidden=lambda w: w.finding_b,
        ceiling=12,
        ceiling_user="staff_all",
        params={"page_size": 200},
    ),
    A(
        "audits-api:audit-finding-list",
        method="post",
        refuse_status=400,  # an out-of-scope related id: the same 400 as a nonexistent one
        refuse=lambda w: {**finding_form(w), "audit": w.audit_b.pk},
        watch=WATCH,
        accept=lambda w: {**finding_form(w), "audit": w.audit_a.pk},
        history=latest(Finding),
    ),
    A("audits-api:audit-finding-detail", inside=lambda w: w.finding_a, outside=lambda w: w.finding_b),
    A(
        "audits-api:audit-finding-detail",
        method="patch",
        inside=lambda w: w.finding_a,
        outside=lambda w: w.finding_b,
        accept=lambda w: {"responsible_name": "副镇长"},
        watch=WATCH,
        history=lambda w: w.finding_a,
    ),
    A("audits-api:audit-finding-history", inside=lambda w: w.finding_a, outside=lambda w: w.finding_b),
    A(
        "audits-api:audit-finding-rectify",
        method="post",
        inside=lambda w: w.finding_a,
        outside=lambda w: w.finding_b,
        accept=lambda w: {"to_state": "submitted", "note": "已整改"},
        watch=WATCH,
        history=lambda w: w.finding_a,
    ),
    A("audits-api:audit-rectification-step-list", shown=lambda w: w.step_a, hidden=lambda w: w.step_b),
    A("audits-api:audit-rectification-step-detail", inside=lambda w: w.step_a, outside=lambda w: w.step_b),
    A("audits-api:audit-rectification-step-history", inside=lambda w: w.step_a, outside=lambda w: w.step_b),
    A(
        "audits-api:audit-file-list",
        shown=lambda w: w.file_a,
        hidden=lambda w: w.file_b,
        ceiling=12,
        ceiling_user="staff_all",
        params={"page_size": 200},
    ),
    A("audits-api:audit-file-detail", inside=lambda w: w.file_a, outside=lambda w: w.file_b),
    A("audits-api:audit-file-history", inside=lambda w: w.file_a, outside=lambda w: w.file_b),
    A("audits-api:audit-file-download", inside=lambda w: w.file_a, outside=lambda w: w.file_b),
    A(
        "audits-api:audit-file-share",
        method="post",
        user="staff_all",
        inside=lambda w: w.file_a,
        refuse_url=lambda w: w.file_a,
        refuse=lambda w: {"officer": w.nobody.pk, "until": "2099-01-01"},
        watch=WATCH,
    ),
]

(
    test_anonymous,
    test_in_scope,
    test_out_of_scope,
    test_refused,
    test_accepted,
    test_ceiling,
    test_malformed_id,
) = grid_tests(PAGES + APIS)
