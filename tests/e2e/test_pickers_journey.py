"""Browser journey: a type-ahead picker found by pinyin initials, the unit tree picker, and the
organization page expanding a unit's children on demand."""

import pytest

from rotations.models import AvoidanceCase
from tests.e2e.conftest import login, pick
from tests.factories import OrganizationFactory


@pytest.mark.e2e
def test_type_zw_and_pick_a_cadre(transactional_db, live_server, page, city):
    login(page, live_server, "staff_all")
    page.goto(f"{live_server.url}/rotations/avoidance/new/")
    # the page carries no cadre option until the user types
    assert page.locator("#id_cadre option").count() == 1
    pick(page, "id_cadre", "zw", "张伟（甲镇）")
    assert page.eval_on_selector("#id_cadre", "el => el.value") == str(city.cadre_a.pk)
    page.fill("#id_reason", "近亲属在同一单位任职")
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/new/" not in url)
    assert AvoidanceCase.objects.filter(cadre=city.cadre_a).exists()


@pytest.mark.e2e
def test_unit_tree_picker_and_tree_page(transactional_db, live_server, page, city):
    village = OrganizationFactory(name="甲村", kind="township", parent=city.town_a)
    login(page, live_server, "staff_all")

    page.goto(f"{live_server.url}/cadres/posts/new/")
    page.click("text=按层级选择")
    page.click(".org-picker button[aria-label='展开某市']")
    page.click(".org-picker button[aria-label='展开甲镇']")
    page.click(".org-picker .org-pick:text-is('甲村')")
    assert page.eval_on_selector("#id_organization", "el => el.value") == str(village.pk)

    page.goto(f"{live_server.url}/cadres/organizations/")
    assert page.locator("text=甲村").count() == 0  # third level: not in the page
    toggle = page.locator(f"li[data-org-id='{city.town_a.pk}'] > button.tree-toggle")
    toggle.click()
    page.wait_for_selector(f"#org-children-{city.town_a.pk} >> text=甲村")
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert not page.locator(f"#org-children-{city.town_a.pk}").is_visible()
