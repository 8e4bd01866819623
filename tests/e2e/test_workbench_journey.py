"""Browser journeys: every role signs in, lands on the workbench (工作台), sees their own items
and figures, and follows one item to their main task. A full-page screenshot of each role's
workbench is saved to test-artifacts/workbench-<role>.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import workbench_world
from tests.e2e.conftest import login

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# role -> (user attribute, the to-do kind to follow, text of the page it leads to,
#          figure keys that must be drawn)
ROLES = {
    "staff": (
        "staff_all",
        "reports.cycle",
        "年度个人有关事项报告",
        {"interviews.coverage", "reports.submission"},
    ),
    "supervisor": ("sup_a", "interviews.talk", "登记谈话", {"interviews.coverage"}),
    "discipline": ("discipline", "audits.share", "审计档案", {"audits.rectification"}),
    "audit_team": ("auditor", "audits.finding", "整改", {"audits.rectification"}),
    "unit_liaison": ("liaison_a", "rotations.return", "二线干部：", {"rotations.utilisation"}),
    "cadre": ("wangfang", "reports.own", "个人有关事项报告", set()),
}


@pytest.mark.e2e
@pytest.mark.parametrize("role", list(ROLES))
def test_role_workbench_journey(transactional_db, city, live_server, page, role):
    attr, kind, landing_text, figures = ROLES[role]
    wb = workbench_world.build(city)
    user = getattr(wb, attr)

    login(page, live_server, user.username)
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "工作台"
    items = page.locator(f".todo-item[data-kind='{kind}']")
    assert items.count() >= 1, page.inner_text(".todo")
    counts = [int(c) for c in page.locator(".todo-group .count").all_inner_texts()]
    assert sum(counts) == page.locator(".todo-item").count()
    for key in figures:
        page.wait_for_selector(f"[data-chart='{key}'][data-drawn='1'] svg")
    # Each tile has its numbers in a table too; no tile without data.
    for fig in page.locator(".figure").all():
        assert fig.locator("tbody tr").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"workbench-{role}.png"), full_page=True)

    with page.expect_navigation():
        items.first.locator("a").click()
    assert landing_text in page.inner_text("body"), page.url
    assert "记录不存在" not in page.inner_text("body")


@pytest.mark.e2e
def test_workbench_tiles_left_by_the_page_fill_in(transactional_db, city, live_server, page, settings):
    """The page computes no figure (no time left): each tile fetches itself, is drawn in place
    with its table, and a tile with nothing to show for the user disappears."""
    from cadre_supervision import keep, workbench

    settings.WORKBENCH_INLINE_SECONDS = 0
    wb = workbench_world.build(city)
    keep.forget_all()
    expected = {f["key"] for f in workbench.figures_for(wb.sup_a, wb.today)}
    keep.forget_all()
    login(page, live_server, wb.sup_a.username)
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("[data-figure-src]", state="detached")
    for key in expected:
        page.wait_for_selector(f"[data-key='{key}'] [data-chart][data-drawn='1'] svg")
    shown = set(page.eval_on_selector_all(".figure", "els => els.map(e => e.dataset.key)"))
    assert shown == expected
    for fig in page.locator(".figure").all():
        assert fig.locator("tbody tr").count() >= 1
    assert "统计未能完成" not in page.inner_text("body")
