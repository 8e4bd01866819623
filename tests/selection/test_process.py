"""The process: nomination fills the checklist, letters, the survey, clearance (with and
without override), flags of every kind, the petitions source branch, the appointment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audits.models import Finding
from cadre_supervision import events, registry
from cadres.choices import AssessmentGrade, VerificationStatus
from cadres.models import AnnualAssessment, DossierVerification, Sanction
from interviews.models import RequiredTalk
from reports.choices import Outcome
from reports.choices import VerificationStatus as RVS
from reports.models import Verification
from selection import selectors, services
from selection.choices import CandidateStatus, ExceptionKind, Stage
from selection.models import Candidate, GateException, OpinionLetter
from tests.selection.conftest import answer_all, survey_all, to_stage

pytestmark = pytest.mark.django_db


def states(cand):
    return {i.key: i.state for i in selectors.checklist(cand).items}


def finish_personal(cand, outcome=Outcome.CONSISTENT):
    v = Verification.objects.get(source_type="selection.candidate", source_id=cand.pk, kind="targeted")
    Verification.objects.filter(pk=v.pk).update(status=RVS.DONE, outcome=outcome)


def ready(sel, cand):
    """Everything passes: letters answered, survey done, personal check consistent."""
    answer_all(sel, cand)
    survey_all(sel, cand)
    finish_personal(cand)
    to_stage(sel, cand.selection, Stage.PREREVIEW)


def test_nomination_opens_letters_to_every_required_agency_and_the_targeted_check(sel):
    assert set(sel.cand_a.letters.values_list("agency__name", flat=True)) == {
        "市纪委监委",
        "市人民检察院",
        "市公安局",
        "市审计局",
    }
    letter = sel.letter_a
    assert letter.due_on > letter.sent_on  # reply due in working days by policy
    v = Verification.objects.get(source_type="selection.candidate", source_id=sel.cand_a.pk)
    assert v.kind == "targeted" and v.report.cadre_id == sel.cadre_a.pk
    assert v.proposed_post  # the post the candidate is nominated for
    s = states(sel.cand_a)
    assert s == {
        "dossier": "pass",
        "personal": "open",
        "letters": "open",
        "petitions": "pass",  # the petitions app is the source: no open or substantiated petition
        "survey": "open",
        "flags": "pass",
    }


def test_the_checklist_passes_when_everything_is_in_and_clearance_succeeds(sel):
    ready(sel, sel.cand_a)
    assert set(states(sel.cand_a).values()) == {"pass"}
    services.candidate_clear(user=sel.staff_all, candidate=sel.cand_a)
    cand = Candidate.objects.get(pk=sel.cand_a.pk)
    assert cand.status == CandidateStatus.CLEARED
    record = dict(selectors.checklist(cand).record)
    assert record["近三年年度考核"] and any(k.startswith("任现职：") and "党委书记" in k for k in record)
    # the record keeps what the petitions check read (the petitions app is its source)
    assert {
        "key": "petitions",
        "label": "凡提必查：信访举报",
        "state": "pass",
        "detail": "无未结或属实的信访举报",
    } in (cand.clearance_snapshot)


def _petitions_source(found):
    def collect(user, cadre_ids=None):
        return [
            registry.Warning(cadre_id=c, kind="petitions.open", title="信访举报未办结", detail="来信反映")
            for c in (cadre_ids or [])
            if c in found
        ]

    return registry.WarningSource(
        "petitions.test", "信访", collect, channel="petitions", blocks_promotion=True
    )


@pytest.fixture
def petitions(monkeypatch):
    found: set[int] = set()
    monkeypatch.setattr(registry, "warning_sources", [*registry.warning_sources, _petitions_source(found)])
    return found


def test_petitions_source_present_passes_or_flags(sel, petitions):
    ready(sel, sel.cand_a)
    assert states(sel.cand_a)["petitions"] == "pass"
    services.candidate_clear(user=sel.staff_all, candidate=sel.cand_a)
    assert Candidate.objects.get(pk=sel.cand_a.pk).status == CandidateStatus.CLEARED
    petitions.add(sel.cadre_a2.pk)
    c2 = services.candidate_nominate(
        user=sel.staff_all, selection=sel.sel_a, cadre=sel.cadre_a2, post=sel.head_a
    )
    ready(sel, c2)
    assert states(c2)["petitions"] == "flag"


@pytest.mark.parametrize(
    "signal,item",
    [
        ("sanction", "flags"),
        ("concealment", "personal"),
        ("adverse", "letters"),
        ("finding", "flags"),
        ("petition", "petitions"),
        ("weak_grade", "flags"),
        ("unverified", "dossier"),
    ],
)
def test_every_kind_of_signal_blocks_clearance(sel, petitions, signal, item):
    cand = sel.cand_a
    ready(sel, cand)
    today = timezone.localdate()
    if signal == "sanction":
        Sanction.objects.create(
            cadre=sel.cadre_a,
            track="party",
            kind="warning",
            decision_date=today - dt.timedelta(days=30),
            deciding_body="市纪委",
            reason="违规",
            bar_months=6,
            bar_end=today + dt.timedelta(days=150),
        )
    elif signal == "concealment":
        finish_personal(cand, Outcome.CONCEALMENT)
    elif signal == "adverse":
        OpinionLetter.objects.filter(pk=sel.letter_a.pk).update(reply="issue", reply_text="有问题线索")
    elif signal == "finding":
        from audits import services as audit_services
        from audits.choices import AuditKind

        audit = audit_services.audit_create(
            user=sel.staff_all, appointment=sel.appt_a, kind=AuditKind.SPECIAL, year=today.year
        )
        stream = audit.streams.first()
        Finding.objects.create(
            audit=audit,
            stream=stream,
            description="超标准接待",
            rectification_required="清退",
            due_date=today + dt.timedelta(days=30),
        )
    elif signal == "petition":
        petitions.add(sel.cadre_a.pk)
    elif signal == "weak_grade":
        AnnualAssessment.objects.create(cadre=sel.cadre_a, year=today.year - 1, grade=AssessmentGrade.BASIC)
    elif signal == "unverified":
        DossierVerification.objects.filter(cadre=sel.cadre_a, item="birth_date").update(
            status=VerificationStatus.DOUBTFUL
        )
    check = selectors.checklist(cand)
    assert {i.key: i.state for i in check.items}[item] == "flag"
    if signal not in ("concealment", "petition"):
        assert any(w.kind.startswith(("cadres.", "audits.", "selection.")) for w in check.flags)
    with pytest.raises(ValidationError):
        services.candidate_clear(user=sel.staff_all, candidate=cand)
    assert Candidate.objects.get(pk=cand.pk).status == CandidateStatus.NOMINATED
    assert not GateException.objects.exists()


def test_override_needs_the_dedicated_permission_and_is_logged(sel, petitions):
    ready(sel, sel.cand_a)
    OpinionLetter.objects.filter(pk=sel.letter_a.pk).update(reply="issue", reply_text="有问题线索")
    with pytest.raises(PermissionDenied):  # org staff: no override_selection
        services.candidate_clear(user=sel.staff_all, candidate=sel.cand_a, override_reason="组织需要")
    assert not GateException.objects.exists()
    services.candidate_clear(user=sel.lead, candidate=sel.cand_a, override_reason="经核实已澄清")
    exc = GateException.objects.get()
    assert exc.kind == ExceptionKind.CLEARANCE and exc.granted_by == sel.lead
    assert exc.flags and exc.flags[0]["label"].startswith("凡提必听")
    assert Candidate.objects.get(pk=sel.cand_a.pk).status == CandidateStatus.CLEARED


def test_omission_needs_a_recorded_handling(sel, petitions):
    ready(sel, sel.cand_a)
    finish_personal(sel.cand_a, Outcome.OMISSION)
    assert states(sel.cand_a)["personal"] == "open"
    services.candidate_update(user=sel.staff_all, candidate=sel.cand_a, omission_handling="批评教育，已补报")
    sel.cand_a.refresh_from_db()
    assert states(sel.cand_a)["personal"] == "pass"


def test_reply_only_by_the_addressed_liaison(sel):
    with pytest.raises(PermissionDenied):  # the police liaison, a letter to the discipline commission
        services.letter_reply(user=sel.gaj_liaison, letter=sel.letter_a, reply="no_objection")
    with pytest.raises(PermissionDenied):  # the sender cannot answer for the agency
        services.letter_reply(user=sel.staff_all, letter=sel.letter_a, reply="no_objection")
    with pytest.raises(ValidationError) as e:
        services.letter_reply(user=sel.jw_liaison, letter=sel.letter_a, reply="issue", reply_text="")
    assert "具体问题" in str(e.value)
    services.letter_reply(user=sel.jw_liaison, letter=sel.letter_a, reply="no_objection")
    assert OpinionLetter.objects.get(pk=sel.letter_a.pk).replied_by == sel.jw_liaison


def test_liaisons_see_only_their_agencys_letters(sel):
    mine = set(OpinionLetter.objects.restrict(sel.jw_liaison, "view").values_list("pk", flat=True))
    assert mine == {sel.letter_a.pk, sel.letter_b.pk}
    assert not Candidate.objects.restrict(sel.jw_liaison, "view").exists()
    assert set(
        OpinionLetter.objects.restrict(sel.staff_a, "view").values_list("candidate__cadre__name", flat=True)
    ) == {"张伟"}


def test_the_whole_process_ends_in_an_appointment_and_a_pre_appointment_talk(
    sel, petitions, selection_gate, django_capture_on_commit_callbacks
):
    s, cand = sel.sel_a, sel.cand_a
    services.ratio_record(user=sel.staff_all, selection=s, point="nomination", nominees=3, posts=1)
    services.selection_advance(user=sel.staff_all, selection=s)  # → 凡提四必联审
    ready(sel, cand)
    services.candidate_clear(user=sel.staff_all, candidate=cand)
    services.selection_record(
        user=sel.staff_all, selection=s, inspection_team="考察组", inspection_conclusion="德才兼备"
    )
    services.selection_advance(user=sel.staff_all, selection=s)  # → 考察
    services.selection_advance(user=sel.staff_all, selection=s)  # → 讨论决定
    services.selection_record(
        user=sel.staff_all,
        selection=s,
        decision_date=timezone.localdate(),
        decision_members=9,
        decision_present=8,
    )
    services.selection_advance(user=sel.staff_all, selection=s)  # → 任前公示
    start = timezone.localdate() - dt.timedelta(days=20)
    posted = services.publicity_open(user=sel.staff_all, selection=s, start_date=start, location="甲镇公示栏")
    # one cadres.Publicity per cleared candidate, five working days (the national minimum)
    assert [(p.kind, p.cadre_id, p.working_days) for p in posted] == [("appointment", cand.cadre_id, 5)]
    assert set(s.publicities) == set(posted) and "甲镇公示栏" in posted[0].notice_text
    s = s.__class__.objects.get(pk=s.pk)
    assert s.publicity_end == posted[0].end_date and (s.publicity_end - start).days >= 6
    with pytest.raises(ValidationError):  # not yet at the appointment stage
        services.candidate_appoint(user=sel.staff_all, candidate=cand, start_date=timezone.localdate())
    services.selection_advance(user=sel.staff_all, selection=s)  # → 任职
    with django_capture_on_commit_callbacks(execute=True):
        appt = services.candidate_appoint(user=sel.staff_all, candidate=cand, start_date=timezone.localdate())
    cand.refresh_from_db()
    assert cand.status == CandidateStatus.APPOINTED and cand.appointment == appt
    assert RequiredTalk.objects.filter(cadre=sel.cadre_a, trigger="pre_appointment").exists()
    services.selection_advance(user=sel.staff_all, selection=s)
    assert s.__class__.objects.get(pk=s.pk).stage == Stage.CLOSED


def test_advance_refuses_without_what_the_stage_needs(sel):
    with pytest.raises(ValidationError) as e:
        services.selection_advance(user=sel.staff_all, selection=sel.sel_a)
    assert "差额提名" in str(e.value)
    services.ratio_record(user=sel.staff_all, selection=sel.sel_a, point="nomination", nominees=3, posts=1)
    services.selection_advance(user=sel.staff_all, selection=sel.sel_a)
    with pytest.raises(ValidationError) as e:
        services.selection_advance(user=sel.staff_all, selection=sel.sel_a)
    assert "准予任用" in str(e.value)


def test_bad_input_is_refused_with_chinese_messages(sel):
    with pytest.raises(ValidationError) as e:
        services.selection_create(
            user=sel.staff_all,
            organization=sel.town_a,
            title="",
            posts=[],
            reason="",
            method="x",
            proposed_by="",
            motion_date=None,
        )
    assert set(e.value.message_dict) >= {"title", "posts", "reason", "method", "proposed_by", "motion_date"}
    with pytest.raises(ValidationError):
        services.candidate_nominate(
            user=sel.staff_all, selection=sel.sel_a, cadre=sel.cadre_a, post=sel.head_a
        )
    with pytest.raises(ValidationError):
        services.candidate_nominate(
            user=sel.staff_all, selection=sel.sel_a, cadre=sel.cadre_a2, post=sel.sec_b
        )
    with pytest.raises(PermissionDenied):
        services.candidate_nominate(user=sel.staff_a, selection=sel.sel_b, cadre=sel.cadre_b, post=sel.dep_b)
    with pytest.raises(ValidationError):
        services.survey_add(user=sel.staff_all, candidate=sel.cand_a, respondent_kind="x")


def test_event_types_carry_the_selection(sel):
    assert events.SelectionCandidateNominated in events.EVENT_TYPES
    assert events.SelectionAppointed in events.EVENT_TYPES
