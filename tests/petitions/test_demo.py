"""The demo seeder: a year of petitions of every channel and every disposal, results of every
kind, feedback to named reporters, overdue petitions escalated, talks raised in interviews,
heavy units suggested for the audit plan; a second run adds nothing."""

import datetime as dt
import io
import random

import pytest

from cadre_supervision import registry
from interviews.models import InterviewRecord
from petitions import services
from petitions.choices import Channel, Disposal, Result
from petitions.demo import seed
from petitions.models import Petition, PetitionReporter
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_demo_seeder(city):
    services.categories_seed()
    make_user("jiwei", "discipline", [city.root])
    staff = make_user("ganbuke", "org_staff", [city.root])
    today = dt.date(2026, 11, 28)
    out = io.StringIO()
    seed(today=today, rng=random.Random(7), stdout=out)
    rows = Petition.objects.all()
    assert rows.count() == 72, out.getvalue()
    assert {r for r in rows.values_list("channel", flat=True)} == set(Channel.values)
    assert set(rows.exclude(disposal="").values_list("disposal", flat=True)) == set(Disposal.values)
    assert set(rows.exclude(result="").values_list("result", flat=True)) == set(Result.values)
    assert rows.filter(anonymous=False, feedback_on__isnull=False).exists()
    assert PetitionReporter.objects.count() == rows.filter(anonymous=False).count()
    assert rows.filter(escalated_on=today).exists()
    assert rows.filter(received_on__lt=today - dt.timedelta(days=355)).exists()
    assert (
        InterviewRecord.objects.filter(source_type="petitions.petition").count()
        == rows.filter(disposal="talk_inquiry").count()
    )
    assert registry.audit_plan_suggestions_for(staff, today.year)
    assert "信访举报：72 件" in out.getvalue()
    seed(today=today, rng=random.Random(7), stdout=out)
    assert Petition.objects.count() == 72 and "已有演示数据" in out.getvalue()
