"""`make soak`: a bounded load run against both web instances of the multi-node layout.

    python scripts/soak.py                         # start the layout (scripts/nodes.py), 50 users, 300 s
    python scripts/soak.py --seconds 60 --users 50
    python scripts/soak.py --targets http://127.0.0.1:8001,http://127.0.0.1:8002   # running nodes

Each virtual user signs in as a demo account of its role (whole-city staff, a unit liaison,
discipline, audit, statistics) and alternates between the instances, mixing list pages,
detail pages, searches, exports, statistics and writes. A write raises a special-topic talk
whose note carries a unique marker; afterwards every marker answered 201 must be in the
database exactly once (0 lost, 0 duplicated). Reports throughput, p50/p95/p99 per kind, the
errors and the largest web-worker RSS seen.

A threaded script rather than locust: the same figures without gevent in the environment.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import nodes  # noqa: E402

# role → demo accounts; the mix of virtual users (writers are the two staff accounts)
ROLES = [
    ("zuzhibu", 14, True),
    ("ganbuke", 10, True),
    ("zhuanguanyuan", 10, False),
    ("jiwei", 6, False),
    ("shenji", 5, False),
    ("tongji", 5, False),
]
ACTIONS = [  # (kind, weight)
    ("list", 30),
    ("detail", 25),
    ("search", 15),
    ("api", 15),
    ("stats", 5),
    ("export", 3),
    ("write", 7),
]
SEARCH_TERMS = ["王", "李", "张", "刘", "陈", "zh", "w", "l"]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = collections.defaultdict(list)
        self.errors: collections.Counter = collections.Counter()
        self.written: list[str] = []
        self.uncertain: list[str] = []

    def add(self, kind: str, ms: float, error: str | None = None):
        with self.lock:
            self.times[kind].append(ms)
            if error:
                self.errors[f"{kind}: {error}"] += 1


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


class VirtualUser(threading.Thread):
    def __init__(
        self,
        n: int,
        username: str,
        writer: bool,
        targets: list[str],
        password: str,
        stats: Stats,
        stop_at: float,
    ):
        super().__init__(daemon=True)
        self.n, self.username, self.writer = n, username, writer
        self.targets, self.password, self.stats, self.stop_at = targets, password, stats, stop_at
        self.rng = random.Random(n)
        self.cadre_ids: list[int] = []

    def run(self):
        base = self.targets[self.n % len(self.targets)]
        try:
            self.s = nodes.login_session(base, self.username, self.password)
        except Exception as exc:  # noqa: BLE001
            self.stats.add("login", 0.0, type(exc).__name__)
            return
        i = 0
        kinds = [k for k, _ in ACTIONS]
        weights = [w if (k != "write" or self.writer) else 0 for k, w in ACTIONS]
        while time.monotonic() < self.stop_at:
            base = self.targets[i % len(self.targets)]  # alternate the instances
            i += 1
            kind = self.rng.choices(kinds, weights)[0]
            t0 = time.perf_counter()
            error = None
            try:
                error = getattr(self, f"do_{kind}")(base)
            except Exception as exc:  # noqa: BLE001
                error = f"{type(exc).__name__}: {str(exc)[:100]}"
            self.stats.add(kind, (time.perf_counter() - t0) * 1000, error)
            time.sleep(self.rng.uniform(0.2, 1.0))  # think time

    def _get(self, url, **kw):
        r = self.s.get(url, timeout=60, allow_redirects=False, **kw)
        if r.status_code != 200:
            return None, f"HTTP {r.status_code}"
        return r, None

    def do_list(self, base):
        page = self.rng.choice(
            ["/cadres/", "/cadres/posts/", "/interviews/records/", "/audits/", "/reports/verifications/"]
        )
        r, err = self._get(base + page)
        if err and err == "HTTP 403":  # a role without that module: a menu it does not show
            return None
        return err

    def _ids(self, base):
        if not self.cadre_ids:
            r, err = self._get(base + "/api/v1/cadres/?page_size=100&status=active")
            if err:
                raise RuntimeError(err)
            self.cadre_ids = [row["id"] for row in r.json()["results"]]
        return self.cadre_ids

    def do_detail(self, base):
        ids = self._ids(base)
        if not ids:
            return None
        _, err = self._get(f"{base}/cadres/{self.rng.choice(ids)}/")
        return err

    def do_search(self, base):
        _, err = self._get(f"{base}/cadres/", params={"q": self.rng.choice(SEARCH_TERMS)})
        return err

    def do_api(self, base):
        _, err = self._get(f"{base}/api/v1/cadres/", params={"page_size": self.rng.choice([10, 50, 100])})
        return err

    def do_stats(self, base):
        r = self.s.get(f"{base}/api/v1/stats/cadres/", timeout=60)
        return None if r.status_code in (200, 403) else f"HTTP {r.status_code}"

    def do_export(self, base):
        r = self.s.get(
            f"{base}/cadres/", params={"export": "xlsx", "q": self.rng.choice(SEARCH_TERMS)}, timeout=120
        )
        if r.status_code != 200 or not r.content.startswith(b"PK"):
            return f"HTTP {r.status_code}"
        return None

    def do_write(self, base):
        ids = self._ids(base)
        if not ids:
            return None
        marker = f"SOAK-{uuid.uuid4().hex}"
        r = self.s.post(
            f"{base}/api/v1/required-talks/",
            json={
                "cadre": self.rng.choice(ids),
                "trigger": "assessment",
                "trigger_date": dt.date.today().isoformat(),
                "note": marker,
            },
            headers={"X-CSRFToken": self.s.cookies.get("csrftoken", ""), "Referer": base + "/"},
            timeout=60,
        )
        with self.stats.lock:
            (self.stats.written if r.status_code == 201 else self.stats.uncertain).append(marker)
        return None if r.status_code == 201 else f"HTTP {r.status_code} {r.text[:120]}"


def rss_mb(pids: list[int]) -> float:
    """The largest resident set among the children (web workers) of the given gunicorn masters."""
    best = 0.0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text().split(")")[-1].split()
            if int(stat[1]) in pids:
                for line in (d / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        best = max(best, int(line.split()[1]) / 1024)
        except (OSError, ValueError, IndexError):
            continue
    return best


VERIFY = """
import json, sys
from interviews.models import RequiredTalk
markers = json.load(open(sys.argv[-1]))
rows = RequiredTalk.objects.filter(note__startswith="SOAK-").values_list("note", flat=True)
counts = {}
for note in rows:
    counts[note] = counts.get(note, 0) + 1
