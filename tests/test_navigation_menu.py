"""The menu and sub-menus show only what the user may open; the current section is marked;
detail pages have breadcrumbs; sensitive pages carry the viewer's watermark."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cadre_supervision import registry
from cadres.models import Cadre

from .conftest import login
from .factories import make_user

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<nav class="(?:mainnav|subnav)[^"]*"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def menu_links(html: str) -> list[str]:
    return [h for block in LINK.findall(html) for h in HREF.findall(block)]


def every_menu_link(client, start: str = "/") -> dict[str, int]:
    """Follow every link of the menu and sub-menus (two levels): URL -> status."""
    seen: dict[str, int] = {}
    todo = [start]
    while todo:
        url = todo.pop()
        resp = client.get(url, follow=True)
        seen[url] = resp.status_code
        if resp.status_code == 200 and len(seen) < 60:
            todo.extend(h for h in menu_links(resp.content.decode()) if h not in seen and h not in todo)
    return seen


@pytest.fixture
def own_account(city):
    """A cadre's own account: no role, linked to 张伟."""
    user = make_user("zhangwei", first_name="张伟")
    Cadre.objects.filter(pk=city.cadre_a.pk).update(user=user)
    return user


def test_a_cadres_own_account_is_offered_no_link_that_fails(client, city, own_account):
    login(client, own_account)
    statuses = every_menu_link(client)
    assert all(code == 200 for code in statuses.values()), statuses
    html = client.get("/").content.decode()
    links = menu_links(html)
    for hidden in ("cadres:cadre_list", "cadres:organization_tree", "cadres:post_list", "integrity_index"):
        assert reverse(hidden) not in links
    assert reverse("reports:home") in links


@pytest.mark.parametrize(
    "who", ["staff_all", "staff_a", "discipline", "liaison_a", "stats", "nobody", "admin"]
)
def test_every_menu_link_opens_for_every_role(client, city, who):
    login(client, getattr(city, who))
    statuses = every_menu_link(client)
    assert all(code == 200 for code in statuses.values()), statuses


def test_integrity_file_is_in_the_menu_for_those_who_may_open_it(client, city):
    index = reverse("integrity_index")
    assert index in menu_links(login(client, city.discipline).get("/").content.decode())
    assert index not in menu_links(login(client, city.stats).get("/").content.decode())


def test_the_current_section_is_marked(client, city):
    html = (
        login(client, city.staff_all)
        .get(reverse("cadres:post_detail", args=[city.sec_a.pk]))
        .content.decode()
    )
    current = re.findall(r'<a href="([^"]+)" class="active" aria-current="page">', html)
    assert current == [reverse("cadres:post_list")]


def test_reports_sub_menu_lists_only_what_the_user_may_open(client, city, own_account):
    html = login(client, own_account).get(reverse("reports:my_reports")).content.decode()
    sub = re.search(r'<nav class="subnav[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert HREF.findall(sub) == [reverse("reports:my_reports")]
    html = login(client, city.staff_all).get(reverse("reports:cycle_list")).content.decode()
    sub = re.search(r'<nav class="subnav[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert reverse("reports:cycle_list") in HREF.findall(sub) and reverse("reports:my_reports") not in sub


@pytest.mark.parametrize(
    "name, obj, crumbs",
    [
        ("cadres:cadre_detail", "cadre_a", ["工作台", "干部名册", "甲镇", "张伟"]),
        ("cadres:post_detail", "sec_a", ["工作台", "岗位", "甲镇 党委书记"]),
        ("cadres:organization_detail", "town_a", ["工作台", "单位", "甲镇"]),
        ("integrity_file", "cadre_a", ["工作台", "廉政档案", "张伟"]),
    ],
)
def test_detail_pages_have_breadcrumbs(client, city, name, obj, crumbs):
    html = login(client, city.admin).get(reverse(name, args=[getattr(city, obj).pk])).content.decode()
    nav = re.search(r'<nav class="breadcrumbs[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert [
        re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li[^>]*>(.*?)</li>", nav, re.S)
    ] == crumbs


def test_every_detail_template_uses_the_breadcrumbs_partial():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    details = [*root.glob("*/*_detail.html"), root / "integrity" / "file.html"]
    assert len(details) >= 18
    missing = [p.name for p in details if '"partials/breadcrumbs.html"' not in p.read_text()]
    assert not missing


def _watermarked(html: str) -> bool:
    return 'id="watermark"' in html


def test_watermark_on_sensitive_pages_only(client, city):
    city.admin.first_name = "系统管理员"
    city.admin.save(update_fields=["first_name"])
    login(client, city.admin)
    file_page = client.get(reverse("integrity_file", args=[city.cadre_a.pk])).content.decode()
    assert _watermarked(file_page)
    mark = re.search(r'<text[^>]*class="watermark-text">([^<]+)</text>', file_page).group(1)
    assert re.fullmatch(r"系统管理员 \d{4}-\d{2}-\d{2} \d{2}:\d{2}", mark)
    assert not _watermarked(
        client.get(reverse("cadres:cadre_detail", args=[city.cadre_a.pk])).content.decode()
    )
    revealed = client.post(reverse("cadres:cadre_citizen_id", args=[city.cadre_a.pk])).content.decode()
    assert 'id="citizen-id-full"' in revealed and _watermarked(revealed)
    assert not _watermarked(client.get("/").content.decode())
    assert not _watermarked(client.get(reverse("cadres:cadre_list")).content.decode())


def test_watermark_prints():
    from pathlib import Path

    css = (Path(__file__).resolve().parent.parent / "static" / "css" / "print.css").read_text()
    rule = re.search(r"\.watermark \{([^}]*)\}", css).group(1)
    assert "display: block" in rule and "position: fixed" in rule


def test_every_nav_and_subnav_entry_resolves():
    for item in registry.nav_items + [i for items in registry.subnav_items.values() for i in items]:
        reverse(item.url_name)
