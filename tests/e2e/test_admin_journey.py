"""Browser journey: the administrator gives a new user a role over one township."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from cadre_supervision.permissions import has_org_perm
from tests.e2e.conftest import login
from tests.factories import make_user


@pytest.mark.e2e
def test_admin_grants_a_role(live_server, page, city, monkeypatch):
    newcomer = make_user("xiaoli")
    login(page, live_server, "admin")
    page.click("text=系统管理")
    page.select_option("#id_role", "unit_liaison")
    page.fill("#id_jurisdiction", "乙镇")
    page.click("button:has-text('创建')")
    page.wait_for_selector("text=已创建角色组")
    page.select_option("#grant-form select[name=organization]", str(city.town_b.pk))
    page.click("#grant-form button[type=submit]")
    page.wait_for_selector("#grants >> text=乙镇")
    page.select_option("#member-form select[name=user]", str(newcomer.pk))
    page.click("#member-form button[type=submit]")
    page.wait_for_selector("#members >> text=xiaoli")
    group = Group.objects.get(name="unit_liaison:乙镇")
    assert group.user_set.filter(pk=newcomer.pk).exists()
    assert has_org_perm(newcomer, "view_cadres", city.town_b.pk)
    page.click("text=敏感访问日志")
    assert page.locator("#access-log .tag >> text=权限变更").count() == 3
