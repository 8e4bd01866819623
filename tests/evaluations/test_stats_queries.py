"""/api/v1/stats/evaluations/ answers in the same few queries whatever the number of records,
and a record outside the caller's scope is absent from every number."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations.choices import ItemKind, LetterStatus
from evaluations.models import ActionItem, CareLetter

from .conftest import DONE_ON, YEAR

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/evaluations/"


def _grow(ev, n: int) -> None:
    """`n` more pledges on 甲镇's subject (staff_a's scope) and on 乙镇's (outside it), every
    other one done."""
    ActionItem.objects.bulk_create(
        ActionItem(
            subject=subject,
            kind=ItemKind.PLEDGE,
            content=f"承诺{i}",
            due_date=DONE_ON,
            done_on=DONE_ON if i % 2 else None,
        )
        for i in range(n)
        for subject in (ev.subj_a, ev.subj_b)
    )


def test_stats_queries_do_not_grow_with_the_records(api, ev, django_assert_max_num_queries):
    api.force_authenticate(ev.staff_a)
    first = api.get(URL, {"year": YEAR}).json()
    counts = []
    grown = done = 0
    for n in (3, 27):  # 3, then 30 pledges more on each side of the scope
        _grow(ev, n)
        grown += n
        done += sum(1 for i in range(n) if i % 2)
        # Two queries: the caller's grants, then every number in one statement.
        with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(2):
            body = api.get(URL, {"year": YEAR}).json()
        counts.append(len(ctx))
        assert body["items"]["pledges"] == first["items"]["pledges"] + grown
        assert body["items"]["pledges_done"] == first["items"]["pledges_done"] + done
        assert body["items"]["rectify"] == first["items"]["rectify"]
        assert {k: body[k] for k in ("subjects", "graded", "by_grade", "campaigns")} == {
            k: first[k] for k in ("subjects", "graded", "by_grade", "campaigns")
        }
    assert counts[0] == counts[1]


def test_stats_count_only_the_scope(api, ev, django_assert_max_num_queries):
    CareLetter.objects.filter(pk=ev.letter_b.pk).update(status=LetterStatus.SENT)
    api.force_authenticate(ev.staff_a)
    mine = api.get(URL, {"year": YEAR}).json()
    assert mine["campaigns"] == 1 and mine["subjects"] == 2 and mine["democratic_evaluations"] == 1
    assert mine["care_letters"] == {
        "sent": 0,
        "by_status": {"proposed": 1, "sent": 0, "acknowledged": 0, "dismissed": 0},
    }
    assert mine["items"]["pledges"] == ActionItem.objects.filter(
        subject=ev.subj_a, kind=ItemKind.PLEDGE
    ).count() + (ActionItem.objects.filter(subject=ev.team_a, kind=ItemKind.PLEDGE).count())
    api.force_authenticate(ev.stats)
    every = api.get(URL, {"year": YEAR}).json()
    assert every["campaigns"] == 2 and every["subjects"] == 3 and every["democratic_evaluations"] == 2
    assert every["care_letters"]["sent"] == 1 and every["items"]["pledges"] == mine["items"]["pledges"] + 1
    assert (
        every["by_kind_grade"]["leader"]["incompetent"] == 1
        and mine["by_kind_grade"]["leader"]["incompetent"] == 0
    )
    api.force_authenticate(ev.nobody)
    with django_assert_max_num_queries(1):  # the grants; no scope, no statement
        assert api.get(URL, {"year": YEAR}).json()["subjects"] == 0
