"""`manage.py bench`: issue 14's targets, measured at two scales in one run, with PASS/FAIL.

    python manage.py bench                 # scales 10 and 80 (about 12k and 98k cadres)
    python manage.py bench --quick         # scales 1 and 8, a fast check
    python manage.py bench --scales 2,16 --repeat 7
    python manage.py bench --here          # only the configured database, no comparison

Each scale gets its own database next to the configured one (`<name>_s<scale>`), created,
migrated and seeded (`seed_demo --scale N`) when absent, then measured in a child process
pointed at it (cadres.benchkit.measure). The ratios decide PASS/FAIL, not the absolute times.
The last run's figures are kept in `.run/bench/latest.json`.

It lives in `cadres` (the base app every other app may depend on) because it seeds and
counts cadres; the framework imports no domain app.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management import BaseCommand, CommandError

LATENCY_RATIO = 1.3
FLOOR_RATIO = 2.0
STATS_RATIO = 1.5
PAGE_BAR_MS = 300.0
SWEEP_BAR_MS = 10_000.0


def _db_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _verdict(ok: bool | None) -> str:
    return {True: "PASS", False: "FAIL", None: "n/a"}[ok]


class Command(BaseCommand):
    help = "Measure issue 14's targets at two scales (pages, API, statistics, sweep, the typical implementation)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repeat",
            type=int,
            default=0,
            help="timed runs per target after one warm-up (5; 3 with --quick)",
        )
        parser.add_argument("--quick", action="store_true", help="scales 1 and 8 instead of 10 and 80")
        parser.add_argument("--scales", default="", help="two seed_demo scales, e.g. 10,80")
        parser.add_argument("--here", action="store_true", help="measure the configured database only")
        parser.add_argument("--json", default="", help=argparse_suppress())
        parser.add_argument("--output", default="", help="where to write the figures (JSON)")

    def handle(self, *args, repeat, quick, scales, here, json: str, output, **opts):
        repeat = repeat or (3 if quick else 5)
        if json:  # the child process: measure this database and write the figures
            return self._measure_to(json, repeat)
        if here:
            data = self._measure_here(repeat)
            self._print_report({"here": data}, ["here"])
            return
        picked = [s.strip() for s in (scales or ("1,8" if quick else "10,80")).split(",") if s.strip()]
        if len(picked) != 2:
            raise CommandError("--scales 需要两个规模，例如 10,80")
        results = {}
        out = Path(output) if output else Path(settings.BASE_DIR) / ".run" / "bench" / "latest.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        for scale in picked:
            started = time.monotonic()
            results[scale] = self._measure_scale(scale, repeat)
            # Each scale's figures are on disk as soon as they are measured: a run cut short
            # keeps what it measured (the file says which scales it holds).
            out.write_text(_dumps({"scales": picked, "measured": list(results), "results": results}))
            self.stdout.write(
                f"scale {scale}: measured in {time.monotonic() - started:.0f} s, figures in {out}"
            )
            self.stdout.flush()
        self._print_report(results, picked)
        self.stdout.write(f"\nfigures written to {out}")

    # --- data ----------------------------------------------------------------------------------
    def _measure_here(self, repeat):
        from cadres.benchkit.measure import Bench

        return Bench(repeat=repeat).run()

    def _measure_to(self, path, repeat):
        Path(path).write_text(_dumps(self._measure_here(repeat)))

    def _child_env(self, db_name: str) -> dict[str, str]:
        env = dict(os.environ)
        env["DATABASE_URL"] = _db_url(os.environ.get("DATABASE_URL") or _settings_url(), db_name)
        env.setdefault("DJANGO_DEBUG", "1")
        # Own throttle and cache keys: the bench's hundreds of API calls are not a client's.
        env["CACHE_KEY_PREFIX"] = f"bench-{uuid.uuid4().hex[:8]}"
        env["API_THROTTLE_USER"] = "1000000/hour"
        return env

    def _measure_scale(self, scale: str, repeat: int) -> dict:
        base = settings.DATABASES["default"]["NAME"]
        db_name = f"{base}_s{scale.replace('.', '_')}"
        env = self._child_env(db_name)
        self._ensure_database(db_name)
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        self.stdout.write(f"scale {scale}: database {db_name}")
        started = time.monotonic()
        seeded = subprocess.run(
            [*manage, "seed_demo", "--if-empty", "--scale", scale],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        if "--if-empty" in seeded.stdout and "跳过" in seeded.stdout:
            self.stdout.write(f"scale {scale}: already seeded")
        else:
            self.stdout.write(f"scale {scale}: seeded in {time.monotonic() - started:.1f} s (seed_demo)")
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
            path = fh.name
        try:
            subprocess.run([*manage, "bench", "--json", path, "--repeat", str(repeat)], env=env, check=True)
            return json.loads(Path(path).read_text())
        finally:
            os.unlink(path)

    def _ensure_database(self, name: str) -> None:
        import psycopg2
        from django.db import connection

        params = connection.get_connection_params()
        params["dbname"] = "postgres"
        conn = psycopg2.connect(**params)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}"')
        conn.close()

    # --- report --------------------------------------------------------------------------------
    def _print_report(self, results: dict, scales: list[str]) -> None:
        w = self.stdout.write
        small, large = results[scales[0]], results[scales[-1]]
        for s in scales:
            r = results[s]
            w(f"scale {s}: {r['organizations']} organizations, {r['cadres']} cadres")
        key = lambda row: (row["name"], row["user"])  # noqa: E731
        big = {key(r): r for r in large["rows"]}
        fails = 0

        def line(text, ok):
            nonlocal fails
            fails += ok is False
            w(f"{text}  {_verdict(ok)}")

        w(f"\n1. latency, scale {scales[-1]} / scale {scales[0]} (≤ {LATENCY_RATIO}×), median ms and queries")
        w(f"{'target':52} {'user':14} {'small':>8} {'large':>8} {'ratio':>6} {'q':>9}")
        for row in small["rows"]:
            if str(row.get("skip", "")).startswith("GET answers") or row["kind"] == "export":
                continue
            other = big.get(key(row), {})
            head = f"{row['name'][:52]:52} {row['user']:14}"
            if "skip" in row or "skip" in other:
                w(f"{head} SKIP ({row.get('skip') or other.get('skip')})")
                continue
            st = (row["status"], other.get("status"))
            if st != (200, 200):
                bad = any(x is not None and x >= 500 for x in st)
                line(f"{head} status {st[0]}/{st[1]}", False if bad else None)
                continue
            ratio = other["ms"] / row["ms"] if row["ms"] else 0
            q = f"{row['queries']}/{other['queries']}"
            line(f"{head} {row['ms']:8.1f} {other['ms']:8.1f} {ratio:6.2f} {q:>9}", ratio <= LATENCY_RATIO)

        w("\n1b. whole-scope exports: one run each, O(rows) by nature (shown, not judged)")
        for row in small["rows"]:
            if row["kind"] != "export" or "skip" in row:
                continue
            other = big.get(key(row), {})
            if "ms" not in other:
                continue
            w(
                f"{row['name'][:52]:52} {row['user']:14} {row['ms']:8.1f} {other['ms']:8.1f} "
                f"{other['ms'] / row['ms']:6.2f} {row['bytes'] / 1024:8.0f} KB → {other['bytes'] / 1024:8.0f} KB"
            )

        w("\n2. query count in page size 10 / 100 / 500 (constant)")
        for s in scales:
            for row in results[s]["rows"]:
                qs = row.get("queries_by_size")
                if qs:
                    counts = [qs[str(n)] if str(n) in qs else qs[n] for n in (10, 100, 500)]
                    line(f"  [{s:>4}] {row['name'][:48]:48} {row['user']:14} {counts}", len(set(counts)) == 1)

        w(f"\n3. list endpoints / raw floor (same SELECTs via psycopg2 + json.dumps) (≤ {FLOOR_RATIO}×)")
        for s in scales:
            for row in results[s]["rows"]:
                if row["kind"] == "api" and row.get("status") == 200:
                    fl = row.get("floor_ms")
                    if not fl:
                        line(f"  [{s:>4}] {row['name'][:48]:48} {row['user']:14} no replayable floor", None)
                        continue
                    ratio = row["ms"] / fl
                    line(
                        f"  [{s:>4}] {row['name'][:48]:48} {row['user']:14} {row['ms']:7.1f} / {fl:6.1f} = {ratio:5.2f}",
                        ratio <= FLOOR_RATIO,
                    )

        w(f"\n4. statistics endpoints / hand-written GROUP BY (≤ {STATS_RATIO}×)")
        w("   (net: the endpoint's time less the API root's for the same user, the request's fixed cost;")
        w("    the answer is kept until a table it read changes: refresh = computed with nothing kept)")
        for s in scales:
            root = {
                r["user"]: r["ms"]
                for r in results[s]["rows"]
                if r["name"] == "api: cadres-api:api-root" and r.get("status") == 200
            }
            for row in results[s]["rows"]:
                if row["kind"] == "stats" and row.get("status") == 200:
                    fl, rp = row.get("floor_ms"), row.get("replay_ms")
                    rp_text = f" (its own SQL replayed: {rp:.1f} ms)" if rp else ""
                    if row.get("refresh_ms") is not None:
                        rp_text += f"; refresh (nothing kept) {row['refresh_ms']:.1f} ms"
                    if not fl:
                        line(
                            f"  [{s:>4}] {row['name'][:40]:40} {row['user']:8} {row['ms']:7.1f} ms, "
                            f"no hand-written GROUP BY{rp_text}",
                            None,
                        )
                        continue
                    if not row.get("floor_equal", True):
                        line(
                            f"  [{s:>4}] {row['name'][:40]:40} {row['user']:8} FLOOR ≠ ENDPOINT: the hand-written "
                            f"SQL computes other numbers: {row.get('floor_diff', '')[:600]}",
                            False,
                        )
                        continue
                    ratio = row["ms"] / fl
                    net = ""
                    if row["user"] in root:
                        net = f", net {max(row['ms'] - root[row['user']], 0) / fl:5.2f}"
                    line(
                        f"  [{s:>4}] {row['name'][:40]:40} {row['user']:8} {row['ms']:7.1f} / {fl:6.1f} = {ratio:5.2f}{net}{rp_text}",
                        ratio <= STATS_RATIO,
                    )

        w(f"\n5. pages < {PAGE_BAR_MS:.0f} ms at scale {scales[0]} (issue 10's bar)")
        for row in small["rows"]:
            if row["kind"] in ("page", "detail") and "skip" not in row and row.get("status") == 200:
                line(f"  {row['name'][:52]:52} {row['user']:14} {row['ms']:7.1f} ms", row["ms"] < PAGE_BAR_MS)
            elif row["kind"] in ("page", "detail") and (row.get("status") or 0) >= 500:
                line(f"  {row['name'][:52]:52} {row['user']:14} status {row['status']}", False)
            elif "skip" in row and not row["skip"].startswith("GET answers"):
                w(f"  {row['name'][:52]:52} {row['user']:14} SKIP ({row['skip']})")

        w(f"\n5b. workbench and calendar of every demo role < {PAGE_BAR_MS:.0f} ms (issue 10), median ms")
        for s in scales:
            for row in results[s].get("roles", []):
                text = (
                    f"  [{s:>4}] {row['name']:40} {row['user']:14} {row['ms']:7.1f} ms "
                    f"{row['queries']:4} q {row['bytes'] / 1024:7.1f} KB"
                )
                if row["status"] != 200:
                    line(f"{text} status {row['status']}", False)
                elif row.get("info"):  # a sum of requests, not one page: shown, not judged
                    w(f"{text} (sum)")
                elif s == scales[0]:
                    line(text, row["ms"] < PAGE_BAR_MS)
                else:
                    w(text)

        w(
            f"\n6. daily sweep (≤ {SWEEP_BAR_MS / 1000:.0f} s at the large scale; a second run creates nothing)"
        )
        for s in scales:
            for run in results[s]["sweep"]:
                text = (
                    f"  [{s:>4}] {run['run']:6} {run['ms']:9.1f} ms {run['queries']:7} queries "
                    f"{run['considered']:7} due {run['created']:7} new"
                    + (f" errors: {', '.join(run['errors'])}" if run["errors"] else "")
                )
                if run["run"] == "second":
                    line(text, run["created"] == 0 and not run["errors"])
                elif s == scales[-1]:
                    line(text, run["ms"] <= SWEEP_BAR_MS and not run["errors"])
                else:
                    w(text)

        w(
            "\n7. side by side: ours / typical (per-row guardian grants + get_objects_for_user + ModelSerializer)"
        )
        for s in scales:
            t = results[s].get("typical") or {}
            for k in ("api", "page"):
                if k in t:
                    x = t[k]
                    w(
                        f"  [{s:>4}] cadre list {k:4}: ours {x['ours_ms']:7.1f} ms ({x['ours_queries']} q), "
                        f"typical {x['theirs_ms']:7.1f} ms ({x['theirs_queries']} q, {t['grants']} grants) "
                        f"→ ours/typical {x['ours_ms'] / x['theirs_ms']:.2f}"
                    )
        w(f"\n{fails} FAIL")


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


def _settings_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)
