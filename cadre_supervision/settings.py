"""Settings: one file; every deploy-time value comes from the environment.

Modes
- embedded (default for `make run` / `make test`): scripts/dev.py starts a private
  PostgreSQL and Redis and sets DATABASE_URL / REDIS_URL for us.
- production: DJANGO_DEBUG unset, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
  DATABASE_URL, REDIS_URL (and e-mail settings) given by the deployment.
"""

import sys
from pathlib import Path
from urllib.parse import unquote

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEV_SECRET_KEY = "dev-insecure-cadre-supervision-key-do-not-use-in-production"
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
TESTING = env.bool("CS_TESTING", default="pytest" in sys.modules)
# Developer tools that never serve anything may run without production variables.
_TOOL_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate", "check", "help", "spectacular"}
_COMMAND = sys.argv[1] if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") else ""
if not DEBUG and not TESTING and SECRET_KEY == DEV_SECRET_KEY and _COMMAND not in _TOOL_COMMANDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Production mode needs DJANGO_SECRET_KEY: refusing to start with the development key "
        "(set DJANGO_DEBUG=1 for development)."
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_tables2",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "guardian",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "cadre_supervision",
    "cadres",
    "interviews",
    "audits",
    "rotations",
    "reports",
    "petitions",
    "evaluations",
    "selection",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cadre_supervision.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "cadre_supervision.middleware.NoStoreMiddleware",
    "cadre_supervision.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "cadre_supervision.urls"
WSGI_APPLICATION = "cadre_supervision.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cadre_supervision.context_processors.navigation",
            ],
        },
    },
]

# PostgreSQL is the only engine, in every mode.
_db = env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/cadre_supervision")
_db["HOST"] = unquote(str(_db.get("HOST", "")))
if _db["ENGINE"] != "django.db.backends.postgresql":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL.")
_db["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
# A persistent connection is checked before each request reuses it: after a database restart
# the first request reconnects instead of failing (docs/DEPLOYMENT.md).
_db["CONN_HEALTH_CHECKS"] = True
_db["ATOMIC_REQUESTS"] = False
# Every history trigger asks `current_setting('pgtrigger.ignore')`; when the setting is
# undefined that raises inside the trigger's exception block, and each rolled-back
# subtransaction rescans every deferred foreign-key event pending in the transaction, so a
# bulk write cost O(rows²). Defining it (an empty list: ignore nothing) on every connection
# keeps a write O(rows); `pgtrigger.ignore()` still overrides it per transaction.
_PG_SESSION_OPTIONS = ["-c pgtrigger.ignore={}"]
# PostgreSQL's JIT compiles any query whose estimated cost passes jit_above_cost; the whole-scope
# reads (the due list, the board's sources, the sweep) pass it at city size and then spend more
# compiling than running (the due list's candidates at 100k cadres: 1.85 s of JIT in a 3.2 s
# query). Off unless DB_JIT=1 (docs/PERFORMANCE.md).
if not env.bool("DB_JIT", default=False):
    _PG_SESSION_OPTIONS.append("-c jit=off")
if TESTING:
    # Test tables are emptied (TRUNCATE by transactional tests) and autovacuumed while empty,
    # then refilled inside uncommitted test transactions that statistics never see: the planner
    # then believes every table is empty and nests sequential scans five deep. Hash and merge
    # joins are what production plans use on analysed tables, so tests turn nested loops off.
    # A runaway query fails its test (with the query in the error) instead of stalling the suite.
    # Turning nested loops off adds the planner's "disable cost" (1e10) to any plan that still
    # needs one, which is far above jit_above_cost: PostgreSQL would then JIT-compile a query
    # over four rows, at 1-3 s each (the cadre page took 20 s in the browser journeys). Tests
    # run without JIT.
    _PG_SESSION_OPTIONS += ["-c statement_timeout=180000", "-c enable_nestloop=off"]
    if "-c jit=off" not in _PG_SESSION_OPTIONS:
        _PG_SESSION_OPTIONS.append("-c jit=off")
_db_options = _db.setdefault("OPTIONS", {})
_db_options["options"] = " ".join(filter(None, [_db_options.get("options", ""), *_PG_SESSION_OPTIONS]))
if env.str("CS_TEST_DB", default=""):
    _db["TEST"] = {"NAME": env.str("CS_TEST_DB")}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "cadre_supervision.auth.ThrottledModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = False
# The jurisdiction tree every record is scoped by (see cadre_supervision/jurisdiction.py).
CS_JURISDICTION_MODEL = "cadres.Organization"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    # Fast hashing in tests only (fixtures create many users).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling (cadre_supervision.auth), counted in the shared cache so every worker counts
# together: LOGIN_FAILURE_LIMIT failures of one user name from one address lock that pair, and
# LOGIN_IP_FAILURE_LIMIT failures from one address (whatever the user names) lock the address,
# for LOGIN_LOCK_SECONDS. A success clears only its own (user name, address) pair.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=30)
LOGIN_LOCK_SECONDS = env.int("LOGIN_LOCK_SECONDS", default=900)
# The client address: REMOTE_ADDR, unless the site is behind a reverse proxy that sets this
# header (e.g. "X-Forwarded-For" or "X-Real-IP"); then the right-most address in the header
# (the one the proxy itself saw). Never set it without a proxy: clients could forge it.
TRUSTED_PROXY_HEADER = env.str("DJANGO_TRUSTED_PROXY_HEADER", default="")

# Sessions expire after SESSION_COOKIE_AGE seconds of inactivity (a sliding idle timeout). The
# timer restarts when a request finds the session's last save more than SESSION_REFRESH_SECONDS
# old (cadre_supervision.middleware.SessionMiddleware), not with a database write on every
# request: an idle session expires at most that much early, never late.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
if not 0 <= SESSION_REFRESH_SECONDS < SESSION_COOKIE_AGE // 2:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SESSION_REFRESH_SECONDS must be below half of SESSION_IDLE_SECONDS.")
SESSION_SAVE_EVERY_REQUEST = False
# The workbench computes figures that are not kept for this long (seconds from the page's start)
# and leaves the others to their tiles' own requests (cadre_supervision.workbench.inline_budget).
# A time budget is not deterministic: tests pin it high, and the deferral tests set it to 0.
WORKBENCH_INLINE_SECONDS = env.float("WORKBENCH_INLINE_SECONDS", default=60.0 if TESTING else 0.12)
# A statistics answer (cadre_supervision.api.StatsView) is kept until a table it read changes,
# and at most this many seconds (a table written without signals or history triggers).
STATS_KEEP_SECONDS = env.int("STATS_KEEP_SECONDS", default=300)
# A download of a whole scope (cadre_supervision.exports) is built inside the request while its
# size is at most the export's own `inline_max` times this factor, else by a background job
# (0: every non-empty scope in the background; tests use it to force the job path).
EXPORT_INLINE_FACTOR = env.float("EXPORT_INLINE_FACTOR", default=1.0)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# Cache: the shared Redis (the embedded one in embedded mode), so login-failure counts and API
# throttles are common to every worker and every node (docs/DEPLOYMENT.md). Tests get a per-run
# key prefix on the same Redis. Redis is not the truth for anything: while it is down the cache
# answers "missing" within half a second (django-redis IGNORE_EXCEPTIONS, logged) and pages keep
# working; login and API throttling then count nothing until it returns.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
if TESTING and env.str("PYTEST_XDIST_WORKER", default=""):
    # Parallel test workers (pytest-xdist) each take their own Redis database: a test that
    # empties the cache (FLUSHDB) must not empty another worker's.
    from urllib.parse import urlsplit, urlunsplit

    _redis = urlsplit(REDIS_URL)
    _redis_db = int(_redis.path.strip("/") or 0) + 1 + int(env.str("PYTEST_XDIST_WORKER").lstrip("gw"))
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_redis_db % 16}"))
_CACHE_PREFIX = env.str("CACHE_KEY_PREFIX", default="cs")
if TESTING:
    import os
    import uuid

    _CACHE_PREFIX = f"{_CACHE_PREFIX}-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": _CACHE_PREFIX,
        "TIMEOUT": 300,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
            "IGNORE_EXCEPTIONS": True,
        },
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Sessions live in PostgreSQL (the default engine, named here): shared by every node, and they
# survive a Redis outage.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Celery: Redis as the broker. Pages never depend on it: tasks are enqueued on commit and
# a failure to enqueue is logged, not raised (cadre_supervision.tasks.enqueue).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing never holds a request: a broker that does not answer within half a second is given
# up on (no retry); the Notification rows stay pending and the next sweep or delivery run sends
# them. Workers themselves reconnect (broker_connection_retry) when Redis returns.
CELERY_BROKER_CONNECTION_TIMEOUT = 0.5
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": 0.5,
    "socket_timeout": 2,
    "retry_on_timeout": False,
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG or TESTING
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cadre-supervision@localhost")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".run" / "mail"))
# Absolute base URL used in e-mailed links (e.g. https://cadre.example.org); empty = relative links.
SITE_URL = env.str("SITE_URL", default="")

