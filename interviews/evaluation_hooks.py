"""A 关爱提醒函 sent (evaluations) makes a 提醒谈话 due: one reminder talk per letter, with the
interviewer the assignment table names for the cadre, due within the special-topic days."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from cadre_supervision import events, registry
from cadre_supervision.notifications import ReminderSpec, notify
from cadres.models import Cadre

from . import policies, rules, services
from .choices import InterviewKind, ReminderKind
from .models import RequiredTalk

SOURCE_TYPE = "evaluations.careletter"


def reminder_talk_raise(*, cadre: Cadre, letter_id: int, sent_on, reason: str = "") -> RequiredTalk | None:
    """Raise the reminder talk of a care letter (None: the cadre needs no talks, or the
    letter already raised one)."""
    today = timezone.localdate()
    if RequiredTalk.objects.filter(
        cadre=cadre, kind=InterviewKind.REMINDER, source_type=SOURCE_TYPE, source_id=str(letter_id)
    ).exists():
        return None
    resp = services.responsibility(services.facts_for(cadre, today), services.assignment_refs())
    if resp.exempt:
        return None
    due = rules.special_due_date(min(sent_on, today), policies.current().special_due_days)
    talk = RequiredTalk(
        cadre=cadre,
        year=sent_on.year,  # the year the letter was sent, whatever the due date
        kind=InterviewKind.REMINDER,
        trigger_date=sent_on,
        source_type=SOURCE_TYPE,
        source_id=str(letter_id),
        due_date=due,
        category=resp.category,
        interviewer_role=resp.role,
        responsible_id=resp.user_id,
        note=f"关爱提醒函：{reason}"[:1000],
    )
    try:
        with transaction.atomic():
            talk.save()
    except IntegrityError:
        return None
    services.fulfilment_sync(cadre.pk)
    if talk.responsible_id:
        notify(
            [
                ReminderSpec(
                    recipient_id=talk.responsible_id,
                    kind=ReminderKind.ASSIGNED,
                    period="",
                    title=f"新的提醒谈话任务：{cadre.name}（关爱提醒函）",
                    body=f"请于 {talk.due_date:%Y-%m-%d} 前与{cadre.name}开展提醒谈话。",
                    url=services._talk_url(talk),
                    object_type="interviews.requiredtalk",
                    object_id=str(talk.pk),
                )
            ]
        )
    return talk


def on_care_letter_sent(event: events.CareLetterSent) -> None:
    reminder_talk_raise(
        cadre=Cadre.objects.get(pk=event.cadre_id),
        letter_id=event.letter_id,
        sent_on=event.sent_on,
        reason=event.reason,
    )


def register() -> None:
    # Inside the sending transaction: the letter and its talk are written together.
    registry.on(events.CareLetterSent, on_care_letter_sent)
