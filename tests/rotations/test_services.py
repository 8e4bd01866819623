"""Exchanges, plans and second-line transitions through the services: atomic, scoped, and
rejecting bad input with a Chinese message while saving nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadre_supervision.history import history_for
from cadres import services as cadre_services
from cadres.choices import CadreStatus
from cadres.models import AnnualAssessment, Appointment
from rotations import selectors, services
from rotations.choices import (
    AssignmentStatus,
    DueRule,
    ExchangeKind,
    LeaveStatus,
    PlanItemStatus,
    SecondLineRole,
    SecondLineStatus,
    Utilisation,
)
from rotations.models import Exchange, LeaveRequest, SecondLineRecord
from tests.factories import AppointmentFactory, CadreFactory, make_user

pytestmark = pytest.mark.django_db
D = dt.date


def _snapshot():
    return sorted(Appointment.objects.values_list("id", "cadre_id", "post_id", "start_date", "end_date"))


def _exchange(c, **over):
    data = dict(
        user=c.staff_all,
        cadre=c.cadre_b,
        to_post=c.organ_head,
        kind=ExchangeKind.TOWNSHIP_TO_CITY,
        reason="tenure_limit",
        approval_date=D(2026, 3, 1),
        effective_date=D(2026, 3, 10),
    )
    data.update(over)
    return services.exchange_record(**data)


# --- exchanges --------------------------------------------------------------------------------


def test_exchange_ends_old_and_starts_new_tenure(rot):
    ex = _exchange(rot)
    rot.appt_b.refresh_from_db()
    assert rot.appt_b.end_date == D(2026, 3, 10)
    assert ex.new_appointment.post == rot.organ_head and ex.new_appointment.start_date == D(2026, 3, 10)
    assert (
        ex.from_post == rot.sec_b and ex.from_organization == rot.town_b and ex.to_organization == rot.organ
    )
    rot.cadre_b.refresh_from_db()
    assert rot.cadre_b.organization == rot.organ  # moved with the new post
    assert ex.from_top_leader_kind == "party" and ex.to_top_leader_kind == "admin"
    assert [h["action"] for h in history_for(ex)] == ["insert"]


def test_exchange_ends_posts_held_concurrently_in_the_unit_left(rot):
    """A township secretary who is also its 镇长 (一肩挑) leaves both posts when moved away."""
    concurrent = AppointmentFactory(cadre=rot.cadre_b, post=rot.head_b, start_date=D(2018, 1, 1))
    _exchange(rot)
    concurrent.refresh_from_db()
    assert concurrent.end_date == D(2026, 3, 10)
    current = Appointment.objects.current(D(2026, 3, 11)).filter(cadre=rot.cadre_b)
    assert [a.post for a in current] == [rot.organ_head]


def test_exchange_into_occupied_top_leader_post_is_refused_and_nothing_saved(rot):
    AppointmentFactory(
        cadre=CadreFactory(name="现任局长", organization=rot.organ),
        post=rot.organ_head,
        start_date=D(2020, 1, 1),
    )
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        _exchange(rot)
    assert "已有在任一把手" in exc.value.message_dict["to_post"][0]
    assert "现任局长" in exc.value.message_dict["to_post"][0]
    assert _snapshot() == before and not Exchange.objects.exists()


def test_effective_date_before_current_start_is_refused(rot):
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        _exchange(rot, effective_date=D(2016, 8, 1), approval_date=D(2016, 7, 1))
    assert "不能早于" in exc.value.message_dict["effective_date"][0]
    assert _snapshot() == before and not Exchange.objects.exists()


def test_secondment_keeps_home_post(rot):
    ex = _exchange(
        rot,
        cadre=rot.organ_cadre,
        to_post=rot.deputy_b,
        kind=ExchangeKind.SECONDMENT,
        reason="training",
        secondment_end=D(2028, 3, 10),
    )
    rot.organ_cadre_appt.refresh_from_db()
    assert rot.organ_cadre_appt.end_date is None  # home post kept
    assert ex.new_appointment.is_secondment and ex.new_appointment.end_date == D(2028, 3, 10)
    rot.organ_cadre.refresh_from_db()
    assert rot.organ_cadre.organization == rot.organ  # a secondment does not move the cadre


def test_secondment_without_home_post_is_refused(rot):
    homeless = CadreFactory(name="无岗位", organization=rot.organ)
    with pytest.raises(ValidationError) as exc:
        _exchange(rot, cadre=homeless, to_post=rot.deputy_b, kind=ExchangeKind.SECONDMENT, reason="training")
    assert "原岗位" in exc.value.message_dict["from_post"][0]
    assert not Appointment.objects.filter(cadre=homeless).exists()


def test_exchange_kind_must_match_the_move(rot):
    with pytest.raises(ValidationError) as exc:
        _exchange(rot, kind=ExchangeKind.WITHIN_UNIT)
    assert "同一单位" in exc.value.message_dict["kind"][0]


def test_failure_half_way_leaves_both_appointments_as_they_were(rot, monkeypatch):
    """The old tenure is ended by appointment_transfer; if the new one then fails (here: the
    cadres service refuses it), the end is rolled back too."""
    before = _snapshot()
    real_create = cadre_services.appointment_create

    def failing_create(**kwargs):
        raise ValidationError({"start_date": "模拟失败"})

    monkeypatch.setattr(cadre_services, "appointment_create", failing_create)
    with pytest.raises(ValidationError) as exc:
        _exchange(rot)
    assert exc.value.message_dict["effective_date"] == ["模拟失败"]  # remapped onto our field
    assert _snapshot() == before
    monkeypatch.setattr(cadre_services, "appointment_create", real_create)


def test_failure_after_appointments_rolls_everything_back(rot, monkeypatch):
    """Even when both appointments were written, a failure writing the exchange row undoes them."""
    before = _snapshot()

    def boom(*a, **k):
        raise RuntimeError("写入失败")

    monkeypatch.setattr(Exchange.objects, "create", boom)
    with pytest.raises(RuntimeError):
        _exchange(rot)
    assert _snapshot() == before


def test_exchange_outside_scope_is_refused(rot):
    with pytest.raises(PermissionDenied):
        _exchange(rot, user=rot.staff_a)  # staff_a covers 甲镇 only
    assert not Exchange.objects.exists()
    with pytest.raises(PermissionDenied):
        _exchange(
            rot,
            user=rot.liaison_a,
            cadre=rot.cadre_a2,
            to_post=rot.organ_deputy,
            kind=ExchangeKind.TOWNSHIP_TO_CITY,
        )


def test_exchange_carries_out_the_plan_item(rot):
    plan = services.plan_create(user=rot.staff_all, organization=rot.town_b, year=2026)
    item = services.plan_item_add(
        user=rot.staff_all, plan=plan, cadre=rot.cadre_b, rule=DueRule.LEADER_TEN_YEARS
    )
    assert item.post == rot.sec_b
    ex = _exchange(rot)
    item.refresh_from_db()
    assert item.status == PlanItemStatus.DONE and item.exchange == ex
    rows = selectors.execution_by_org(user=rot.staff_all, year=2026)
    row = next(r for r in rows if r.organization == rot.town_b)
    assert (row.planned, row.done, row.plan_rate) == (1, 1, 100.0)


def test_plan_item_cannot_be_marked_done_by_hand(rot):
    plan = services.plan_create(user=rot.staff_all, organization=rot.town_b, year=2026)
    item = services.plan_item_add(user=rot.staff_all, plan=plan, cadre=rot.cadre_b)
    with pytest.raises(ValidationError) as exc:
        services.plan_item_update(user=rot.staff_all, item=item, status=PlanItemStatus.DONE)
    assert "登记交流" in exc.value.message_dict["status"][0]
    with pytest.raises(ValidationError):
        services.plan_item_add(user=rot.staff_all, plan=plan, cadre=rot.cadre_b)  # twice
    with pytest.raises(ValidationError):
        services.plan_item_add(user=rot.staff_all, plan=plan, cadre=rot.cadre_a)  # another unit
    with pytest.raises(ValidationError):
        services.plan_create(user=rot.staff_all, organization=rot.town_b, year=2026)  # duplicate plan


# --- due list and reminders ----------------------------------------------------------------------


def test_due_list_and_tenure_split_by_a_break(rot):
    on = D(2026, 11, 28)
    items = {i.cadre.name: i for i in selectors.due_items(user=rot.staff_all, on=on)}
    assert items["李强"].rule == DueRule.LEADER_TEN_YEARS and items["李强"].state == "overdue"
    assert items["李强"].mandatory_date == D(2026, 9, 1)
    # 钱敏: key middle-level post of a city organ since 29 Feb 2020 → due 28 Feb 2025
    assert items["钱敏"].rule == DueRule.KEY_MIDDLE and items["钱敏"].mandatory_date == D(2025, 2, 28)
    assert "张伟" not in items  # 甲镇 secretary since 2019
    # 张伟 left the post in 2010 after 6 years and came back in 2019: the count restarts in 2019
    AppointmentFactory(cadre=rot.cadre_a, post=rot.sec_a, start_date=D(2004, 1, 1), end_date=D(2010, 1, 1))
    assert "张伟" not in {i.cadre.name for i in selectors.due_items(user=rot.staff_all, on=on)}
    # … but a first term ending the day the current one began (early re-election in 2019)
    # joins the tenures: two terms, the second ending in 2024, before the 10-year date
    Appointment.objects.filter(cadre=rot.cadre_a, start_date=D(2004, 1, 1)).update(
        start_date=D(2016, 5, 1), end_date=D(2019, 5, 1)
    )
    item = {i.cadre.name: i for i in selectors.due_items(user=rot.staff_all, on=on)}["张伟"]
    assert item.run_start == D(2016, 5, 1) and item.terms == 2
    assert item.rule == DueRule.TWO_TERMS and item.mandatory_date == D(2024, 5, 1)
    assert [(f.rule, f.mandatory_date) for f in item.findings] == [
        (DueRule.TWO_TERMS, D(2024, 5, 1)),
        (DueRule.LEADER_TEN_YEARS, D(2026, 5, 1)),
    ]


def test_due_list_is_scoped(rot):
    names = {i.cadre.name for i in selectors.due_items(user=rot.staff_a, on=D(2026, 11, 28))}
    assert "李强" not in names and "钱敏" not in names
    assert selectors.due_items(user=rot.nobody) == []


def test_avoidance_case_puts_the_cadre_on_the_due_list_until_exchanged(rot):
    services.avoidance_raise(
        user=rot.staff_all, cadre=rot.cadre_a2, reason="配偶任本镇财政所所长", raised_on=D(2026, 5, 1)
    )
    items = {i.cadre.name: i for i in selectors.due_items(user=rot.staff_all)}
    assert items["王芳"].rule == DueRule.AVOIDANCE and items["王芳"].state == "overdue"
    _exchange(
        rot,
        cadre=rot.cadre_a2,
        to_post=rot.organ_deputy,
        reason="avoidance",
        effective_date=D(2026, 6, 1),
        approval_date=D(2026, 5, 20),
    )
    assert "王芳" not in {i.cadre.name for i in selectors.due_items(user=rot.staff_all)}


def test_reminder_sweep_notifies_org_staff_once(rot):
    from cadre_supervision.models import Notification
    from cadre_supervision.notifications import run_sweep

    run_sweep(D(2026, 11, 28), deliver=False)
    rows = Notification.objects.filter(kind__startswith="rotations.")
    recipients = set(rows.values_list("recipient__username", flat=True))
    assert recipients == {"staff_all", "staff_a"}  # org staff only (no liaison, no discipline)
    # staff_a covers 甲镇 only: reminded of 周老 (甲镇), not of 李强 (乙镇)
    assert set(rows.filter(recipient=rot.staff_a).values_list("object_id", flat=True)) == {
        f"{rot.old_a.pk}:{rot.old_a_post.pk}:leader_10y"
    }
    assert rows.filter(kind="rotations.due_passed", object_id__startswith=f"{rot.cadre_b.pk}:").exists()
    n = rows.count()
    run_sweep(D(2026, 11, 28), deliver=False)
    assert Notification.objects.filter(kind__startswith="rotations.").count() == n  # idempotent
    # 90 days before: "soon"
    Notification.objects.all().delete()
    run_sweep(D(2026, 6, 10), deliver=False)
    assert Notification.objects.filter(
        kind="rotations.due_soon", object_id__startswith=f"{rot.cadre_b.pk}:"
    ).exists()


def test_recipients_follow_ancestor_grants(rot):
    staff_organ = make_user("staff_organ", "org_staff", [rot.organ])
    got = selectors.recipients_by_org([rot.organ.pk, rot.town_a.pk])
    assert got[rot.organ.pk] == {rot.staff_all.pk, staff_organ.pk}
    assert got[rot.town_a.pk] == {rot.staff_all.pk, rot.staff_a.pk}


# --- second line -------------------------------------------------------------------------------------


def test_move_to_second_line_ends_leading_post_and_sets_status(rot):
    record = services.secondline_move(
        user=rot.staff_all,
        cadre=rot.old_a,
        effective_date=D(2025, 6, 1),
        willing_to_serve=True,
        preferred_roles=[SecondLineRole.INSPECTION],
    )
    rot.old_a_appt.refresh_from_db()
    rot.old_a.refresh_from_db()
    assert rot.old_a_appt.end_date == D(2025, 6, 1) and rot.old_a_appt.end_reason == "改任非领导职务"
    assert rot.old_a.status == CadreStatus.SECOND_LINE
    assert record.former_post == rot.old_a_post and record.preferred_roles == ["inspection"]


def test_move_to_second_line_is_atomic(rot, monkeypatch):
    before = _snapshot()

    def failing_update(**kwargs):
        raise ValidationError({"status": "模拟失败"})

    monkeypatch.setattr(cadre_services, "cadre_update", failing_update)
    with pytest.raises(ValidationError):
        services.secondline_move(user=rot.staff_all, cadre=rot.old_a, effective_date=D(2025, 6, 1))
    assert _snapshot() == before
    rot.old_a.refresh_from_db()
    assert rot.old_a.status == CadreStatus.ACTIVE and not SecondLineRecord.objects.exists()


def test_liaison_cannot_move_a_cadre_to_the_second_line(rot):
    with pytest.raises(PermissionDenied):
        services.secondline_move(user=rot.liaison_a, cadre=rot.old_a, effective_date=D(2025, 6, 1))


def test_assignment_of_a_cadre_not_on_second_line_is_refused(secondline):
    c = secondline
    with pytest.raises(ValidationError) as exc:
        services.assignment_propose(user=c.staff_all, cadre=c.cadre_a2, role=SecondLineRole.INSPECTION)
    assert "不是在岗的二线干部" in exc.value.message_dict["cadre"][0]


def test_two_way_choice_and_mentoring(secondline):
    c = secondline
    opening = services.opening_create(
        user=c.liaison_a, organization=c.town_a, role=SecondLineRole.MENTORING, title="新录用公务员帮带"
    )
    with pytest.raises(ValidationError) as exc:
        services.assignment_propose(user=c.liaison_a, cadre=c.old_a, opening=opening)
    assert "帮带对象" in exc.value.message_dict["mentees"][0]
    a = services.assignment_propose(
        user=c.liaison_a, cadre=c.old_a, opening=opening, mentees=[c.cadre_a2], unit_agreed=True
    )
    with pytest.raises(ValidationError) as exc:
        services.assignment_confirm(user=c.staff_all, assignment=a)
    assert "双向选择" in exc.value.message_dict["status"][0]
    services.assignment_agree(user=c.liaison_a, assignment=a, cadre_agreed=True)
    with pytest.raises(PermissionDenied):
        services.assignment_confirm(user=c.liaison_a, assignment=a)  # staff confirm matches
    a = services.assignment_confirm(user=c.staff_all, assignment=a)
    assert a.status == AssignmentStatus.CONFIRMED and list(a.mentees.all()) == [c.cadre_a2]
    rec = selectors.secondline_with_roles(SecondLineRecord.objects.filter(pk=c.rec_a.pk)).get()
    assert selectors.utilisation_of(rec) == Utilisation.AT_WORK
    # the opening had one slot
    other = CadreFactory(name="郑老", organization=c.town_a)
    AppointmentFactory(cadre=other, post=c.dep_a, start_date=D(2015, 1, 1))
    services.secondline_move(user=c.staff_all, cadre=other, effective_date=D(2025, 7, 1))
    a2 = services.assignment_propose(
        user=c.staff_all,
        cadre=other,
        opening=opening,
        mentees=[c.cadre_a],
        cadre_agreed=True,
        unit_agreed=True,
    )
    with pytest.raises(ValidationError) as exc:
        services.assignment_confirm(user=c.staff_all, assignment=a2)
    assert "名额已满" in exc.value.message_dict["opening"][0]


def test_leave_overlap_approval_and_return(secondline):
    c = secondline
    lv = services.leave_request_create(
        user=c.liaison_a, record=c.rec_a, start_date=D(2026, 3, 1), end_date=D(2026, 3, 5), reason="就医"
    )
    with pytest.raises(ValidationError) as exc:
        services.leave_request_create(
            user=c.liaison_a, record=c.rec_a, start_date=D(2026, 3, 5), end_date=D(2026, 3, 8), reason="探亲"
        )
    assert "重叠" in exc.value.message_dict["start_date"][0]
    assert LeaveRequest.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.leave_decide(
            user=c.liaison_a, leave=lv, approve=True
        )  # a liaison records, the head approves
    with pytest.raises(PermissionDenied):
        services.leave_decide(
            user=c.staff_a,
            leave=services.leave_request_create(
                user=c.staff_all,
                record=c.rec_b,
                start_date=D(2026, 3, 1),
                end_date=D(2026, 3, 2),
                reason="事",
            ),
            approve=True,
        )
    lv = services.leave_decide(user=c.head_user, leave=lv, approve=True)  # 甲镇 镇长
    assert lv.status == LeaveStatus.APPROVED and lv.decided_by == c.head_user
    with pytest.raises(ValidationError):
        services.leave_decide(user=c.head_user, leave=lv, approve=True)
    with pytest.raises(ValidationError) as exc:
        services.absence_record(user=c.liaison_a, record=c.rec_a, date=D(2026, 3, 2))
    assert "已批准请假" in exc.value.message_dict["date"][0]
    services.absence_record(user=c.liaison_a, record=c.rec_a, date=D(2026, 3, 9), note="未请假未到岗")
    lv = services.leave_return(user=c.liaison_a, leave=lv, returned_on=D(2026, 3, 5))
    assert lv.status == LeaveStatus.RETURNED
    assert [h["action"] for h in history_for(lv)][-1] == "insert" and len(history_for(lv)) == 3


def test_unit_head_of_another_unit_cannot_approve(secondline):
    c = secondline
    lv = services.leave_request_create(
        user=c.staff_all, record=c.rec_b, start_date=D(2026, 3, 1), end_date=D(2026, 3, 2), reason="事"
    )
    with pytest.raises(PermissionDenied):
        services.leave_decide(user=c.head_user, leave=lv, approve=True)


def test_assessment_and_early_retirement(secondline):
    c = secondline
    a = services.assessment_record(
        user=c.staff_all, record=c.rec_a, year=2025, grade="competent", notes="表现平稳"
    )
    # One concept: the second-line assessment is the cadre's general annual assessment.
    assert isinstance(a, AnnualAssessment)
    assert list(
        AnnualAssessment.objects.filter(cadre=c.rec_a.cadre).values_list("year", "grade", "notes")
    ) == [(2025, "competent", "表现平稳")]
    with pytest.raises(ValidationError) as exc:
        services.assessment_record(user=c.staff_all, record=c.rec_a, year=2025, grade="excellent")
    assert exc.value.message_dict == {"year": ["2025年度考核已登记。"]}
    # A year the general record already holds (entered on the dossier) is refused here too.
    cadre_services.assessment_record(user=c.staff_all, cadre=c.rec_b.cadre, year=2026, grade="excellent")
    with pytest.raises(ValidationError) as exc:
        services.assessment_record(user=c.staff_all, record=c.rec_b, year=2026, grade="basic")
    assert exc.value.message_dict == {"year": ["2026年度考核已登记。"]}
    # Years before the move to the second line are not second-line assessments.
    with pytest.raises(ValidationError) as exc:
        services.assessment_record(user=c.staff_all, record=c.rec_a, year=2024, grade="competent")
    assert exc.value.message_dict == {"year": ["考核年度须在2025年至今年之间。"]}
    with pytest.raises(ValidationError):
        services.assessment_record(user=c.staff_all, record=c.rec_a, year=2026, grade="bogus")
    with pytest.raises(PermissionDenied):
        services.assessment_record(user=c.liaison_a, record=c.rec_a, year=2026, grade="excellent")
    assert AnnualAssessment.objects.filter(cadre=c.rec_a.cadre).count() == 1
    with pytest.raises(ValidationError) as exc:
        services.secondline_early_retire(
            user=c.staff_all,
            record=c.rec_a,
            retirement_date=D(2026, 1, 1),
            approved_on=D(2025, 12, 20),
            approval="",
        )
    assert "批准" in exc.value.message_dict["approval"][0]
    rec = services.secondline_early_retire(
        user=c.staff_all,
        record=c.rec_a,
        retirement_date=D(2026, 1, 1),
        approved_on=D(2025, 12, 20),
        approval="市委组织部〔2025〕12号",
    )
    assert rec.status == SecondLineStatus.EARLY_RETIRED
    rec = selectors.secondline_with_roles(SecondLineRecord.objects.filter(pk=rec.pk)).get()
    assert selectors.utilisation_of(rec) == Utilisation.OTHER


def test_utilisation_filter_agrees_with_the_rule(secondline):
    from rotations.filters import utilisation_q

    c = secondline
    a = services.assignment_propose(
        user=c.staff_all,
        cadre=c.old_b,
        role=SecondLineRole.ENTERPRISE_HELP,
        cadre_agreed=True,
        unit_agreed=True,
    )
    services.assignment_confirm(user=c.staff_all, assignment=a)
    recs = selectors.secondline_with_roles(SecondLineRecord.objects.all())
    for cat, _l in Utilisation.choices:
        by_rule = {r.pk for r in recs if selectors.utilisation_of(r) == cat}
        by_sql = set(SecondLineRecord.objects.filter(utilisation_q(cat)).values_list("pk", flat=True))
        assert by_rule == by_sql, cat


def test_cadre_page_panel(secondline):
    from django.template.loader import render_to_string

    from cadre_supervision import registry
    from rotations.integration import cadre_panel

    c = secondline
    assert cadre_panel in registry.cadre_page_panels
    panel = cadre_panel(c.cadre_b, c.staff_all)
    html = render_to_string(panel["template"], panel["context"])
    assert "同一职位任职满10年须交流" in html
    panel = cadre_panel(c.old_a, c.liaison_a)  # liaison: second-line part only
    assert panel["context"]["due"] == [] and "二线干部" in render_to_string(
        panel["template"], panel["context"]
    )
    assert cadre_panel(c.cadre_b, c.liaison_a) is None  # nothing the liaison may see
