"""Browser journey: a discipline officer registers a petition, disposes of its problem clue by
谈话函询 (a written inquiry) and follows the link to the inquiry raised in the talks app."""

import pytest

from tests.e2e.conftest import login, pick
from tests.petitions.conftest import pet  # noqa: F401  (fixture)


@pytest.mark.e2e
def test_register_dispose_by_talk_inquiry_and_see_the_talk(transactional_db, live_server, page, pet):  # noqa: F811
    login(page, live_server, "disc_a")
    page.goto(f"{live_server.url}/petitions/")
    page.get_by_role("link", name="登记信访举报件").click()
    page.fill("#id_title", "反映王芳工作作风粗暴")
    page.select_option("#id_channel", "visit")
    page.fill("#id_received_on", "2026-05-06")
    pick(page, "id_organization", "甲镇", "甲镇")
    pick(page, "id_cadres", "王芳", "王芳")
    page.fill("#id_content", "来访群众反映王芳对前来办事的群众态度恶劣，推诿扯皮。")
    page.click("main form.card button[type=submit]")
    page.wait_for_selector("text=信访举报件已登记")
    assert "反映王芳工作作风粗暴" in page.inner_text("h1")
    assert "待处置" in page.content()

    page.select_option("#dispose_disposal", "talk_inquiry")
    page.select_option("#dispose_talk_form", "written_inquiry")
    page.fill("#dispose_note", "经研究，对王芳进行函询，要求其书面说明。")
    page.click("#dispose-form button[type=submit]")
    page.wait_for_selector("text=已在谈心谈话中生成谈话函询记录")
    assert "谈话函询（函询）" in page.inner_text("#disposal")
    page.locator("#talks a", has_text="王芳").click()
    page.wait_for_url(lambda url: "/interviews/" in url)
    body = page.inner_text("main")
    assert "函询" in body and "王芳" in body
