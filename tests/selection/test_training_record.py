"""The pre-review's record (档案信息) shows the candidate's five-year training against the norm
of 《干部教育培训工作条例》: met, not met, or no record. It informs; it never blocks clearance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cadres import services as cadre_services
from selection import selectors

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NORM = "（要求 5 年 550 学时或 3 个月）"


def _train(sel, *, days_ago: int, length: int, hours: int, cadre=None):
    start = TODAY - dt.timedelta(days=days_ago)
    cadre_services.training_create(
        user=sel.staff_all,
        cadre=cadre or sel.cadre_a,
        name="中青年干部培训班",
        organizer="中共某市委党校",
        kind="party_school",
        start_date=start,
        end_date=start + dt.timedelta(days=length - 1),
        hours=hours,
    )


def _line(cand) -> str:
    return dict(selectors.checklist(cand).record)["近五年教育培训"]


@pytest.mark.parametrize(
    "courses, expected",
    [
        ([], "无培训记录" + NORM),
        ([(6 * 365, 10, 600)], "无培训记录" + NORM),  # only before the five-year window
        ([(300, 30, 200), (100, 15, 112)], "312 学时、45 天，未达标" + NORM),
        ([(400, 10, 300), (200, 10, 260)], "560 学时、20 天，达标" + NORM),  # by the hours
        ([(500, 91, 300)], "300 学时、91 天，达标" + NORM),  # by the days (3 months)
    ],
)
def test_record_line_shows_training_against_the_norm(sel, courses, expected):
    for days_ago, length, hours in courses:
        _train(sel, days_ago=days_ago, length=length, hours=hours)
    _train(sel, days_ago=50, length=5, hours=999, cadre=sel.cadre_b)  # another cadre
    assert _line(sel.cand_a) == expected


def test_training_is_informational_not_a_blocker(sel):
    before = [b.key for b in selectors.checklist(sel.cand_a).blockers]
    _train(sel, days_ago=300, length=3, hours=24)
    check = selectors.checklist(sel.cand_a)
    assert "未达标" in _line(sel.cand_a)
    assert [b.key for b in check.blockers] == before
    assert all("培训" not in i.label for i in check.items)


def test_candidate_page_shows_the_line(client, sel):
    _train(sel, days_ago=300, length=30, hours=200)
    client.force_login(sel.staff_all)
    html = client.get(reverse("selection:candidate_detail", args=[sel.cand_a.pk])).content.decode()
    assert "近五年教育培训" in html and "200 学时、30 天，未达标" in html
