"""Domain events: one frozen dataclass per event type.

An app announces a fact with `registry.emit(SomeEvent(...))`; other apps react by registering
a listener for the type in their AppConfig.ready(): `registry.on(SomeEvent, fn)`, where
`fn(event)` takes the event. Events carry ids and plain values, never model instances, so a
listener that runs after commit reads the committed rows itself.

Every type here has an emitter in production code and at least one listener; a test scans the
source to keep it so (tests/test_events.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Event:
    user_id: int | None = None  # who caused it; None for the system (imports, sweeps)


@dataclass(frozen=True, kw_only=True)
class AppointmentCreated(Event):
    """A tenure was recorded (cadres.services.appointment_create)."""

    appointment_id: int
    cadre_id: int
    organization_id: int
    post_title: str
    start_date: dt.date
    is_leading: bool
    is_top_leader: bool


@dataclass(frozen=True, kw_only=True)
class AppointmentEnded(Event):
    """A tenure was ended (cadres.services.appointment_end)."""

    appointment_id: int
    cadre_id: int
    organization_id: int
    end_date: dt.date
    is_leading: bool
    is_top_leader: bool


@dataclass(frozen=True, kw_only=True)
class CadreStatusChanged(Event):
    """A cadre's status changed (在职 → 二线, 退休, 调出 …)."""

    cadre_id: int
    old_status: str
    new_status: str


@dataclass(frozen=True, kw_only=True)
class TeamChanged(Event):
    """An organization's leadership team changed: its 党政正职 took up or left the post
    (emitted by cadres.services with the appointment that did it)."""

    organization_id: int
    date: dt.date
    appointment_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class AuditCreated(Event):
    """A 三责联审 audit was opened on a cadre's tenure (audits.services.audit_create)."""

    audit_id: int
    cadre_id: int
    planned_date: dt.date
    title: str


@dataclass(frozen=True, kw_only=True)
class AssessmentRecorded(Event):
    """An annual assessment (年度考核) of a cadre was recorded."""

    cadre_id: int
    year: int
    grade: str
    source: str  # "<app>.<model>" of the assessment row
    source_id: int


@dataclass(frozen=True, kw_only=True)
class RotationExchanged(Event):
    """A cadre was exchanged (轮岗交流) from one post to another (rotations.services)."""

    exchange_id: int
    cadre_id: int
    from_appointment_id: int | None
    from_organization_id: int
    to_organization_id: int
    from_top_leader: bool
    is_secondment: bool
    effective_date: dt.date


@dataclass(frozen=True, kw_only=True)
class SecondLineMoved(Event):
    """A cadre left their leading post for a non-leading one (改任非领导职务, 退二线)."""

    record_id: int
    cadre_id: int
    organization_id: int
    former_post: str
    moved_on: dt.date


# --- petitions (信访举报) ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PetitionTalkRequested(Event):
    """A petition's problem clue was disposed of by 谈话函询 (petitions.services): the
    admonishment talk (诫勉谈话) or written inquiry (函询) is raised for each concerned cadre.
    `source_type`/`source_id` name the petition so the talk can be found back from it."""

    petition_id: int
    cadre_id: int
    form: str  # "admonishment" (谈话) | "written_inquiry" (函询)
    date: dt.date
    handler_id: int | None
    summary: str
    source_type: str = "petitions.petition"
    source_id: str = ""


# --- evaluations ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CareLetterSent(Event):
    """A 关爱提醒函 was sent to a cadre (evaluations.services.care_letter_send): a 提醒谈话
    becomes due (interviews/evaluation_hooks.py)."""

    letter_id: int
    cadre_id: int
    sent_on: dt.date
    reason: str


EVENT_TYPES: tuple[type[Event], ...] = (
    AppointmentCreated,
    AppointmentEnded,
    CadreStatusChanged,
    TeamChanged,
    AuditCreated,
    AssessmentRecorded,
    RotationExchanged,
    SecondLineMoved,
    PetitionTalkRequested,
    CareLetterSent,
)


# --- selection (选人用人监督) -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SelectionCandidateNominated(Event):
    """A cadre was nominated as a candidate of a selection (selection.services): the owner
    of personal-matter reports opens the targeted verification (凡提必核)."""

    candidate_id: int
    selection_id: int
    cadre_id: int
    proposed_post: str


@dataclass(frozen=True, kw_only=True)
class SelectionAppointed(Event):
    """A cleared candidate was appointed (the tenure exists): a 任前廉政谈话 is due."""

    candidate_id: int
    selection_id: int
    cadre_id: int
    appointment_id: int
    start_date: dt.date


EVENT_TYPES += (SelectionCandidateNominated, SelectionAppointed)
