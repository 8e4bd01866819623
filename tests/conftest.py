"""Fixtures shared by every app's tests: a small city and users for every role."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from cadres.choices import OrgKind, TopLeaderKind

from .factories import AppointmentFactory, CadreFactory, OrganizationFactory, PostFactory, make_user


@pytest.fixture(scope="session", autouse=True)
def _appointment_gate_off():
    """The selection gate (a leading post needs a cleared candidate) is off for the suites that
    build tenures as plain fixtures; tests of the gate take the `selection_gate` fixture."""
    from cadre_supervision import registry

    with registry.appointment_guards_suspended():
        yield


@pytest.fixture
def selection_gate():
    """The appointment guards as registered in production, for this test."""
    from cadre_supervision import registry
    from selection import services as selection_services

    registry.appointment_guards["selection.cleared_candidate"] = selection_services.appointment_guard
    yield
    registry.appointment_guards.pop("selection.cleared_candidate", None)


@pytest.fixture
def city(db):
    # The portfolio-area catalogue comes from a data migration; a transactional test's flush
    # removes it, so put back what is missing (idempotent).
    from django.contrib.contenttypes.models import ContentType

    from cadres.services import portfolio_catalogue_seed

    # A flush also re-creates the content types under new ids: a cached one from before it
    # would make every grant look for permissions of a content type that no longer exists.
    ContentType.objects.clear_cache()
    _permissions_back()
    portfolio_catalogue_seed()
    return _city()


def _permissions_back():
    """A flush that skipped post_migrate leaves no permissions: put them back (one query when
    they are there). Django's teardown of a `serialized_rollback` test flushes so (the two
    migration tests used it and left the next transactional test on their worker with no
    content types); no test uses it now, this keeps the city buildable if one does."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.management import create_contenttypes

    if not Permission.objects.filter(codename="view_cadres").exists():
        for config in apps.get_app_configs():
            create_contenttypes(config, verbosity=0)
            create_permissions(config, verbosity=0)


def _city():
    """市 → 甲镇, 乙镇 (townships), 丙局 (city organ). Cadres in 甲镇 and 乙镇.

    Users: admin (superuser), staff_all (org_staff over the city), staff_a (org_staff over
    甲镇 only), discipline (discipline over the city), liaison_a (unit liaison of 甲镇),
    stats (stats client over the city), nobody (no role).
    """
    root = OrganizationFactory(name="某市", kind=OrgKind.CITY)
    town_a = OrganizationFactory(name="甲镇", kind=OrgKind.TOWNSHIP, parent=root)
    town_b = OrganizationFactory(name="乙镇", kind=OrgKind.TOWNSHIP, parent=root)
    organ = OrganizationFactory(name="丙局", kind=OrgKind.CITY_ORGAN, parent=root)
    sec_a = PostFactory(organization=town_a, title="党委书记", top_leader_kind=TopLeaderKind.PARTY)
    head_a = PostFactory(organization=town_a, title="镇长", top_leader_kind=TopLeaderKind.ADMIN)
    dep_a = PostFactory(organization=town_a, title="副镇长")
    sec_b = PostFactory(organization=town_b, title="党委书记", top_leader_kind=TopLeaderKind.PARTY)
    cadre_a = CadreFactory(name="张伟", organization=town_a)
    cadre_a2 = CadreFactory(name="王芳", gender="F", organization=town_a)
    cadre_b = CadreFactory(name="李强", organization=town_b)
    appt_a = AppointmentFactory(cadre=cadre_a, post=sec_a, start_date=dt.date(2019, 5, 1))
    appt_a2 = AppointmentFactory(cadre=cadre_a2, post=dep_a, start_date=dt.date(2021, 1, 10))
    appt_b = AppointmentFactory(cadre=cadre_b, post=sec_b, start_date=dt.date(2016, 9, 1))
    ns = SimpleNamespace(
        root=root,
        town_a=town_a,
        town_b=town_b,
        organ=organ,
        sec_a=sec_a,
        head_a=head_a,
        dep_a=dep_a,
        sec_b=sec_b,
        cadre_a=cadre_a,
        cadre_a2=cadre_a2,
        cadre_b=cadre_b,
        appt_a=appt_a,
        appt_a2=appt_a2,
        appt_b=appt_b,
    )
    ns.admin = make_user("admin", superuser=True)
    ns.staff_all = make_user("staff_all", "org_staff", [root])
    ns.staff_a = make_user("staff_a", "org_staff", [town_a])
    ns.discipline = make_user("discipline", "discipline", [root])
    ns.liaison_a = make_user("liaison_a", "unit_liaison", [town_a])
    ns.stats = make_user("stats", "stats_client", [root])
    ns.nobody = make_user("nobody")
    return ns


@pytest.fixture
def api():
    return APIClient()


def login(client, user):
    client.force_login(user)
    return client
