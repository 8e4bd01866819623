"""Headers and redirects: a Content-Security-Policy without inline script on every page
(the API docs included), no-store on pages, exports and API answers, and every `next`
checked so an off-site target falls back to the default."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cadre_supervision.models import Notification
from cadre_supervision.redirects import safe_next
from rotations import services as rotation_services
from tests.rotations.conftest import rot, secondline  # noqa: F401  (fixtures)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
EVENT_ATTR = re.compile(r"\son[a-z]+\s*=", re.I)


def _csp(resp) -> dict[str, str]:
    header = resp["Content-Security-Policy"]
    return {d.split()[0]: d for d in (p.strip() for p in header.split(";")) if d}


def _assert_strict_csp(resp):
    policy = _csp(resp)
    assert policy["default-src"] == "default-src 'self'"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == "object-src 'none'"


def _assert_no_inline_script(html: str):
    for attrs in SCRIPT_TAG.findall(html):
        # a script without src must carry the response's nonce (none do today); a JSON data
        # block (`json_script`: type="application/json") is data, never executed
        if 'type="application/json"' in attrs:
            continue
        assert "src=" in attrs or "nonce=" in attrs, attrs
    assert not EVENT_ATTR.search(html), EVENT_ATTR.search(html)


def test_no_template_has_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for attrs in SCRIPT_TAG.findall(text):
            if "src=" not in attrs and "csp_nonce" not in attrs:
                offenders.append(f"{path}: <script{attrs}>")
        if EVENT_ATTR.search(text):
            offenders.append(f"{path}: {EVENT_ATTR.search(text).group(0)}")
    assert offenders == []


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("home", []),
        ("cadres:cadre_list", []),
        ("notifications", []),
        ("admin_roles", []),
        ("admin_access_log", []),
    ],
)
def test_pages_carry_the_csp_and_no_store(client, city, url_name, args):
    client.force_login(city.admin)
    resp = client.get(reverse(url_name, args=args))
    assert resp.status_code == 200
    _assert_strict_csp(resp)
    _assert_no_inline_script(resp.content.decode())
    assert "no-store" in resp["Cache-Control"]
    assert 'src="/static/js/app.js"' in resp.content.decode()


def test_page_behaviour_lives_in_a_static_file(client, city):
    resp = client.get("/static/js/app.js")
    assert resp.status_code == 200
    body = b"".join(resp.streaming_content) if resp.streaming else resp.content
    assert b"data-confirm" in body or b"dataset.confirm" in body
    assert "no-store" not in resp.get("Cache-Control", "")  # static files stay cacheable


def test_login_and_admin_login_carry_the_csp(client, city):
    for url in (reverse("login"), "/admin/login/"):
        resp = client.get(url)
        assert resp.status_code == 200
        _assert_strict_csp(resp)
        _assert_no_inline_script(resp.content.decode())


def test_api_docs_work_under_the_csp(client, city):
    client.force_login(city.admin)
    resp = client.get(reverse("api-docs"))
    assert resp.status_code == 200
    _assert_strict_csp(resp)
    html = resp.content.decode()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert len(scripts) == 3 and len(SCRIPT_TAG.findall(html)) == 3  # every script is a file
    for src in scripts:
        assert src.startswith("/"), src  # same origin: allowed by script-src 'self'
        loaded = client.get(src.replace("&amp;", "&"))
        assert loaded.status_code == 200, src
    init = client.get(scripts[-1].replace("&amp;", "&"))
    assert "javascript" in init["Content-Type"] and b"SwaggerUIBundle" in init.content


def test_xlsx_export_and_api_answers_are_no_store(client, api, city):
    client.force_login(city.staff_all)
    export = client.get(reverse("cadres:cadre_list"), {"export": "xlsx"})
    assert export.status_code == 200 and "no-store" in export["Cache-Control"]
    api.force_authenticate(city.staff_all)
    resp = api.get(reverse("cadres-api:cadre-detail", args=[city.cadre_a.pk]))
    assert resp.status_code == 200 and "no-store" in resp["Cache-Control"]
    assert "Content-Security-Policy" in resp


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/cadres/", "/cadres/"),
        ("/cadres/?page=2", "/cadres/?page=2"),
        ("https://evil.example/", "/fallback/"),
        ("//evil.example/", "/fallback/"),
        ("/\\evil.example/", "/fallback/"),
        ("javascript:alert(1)", "/fallback/"),
        ("http://testserver/cadres/", "http://testserver/cadres/"),  # same host
        ("", "/fallback/"),
    ],
)
def test_safe_next(target, expected):
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next(request, "/fallback/") == expected


def test_notification_read_all_ignores_an_off_site_next(client, city):
    client.force_login(city.staff_a)
    url = reverse("notifications_read_all")
    resp = client.post(url, {"next": "https://evil.example/"})
    assert resp.status_code == 302 and resp["Location"] == reverse("notifications")
    assert client.post(url, {"next": "//evil.example/"})["Location"] == reverse("notifications")
    assert client.post(url, {"next": "/cadres/"})["Location"] == "/cadres/"


def test_notification_with_an_off_site_link_falls_back(client, city):
    n = Notification.objects.create(
        recipient=city.staff_a, kind="test", title="t", url="https://evil.example/"
    )
    client.force_login(city.staff_a)
    resp = client.post(reverse("notification_read", args=[n.pk]))
    assert resp["Location"] == reverse("notifications")


def test_leave_approval_ignores_an_off_site_next(client, secondline):  # noqa: F811
    c = secondline
    la = rotation_services.leave_request_create(
        user=c.liaison_a,
        record=c.rec_a,
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 3, 2),
        reason="事",
    )
    client.force_login(c.head_user)
    resp = client.post(
        reverse("rotations:leave_action", args=[la.pk, "approve"]), {"next": "https://evil.example/"}
    )
    assert resp.status_code == 302 and "evil.example" not in resp["Location"]
    la.refresh_from_db()
    assert la.status == "approved"
    resp = client.post(
        reverse("rotations:leave_action", args=[la.pk, "return"]), {"next": "//evil.example/x"}
    )
    assert resp.status_code == 302 and not resp["Location"].startswith("//")
