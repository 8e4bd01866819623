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


def offices_of(user_ids) -> dict[int, str]:
    """The office (current post) of each account that has one, from the registered sources
    (`registry.person_office_sources`, e.g. the cadre linked to an account): one query per
    source whatever the number of people."""
    from . import registry

    ids = {i for i in user_ids if i}
    found: dict[int, str] = {}
    if not ids:
        return found
    for source in registry.person_office_sources:
        for uid, office in source(ids - set(found)).items():
            if office:
                found.setdefault(uid, office)
    return found


def with_office(name: str, office: str | None) -> str:
    """ "市委书记 张三": the office, a space, the name (the name alone without an office)."""
    return f"{office} {name}" if office and name else name


def people_by_id(user_ids) -> dict[int, str]:
    """`{user_id: "office name"}` for the given accounts: one query for the names plus one per
    office source. A missing account is absent from the answer."""
    from django.contrib.auth import get_user_model

    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    rows = (
        get_user_model().objects.filter(pk__in=ids).values_list("pk", "first_name", "last_name", "username")
    )
    names = {pk: display_name_of(f, la, u) for pk, f, la, u in rows}
    offices = offices_of(names)
    return {pk: with_office(name, offices.get(pk)) for pk, name in names.items()}
