"""The demo seeder over a synthetic city: every exchange kind, uneven plans, a second-line
roster shaped like essay 3's table, and appointments left consistent."""

import datetime as dt
import io
import random

import pytest
from django.db.models import Count

from cadres.models import Appointment
from rotations.choices import ExchangeKind
from rotations.demo import report, seed_demo
from rotations.models import Exchange, LeaveRequest, SecondLineRecord
from tests.rotations import democity

pytestmark = pytest.mark.django_db


def test_demo_seeder(django_db_setup):
    today = dt.date(2026, 11, 28)
    rng = random.Random(7)
    democity.build(10, 18, rng, today)
    out = io.StringIO()
    seed_demo(today=today, rng=rng, stdout=out)
    fig = report()
    for kind, _l in ExchangeKind.choices:
        assert fig["exchanges_by_kind"][kind] > 0, (kind, out.getvalue())
    rates = {r[3] for r in fig["plan_rates"]}
    assert len(rates) >= 3 and 100.0 in rates and min(rates) < 50, fig["plan_rates"]
    sl = fig["second_line"]
    assert sl["total"] >= 40 and sl["idle"] > sl["business_help"] > sl["investment"] > 0, sl
    assert abs(sl["willing"] / sl["total"] - 89 / 133) < 0.05
    assert LeaveRequest.objects.filter(status="pending").exists()
    # appointments stay consistent: one current holder per 一把手 kind and organization
    clashes = (
        Appointment.objects.current(today)
        .exclude(post__top_leader_kind="")
        .values("post__organization", "post__top_leader_kind")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not clashes.exists()
    for ex in Exchange.objects.exclude(kind=ExchangeKind.SECONDMENT)[:50]:
        assert ex.from_appointment.end_date == ex.effective_date == ex.new_appointment.start_date
    assert (
        SecondLineRecord.objects.filter(cadre__status="second_line").count()
        == SecondLineRecord.objects.count()
    )
    # a second run does nothing
    seed_demo(today=today, rng=rng, stdout=out)
    assert "already present" in out.getvalue()
