"""The sliding idle timeout without a session write on every request (issue 14, fixed cost).

A request restarts a session's idle timer by saving it, but only when its last save is more
than SESSION_REFRESH_SECONDS old: an idle session expires at most that much early, never late.
The clock is `django.utils.timezone.now`, which the database session backend itself reads for
the expiry (the row's `expire_date`), so shifting it here moves both.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from cadre_supervision.middleware import SESSION_TOUCHED_KEY

pytestmark = pytest.mark.django_db

API_ROOT = "/api/v1/"
PAGE = "/notifications/"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()  # login failure counts and API throttles
    yield
    cache.clear()


class Clock:
    """`timezone.now` moved by hand."""

    def __init__(self, monkeypatch):
        self.now = timezone.now().replace(microsecond=0)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _sign_in(client, username="staff_a"):
    resp = client.post(reverse("login"), {"username": username, "password": "pass12345"})
    assert resp.status_code == 302
    return Session.objects.get(session_key=client.session.session_key)


def _expiry(client) -> dt.datetime:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).expire_date


def _signed_in(client) -> bool:
    resp = client.get(PAGE)
    assert resp.status_code in (200, 302)
    return resp.status_code == 200


def _session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


def test_an_unchanged_session_is_not_written_by_every_request(client, city, clock):
    row = _sign_in(client)
    assert row.expire_date == clock.now + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    for _ in range(3):
        clock.advance(settings.SESSION_REFRESH_SECONDS / 4)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(API_ROOT).status_code == 200
            assert client.get(PAGE).status_code == 200
        assert _session_writes(ctx.captured_queries) == []
    assert _expiry(client) == row.expire_date  # untouched


def test_the_idle_timer_restarts_once_the_refresh_interval_has_passed(client, city, clock):
    row = _sign_in(client)
    clock.advance(settings.SESSION_REFRESH_SECONDS + 1)
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(API_ROOT)
    assert resp.status_code == 200
    assert len(_session_writes(ctx.captured_queries)) == 1
    assert _expiry(client) == clock.now + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert _expiry(client) > row.expire_date
    assert client.session[SESSION_TOUCHED_KEY] == int(clock.now.timestamp())
    # the next request inside the interval writes nothing again
    clock.advance(1)
    with CaptureQueriesContext(connection) as ctx:
        client.get(API_ROOT)
    assert _session_writes(ctx.captured_queries) == []


def test_activity_keeps_the_session_and_idleness_ends_it(client, city, clock):
    """Requests every 40 s for longer than the idle timeout keep the user signed in; then, idle,
    the session lives at least SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and never beyond
    SESSION_COOKIE_AGE after the last request."""
    age, refresh = settings.SESSION_COOKIE_AGE, settings.SESSION_REFRESH_SECONDS
    _sign_in(client)
    active_until = clock.now + dt.timedelta(seconds=age + 5 * refresh)
    while clock.now < active_until:
        clock.advance(40)
        assert client.get(API_ROOT).status_code == 200
    last_request = clock.now
    assert _expiry(client) >= last_request + dt.timedelta(seconds=age - refresh)
    assert _expiry(client) <= last_request + dt.timedelta(seconds=age)

    probe = client.__class__()  # the same cookie, but its requests must not restart the timer
    probe.cookies = client.cookies
    clock.now = last_request + dt.timedelta(seconds=age - refresh)
    assert Session.objects.filter(
        session_key=client.cookies[settings.SESSION_COOKIE_NAME].value, expire_date__gt=clock.now
    ).exists()
    clock.now = last_request + dt.timedelta(seconds=age + 1)
    assert not _signed_in(probe)  # a page sends the idle user to the login page
    assert client.get(API_ROOT).status_code == 401  # and the API refuses the cookie


def test_an_expired_session_cookie_creates_no_session_row(client, city, clock):
    _sign_in(client)
    clock.advance(settings.SESSION_COOKIE_AGE + 1)
    before = Session.objects.count()
    assert client.get(API_ROOT).status_code == 401
    assert not _signed_in(client)
    assert Session.objects.count() == before


def test_logout_ends_the_session_at_once(client, city, clock):
    _sign_in(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    clock.advance(1)
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(API_ROOT).status_code == 401


def test_a_password_change_signs_out_the_other_sessions_without_waiting(client, city, clock):
    _sign_in(client)
    clock.advance(1)
    assert _signed_in(client)
    city.staff_a.set_password("another-pass-987")
    city.staff_a.save()
    clock.advance(1)  # well inside the refresh interval: the session row is not rewritten
    assert not _signed_in(client)


def test_api_root_queries_of_a_signed_in_user(client, city, clock, django_assert_num_queries):
    """The fixed cost of a request in queries: the session and the user for a session, the
    token with its user for a token; no write either way."""
    _sign_in(client)
    client.get(API_ROOT)
    clock.advance(1)
    with django_assert_num_queries(2):
        assert client.get(API_ROOT).status_code == 200
    token = Token.objects.create(user=city.staff_a)
    token_client = client.__class__(HTTP_AUTHORIZATION=f"Token {token.key}")
    with django_assert_num_queries(1):
        assert token_client.get(API_ROOT).status_code == 200


def test_a_page_asks_each_menu_question_once(client, city):
    """The menu's visibility questions are read once per request: the audit-team membership
    (asked by two entries) is one query, and the grants are one statement."""
    client.force_login(city.stats)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(PAGE).status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum('FROM "audits_auditmember"' in s for s in sqls) == 1
    assert sum("organizationgroupobjectpermission" in s for s in sqls) == 1
