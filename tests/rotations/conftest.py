"""Fixtures of the rotations tests."""

from __future__ import annotations

import datetime as dt

import pytest

from cadres.choices import KeyCategory, TopLeaderKind
from tests.factories import AppointmentFactory, CadreFactory, PostFactory, make_user


@pytest.fixture
def rot(city):
    """The shared city plus what rotation needs: a city organ with a 一把手 post and a key
    middle-level post, a long-serving township secretary, and a unit head with an account."""
    c = city
    c.organ_head = PostFactory(organization=c.organ, title="局长", top_leader_kind=TopLeaderKind.ADMIN)
    c.organ_party = PostFactory(organization=c.organ, title="党组书记", top_leader_kind=TopLeaderKind.PARTY)
    c.organ_deputy = PostFactory(organization=c.organ, title="副局长")
    c.organ_finance = PostFactory(
        organization=c.organ,
        title="财务科科长",
        is_middle_level=True,
        key_categories=[KeyCategory.FINANCE],
        key_reason="管财",
    )
    c.organ_office = PostFactory(organization=c.organ, title="办公室主任", is_middle_level=True)
    c.deputy_b = PostFactory(organization=c.town_b, title="副镇长")
    c.head_b = PostFactory(organization=c.town_b, title="镇长", top_leader_kind=TopLeaderKind.ADMIN)
    # 李强 (cadre_b) is 乙镇 party secretary since 2016-09-01 (fixture): 10 years on 2026-09-01.
    c.organ_cadre = CadreFactory(name="赵刚", organization=c.organ)
    c.organ_cadre_appt = AppointmentFactory(
        cadre=c.organ_cadre, post=c.organ_deputy, start_date=dt.date(2015, 3, 1)
    )
    c.finance_cadre = CadreFactory(name="钱敏", gender="F", organization=c.organ)
    c.finance_appt = AppointmentFactory(
        cadre=c.finance_cadre, post=c.organ_finance, start_date=dt.date(2020, 2, 29)
    )
    # 甲镇 head (镇长) with a linked account: the unit head who approves leave.
    c.head_user = make_user("head_a", "supervisor", [c.town_a])
    c.head_cadre = CadreFactory(name="孙杰", organization=c.town_a, user=c.head_user)
    c.head_appt = AppointmentFactory(cadre=c.head_cadre, post=c.head_a, start_date=dt.date(2022, 1, 1))
    c.old_a = CadreFactory(name="周老", organization=c.town_a, birth_date=dt.date(1968, 5, 5))
    c.old_a_post = PostFactory(organization=c.town_a, title="人大主席")
    c.old_a_appt = AppointmentFactory(cadre=c.old_a, post=c.old_a_post, start_date=dt.date(2014, 1, 1))
    c.old_b = CadreFactory(name="吴老", organization=c.town_b, birth_date=dt.date(1967, 3, 3))
    c.old_b_post = PostFactory(organization=c.town_b, title="政协联络组长")
    c.old_b_appt = AppointmentFactory(cadre=c.old_b, post=c.old_b_post, start_date=dt.date(2013, 1, 1))
    return c


@pytest.fixture
def secondline(rot):
    """Two second-line cadres: one in 甲镇 (liaison_a's unit), one in 乙镇."""
    from rotations import services

    rot.rec_a = services.secondline_move(
        user=rot.staff_all, cadre=rot.old_a, effective_date=dt.date(2025, 6, 1)
    )
    rot.rec_b = services.secondline_move(
        user=rot.staff_all, cadre=rot.old_b, effective_date=dt.date(2025, 6, 1)
    )
    return rot
