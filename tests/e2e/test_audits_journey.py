"""A discipline officer opens a cadre's integrity file, opens an audit, downloads the report,
and cannot reach an audit outside their scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audits import services
from audits.choices import AuditStatus
from cadre_supervision.models import AccessLog
from tests.audits import helpers
from tests.audits.helpers import advance, make_finding
from tests.factories import make_user

from .conftest import login

ac = helpers.ac
private_media = helpers.private_media


@pytest.mark.e2e
def test_discipline_officer_journey(live_server, page, ac):
    officer = make_user("jiwei_a", "discipline", [ac.town_a], first_name="纪检")
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.REPORT)
    make_finding(audit, ac.staff_all, description="公务接待超标准列支")
    services.audit_file_upload(
        user=ac.staff_all,
        audit=audit,
        kind="report",
        title="甲镇三责联审报告",
        uploaded_file=SimpleUploadedFile("联审报告.pdf", b"%PDF-1.4 report"),
    )
    login(page, live_server, officer.username)

    # the integrity file, found by name
    page.goto(f"{live_server.url}/integrity/")
    page.fill("#id_q", "张伟")
    page.click("#integrity-search button[type=submit]")
    page.click("#integrity-results >> text=张伟")
    page.wait_for_selector("#integrity-file")
    assert "张伟 廉政档案" in page.text_content("h1")
    assert "公务接待超标准列支" in page.text_content("#section-auditsfindings")

    # open the audit from the file, download the report
    page.click(f"#section-auditsaudits >> text={audit.title}")
    page.wait_for_selector("#file-table")
    with page.expect_download() as dl:
        page.click("#file-table >> text=下载")
    download = dl.value
    assert download.suggested_filename == "联审报告.pdf"
    assert open(download.path(), "rb").read() == b"%PDF-1.4 report"
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_FILE, username="jiwei_a").count() == 1
    assert (
        AccessLog.objects.filter(action=AccessLog.Action.VIEW_INTEGRITY_FILE, username="jiwei_a").count() == 1
    )

    # 乙镇's audit is outside this officer's scope: not listed, and 404 by address
    page.goto(f"{live_server.url}/audits/")
    assert ac.audit_b.title not in page.content()
    response = page.goto(f"{live_server.url}/audits/{ac.audit_b.pk}/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/integrity/{ac.cadre_b.pk}/")
    assert response.status == 404
