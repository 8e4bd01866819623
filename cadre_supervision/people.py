"""How a person (a user account) is named on every page, export, message and API answer.

Chinese names are written family name first with no space (last_name + first_name); the demo
and most accounts keep the whole name in first_name. An account without a name shows its user
name, never an empty string or "None".
"""

from __future__ import annotations


def display_name_of(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """The same, from the three columns (e.g. a values() row, where a missing user is None)."""
    full = f"{last_name or ''}{first_name or ''}".strip()
    return full or (username or "")


def display_name(user) -> str:
    """Full name, else user name; "" for no user."""
    if user is None:
        return ""
    return display_name_of(
        getattr(user, "first_name", ""), getattr(user, "last_name", ""), user.get_username()
    )
