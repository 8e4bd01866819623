"""The data migration gives existing role groups the petition permissions on their units."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm

from cadre_supervision.permissions import clear_cache, has_org_perm
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_existing_groups_get_petition_permissions(city):
    migration = importlib.import_module("petitions.migrations.0004_grant_existing_roles")
    old_disc = Group.objects.create(name="discipline:旧甲镇")
    old_staff = Group.objects.create(name="org_staff:旧甲镇")
    for g in (old_disc, old_staff):
        assign_perm("cadres.view_cadres", g, city.town_a)
    d, s = make_user("old_disc"), make_user("old_staff")
    d.groups.add(old_disc)
    s.groups.add(old_staff)
    migration.grant(apps, None)
    migration.grant(apps, None)  # idempotent
    for u in (d, s):
        clear_cache(u)
    assert has_org_perm(d, "manage_petitions", city.town_a.pk) and has_org_perm(
        d, "view_petitions", city.town_a.pk
    )
    assert not has_org_perm(d, "manage_petitions", city.town_b.pk)
    assert has_org_perm(s, "handle_12380", city.town_a.pk) and not has_org_perm(
        s, "view_petitions", city.town_a.pk
    )
