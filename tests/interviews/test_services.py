"""The plan, special-topic talks, derived fulfilment, bad input and domain events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cadre_supervision import events, policy, registry
from cadres.choices import CadreStatus, TopLeaderKind
from interviews import policies, services
from interviews.choices import InterviewerRole, InterviewKind, SpecialTrigger, TalkCategory
from interviews.models import (
    FollowUp,
    InterviewAssignment,
    InterviewAttachment,
    InterviewRecord,
    RequiredTalk,
)
from tests.factories import AppointmentFactory, PostFactory, make_user

from .conftest import assign


def created_event(appt, user):
    return events.AppointmentCreated(
        appointment_id=appt.pk,
        cadre_id=appt.cadre_id,
        organization_id=appt.post.organization_id,
        post_title=str(appt.post),
        start_date=appt.start_date,
        is_leading=appt.post.is_leading,
        is_top_leader=bool(appt.post.top_leader_kind),
        user_id=getattr(user, "pk", None),
    )


def routine(cadre, year):
    return list(RequiredTalk.objects.filter(cadre=cadre, year=year, kind="routine").order_by("seq"))


def log(user, cadre, date, kind=InterviewKind.ROUTINE, **kw):
    return services.record_create(
        user=user,
        interviewee=cadre,
        interviewers=[user],
        kind=kind,
        date=date,
        summary="谈了工作和思想",
        **kw,
    )


# --- the plan --------------------------------------------------------------------------------------


def test_every_cadre_in_the_system_has_a_plan_with_the_right_person(talks):
    y = talks.today.year
    expected = {
        talks.cadre_a: (TalkCategory.TOP_LEADER, InterviewerRole.PRINCIPAL, talks.shuji, 2),
        talks.cadre_b: (TalkCategory.TOP_LEADER, InterviewerRole.PRINCIPAL, talks.shuji, 2),
        talks.organ_chief: (TalkCategory.TOP_LEADER, InterviewerRole.PRINCIPAL, talks.shuji, 2),
        talks.cadre_a2: (TalkCategory.TOWNSHIP_DEPUTY, InterviewerRole.ORG_DEPT, talks.ganbuke, 1),
        talks.organ_deputy: (TalkCategory.ORGAN_DEPUTY, InterviewerRole.IN_CHARGE, talks.fenguan, 1),
        talks.organ_b_deputy: (TalkCategory.ORGAN_DEPUTY, InterviewerRole.IN_CHARGE, None, 1),
        talks.line_member: (TalkCategory.TOWNSHIP_LINE, InterviewerRole.LINE_LEADER, talks.linezz, 1),
        talks.dept_managed: (TalkCategory.DEPARTMENT_MANAGED, InterviewerRole.ORG_DEPT, talks.ganbuke, 1),
        talks.second_line: (TalkCategory.SECOND_LINE, InterviewerRole.ORG_DEPT, talks.ganbuke, 1),
    }
    for cadre, (category, role, person, n) in expected.items():
        plan = routine(cadre, y)
        assert len(plan) == n, cadre.name
        assert {(t.category, t.interviewer_role, t.responsible) for t in plan} == {(category, role, person)}
    assert [t.due_date for t in routine(talks.cadre_a, y)] == [dt.date(y, 6, 30), dt.date(y, 12, 31)]
    assert routine(talks.retired, y) == []


def test_plan_refresh_is_idempotent(talks):
    y = talks.today.year
    before = RequiredTalk.objects.count()
    result = services.plan_refresh(year=y)
    assert RequiredTalk.objects.count() == before
    assert result.created == 0 and result.updated == 0


def test_unit_head_of_own_unit_is_closer_than_a_city_wide_official(talks):
    InterviewAssignment.objects.filter(user=talks.ganbuke, organization=talks.town_a).delete()
    assign(InterviewerRole.UNIT_HEAD, talks.unit_head_a, talks.town_a)
    services.plan_refresh(year=talks.today.year)
    (t,) = routine(talks.second_line, talks.today.year)
    assert (t.interviewer_role, t.responsible) == (InterviewerRole.UNIT_HEAD, talks.unit_head_a)


def test_new_top_leader_post_recomputes_the_plan_and_raises_a_special_topic_talk(talks):
    y = talks.today.year
    start = talks.today - dt.timedelta(days=3)
    assert talks.head_a.top_leader_kind == TopLeaderKind.ADMIN  # 甲镇 镇长, vacant
    appt = AppointmentFactory(cadre=talks.cadre_a2, post=talks.head_a, start_date=start)
    registry.emit(created_event(appt, talks.staff_all))
    plan = routine(talks.cadre_a2, y)
    assert [t.category for t in plan] == [TalkCategory.TOP_LEADER] * 2
    assert {t.responsible for t in plan} == {talks.shuji}
    special = RequiredTalk.objects.get(cadre=talks.cadre_a2, kind="special_topic")
    assert special.trigger == SpecialTrigger.JOB_CHANGE
    assert special.due_date == start + dt.timedelta(days=30)
    assert special.responsible == talks.shuji
    # The same event again changes nothing.
    registry.emit(created_event(appt, talks.staff_all))
    assert RequiredTalk.objects.filter(cadre=talks.cadre_a2, kind="special_topic").count() == 1
    # The responsible person was told at once.
    assert talks.shuji.notifications.filter(kind="interviews.special_assigned").count() == 1


def test_historical_appointment_makes_no_special_topic_talk(talks):
    appt = AppointmentFactory(
        cadre=talks.cadre_a2, post=PostFactory(organization=talks.town_a), start_date=dt.date(2015, 1, 1)
    )
    registry.emit(created_event(appt, None))
    assert not RequiredTalk.objects.filter(cadre=talks.cadre_a2, kind="special_topic").exists()


def test_retirement_cancels_open_talks_but_keeps_done_ones(talks):
    y = talks.today.year
    rec = log(talks.shuji, talks.cadre_a, talks.today)
    talks.cadre_a.status = CadreStatus.RETIRED
    talks.cadre_a.save()
    registry.emit(
        events.CadreStatusChanged(cadre_id=talks.cadre_a.pk, old_status="active", new_status="retired")
    )
    plan = routine(talks.cadre_a, y)
    assert plan[0].fulfilled_by == rec and plan[0].cancelled_at is None
    assert plan[1].cancelled_at is not None and plan[1].cancel_reason


def test_policy_frequency_change_is_picked_up(talks):
    policy.set_value(policies.TALKS_OTHER, 2)
    services.plan_refresh(year=talks.today.year)
    assert len(routine(talks.cadre_a2, talks.today.year)) == 2
    policy.set_value(policies.TALKS_OTHER, 1)
    services.plan_refresh(year=talks.today.year)
    plan = routine(talks.cadre_a2, talks.today.year)
    assert plan[1].cancelled_at is not None and plan[0].cancelled_at is None


@pytest.mark.parametrize(
    "make,trigger",
    [
        (
            lambda c, today: events.AuditCreated(
                audit_id=5, cadre_id=c.pk, planned_date=today, title="专项审计"
            ),
            SpecialTrigger.AUDIT,
        ),
        (
            lambda c, today: events.AssessmentRecorded(
                cadre_id=c.pk, year=today.year, grade="excellent", source="t.assessment", source_id=3
            ),
            SpecialTrigger.ASSESSMENT,
        ),
        (
            lambda c, today: events.SecondLineMoved(
                record_id=9,
                cadre_id=c.pk,
                organization_id=c.organization_id,
                former_post="乙镇党委书记",
                moved_on=today,
            ),
            SpecialTrigger.JOB_CHANGE,
        ),
    ],
)
def test_events_of_other_apps_raise_special_topic_talks(talks, make, trigger):
    registry.emit(make(talks.cadre_b, talks.today))
    registry.emit(make(talks.cadre_b, talks.today))
    (t,) = RequiredTalk.objects.filter(cadre=talks.cadre_b, kind="special_topic")
    assert t.trigger == trigger and t.responsible == talks.shuji


def test_an_old_years_assessment_raises_no_talk(talks):
    registry.emit(
        events.AssessmentRecorded(
            cadre_id=talks.cadre_b.pk, year=talks.today.year - 3, grade="competent", source="t", source_id=1
        )
    )
    assert not RequiredTalk.objects.filter(cadre=talks.cadre_b, kind="special_topic").exists()


def test_team_change_raises_a_talk_for_each_leader_of_the_unit(talks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registry.emit(events.TeamChanged(organization_id=talks.town_a.pk, date=talks.today))
    got = set(
        RequiredTalk.objects.filter(kind="special_topic", trigger="team_change").values_list(
            "cadre__name", flat=True
        )
    )
    assert got == {"张伟", "王芳", "周委"}


def test_special_topic_talk_by_hand(talks):
    t = services.special_talk_raise(
        user=talks.staff_a,
        cadre=talks.cadre_a2,
        trigger=SpecialTrigger.FAMILY_EVENT,
        trigger_date=talks.today,
    )
    assert t.responsible == talks.ganbuke and t.created_by == talks.staff_a
    with pytest.raises(PermissionDenied):
        services.special_talk_raise(
            user=talks.staff_a,
            cadre=talks.cadre_b,
            trigger=SpecialTrigger.FAMILY_EVENT,
            trigger_date=talks.today,
        )
    with pytest.raises(ValidationError) as exc:
        services.special_talk_raise(
            user=talks.staff_a,
            cadre=talks.cadre_a2,
            trigger=SpecialTrigger.FAMILY_EVENT,
            trigger_date=talks.today + dt.timedelta(days=1),
        )
    assert exc.value.message_dict["trigger_date"] == ["事由发生日期不能晚于今天。"]


# --- records and derived fulfilment ------------------------------------------------------------------


def test_logging_a_talk_fulfils_the_earliest_open_one_and_deleting_reopens_it(talks):
    y = talks.today.year
    r1 = log(talks.shuji, talks.cadre_a, talks.today)
    plan = routine(talks.cadre_a, y)
    assert plan[0].fulfilled_by == r1 and plan[0].done_on == talks.today
    assert plan[1].fulfilled_by is None
    r2 = log(talks.shuji, talks.cadre_a, talks.today)
    plan = routine(talks.cadre_a, y)
    assert [t.fulfilled_by for t in plan] == [r1, r2]
    services.record_delete(user=talks.shuji, record=r1)
    plan = routine(talks.cadre_a, y)
    assert plan[0].fulfilled_by == r2 and plan[1].fulfilled_by is None


def test_a_talk_in_january_does_not_fulfil_last_years_plan(talks):
    y = talks.today.year
    services.plan_refresh(year=y - 1)
    log(talks.ganbuke, talks.cadre_a2, dt.date(y, 1, 2))
    assert routine(talks.cadre_a2, y - 1)[0].done_on is None
    assert routine(talks.cadre_a2, y)[0].done_on == dt.date(y, 1, 2)


def test_a_talk_logged_from_last_years_overdue_task_fulfils_that_task_late(talks):
    """The bug: logging a talk from shuji's overdue 2025 task completed the 2026 task."""
    y = talks.today.year
    services.plan_refresh(year=y - 1)
    old, new = routine(talks.cadre_a, y - 1), routine(talks.cadre_a, y)
    assert len(old) == 2 and all(t.done_on is None for t in old)
    rec = log(talks.shuji, talks.cadre_a, talks.today, task=old[0])
    old, new = routine(talks.cadre_a, y - 1), routine(talks.cadre_a, y)
    assert old[0].fulfilled_by == rec and old[0].done_on == talks.today and old[0].is_late
    assert old[1].done_on is None
    assert all(t.done_on is None for t in new)
    # A later plan refresh or resync changes nothing; a second talk from the other old task closes it.
    services.plan_refresh(year=y)
    services.fulfilment_sync(talks.cadre_a.pk)
    assert routine(talks.cadre_a, y - 1)[0].fulfilled_by == rec
    rec2 = log(talks.shuji, talks.cadre_a, talks.today, task=old[1].pk)
    assert routine(talks.cadre_a, y - 1)[1].fulfilled_by == rec2
    assert all(t.done_on is None for t in routine(talks.cadre_a, y))
    # An unlinked record still fulfils this year's plan.
    rec3 = log(talks.shuji, talks.cadre_a, talks.today)
    assert routine(talks.cadre_a, y)[0].fulfilled_by == rec3


