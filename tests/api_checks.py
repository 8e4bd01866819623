"""Reusable checks that every scoped REST resource must pass (NetBox/CISO-Assistant style).

Use them from any app's API tests:

    from tests.api_checks import ApiResource

    res = ApiResource(api, "cadres-api:cadre")
    res.check_anonymous(obj)                       # 401 on list, detail and history
    res.check_in_scope(user, obj)                  # 200 detail, present in list
    res.check_out_of_scope(user, obj)              # 404 detail and history, absent from list
    res.check_write_refused(user, "post", payload, model=Cadre)           # 403/404, nothing saved
    res.check_update_refused(user, obj, {"name": "x"})                     # 403/404, row unchanged
    res.check_history_written(user, obj, before=count)                     # a new history row by user
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.forms.models import model_to_dict
from django.urls import reverse
from rest_framework.test import APIClient

from cadre_supervision.history import history_for
from cadre_supervision.permissions import clear_cache

REFUSED = (403, 404)
# A create whose references lie outside the caller's scope: the related field answers as for a
# nonexistent id (400 does_not_exist), so the refusal reveals nothing.
REFUSED_CREATE = (400, 403, 404)


def list_ids(api: APIClient, url: str, params: dict | None = None, *, max_pages: int = 50) -> list[int]:
    """All ids of a (cursor-)paginated list, following `next` links."""
    ids: list[int] = []
    resp = api.get(url, {**(params or {}), "page_size": 500})
    assert resp.status_code == 200, (url, resp.status_code, getattr(resp, "data", None))
    for _ in range(max_pages):
        data = resp.json()
        rows = data["results"] if isinstance(data, dict) and "results" in data else data
        ids.extend(r["id"] for r in rows)
        nxt = data.get("next") if isinstance(data, dict) else None
        if not nxt:
            break
        resp = api.get(nxt)
        assert resp.status_code == 200
    return ids


class ApiResource:
    """Checks for one router-registered resource, e.g. `ApiResource(api, "cadres-api:cadre")`."""

    def __init__(self, api: APIClient, route: str):
        self.api = api
        self.route = route

    # urls ---------------------------------------------------------------------------------------
    @property
    def list_url(self) -> str:
        return reverse(f"{self.route}-list")

    def detail_url(self, obj_or_pk) -> str:
        return reverse(f"{self.route}-detail", args=[getattr(obj_or_pk, "pk", obj_or_pk)])

    def history_url(self, obj_or_pk) -> str:
        return reverse(f"{self.route}-history", args=[getattr(obj_or_pk, "pk", obj_or_pk)])

    def as_user(self, user) -> APIClient:
        self.api.force_authenticate(user=None)
        self.api.logout()
        if user is not None:
            clear_cache(user)  # the same user object serves several requests in a test
            self.api.force_authenticate(user=user)
        return self.api

    # checks -------------------------------------------------------------------------------------
    def check_anonymous(self, obj) -> None:
        api = self.as_user(None)
        for url in (self.list_url, self.detail_url(obj), self.history_url(obj)):
            resp = api.get(url)
            assert resp.status_code == 401, (url, resp.status_code)
        resp = api.patch(self.detail_url(obj), {}, format="json")
        assert resp.status_code == 401

    def check_in_scope(self, user, obj) -> dict:
        api = self.as_user(user)
        resp = api.get(self.detail_url(obj))
        assert resp.status_code == 200, (user, resp.status_code, getattr(resp, "data", None))
        assert resp.json()["id"] == obj.pk
        assert obj.pk in list_ids(api, self.list_url), f"{obj!r} missing from the list of {user}"
        assert self.api.get(self.history_url(obj)).status_code == 200
        return resp.json()

    def check_out_of_scope(self, user, obj) -> None:
        api = self.as_user(user)
        assert api.get(self.detail_url(obj)).status_code == 404
        assert api.get(self.history_url(obj)).status_code == 404
        assert obj.pk not in list_ids(api, self.list_url), f"{obj!r} visible in the list of {user}"

    def check_write_refused(
        self, user, payload: dict, *, model, expect: Iterable[int] = REFUSED_CREATE
    ) -> Any:
        """A create that must be refused: status in `expect` and no row added."""
        api = self.as_user(user)
        before = model.objects.count()
        resp = api.post(self.list_url, payload, format="json")
        assert resp.status_code in tuple(expect), (resp.status_code, getattr(resp, "data", None))
        assert model.objects.count() == before, "a refused create saved a row"
        return resp

    def check_update_refused(self, user, obj, payload: dict, *, expect: Iterable[int] = REFUSED) -> Any:
        """An update that must be refused: status in `expect` and the row unchanged."""
        api = self.as_user(user)
        before = model_to_dict(type(obj).objects.get(pk=obj.pk))
        resp = api.patch(self.detail_url(obj), payload, format="json")
        assert resp.status_code in tuple(expect), (resp.status_code, getattr(resp, "data", None))
        assert model_to_dict(type(obj).objects.get(pk=obj.pk)) == before, "a refused update changed the row"
        return resp

    def check_history_written(self, user, obj, *, before: int) -> list[dict]:
        """After a write by `user`: one more history row, attributed to `user`, also over the API."""
        rows = history_for(obj)
        assert len(rows) > before, "no history row written"
        assert rows[0]["username"] == user.get_username()
        api = self.as_user(user)
        api_rows = api.get(self.history_url(obj)).json()
        assert len(api_rows) == len(rows)
        assert api_rows[0]["actor_id"] == user.pk and api_rows[0]["actor"]
        return rows
