"""Browser journey: org staff open the due list, add a due cadre to the year's plan, record
the exchange from the plan, and see the unit's execution rate move."""

import pytest
from django.utils import timezone

from tests.e2e.conftest import login, pick
from tests.rotations.conftest import rot  # noqa: F401  (fixture)


@pytest.mark.e2e
def test_due_list_to_plan_to_exchange(transactional_db, live_server, page, rot):  # noqa: F811
    year = timezone.localdate().year
    login(page, live_server, "staff_all")
    page.goto(f"{live_server.url}/rotations/")
    row = page.locator("#due-table tr", has_text="李强")
    assert "同一职位任职满10年须交流" in row.inner_text()
    row.get_by_role("button", name="加入计划").click()
    page.wait_for_selector("text=已列入年度轮岗交流计划")

    page.goto(f"{live_server.url}/rotations/plans/?year={year}")
    ranking = page.locator("#ranking tr", has_text="乙镇")
    assert "0.0%" in ranking.inner_text()
    ranking.get_by_role("link", name="计划").click()
    page.locator("#plan-items tr", has_text="李强").get_by_role("link", name="登记交流").click()

    pick(page, "id_to_post", "局长", "丙局 · 局长（一把手）")
    page.select_option("#id_kind", "township_to_city")
    page.click("main form.card button[type=submit]")
    page.wait_for_selector("text=交流已登记")
    assert "乡镇→市级机关" in page.content()

    page.goto(f"{live_server.url}/rotations/plans/?year={year}")
    assert "100.0%" in page.locator("#ranking tr", has_text="乙镇").inner_text()
    page.goto(f"{live_server.url}/rotations/figures/")
    assert page.inner_text("#fig-secretaries") == "1"
