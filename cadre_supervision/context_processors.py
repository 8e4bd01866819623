"""Context of every page: the menu the user may open, its current section, sub-menus, unread count."""

from __future__ import annotations

from functools import cached_property

from django.urls import NoReverseMatch, reverse

from . import registry


class SubNav:
    """`subnav.<section>`: the visible entries of a section's sub-menu, computed when a page asks."""

    def __init__(self, user, path: str):
        self.user = user
        self.path = path
        self._cache: dict[str, list[dict]] = {}

    def __getitem__(self, section: str) -> list[dict]:
        if section not in self._cache:
            items = [i for i in registry.subnav_items.get(section, ()) if i.visible(self.user)]
            self._cache[section] = mark_current(items, self.path)
        return self._cache[section]


def mark_current(items, path: str) -> list[dict]:
    """Entries as dicts with their URL and `current` set on the one whose URL is the longest
    prefix of `path` (a detail page under /cadres/posts/ belongs to 岗位, not 干部名册)."""
    rows = []
    for item in items:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        rows.append({"label": item.label, "url_name": item.url_name, "url": url, "current": False})
    matching = [r for r in rows if path.startswith(r["url"])]
    if matching:
        max(matching, key=lambda r: len(r["url"]))["current"] = True
    return rows


class Navigation:
    def __init__(self, request):
        self.request = request
        self.user = request.user

    @cached_property
    def items(self) -> list[dict]:
        items = mark_current([i for i in registry.nav_items if i.visible(self.user)], self.request.path)
        if not any(r["current"] for r in items):
            # Pages outside every entry's URL (e.g. /interviews/required/5/) belong to the first
            # entry of their app.
            match = getattr(self.request, "resolver_match", None)
            namespace = match.namespace if match else ""
            for r in items:
                if namespace and r["url_name"].split(":")[0] == namespace:
                    r["current"] = True
                    break
        return items

    @cached_property
    def current(self) -> dict | None:
        return next((r for r in self.items if r["current"]), None)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .notifications import unread_badge

    nav = Navigation(request)
    return {
        "main_nav": nav.items,
        "current_nav": nav.current,
        "subnav": SubNav(user, request.path),
        "unread_notifications": unread_badge(user),
    }
