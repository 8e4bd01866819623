"""Production mode refuses the development secret key; developer tools still run."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(args, **env_over):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_DEBUG", "DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(CS_TESTING="0", **env_over)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_serving_process_refuses_the_development_key():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='cadre_supervision.settings'; django.setup()"
    )
    refused = _run(["-c", code])
    assert refused.returncode != 0 and "refusing to start with the development key" in refused.stderr
    started = _run(["-c", code], DJANGO_SECRET_KEY="x" * 60, FIELD_ENCRYPTION_KEY="y" * 60)
    assert started.returncode == 0, started.stderr
    wsgi = _run(["-c", "import cadre_supervision.wsgi"])
    assert wsgi.returncode != 0 and "DJANGO_SECRET_KEY" in wsgi.stderr


def test_developer_tools_run_without_production_variables():
    result = _run(["manage.py", "makemigrations", "--check", "--dry-run"])
    assert result.returncode == 0, result.stderr


def test_connections_run_without_jit_unless_asked(django_db_setup):
    """Production connections turn PostgreSQL's JIT off (whole-scope reads spent more compiling
    than running); DB_JIT=1 leaves the server's setting alone."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]  # the test database, created by now
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='cadre_supervision.settings'; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SHOW jit'); print('jit=' + c.fetchone()[0])\n"
    )
    keys = {"DJANGO_SECRET_KEY": "x" * 60, "FIELD_ENCRYPTION_KEY": "y" * 60, "DATABASE_URL": url}
    off = _run(["-c", code], **keys)
    assert off.returncode == 0, off.stderr
    assert "jit=off" in off.stdout
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW jit")
            server = cur.fetchone()[0]
    finally:
        conn.close()
    asked = _run(["-c", code], DB_JIT="1", **keys)
    assert asked.returncode == 0, asked.stderr
    assert f"jit={server}" in asked.stdout
