"""Services: validation with Chinese messages and nothing saved, state machines end to end,
history rows, events."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pghistory.models import Events

from audits import services
from audits.choices import AuditKind, AuditStatus, Conclusion, MemberRole, RectState, Stream
from audits.models import Audit, AuditFile, Finding, RectificationStep
from cadre_supervision import events, registry
from cadres.choices import KeyCategory
from tests.factories import AppointmentFactory, CadreFactory, PostFactory

from .helpers import D, advance, make_finding, verify

pytestmark = pytest.mark.django_db


def _create(ns, **kw):
    data = {"user": ns.staff_all, "appointment": ns.appt_a, "kind": AuditKind.SPECIAL, "year": 2025}
    data.update(kw)
    return services.audit_create(**data)


def test_create_makes_three_streams_with_lead_agencies_and_emits_event(ac):
    seen = []
    listener = seen.append
    registry.on(events.AuditCreated, listener)
    try:
        audit = _create(ac, period_start=D(2020, 1, 1), period_end=D(2024, 1, 1))
    finally:
        registry.off(events.AuditCreated, listener)
    assert {(s.stream, s.lead_agency) for s in audit.streams.all()} == {
        ("people", "org_dept"),
        ("staffing", "staffing_office"),
        ("money", "audit_bureau"),
    }
    assert audit.organization == ac.town_a and audit.cadre == ac.cadre_a and audit.is_top_leader
    assert seen == [
        events.AuditCreated(
            audit_id=audit.pk,
            cadre_id=ac.cadre_a.pk,
            planned_date=audit.planned_date,
            title=str(audit),
            user_id=ac.staff_all.pk,
        )
    ]
    assert "张伟同志任甲镇党委书记期间专项审计" in audit.title


@pytest.mark.parametrize(
    "kw,field,message",
    [
        (
            {"period_start": D(2019, 4, 30), "period_end": D(2020, 1, 1)},
            "period_start",
            "不能早于该任职的开始日期",
        ),
        ({"period_start": D(2020, 1, 1), "period_end": D(2099, 1, 1)}, "period_end", "不能晚于今天"),
        ({"period_start": D(2021, 1, 1), "period_end": D(2020, 1, 1)}, "period_end", "不能早于起始日期"),
        ({"kind": AuditKind.DEPARTURE}, "kind", "离任审计只能针对已离任"),
        ({"year": 1990}, "year", "计划年度"),
    ],
)
def test_create_rejects_bad_input_and_saves_nothing(ac, kw, field, message):
    before = Audit.objects.count()
    with pytest.raises(ValidationError) as exc:
        _create(ac, **kw)
    assert message in " ".join(exc.value.message_dict[field])
    assert Audit.objects.count() == before


def test_mid_term_needs_a_current_tenure_and_departure_is_unique(ac):
    ended = AppointmentFactory(
        cadre=ac.cadre_a2, post=ac.head_a, start_date=D(2015, 1, 1), end_date=D(2019, 1, 1)
    )
    with pytest.raises(ValidationError, match="届中审计只能针对在任的任职"):
        _create(ac, appointment=ended, kind=AuditKind.MID_TERM)
    _create(ac, appointment=ended, kind=AuditKind.DEPARTURE)
    with pytest.raises(ValidationError, match="已有离任审计"):
        _create(ac, appointment=ended, kind=AuditKind.DEPARTURE)


def test_only_top_leaders_or_key_deputies_with_people_money_goods(ac):
    # 王芳 is a deputy without key categories: refused
    with pytest.raises(ValidationError, match="只能对党政一把手"):
        _create(ac, appointment=ac.appt_a2)
    # a deputy holding finance power may be audited (essay 1 三.5)
    post = PostFactory(
        organization=ac.town_a,
        title="分管财政副镇长",
        key_categories=[KeyCategory.FINANCE],
        key_reason="分管财政",
    )
    appt = AppointmentFactory(cadre=CadreFactory(organization=ac.town_a), post=post, start_date=D(2020, 1, 1))
    audit = _create(ac, appointment=appt)
    assert audit.is_top_leader is False


def test_create_outside_scope_is_refused(ac):
    with pytest.raises(PermissionDenied):
        _create(ac, user=ac.staff_a, appointment=ac.appt_b)
    with pytest.raises(PermissionDenied):
        _create(ac, user=ac.discipline)  # view only
    assert Audit.objects.count() == 2


def test_status_moves_only_in_order_and_each_step_is_dated(ac):
    audit = ac.audit_a
    with pytest.raises(ValidationError, match="只能按顺序推进"):
        services.audit_transition(
            user=ac.staff_all, audit=audit, status=AuditStatus.FIELDWORK, on=D(2024, 2, 1)
        )
    audit.refresh_from_db()
    assert audit.status == AuditStatus.PLANNED and audit.fieldwork_date is None
    with pytest.raises(ValidationError, match="不能早于上一步骤"):
        services.audit_transition(
            user=ac.staff_all, audit=audit, status=AuditStatus.NOTIFIED, on=D(2024, 1, 9)
        )
    audit = services.audit_transition(
        user=ac.staff_all, audit=audit, status=AuditStatus.NOTIFIED, on=D(2024, 2, 1)
    )
    assert audit.notified_date == D(2024, 2, 1)
    # a team member (non-observer) may move it too; an observer may not
    audit = services.audit_transition(
        user=ac.auditor, audit=audit, status=AuditStatus.FIELDWORK, on=D(2024, 3, 1)
    )
    with pytest.raises(PermissionDenied):
        services.audit_transition(
            user=ac.discipline, audit=audit, status=AuditStatus.REPORT, on=D(2024, 4, 1)
        )
    assert audit.fieldwork_date == D(2024, 3, 1)


def test_closing_with_unverified_findings_is_refused(ac):
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.FIELDWORK)
    f1 = make_finding(audit, ac.staff_all)
    f2 = make_finding(audit, ac.auditor, stream=Stream.PEOPLE)
    audit = advance(audit, ac.staff_all, AuditStatus.RECTIFICATION)
    for s in audit.streams.all():
        services.audit_stream_update(
            user=ac.staff_all, stream=s, conclusion=Conclusion.FAIR, conclusion_text="一般"
        )
    services.audit_update(user=ac.staff_all, audit=audit, overall_conclusion=Conclusion.FAIR)
    verify(f1, ac.staff_all, ac.auditor)
    with pytest.raises(ValidationError) as exc:
        services.audit_transition(user=ac.staff_all, audit=audit, status=AuditStatus.CLOSED)
    assert "还有 1 个问题未整改销号，不能办结" in exc.value.message_dict["status"][0]
    audit.refresh_from_db()
    assert audit.status == AuditStatus.RECTIFICATION and audit.closed_date is None
    verify(f2, ac.staff_all, ac.staff_a)
    audit = services.audit_transition(user=ac.staff_all, audit=audit, status=AuditStatus.CLOSED)
    assert audit.status == AuditStatus.CLOSED and audit.closed_date is not None
    # a finding on a closed audit
    with pytest.raises(ValidationError, match="该联审已办结"):
        make_finding(audit, ac.staff_all)
    assert Finding.objects.filter(audit=audit).count() == 2
    with pytest.raises(ValidationError, match="已办结"):
        services.audit_update(user=ac.staff_all, audit=audit, notes="x")


def test_closing_needs_conclusions(ac):
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.RECTIFICATION)
    with pytest.raises(ValidationError, match="办结前请填写审计结论：用人、用编、用钱、总体评价"):
        services.audit_transition(user=ac.staff_all, audit=audit, status=AuditStatus.CLOSED)


def test_findings_not_before_fieldwork_and_validated(ac):
    with pytest.raises(ValidationError, match="进点开展现场审计后"):
        make_finding(ac.audit_a, ac.staff_all)
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.FIELDWORK)
    with pytest.raises(ValidationError) as exc:
        services.finding_create(
            user=ac.staff_all,
            audit=audit,
            stream=audit.streams.get(stream="money"),
            description=" ",
            rectification_required="",
            due_date=D(2020, 1, 1),
        )
    errs = exc.value.message_dict
    assert {"description", "rectification_required", "responsible_name", "due_date"} <= set(errs)
    assert "不能早于进点审计日期" in errs["due_date"][0]
    other_stream = ac.audit_b.streams.first()
    with pytest.raises(ValidationError, match="请选择该联审的审计事项"):
        services.finding_create(
            user=ac.staff_all,
            audit=audit,
            stream=other_stream,
            description="x",
            responsible_name="y",
            rectification_required="z",
            due_date=D(2030, 1, 1),
        )
    assert Finding.objects.count() == 0


def test_rectification_machine_and_verification_by_team_only(ac):
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.FIELDWORK)
    f = make_finding(audit, ac.staff_all)
    with pytest.raises(ValidationError, match="只能变更为"):
        services.finding_transition(user=ac.staff_all, finding=f, to_state=RectState.VERIFIED)
    services.finding_transition(user=ac.staff_all, finding=f, to_state=RectState.IN_PROGRESS)
    services.finding_transition(user=ac.staff_all, finding=f, to_state=RectState.SUBMITTED, note="已整改")
    # staff_all manages audits city-wide but is not on the team: may not verify
    with pytest.raises(ValidationError, match="只有本联审组"):
        services.finding_transition(user=ac.staff_all, finding=f, to_state=RectState.VERIFIED)
    # the discipline observer is not a verifying member either
    with pytest.raises(ValidationError, match="只有本联审组"):
        services.finding_transition(user=ac.discipline, finding=f, to_state=RectState.VERIFIED)
    f.refresh_from_db()
    assert f.state == RectState.SUBMITTED and f.verified_by is None
    services.finding_transition(user=ac.auditor, finding=f, to_state=RectState.RETURNED, note="材料不全")
    services.finding_transition(user=ac.staff_all, finding=f, to_state=RectState.SUBMITTED, note="补充材料")
    f = services.finding_transition(user=ac.staff_a, finding=f, to_state=RectState.VERIFIED, note="同意销号")
    assert f.state == RectState.VERIFIED and f.verified_by == ac.staff_a and f.verified_at is not None
    steps = list(
        RectificationStep.objects.filter(finding=f).values_list("from_state", "to_state", "by__username")
    )
    assert steps == [
        ("open", "in_progress", "staff_all"),
        ("in_progress", "submitted", "staff_all"),
        ("submitted", "returned", "auditor"),
        ("returned", "submitted", "staff_all"),
        ("submitted", "verified", "staff_a"),
    ]
    with pytest.raises(ValidationError, match="已整改销号"):
        services.finding_update(user=ac.staff_all, finding=f, description="改")


def test_responsible_cadre_with_account_may_report_progress_but_not_verify(ac):
    from tests.factories import make_user

    acct = make_user("zhangwei")
    ac.cadre_a.user = acct
    ac.cadre_a.save()
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.FIELDWORK)
    f = make_finding(audit, ac.staff_all, responsible_cadre=ac.cadre_a, responsible_name="")
    services.finding_transition(user=acct, finding=f, to_state=RectState.IN_PROGRESS)
    services.finding_transition(user=acct, finding=f, to_state=RectState.SUBMITTED, note="已整改")
    with pytest.raises(ValidationError, match="只有本联审组"):
        services.finding_transition(user=acct, finding=f, to_state=RectState.VERIFIED)
    # a stranger may do nothing
    with pytest.raises(PermissionDenied):
        services.finding_transition(user=ac.nobody, finding=f, to_state=RectState.RETURNED, note="x")


def test_members_and_observers(ac):
    with pytest.raises(ValidationError, match="列席人员须为纪检监察干部"):
        services.audit_member_add(
            user=ac.staff_all, audit=ac.audit_b, member_user=ac.auditor, role=MemberRole.OBSERVER
        )
    with pytest.raises(ValidationError, match="请选择组长、组员所在的事项组"):
        services.audit_member_add(
            user=ac.staff_all, audit=ac.audit_b, member_user=ac.auditor, role=MemberRole.MEMBER
        )
    with pytest.raises(ValidationError, match="已在联审组中"):
        services.audit_member_add(
            user=ac.staff_all,
            audit=ac.audit_a,
            member_user=ac.auditor,
            role=MemberRole.MEMBER,
            stream="people",
        )
    with pytest.raises(PermissionDenied):
        services.audit_member_add(
            user=ac.staff_a, audit=ac.audit_b, member_user=ac.auditor, role=MemberRole.MEMBER, stream="money"
        )


def _upload(ac, name, data, **kw):
    return services.audit_file_upload(
        user=kw.pop("user", ac.staff_all),
        audit=ac.audit_a,
        kind="report",
        title="",
        uploaded_file=SimpleUploadedFile(name, data),
    )


def test_file_upload_limits(ac, settings):
    f = _upload(ac, "报告.pdf", b"%PDF-1.4 test")
    assert f.size == 13 and f.title == "报告.pdf" and len(f.sha256) == 64
    assert f.file.path.startswith(str(settings.MEDIA_ROOT) + "/private/audits/")
    assert "报告" not in f.file.name  # stored under a random name
    from cadre_supervision.models import PolicySetting

    PolicySetting.objects.create(key="audits.file_max_mb", value=1)
    with pytest.raises(ValidationError, match="超过 1 MB 的上限"):
        _upload(ac, "big.pdf", b"%PDF" + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="不允许上传 .exe"):
        _upload(ac, "tool.exe", b"MZ\x90\x00")
    with pytest.raises(ValidationError, match="内容与扩展名 .pdf 不符"):
        _upload(ac, "renamed.pdf", b"MZ\x90\x00")
    assert AuditFile.objects.count() == 1
    with pytest.raises(PermissionDenied):
        _upload(ac, "x.pdf", b"%PDF", user=ac.discipline)


def test_history_rows_for_every_change(ac):
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.FIELDWORK)
    f = make_finding(audit, ac.staff_all)
    services.finding_transition(user=ac.staff_all, finding=f, to_state=RectState.IN_PROGRESS)
    labels = list(Events.objects.tracks(audit).values_list("pgh_label", flat=True))
    assert labels.count("insert") == 1 and labels.count("update") == 2
    f_events = Events.objects.tracks(f)
    assert {e.pgh_label for e in f_events} == {"insert", "update"}
    assert Events.objects.tracks(RectificationStep.objects.get(finding=f)).count() == 1
    # queryset update() is caught too (database triggers)
    Audit.objects.filter(pk=audit.pk).update(notes="批量修改")
    assert Events.objects.tracks(audit).filter(pgh_label="update").count() == 3


def test_delete_only_empty_planned(ac):
    services.audit_delete(user=ac.staff_all, audit=ac.audit_b)
    assert not Audit.objects.filter(pk=ac.audit_b.pk).exists()
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.NOTIFIED)
    with pytest.raises(ValidationError, match="只有尚未下达通知"):
        services.audit_delete(user=ac.staff_all, audit=audit)


def test_plan_create_all_or_nothing(ac):
    ended = AppointmentFactory(
        cadre=ac.cadre_a2, post=ac.head_a, start_date=D(2015, 1, 1), end_date=D(2019, 1, 1)
    )
    created = services.audit_plan_create(
        user=ac.staff_all, year=2026, items=[(ended.pk, AuditKind.DEPARTURE)]
    )
    assert len(created) == 1 and created[0].status == AuditStatus.PLANNED
    n = Audit.objects.count()
    with pytest.raises(ValidationError):
        services.audit_plan_create(
            user=ac.staff_all,
            year=2026,
            items=[(ac.appt_b.pk, AuditKind.MID_TERM), (ended.pk, AuditKind.DEPARTURE)],
        )
    assert Audit.objects.count() == n
    assert dt.date.today().year >= 2025
