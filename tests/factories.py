"""Shared test data builders (factory_boy) for every app's tests."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import factory
from django.contrib.auth.models import Group, User

from cadre_supervision.permissions import ROLES, clear_cache, grant_role, role_group_name
from cadres import crypto, rules
from cadres.choices import CadreStatus, IdentityCategory, ManagementLevel, OrgKind, Rank
from cadres.models import Appointment, Cadre, Organization, Post

_seq = itertools.count(1)


def add_years(day: dt.date, years: int) -> dt.date:
    """Same day `years` later; 29 February falls back to 28 February in non-leap years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def make_citizen_id(birth: dt.date, gender: str = "M", region: str = "330102", seq: int | None = None) -> str:
    n = seq if seq is not None else next(_seq)
    order = (n % 499) * 2 + (1 if gender == "M" else 0)  # 17th digit parity = gender
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + rules.citizen_id_check_digit(body)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrgKind.CITY_ORGAN
    parent = None

    @factory.post_generation
    def set_path(obj, create, extracted, **kwargs):
        parent_path = obj.parent.path if obj.parent_id else ""
        obj.path = f"{parent_path}{obj.pk:06d}."
        obj.depth = parent_path.count(".")
        obj.save(update_fields=["path", "depth"])


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"副局长{n}")
    is_leading = True
    top_leader_kind = ""


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre
        skip_postgeneration_save = True

    name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨勇", "赵磊", "黄敏", "周杰", "吴刚"])
    gender = "M"
    birth_date = factory.LazyFunction(
        lambda: dt.date(1975, 1, 1) + dt.timedelta(days=random.randint(0, 5000))
    )
    party_join_date = factory.LazyAttribute(lambda o: add_years(o.birth_date, 22))
    work_start_date = factory.LazyAttribute(lambda o: add_years(o.birth_date, 21))
    identity_category = IdentityCategory.CIVIL_SERVANT
    rank = Rank.FUCHU
    management_level = ManagementLevel.CITY
    status = CadreStatus.ACTIVE
    organization = factory.SubFactory(OrganizationFactory)

    @factory.post_generation
    def citizen_id(obj, create, extracted, **kwargs):
        value = extracted or make_citizen_id(obj.birth_date, obj.gender, seq=obj.pk)
        obj.citizen_id_encrypted = crypto.encrypt(value)
        obj.citizen_id_digest = crypto.digest(value)
        obj.citizen_id_tail = value[-4:]
        obj.citizen_id_masked = rules.mask_citizen_id(value)
        obj.name_initials = rules.pinyin_initials(obj.name)
        obj.save()


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    cadre = factory.SubFactory(CadreFactory)
    post = factory.SubFactory(PostFactory)
    start_date = dt.date(2020, 3, 1)
    end_date = None


def make_user(
    username: str,
    role: str | None = None,
    orgs=(),
    *,
    jurisdiction: str | None = None,
    superuser: bool = False,
    **extra,
) -> User:
    """A user with `role` over `orgs` (each grant covers the org's subtree)."""
    if superuser:
        user = User.objects.create_superuser(username=username, password="pass12345", **extra)
    else:
        user = User.objects.create_user(username=username, password="pass12345", **extra)
    if role:
        assert role in ROLES, role
        label = jurisdiction or (",".join(o.name for o in orgs) or "无") + f"#{username}"
        group, _ = Group.objects.get_or_create(name=role_group_name(role, label))
        grant_role(group, role, orgs)
        user.groups.add(group)
    clear_cache(user)
    return user
