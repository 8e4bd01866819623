"""Benchmarks: time and query count of the main pages, API lists and the reminder sweep.

    python manage.py bench [--repeat 5] [--user zuzhibu]

It lives in `cadres` (the base app every other app may depend on) because it seeds and
counts cadres; the framework imports no domain app.

Runs against the configured database (embedded by default, via `make bench`); seeds the
demo city first if the database is empty. Timings are wall-clock medians; query counts
are exact.
"""

from __future__ import annotations

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cadres.models import Cadre, Organization

TARGETS = [
    ("page: cadre list", "/cadres/"),
    ("page: cadre list, filtered (一把手)", "/cadres/?top_leader=true"),
    ("page: cadre list, page 20", "/cadres/?page=20"),
    ("page: post list", "/cadres/posts/"),
    ("page: organization tree", "/cadres/organizations/"),
    ("api: cadres (50)", "/api/v1/cadres/"),
    ("api: cadres (500)", "/api/v1/cadres/?page_size=500"),
    ("api: appointments (500)", "/api/v1/appointments/?page_size=500"),
    ("api: stats cadres", "/api/v1/stats/cadres/"),
    ("api: stats interviews", "/api/v1/stats/interviews/"),
    ("api: stats audits", "/api/v1/stats/audits/"),
    ("api: stats rotations", "/api/v1/stats/rotations/"),
    ("api: stats reports", "/api/v1/stats/reports/"),
]


class Command(BaseCommand):
    help = "Measure pages, API lists and the reminder sweep on the current database."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--user", default="zuzhibu")
        parser.add_argument("--no-sweep", action="store_true")

    def handle(self, *args, repeat, user, no_sweep, **opts):
        if not Organization.objects.exists():
            self.stdout.write("database empty: seeding the demo city first")
            call_command("seed_demo", stdout=self.stdout)
        # Count every query of a request: keep the query log and the connection across requests.
        request_started.disconnect(reset_queries)
        request_finished.disconnect(close_old_connections)
        User = get_user_model()
        u = User.objects.filter(username=user).first() or User.objects.filter(is_superuser=True).first()
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(u)
        self.stdout.write(
            f"data: {Organization.objects.count()} organizations, {Cadre.objects.count()} cadres; user {u.username}"
        )
        self.stdout.write(f"{'target':44} {'status':>6} {'median ms':>10} {'max ms':>8} {'queries':>8}")
        for name, url in TARGETS:
            times = []
            status = None
            queries = None
            for _ in range(repeat):
                reset_queries()
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    resp = client.get(url)
                    times.append((time.perf_counter() - t0) * 1000)
                status = resp.status_code
                queries = len(ctx.captured_queries)
            if status == 404:
                self.stdout.write(f"{name:44} {'404':>6}   (not available)")
                continue
            self.stdout.write(
                f"{name:44} {status:>6} {statistics.median(times):>10.1f} {max(times):>8.1f} {queries:>8}"
            )
        if not no_sweep:
            from cadre_supervision.notifications import run_sweep

            for label in ("first run", "second run (idempotent)"):
                reset_queries()
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    result = run_sweep(deliver=False)
                    ms = (time.perf_counter() - t0) * 1000
                self.stdout.write(
                    f"sweep {label:31} {ms:>10.1f} ms, {len(ctx.captured_queries)} queries, "
                    f"{result.considered} due items, {result.created} new notifications"
                )
