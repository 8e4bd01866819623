"""The figures page renders its kind-by-year table through the page kit and exports the same
columns, scoped like the page."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadre_supervision.models import AccessLog
from rotations.choices import ExchangeKind

from .test_pages_api import _record_exchange

pytestmark = pytest.mark.django_db


def _sheet(client):
    x = client.get(reverse("rotations:figures"), {"export": "xlsx"})
    assert x.status_code == 200
    return list(load_workbook(BytesIO(x.content)).active.iter_rows(values_only=True))


def test_figures_table_and_export(client, rot):
    _record_exchange(rot)  # 乙镇 → 丙局, 2026
    client.force_login(rot.staff_all)
    body = client.get(reverse("rotations:figures")).content.decode()
    assert 'id="kind-year"' in body and "2026年" in body
    rows = _sheet(client)
    assert rows[0] == ("交流类型", "2026年", "合计")
    by_label = {r[0]: r[1:] for r in rows[1:]}
    assert by_label[str(ExchangeKind.TOWNSHIP_TO_CITY.label)] == (1, 1)
    assert by_label["合计"] == (1, 1)
    assert len(rows) == 1 + len(ExchangeKind.choices) + 1
    assert AccessLog.objects.filter(action="export", object_type="rotations.exchange_figures").exists()


def test_figures_export_is_scoped(client, rot):
    _record_exchange(rot)
    client.force_login(rot.staff_a)  # neither side of the exchange
    rows = _sheet(client)
    assert rows[0] == ("交流类型", "合计")
    assert {r[0]: r[1] for r in rows[1:]}["合计"] == 0
