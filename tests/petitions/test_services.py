"""Services: registering, disposing (谈话函询 raises the talk in interviews through the event),
concluding, feedback, escalation; bad input saves nothing; scope is re-checked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadre_supervision import registry
from cadre_supervision.history import history_for
from interviews.choices import InterviewKind
from interviews.models import InterviewRecord
from petitions import selectors, services
from petitions.choices import Status
from petitions.models import Petition, PetitionReporter
from tests.petitions.conftest import TODAY

D = dt.date
pytestmark = pytest.mark.django_db


def _dispose(c, p, **kw):
    args = {
        "disposal": "talk_inquiry",
        "talk_form": "written_inquiry",
        "decided_on": D(2026, 3, 10),
        "note": "函询",
    }
    args.update(kw)
    return services.petition_dispose(user=c.disc_a, petition=p, today=TODAY, **args)


def test_create_sets_deadline_by_working_days_and_stores_reporter_apart(pet):
    p = pet.pet_a
    assert p.deadline == services.deadline_for(D(2026, 3, 2))
    assert p.deadline > D(2026, 3, 2) + dt.timedelta(days=60)  # 60 working days, not calendar days
    assert p.status == Status.REGISTERED
    assert PetitionReporter.objects.get(petition=p).name == "赵举报"
    assert not hasattr(Petition, "reporter_name")


@pytest.mark.parametrize(
    "change,field",
    [
        ({"title": " "}, "title"),
        ({"channel": "fax"}, "channel"),
        ({"received_on": D(2026, 7, 1)}, "received_on"),
        ({"content": ""}, "content"),
        ({"anonymous": False, "reporter": {"name": ""}}, "reporter_name"),
        ({"anonymous": True, "reporter": {"name": "某人"}}, "anonymous"),
    ],
)
def test_create_rejects_bad_input(pet, change, field):
    before = Petition.objects.count()
    kwargs = dict(
        user=pet.disc_a,
        title="标题",
        channel="letter",
        received_on=D(2026, 5, 1),
        organization=pet.town_a,
        content="内容",
        handler=pet.disc_a,
        today=TODAY,
    )
    kwargs.update(change)
    with pytest.raises(ValidationError) as e:
        services.petition_create(**kwargs)
    assert field in e.value.message_dict
    assert Petition.objects.count() == before


def test_create_outside_scope_refused(pet):
    with pytest.raises(PermissionDenied):
        services.petition_create(
            user=pet.disc_a,
            title="越权",
            channel="letter",
            received_on=D(2026, 5, 1),
            organization=pet.town_b,
            content="内容",
            handler=pet.disc_a,
            today=TODAY,
        )


def test_org_staff_register_only_12380(pet):
    kwargs = dict(
        user=pet.staff_a,
        title="选人用人举报",
        received_on=D(2026, 5, 1),
        organization=pet.town_a,
        content="反映干部选拔程序不规范",
        handler=pet.staff_a,
        today=TODAY,
    )
    with pytest.raises(PermissionDenied):
        services.petition_create(channel="letter", **kwargs)
    p = services.petition_create(channel="12380", **kwargs)
    assert Petition.objects.restrict(pet.staff_a).filter(pk=p.pk).exists()
    assert not Petition.objects.restrict(pet.staff_a).filter(pk=pet.pet_a.pk).exists()


def test_talk_inquiry_raises_the_written_inquiry_in_interviews(pet):
    p = _dispose(pet, pet.pet_a)
    assert p.status == Status.HANDLING and p.disposal == "talk_inquiry"
    rec = InterviewRecord.objects.get(source_type="petitions.petition", source_id=str(p.pk))
    assert rec.kind == InterviewKind.WRITTEN_INQUIRY
    assert rec.interviewee_id == pet.cadre_a.pk
    assert list(rec.participants.values_list("user_id", flat=True)) == [pet.disc_a.pk]
    talks = selectors.talks_of(user=pet.disc_a, petition=p)
    assert len(talks) == 1 and talks[0][1] == rec.get_absolute_url()
    # Not visible to a discipline officer of another town.
    assert selectors.talks_of(user=pet.disc_b, petition=p) == []


def test_admonishment_form_and_event_once(pet):
    from cadre_supervision import events

    p = _dispose(pet, pet.pet_a, talk_form="admonishment")
    rec = InterviewRecord.objects.get(source_id=str(p.pk))
    assert rec.kind == InterviewKind.ADMONISHMENT
    registry.emit(
        events.PetitionTalkRequested(
            petition_id=p.pk,
            cadre_id=pet.cadre_a.pk,
            form="admonishment",
            date=D(2026, 3, 10),
            handler_id=pet.disc_a.pk,
            summary="再次",
            source_id=str(p.pk),
        )
    )
    assert InterviewRecord.objects.filter(source_id=str(p.pk)).count() == 1


def test_disposal_rules_enforced_and_nothing_saved(pet):
    with pytest.raises(ValidationError) as e:
        _dispose(pet, pet.pet_a, talk_form="")
    assert "talk_form" in e.value.message_dict
    p = Petition.objects.get(pk=pet.pet_a.pk)
    assert p.disposal == "" and not InterviewRecord.objects.exists()
    p = _dispose(pet, p, disposal="closed", talk_form="", note="予以了结")
    with pytest.raises(ValidationError) as e:
        _dispose(pet, p, disposal="preliminary", talk_form="")
    assert "disposal" in e.value.message_dict


def test_dispose_outside_scope_refused(pet):
    with pytest.raises(PermissionDenied):
        services.petition_dispose(
            user=pet.disc_a,
            petition=pet.pet_b,
            disposal="shelved",
            decided_on=D(2026, 3, 10),
            note="x",
            today=TODAY,
        )
    assert Petition.objects.get(pk=pet.pet_b.pk).disposal == ""


def test_conclude_and_feedback(pet):
    p = _dispose(pet, pet.pet_a, disposal="preliminary", talk_form="")
    with pytest.raises(ValidationError):
        services.petition_feedback(user=pet.disc_a, petition=p, given_on=D(2026, 4, 1), note="x", today=TODAY)
    p = services.petition_conclude(
        user=pet.disc_a, petition=p, result="partly", concluded_on=D(2026, 4, 1), note="部分属实", today=TODAY
    )
    assert p.status == Status.CONCLUDED
    p = services.petition_feedback(
        user=pet.disc_a, petition=p, given_on=D(2026, 4, 2), note="已反馈", today=TODAY
    )
    assert p.feedback_on == D(2026, 4, 2)
    with pytest.raises(ValidationError):
        services.petition_conclude(
            user=pet.disc_a, petition=p, result="true", concluded_on=D(2026, 4, 3), note="x", today=TODAY
        )
    # Anonymous: no feedback.
    q = services.petition_dispose(
        user=pet.disc_b,
        petition=pet.pet_b,
        disposal="closed",
        decided_on=D(2026, 3, 6),
        note="了结",
        today=TODAY,
    )
    q = services.petition_conclude(
        user=pet.disc_b, petition=q, result="false", concluded_on=D(2026, 3, 7), note="不属实", today=TODAY
    )
    with pytest.raises(ValidationError) as e:
        services.petition_feedback(user=pet.disc_b, petition=q, given_on=D(2026, 3, 8), note="x", today=TODAY)
    assert "匿名" in e.value.message_dict["note"][0]


def test_escalation_step_and_history(pet):
    late = pet.pet_b.deadline + dt.timedelta(days=1)
    assert services.escalate_overdue(late) == 2
    assert services.escalate_overdue(late) == 0
    p = Petition.objects.get(pk=pet.pet_a.pk)
    assert p.escalated_on == late
    assert any("督办日期" in str(h) for h in history_for(p))
    specs = list(selectors.overdue_reminders(late))
    assert {s.recipient_id for s in specs} == {pet.disc_a.pk, pet.disc_b.pk}


def test_duplicates_same_cadre_similar_content(pet):
    dups = selectors.duplicates(
        user=pet.disc_a,
        cadre_ids=[pet.cadre_a.pk],
        content="举报张伟春节期间收受企业负责人礼金和购物卡",
        received_on=D(2026, 5, 1),
    )
    assert [p.pk for p, _s in dups] == [pet.pet_a.pk]
    assert (
        selectors.duplicates(
            user=pet.disc_a,
            cadre_ids=[pet.cadre_a2.pk],
            content="收受礼金和购物卡",
            received_on=D(2026, 5, 1),
        )
        == []
    )
    assert (
        selectors.duplicates(
            user=pet.disc_a, cadre_ids=[pet.cadre_a.pk], content="道路工程质量差", received_on=D(2026, 5, 1)
        )
        == []
    )
    # Outside the window (a year by policy).
    assert (
        selectors.duplicates(
            user=pet.disc_a, cadre_ids=[pet.cadre_a.pk], content=pet.pet_a.content, received_on=D(2027, 6, 1)
        )
        == []
    )


def test_warning_sources_and_timeline(pet):
    ws = registry.warnings_for(pet.discipline, [pet.cadre_a.pk], sources=["petitions.open"])
    assert [w.cadre_id for w in ws] == [pet.cadre_a.pk]
    assert registry.warning_source("petitions.open").blocks_promotion
    assert "petitions" in registry.warning_channels()
    p = _dispose(pet, pet.pet_a, disposal="preliminary", talk_form="")
    services.petition_conclude(
        user=pet.disc_a, petition=p, result="true", concluded_on=TODAY, note="属实", today=TODAY
    )
    assert registry.warnings_for(pet.discipline, [pet.cadre_a.pk], sources=["petitions.open"]) == []
    red = registry.warnings_for(pet.staff_all, [pet.cadre_a.pk], sources=["petitions.substantiated"])
    assert len(red) == 1 and red[0].severity == "danger"
    assert registry.warning_source("petitions.substantiated").level == "red"
    # Out of scope: 乙镇's officer sees no signal about 甲镇's cadre.
    assert registry.warnings_for(pet.disc_b, [pet.cadre_a.pk], sources=["petitions.substantiated"]) == []
    entries = list(registry.timeline_sources["petitions"](pet.cadre_a, pet.disc_a))
    assert {e.kind for e in entries} == {"petitions.disposal", "petitions.result"}
    assert list(registry.timeline_sources["petitions"](pet.cadre_a, pet.disc_b)) == []


def test_heavy_units_and_audit_plan_suggestion(pet):
    for i in range(4):
        services.petition_create(
            user=pet.disc_a,
            title=f"第{i}件",
            channel="phone",
            received_on=D(2026, 4, 1 + i),
            organization=pet.town_a,
            content=f"内容{i}",
            handler=pet.disc_a,
            today=TODAY,
        )
    rows = list(selectors.heavy_units(user=pet.disc_a, start=D(2025, 1, 1), end=D(2026, 12, 31)))
    assert [(o.name, o.n_petitions) for o in rows] == [("甲镇", 5)]
    suggestions = registry.audit_plan_suggestions_for(pet.staff_all, 2026)
    assert [org_id for org_id, _r in suggestions] == [pet.town_a.pk]
    assert registry.audit_plan_suggestions_for(pet.disc_b, 2026) == []


def test_stats_in_scope(pet):
    s = selectors.stats(user=pet.disc_a, year=2026)
    assert s["total"] == 1 and s["by_channel"][0] == {"key": "letter", "label": "来信", "count": 1}
    assert selectors.stats(user=pet.stats, year=2026)["total"] == 2
    assert selectors.stats(user=pet.nobody, year=2026)["total"] == 0


def test_assign_moves_reporter_visibility(pet):
    assert selectors.reporter_for(user=pet.disc_a2, petition=pet.pet_a) is None
    services.petition_assign(user=pet.disc_a, petition=pet.pet_a, handler=pet.disc_a2, co_handlers=[])
    p = Petition.objects.get(pk=pet.pet_a.pk)
    assert selectors.reporter_for(user=pet.disc_a2, petition=p).name == "赵举报"
    assert selectors.reporter_for(user=pet.disc_a, petition=p) is None
    with pytest.raises(ValidationError) as e:
        services.petition_assign(user=pet.disc_a2, petition=p, handler=pet.disc_b)
    assert "handler" in e.value.message_dict
    assert Petition.objects.get(pk=p.pk).handler_id == pet.disc_a2.pk


def test_co_handler_without_permission_refused(pet):
    before = Petition.objects.count()
    with pytest.raises(ValidationError) as e:
        services.petition_create(
            user=pet.disc_a,
            title="标题",
            channel="letter",
            received_on=D(2026, 5, 1),
            organization=pet.town_a,
            content="内容",
            handler=pet.disc_a,
            co_handlers=[pet.disc_b],
            today=TODAY,
        )
    assert "co_handlers" in e.value.message_dict and Petition.objects.count() == before
