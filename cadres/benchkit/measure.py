"""One scale's measurements, in the process of the database being measured (see bench.py).

Every request goes through the test client with the full middleware; every query is counted
with `connection.execute_wrapper`. Times are medians of `repeat` runs after one warm-up.
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from contextlib import contextmanager
from functools import partial
from urllib.parse import urlencode

import psycopg2
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, reset_queries, transaction
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from cadres.models import Cadre, Organization

from .counting import record
from .floors import plain
from .targets import OPTIONAL_PAGES, Target, discover
from .typical import ensure_typical_grants

PAGE_SIZES = (10, 100, 500)
WIDE_USER, NARROW_USER, STATS_USER = "zuzhibu", "zhuanguanyuan", "tongji"


# Issue 10's pages for every demo role: the workbench with nothing kept, after one app's writes
# and with everything kept (cadre_supervision.keep), and the calendar.
ROLE_USERS = (
    "admin",
    "zuzhibu",
    "ganbuke",
    "jiwei",
    "shuji",
    "shizhang",
    "fenguan",
    "shenji",
    "zhuanguanyuan",
    "tongji",
    "ganbu",
)


def _median_ms(fn, repeat: int, before=None) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


class Bench:
    def __init__(self, *, repeat: int = 5):
        self.repeat = repeat
        logging.getLogger("django.request").setLevel(logging.CRITICAL)  # 403/404 rows are expected
        # Keep the connection across requests, as a worker with persistent connections does.
        request_started.disconnect(reset_queries)
        request_finished.disconnect(close_old_connections)
        User = get_user_model()
        self.users = {
            u.username: u
            for u in User.objects.filter(username__in=[WIDE_USER, NARROW_USER, STATS_USER, *ROLE_USERS])
        }
        self.clients = {}
        for name, u in self.users.items():
            c = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
            c.force_login(u)
            self.clients[name] = c
        self._raw = None

    # --- one request -------------------------------------------------------------------------
    def get(self, username: str, url: str, *, keep: bool = False) -> dict:
        client = self.clients[username]
        with record(keep=keep) as rec:
            resp = client.get(url)
        body = b"".join(resp.streaming_content) if resp.streaming else resp.content
        out = {"status": resp.status_code, "queries": rec.count, "bytes": len(body)}
        if keep:
            out["statements"] = rec.statements
        return out

    def timed(self, username: str, url: str, before=None) -> dict:
        if before is not None:
            before()
        first = self.get(username, url, keep=True)
        ms = _median_ms(lambda: self.clients[username].get(url), self.repeat, before)
        return {**first, "ms": ms}

    # --- floors --------------------------------------------------------------------------------
    def raw(self):
        if self._raw is None:
            self._raw = psycopg2.connect(**connection.get_connection_params())
            self._raw.autocommit = True
        return self._raw

    def replay_floor(self, statements) -> float | None:
        """The same SELECTs the view ran, fetched with psycopg2 and serialised with json.dumps."""
        selects = [
            (sql, params) for sql, params in statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))
        ]
        if not selects:
            return None

        def run():
            with self.raw().cursor() as cur:
                for sql, params in selects:
                    cur.execute(sql, params)
                    cols = [d[0] for d in cur.description or ()]
                    json.dumps([dict(zip(cols, row, strict=True)) for row in cur.fetchall()], default=str)

        try:
            return _median_ms(run, self.repeat)
        except psycopg2.Error:
            return None

    def sql_floor(self, sql: str, params) -> float:
        def run():
            with self.raw().cursor() as cur:
                cur.execute(sql, params)
                json.dumps(cur.fetchall(), default=str)

        return _median_ms(run, self.repeat)

    def stats_floor(self, url_name: str, username: str, url: str) -> dict:
        """The endpoint's hand-written floor (registry.stats_floors): its time (median, the
        statements on a raw connection) and whether its numbers equal the endpoint's answer
        (a mismatch is reported loudly: the floor is then not a floor of the same work)."""
        from django.utils import timezone

        from cadre_supervision import registry

        floor = registry.stats_floors.get(url_name)
        if floor is None:
            return {"floor_ms": None}
        user = self.users[username]
        today = timezone.localdate()
        answer = json.loads(self.clients[username].get(url).content)

        def run(sql, params):
            with self.raw().cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()

        got = plain(floor.compute(run, user, today))
        want = plain(floor.numbers(answer))
        out = {"floor_ms": _median_ms(lambda: floor.compute(run, user, today), self.repeat)}
        out["floor_equal"] = got == want
        if got != want:
            diff = {
                k: {"floor": got.get(k), "endpoint": want.get(k)}
                for k in set(got) | set(want)
                if got.get(k) != want.get(k)
            }
            out["floor_diff"] = json.dumps(diff, ensure_ascii=False, default=str)[:2000]
            logging.getLogger(__name__).error(
                "stats floor of %s differs for %s: %s", url_name, username, out["floor_diff"]
            )
        return out

    # --- page sizes ----------------------------------------------------------------------------
    @contextmanager
    def _page_size(self, target: Target, n: int):
        cls = target.view_class
        if target.kind == "page":
            old = cls.__dict__.get("paginate_by")
            cls.paginate_by = n
            try:
                yield target.url
            finally:
                if old is None:
                    del cls.paginate_by
                else:
                    cls.paginate_by = old
        else:
            yield f"{target.url}?{urlencode({'page_size': n})}"

    def queries_by_size(self, username: str, target: Target) -> dict[int, int]:
        out = {}
        for n in PAGE_SIZES:
            with self._page_size(target, n) as url:
                self.get(username, url)  # warm (caches)
                out[n] = self.get(username, url)["queries"]
        return out

    # --- the run -------------------------------------------------------------------------------
    def detail_url(self, username: str, target: Target) -> str | None:
        try:
            qs = target.model.objects.restrict(self.users[username], "view")
        except Exception:  # noqa: BLE001 - a model without a "view" action has no detail to time
            return None
        pks = list(qs.order_by("pk").values_list("pk", flat=True)[:1])
        if not pks:
            return None
        try:
            return reverse(target.url_name, kwargs={"pk": pks[0]})
        except NoReverseMatch:
            return None

    def run(self) -> dict:
        data = {
            "organizations": Organization.objects.count(),
            "cadres": Cadre.objects.count(),
            "rows": [],
        }
        targets = discover()
        for label, word in OPTIONAL_PAGES:  # measured like any page once they exist; SKIP until then
            if not any(word in t.name or word in t.url for t in targets):
                data["rows"].append(
                    {"name": label, "user": WIDE_USER, "kind": "page", "skip": "URL not present"}
                )
        for t in targets:
            users = [STATS_USER, WIDE_USER] if t.kind == "stats" else [WIDE_USER, NARROW_USER]
            for username in users:
                if username not in self.users:
                    continue
                url = self.detail_url(username, t) if t.kind == "detail" else t.url
                row = {"name": t.name, "user": username, "kind": t.kind}
                if url is None:
                    data["rows"].append({**row, "skip": "no record in scope"})
                    continue
                probe = self.get(username, url)
                if probe["status"] in (301, 302, 405):  # a redirect or a POST-only URL: not a page to time
                    data["rows"].append({**row, "skip": f"GET answers {probe['status']}"})
                    continue
                if t.kind == "export":  # one timed run: a whole-scope file is O(rows) by nature
                    # built in the request as a worker builds it (a large scope's GET answers
                    # with the page offering the background job)
                    with override_settings(EXPORT_INLINE_FACTOR=1e12):
                        t0 = time.perf_counter()
                        m = self.get(username, url)
                        m["ms"] = (time.perf_counter() - t0) * 1000
                else:
                    m = self.timed(username, url)
                row.update(url=url, status=m["status"], ms=m["ms"], queries=m["queries"], bytes=m["bytes"])
                if m["status"] == 200 and t.kind == "api":
                    row["floor_ms"] = self.replay_floor(m["statements"])
                if m["status"] == 200 and t.kind == "stats":
                    row.update(self.stats_floor(t.url_name, username, url))
                    # The answer is kept until what it read changes (timed above, as a client
                    # asking again finds it); the refresh is its computation with nothing kept.
                    from cadre_supervision import keep

                    refresh = self.timed(username, url, keep.forget_all)
                    row["refresh_ms"], row["refresh_queries"] = refresh["ms"], refresh["queries"]
                    row["replay_ms"] = self.replay_floor(refresh["statements"])
                if m["status"] == 200 and t.sizeable:
                    row["queries_by_size"] = self.queries_by_size(username, t)
                data["rows"].append(row)
        data["roles"] = self.roles()
        data["sweep"] = self.sweep()
        data["typical"] = self.typical()
        return data

    def roles(self) -> list[dict]:
        """Workbench and calendar for every demo role: the workbench with nothing kept (every
        figure and to-do source computed), after a write to every table of one app (only what
        read them is computed), and with everything kept."""
        from cadre_supervision import keep

        out = []
        for username in ROLE_USERS:
            if username not in self.users:
                continue
            for label, url, before in (
                ("workbench, nothing kept", reverse("home"), keep.forget_all),
                ("workbench, after 谈话 writes", reverse("home"), partial(_app_written, "interviews")),
                ("workbench, after 审计 writes", reverse("home"), partial(_app_written, "audits")),
                ("workbench, all kept", reverse("home"), None),
                ("calendar", reverse("calendar"), None),
            ):
                m = self.timed(username, url, before)
                out.append(
                    {
                        "name": label,
                        "user": username,
                        "status": m["status"],
                        "ms": m["ms"],
                        "queries": m["queries"],
                        "bytes": m["bytes"],
                    }
                )
                if label == "workbench, nothing kept":
                    out.extend(self.tiles(username))
        return out

    def tiles(self, username: str) -> list[dict]:
        """The tiles the workbench left to their own requests with nothing kept, each timed with
        nothing kept: the slowest (a page's tiles are fetched side by side), and all of them one
        after another (the whole work of a page with nothing kept)."""
        import re

        from cadre_supervision import keep

        keep.forget_all()
        html = self.clients[username].get(reverse("home")).content.decode()
        rows = []
        for src in re.findall(r'data-figure-src="([^"]+)"', html):
            m = self.timed(username, src, keep.forget_all)
            rows.append({**m, "tile": src.rstrip("/").rsplit("/", 1)[1]})
        if not rows:
            return []
        slowest = max(rows, key=lambda r: r["ms"])
        failed = [r["status"] for r in rows if r["status"] not in (200, 204)]  # 204: no tile for the user
        status = failed[0] if failed else 200
        return [
            {
                "name": f"slowest tile ({slowest['tile']})",
                "user": username,
                "status": status,
                "ms": slowest["ms"],
                "queries": slowest["queries"],
                "bytes": slowest["bytes"],
            },
            {
                "name": f"all {len(rows)} tiles in turn",
                "user": username,
                "status": status,
                "ms": sum(r["ms"] for r in rows),
                "queries": sum(r["queries"] for r in rows),
                "bytes": sum(r["bytes"] for r in rows),
                "info": True,
            },
        ]

    def sweep(self) -> list[dict]:
        from cadre_supervision.notifications import run_sweep

        out = []
        with transaction.atomic():  # rolled back: every bench run measures a first sweep
            for label in ("first", "second"):
                with record() as rec:
                    t0 = time.perf_counter()
                    result = run_sweep(deliver=False)
                    ms = (time.perf_counter() - t0) * 1000
                out.append(
                    {
                        "run": label,
                        "ms": ms,
                        "queries": rec.count,
                        "considered": result.considered,
                        "created": result.created,
                        "errors": sorted(result.errors),
                    }
                )
            transaction.set_rollback(True)
        return out

    def typical(self) -> dict:
        user, grants = ensure_typical_grants(self.users[WIDE_USER])
        client = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
        client.force_login(user)
        self.clients["bench_typical"] = client
        out = {"grants": grants}
        with override_settings(ROOT_URLCONF="cadres.benchkit.urls"):
            for key, ours, theirs in (
                ("api", reverse("cadres-api:cadre-list"), "/_typical/api/cadres/"),
                ("page", reverse("cadres:cadre_list"), "/_typical/cadres/"),
            ):
                a = self.timed(WIDE_USER, ours)
                b = self.timed("bench_typical", theirs)
                out[key] = {
                    "ours_ms": a["ms"],
                    "ours_queries": a["queries"],
                    "theirs_ms": b["ms"],
                    "theirs_queries": b["queries"],
                    "theirs_status": b["status"],
                }
        return out


def _app_written(app_label: str) -> None:
    """As after a committed write to every table of one app (a talk recorded, a finding logged):
    their generations change, nothing else does."""
    from django.apps import apps

    from cadre_supervision import keep

    keep.bump(m._meta.db_table for m in apps.get_app_config(app_label).get_models(include_auto_created=True))
