"""A small world for the workbench tests: the shared city plus one item of every to-do and
calendar kind, each within one unit, so that in-scope and out-of-scope are both visible."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from tests.factories import AppointmentFactory, CadreFactory, PostFactory, make_user


def build(city, *, n_findings: int = 1):
    """Adds to `city` (returns it):
    - sup_a: a supervisor (principal interviewer of 甲镇) with talks overdue / this week / later;
    - auditor: an audit-team member of the audit of 甲镇's secretary; findings overdue and due;
    - discipline: a file of that audit shared with them, expiring in 2 days;
    - head_user: 甲镇 镇长 with a linked account (unit head) and a pending leave request;
    - wangfang: 王芳's own account (a responsible cadre of one finding, an own report to file);
    - a report cycle of this year closing in 10 days; a verification assigned to `verifier`.
    """
    from audits import services as audit_services
    from audits.choices import AuditKind, MemberRole, Stream
    from audits.models import AuditFile, AuditFileShare
    from interviews import services as interview_services
    from interviews.choices import InterviewerRole
    from interviews.models import InterviewAssignment, RequiredTalk
    from reports import services as report_services
    from reports.catalogue import ensure_catalogue
    from reports.choices import VerificationKind
    from reports.models import PersonalReport, SampleDraw, Verification
    from rotations import services as rotation_services

    random.seed(20261201)
    c = city
    today = timezone.localdate()
    c.today = today
    D = dt.timedelta

    # --- interviews: a supervisor for 甲镇 ---------------------------------------------------
    c.sup_a = make_user("sup_a", "supervisor", [], first_name="甲镇联系领导")
    InterviewAssignment.objects.create(role=InterviewerRole.PRINCIPAL, user=c.sup_a, organization=c.town_a)
    c.sup_b = make_user("sup_b", "supervisor", [], first_name="乙镇联系领导")
    InterviewAssignment.objects.create(role=InterviewerRole.PRINCIPAL, user=c.sup_b, organization=c.town_b)
    interview_services.plan_refresh(year=today.year, today=today)
    talks_a = list(RequiredTalk.objects.filter(responsible=c.sup_a, done_on__isnull=True).order_by("id"))
    assert talks_a, "the plan gives the 甲镇 supervisor talks"
    for talk, due in zip(talks_a, [today - D(days=3), today, today + D(days=20)], strict=False):
        RequiredTalk.objects.filter(pk=talk.pk).update(due_date=due)
    c.talks_a = list(RequiredTalk.objects.filter(responsible=c.sup_a, done_on__isnull=True).order_by("id"))
    RequiredTalk.objects.filter(responsible=c.sup_b, done_on__isnull=True).update(due_date=today + D(days=1))
    c.talks_b = list(RequiredTalk.objects.filter(responsible=c.sup_b, done_on__isnull=True))

    # --- audits: 甲镇 secretary's audit, an audit-team member, findings -----------------------
    c.auditor = make_user("auditor", "audit_team", [c.root], first_name="审计组员")
    # 王芳 (甲镇 副镇长): a cadre's own account that heads no unit.
    c.wangfang = make_user("wangfang", first_name="王芳")
    c.cadre_a2.user = c.wangfang
    c.cadre_a2.save(update_fields=["user"])
    c.audit_a = audit_services.audit_create(
        user=c.staff_all,
        appointment=c.appt_a,
        kind=AuditKind.MID_TERM,
        year=today.year,
        period_start=dt.date(2019, 5, 1),
        period_end=dt.date(today.year - 1, 12, 31),
        planned_date=today - D(days=60),
    )
    audit_services.audit_member_add(
        user=c.staff_all, audit=c.audit_a, member_user=c.auditor, role=MemberRole.MEMBER, stream=Stream.MONEY
    )
    c.audit_b = audit_services.audit_create(
        user=c.staff_all,
        appointment=c.appt_b,
        kind=AuditKind.MID_TERM,
        year=today.year,
        period_start=dt.date(2016, 9, 1),
        period_end=dt.date(today.year - 1, 12, 31),
        planned_date=today - D(days=60),
    )

    from tests.audits.helpers import advance

    c.audit_a = advance(c.audit_a, c.staff_all, "fieldwork", start=today - D(days=50))
    c.audit_b = advance(c.audit_b, c.staff_all, "fieldwork", start=today - D(days=50))

    def finding(audit, due, **kw):
        return audit_services.finding_create(
            user=c.staff_all,
            audit=audit,
            stream=audit.streams.get(stream=Stream.MONEY),
            description="公务接待超标准",
            severity="minor",
            responsible_name="办公室主任",
            rectification_required="清退并报送整改材料",
            due_date=due,
            **kw,
        )

    c.findings_a = [finding(c.audit_a, today - D(days=5), responsible_cadre=c.cadre_a2)]
    c.findings_a += [finding(c.audit_a, today + D(days=3 + i % 20)) for i in range(n_findings - 1)]
    c.finding_b = finding(c.audit_b, today + D(days=4))

    file_a = AuditFile.objects.create(
        audit=c.audit_a,
        title="甲镇审计报告",
        kind="report",
        file="audits/test.pdf",
        original_name="report.pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=c.staff_all,
    )
    c.share = AuditFileShare.objects.create(
        file=file_a,
        officer=c.discipline,
        expires_at=timezone.now() + D(days=2),
        reason="核查",
        granted_by=c.staff_all,
    )

    # --- rotations: 甲镇 镇长 (unit head) and a pending leave request ------------------------
    c.head_user = make_user("head_a", "supervisor", [c.town_a], first_name="甲镇镇长")
    c.head_cadre = CadreFactory(
        name="孙杰", organization=c.town_a, user=c.head_user, birth_date=dt.date(1975, 3, 15)
    )
    AppointmentFactory(cadre=c.head_cadre, post=c.head_a, start_date=dt.date(2022, 1, 1))
    old_a = CadreFactory(name="周老", organization=c.town_a, birth_date=dt.date(1968, 5, 5))
    AppointmentFactory(
        cadre=old_a, post=PostFactory(organization=c.town_a, title="人大主席"), start_date=dt.date(2014, 1, 1)
    )
    old_b = CadreFactory(name="吴老", organization=c.town_b, birth_date=dt.date(1967, 3, 3))
    AppointmentFactory(
        cadre=old_b,
        post=PostFactory(organization=c.town_b, title="政协联络组长"),
        start_date=dt.date(2013, 1, 1),
    )
    rec_a = rotation_services.secondline_move(
        user=c.staff_all, cadre=old_a, effective_date=dt.date(2025, 6, 1)
    )
    rec_b = rotation_services.secondline_move(
        user=c.staff_all, cadre=old_b, effective_date=dt.date(2025, 6, 1)
    )
    c.leave_a = rotation_services.leave_request_create(
        user=c.liaison_a,
        record=rec_a,
        start_date=today + D(days=2),
        end_date=today + D(days=4),
        reason="就医",
    )
    c.leave_back = rotation_services.leave_request_create(
        user=c.liaison_a,
        record=rec_a,
        start_date=today + D(days=6),
        end_date=today + D(days=7),
        reason="培训",
    )
    rotation_services.leave_decide(user=c.head_user, leave=c.leave_back, approve=True)
    c.leave_b = rotation_services.leave_request_create(
        user=c.staff_all,
        record=rec_b,
        start_date=today + D(days=2),
        end_date=today + D(days=4),
        reason="探亲",
    )

    # --- reports: this year's cycle closing in 10 days; a verification for `verifier` -------
    ensure_catalogue()
    c.cycle = report_services.cycle_open(user=c.staff_all, year=today.year - 1, deadline=today + D(days=10))
    c.report_a = PersonalReport.objects.get(cycle=c.cycle, cadre=c.cadre_a2)
    c.report_b = PersonalReport.objects.get(cycle=c.cycle, cadre=c.cadre_b)
    c.verifier = make_user("verifier", first_name="查核员")
    draw = SampleDraw.objects.create(
        cycle=c.cycle,
        seed="t",
        share_percent=10,
        pool=[c.cadre_b.pk],
        selected=[c.cadre_b.pk],
        drawn_by=c.staff_all,
    )
    c.verification = Verification.objects.create(report=c.report_b, kind=VerificationKind.RANDOM, draw=draw)
    report_services.verification_assign(user=c.staff_all, verification=c.verification, verifier=c.verifier)
    return c
