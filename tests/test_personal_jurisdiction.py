"""The personal jurisdiction HEADED: the units whose 一把手 post a user's own cadre holds, read
through the permission layer (registered by cadres), kept per request, fail-closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadre_supervision.permissions import (
    HEADED,
    SYSTEM,
    clear_cache,
    personal_jurisdiction,
    personal_q,
)
from rotations.integration import can_see_secondline
from rotations.selectors import may_decide_leave, may_record_return
from tests.factories import AppointmentFactory, CadreFactory, make_user
from tests.rotations.conftest import rot  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()

# case → how the user's cadre holds 甲镇's 镇长 post; whether 甲镇 is the user's personal jurisdiction
CASES = [
    ("current holder", {}, True),
    ("ended yesterday", {"end_date": TODAY - dt.timedelta(days=1)}, False),
    ("starts tomorrow", {"start_date": TODAY + dt.timedelta(days=1)}, False),
    ("on secondment", {"is_secondment": True}, False),
]


@pytest.mark.parametrize(("case", "extra", "heads"), CASES, ids=[c[0] for c in CASES])
def test_headed_follows_the_current_top_leader_tenure(rot, case, extra, heads):  # noqa: F811
    user = make_user("h2", "supervisor", [rot.town_b])
    cadre = CadreFactory(name="冯立", organization=rot.town_a, user=user)
    kw = {"start_date": dt.date(2023, 1, 1), **extra}
    AppointmentFactory(cadre=cadre, post=rot.head_b, **kw)  # 乙镇 镇长
    assert (rot.town_b.pk in personal_jurisdiction(user, HEADED)) is heads
    assert may_decide_leave(user, rot.town_b.pk) is heads
    assert may_record_return(user, rot.town_b.pk) is heads


def test_a_deputy_post_heads_nothing(rot):  # noqa: F811
    user = make_user("h3", "supervisor", [rot.town_b])
    cadre = CadreFactory(name="冯立", organization=rot.town_b, user=user)
    AppointmentFactory(cadre=cadre, post=rot.deputy_b, start_date=dt.date(2023, 1, 1))
    assert personal_jurisdiction(user, HEADED) == frozenset()
    assert personal_q(user, HEADED, "organization_id") is None
    assert not may_decide_leave(user, rot.town_b.pk)


@pytest.mark.parametrize("who", ["anonymous", "system", "inactive"], ids=["anonymous", "system", "inactive"])
def test_fail_closed_for_non_persons(rot, who):  # noqa: F811
    user = {"anonymous": AnonymousUser(), "system": SYSTEM, "inactive": rot.head_user}[who]
    if who == "inactive":
        user.is_active = False
        user.save(update_fields=["is_active"])
    assert personal_jurisdiction(user, HEADED) == frozenset()


def test_the_unit_head_sees_the_secondline_menu_and_one_query_per_request(rot):  # noqa: F811
    user = rot.head_user
    with CaptureQueriesContext(connection) as ctx:
        assert personal_jurisdiction(user, HEADED) == frozenset({rot.town_a.pk})
        assert may_decide_leave(user, rot.town_a.pk)
        assert can_see_secondline(user)
    # the grants are read too (the staff checks); the tenure only once
    assert sum("cadres_appointment" in q["sql"] for q in ctx.captured_queries) == 1
    # the appointment ends: kept until the request's scope cache is dropped
    rot.head_appt.end_date = TODAY - dt.timedelta(days=1)
    rot.head_appt.save(update_fields=["end_date"])
    assert personal_jurisdiction(user, HEADED) == frozenset({rot.town_a.pk})
    clear_cache(user)
    assert personal_jurisdiction(user, HEADED) == frozenset()
    assert not may_decide_leave(user, rot.town_a.pk)


def test_q_names_the_headed_units(rot):  # noqa: F811
    q = personal_q(rot.head_user, HEADED, "record__cadre__organization_id")
    assert q.children == [("record__cadre__organization_id__in", [rot.town_a.pk])]


def test_an_unregistered_relation_is_an_error_not_an_empty_answer(rot):  # noqa: F811
    with pytest.raises(LookupError):
        personal_jurisdiction(rot.head_user, "no_such_relation")
