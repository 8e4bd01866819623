"""Administrator's pages: superusers only; role grants, policy settings and the access log."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook

from cadre_supervision import admin_nav, policy, registry
from cadre_supervision.accesslog import log_access
from cadre_supervision.models import AccessLog, PolicySetting
from cadre_supervision.permissions import clear_cache, has_org_perm
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PAGES = ["admin_roles", "admin_policies", "admin_access_log"]


@pytest.fixture
def test_policy():
    policy.register("test.rotation_years", 10, "测试：同一岗位任职年限上限", minimum=1, maximum=30)
    yield "test.rotation_years"
    policy.REGISTRY.pop("test.rotation_years", None)


@pytest.mark.parametrize("page", PAGES)
def test_only_superusers(client, city, page):
    url = reverse(page)
    resp = client.get(url)
    assert resp.status_code == 302 and "/login/" in resp["Location"]
    for user in (city.staff_all, city.discipline, city.nobody):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    client.force_login(city.admin)
    resp = client.get(url)
    assert resp.status_code == 200 and "系统管理" in resp.content.decode()


def test_role_detail_and_writes_refused_to_non_superusers(client, city):
    group = Group.objects.get(name__startswith="org_staff:甲镇")
    url = reverse("admin_role_detail", args=[group.pk])
    client.force_login(city.staff_all)
    assert client.get(url).status_code == 403
    resp = client.post(url, {"op": "add_member", "user": city.staff_all.pk})
    assert resp.status_code == 403
    assert not group.user_set.filter(username="staff_all").exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.PERMISSION_CHANGE).exists()


def test_nav_item_only_for_superusers(client, city):
    admin_nav.register()
    item = next(i for i in registry.nav_items if i.url_name == "admin_roles")
    assert item.visible(city.admin) and not item.visible(city.staff_all)
    client.force_login(city.admin)
    assert reverse("admin_roles") in client.get(reverse("home")).content.decode()
    client.force_login(city.staff_all)
    assert reverse("admin_roles") not in client.get(reverse("home")).content.decode()


def test_role_groups_listed_with_members_and_organizations(client, city):
    client.force_login(city.admin)
    html = client.get(reverse("admin_roles")).content.decode()
    assert "组织部工作人员" in html and "统计接口用户" in html
    # members by name (no account here has one: the user name stands in)
    assert "甲镇" in html and '<span class="tag">staff_a</span>' in html


def test_role_pages_name_people_not_logins(client, city):
    city.staff_a.first_name = "周敏"
    city.staff_a.save(update_fields=["first_name"])
    client.force_login(city.admin)
    html = client.get(reverse("admin_roles")).content.decode()
    assert '<span class="tag">周敏</span>' in html and '<span class="tag">staff_a</span>' not in html
    group = city.staff_a.groups.get()
    html = client.get(reverse("admin_role_detail", args=[group.pk])).content.decode()
    members = html[html.index('id="members"') :]
    assert "<td>周敏</td>" in members and "staff_a</td>" not in members
    assert "<h1>角色组：组织部工作人员 · " in html


def test_create_group_grant_member_revoke_remove(client, city):
    client.force_login(city.admin)
    user = make_user("newcomer", first_name="新同事")
    assert not has_org_perm(user, "view_cadres")
    # create a role group
    resp = client.post(reverse("admin_roles"), {"role": "unit_liaison", "jurisdiction": "乙镇"})
    group = Group.objects.get(name="unit_liaison:乙镇")
    assert resp.status_code == 302 and resp["Location"] == reverse("admin_role_detail", args=[group.pk])
    # duplicate name: refused with a Chinese message
    resp = client.post(reverse("admin_roles"), {"role": "unit_liaison", "jurisdiction": "乙镇"})
    assert resp.status_code == 200 and "已存在" in resp.content.decode()
    url = reverse("admin_role_detail", args=[group.pk])
    # grant the role on 乙镇
    resp = client.post(url, {"op": "grant", "organization": city.town_b.pk})
    assert resp.status_code == 302
    # add a member: the scope takes effect
    resp = client.post(url, {"op": "add_member", "user": user.pk})
    assert resp.status_code == 302
    clear_cache(user)
    assert has_org_perm(user, "view_cadres", city.town_b.pk)
    assert has_org_perm(user, "manage_secondline", city.town_b.pk)
    assert not has_org_perm(user, "view_cadres", city.town_a.pk)
    html = client.get(url).content.decode()
    assert (
        "乙镇" in html
        and "新同事" in html
        and "newcomer" not in html
        and "维护二线干部日常" not in html
        or "管理二线干部日常" in html
    )
    # unknown user: a form error, nothing changed
    resp = client.post(url, {"op": "add_member", "user": 987654})
    assert resp.status_code == 200 and "没有这个用户" in resp.content.decode()
    # revoke a single permission
    resp = client.post(url, {"op": "revoke", "organization": city.town_b.pk, "codename": "manage_secondline"})
    assert resp.status_code == 302
    clear_cache(user)
    assert has_org_perm(user, "view_cadres", city.town_b.pk)
    assert not has_org_perm(user, "manage_secondline", city.town_b.pk)
    # remove the member
    resp = client.post(url, {"op": "remove_member", "user": user.pk})
    assert resp.status_code == 302
    clear_cache(user)
    assert not has_org_perm(user, "view_cadres")
    # every change was logged as a permission change
    ops = list(
        AccessLog.objects.filter(action=AccessLog.Action.PERMISSION_CHANGE)
        .order_by("id")
        .values_list("detail__op", flat=True)
    )
    assert ops == ["group_create", "grant", "member_add", "revoke", "member_remove"]
    entry = AccessLog.objects.filter(detail__op="grant").get()
    assert entry.username == "admin" and entry.object_repr == "unit_liaison:乙镇"
    assert entry.detail["organization"] == "乙镇"


def _policy_form(client, url) -> dict[str, str]:
    """The policy page's one form as a browser would submit it unchanged."""
    import re

    html = client.get(url).content.decode()
    form = html[html.index('id="policy-form"') :]
    return {
        name: value
        for name, value in re.findall(
            r'<input type="(?:number|text)"[^>]*name="(p-[^"]+)"[^>]*value="([^"]*)"', form
        )
    }


