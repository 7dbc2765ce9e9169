"""Career Ladder Builder settings: one module, driven by environment variables.

Every variable read here is listed, with its default, in `.env.example`.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


TESTING = env_bool("TESTING", "pytest" in sys.modules or "pytest" in sys.argv[0])
DEBUG = env_bool("DEBUG", False)
# `make run` generates var/secret_key; manage.py reads the same file, so every command the
# README shows works after it. An explicit SECRET_KEY always wins.
SECRET_KEY_FILE = BASE_DIR / "var" / "secret_key"
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY and SECRET_KEY_FILE.is_file():
    SECRET_KEY = SECRET_KEY_FILE.read_text().strip()
if not SECRET_KEY and (DEBUG or TESTING):
    SECRET_KEY = "dev-only-insecure-key"  # noqa: S105
if not SECRET_KEY:
    raise RuntimeError(
        "SECRET_KEY must be set when DEBUG is off (see .env.example), or run `make run` "
        "once to generate var/secret_key."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
SITE_NAME = "Career Ladder Builder"

INSTALLED_APPS = [
    "core.admin_apps.OperatorAdminConfig",  # django.contrib.admin, hardened
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.usersessions",
    "django_htmx",
    "core",  # before django_tasks_db: its db_worker command wraps that one
    "django_tasks_db",
    "ninja",
    "organizations",
    "accounts",
    "people",
    "frameworks",
    "onet",
    "spreadsheets",
    "reviews",
    "api",
    "growth",
    "promotions",
    "fairness",
    "sso",
    "billing",
    "jobs",  # the scheduler: above every app whose hooks it runs
    "datarights",  # last: it reads every app's models through its registry
]

MIDDLEWARE = [
    "core.health.HealthCheckMiddleware",  # /healthz, /readyz: before host checks and HTTPS
    "core.logs.RequestIdMiddleware",  # X-Request-ID, one log line per request
    "django.middleware.security.SecurityMiddleware",
    "core.admin_site.AdminNetworkMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, reading the user with a query compiled once per process
    "accounts.session_user.AuthenticationMiddleware",
    "core.privacy.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "organizations.middleware.TenantMiddleware",
    "core.read_only.ReadOnlyFormsMiddleware",  # a read-only organization offers no refused form
    "api.auth.ApiMiddleware",
    "core.busy.DatabaseBusyMiddleware",  # a locked database answers "busy, try again"
]

ROOT_URLCONF = "clb.urls"
WSGI_APPLICATION = "clb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.shell",
            ],
            "builtins": ["django.templatetags.static"],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite by default (WAL, immediate transactions, a busy timeout); PostgreSQL when
# DATABASE_URL says so.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": float(env("SQLITE_TIMEOUT", "20")),  # seconds a write waits for the lock
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_SQLITE_NAME", "") or None}
else:
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", "") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------
# Every rate limit lives in this cache, so it must be shared by all web processes: the
# database cache by default (`manage.py createcachetable`, run by bin/serve and by the
# test database setup), Redis when REDIS_URL is set. CACHE_BACKEND=locmem keeps it in
# each process: fine for one process only (gunicorn.conf.py and `manage.py check` refuse
# several workers on it).
REDIS_URL = env("REDIS_URL")
CACHE_BACKEND = env("CACHE_BACKEND", "redis" if REDIS_URL else "database")
CACHES = {
    "default": {
        # core.cache.RedisCache: Django's, with one client per connection pool (not one per call)
        "redis": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL},
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "clb_cache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        },
        "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }[CACHE_BACKEND]
}
# Sessions live in the database; with Redis they are read through the cache (cached_db),
# so a Redis restart signs nobody out.
SESSION_ENGINE = env(
    "SESSION_ENGINE",
    "django.contrib.sessions.backends.cached_db"
    if CACHE_BACKEND == "redis"
    else "django.contrib.sessions.backends.db",
)
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks): the client
# address rate limits and ADMIN_ALLOWED_NETWORKS see (organizations/clientip.py).
# Empty: the connecting address is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# The operator's /admin/ (core/admin_site.py): staff need two-step verification, and
# when networks are listed (e.g. 10.0.0.0/8,192.0.2.7) it answers 404 from anywhere else.
ADMIN_REQUIRE_MFA = env_bool("ADMIN_REQUIRE_MFA", True)
ADMIN_ALLOWED_NETWORKS = env_list("ADMIN_ALLOWED_NETWORKS")

# --- Background jobs ------------------------------------------------------------------
# The queue behind `django.tasks`. TASKS_BACKEND=database (the default): django-tasks-db,
# rows in this database, no other service. TASKS_BACKEND=redis: django-tasks-redis, Redis
# streams at TASKS_REDIS_URL (REDIS_URL unless set), for many workers. `manage.py worker`
# runs the configured queue's worker (db_worker, or run_redis_tasks --continuous). A
# dotted backend path is used as given. Redis delivers at least once: a task whose worker
# died is run again after TASKS_REDIS_CLAIM_TIMEOUT (longer than any task: imports are
# cut at IMPORT_CHECK_SECONDS), and every task here is safe to run twice.
TASKS_BACKEND = env("TASKS_BACKEND", "database")
TASKS_BACKEND_PATH = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_redis.RedisTaskBackend",
}.get(TASKS_BACKEND, TASKS_BACKEND)
TASKS_ON_REDIS = TASKS_BACKEND_PATH.startswith("django_tasks_redis")
TASKS: dict[str, dict] = {"default": {"BACKEND": TASKS_BACKEND_PATH, "QUEUES": ["default"]}}
if TASKS_ON_REDIS:
    TASKS_REDIS_URL = env("TASKS_REDIS_URL", REDIS_URL)
    if not TASKS_REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=redis needs TASKS_REDIS_URL or REDIS_URL.")
    TASKS["default"]["OPTIONS"] = {
        "REDIS_URL": TASKS_REDIS_URL,
        "REDIS_KEY_PREFIX": env("TASKS_REDIS_PREFIX", "clb-tasks"),
        "REDIS_CLAIM_TIMEOUT": int(env("TASKS_REDIS_CLAIM_TIMEOUT", "600")),
        "REDIS_MAX_DELIVERIES": int(env("TASKS_REDIS_MAX_DELIVERIES", "4")),
        # finished tasks are kept as long as the database queue keeps its successful ones
        # (jobs.hooks.prune); a failed one is also in the worker's log
        "REDIS_COMPLETED_TASK_TTL": 14 * 24 * 3600,
        "REDIS_SOCKET_CONNECT_TIMEOUT": 5,
    }
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks_db") + 1, "django_tasks_redis")
# The scheduler (jobs/): every worker ticks once a minute; daily jobs are due at
# SCHEDULER_DAILY_AT (UTC, HH:MM). A run not stamped for SCHEDULER_STALE_SECONDS lost its
# worker; a failed run is tried up to SCHEDULER_MAX_ATTEMPTS times in all.
SCHEDULER_ENABLED = env_bool("SCHEDULER_ENABLED", True)
SCHEDULER_TICK_SECONDS = float(env("SCHEDULER_TICK_SECONDS", "60"))
SCHEDULER_DAILY_AT = env("SCHEDULER_DAILY_AT", "06:00")
SCHEDULER_STALE_SECONDS = float(env("SCHEDULER_STALE_SECONDS", "900"))
SCHEDULER_REQUEUE_SECONDS = float(env("SCHEDULER_REQUEUE_SECONDS", "900"))
SCHEDULER_MAX_ATTEMPTS = int(env("SCHEDULER_MAX_ATTEMPTS", "4"))

# --- Auth (django-allauth) --------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "landing"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = env("EMAIL_VERIFICATION", "mandatory")
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_FORMS = {
    "signup": "accounts.forms.OrganizationSignupForm",
    "login": "sso.forms.CompanyAwareLoginForm",
}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Career Ladder Builder] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

# --- Company sign-in (sso/): per-organization OIDC / SAML, SCIM provisioning -----------
# Identity providers are configured by each organization's owner in the product
# (sso.providers builds allauth's apps from them); nothing is configured here.
SOCIALACCOUNT_ADAPTER = "sso.adapter.CompanySignInAdapter"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # only addresses at verified domains get in
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
USERSESSIONS_TRACK_ACTIVITY = False
# How a domain is proven: DNS TXT (sso.domains.DnsTxtVerifier) or, for tests and
# installations without DNS, sso.domains.StaticVerifier (+ manage.py verify_domain).
SSO_DOMAIN_VERIFIER = env("SSO_DOMAIN_VERIFIER", "sso.domains.DnsTxtVerifier")
# Identity-provider URLs must be https on public addresses unless this is on (tests and
# development use providers on 127.0.0.1).
SSO_ALLOW_LOCAL_URLS = env_bool("SSO_ALLOW_LOCAL_URLS", DEBUG or TESTING)
MFA_TOTP_ISSUER = SITE_NAME

# --- E-mail ---------------------------------------------------------------------------
# The console prints e-mails (sign-up confirmations, invitations) in development, decoded
# so a copied link works (core/mail.py); set EMAIL_BACKEND to
# django.core.mail.backends.smtp.EmailBackend and the SMTP variables to send real ones.
_EMAIL_BACKEND = env("EMAIL_BACKEND", "core.mail.ConsoleEmailBackend")
_EMAIL_OPTIONS: dict = {}
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    _EMAIL_OPTIONS = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": int(env("EMAIL_PORT", "25")),
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Career Ladder Builder <no-reply@localhost>")
# The development outbox (/dev/outbox/): printed e-mails are also kept in var/outbox/ and
# listed with clickable links, for this machine or staff only. `make run` turns it on; it
# never runs with HTTPS on (production) or with a real e-mail backend.
DEV_OUTBOX = (
    env_bool("DEV_OUTBOX", DEBUG)
    and not env_bool("SECURE_HTTPS", not DEBUG and not TESTING)
    and _EMAIL_BACKEND == "core.mail.ConsoleEmailBackend"
)
DEV_OUTBOX_DIR = str(BASE_DIR / env("DEV_OUTBOX_DIR", "var/outbox"))

# --- Product --------------------------------------------------------------------------
TRIAL_DAYS = int(env("TRIAL_DAYS", "14"))
# data rights: an organization's deletion waits this long (any owner can cancel it)
ORGANIZATION_DELETION_GRACE_DAYS = int(env("ORGANIZATION_DELETION_GRACE_DAYS", "30"))
EXPORT_KEEP_DAYS = int(env("EXPORT_KEEP_DAYS", "7"))  # a full export is removed after
PRICE_PER_ORGANIZATION_MONTHLY = int(env("PRICE_PER_ORGANIZATION_MONTHLY", "249"))
PRICE_PER_ORGANIZATION_YEARLY = int(env("PRICE_PER_ORGANIZATION_YEARLY", "2490"))

# --- Billing (billing/) -----------------------------------------------------------------
# Without STRIPE_SECRET_KEY (a self-hosted install) the billing page tells the operator to
# run `manage.py activate_organization SLUG` and shows BILLING_CONTACT_EMAIL.
BILLING_CURRENCY = env("BILLING_CURRENCY", "usd").lower()
BILLING_CONTACT_EMAIL = env("BILLING_CONTACT_EMAIL")
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET")
STRIPE_PRICE_MONTHLY = env("STRIPE_PRICE_MONTHLY")  # a Stripe price id, e.g. price_123
STRIPE_PRICE_YEARLY = env("STRIPE_PRICE_YEARLY")
STRIPE_API_BASE = env("STRIPE_API_BASE")  # blank: Stripe's own; a local fake in tests
# billing e-mails: remind this many days before a subscription ends
BILLING_REMINDER_DAYS = int(env("BILLING_REMINDER_DAYS", "7"))
IMPORT_MAX_BYTES = int(env("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(env("IMPORT_MAX_ROWS", "20000"))
IMPORT_MAX_SHEETS = int(env("IMPORT_MAX_SHEETS", "50"))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(env("IMPORT_MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024)))
# cells in the sheets' XML (empty styled ones too), and cells that merges and hyperlink
# ranges cover (a reader builds each one): both checked before the workbook is parsed
IMPORT_MAX_CELLS = int(env("IMPORT_MAX_CELLS", "500000"))
IMPORT_MAX_RANGE_CELLS = int(env("IMPORT_MAX_RANGE_CELLS", "50000"))
# reading a workbook runs in a child process with these limits (seconds of wall time,
# MB of memory); within a web request it gets IMPORT_INLINE_CHECK_SECONDS, after which
# the file moves to the background worker
IMPORT_CHECK_SECONDS = float(env("IMPORT_CHECK_SECONDS", "120"))
IMPORT_INLINE_CHECK_SECONDS = float(env("IMPORT_INLINE_CHECK_SECONDS", "3"))
IMPORT_CHECK_MEMORY_MB = int(env("IMPORT_CHECK_MEMORY_MB", "1024"))
# a running import stamps its lease every IMPORT_HEARTBEAT_SECONDS; one not stamped for
# IMPORT_STALE_SECONDS lost its process and is marked failed (spreadsheets/leases.py)
IMPORT_HEARTBEAT_SECONDS = float(env("IMPORT_HEARTBEAT_SECONDS", "10"))
IMPORT_STALE_SECONDS = float(env("IMPORT_STALE_SECONDS", "300"))
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# a request with files larger than this is refused before it is stored (core/uploads.py)
MAX_UPLOAD_REQUEST_BYTES = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "core.uploads.MaxRequestSizeUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- i18n -----------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Look files up per request in development and tests: otherwise each middleware start (each
# test Client) walks every app's static folder, about 80 ms, thousands of times a test run.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# --- Security ---------------------------------------------------------------------------
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # the billing page's forms redirect to Stripe's checkout and customer portal
    "form-action": [CSP.SELF, "https://checkout.stripe.com", "https://billing.stripe.com"],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000" if SECURE_HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None

# LOG_FORMAT=json: one JSON object per line (core/logs.py), each with the request's id;
# every request is logged once by core.logs.RequestIdMiddleware ("clb.request").
LOG_FORMAT = env("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "core.logs.JsonFormatter"},
        "text": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "stripe": {"level": "WARNING"},
        # in text mode gunicorn's access log says the same
        "clb.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
# The API (api/): token lifetime when none is given, requests per token ("600/m")
API_TOKEN_DEFAULT_DAYS = int(env("API_TOKEN_DEFAULT_DAYS", "90"))
API_RATE_LIMIT = env("API_RATE_LIMIT", "600/m")
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", True)
