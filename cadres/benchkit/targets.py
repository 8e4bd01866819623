"""Which URLs the bench measures: found in the URL configuration, not listed by hand, so a new
list page or endpoint is measured without anyone remembering to add it."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.views import LoginView, LogoutView
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic.edit import FormMixin

from cadre_supervision.views import ActionView, ScopedDetailView, ScopedListView

# issue 10's pages: the workbench is the home page ("home"), the calendar "calendar"; discovered
# like every page (a URL name or path containing the word), reported as SKIP if absent. Every
# demo role's workbench and calendar are measured apart (Bench.roles).
OPTIONAL_PAGES = [("page: workbench", "home"), ("page: calendar", "calendar")]
SKIP_PREFIXES = ("admin/", "login/", "logout/", "api/schema", "api/docs")


@dataclass
class Target:
    name: str
    kind: str  # page | api | detail | stats | export
    url: str = ""
    view_class: type | None = None
    model: type | None = None
    url_name: str = ""
    sizeable: bool = False  # page size can be varied (10, 100, 500)


def _walk(resolver, prefix="", ns=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            sub = f"{ns}:{p.namespace}".strip(":") if p.namespace else ns
            yield from _walk(p, prefix + str(p.pattern), sub)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{ns}:{p.name}" if ns else p.name), p


def discover() -> list[Target]:
    out: list[Target] = []
    seen = set()
    for route, name, pattern in _walk(get_resolver()):
        if not name or name in seen or route.startswith(SKIP_PREFIXES) or "format" in route:
            continue
        cb = pattern.callback
        view_class = getattr(cb, "view_class", None)
        actions = getattr(cb, "actions", None)
        cls = getattr(cb, "cls", None)
        if actions is not None:  # a DRF router route
            seen.add(name)
            model = getattr(getattr(cls, "queryset", None), "model", None)
            if name.endswith("-list") and actions.get("get") == "list":
                out.append(Target(f"api: {name}", "api", reverse(name), cls, model, name, sizeable=True))
            elif name.endswith("-detail") and actions.get("get") == "retrieve" and model is not None:
                out.append(Target(f"api detail: {name}", "detail", "", cls, model, name))
            continue
        if cls is not None:  # a plain APIView
            if "<" in route or "(?P" in route:
                continue
            seen.add(name)
            kind = "stats" if "/stats/" in f"/{route}" else "api"
            sizeable = kind == "api" and getattr(cls, "pagination_class", None) is not None
            out.append(Target(f"{kind}: {name}", kind, reverse(name), cls, None, name, sizeable=sizeable))
            continue
        if view_class is None or issubclass(view_class, (FormMixin, ActionView, LoginView, LogoutView)):
            continue
        seen.add(name)
        if "<" in route:
            if issubclass(view_class, ScopedDetailView) and getattr(view_class, "model", None) is not None:
                if route.endswith("history/") or list(pattern.pattern.converters) != ["pk"]:
                    continue
                out.append(Target(f"detail: {name}", "detail", "", view_class, view_class.model, name))
            continue
        if route.startswith("api/"):
            continue
        if getattr(view_class, "exports_whole_scope", False):
            # A file of everything in the user's scope (the dossier in import format, the joint
            # analysis): O(rows) by nature, timed once and shown apart, not judged as a page.
            out.append(Target(f"export: {name}", "export", reverse(name), view_class, url_name=name))
            continue
        out.append(
            Target(
                f"page: {name}",
                "page",
                reverse(name),
                view_class,
                url_name=name,
                sizeable=hasattr(view_class, "paginate_by")
                and getattr(view_class, "table_class", None) is not None,
            )
        )
        if issubclass(view_class, ScopedListView):
            # The deepest page, as 末页 links to it (keyset: the last rows in reverse order, no
            # OFFSET); judged like every page, so a deep page growing with the table is a FAIL.
            out.append(
                Target(
                    f"page (末页): {name}", "page", reverse(name) + "?page=last", view_class, url_name=name
                )
            )
    return out