def test_policy_settings_one_form_one_save(client, city, test_policy):
    client.force_login(city.admin)
    url = reverse("admin_policies")
    html = client.get(url).content.decode()
    # grouped by area with Chinese labels and units; one save button, no raw keys shown
    assert "测试：同一岗位任职年限上限" in html and "轮审到期提前提醒天数" in html and "三责联审" in html
    assert html.count('type="submit" class="primary"') == 1 and ">audits.cycle_warning_days<" not in html
    assert "天" in html and "谈心谈话" in html
    data = _policy_form(client, url)
    assert len(data) == len(policy.REGISTRY)
    # one bad value among good ones: Chinese error, nothing saved at all
    bad = dict(data, **{f"p-{test_policy}": "99", "p-audits.cycle_warning_days": "30"})
    resp = client.post(url, bad)
    assert (
        resp.status_code == 400
        and "不能大于 30" in resp.content.decode()
        and "未保存任何修改" in resp.content.decode()
    )
    resp = client.post(url, dict(data, **{f"p-{test_policy}": "abc"}))
    assert resp.status_code == 400 and "取值格式不正确" in resp.content.decode()
    assert not PolicySetting.objects.exists()
    before = AccessLog.objects.filter(detail__op="policy_set").count()
    # two changed values: both stored, one access-log row each; unchanged values write nothing
    resp = client.post(url, dict(data, **{f"p-{test_policy}": "8", "p-audits.cycle_warning_days": "30"}))
    assert resp.status_code == 302
    assert policy.get(test_policy) == 8 and policy.get("audits.cycle_warning_days") == 30
    assert set(PolicySetting.objects.values_list("key", flat=True)) == {
        test_policy,
        "audits.cycle_warning_days",
    }
    assert AccessLog.objects.filter(detail__op="policy_set").count() == before + 2
    assert AccessLog.objects.filter(detail__op="policy_set", detail__new=8).exists()
    # saving the same form again changes nothing and logs nothing
    client.post(url, _policy_form(client, url))
    assert AccessLog.objects.filter(detail__op="policy_set").count() == before + 2
    # back to the default through the same form
    client.post(url, dict(_policy_form(client, url), **{f"reset-{test_policy}": "1"}))
    assert policy.get(test_policy) == 10
    assert not PolicySetting.objects.filter(key=test_policy).exists()
    # non-superusers cannot change it
    client.force_login(city.staff_all)
    assert client.post(url, {f"p-{test_policy}": "5"}).status_code == 403
    assert policy.get(test_policy) == 10


def test_every_policy_has_an_area_and_a_unit_or_is_text():
    for p in policy.REGISTRY.values():
        if p.key.startswith("test."):
            continue
        assert p.area_label and p.area_label != "其他", p.key
        assert p.unit or p.kind is str or p.kind is bool, p.key


def test_access_log_filters_and_export(client, city):
    log_access(user=city.staff_a, action=AccessLog.Action.VIEW_CITIZEN_ID, obj=city.cadre_a)
    log_access(
        user=city.discipline,
        action=AccessLog.Action.EXPORT,
        object_type="cadres.cadre",
        object_repr="干部名册.xlsx",
    )
    client.force_login(city.admin)
    url = reverse("admin_access_log")
    html = client.get(url).content.decode()
    assert "查看完整身份证号" in html and "干部名册.xlsx" in html
    # sentences: who, what, which record; people by name
    assert "staff_a查看完整身份证号：干部“张伟”" in html
    assert "cadres.cadre" not in html.split('id="access-log"')[1]
    html = client.get(url, {"user": city.staff_a.pk}).content.decode()
    assert "张伟" in html and "干部名册.xlsx" not in html
    html = client.get(url, {"action": "export"}).content.decode()
    assert "干部名册.xlsx" in html and "张伟" not in html
    html = client.get(
        url, {"object_type": "cadres.cadre", "date_from": "2000-01-01", "date_to": "2999-01-01"}
    ).content.decode()
    assert "张伟" in html and "干部名册.xlsx" in html
    html = client.get(url, {"date_to": "2000-01-01"}).content.decode()
    assert "没有符合条件的记录" in html
    # export: the filtered rows, and the export itself is logged
    resp = client.get(url, {"user": city.staff_a.pk, "export": "xlsx"})
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "事件", "人员", "操作")
    assert [r[2] for r in rows[1:]] == ["staff_a"] and rows[1][4] == "干部"
    export = AccessLog.objects.filter(
        action=AccessLog.Action.EXPORT, object_type="cadre_supervision.accesslog"
    ).get()
    assert (
        export.username == "admin"
        and export.detail["rows"] == 1
        and export.detail["filters"]["user"] == str(city.staff_a.pk)
    )