print(json.dumps({m: counts.get(m, 0) for m in markers}))
"""


def verify(env: dict[str, str], markers: list[str]) -> dict[str, int]:
    import json
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(markers, fh)
    try:
        script = VERIFY.replace("sys.argv[-1]", repr(fh.name))
        out = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        os.unlink(fh.name)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=300)
    ap.add_argument("--targets", default="", help="comma-separated base URLs of running instances")
    args = ap.parse_args()

    env = nodes.services_env()
    layout = None
    if args.targets:
        targets = [t.rstrip("/") for t in args.targets.split(",")]
    else:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--if-empty"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        ports = tuple(int(p) for p in os.environ.get("NODE_PORTS", "8001,8002").split(","))
        layout = nodes.Layout(env, ROOT / ".run" / "nodes", ports=ports).up()
        targets = layout.urls
    masters = [p.popen.pid for p in layout.procs if p.name.startswith("web")] if layout else []
    password = os.environ.get("NODE_PASSWORD", nodes.demo_password())
    stats = Stats()
    pool = [name for name, weight, _ in ROLES for _ in range(weight)]
    writers = {name for name, _, w in ROLES if w}
    users = []
    started = time.monotonic()
    stop_at = started + args.seconds
    for n in range(args.users):
        name = pool[n % len(pool)]
        users.append(VirtualUser(n, name, name in writers, targets, password, stats, stop_at))
    peak_rss = 0.0
    try:
        for u in users:
            u.start()
            time.sleep(0.05)
        while any(u.is_alive() for u in users):
            peak_rss = max(peak_rss, rss_mb(masters)) if masters else 0.0
            time.sleep(2)
        elapsed = time.monotonic() - started
        counts = verify(env, stats.written + stats.uncertain)
    finally:
        if layout:
            layout.down()

    every = [ms for v in stats.times.values() for ms in v]
    total_errors = sum(stats.errors.values())
    print(f"soak: {args.users} users, {elapsed:.0f} s, against {', '.join(targets)}")
    print(f"requests {len(every)}, throughput {len(every) / elapsed:.1f} req/s, errors {total_errors}")
    print(f"{'kind':8} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for kind in [k for k, _ in ACTIONS]:
        v = stats.times.get(kind, [])
        print(
            f"{kind:8} {len(v):6} {percentile(v, 50):8.1f} {percentile(v, 95):8.1f} {percentile(v, 99):8.1f}"
        )
    print(
        f"{'all':8} {len(every):6} {percentile(every, 50):8.1f} {percentile(every, 95):8.1f} {percentile(every, 99):8.1f}"
    )
    for what, n in stats.errors.most_common(10):
        print(f"  error x{n}: {what}")
    lost = [m for m in stats.written if counts.get(m, 0) == 0]
    dup = [m for m in stats.written + stats.uncertain if counts.get(m, 0) > 1]
    print(
        f"writes answered 201: {len(stats.written)}; lost {len(lost)}, duplicated {len(dup)}; "
        f"refused/failed {len(stats.uncertain)} (present {sum(1 for m in stats.uncertain if counts.get(m))})"
    )
    if masters:
        print(f"largest web-worker RSS seen: {peak_rss:.0f} MB")
    if total_errors or lost or dup:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