def test_a_record_dated_in_the_past_year_closes_that_years_task_without_a_link(talks):
    y = talks.today.year
    services.plan_refresh(year=y - 1)
    rec = log(talks.ganbuke, talks.cadre_a2, dt.date(y - 1, 12, 20))
    t = routine(talks.cadre_a2, y - 1)[0]
    assert t.fulfilled_by == rec and not t.is_late
    assert routine(talks.cadre_a2, y)[0].done_on is None


@pytest.mark.parametrize(
    "case,field,message",
    [
        ("other cadre", "task", "该谈话任务不属于所选谈话对象。"),
        ("wrong kind", "kind", "谈话类型须与谈话任务一致（谈心谈话）。"),
        ("done", "task", "该谈话任务已由其他谈话记录完成。"),
        ("invisible", "task", "谈话任务不存在。"),
        ("missing", "task", "谈话任务不存在。"),
    ],
)
def test_bad_task_links_are_refused_and_nothing_is_saved(talks, case, field, message):
    y = talks.today.year
    task = routine(talks.cadre_a, y)[0]
    user, cadre, kind, trigger = talks.shuji, talks.cadre_a, InterviewKind.ROUTINE, ""
    if case == "other cadre":
        task = routine(talks.organ_chief, y)[0]
    elif case == "wrong kind":
        kind, trigger = InterviewKind.SPECIAL_TOPIC, SpecialTrigger.ASSESSMENT
    elif case == "done":
        log(talks.shuji, talks.cadre_a, talks.today, task=task)
    elif case == "invisible":
        user, cadre = talks.ganbuke, talks.cadre_a2
    elif case == "missing":
        task = 999999
    before = InterviewRecord.objects.count()
    with pytest.raises(ValidationError) as exc:
        log(user, cadre, talks.today, kind=kind, trigger=trigger, task=task)
    assert exc.value.message_dict[field] == [message]
    assert InterviewRecord.objects.count() == before


