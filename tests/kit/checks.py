"""The checks run for every resource row (see `resources`). Each app's grid module calls them
from a handful of parametrised tests; nothing here knows an app."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import parse_qs, urlsplit

from django.db.models import Model
from django.urls import reverse
from openpyxl import load_workbook

from cadre_supervision.history import history_for
from cadre_supervision.permissions import clear_cache

from .resources import ApiResource, PageResource, _Row

XLSX = "application/vnd.openxmlformats"


# --- urls and clients ---------------------------------------------------------------------------


def _args(value) -> list:
    if value is None:
        return []
    if not isinstance(value, tuple):
        value = (value,)
    return [getattr(v, "pk", v) for v in value]


def url(world, row: _Row, build=None) -> str:
    return reverse(row.name, args=_args(build(world) if build else None))


def inside_url(world, row: _Row) -> str:
    return url(world, row, row.inside)


def as_user(client, user):
    """Log `client` (a Django test client or a DRF APIClient) in as `user` (None: anonymous)."""
    if hasattr(client, "force_authenticate"):
        client.force_authenticate(user=None)
    client.logout()
    if user is None:
        return client
    clear_cache(user)
    if hasattr(client, "force_authenticate"):
        client.force_authenticate(user=user)
    else:
        client.force_login(user)
    return client


def send(client, row: _Row, target: str, payload=None):
    """The row's request on `target`: GET with the row's params, or its write method."""
    if row.method == "get":
        return client.get(target, row.params)
    fn = getattr(client, row.method)
    if isinstance(row, ApiResource):
        return fn(target, payload or {}, format="json")
    return fn(target, payload or {})


def _detail(resp):
    try:
        return resp.json()
    except Exception:
        return resp.content[:300]


# --- listing --------------------------------------------------------------------------------------


def api_ids(resp) -> set:
    data = resp.json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    if isinstance(rows, dict):  # a single object (e.g. a statistics figure)
        return set()
    return {r["id"] for r in rows if isinstance(r, dict) and "id" in r}


def xlsx_text(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    assert resp["Content-Type"].startswith(XLSX), resp["Content-Type"]
    wb = load_workbook(BytesIO(resp.content), read_only=True)
    cells = [
        str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for v in r if v is not None
    ]
    return "\n".join(cells)


def _assert_listing(world, row: _Row, resp, text: str | None = None) -> None:
    """`shown` is listed, `hidden` is not: ids for API lists, text for pages and exports."""
    for build, present in ((row.shown, True), (row.hidden, False)):
        if build is None:
            continue
        wanted = build(world)
        wanted = wanted if isinstance(wanted, list) else [wanted]
        for item in wanted:
            if isinstance(item, str) or text is not None:
                haystack = text if text is not None else resp.content.decode()
                needle = item if isinstance(item, str) else str(item)
                assert (needle in haystack) is present, f"{row.name}: {needle!r} present={not present}"
            else:
                ids = api_ids(resp)
                pk = getattr(item, "pk", item)
                assert (pk in ids) is present, f"{row.name}: id {pk} {'missing' if present else 'listed'}"


# --- the checks -----------------------------------------------------------------------------------


def check_anonymous(client, world, row: _Row) -> None:
    """API: exactly 401. Page: a 302 to the login page with `next` back to the page."""
    target = url(world, row, row.inside or row.refuse_url)
    resp = send(as_user(client, None), row, target)
    if isinstance(row, ApiResource):
        assert resp.status_code == 401, (target, resp.status_code)
        return
    assert resp.status_code == 302, (target, resp.status_code)
    loc = urlsplit(resp["Location"])
    assert loc.path == reverse("login"), resp["Location"]
    assert parse_qs(loc.query).get("next") == [resp.wsgi_request.get_full_path()], resp["Location"]
    assert parse_qs(loc.query)["next"][0].startswith(target)


def check_in_scope(client, world, row: _Row) -> None:
    """In scope: the row's status (200) and the listing contains `shown`, not `hidden`;
    a page with an export writes the same rows."""
    c = as_user(client, getattr(world, row.user))
    target = inside_url(world, row)
    resp = c.get(target, row.params)
    assert resp.status_code == row.status, (target, resp.status_code, _detail(resp))
    if resp.status_code != 200:
        return
    _assert_listing(world, row, resp)
    if isinstance(row, PageResource) and row.export:
        _assert_listing(world, row, resp, text=xlsx_text(c.get(target, {**row.params, "export": "xlsx"})))


def check_out_of_scope(client, world, row: _Row) -> None:
    """Out of scope: 404, whatever the method and the body (the object is looked up first)."""
    c = as_user(client, getattr(world, row.user))
    target = url(world, row, row.outside)
    before = snapshot(row)
    resp = send(c, row, target, row.accept(world) if row.accept else None)
    assert resp.status_code == 404, (target, resp.status_code, _detail(resp))
    assert snapshot(row) == before, f"{row.name}: an out-of-scope request changed data"


def snapshot(row: _Row) -> list:
    return [list(m.objects.order_by("pk").values()) for m in row.watch]


def check_refused(client, world, row: _Row) -> None:
    """A write outside scope is refused (API 400/403/404; page 403/404, the form again with an
    error, or for a POST-only action a redirect) and nothing in the watched tables changes."""
    assert row.watch, f"{row.name}: declare the models a refused write must leave unchanged"
    c = as_user(client, getattr(world, row.user))
    target = url(world, row, row.outside if row.refuse_url is None else row.refuse_url)
    before = snapshot(row)
    method = row.method if row.method != "get" else "post"
    fn = getattr(c, method)
    payload = row.refuse(world)
    resp = fn(target, payload, format="json") if isinstance(row, ApiResource) else fn(target, payload)
    if row.refuse_status is not None:
        assert resp.status_code == row.refuse_status, (target, resp.status_code, _detail(resp))
    elif isinstance(row, ApiResource):
        assert resp.status_code in (400, 403, 404), (target, resp.status_code, _detail(resp))
    else:
        # a POST-only action page may also answer with a redirect carrying its error message
        # (a hand-written form page may answer its form error with a 400)
        allowed = (200, 302, 400, 403, 404) if row.method == "post" else (200, 400, 403, 404)
        assert resp.status_code in allowed, (target, resp.status_code)
        if resp.status_code == 200:
            form = (resp.context or {}).get("form")
            assert form is not None and form.errors, f"{row.name}: a 200 answer without a form error"
    assert snapshot(row) == before, f"{row.name}: a refused write saved something"


def check_accepted(client, world, row: _Row) -> None:
    """A valid in-scope write succeeds and, where declared, writes a history row by the user."""
    user = getattr(world, row.accept_user or row.user)
    c = as_user(client, user)
    target = inside_url(world, row)
    obj = row.history(world) if row.history else None
    before = _history_by(obj, user) if isinstance(obj, Model) else 0
    method = row.method if row.method != "get" else "post"
    fn = getattr(c, method)
    payload = row.accept(world)
    resp = fn(target, payload, format="json") if isinstance(row, ApiResource) else fn(target, payload)
    if isinstance(row, ApiResource):
        assert resp.status_code in (200, 201, 204), (target, resp.status_code, _detail(resp))
    else:
        form = (resp.context or {}).get("form") if resp.status_code == 200 else None
        assert resp.status_code == 302, (target, resp.status_code, form.errors if form else None)
    if row.history:
        obj = row.history(world)  # after the write: a created object can now be found
        assert _history_by(obj, user) > before, f"{row.name}: no history row by {user} on {obj!r}"


def _history_by(obj, user) -> int:
    return sum(1 for r in history_for(obj) if r["username"] == user.get_username())


def check_ceiling(client, world, row: _Row, assert_max_num_queries) -> None:
    """The in-scope GET stays under the row's ceiling (run at 10 and at 100 extra rows)."""
    c = as_user(client, getattr(world, row.ceiling_user or row.user))
    target = inside_url(world, row)
    with assert_max_num_queries(row.ceiling):
        resp = c.get(target, row.params)
    assert resp.status_code == 200, (target, resp.status_code)


def check_malformed_id(client, world, row: _Row) -> None:
    """A malformed id in the URL is a 404 (or a 400), never a server error."""
    c = as_user(client, getattr(world, row.user))
    args = _args(row.inside(world))
    target = reverse(row.name, args=["abc", *args[1:]])
    before = snapshot(row)
    resp = send(c, row, target, row.accept(world) if row.accept else None)
    assert resp.status_code in (400, 404), (target, resp.status_code)
    assert snapshot(row) == before
