"""The audit plan shows the units other apps suggest through the registry (essay 1: units with
many petitions), limited to the user's audits scope; audits imports none of those apps."""

import pytest
from django.urls import reverse

from audits import selectors
from cadre_supervision import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggestion(city):
    def fn(user, year):
        yield (city.town_a.pk, f"{year}年测试建议甲")
        yield (city.town_b.pk, f"{year}年测试建议乙")

    registry.audit_plan_suggestions["test.fake"] = fn
    yield fn
    registry.audit_plan_suggestions.pop("test.fake", None)


def test_suggestions_in_scope_only(city, suggestion):
    rows = selectors.unit_suggestions(user=city.staff_a, year=2026)
    names = {r.organization.name: r.reasons for r in rows}
    assert "2026年测试建议甲" in names["甲镇"] and "乙镇" not in names
    assert selectors.unit_suggestions(user=city.nobody, year=2026) == []


def test_plan_page_lists_suggestions(client, city, suggestion):
    client.force_login(city.staff_all)
    html = client.get(reverse("audits:plan"), {"year": 2026}).content.decode()
    assert 'id="unit-suggestions"' in html and "2026年测试建议甲" in html and "2026年测试建议乙" in html
