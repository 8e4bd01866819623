"""A petition's 谈话函询 disposal raises the admonishment talk (诫勉谈话) or the written
inquiry (函询) here, through the `PetitionTalkRequested` event; the petition finds the record
back through the registry's linked-record source (by its stable source reference)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from cadre_supervision import events, registry
from cadres.models import Cadre

from .choices import InterviewKind
from .models import InterviewParticipant, InterviewRecord

FORMS = {"admonishment": InterviewKind.ADMONISHMENT, "written_inquiry": InterviewKind.WRITTEN_INQUIRY}


def on_petition_talk_requested(event: events.PetitionTalkRequested) -> None:
    """Inside the disposal's transaction: one record per cadre and petition (a repeated event
    changes nothing). The petition's handler is the talker / the sender of the inquiry letter."""
    kind = FORMS[event.form]
    source_id = event.source_id or str(event.petition_id)
    if InterviewRecord.objects.filter(
        source_type=event.source_type, source_id=source_id, interviewee_id=event.cadre_id
    ).exists():
        return
    cadre = Cadre.objects.get(pk=event.cadre_id)
    record = InterviewRecord.objects.create(
        kind=kind,
        date=event.date,
        interviewee=cadre,
        topics="信访举报谈话函询",
        summary=event.summary,
        created_by_id=event.user_id,
        source_type=event.source_type,
        source_id=source_id,
    )
    talker = event.handler_id or event.user_id
    if talker and get_user_model().objects.filter(pk=talker).exists():
        InterviewParticipant.objects.create(record=record, user_id=talker)


def linked_records(user, source_type: str, source_ids) -> dict[str, list[tuple[str, str]]]:
    """The talks and inquiries raised for `source_type` rows, visible to `user`."""
    out: dict[str, list[tuple[str, str]]] = {}
    rows = (
        InterviewRecord.objects.restrict(user, "view")
        .filter(source_type=source_type, source_id__in=list(source_ids))
        .select_related("interviewee")
        .order_by("date", "id")
    )
    for r in rows:
        title = f"{r.get_kind_display()}：{r.interviewee.name}（{r.date:%Y-%m-%d}）"
        out.setdefault(r.source_id, []).append((title, reverse("interviews:record_detail", args=[r.pk])))
    return out


def register() -> None:
    registry.on(events.PetitionTalkRequested, on_petition_talk_requested)
    registry.register_linked_record_source("interviews.records", linked_records)
