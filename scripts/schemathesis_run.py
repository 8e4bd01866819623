"""Check that the OpenAPI schema tells the truth: schemathesis against a live test server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cs REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python scripts/schemathesis_run.py [--get-examples 8] [--write-examples 2]

Steps: a fresh database `<DATABASE_URL name>_schemathesis` (dropped and recreated) is
migrated and seeded with the demo city at a small scale; an API token is issued to the
demo organization-staff user `zuzhibu`; the schema is written by `manage.py spectacular`;
gunicorn serves the project on a free local port; schemathesis then runs

  1. every GET operation with `--get-examples` cases each, all checks;
  2. every write operation (POST/PUT/PATCH/DELETE) with `--write-examples` cases each.

Excluded checks (and why):
  * positive_data_acceptance: schemas cannot express business rules (a talk date after
    today, an appointment overlapping another, a state transition not allowed from the
    current state), so valid-by-schema data is legitimately refused with 400/403/404;
  * ignored_auth: the schema declares token, session and cookie auth alternatives; the
    check sends requests without the token, which the API answers 401 as it should, but
    the check also probes the session cookie path that does not apply to a token client;
  * use_after_free / ensure_resource_availability (stateful, need DELETE-then-GET links
    the API does not declare: supervision records are ended, not erased).
Everything else in "all" runs, including not_a_server_error, status_code_conformance,
content_type_conformance, response_headers_conformance, response_schema_conformance and
negative_data_rejection. Any failure exits non-zero (CI fails).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BIN = Path(PY).parent
EXCLUDED_CHECKS = [
    "positive_data_acceptance",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
]
USERNAME = "zuzhibu"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


def _database(url: str) -> tuple[str, str]:
    """(the run's own database URL, its name): `<name>_schemathesis` on the same server."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_schemathesis"
    return urlunsplit(parts._replace(path="/" + name)), name


def _recreate(admin_url: str, name: str, env: dict) -> None:
    code = (
        "import psycopg2,sys\n"
        "c=psycopg2.connect(sys.argv[1]); c.autocommit=True; k=c.cursor()\n"
        f"k.execute('DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)')\n"
        f"k.execute('CREATE DATABASE \"{name}\"')\n"
    )
    parts = urlsplit(admin_url)
    _run([PY, "-c", code, urlunsplit(parts._replace(path="/postgres"))], env)


def _token(env: dict) -> str:
    code = (
        "from django.contrib.auth import get_user_model\n"
        "from rest_framework.authtoken.models import Token\n"
        f"u=get_user_model().objects.get(username='{USERNAME}')\n"
        "print(Token.objects.get_or_create(user=u)[0].key)\n"
    )
    out = subprocess.run(
        [PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means the server is up
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the test server did not answer at {url}")


def _summary(output: str) -> dict:
    """Operations, cases and failures as schemathesis' CLI reports them."""
    ops = re.search(r"Operations:\s+(\d+) selected", output)
    cases = re.search(r"(\d+) generated", output)
    final = re.findall(r"^=+ (.*) in [0-9.]+s =+$", output, re.M)
    final_line = final[-1] if final else ""
    failures = re.search(r"(\d+) failures?\b", final_line)
    errors = re.search(r"(\d+) errors?\b", final_line)
    failed = sorted(set(re.findall(r"^_+ ((?:GET|POST|PUT|PATCH|DELETE) \S+) _+$", output, re.M)))
    return {
        "operations": int(ops.group(1)) if ops else None,
        "cases": int(cases.group(1)) if cases else None,
        "failures": int(failures.group(1)) if failures else 0,
        "errors": int(errors.group(1)) if errors else 0,
        "failed": failed,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--get-examples", type=int, default=8, help="cases per GET operation")
    ap.add_argument("--write-examples", type=int, default=2, help="cases per write operation")
    ap.add_argument("--scale", type=float, default=0.05, help="demo city scale of the seeded database")
    ap.add_argument("--max-time", type=int, default=120, help="time budget of each schemathesis run (s)")
    ap.add_argument("--workers", default="2")
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--reuse-db", action="store_true", help="keep an existing seeded database")
    args = ap.parse_args()

    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        raise SystemExit("DATABASE_URL must name a PostgreSQL server (the run uses its own database there).")
    db_url, db_name = _database(base_url)
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        # Development settings (no production secrets needed); tasks run in-process.
        "DJANGO_DEBUG": "1",
        "CS_TESTING": "1",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # A few thousand generated requests from one token: the production rates would answer 429.
        "API_THROTTLE_USER": "1000000/hour",
        "API_THROTTLE_ANON": "1000000/hour",
    }
    out = ROOT / ".run" / "schemathesis"
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    if not args.reuse_db:
        _recreate(base_url, db_name, env)
        _run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        _run(
            [PY, "manage.py", "seed_demo", "--scale", str(args.scale), "--seed", "7"],
            env,
            stdout=subprocess.DEVNULL,
        )
    token = _token(env)
    schema = out / "openapi.yaml"
    _run([PY, "manage.py", "spectacular", "--file", str(schema)], env, stderr=subprocess.DEVNULL)

    port = _free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "cadre_supervision.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--timeout",
            "60",
            # No request-line limit here: a generated query string of several kilobytes would
            # get gunicorn's own 414 (its default limit is 4,094 bytes) before the API sees it.
            # That limit belongs to the front server of a deployment; what is checked is what
            # the API answers.
            "--limit-request-line",
            "0",
        ],
        cwd=ROOT,
        env=env,
        stdout=(out / "server.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    results = {}
    try:
        _wait(f"http://127.0.0.1:{port}/api/v1/")
        common = [
            str(BIN / "schemathesis"),
            "--no-color",
            "run",
            str(schema),
            "--url",
            f"http://127.0.0.1:{port}",
            "-H",
            f"Authorization: Token {token}",
            "--checks",
            "all",
            "--exclude-checks",
            ",".join(EXCLUDED_CHECKS),
            "--phases",
            "examples,coverage,fuzzing",
            "--workers",
            str(args.workers),
            "--seed",
            str(args.seed),
            "--max-time",
            str(args.max_time),
            "--request-timeout",
            "60",
            "--max-response-time",
            "30",
            "--suppress-health-check",
            "all",
            "--no-shrink",
            "--report",
            "junit",
            "--report-dir",
            str(out),
            "--exclude-path-regex",
            r"^/api/v1/auth/",
        ]
        runs = [
            ("GET", ["--include-method", "GET", "--max-examples", str(args.get_examples)]),
            (
                "writes",
                [
                    "--exclude-method",
                    "GET",
                    "--exclude-method",
                    "HEAD",
                    "--max-examples",
                    str(args.write_examples),
                ],
            ),
        ]
        status = 0
        for name, extra in runs:
            cmd = [*common, *extra, "--report-junit-path", str(out / f"{name}.junit.xml")]
            print("$", " ".join(cmd[:4]), "...", " ".join(extra), flush=True)
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
            lines = []
            for line in proc.stdout:
                sys.stdout.write(line)
                lines.append(line)
            code = proc.wait()
            results[name] = {**_summary("".join(lines)), "exit_code": code}
            status = status or code
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print("\n== schemathesis summary", flush=True)
    for name, r in results.items():
        failed = ", ".join(r.get("failed", []))
        print(
            f"{name}: operations={r.get('operations')} cases={r.get('cases')} "
            f"failures={r.get('failures')} errors={r.get('errors')} exit={r.get('exit_code')}"
            + (f"\n  failed: {failed}" if failed else "")
        )
    print(f"total time {time.monotonic() - started:.0f} s (excluded checks: {', '.join(EXCLUDED_CHECKS)})")
    return status


if __name__ == "__main__":
    sys.exit(main())
