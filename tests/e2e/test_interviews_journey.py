# ruff: noqa: F811  (fixtures imported from tests/interviews/conftest.py)
"""Browser journey: a supervisor sees an overdue talk on 我的谈话任务, logs it, and the task
turns done."""

from __future__ import annotations

import pytest

from interviews.models import RequiredTalk
from tests.e2e.conftest import login
from tests.interviews.conftest import talks  # noqa: F401  (fixture)


@pytest.mark.e2e
def test_supervisor_logs_an_overdue_talk(transactional_db, talks, live_server, page):
    task = RequiredTalk.objects.filter(cadre=talks.cadre_a, kind="routine").order_by("seq").first()
    assert task.due_date < talks.today  # the 30 June talk of 甲镇's 党委书记 is overdue

    login(page, live_server, "shuji")
    page.click("text=我的谈话任务")
    row = page.locator(f"#overdue tr[data-task='{task.pk}']")
    assert "张伟" in row.inner_text()
    assert "已逾期" in row.inner_text()

    row.locator("a.log-talk").click()
    page.wait_for_selector("#record-form")
    assert page.locator("#id_interviewee").input_value() == str(talks.cadre_a.pk)
    page.fill("#id_place", "市委小会议室")
    page.fill("#id_topics", "班子团结与党风廉政建设")
    page.fill("#id_summary", "谈话对象汇报了上半年工作和思想情况，表示将严格落实一岗双责。")
    page.click("#record-form button[type=submit]")

    page.wait_for_selector(f"#done tr[data-task='{task.pk}']")
    assert page.locator(f"#overdue tr[data-task='{task.pk}']").count() == 0
    assert "谈话记录已登记" in page.inner_text("body")
    task.refresh_from_db()
    assert task.done_on == talks.today and task.fulfilled_by.place == "市委小会议室"
