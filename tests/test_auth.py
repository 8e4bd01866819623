"""Login throttling (failures lock a username at an address) and session expiry settings."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from cadre_supervision.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_works_and_is_logged(client, city):
    resp = _login(client, "staff_a", "pass12345")
    assert resp.status_code == 302
    assert AccessLog.objects.filter(action=AccessLog.Action.LOGIN, username="staff_a").exists()


def test_five_failures_lock_the_account_with_a_chinese_message(client, city):
    for i in range(1, settings.LOGIN_FAILURE_LIMIT + 1):
        resp = _login(client, "staff_a", "wrong")
        assert resp.status_code == 200
        # the fifth failure locks the account and says so
        assert ("锁定" in resp.content.decode()) == (i == settings.LOGIN_FAILURE_LIMIT)
    assert AccessLog.objects.filter(action=AccessLog.Action.LOGIN_FAILED, object_repr="staff_a").count() == 5
    # now even the right password is refused, with the lock message
    resp = _login(client, "staff_a", "pass12345")
    assert resp.status_code == 200
    assert "登录失败次数过多，账号已临时锁定" in resp.content.decode()
    assert "_auth_user_id" not in client.session
    # the lock is per (username, address): another account from the same address still works
    assert _login(client.__class__(), "staff_all", "pass12345", ip="10.0.0.1").status_code == 302


def test_success_clears_the_failure_count(client, city):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _login(client, "staff_a", "wrong")
    assert _login(client, "staff_a", "pass12345").status_code == 302
    client.logout()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _login(client, "staff_a", "wrong")
    assert _login(client, "staff_a", "pass12345").status_code == 302


def test_token_endpoint_is_throttled_too(api, city):
    url = reverse("cadres-api:token")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert (
            api.post(url, {"username": "staff_a", "password": "wrong"}, REMOTE_ADDR="10.0.0.3").status_code
            == 400
        )
    resp = api.post(url, {"username": "staff_a", "password": "pass12345"}, REMOTE_ADDR="10.0.0.3")
    assert resp.status_code == 400 and "token" not in resp.json()


def test_session_expiry_settings():
    assert settings.LOGIN_FAILURE_LIMIT == 5
    assert settings.LOGIN_LOCK_SECONDS >= 600
    assert settings.SESSION_COOKIE_AGE <= 60 * 60  # idle timeout of at most an hour (default 30 minutes)
    # the idle timer restarts on a request once the last save is this old (tests/test_sessions.py)
    assert 0 < settings.SESSION_REFRESH_SECONDS <= 60
    assert "cadre_supervision.middleware.SessionMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY


def test_session_cookie_carries_the_idle_timeout(client, city):
    _login(client, "staff_a", "pass12345")
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
