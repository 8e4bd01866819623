"""Browser journey: staff open the early-warning board, filter to 红, and follow a signal to its
evidence; the board and the joint analysis pass axe-core without serious or critical findings."""

import datetime as dt

import pytest

from tests.e2e.conftest import login
from tests.e2e.test_accessibility import AXE, RUN_AXE


@pytest.fixture
def signals(city):
    from cadres.models import Appointment, forbidden_area_codes
    from interviews.models import RequiredTalk

    c = city
    # 张伟, 甲镇党委书记 (一把手), holds a portfolio area forbidden to a 一把手: a red signal.
    Appointment.objects.filter(pk=c.appt_a.pk).update(portfolio_areas=sorted(forbidden_area_codes())[:1])
    # 王芳 has an overdue talk (yellow); 李强 is past the rotation limit (orange).
    RequiredTalk.objects.create(
        cadre=c.cadre_a2,
        year=dt.date.today().year,
        kind="routine",
        seq=9,
        due_date=dt.date.today() - dt.timedelta(days=10),
        category="top_leader",
    )
    return c


def _serious(page):
    page.add_script_tag(url=AXE)
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in ("serious", "critical")]


@pytest.mark.e2e
def test_board_filter_red_and_follow_the_evidence(live_server, page, signals):
    page.set_default_timeout(90000)  # the cadre page is slow on a loaded machine
    login(page, live_server, "staff_all")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="预警看板").first.click()
    page.wait_for_selector("#risk-table")
    assert page.inner_text("#count-red") == "1"
    assert "谈心谈话逾期" in page.inner_text("#risk-table")  # the parts of the score are shown
    assert not _serious(page)

    page.get_by_role("link", name="预警明细").click()
    page.wait_for_selector("#signal-table")
    assert page.locator("#signal-table tbody tr").count() >= 3
    page.select_option("#id_level", "red")
    page.click("#filter-form button.primary")
    page.wait_for_url(lambda url: "level=red" in url)
    rows = page.locator("#signal-table tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-level") == "red"
    assert "张伟" in rows.first.inner_text() and "王芳" not in page.inner_text("#signal-table")
    assert not _serious(page)

    rows.first.get_by_role("link", name="查看依据").click()
    page.wait_for_url(lambda url: f"/cadres/{signals.cadre_a.pk}/" in url)
    warning = page.locator("#cadre-warnings .portfolio-warning")
    assert "一把手分管违规预警" in warning.inner_text() and "红" in warning.inner_text()


@pytest.mark.e2e
def test_joint_analysis_page_accessible(live_server, page, signals):
    page.set_default_timeout(90000)  # the cadre page is slow on a loaded machine
    login(page, live_server, "staff_all")
    page.goto(f"{live_server.url}/integrity/analysis/?year={dt.date.today().year}")
    assert "张伟" in page.inner_text("#analysis-summary")
    assert not _serious(page)
    page.locator("#analysis-summary a", has_text="张伟").click()
    page.wait_for_selector("#analysis-warnings")
    assert "一把手分管违规预警" in page.inner_text("#analysis-warnings")
    assert not _serious(page)
