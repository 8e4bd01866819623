"""Every navigation entry registered by an app resolves, and pages render it."""

import pytest
from django.urls import reverse

from cadre_supervision import registry


def test_every_nav_item_resolves():
    assert registry.nav_items, "apps register their navigation in AppConfig.ready()"
    for item in registry.nav_items:
        reverse(item.url_name)  # NoReverseMatch fails the test


@pytest.mark.django_db
def test_home_renders_the_navigation_for_staff(client, city):
    client.force_login(city.staff_all)
    resp = client.get("/")
    assert resp.status_code == 200
    html = resp.content.decode()
    for item in registry.nav_items:
        if item.visible(city.staff_all):
            assert reverse(item.url_name) in html
