"""Production refuses to start without its own FIELD_ENCRYPTION_KEY; check --deploy says so too."""

from tests.test_settings import _run

SETUP = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='cadre_supervision.settings'; django.setup()"


def test_serving_process_refuses_a_missing_field_encryption_key():
    refused = _run(["-c", SETUP], DJANGO_SECRET_KEY="x" * 60)
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and "FIELD_ENCRYPTION_KEY" in refused.stderr
    wsgi = _run(["-c", "import cadre_supervision.wsgi"], DJANGO_SECRET_KEY="x" * 60)
    assert wsgi.returncode != 0 and "FIELD_ENCRYPTION_KEY" in wsgi.stderr


def test_serving_process_refuses_the_secret_key_as_field_key():
    refused = _run(["-c", SETUP], DJANGO_SECRET_KEY="x" * 60, FIELD_ENCRYPTION_KEY="x" * 60)
    assert refused.returncode != 0 and "must differ from DJANGO_SECRET_KEY" in refused.stderr
    started = _run(["-c", SETUP], DJANGO_SECRET_KEY="x" * 60, FIELD_ENCRYPTION_KEY="y" * 60)
    assert started.returncode == 0, started.stderr


def test_deploy_check_requires_the_field_key():
    base = {"DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "cadre.example.org"}
    failed = _run(["manage.py", "check", "--deploy"], **base)
    assert failed.returncode != 0 and "cadre_supervision.E001" in failed.stderr + failed.stdout
    passed = _run(["manage.py", "check", "--deploy"], FIELD_ENCRYPTION_KEY="y" * 60, **base)
    assert passed.returncode == 0, passed.stderr + passed.stdout
