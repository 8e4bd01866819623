"""Templates name people through one filter, the same `display_name` as exports and the API."""

from __future__ import annotations

import pathlib
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template import engines

TEMPLATES = pathlib.Path(settings.BASE_DIR) / "templates"


@pytest.mark.parametrize(
    ("first", "last", "username", "expected"),
    [
        ("张三", "", "zhangsan", "张三"),
        ("三", "张", "zhangsan2", "张三"),
        ("", "", "nobody", "nobody"),
    ],
)
@pytest.mark.django_db
def test_display_name_filter(first, last, username, expected):
    user = get_user_model().objects.create_user(username=username, first_name=first, last_name=last)
    tpl = engines["django"].from_string("{% load people %}[{{ u|display_name }}]")
    assert tpl.render({"u": user}) == f"[{expected}]"


def test_display_name_filter_without_user():
    tpl = engines["django"].from_string('{% load people %}[{{ u|display_name|default:"—" }}]')
    assert tpl.render({"u": None}) == "[—]"


def test_templates_do_not_spell_out_full_name_fallbacks():
    pattern = re.compile(r"get_full_name\|default")
    offenders = [
        str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if pattern.search(p.read_text())
    ]
    assert offenders == []
