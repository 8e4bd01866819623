"""Two gunicorn instances on the same database and Redis behave as one site (issue 14, several
nodes): a user signed in at one stays signed in at the other, and login failures at either count
towards the same lock. Real servers on free ports; marked `nodes`."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache

from tests.test_faults import _database_url, nodes

pytestmark = pytest.mark.nodes
PASSWORD = "Node-pass-2024"


@pytest.fixture
def two_nodes(tmp_path, settings):
    env = nodes.node_env(
        _database_url(),
        settings.CACHES["default"]["LOCATION"],
        CACHE_KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"],
    )
    webs = [nodes.gunicorn(env, tmp_path, workers=1, threads=2) for _ in range(2)]
    try:
        for w in webs:
            w.start(wait=60)
        yield [f"http://127.0.0.1:{w.port}" for w in webs]
    finally:
        for w in webs:
            w.stop()


def _set_password(user):
    # The servers run with the default hashers (the tests use a fast MD5 one).
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, uuid.uuid4().hex[:12], iterations=1000)
    user.save(update_fields=["password"])


@pytest.mark.django_db(transaction=True)
def test_signed_in_at_one_instance_stays_signed_in_at_the_other(city, two_nodes):
    a, b = two_nodes
    _set_password(city.staff_all)
    s = nodes.login_session(a, "staff_all", PASSWORD)
    assert [nodes.signed_in(s, url) for url in (a, b, a, b, b, a)] == [True] * 6
    token = s.cookies.get("csrftoken", "")
    s.post(f"{b}/logout/", data={"csrfmiddlewaretoken": token}, headers={"Referer": f"{b}/"}, timeout=30)
    assert [nodes.signed_in(s, url) for url in (a, b)] == [False, False]  # signed out everywhere


@pytest.mark.django_db(transaction=True)
def test_login_failures_count_across_instances(city, two_nodes, settings):
    import re

    import requests

    a, b = two_nodes
    _set_password(city.staff_a)
    limit = settings.LOGIN_FAILURE_LIMIT
    for i in range(limit):
        base = (a, b)[i % 2]
        t = requests.Session()
        tok = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', t.get(f"{base}/login/", timeout=30).text
        )
        t.post(
            f"{base}/login/",
            data={"username": "staff_a", "password": "wrong", "csrfmiddlewaretoken": tok.group(1)},
            headers={"Referer": f"{base}/login/"},
            timeout=30,
        )
    # the right password is now refused at both instances: the count is shared
    for base in (a, b):
        with pytest.raises(RuntimeError):
            nodes.login_session(base, "staff_a", PASSWORD)
    cache.delete("login-fail:ip:127.0.0.1")
