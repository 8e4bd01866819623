"""users_with_org_perm: who holds a permission over an organization (for reminders)."""

import pytest

from cadre_supervision.permissions import users_with_org_perm
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_grants_cover_subtrees_roles_and_direct_grants(city):
    from guardian.shortcuts import assign_perm

    direct = make_user("direct_b")
    assign_perm("cadres.manage_audits", direct, city.town_b)
    make_user("inactive_staff", "org_staff", [city.root], is_active=False)
    out = users_with_org_perm([city.town_a.pk, city.town_b.pk], "manage_audits")
    assert out[city.town_a.pk] == {city.staff_all.pk, city.staff_a.pk}  # root grant covers 甲镇
    assert out[city.town_b.pk] == {city.staff_all.pk, direct.pk}
    liaisons = users_with_org_perm([city.town_a.pk, city.town_b.pk], "view_cadres", role="unit_liaison")
    assert liaisons == {city.town_a.pk: {city.liaison_a.pk}, city.town_b.pk: set()}
    assert users_with_org_perm([], "manage_audits") == {}
