"""The campaign's seven steps, the computed grade, pledges and rectification, democratic
evaluations and care letters, end to end through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cadre_supervision import registry
from cadre_supervision.permissions import SYSTEM
from evaluations import selectors, services
from evaluations.choices import Grade, LetterStatus, Step, SubjectKind
from evaluations.models import Campaign, CareLetter, Subject
from interviews.choices import InterviewKind
from interviews.models import RequiredTalk

from .conftest import YEAR, all_scores, run_to

pytestmark = pytest.mark.django_db


def test_campaign_runs_through_seven_steps_and_grades(ev):
    assert ev.camp_a.steps.count() == 7
    ev.camp_a.refresh_from_db()
    assert ev.camp_a.completed_on is not None
    assert ev.subj_a.grade == Grade.BASIC and str(ev.subj_a.score) == "70.00"
    assert ev.subj_b.grade == Grade.INCOMPETENT


def test_step_refused_before_the_previous_one(city):
    c = services.campaign_create(user=city.staff_all, organization=city.town_a, year=YEAR)
    fang = c.steps.get(step=Step.FANG)
    with pytest.raises(ValidationError) as e:
        services.step_complete(user=city.staff_all, step=fang, on=dt.date(YEAR, 3, 1))
    assert "前一环节" in str(e.value)
    assert not c.steps.filter(completed_on__isnull=False).exists()


def test_step_needs_its_artefact(city):
    c = services.campaign_create(user=city.staff_all, organization=city.town_a, year=YEAR)
    services.subject_add(user=city.staff_all, campaign=c, kind=SubjectKind.TEAM, organization=city.town_a)
    shi = c.steps.get(step=Step.SHI)
    with pytest.raises(ValidationError) as e:
        services.step_complete(user=city.staff_all, step=shi, on=dt.date(YEAR, 3, 1))
    assert "上传" in str(e.value)


def test_grade_step_needs_every_subject_graded(city):
    c = services.campaign_create(user=city.staff_all, organization=city.town_a, year=YEAR)
    s = services.subject_add(user=city.staff_all, campaign=c, kind=SubjectKind.LEADER, cadre=city.cadre_a)
    run_to(c, city.staff_all, Step.YI)
    services.scores_record(user=city.staff_all, subject=s, scores={"masses": 95})
    s.refresh_from_db()
    assert s.grade == "" and s.score is None  # other groups still missing
    with pytest.raises(ValidationError):
        services.step_complete(user=city.staff_all, step=c.steps.get(step=Step.PING), on=dt.date(YEAR, 7, 1))
    services.scores_record(user=city.staff_all, subject=s, scores=all_scores(95))
    s.refresh_from_db()
    assert s.grade == Grade.EXCELLENT


def test_bad_score_refused_nothing_saved(ev, city):
    c = services.campaign_create(user=city.staff_all, organization=city.organ, year=YEAR)
    s = services.subject_add(user=city.staff_all, campaign=c, kind=SubjectKind.TEAM, organization=city.organ)
    run_to(c, city.staff_all, Step.YI)
    with pytest.raises(ValidationError) as e:
        services.scores_record(user=city.staff_all, subject=s, scores={"masses": 120})
    assert "0–100" in str(e.value)
    assert not s.scores.exists()


def test_out_of_scope_writes_refused(ev):
    with pytest.raises(PermissionDenied):
        services.campaign_create(user=ev.staff_a, organization=ev.town_b, year=YEAR + 1)
    with pytest.raises(PermissionDenied):
        services.care_letter_send(user=ev.staff_a, letter=ev.letter_b, sent_on=dt.date(YEAR, 11, 2))
    assert CareLetter.objects.get(pk=ev.letter_b.pk).status == LetterStatus.PROPOSED
    assert not Campaign.objects.filter(year=YEAR + 1).exists()


def test_one_result_per_cadre_and_year(ev):
    c = services.campaign_create(user=ev.staff_all, organization=ev.organ, year=YEAR)
    with pytest.raises(ValidationError):
        services.subject_add(user=ev.staff_all, campaign=c, kind=SubjectKind.LEADER, cadre=ev.cadre_a)


def test_weak_grade_warning_source(ev):
    source = registry.warning_source("evaluations.weak_grade")
    assert source.channel == "evaluations" and source.blocks_promotion and source.level == "orange"
    ws = selectors.collect_weak_grades(ev.staff_a)
    assert {w.cadre_id for w in ws} == {ev.cadre_a.pk}
    assert all(w.uid.startswith("evaluations.subject.") for w in ws)
    assert {w.cadre_id for w in selectors.collect_weak_grades(SYSTEM)} == {ev.cadre_a.pk, ev.cadre_b.pk}
    red = [w for w in selectors.collect_weak_grades(SYSTEM) if w.level == "red"]
    assert [w.cadre_id for w in red] == [ev.cadre_b.pk]  # 不称职
    assert registry.warnings_for(ev.staff_a, [ev.cadre_a.pk], blocks_promotion=True)


def test_letter_proposed_from_grade_and_sent_raises_reminder_talk(ev):
    letter = ev.letter_a
    assert any("基本称职" in r for r in letter.reasons)
    assert ev.cadre_a.name in letter.body
    services.care_letter_send(user=ev.staff_a, letter=letter, sent_on=timezone.localdate())
    talk = RequiredTalk.objects.get(source_type="evaluations.careletter", source_id=str(letter.pk))
    assert talk.kind == InterviewKind.REMINDER and talk.cadre_id == ev.cadre_a.pk
    assert talk.title.startswith("提醒谈话")
    letter.refresh_from_db()
    services.care_letter_acknowledge(
        user=ev.staff_a, letter=letter, acknowledged_on=timezone.localdate(), acknowledgement="已收到"
    )
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ACKNOWLEDGED
    entries = list(registry.timeline_sources["evaluations"](ev.cadre_a, ev.staff_a))
    kinds = {e.kind for e in entries}
    assert {"evaluations.grade", "evaluations.care_letter", "evaluations.reminder_talk"} <= kinds


def test_letter_without_reasons_refused(city, monkeypatch):
    # no weak grade and no open signal of any registered source: nothing to remind of
    monkeypatch.setattr(registry, "warning_sources", [])
    with pytest.raises(ValidationError) as e:
        services.care_letter_propose(user=city.staff_all, cadre=city.cadre_a2, year=YEAR)
    assert "提醒事由" in str(e.value)
    assert not CareLetter.objects.exists()


def test_propose_all_takes_weak_grades_once(ev):
    CareLetter.objects.all().delete()
    new = services.care_letters_propose_all(user=ev.staff_a, year=YEAR)
    assert {letter.cadre_id for letter in new} >= {ev.cadre_a.pk}
    assert ev.cadre_b.pk not in {letter.cadre_id for letter in new}  # out of staff_a's scope
    assert services.care_letters_propose_all(user=ev.staff_a, year=YEAR) == []


def test_verdicts_and_figures(ev):
    rows = selectors.verdict_rows(user=ev.staff_all, today=dt.date(YEAR, 12, 1))
    by = {r.cadre_id: r.verdict for r in rows}
    assert by == {ev.cadre_a.pk: "yield", ev.cadre_b.pk: "down"}
    f = selectors.figures(user=ev.staff_a, year=YEAR)
    assert f["subjects"] == 2 and f["by_grade"]["basic"] == 2
    assert f["care_letters"]["by_status"]["proposed"] == 1


def test_democratic_rejects_too_many_votes(city):
    with pytest.raises(ValidationError):
        services.democratic_record(
            user=city.staff_all,
            cadre=city.cadre_a,
            year=YEAR,
            held_on=dt.date(YEAR, 6, 1),
            participants=10,
            ratings={"social_circle": [9, 2, 0]},
        )
    assert not Subject.objects.exists()


def test_step_attachment_type_refused(city):
    from django.core.files.base import ContentFile

    from evaluations.models import StepAttachment

    c = services.campaign_create(user=city.staff_all, organization=city.town_a, year=YEAR)
    step = c.steps.get(step=Step.SHI)
    with pytest.raises(ValidationError) as e:
        services.step_attachment_add(user=city.staff_all, step=step, file=ContentFile(b"MZ", name="run.exe"))
    assert "不支持的文件类型" in str(e.value)
    assert not StepAttachment.objects.exists()
