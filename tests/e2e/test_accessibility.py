"""Accessibility: axe-core (served from static/vendor/axe-core/) reports no serious and no
critical violation on the workbench and on every page of the five apps' resource tables
(lists, forms, details: the GET page rows of tests/<app>/test_resource_grid.py), opened in
Chromium as the row's in-scope staff user.

Run with -s to see the per-page counts:  page  serious  critical  (rule ids).
"""

from __future__ import annotations

import importlib
from collections import Counter

import pytest
from django.conf import settings
from django.test import Client

from tests.kit import checks
from tests.kit.resources import PageResource
from tests.kit.world import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

APPS = ["cadres", "interviews", "audits", "rotations", "reports", "petitions", "evaluations", "selection"]
AXE = "/static/vendor/axe-core/axe.min.js"
RUN_AXE = """async () => {
  const r = await axe.run(document, {resultTypes: ["violations"]});
  return r.violations.map(v => ({id: v.id, impact: v.impact,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


def page_rows(app: str) -> list[PageResource]:
    module = importlib.import_module(f"tests.{app}.test_resource_grid")
    return [
        r
        for r in module.PAGES
        if isinstance(r, PageResource) and r.method == "get" and r.status == 200 and "in_scope" not in r.xfail
    ]


def session_cookie(live_server, user) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def html_page(user, url: str) -> bool:
    """Whether the URL answers an HTML page for `user` (downloads, exports and fragments that a
    page loads into itself, such as the organization tree's children, are not pages)."""
    client = Client()
    client.force_login(user)
    resp = client.get(url)
    assert resp.status_code == 200, url
    return resp["Content-Type"].startswith("text/html") and b"<html" in resp.content[:1000].lower()


def axe_violations(page, url: str) -> list[dict]:
    resp = page.goto(url)
    assert resp is not None and resp.status == 200, (url, resp and resp.status)
    page.add_script_tag(url=AXE)
    return page.evaluate(RUN_AXE)


@pytest.mark.parametrize("app", APPS)
def test_no_serious_or_critical_violations(app, live_server, browser, tmp_path):
    world = build_world(f"tests.{app}.test_resource_grid", tmp_path)
    contexts: dict[str, object] = {}
    results: list[tuple[str, Counter, list[dict]]] = []

    def page_for(user_attr: str):
        if user_attr not in contexts:
            ctx = browser.new_context(locale="zh-CN", viewport={"width": 1360, "height": 900})
            ctx.add_cookies([session_cookie(live_server, getattr(world, user_attr))])
            pg = ctx.new_page()
            pg.set_default_timeout(20000)
            contexts[user_attr] = (ctx, pg)
        return contexts[user_attr][1]

    try:
        targets = [("home", "/", "staff_a")] if app == "cadres" else []
        for row in page_rows(app):
            url = checks.inside_url(world, row)
            if row.params:
                from urllib.parse import urlencode

                url += "?" + urlencode(row.params)
            targets.append((row.name, url, row.user))
        for name, url, user_attr in targets:
            if not html_page(getattr(world, user_attr), url):
                continue
            violations = axe_violations(page_for(user_attr), live_server.url + url)
            counts = Counter(v["impact"] for v in violations)
            results.append((name, counts, violations))
    finally:
        for ctx, _pg in contexts.values():
            ctx.close()

    print(f"\n[axe {app}] page  serious  critical  moderate  minor  (serious/critical rules)")
    for name, counts, violations in results:
        bad = sorted({v["id"] for v in violations if v["impact"] in ("serious", "critical")})
        print(
            f"[axe {app}] {name}  {counts['serious']}  {counts['critical']}  "
            f"{counts['moderate']}  {counts['minor']}  {' '.join(bad)}"
        )
    failing = {
        name: [
            (v["id"], v["impact"], v["targets"]) for v in violations if v["impact"] in ("serious", "critical")
        ]
        for name, _c, violations in results
        if any(v["impact"] in ("serious", "critical") for v in violations)
    }
    assert len(results) >= (1 if app != "cadres" else 2)
    assert not failing, failing
