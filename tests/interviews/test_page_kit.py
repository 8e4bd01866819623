"""The page kit on the interviews pages: an invalid special-talk form comes back with every value
and the chosen options; coverage (computed rows) exports its page columns with an access-log row."""

import re
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from cadre_supervision.models import AccessLog
from interviews.models import RequiredTalk
from interviews.tables import CoverageByInterviewerTable, CoverageByOrgTable


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_invalid_special_talk_form_keeps_every_value(talks, client):
    client.force_login(talks.staff_all)
    r = client.post(
        reverse("interviews:special_create"),
        {
            "cadre": talks.cadre_b.pk,
            "trigger": "democratic_life",
            "trigger_date": "2026-13-40",
            "note": "群众反映",
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'value="2026-13-40"' in html and "群众反映" in html
    assert _selected(html, "cadre") == [str(talks.cadre_b.pk)]
    assert _selected(html, "trigger") == ["democratic_life"]
    assert not RequiredTalk.objects.filter(kind="special_topic").exists()


def test_coverage_export_columns_equal_page_columns_and_are_logged(talks, client):
    client.force_login(talks.staff_all)
    page = client.get(reverse("interviews:coverage")).content.decode()
    head = page.split('id="by-organization"')[1].split("</thead>")[0]
    ths = [h.strip() for h in re.findall(r"<th(?:\s[^>]*)?>(?:<a[^>]*>)?([^<▲▼]*)", head)]
    x = client.get(reverse("interviews:coverage"), {"export": "xlsx"})
    wb = load_workbook(BytesIO(x.content))
    assert wb.sheetnames == ["按单位", "按谈话人"]
    assert [c.value for c in wb["按单位"][1]] == ths
    assert ths == [str(c.verbose_name) for c in CoverageByOrgTable.base_columns.values()]
    assert [c.value for c in wb["按谈话人"][1]] == [
        str(c.verbose_name) for c in CoverageByInterviewerTable.base_columns.values()
    ]
    log = AccessLog.objects.get(action="export", object_type="interviews.coverage")
    assert log.detail["rows"] == wb["按单位"].max_row - 1 + wb["按谈话人"].max_row - 1


def test_coverage_sorts_by_rate(talks, client):
    client.force_login(talks.staff_all)
    html = client.get(reverse("interviews:coverage"), {"sort": "-cadres"}).content.decode()
    body = html.split('id="by-organization"')[1].split("</tbody>")[0]
    counts = [
        int(n)
        for n in re.findall(
            r'<td class="num">(\d+)</td>\s*<td class="num">\d+</td>\s*<td class="num">\d+</td>', body
        )
    ]
    assert counts and counts == sorted(counts, reverse=True)
