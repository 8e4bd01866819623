"""Fixtures of the petitions tests: the shared city plus discipline officers of 甲镇 and 乙镇
and one petition in each town (甲镇's named, handled by disc_a; 乙镇's anonymous)."""

from __future__ import annotations

import datetime as dt

import pytest

from petitions import services
from petitions.models import ProblemCategory
from tests.factories import make_user

D = dt.date
TODAY = D(2026, 6, 1)


def build_pet(c):
    services.categories_seed()
    c.disc_a = make_user("disc_a", "discipline", [c.town_a], first_name="甲纪检")
    c.disc_a2 = make_user("disc_a2", "discipline", [c.town_a], first_name="甲纪检二")
    c.disc_b = make_user("disc_b", "discipline", [c.town_b], first_name="乙纪检")
    c.cat_integrity = ProblemCategory.objects.get(code="integrity")
    c.pet_a = services.petition_create(
        user=c.disc_a,
        title="反映张伟违规收受礼金",
        channel="letter",
        received_on=D(2026, 3, 2),
        organization=c.town_a,
        content="反映张伟在春节期间收受辖区企业负责人所送礼金和购物卡。",
        handler=c.disc_a,
        cadres=[c.cadre_a],
        categories=[c.cat_integrity],
        anonymous=False,
        reporter={"name": "赵举报", "phone": "13800001111", "address": "甲镇某村"},
        today=TODAY,
    )
    c.pet_b = services.petition_create(
        user=c.disc_b,
        title="反映李强公车私用",
        channel="web",
        received_on=D(2026, 3, 5),
        organization=c.town_b,
        content="反映李强周末驾驶公务用车外出游玩。",
        handler=c.disc_b,
        cadres=[c.cadre_b],
        anonymous=True,
        today=TODAY,
    )
    return c


@pytest.fixture
def pet(city):
    return build_pet(city)
