"""The events rotations emits reach their listeners through the real services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cadre_supervision.models import Notification
from interviews.models import RequiredTalk
from rotations import services
from rotations.choices import ExchangeKind

pytestmark = pytest.mark.django_db


def test_exchanging_a_top_leader_tells_the_audit_managers_at_once(rot, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        services.exchange_record(
            user=rot.staff_all,
            cadre=rot.cadre_b,
            to_post=rot.organ_head,
            kind=ExchangeKind.TOWNSHIP_TO_CITY,
            reason="tenure_limit",
            approval_date=today - dt.timedelta(days=5),
            effective_date=today - dt.timedelta(days=1),
        )
    note = Notification.objects.get(kind="audits.departure_unaudited", object_id=str(rot.appt_b.pk))
    assert note.recipient == rot.staff_all and "离任必审" in note.title
    # The new post is a job change (AppointmentCreated), and both units' teams changed.
    specials = set(RequiredTalk.objects.filter(kind="special_topic").values_list("cadre__name", "trigger"))
    assert (rot.cadre_b.name, "job_change") in specials
    assert (rot.cadre_a.name, "team_change") not in specials  # 甲镇's team did not change


def test_exchanging_a_deputy_sends_no_departure_notice(rot, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        services.exchange_record(
            user=rot.staff_all,
            cadre=rot.organ_cadre,
            to_post=rot.deputy_b,
            kind=ExchangeKind.CROSS_DEPARTMENT,
            reason="tenure_limit",
            approval_date=today - dt.timedelta(days=5),
            effective_date=today - dt.timedelta(days=1),
        )
    assert not Notification.objects.filter(kind="audits.departure_unaudited").exists()


def test_a_second_line_move_and_its_assessment_make_special_topic_talks_due(rot):
    today = timezone.localdate()
    record = services.secondline_move(
        user=rot.staff_all, cadre=rot.old_a, effective_date=today - dt.timedelta(days=2)
    )
    talk = RequiredTalk.objects.get(cadre=rot.old_a, kind="special_topic", trigger="job_change")
    assert (talk.source_type, talk.source_id) == ("rotations.secondlinerecord", str(record.pk))
    assert talk.category == "second_line"
    a = services.assessment_record(user=rot.staff_all, record=record, year=today.year, grade="competent")
    # Exactly one talk per recorded assessment: the general model's service is the one emitter.
    talk = RequiredTalk.objects.get(cadre=rot.old_a, kind="special_topic", trigger="assessment")
    assert (talk.source_type, talk.source_id) == ("cadres.annualassessment", str(a.pk))
