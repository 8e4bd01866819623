"""Login throttling on the shared cache: (user name, address) locks, a separate per-address
limit, successes clear only their own pair, the proxy header only when configured, every
entrance (page, admin, token endpoint) logged and counted, DRF throttles really on."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import override_settings
from django.urls import reverse
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from cadre_supervision import auth
from cadre_supervision.models import AccessLog

pytestmark = pytest.mark.django_db

PASSWORD = "pass12345"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, username, password, ip="10.0.0.1", **extra):
    client.logout()
    resp = client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )
    return resp


def _ok(resp) -> bool:
    return resp.status_code == 302


def test_five_failures_lock_the_user_at_that_address_only(client, city):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert not _ok(_login(client, "staff_a", "wrong"))
    locked = _login(client, "staff_a", PASSWORD)
    assert not _ok(locked) and auth.LOCK_MESSAGE in locked.content.decode()
    assert _ok(_login(client, "staff_all", PASSWORD))  # another account, same address
    assert _ok(_login(client, "staff_a", PASSWORD, ip="10.0.0.2"))  # same account, other address
    assert settings.LOGIN_FAILURE_LIMIT == 5 and settings.LOGIN_IP_FAILURE_LIMIT == 30


def test_failures_across_user_names_lock_the_address(client, city):
    limit = settings.LOGIN_IP_FAILURE_LIMIT
    for i in range(limit):
        _login(client, f"guess{i % 10}", "wrong")  # ten names, three tries each: no pair reaches 5
    assert auth.failure_counts("staff_all", _request("10.0.0.1")) == (0, limit)
    assert not _ok(_login(client, "staff_all", PASSWORD))  # right password, locked address
    assert _ok(_login(client, "staff_all", PASSWORD, ip="10.0.0.2"))


def test_one_below_the_address_limit_still_lets_others_in(client, city):
    for i in range(settings.LOGIN_IP_FAILURE_LIMIT - 1):
        _login(client, f"guess{i % 10}", "wrong")
    assert _ok(_login(client, "staff_all", PASSWORD))


def test_another_accounts_success_does_not_reset_a_count(client, city):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _login(client, "staff_a", "wrong")
    assert _ok(_login(client, "staff_all", PASSWORD))  # B succeeds from the same address
    _login(client, "staff_a", "wrong")  # A's fifth failure
    assert not _ok(_login(client, "staff_a", PASSWORD))
    # A's own success clears A's pair, but not the address's count
    cache.clear()
    for _ in range(3):
        _login(client, "staff_a", "wrong")
    assert _ok(_login(client, "staff_a", PASSWORD))
    assert auth.failure_counts("staff_a", _request("10.0.0.1")) == (0, 3)


def _request(ip, **meta):
    from django.test import RequestFactory

    return RequestFactory().post("/login/", REMOTE_ADDR=ip, **meta)


def test_proxy_header_is_ignored_unless_configured(client, city):
    assert settings.TRUSTED_PROXY_HEADER == ""
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        _login(client, "staff_a", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    # the forged header did not spread the failures over five addresses
    assert not _ok(_login(client, "staff_a", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99"))
    assert set(
        AccessLog.objects.filter(action=AccessLog.Action.LOGIN_FAILED).values_list("ip", flat=True)
    ) == {"10.0.0.1"}


@override_settings(TRUSTED_PROXY_HEADER="X-Forwarded-For")
def test_configured_proxy_header_gives_the_client_address(client, city):
    # behind the proxy every request comes from the proxy's own address 10.0.0.254
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _login(client, "staff_a", "wrong", ip="10.0.0.254", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    assert AccessLog.objects.filter(action=AccessLog.Action.LOGIN_FAILED).first().ip == "198.51.100.7"
    # locked at the right-most (proxy-added) address, whatever a client puts to the left
    assert not _ok(
        _login(client, "staff_a", PASSWORD, ip="10.0.0.254", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    )
    assert _ok(_login(client, "staff_a", PASSWORD, ip="10.0.0.254", HTTP_X_FORWARDED_FOR="198.51.100.8"))
    # a malformed header falls back to REMOTE_ADDR
    assert auth.client_ip(_request("10.0.0.254", HTTP_X_FORWARDED_FOR="not-an-ip")) == "10.0.0.254"


def test_token_and_admin_failures_are_logged_and_counted(client, api, city):
    token_url = reverse("cadres-api:token")
    for _ in range(3):
        resp = api.post(token_url, {"username": "staff_a", "password": "wrong"}, REMOTE_ADDR="10.0.0.5")
        assert resp.status_code == 400
    for _ in range(2):
        resp = client.post(
            "/admin/login/", {"username": "staff_a", "password": "wrong"}, REMOTE_ADDR="10.0.0.5"
        )
        assert resp.status_code == 200
    rows = AccessLog.objects.filter(action=AccessLog.Action.LOGIN_FAILED, object_repr="staff_a")
    assert rows.count() == 5
    assert sorted(r.detail["path"] for r in rows) == ["/admin/login/"] * 2 + [token_url] * 3
    assert {r.ip for r in rows} == {"10.0.0.5"}
    # the five failures from two entrances lock the login page and the token endpoint
    assert not _ok(_login(client, "staff_a", PASSWORD, ip="10.0.0.5"))
    resp = api.post(token_url, {"username": "staff_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.5")
    assert resp.status_code == 400 and "token" not in resp.json()
    resp = api.post(token_url, {"username": "staff_a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.6")
    assert resp.status_code == 200 and resp.json()["token"]


def test_login_page_failure_is_logged_once(client, city):
    _login(client, "staff_a", "wrong")
    assert AccessLog.objects.filter(action=AccessLog.Action.LOGIN_FAILED).count() == 1


def test_counts_live_in_the_shared_cache(client, city):
    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL
    _login(client, "staff_a", "wrong")
    # a separate connection, as another worker process would have, sees the same count
    other_worker = caches.create_connection("default")
    assert other_worker is not cache
    assert other_worker.get(auth._ip_key("10.0.0.1")) == 1


def test_drf_throttles_are_enabled_and_answer_429(api, city, monkeypatch):
    assert [c.__name__ for c in api_settings.DEFAULT_THROTTLE_CLASSES] == ["AnonThrottle", "UserThrottle"]
    assert auth.UserThrottle.cache is caches["default"] or auth.UserThrottle.cache is cache
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "3/min")
    api.force_authenticate(city.staff_all)
    url = reverse("cadres-api:cadre-list")
    assert [api.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    api.force_authenticate(city.staff_a)  # another user has their own allowance
    assert api.get(url).status_code == 200
