"""/api/v1/stats/petitions/ answers in the same few queries whatever the number of petitions,
and a petition outside the caller's scope is absent from every number."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from petitions.choices import Channel, Disposal, Result, Status
from petitions.models import Petition

pytestmark = pytest.mark.django_db

D = dt.date


def _grow(pet, n: int) -> None:
    """`n` more petitions in 甲镇 (disc_a's scope) and `n` in 乙镇 (outside it): every other one
    concluded as substantiated, every third escalated, all overdue unless concluded."""
    rows = [
        Petition(
            title=f"反映问题{i}",
            channel=Channel.PHONE,
            received_on=D(2026, 4, 1),
            organization=org,
            content="电话反映",
            handler=handler,
            deadline=D(2026, 5, 1),
            status=Status.CONCLUDED if i % 2 else Status.HANDLING,
            disposal=Disposal.PRELIMINARY if i % 2 else "",
            disposal_on=D(2026, 4, 5) if i % 2 else None,
            result=Result.TRUE if i % 2 else "",
            result_on=D(2026, 4, 20) if i % 2 else None,
            escalated_on=D(2026, 4, 10) if i % 3 == 0 else None,
        )
        for i in range(n)
        for org, handler in ((pet.town_a, pet.disc_a), (pet.town_b, pet.disc_b))
    ]
    Petition.objects.bulk_create(rows)
    through = Petition.categories.through
    through.objects.bulk_create(
        through(petition_id=p.pk, problemcategory_id=pet.cat_integrity.pk) for p in rows
    )


def _count(body: dict, part: str, key: str, field: str = "key") -> int:
    return next((r["count"] for r in body[part] if r[field] == key), 0)


def test_stats_queries_do_not_grow_with_the_petitions(api, pet, django_assert_max_num_queries):
    api.force_authenticate(pet.disc_a)
    url = reverse("petitions-api:stats")
    counts = []
    grown = concluded = escalated = 0
    for n in (3, 27):  # 3, then 30 petitions more on each side of the scope
        _grow(pet, n)
        grown += n
        concluded += sum(1 for i in range(n) if i % 2)
        escalated += sum(1 for i in range(n) if i % 3 == 0)
        # Two queries: the caller's grants, then every number in one statement.
        with CaptureQueriesContext(connection) as ctx, django_assert_max_num_queries(2):
            body = api.get(url, {"year": 2026}).json()
        counts.append(len(ctx))
        in_scope = Petition.objects.filter(organization=pet.town_a)
        assert body["total"] == 1 + grown  # pet_a and 甲镇's new ones; 乙镇's never
        assert body["open"] == 1 + grown - concluded
        assert body["concluded"] == body["substantiated"] == concluded
        assert body["escalated"] == escalated
        assert body["overdue"] == in_scope.open().filter(deadline__lt=timezone.localdate()).count()
        assert _count(body, "by_channel", Channel.PHONE) == grown
        assert _count(body, "by_result", Result.TRUE) == concluded
        assert _count(body, "by_disposal", Disposal.PRELIMINARY) == concluded
        assert _count(body, "by_category", "integrity") == 1 + grown
        assert body["by_unit"] == [{"organization_id": pet.town_a.pk, "label": "甲镇", "count": 1 + grown}]
    assert counts[0] == counts[1]
