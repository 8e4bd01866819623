"""Fixtures of the evaluations tests: a campaign of 甲镇 (in staff_a's scope) run through all
seven steps, one of 乙镇 (outside it), democratic evaluations and care letters of both."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from evaluations import services
from evaluations.choices import EvaluatorGroup, ItemKind, Step, SubjectKind

D = dt.date
YEAR = 2026
DONE_ON = D(YEAR, 11, 1)


def all_scores(value) -> dict:
    return {g: Decimal(str(value)) for g in EvaluatorGroup.values}


def run_to(campaign, user, last: str, *, score=70, on=DONE_ON):
    """Complete the campaign's steps up to `last` (inclusive), scoring every subject `score`."""
    steps = {s.step: s for s in campaign.steps.all()}
    for code in Step.values:
        step = steps[code]
        if code in (Step.SHI, Step.SHU):
            services.step_attachment_add(user=user, step=step, file=ContentFile(b"x", name=f"{code}.pdf"))
        if code in (Step.FANG, Step.YI):
            services.step_update(user=user, step=step, summary="已开展")
        if code == Step.PING:
            for s in campaign.subjects.all():
                services.scores_record(user=user, subject=s, scores=all_scores(score))
        if code == Step.NUO:
            for s in campaign.subjects.exclude(grade="excellent"):
                services.action_item_add(
                    user=user, subject=s, kind=ItemKind.PLEDGE, content="承诺", due_date=on
                )
        if code == Step.GAI:
            for s in campaign.subjects.exclude(grade="excellent"):
                item = services.action_item_add(
                    user=user, subject=s, kind=ItemKind.RECTIFY, content="整改", due_date=on
                )
                services.action_item_complete(user=user, item=item, done_on=on, result="已整改")
        services.step_complete(user=user, step=step, on=on)
        if code == last:
            return


@pytest.fixture
def ev(city):
    c = city
    u = c.staff_all
    c.camp_a = services.campaign_create(user=u, organization=c.town_a, year=YEAR)
    c.camp_b = services.campaign_create(user=u, organization=c.town_b, year=YEAR)
    c.subj_a = services.subject_add(user=u, campaign=c.camp_a, kind=SubjectKind.LEADER, cadre=c.cadre_a)
    c.team_a = services.subject_add(user=u, campaign=c.camp_a, kind=SubjectKind.TEAM, organization=c.town_a)
    c.subj_b = services.subject_add(user=u, campaign=c.camp_b, kind=SubjectKind.LEADER, cadre=c.cadre_b)
    run_to(c.camp_a, u, Step.GAI, score=70)  # 基本称职
    run_to(c.camp_b, u, Step.PING, score=50)  # 不称职
    c.step_a = c.camp_a.steps.get(step=Step.SHI)
    c.step_b = c.camp_b.steps.get(step=Step.NUO)
    c.item_a = c.subj_a.items.first()
    c.subj_a.refresh_from_db()
    c.subj_b.refresh_from_db()
    c.item_b = services.action_item_add(
        user=u, subject=c.subj_b, kind=ItemKind.PLEDGE, content="乙镇承诺", due_date=D(YEAR, 12, 20)
    )
    c.att_a = c.step_a.attachments.first()
    c.att_b = c.camp_b.steps.get(step=Step.SHI).attachments.first()
    ratings = {"moral": [30, 2, 0], "life_circle": [25, 5, 2]}
    c.dem_a = services.democratic_record(
        user=u, cadre=c.cadre_a, year=YEAR, held_on=D(YEAR, 6, 1), participants=32, ratings=ratings
    )
    c.dem_b = services.democratic_record(
        user=u, cadre=c.cadre_b, year=YEAR, held_on=D(YEAR, 6, 1), participants=32, ratings=ratings
    )
    c.letter_a = services.care_letter_propose(user=u, cadre=c.cadre_a, year=YEAR)
    c.letter_b = services.care_letter_propose(user=u, cadre=c.cadre_b, year=YEAR)
    return c
