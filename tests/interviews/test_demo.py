"""The demo seeder over a generated city (seed_demo's city is built by another app)."""

from __future__ import annotations

import random
from io import StringIO

import pytest
from django.utils import timezone

from cadre_supervision.models import Notification
from cadres.models import Cadre
from interviews import demo
from interviews.management.commands.bench_interviews import Command as Bench
from interviews.models import InterviewAssignment, InterviewRecord, RequiredTalk
from tests.factories import make_user


@pytest.mark.django_db
def test_demo_seeder_fills_the_city(client):
    today = timezone.localdate()
    for username, role in [
        ("shuji", "supervisor"),
        ("shizhang", "supervisor"),
        ("fenguan", "supervisor"),
        ("ganbuke", "supervisor"),
        ("jiwei", None),
    ]:
        make_user(username, role, [])
    bench = Bench(stdout=StringIO())
    bench.build_city(160, random.Random(3), today)
    out = StringIO()
    demo.seed(today=today, rng=random.Random(5), stdout=out)

    live = Cadre.objects.filter(status__in=["active", "second_line"])
    planned = (
        RequiredTalk.objects.filter(year=today.year, kind="routine").values("cadre_id").distinct().count()
    )
    assert planned == live.count()
    assert RequiredTalk.objects.open().filter(due_date__lt=today).exists()  # some talks are overdue
    assert RequiredTalk.objects.filter(done_on__isnull=False).exists()
    assert RequiredTalk.objects.filter(kind="special_topic").exists()
    assert InterviewRecord.objects.filter(kind="admonishment").exists()
    assert InterviewRecord.objects.filter(kind="written_inquiry", reply_date__isnull=False).exists()
    assert InterviewAssignment.objects.filter(role="line_leader").count() == 5
    assert Notification.objects.filter(recipient__username="shuji").exists()  # after the sweep
    assert "提醒扫描生成" in out.getvalue()

    client.force_login(make_user("viewer", "org_staff", [bench.root]))
    html = client.get("/interviews/coverage/").content.decode()
    assert "单位0000" in html and "覆盖率" in html
    # A talk without a resolvable interviewer is named as a gap, never "NoneNone".
    gap = RequiredTalk.objects.filter(year=today.year).order_by("id").first()
    RequiredTalk.objects.filter(pk=gap.pk).update(responsible=None)
    html = client.get("/interviews/coverage/").content.decode()
    assert "（未落实谈话人）" in html
    assert "NoneNone" not in html

    # Running it again changes nothing.
    n = RequiredTalk.objects.count()
    demo.seed(today=today, rng=random.Random(5), stdout=StringIO())
    assert RequiredTalk.objects.count() == n
