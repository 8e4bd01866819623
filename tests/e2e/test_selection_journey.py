"""Browser journey: staff open a selection, the 凡提四必 checklist has filled itself, the
discipline commission's liaison answers the letter, the candidate is cleared, the publicity
ends and the appointment is made (through the gate)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cadres.models import Appointment
from interviews.models import RequiredTalk
from reports.models import Verification
from selection import services
from selection.choices import CandidateStatus, Stage
from selection.models import Candidate
from tests.selection.conftest import KINDS, RATINGS, sel_world

from .conftest import login


@pytest.mark.e2e
def test_selection_journey(live_server, page, browser, city, selection_gate):
    w = sel_world(city)
    cand = w.cand_a
    login(page, live_server, "staff_all")

    # the selection: the step bar, the candidate, the checklist filled on nomination
    page.goto(f"{live_server.url}/selection/{w.sel_a.pk}/")
    assert "民主推荐" in page.text_content("#stage-steps li.current")
    page.select_option("#ratio-form select[name=point]", "nomination")
    page.fill("#ratio-form input[name=nominees]", "3")
    page.fill("#ratio-form input[name=posts]", "1")
    page.click("#ratio-form button[type=submit]")
    page.wait_for_selector("text=已记录差额情况")
    page.click("#advance-form button[type=submit]")
    page.wait_for_selector("text=已进入下一环节")
    assert "凡提四必联审" in page.text_content("#stage-steps li.current")
    page.click("#candidate-table >> text=张伟")
    page.wait_for_selector("#checklist-table")
    assert page.get_attribute("tr[data-check=dossier]", "data-state") == "pass"
    assert page.get_attribute("tr[data-check=letters]", "data-state") == "open"
    assert page.get_attribute("tr[data-check=petitions]", "data-state") == "pass"  # petitions app

    # the discipline commission's liaison sees only its letters and answers
    other = browser.new_context(locale="zh-CN").new_page()
    login(other, live_server, "jw_liaison")
    other.goto(f"{live_server.url}/selection/letters/")
    assert other.locator("#letter-list tbody tr").count() == 2  # 张伟's and 李强's, nothing else
    assert other.goto(f"{live_server.url}/selection/letters/{w.letter_a_police.pk}/").status == 404
    other.goto(f"{live_server.url}/selection/letters/{w.letter_a.pk}/")
    other.select_option("#reply-form select[name=reply]", "no_objection")
    other.click("#reply-form button[type=submit]")
    other.wait_for_selector("text=已答复")
    assert "无异议" in other.text_content("#reply")
    other.context.close()

    # the other agencies answer, the survey is done, the targeted check is consistent
    for letter in cand.letters.filter(reply=""):
        user = w.gaj_liaison if letter.agency == w.ag_gaj else w.admin
        services.letter_reply(user=user, letter=letter, reply="no_objection")
    for kind in KINDS:
        services.survey_add(user=w.staff_all, candidate=cand, respondent_kind=kind, **RATINGS)
    Verification.objects.filter(report__cadre=w.cadre_a, kind="targeted").update(
        status="done", outcome="consistent"
    )

    page.reload()
    assert page.get_attribute("tr[data-check=letters]", "data-state") == "pass"
    page.click("#clear-form button[type=submit]")
    page.wait_for_selector("text=已准予任用")
    assert Candidate.objects.get(pk=cand.pk).status == CandidateStatus.CLEARED

    # inspection, decision, a publicity that has ended
    s = w.sel_a
    services.selection_record(
        user=w.staff_all, selection=s, inspection_team="考察组", inspection_conclusion="德才兼备"
    )
    services.selection_advance(user=w.staff_all, selection=s)
    services.selection_advance(user=w.staff_all, selection=s)
    services.selection_record(
        user=w.staff_all,
        selection=s,
        decision_date=timezone.localdate(),
        decision_members=9,
        decision_present=9,
    )
    services.selection_advance(user=w.staff_all, selection=s)
    services.publicity_open(
        user=w.staff_all,
        selection=s,
        start_date=timezone.localdate() - dt.timedelta(days=20),
        location="公示栏",
    )
    page.goto(f"{live_server.url}/selection/{s.pk}/publicity/notice/")
    assert "张伟" in page.text_content("#publicity-notice")
    page.goto(f"{live_server.url}/selection/{s.pk}/")
    page.click("#advance-form button[type=submit]")
    page.wait_for_selector("text=已进入下一环节")
    s.refresh_from_db()
    assert s.stage == Stage.APPOINTMENT

    # the appointment, through the gate, and the 任前廉政谈话 it raises
    page.goto(f"{live_server.url}/selection/candidates/{cand.pk}/")
    page.click("#appoint-form button[type=submit]")
    page.wait_for_selector("text=已办理任职")
    appt = Appointment.objects.get(cadre=w.cadre_a, post=w.head_a)
    assert Candidate.objects.get(pk=cand.pk).appointment == appt
    assert RequiredTalk.objects.filter(cadre=w.cadre_a, trigger="pre_appointment").exists()
