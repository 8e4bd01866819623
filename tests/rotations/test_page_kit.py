"""The page kit on the rotations pages: the leave form comes back with what was entered; the due
list (computed rows) sorts by header, exports its page columns and logs the export; a `next`
pointing to another host is ignored."""

import re
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadre_supervision.models import AccessLog
from rotations.models import LeaveRequest
from rotations.tables import DueTable


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_invalid_leave_form_keeps_every_value(client, secondline):
    client.force_login(secondline.staff_all)
    r = client.post(
        reverse("rotations:leave_create", args=[secondline.rec_a.pk]),
        {"kind": "sick", "start_date": "2026-03-02", "end_date": "不是日期", "reason": "住院复查"},
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'value="2026-03-02"' in html and 'value="不是日期"' in html and "住院复查" in html
    assert _selected(html, "kind") == ["sick"]
    assert not LeaveRequest.objects.exists()


def test_leave_form_needs_a_kind(client, secondline):
    client.force_login(secondline.staff_all)
    r = client.post(
        reverse("rotations:leave_create", args=[secondline.rec_a.pk]),
        {"kind": "", "start_date": "2026-03-02", "end_date": "2026-03-03", "reason": "事"},
    )
    assert r.status_code == 200 and _selected(r.content.decode(), "kind") == [""]
    assert not LeaveRequest.objects.exists()


def test_leave_form_out_of_scope_is_404_whatever_the_body(client, secondline):
    client.force_login(secondline.staff_a)
    r = client.post(reverse("rotations:leave_create", args=[secondline.rec_b.pk]), {"kind": "bad"})
    assert r.status_code == 404


def _names(html: str) -> list[str]:
    body = html.split('id="due-table"')[1].split("</tbody>")[0]
    return re.findall(r'<tr data-cadre="\d+"[^>]*>\s*<td[^>]*><a[^>]*>([^<]+)</a>', body)


def test_due_list_sorts_by_header(client, rot):
    client.force_login(rot.staff_all)
    url = reverse("rotations:due_list")
    up = _names(client.get(url, {"sort": "mandatory_date"}).content.decode())
    down = _names(client.get(url, {"sort": "-mandatory_date"}).content.decode())
    assert len(up) >= 2 and up != down and sorted(up) == sorted(down)
    page = client.get(url).content.decode()
    assert "?sort=mandatory_date" in page  # the header is a sort link


def test_due_export_columns_equal_page_columns_and_are_logged(client, rot):
    client.force_login(rot.staff_all)
    x = client.get(reverse("rotations:due_list"), {"export": "xlsx", "sort": "-years"})
    ws = load_workbook(BytesIO(x.content)).active
    header = [c.value for c in ws[1]]
    table = DueTable([], year=timezone.localdate().year)
    assert header == [str(c.header) for c in table.columns]
    years = [r[header.index("任职年数")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert years == sorted(years, reverse=True)
    log = AccessLog.objects.get(action="export", object_type="rotations.due")
    assert log.detail["rows"] == ws.max_row - 1


def test_action_view_ignores_a_foreign_next(client, rot):
    client.force_login(rot.staff_all)
    r = client.post(
        reverse("rotations:due_add_to_plan"),
        {"cadre": rot.cadre_b.pk, "post": rot.sec_b.pk, "year": 2026, "next": "https://evil.example/"},
    )
    assert r.status_code == 302 and "evil.example" not in r["Location"]
