"""Bad parameters and bad ids: a 400 or 404 with a clear Chinese message, never a 5xx.

Covers the one parameter parser (`cadre_supervision.params`), the shared year filter, the
statistics base and the scoped lookups (`get_scoped_or_404`, the viewset bases)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from cadre_supervision import params

pytestmark = pytest.mark.django_db

NOT_FOUND = "记录不存在或无权查看"

# (method, url, expected status, text the answer must contain)
BAD_REQUESTS = [
    ("get", "/api/v1/exchanges/?year=0", 400, "年度应在 2000 至 2100 之间"),
    ("page", "/rotations/exchanges/?year=0", 200, "年度应在 2000 至 2100 之间"),
    ("get", "/api/v1/stats/rotations/?year=abc", 400, "年度应为四位数字"),
    ("get", "/api/v1/stats/rotations/?year=0", 400, "年度应在 2000 至 2100 之间"),
    ("get", "/api/v1/stats/reports/?year=99999", 400, "年度应在 2000 至 2100 之间"),
    ("get", "/api/v1/stats/interviews/?year=1999", 400, "年度应在 2000 至 2100 之间"),
    ("page", "/audits/plan/?year=0", 200, "年度应在 2000 至 2100 之间"),
    ("patch", "/api/v1/audits/abc/", 404, NOT_FOUND),
    ("patch", "/api/v1/interview-records/abc/", 404, NOT_FOUND),
    ("post", "/api/v1/interview-records/abc/attachments/", 404, NOT_FOUND),
    ("patch", "/api/v1/interview-assignments/abc/", 404, NOT_FOUND),
    ("get", "/api/v1/cadres/abc/history/", 404, NOT_FOUND),
    ("get", "/api/v1/rotation-plan-items/?plan=1.5", 400, ""),
    ("get", "/api/v1/rotation-plan-items/?plan=99999999999", 400, ""),
]


@pytest.mark.parametrize("method,url,status,text", BAD_REQUESTS)
def test_bad_parameter_or_id_is_a_clear_4xx(city, client, method, url, status, text):
    if method == "page":
        client.force_login(city.staff_all)
        response = client.get(url)
        body = response.content.decode()
    else:
        api = APIClient()
        api.force_authenticate(city.staff_all)
        response = (
            getattr(api, method)(url, {"title": "x"}, format="json") if method != "get" else api.get(url)
        )
        body = response.content.decode()
        assert response["Content-Type"].startswith("application/json")
    assert response.status_code == status, body[:500]
    assert text in body


def test_bad_year_on_a_page_falls_back_to_this_year(city, client):
    client.force_login(city.staff_all)
    response = client.get("/audits/plan/?year=0")
    assert response.context["year"] == dt.date.today().year


def test_stats_scope_check_comes_before_the_year(city):
    api = APIClient()
    api.force_authenticate(city.liaison_a)  # no view_stats: refused whatever the year
    assert api.get("/api/v1/stats/reports/?year=99999").status_code == 403
    api.force_authenticate(city.nobody)  # rotations answer the empty aggregate, but validate the year
    assert api.get("/api/v1/stats/rotations/").status_code == 200
    assert api.get("/api/v1/stats/rotations/?year=0").status_code == 400


@pytest.mark.parametrize(
    "value,expected",
    [("2026", 2026), (" 2000 ", 2000), ("2100", 2100), (2030, 2030), ("", 2024), (None, 2024)],
)
def test_parse_year_accepts(value, expected):
    assert params.parse_year(value, default=2024) == expected


@pytest.mark.parametrize(
    "value,message",
    [
        ("0", "年度应在 2000 至 2100 之间。"),
        ("1999", "年度应在 2000 至 2100 之间。"),
        ("99999", "年度应在 2000 至 2100 之间。"),
        ("abc", "年度应为四位数字，例如 2026。"),
        ("20x6", "年度应为四位数字，例如 2026。"),
        ("2026.0", "年度应为四位数字，例如 2026。"),
        ("２０２６", "年度应为四位数字，例如 2026。"),
        (None, "请填写年度。"),
    ],
)
def test_parse_year_refuses(value, message):
    with pytest.raises(ValidationError) as exc:
        params.parse_year(value, field="plan_year")
    assert exc.value.message_dict == {"plan_year": [message]}


@pytest.mark.parametrize(
    "value,kwargs,expected",
    [("7", {}, 7), ("-3", {}, -3), ("", {"default": None}, None), (5, {"minimum": 1}, 5)],
)
def test_parse_int_accepts(value, kwargs, expected):
    assert params.parse_int(value, **kwargs) == expected


@pytest.mark.parametrize(
    "value,kwargs,message",
    [
        ("abc", {}, "id应为整数。"),
        ("1e3", {}, "id应为整数。"),
        (True, {}, "id应为整数。"),
        ("0", {"minimum": 1}, "id不能小于 1。"),
        (str(2**31), {}, f"id不能大于 {2**31 - 1}。"),
        ("", {}, "请填写id。"),
    ],
)
def test_parse_int_refuses(value, kwargs, message):
    with pytest.raises(ValidationError) as exc:
        params.parse_int(value, **kwargs)
    assert exc.value.message_dict == {"id": [message]}


@pytest.mark.parametrize(
    "value,expected",
    [("2026-03-01", dt.date(2026, 3, 1)), ("", None), (dt.date(2025, 1, 2), dt.date(2025, 1, 2))],
)
def test_parse_date_accepts(value, expected):
    assert params.parse_date(value, default=None) == expected


@pytest.mark.parametrize(
    "value,message",
    [("2026-13-01", "日期格式应为 YYYY-MM-DD。"), ("0001-01-01", "日期应在 2000 至 2100 年之间。")],
)
def test_parse_date_refuses(value, message):
    with pytest.raises(ValidationError) as exc:
        params.parse_date(value)
    assert exc.value.message_dict == {"date": [message]}


@pytest.mark.parametrize(
    "value,expected", [("12", 12), ("abc", None), ("0", None), ("-1", None), ("1" * 30, None)]
)
def test_parse_pk(value, expected):
    assert params.parse_pk(value) == expected
