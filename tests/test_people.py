"""One display name for people: full name (family name first), else the user name."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cadre_supervision.people import display_name, display_name_of


@pytest.mark.parametrize(
    "first, last, username, expected",
    [
        ("张伟", "", "zhangwei", "张伟"),
        ("伟", "张", "zhangwei", "张伟"),
        ("", "", "shenji", "shenji"),
        (None, None, "shenji", "shenji"),
        (None, None, None, ""),  # a LEFT JOIN with no user: empty, never "NoneNone"
        ("  ", "", "x", "x"),
    ],
)
def test_display_name_of(first, last, username, expected):
    assert display_name_of(first, last, username) == expected


def test_display_name_of_a_user_object():
    u = SimpleNamespace(first_name="", last_name="", get_username=lambda: "tongji")
    assert display_name(u) == "tongji" and display_name(None) == ""
