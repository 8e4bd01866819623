"""Every URL pattern of the product is in a resource table (tests/<app>/test_resource_grid.py and
tests/test_resource_grid.py). A new page or endpoint without a row fails here."""

from __future__ import annotations

import importlib

from django.urls import URLPattern, URLResolver, get_resolver

GRIDS = [
    "tests.test_resource_grid",
    "tests.cadres.test_resource_grid",
    "tests.interviews.test_resource_grid",
    "tests.audits.test_resource_grid",
    "tests.rotations.test_resource_grid",
    "tests.reports.test_resource_grid",
    "tests.petitions.test_resource_grid",
    "tests.evaluations.test_resource_grid",
    "tests.selection.test_resource_grid",
]

# Deliberately in no table, each for its reason:
EXCLUDED = {
    "login",  # the login page itself: open to anonymous users by design
    "logout",  # POST-only, open to anonymous users (logging out twice is harmless)
    "schema",  # the OpenAPI schema: checked by `spectacular --validate` and schemathesis
    "api-docs",  # Swagger UI over the schema
    "cadres-api:token",
    "workbench_figure",  # one workbench tile by key: sign-in, 404 and 204 in tests/test_workbench.py
    "calendar_feed",  # the .ics feed: its secret token is the credential, no session (tests/test_calendar.py)
    "api-not-found",  # the JSON 404 answer for unmatched /api/ paths (tests/test_api_kit.py)  # obtains a token from a user name and password: anonymous by design
}
EXCLUDED_NAMESPACES = {
    "admin",  # Django's own /admin/ site (superuser only, Django's tests); our /system/ pages are tabled
}


def _patterns(patterns, namespace=None, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _patterns(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, namespace


def tabled_names() -> set[str]:
    names: set[str] = set()
    for module in GRIDS:
        mod = importlib.import_module(module)
        for table in ("PAGES", "APIS"):
            names |= {row.name for row in getattr(mod, table, [])}
    return names


def test_every_page_and_endpoint_is_in_a_table():
    tabled = tabled_names()
    missing = []
    for route, name, namespace in _patterns(get_resolver().url_patterns):
        if namespace in EXCLUDED_NAMESPACES or (namespace or "").split(":")[0] in EXCLUDED_NAMESPACES:
            continue
        if route.startswith(("static/", "media/", "__debug__/")):
            continue
        if name is None:
            missing.append(f"{route} (unnamed: give it a URL name and a row)")
        elif name not in EXCLUDED and name not in tabled:
            missing.append(f"{route} ({name})")
    assert not missing, "URL patterns in no resource table:\n" + "\n".join(sorted(set(missing)))


def test_tables_name_only_existing_urls():
    """A row whose URL name no longer exists is a stale row."""
    known = {name for _, name, _ in _patterns(get_resolver().url_patterns) if name}
    stale = tabled_names() - known
    assert not stale, sorted(stale)


def test_every_api_endpoint_and_app_page_counted():
    """The kit's size, for the closing note: pages and endpoints in the tables."""
    tabled = tabled_names()
    apis = {n for n in tabled if "-api:" in n}
    assert len(apis) >= 90 and len(tabled - apis) >= 120, (len(apis), len(tabled - apis))