# Citizen IDs are stored encrypted at rest with a key derived from this value. Production needs
# its own key, distinct from the secret key (which may have to be rotated without re-encrypting).
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="")
if not FIELD_ENCRYPTION_KEY:
    if not DEBUG and not TESTING and _COMMAND not in _TOOL_COMMANDS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "Production mode needs FIELD_ENCRYPTION_KEY (the key protecting citizen IDs at rest), "
            "distinct from DJANGO_SECRET_KEY: refusing to start without it "
            "(set DJANGO_DEBUG=1 for development)."
        )
    FIELD_ENCRYPTION_KEY = SECRET_KEY
elif FIELD_ENCRYPTION_KEY == SECRET_KEY and not DEBUG and not TESTING and _COMMAND not in _TOOL_COMMANDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must differ from DJANGO_SECRET_KEY: refusing to start.")

# django-filter: "any" in a choice filter reads 全部 (not ---------).
FILTERS_EMPTY_CHOICE_LABEL = "全部"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "cadre_supervision.pagination.DefaultCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "cadre_supervision.api.AutoSchema",
    "EXCEPTION_HANDLER": "cadre_supervision.api.exception_handler",
    # Throttle counts live in the shared cache (CACHES above), so the rates hold across workers.
    "DEFAULT_THROTTLE_CLASSES": [
        "cadre_supervision.auth.AnonThrottle",
        "cadre_supervision.auth.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_USER", default="2000/hour"),
        "anon": env.str("API_THROTTLE_ANON", default="60/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "干部管理监督 API",
    "DESCRIPTION": "Cadre supervision records: registry, interviews, audits, rotations, personal-matter reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}


# Production hardening (check --deploy passes with production variables set).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_SECURE = not DEBUG and not TESTING
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG and not TESTING
SECURE_HSTS_PRELOAD = not DEBUG and not TESTING
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every response: scripts only from this site (static
# files, or an inline script carrying the request's nonce: {{ request.csp_nonce }}); no inline
# event handlers. Inline style attributes stay allowed (bar widths, Swagger UI).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
