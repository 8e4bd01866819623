"""Browser journey: org staff record a leader's sunshine-evaluation scores and see the computed
grade, complete the 评 step, propose the care letters from the weak grades, send one, and
follow it to the 提醒谈话 it raised."""

import pytest

from evaluations import services
from evaluations.choices import Step, SubjectKind
from tests.e2e.conftest import login
from tests.evaluations.conftest import YEAR, run_to


@pytest.mark.e2e
def test_campaign_scores_grade_letter_and_reminder_talk(transactional_db, live_server, page, city):
    c = services.campaign_create(user=city.staff_all, organization=city.town_a, year=YEAR)
    subject = services.subject_add(
        user=city.staff_all, campaign=c, kind=SubjectKind.LEADER, cadre=city.cadre_a
    )
    run_to(c, city.staff_all, Step.YI)

    login(page, live_server, "staff_all")
    page.goto(f"{live_server.url}/evaluations/{c.pk}/")
    assert "议：评议审议" in page.inner_text("#step-table")
    page.locator("#subjects").get_by_role("link", name="张伟").click()
    page.get_by_role("link", name="录入评议得分").click()
    for group in ("masses", "deputies", "cadres", "leaders"):
        page.fill(f"#id_score_{group}", "70")
    page.click("main form.card button[type=submit]")
    page.wait_for_selector("text=得分已保存")
    assert "基本称职" in page.inner_text("#grade-value")
    assert "70.00" in page.inner_text("#grade")

    page.goto(f"{live_server.url}/evaluations/{c.pk}/")
    page.locator("#step-ping").get_by_role("button", name="完成“评：测评定等”").click()
    page.wait_for_selector("text=环节已完成")
    assert subject.campaign.steps.get(step=Step.PING).completed_on is not None

    page.goto(f"{live_server.url}/evaluations/letters/")
    page.locator("#propose-all").get_by_role("button").click()
    page.wait_for_selector("text=份关爱提醒函。")
    page.get_by_role("link", name="张伟").first.click()
    assert "基本称职" in page.content()
    page.locator("#send-form").get_by_role("button", name="发送提醒函").click()
    page.wait_for_selector("text=提醒谈话已列入谈话任务")
    assert page.inner_text("#letter-status") == "已发送"
    page.locator("#reminder-talk").get_by_role("link").click()
    page.wait_for_selector("text=提醒谈话（关爱提醒函）")
    assert "张伟" in page.content()
