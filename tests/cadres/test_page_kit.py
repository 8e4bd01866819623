"""The page kit on the cadre list: sorting by a header (in the database, stable by pk), the export
writes exactly the page's columns in the sorted order, and the query count does not grow."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadres.tables import CadreTable
from tests.cadres.test_views_queries import CADRE_LIST_MAX_QUERIES, _no_feb29_birth_dates, _populate  # noqa: F401

pytestmark = pytest.mark.django_db


def _names(html: str) -> list[str]:
    body = html.split('id="cadre-table"')[1].split("</tbody>")[0]
    return re.findall(r'<tr data-cadre-id="\d+"[^>]*>\s*<td[^>]*><a[^>]*>([^<]+)</a>', body)


def test_sorting_by_header_changes_order(client, city):
    client.force_login(city.staff_all)
    url = reverse("cadres:cadre_list")
    asc = _names(client.get(url, {"sort": "age"}).content.decode())
    desc = _names(client.get(url, {"sort": "-age"}).content.decode())
    assert len(asc) >= 2 and asc != desc and sorted(asc) == sorted(desc)
    html = client.get(url, {"sort": "age"}).content.decode()
    assert "sort=-age" in html  # clicking the sorted header again reverses it
    assert "▲" in html


def test_unknown_sort_is_ignored(client, city):
    client.force_login(city.staff_all)
    url = reverse("cadres:cadre_list")
    assert _names(client.get(url, {"sort": "citizen_id_encrypted"}).content.decode()) == _names(
        client.get(url).content.decode()
    )


def test_export_columns_equal_page_columns_in_sorted_order(client, city):
    client.force_login(city.staff_all)
    url = reverse("cadres:cadre_list")
    page = client.get(url, {"sort": "-age"}).content.decode()
    head = page.split('id="cadre-table"')[1].split("</thead>")[0]
    ths = [h.strip() for h in re.findall(r"<th(?:\s[^>]*)?>(?:<a[^>]*>)?([^<▲▼]*)", head)]
    ws = load_workbook(BytesIO(client.get(url, {"sort": "-age", "export": "xlsx"}).content)).active
    header = [c.value for c in ws[1]]
    assert header == ths == [str(c.verbose_name) for c in CadreTable.base_columns.values()]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == _names(page)


@pytest.mark.parametrize("n", [10, 100])
def test_sorted_list_query_ceiling(client, city, django_assert_max_num_queries, n):
    _populate(city, n)
    client.force_login(city.staff_all)
    with django_assert_max_num_queries(CADRE_LIST_MAX_QUERIES):
        resp = client.get(reverse("cadres:cadre_list"), {"sort": "-organization", "page": 2})
    assert resp.status_code == 200


def test_invalid_cadre_form_keeps_every_value(client, city):
    client.force_login(city.staff_all)
    r = client.post(
        reverse("cadres:cadre_create"),
        {
            "name": "新干部",
            "gender": "F",
            "birth_date": "1980-02-03",
            "citizen_id": "123",
            "organization": city.town_a.pk,
            "native_place": "浙江杭州",
            "notes": "备注文字",
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    for v in ("新干部", "1980-02-03", 'value="123"', "浙江杭州", "备注文字"):
        assert v in html
    assert re.search(r'<option value="F"[^>]*selected', html)
    assert re.search(rf'<option value="{city.town_a.pk}"[^>]*selected', html)
