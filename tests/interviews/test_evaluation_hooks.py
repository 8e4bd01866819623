"""A 关爱提醒函 sent raises one 提醒谈话 (interviews/evaluation_hooks.py); reminder talks are
fulfilled by reminder-talk records only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cadre_supervision import events, registry
from interviews import evaluation_hooks, rules
from interviews.choices import InterviewKind
from interviews.models import RequiredTalk

pytestmark = pytest.mark.django_db


def test_letter_sent_raises_one_reminder_talk(city):
    today = timezone.localdate()
    event = events.CareLetterSent(
        letter_id=41, cadre_id=city.cadre_a.pk, sent_on=today, reason="评议等次较差"
    )
    registry.emit(event)
    registry.emit(event)  # a repeated event changes nothing
    talks = RequiredTalk.objects.filter(source_type=evaluation_hooks.SOURCE_TYPE, source_id="41")
    assert talks.count() == 1
    talk = talks.get()
    assert talk.kind == InterviewKind.REMINDER and talk.year == today.year and talk.due_date >= today
    assert talk.title == "提醒谈话（关爱提醒函）" and "评议等次较差" in talk.note


def test_reminder_talk_fulfilled_by_a_reminder_record_only():
    d = dt.date(2026, 11, 1)
    talks = [rules.TalkRef(1, InterviewKind.REMINDER, 2026, d + dt.timedelta(days=30), d)]
    special = rules.RecordRef(10, InterviewKind.SPECIAL_TOPIC, d + dt.timedelta(days=2))
    reminder = rules.RecordRef(11, InterviewKind.REMINDER, d + dt.timedelta(days=5))
    assert rules.match_fulfilment(talks, [special]) == {1: (None, None)}
    assert rules.match_fulfilment(talks, [special, reminder]) == {1: (11, reminder.date)}
