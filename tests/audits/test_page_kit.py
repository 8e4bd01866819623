"""The page kit on the audits pages: the rectification form has no dangerous default and an
invalid post comes back with what was entered; lists sort by header and export their columns."""

import datetime as dt
import re
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from audits.choices import AuditStatus, RectState
from audits.models import Finding
from audits.tables import FindingTable

from .helpers import D, advance, make_finding


def _finding(ac):
    audit = advance(ac.audit_a, ac.staff_all, AuditStatus.FIELDWORK, start=D(2024, 2, 1))
    return make_finding(audit, ac.staff_all, due=dt.date.today() + dt.timedelta(days=30))


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_rectify_form_preselects_nothing(client, ac):
    f = _finding(ac)
    client.force_login(ac.staff_all)
    page = client.get(f.get_absolute_url()).content.decode()
    assert '<option value="" selected>请选择</option>' in page
    assert _selected(page, "to_state") == [""]


def test_rectify_without_a_state_changes_nothing_and_keeps_the_note(client, ac):
    f = _finding(ac)
    client.force_login(ac.staff_all)
    r = client.post(
        reverse("audits:finding_rectify", args=[f.pk]), {"to_state": "", "note": "已退回多发津贴"}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "请选择新的整改状态" in html
    assert "已退回多发津贴" in html
    assert _selected(html, "to_state") == [""]
    assert Finding.objects.get(pk=f.pk).state == f.state


def test_rectify_error_from_the_service_keeps_chosen_state(client, ac):
    f = _finding(ac)
    client.force_login(ac.staff_all)
    client.post(reverse("audits:finding_rectify", args=[f.pk]), {"to_state": RectState.IN_PROGRESS})
    # 已提交 needs a note: the service refuses, the chosen option stays selected
    r = client.post(
        reverse("audits:finding_rectify", args=[f.pk]), {"to_state": RectState.SUBMITTED, "note": ""}
    )
    assert r.status_code == 200
    assert _selected(r.content.decode(), "to_state") == [RectState.SUBMITTED]
    assert Finding.objects.get(pk=f.pk).state == RectState.IN_PROGRESS


def test_finding_export_columns_equal_page_columns(client, ac):
    _finding(ac)
    client.force_login(ac.staff_all)
    page = client.get(reverse("audits:finding_list")).content.decode()
    ths = re.findall(
        r"<th(?:\s[^>]*)?>(?:<a[^>]*>)?([^<▲▼]*)", page.split('id="finding-list"')[1].split("</thead>")[0]
    )
    x = client.get(reverse("audits:finding_list"), {"export": "xlsx"})
    header = [c.value for c in load_workbook(BytesIO(x.content)).active[1]]
    assert [h.strip() for h in ths] == header
    assert header == [str(c.verbose_name) for c in FindingTable.base_columns.values()]
