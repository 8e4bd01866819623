"""Browser journey: organization staff find a 一把手 and see the portfolio warning."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import expect

from cadres.models import Appointment

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_feb29_birth_dates():
    """tests/factories.CadreFactory draws random birth dates and fails on 29 February
    (party_join_date = birth + 22 years); a fixed seed keeps these tests deterministic."""
    random.seed(1)


def test_staff_filters_cadre_list_and_sees_top_leader_portfolio_warning(live_server, page, city):
    # 张伟 is 党委书记 (a 一把手) of 甲镇 and oversees finance; the note's "不分管工程建设" is only a note.
    Appointment.objects.filter(pk=city.appt_a.pk).update(
        portfolio_areas=["finance", "party_building"], portfolio_text="分管党建、财务；不分管工程建设"
    )
    login(page, live_server, "staff_a")
    page.goto(f"{live_server.url}/cadres/")
    expect(page.locator("h1")).to_have_text("干部名册")
    rows = page.locator("#cadre-table tbody tr")
    expect(rows).to_have_count(2)  # 张伟, 王芳 (乙镇's 李强 is out of scope)

    page.select_option("#id_top_leader", "true")
    page.click("#filter-form button.primary")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张伟")
    expect(rows.first.locator(".tag-red")).to_have_text("分管违规")

    rows.first.get_by_role("link", name="张伟").click()
    expect(page).to_have_url(re.compile(rf"/cadres/{city.cadre_a.pk}/$"))
    warning = page.locator(".alert.alert-danger.portfolio-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("一把手分管")
    expect(warning).to_contain_text("财务/财政")
    expect(warning).not_to_contain_text("工程建设")
    expect(page.locator("#citizen-id-masked")).to_contain_text("*")

    # the search box finds the same cadre by pinyin initials
    page.goto(f"{live_server.url}/cadres/")
    page.fill("#id_q", "zw")
    page.click("#filter-form button.primary")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张伟")
