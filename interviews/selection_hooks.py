"""A candidate appointed through a selection is due a 任前廉政谈话 (pre-appointment integrity
talk): raised as a special-topic talk whose trigger says so."""

from __future__ import annotations

from django.utils import timezone

from cadre_supervision import events, registry
from cadres.models import Cadre

from .choices import SpecialTrigger


def on_selection_appointed(event: events.SelectionAppointed) -> None:
    from .services import special_talk_raise

    today = timezone.localdate()
    special_talk_raise(
        user=None,
        cadre=Cadre.objects.get(pk=event.cadre_id),
        trigger=SpecialTrigger.PRE_APPOINTMENT,
        trigger_date=min(event.start_date, today),
        note="选拔任用后任前廉政谈话",
        source_type="selection.candidate",
        source_id=str(event.candidate_id),
        today=today,
    )


def register() -> None:
    registry.on(events.SelectionAppointed, on_selection_appointed, after_commit=True)