def test_special_topic_record_fulfils_the_special_talk_not_the_routine_one(talks):
    special = services.special_talk_raise(
        user=None,
        cadre=talks.cadre_a2,
        trigger=SpecialTrigger.ASSESSMENT,
        trigger_date=talks.today,
        source_type="t",
        source_id="1",
    )
    rec = log(
        talks.ganbuke, talks.cadre_a2, talks.today, kind=InterviewKind.SPECIAL_TOPIC, trigger="assessment"
    )
    special.refresh_from_db()
    assert special.fulfilled_by == rec
    assert routine(talks.cadre_a2, talks.today.year)[0].done_on is None


def test_follow_ups_and_attachments_are_saved_with_the_record(talks):
    f = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    rec = log(
        talks.ganbuke,
        talks.cadre_a2,
        talks.today,
        follow_ups=[
            {"action": "提交整改报告", "owner_name": "王芳", "due_date": talks.today + dt.timedelta(days=10)}
        ],
        attachments=[f],
    )
    assert rec.follow_ups.count() == 1 and rec.attachments.get().name == "纪要.pdf"


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"date": "future"}, "date", "谈话日期不能晚于今天。"),
        ({"interviewers": "other_sup"}, "interviewers", "其他谈话人不是王芳的谈话责任人，无权开展谈心谈话。"),
        ({"follow_up_due": -1}, "follow_ups", "后续措施的完成期限不能早于谈话日期。"),
        ({"attachment": ("virus.exe", 10)}, "attachments", "附件“virus.exe”的类型不允许"),
        (
            {"attachment": ("big.pdf", 11 * 1024 * 1024)},
            "attachments",
            "附件“big.pdf”过大：单个附件不能超过 10 MB。",
        ),
        ({"summary": ""}, "summary", "请填写谈话内容摘要。"),
    ],
)
def test_bad_input_is_rejected_in_chinese_and_nothing_is_saved(talks, change, field, message):
    today = talks.today
    user = talks.ganbuke
    kwargs = dict(
        user=talks.staff_all,
        interviewee=talks.cadre_a2,
        interviewers=[user],
        kind=InterviewKind.ROUTINE,
        date=today,
        summary="谈话",
        follow_ups=[],
        attachments=[],
    )
    if change.get("date") == "future":
        kwargs["date"] = today + dt.timedelta(days=1)
    if "interviewers" in change:
        kwargs["interviewers"] = [talks.other_sup]
    if "follow_up_due" in change:
        kwargs["follow_ups"] = [
            {"action": "整改", "owner_name": "王芳", "due_date": today - dt.timedelta(days=1)}
        ]
    if "attachment" in change:
        name, size = change["attachment"]
        kwargs["attachments"] = [SimpleUploadedFile(name, b"x" * size)]
    if "summary" in change:
        kwargs["summary"] = ""
    counts = (InterviewRecord.objects.count(), FollowUp.objects.count(), InterviewAttachment.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.record_create(**kwargs)
    assert any(m.startswith(message) for m in exc.value.message_dict[field]), exc.value.message_dict
    assert (
        InterviewRecord.objects.count(),
        FollowUp.objects.count(),
        InterviewAttachment.objects.count(),
    ) == counts
    assert routine(talks.cadre_a2, today.year)[0].done_on is None


def test_recorder_must_be_an_interviewer_or_staff_in_scope(talks):
    with pytest.raises(PermissionDenied):
        services.record_create(
            user=talks.other_sup,
            interviewee=talks.cadre_a2,
            interviewers=[talks.ganbuke],
            kind=InterviewKind.ROUTINE,
            date=talks.today,
            summary="x",
        )
    with pytest.raises(PermissionDenied):  # staff of 甲镇 cannot log for 乙镇
        services.record_create(
            user=talks.staff_a,
            interviewee=talks.cadre_b,
            interviewers=[talks.shuji],
            kind=InterviewKind.ROUTINE,
            date=talks.today,
            summary="x",
        )
    # Staff in scope may log on the responsible person's behalf.
    rec = services.record_create(
        user=talks.staff_a,
        interviewee=talks.cadre_a2,
        interviewers=[talks.ganbuke],
        kind=InterviewKind.ROUTINE,
        date=talks.today,
        summary="x",
    )
    assert rec.created_by == talks.staff_a


def test_admonishment_and_written_inquiry_by_org_staff_or_discipline_officer(talks):
    rec = services.record_create(
        user=talks.staff_all,
        interviewee=talks.cadre_b,
        interviewers=[talks.staff_all],
        kind=InterviewKind.ADMONISHMENT,
        date=talks.today,
        summary="诫勉",
    )
    assert rec.kind == InterviewKind.ADMONISHMENT
    rec = services.record_create(
        user=talks.discipline,
        interviewee=talks.cadre_b,
        interviewers=[talks.discipline],
        kind=InterviewKind.WRITTEN_INQUIRY,
        date=talks.today,
        summary="函询",
        reply="已说明",
        reply_date=talks.today,
    )
    assert rec.reply_date == talks.today
    with pytest.raises(ValidationError):  # a discipline officer does not hold routine talks
        services.record_create(
            user=talks.discipline,
            interviewee=talks.cadre_b,
            interviewers=[talks.discipline],
            kind=InterviewKind.ROUTINE,
            date=talks.today,
            summary="x",
        )
    with pytest.raises(ValidationError):  # nor reminder talks (not discipline kinds)
        services.record_create(
            user=talks.discipline,
            interviewee=talks.cadre_b,
            interviewers=[talks.discipline],
            kind=InterviewKind.REMINDER,
            date=talks.today,
            summary="x",
        )


def test_follow_up_checks(talks):
    rec = log(talks.ganbuke, talks.cadre_a2, talks.today)
    with pytest.raises(ValidationError) as exc:
        services.follow_up_add(
            user=talks.ganbuke,
            record=rec,
            action="整改",
            owner_name="王芳",
            due_date=talks.today - dt.timedelta(days=2),
        )
    assert exc.value.message_dict["due_date"] == ["后续措施的完成期限不能早于谈话日期。"]
    fu = services.follow_up_add(
        user=talks.ganbuke, record=rec, action="整改", owner_name="王芳", due_date=talks.today
    )
    with pytest.raises(PermissionDenied):
        services.follow_up_complete(user=talks.other_sup, follow_up=fu, done_on=talks.today)
    services.follow_up_complete(user=talks.ganbuke, follow_up=fu, done_on=talks.today, result="已完成")
    fu.refresh_from_db()
    assert fu.done_on == talks.today


# --- the assignment table ----------------------------------------------------------------------------


def test_filling_a_gap_in_the_assignment_table_updates_the_plan(talks):
    (t,) = routine(talks.organ_b_deputy, talks.today.year)
    assert t.responsible is None
    leader = make_user("fenguan2", "supervisor", [])
    services.assignment_create(
        user=talks.staff_all, role=InterviewerRole.IN_CHARGE, interviewer=leader, organization=talks.organ_b
    )
    t.refresh_from_db()
    assert t.responsible == leader
    a = InterviewAssignment.objects.get(user=leader)
    services.assignment_deactivate(user=talks.staff_all, assignment=a)
    t.refresh_from_db()
    assert t.responsible is None


def test_assignment_checks(talks):
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            user=talks.staff_a,
            role=InterviewerRole.IN_CHARGE,
            interviewer=talks.fenguan,
            organization=talks.organ_b,
        )
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(
            user=talks.staff_all,
            role=InterviewerRole.LINE_LEADER,
            interviewer=talks.linezz,
            organization=talks.root,
        )
    assert "line_role" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(
            user=talks.staff_all,
            role=InterviewerRole.IN_CHARGE,
            interviewer=talks.fenguan,
            organization=talks.organ,
        )
    assert exc.value.message_dict["organization"] == ["已有相同的谈话责任分工。"]


def test_history_is_kept(talks):
    from cadre_supervision.history import history_for

    rec = log(talks.ganbuke, talks.cadre_a2, talks.today)
    services.record_update(user=talks.ganbuke, record=rec, place="组织部")
    assert [h["action"] for h in history_for(rec)][:2] == ["update", "insert"]
    (t,) = routine(talks.cadre_a2, talks.today.year)
    assert any(c["field"] == "done_on" for h in history_for(t) for c in h["changes"])


def test_overdue_talks_of_past_years_follow_the_cadre(talks):
    y = talks.today.year
    services.plan_refresh(year=y - 1)
    (old,) = routine(talks.organ_b_deputy, y - 1)
    assert old.responsible is None  # 丁局 has no city leader in charge
    leader = make_user("fenguan3", "supervisor", [])
    assign(InterviewerRole.IN_CHARGE, leader, talks.organ_b)
    services.plan_refresh(year=y)
    old.refresh_from_db()
    assert old.responsible == leader  # the person now in charge inherits the overdue talk
    talks.organ_b_deputy.status = CadreStatus.RETIRED
    talks.organ_b_deputy.save()
    services.plan_refresh(year=y)
    old.refresh_from_db()
    assert old.cancelled_at is not None  # no more reminders about a retired cadre
