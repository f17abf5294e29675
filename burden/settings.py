"""Settings for the Inspection Burden Tracker.

Every value that differs between a laptop and production is read from the environment here, and
only here, through small helpers that refuse bad values. With no environment at all the app runs
on a SQLite file in the project and runs Celery tasks eagerly in-process.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_ratelimit",
    "simple_history",
    "burden",
    "councils",
    "inspections",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made a change, for the history of events, staff time, rules and councils.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "burden.urls"
WSGI_APPLICATION = "burden.wsgi.application"

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
                "burden.context_processors.service",
            ],
        },
    },
]
FORM_RENDERER = "burden.govuk_forms.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
# A request's writes commit together or not at all.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# A persistent connection that the database dropped (restart, idle timeout, a terminated
# backend) is noticed and replaced before a request or task uses it, instead of failing it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several people at once (issue #13: 3 of 4 simultaneous
    # sign-ins answered 500 "database is locked"). WAL lets readers go on beside one writer;
    # every transaction (a request is one, ATOMIC_REQUESTS) takes the write lock when it begins
    # (IMMEDIATE), so a reader never has to upgrade to a writer mid-way, which SQLite refuses at
    # once instead of waiting; and a transaction waits up to 20 seconds (the busy timeout) for
    # the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: our queries run for milliseconds to a few seconds, where compiling
    # costs more than it saves (1.9 s of the England events export's 3.7 s, issue #14).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Sign-in --------------------------------------------------------------------------------------
# django-axes counts failed sign-ins per user name and address, and after AXES_FAILURE_LIMIT in a
# row refuses that pair (even with the right password) for AXES_COOLOFF_MINUTES, with a page
# saying so (HTTP 429). A success resets the count. Locked pairs are listed, and can be released,
# in the admin ("Access attempts").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
# The pair, not the address alone: a council's staff share one office address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Who the client is (burden/client_address.py, the one home): PROXY_COUNT trusted proxies in front
# of the app each append to X-Forwarded-For, so the client is the PROXY_COUNT-th entry from the
# right; 0 ignores the header and counts the connection's address. django-axes asks that function
# (not django-ipware, not installed, whose proxy count means something else), and so do the
# password-reset limit and the API's throttle, through django-axes' helper.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"PROXY_COUNT must be 0 or more, not {PROXY_COUNT}")
AXES_CLIENT_IP_CALLABLE = "burden.client_address.client_address"
# Password reset: at most this many requests for a reset link an hour from one client address, and
# for one e-mail address (with or without an account); past them the form answers 429 and sends
# nothing (burden/password_reset.py, django-ratelimit). The address is a council office's, shared
# by its staff, hence more than the e-mail's allowance, which is what protects a mailbox.
PASSWORD_RESET_LIMIT_PER_IP = 10
PASSWORD_RESET_LIMIT_PER_EMAIL = 3
# The client address is the one django-axes counts sign-ins by, so one setting rules both.
RATELIMIT_IP_META_KEY = "axes.helpers.get_client_ip_address"
RATELIMIT_USE_CACHE = "default"
# With the cache unreachable (Redis down: django-redis's IGNORE_EXCEPTIONS answers None),
# django-ratelimit would refuse every request; a reset form must keep working, so it lets them
# through, unthrottled, until the cache is back.
RATELIMIT_FAIL_OPEN = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve static files from the app itself in every mode (no CDN, no separate web server needed).
WHITENOISE_USE_FINDERS = DEBUG

# --- Celery -------------------------------------------------------------------------------------
# No broker configured: tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or "cache+memory://")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Time limits: a task still running after the soft limit is asked to stop, after the hard limit
# it is killed. The longest task is a 50,000-row import.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 10 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 9 * 60)
# With Redis as the broker, a task taken by a worker that then dies outright (acks_late) is
# handed out again once this many seconds have passed since it was taken. It must be longer
# than the hard time limit, or a task still running would be handed to a second worker; by
# default it is one minute longer. (A pool process killed under a living worker is handed back
# at once; work recorded in the outbox is also sent again by the drain, see below.)
TASK_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASK_VISIBILITY_TIMEOUT,
    # A broker that is down must not hold a web request: fail fast, the outbox sends it later.
    "socket_connect_timeout": 2,
    "socket_keepalive": True,
    "health_check_interval": 25,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# Workers and beat keep trying to reach a broker that went away, for ever.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_TIMEZONE = TIME_ZONE
# The outbox (inspections.outbox): work recorded after a write is sent again by the drain this
# many seconds after it was last sent, if it has not run by then (doubled each time, up to an
# hour).
OUTBOX_RESEND_AFTER = env_int("OUTBOX_RESEND_AFTER", 120)
# Every periodic job, in one place:
CELERY_BEAT_SCHEDULE = {
    # Every minute, send again the work that writes recorded in the outbox but that has not
    # run (its first send failed, or its worker died), and resume stuck import jobs.
    "drain-outbox": {
        "task": "inspections.tasks.drain_outbox",
        "schedule": env_int("OUTBOX_DRAIN_SECONDS", 60),
    },
    # Re-check every council's clusters at 02:30 each night, after the day's edits, so that a
    # rule changed in the admin or an event changed outside the app is reflected by the morning.
    "nightly-cluster-sweep": {
        "task": "inspections.tasks.sweep_all_councils",
        "schedule": crontab(
            hour=env_int("CLUSTER_SWEEP_HOUR", 2), minute=env_int("CLUSTER_SWEEP_MINUTE", 30)
        ),
    },
    # Recompute every council's forecast at 03:15, after the sweep: windows move with the date
    # (one overdue today, a clash nearer), and new likely clashes alert once.
    "nightly-forecast": {
        "task": "inspections.tasks.forecast_all_task",
        "schedule": crontab(
            hour=env_int("FORECAST_HOUR", 3), minute=env_int("FORECAST_MINUTE", 15)
        ),
    },
}

# --- Cache --------------------------------------------------------------------------------------
# Dashboards cache their figures in Redis when one is configured, else in local memory. A cache
# that cannot be reached is logged and treated as empty (django-redis's IGNORE_EXCEPTIONS):
# pages are computed from the database and saves stand, with Redis up or down.
CACHE_URL = env_str("CACHE_URL", CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "burden"),
            "TIMEOUT": 60 * 60,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "burden.cache"
    # Sessions read from Redis, written through to the database: one query less on every page.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # django-ratelimit refuses a local-memory cache (E003, W001) because it is not shared between
    # processes: each process counts the password-reset requests it serves on its own, so with
    # several processes (gunicorn's workers) a client gets up to that many times the allowance.
    # The embedded default serves from one process, where the counts are exact; production
    # names Redis (CACHE_URL or a Redis broker), where the checks stay on.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
# After a write, England's and the regions' dashboards may show figures drawn up to this many
# seconds before it (they say when they were drawn), so that a save somewhere in England does not
# make every visitor draw them again (inspections.dashboard_cache). 0: drawn again at once, the
# default without Redis (the embedded default serves one person, not a consultation deadline).
# Each view's drawings are staggered over the first half of a window and drawn by a worker, so a
# change shows within two windows (inspections.dashboard_cache.Staggered).
DASHBOARD_REFRESH_SECONDS = env_int("DASHBOARD_REFRESH_SECONDS", 60 if CACHE_URL else 0)

# --- Audit history (django-simple-history) -------------------------------------------------------
# The admin shows each object's history; reverting from it is off, because it would save past
# the services (no version check, no cluster re-check). Deleted events are restored from the
# admin's "Deleted events" page instead (inspections.services.audit).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- CSV imports --------------------------------------------------------------------------------
# Bounds on one uploaded file; a file with more rows than IMPORT_BACKGROUND_ROWS is checked and
# saved by a Celery task while its page shows the progress.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 2_000)

# --- API ----------------------------------------------------------------------------------------
# Django REST framework under /api/v1/ (inspections/api/). Each token (and each signed-in browser
# session) may make API_RATE requests; anonymous callers get nothing but 401s. Rates are DRF's
# "number/period" (second, minute, hour or day); counts live in the cache above.
API_RATE = env_str("API_RATE", "3000/hour")
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 100)
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 1000)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "inspections.api.pagination.Pagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "DEFAULT_THROTTLE_CLASSES": ["inspections.api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_RATE},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "inspections.api.errors.exception_handler",
    "DATE_INPUT_FORMATS": ["iso-8601"],
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Inspection Burden Tracker API",
    "DESCRIPTION": (
        "Inspection events of English councils' children's services, the staff time they cost, "
        "clusters of inspections that fall too close together, and burden summaries. "
        "Authenticate with `Authorization: Token <key>` (tokens are made on the account page)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "inspections.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CouncilKindEnum": "councils.models.Council.Kind",
        "ImportKindEnum": "inspections.models.ImportJob.Kind",
    },
    # Swagger UI from the app itself (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- E-mail -------------------------------------------------------------------------------------
# With DEBUG on, e-mails are printed (console); with it off they are written to files in
# EMAIL_FILE_PATH until an SMTP server is configured. The console backend is refused with DEBUG
# off: it would print password-reset links, which sign in as their user, into the server log.
_CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", _CONSOLE_EMAIL if DEBUG else "django.core.mail.backends.filebased.EmailBackend"
)
if not DEBUG and EMAIL_BACKEND == _CONSOLE_EMAIL:
    raise ImproperlyConfigured(
        "EMAIL_BACKEND must not be the console backend when DEBUG is off: it writes password "
        "reset links into the log. Use django.core.mail.backends.smtp.EmailBackend."
    )
# Who runs this copy of the service and how people reach them: named on the contact, privacy,
# cookies and accessibility pages (a UK public-sector service must publish them). Empty: the pages
# say the operator has not set them and send people to the administrator who gave them access.
SERVICE_OPERATOR = env_str("SERVICE_OPERATOR")
CONTACT_EMAIL = env_str("CONTACT_EMAIL")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Where the file-based backend (django.core.mail.backends.filebased.EmailBackend) writes e-mails.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "inspection-burden@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- HTTPS and browser protections ---------------------------------------------------------------
# In production (DEBUG off) the site is served over HTTPS: secure-only cookies, a redirect from
# http, and HSTS for a year. SECURE_COOKIES=false turns the three off together for plain HTTP on
# one machine (scripts/serve-prod); behind a TLS proxy set SECURE_PROXY_SSL_HEADER=true.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    _HTTPS = env_bool("SECURE_COOKIES", True)
    SESSION_COOKIE_SECURE = _HTTPS
    CSRF_COOKIE_SECURE = _HTTPS
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
    # The health check is asked for over plain HTTP from inside the host or container.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if _HTTPS else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content security policy (django-csp): scripts, styles, images and fonts from this site only, no
# inline script or style, no plugins, not framed. Charts are inline SVG without style attributes;
# the PNG download draws into a canvas (blob: and data: images).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # One style attribute allowed by its hash, none other: django-simple-history's admin
        # history page writes <p class="paginator" style="border-top: 0">
        # (tests/browser/test_admin_csp.py opens every admin page with this policy in force).
        "style-src-attr": [
            "'unsafe-hashes'",
            "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
        ],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
