"""Spreadsheet formula injection: every workbook the product writes stores text that starts
with a formula trigger as literal text (read back with openpyxl: never data_type "f")."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
import xlsxwriter
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from cadre_supervision.excel import FORMULA_TRIGGERS, XLSXWRITER_OPTIONS, XlsxRows, workbook_bytes
from cadres import services
from cadres.importer import error_report_bytes
from tests.factories import CadreFactory

EVIL = "=cmd|' /C calc'!A0"
PAYLOADS = [EVIL, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x","y")']


def _cells(content: bytes):
    wb = load_workbook(BytesIO(content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def _assert_literal(content: bytes, expected: str):
    # XML parsing turns a carriage return stored as is into a line feed, and XlsxWriter stores it
    # as the OOXML escape "_x000D_" (which Excel reads as a carriage return and openpyxl leaves
    # as it is): the text is still literal
    found = [
        c
        for c in _cells(content)
        if c.value in (expected, expected.replace("\r", "\n"), expected.replace("\r", "_x000D_"))
    ]
    assert found, f"{expected!r} not in the workbook"
    for cell in _cells(content):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
    for cell in found:
        assert cell.data_type == "s" and cell.quotePrefix


def test_every_trigger_is_stored_as_text():
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}
    content = workbook_bytes([("表", ["=标题", "数字"], [[p, -5] for p in PAYLOADS])])
    for p in PAYLOADS:
        _assert_literal(content, p)
    cells = list(_cells(content))
    assert cells[0].value == "=标题" and cells[0].data_type == "s"
    # numbers stay numbers, ordinary text has no quote prefix
    numbers = [c for c in cells if c.value == -5]
    assert numbers and all(c.data_type == "n" for c in numbers)
    plain = workbook_bytes([("表", ["姓名"], [["张伟"]])])
    assert all(not c.quotePrefix for c in _cells(plain))


def test_cadre_export_keeps_an_evil_name_literal(client, city):
    CadreFactory(name=EVIL, organization=city.town_a)
    client.force_login(city.staff_all)
    resp = client.get(reverse("cadres:cadre_list"), {"export": "xlsx"})
    assert resp.status_code == 200
    _assert_literal(resp.content, EVIL)


def test_integrity_file_export_keeps_an_evil_name_literal(client, city):
    cadre = CadreFactory(name=EVIL, organization=city.town_a)
    client.force_login(city.admin)
    resp = client.get(reverse("integrity_file_export", args=[cadre.pk]))
    assert resp.status_code == 200
    _assert_literal(resp.content, EVIL)


def _streamed(header, rows) -> bytes:
    buf = BytesIO()
    wb = xlsxwriter.Workbook(buf, XLSXWRITER_OPTIONS)
    ws = wb.add_worksheet("表")
    writer = XlsxRows(wb)
    writer.append(ws, header, {"bold": True})
    for row in rows:
        writer.append(ws, row)
    wb.close()
    return buf.getvalue()


def test_xlsxwriter_rows_store_every_trigger_as_text():
    content = _streamed(["=标题", "数字"], [[p, -5] for p in PAYLOADS])
    for p in PAYLOADS:
        _assert_literal(content, p)
    cells = list(_cells(content))
    assert cells[0].value == "=标题" and cells[0].data_type == "s" and cells[0].font.b
    assert cells[0].quotePrefix
    numbers = [c for c in cells if c.value == -5]
    assert numbers and all(c.data_type == "n" for c in numbers)
    # error codes, markup, addresses, digits and escape-like text stay text; surrounding spaces
    # are kept; plain text has no prefix
    odd = ["#N/A", 'a & b <c> "d"', "  两端空格 ", "甲\n乙", "张伟", "http://x.cn", "0123", "_x0041_"]
    values = [c.value for c in _cells(_streamed(["x"], [[v] for v in odd]))][1:]
    assert values == odd
    assert all(not c.quotePrefix and c.data_type == "s" for c in _cells(_streamed(["x"], [["张伟"]])))
    with pytest.raises(IllegalCharacterError):
        _streamed(["x"], [["控制\x01字符"]])


@pytest.mark.django_db
def test_dossier_export_in_import_format_keeps_evil_values_literal(client, city):
    cadre = CadreFactory(name=EVIL, organization=city.town_a, notes="+1+1", phone="-2+3")
    services.family_member_create(
        user=city.admin, cadre=cadre, relation="@SUM(A1:A2)", name=PAYLOADS[-1], employer_post="#N/A"
    )
    client.force_login(city.admin)
    resp = client.get(reverse("cadres:cadre_import_export"))
    assert resp.status_code == 200
    for p in (EVIL, "+1+1", "-2+3", "@SUM(A1:A2)", PAYLOADS[-1]):
        _assert_literal(resp.content, p)
    found = [c for c in _cells(resp.content) if c.value == "#N/A"]
    assert found and all(c.data_type == "s" for c in found)


def test_import_error_workbook_keeps_an_evil_name_literal():
    content = error_report_bytes(
        [{"sheet": "干部", "row": 2, "value": EVIL, "column": "姓名", "message": "@错误"}]
    )
    _assert_literal(content, EVIL)
    _assert_literal(content, "@错误")


@pytest.mark.django_db
def test_failed_login_name_lands_literal_in_the_access_log_export(client, city):
    cache.clear()
    resp = client.post(reverse("login"), {"username": EVIL, "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    assert resp.status_code == 200
    client.force_login(city.admin)
    export = client.get(reverse("admin_access_log"), {"export": "xlsx", "action": "login_failed"})
    assert export.status_code == 200
    _assert_literal(export.content, EVIL)


def test_xlsxwriter_rows_keep_dates_numbers_and_yes_no():
    values = [
        dt.date(1900, 2, 28),
        dt.date(1900, 3, 1),
        dt.date(2024, 2, 29),
        dt.datetime(2024, 5, 6, 7, 8, 9),
    ]
    cells = [c for c in _cells(_streamed(["x"], [[v] for v in values] + [[3], [2.5], [True]]))][1:]
    assert [c.value for c in cells[:4]] == [dt.datetime.combine(v, dt.time()) for v in values[:3]] + [
        values[3]
    ]
    assert [c.number_format for c in cells[:4]] == ["yyyy-mm-dd"] * 3 + ["yyyy-mm-dd h:mm:ss"]
    assert [(c.value, c.data_type) for c in cells[4:]] == [(3, "n"), (2.5, "n"), ("是", "s")]
