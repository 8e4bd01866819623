"""No page shows a login name for a person who has a display name: every GET page row of the
five apps' resource tables, opened as its in-scope user with every account given a name."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.utils.html import strip_tags

from cadre_supervision.permissions import clear_cache
from tests.e2e.test_accessibility import APPS, page_rows
from tests.kit import checks
from tests.kit.world import build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("app", APPS)
def test_no_login_name_on_any_page(app, client, tmp_path):
    world = build_world(f"tests.{app}.test_resource_grid", tmp_path)
    users = list(get_user_model().objects.all())
    for i, u in enumerate(users):
        u.first_name = f"姓名{i:02d}"
        u.save(update_fields=["first_name"])
    # Login names that could not occur in Chinese page text by accident.
    logins = sorted((u.username for u in users if len(u.username) >= 5), key=len, reverse=True)
    pattern = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, logins)) + r")(?![A-Za-z0-9_])")
    found = {}
    checked = 0
    for row in page_rows(app):
        user = getattr(world, row.user)
        clear_cache(user)
        client.force_login(user)
        url = checks.inside_url(world, row) + ("?" + urlencode(row.params) if row.params else "")
        resp = client.get(url)
        assert resp.status_code == 200, url
        if not resp["Content-Type"].startswith("text/html"):
            continue  # a download, not a page
        text = strip_tags(resp.content.decode())
        hits = sorted(set(pattern.findall(text)))
        if hits:
            found[row.name] = hits
        checked += 1
    assert checked >= 3
    assert not found, found
