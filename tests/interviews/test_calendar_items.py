"""The calendar's talk items are built from row values: the same titles, dates and links as the
model gives, for every kind of required talk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from interviews.choices import InterviewKind, SpecialTrigger
from interviews.models import RequiredTalk, talk_title
from interviews.workbench import talk_dates
from tests.interviews.conftest import talks  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "kind, seq, trigger, source_type, expected",
    [
        (InterviewKind.ROUTINE, 2, "", "", "2026年度第2次谈心谈话"),
        (InterviewKind.REMINDER, 1, "", "evaluations.careletter", "提醒谈话（关爱提醒函）"),
        (InterviewKind.REMINDER, 1, "", "", "提醒谈话"),
        (InterviewKind.SPECIAL_TOPIC, 1, SpecialTrigger.AUDIT, "", "专题谈心谈话（专项审计）"),
    ],
)
def test_talk_title(kind, seq, trigger, source_type, expected):
    assert talk_title(kind, 2026, seq, trigger, source_type) == expected
    talk = RequiredTalk(kind=kind, year=2026, seq=seq, trigger=trigger, source_type=source_type)
    assert talk.title == expected


def test_calendar_items_equal_the_models(talks):  # noqa: F811
    t0 = RequiredTalk.objects.open().order_by("id").first()
    # one talk of each other kind beside the plan's routine ones
    RequiredTalk.objects.create(
        cadre=t0.cadre,
        year=t0.year,
        kind=InterviewKind.SPECIAL_TOPIC,
        seq=0,
        trigger=SpecialTrigger.JOB_CHANGE,
        due_date=t0.due_date,
    )
    RequiredTalk.objects.create(
        cadre=t0.cadre,
        year=t0.year,
        kind=InterviewKind.REMINDER,
        seq=0,
        source_type="evaluations.careletter",
        due_date=t0.due_date,
    )
    start, end = dt.date(t0.year, 1, 1), dt.date(t0.year, 12, 31)
    items = list(talk_dates(talks.zuzhibu, start, end))
    expected = [
        (
            f"与{t.cadre.organization.name}{t.cadre.name}谈话（{t.title}）",
            t.due_date,
            reverse("interviews:required_detail", args=[t.pk]),
            f"interviews.requiredtalk.{t.pk}",
        )
        for t in RequiredTalk.objects.restrict(talks.zuzhibu, "view")
        .open()
        .filter(due_date__range=(start, end))
        .select_related("cadre__organization")
        .order_by("due_date", "id")
    ]
    assert len(expected) >= 3
    assert [(i.title, i.due, i.url, i.uid) for i in items] == expected
    assert {i.kind for i in items} == {"interviews.talk"}


def test_talk_reminders_read_no_column_per_row(talks, django_assert_max_num_queries):  # noqa: F811
    """The sweep's talk reminders build titles from the columns they read: a title that asked for
    a deferred column would cost one query per talk."""
    from interviews import selectors

    day = dt.date(talks.today.year + 1, 1, 12)  # this year's routine talks are overdue then
    with django_assert_max_num_queries(12):
        specs = list(selectors.talk_reminders(day))
    assert len(specs) > 12
