"""Browser journey: staff open the 干部任免审批表 print page of a cadre with a long résumé, several
family members and a sanction; printed to PDF it is exactly two A4 pages."""

from __future__ import annotations

import random
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.cadres.test_dossier import PROPOSAL, _long_dossier

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(autouse=True)
def _seed(settings, tmp_path):
    random.seed(1)
    settings.CS_PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_renmian_print_page_is_two_a4_pages(live_server, page, city):
    cadre = _long_dossier(city)
    page.set_default_timeout(60000)  # the shared test machine is slow; the assertions stay strict
    login(page, live_server, "staff_a")
    page.goto(f"{live_server.url}/cadres/{cadre.pk}/renmian/")
    expect(page.locator("h1")).to_contain_text("干部任免审批表")
    page.goto(f"{live_server.url}/cadres/{cadre.pk}/renmian/?{urlencode({**PROPOSAL, 'format': 'html'})}")
    expect(page.locator("#f-name")).to_have_text(cadre.name)
    expect(page.locator("#f-resume-cont p").first).to_be_visible()
    expect(page.locator("tr.family")).to_have_count(4)
    expect(page.locator("#f-rewards")).to_contain_text("警告")
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 900, "height": 1300})
    page.screenshot(path=str(ARTIFACTS / "renmian-form.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    (ARTIFACTS / "renmian-form.pdf").write_bytes(pdf)
    assert pdf_page_count(pdf) == 2
