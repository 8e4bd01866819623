"""The demo seeder over a synthetic city: this year's campaign through all seven steps by the
services, three years of grades, democratic evaluations, and the essay's 27 care letters, each
raising a 提醒谈话."""

import datetime as dt
import io
import random

import pytest

from evaluations.choices import LetterStatus, Step
from evaluations.demo import LETTERS, PENDING_LETTERS, report, seed
from evaluations.models import Campaign, CareLetter
from interviews.models import RequiredTalk
from tests.rotations import democity

pytestmark = pytest.mark.django_db


def test_demo_seeder(django_db_setup):
    today = dt.date(2026, 11, 28)
    rng = random.Random(7)
    democity.build(10, 12, rng, today)
    out = io.StringIO()
    seed(today=today, rng=rng, stdout=out)
    this = Campaign.objects.get(year=today.year)
    assert this.completed_on is not None, out.getvalue()
    assert this.steps.filter(completed_on__isnull=False).count() == len(Step.values)
    assert Campaign.objects.count() == 3
    fig = report(today.year)
    assert fig["care_letters_sent"] == LETTERS, out.getvalue()
    assert fig["care_letters_by_status"][LetterStatus.PROPOSED] == PENDING_LETTERS
    assert fig["items"]["rectify"] == fig["items"]["rectify_done"] > 0
    assert fig["democratic_evaluations"] > 0 and fig["weak_grade_warnings"] > 0
    assert (
        RequiredTalk.objects.filter(source_type="evaluations.careletter", kind="reminder").count()
        == CareLetter.objects.filter(sent_on__isnull=False).count()
        == LETTERS
    )
    # a second run does nothing
    seed(today=today, rng=rng, stdout=out)
    assert Campaign.objects.count() == 3
