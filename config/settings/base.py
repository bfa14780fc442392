"""Settings shared by every environment. Environment-specific modules import from here."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_str
from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("BUDGET_VAR_DIR", str(BASE_DIR / "var")))

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
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_celery_beat",
    "django_celery_results",
    "simple_history",
    "audit.apps.AxesConfig",  # django-axes, its name translated
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "audit",
    "budgets",
    "performance",
    "approvals",
    "disclosure",
    "reminders",
    "library",
    "ceilings",
    "demo",
]

MIDDLEWARE = [
    # First: a load balancer asks a node by its address, before host checks and HTTPS redirects.
    "core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "audit.middleware.PermissionDeniedAuditMiddleware",
    "audit.middleware.SecondFactorMiddleware",
    "audit.middleware.PasswordExpiryMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Every form field has an accessible name (core/forms.py).
FORM_RENDERER = "core.forms.AccessibleRenderer"

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
                "django.template.context_processors.i18n",
                "core.context_processors.membership",
            ],
        },
    },
]

# SQLite on a local file unless DATABASE_URL says otherwise (PostgreSQL in production and CI).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# 等保 2.0 level 3 (docs/security.md): length, three kinds of characters, not common, not like
# the username; expiry forces a change (PASSWORD_MAX_AGE_DAYS, 0 = never: `make run`).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "audit.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 0)

# Idle sessions end: the cookie lives SESSION_IDLE_MINUTES from the last request (every request
# renews it) and never outlives the browser.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login lockout (django-axes): AXES_FAILURE_LIMIT failures in a row lock the *username* (not the
# address: a branch's staff share one NAT address) for AXES_COOLOFF_MINUTES; a success resets.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# No start-up banner on every manage.py command and worker start: lockouts and failed logins are
# in our own audit log (audit/), which is what the administrators read.
AXES_VERBOSE = False
# axes.W006 asks for the address among the lockout parameters against attackers who rotate
# user agents or cookies: neither unlocks a username here, and the address would lock out a
# whole branch behind its one NAT address after five typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# A success resets the count only once the whole login is done: the password, and the code
# for a user who needs one (audit/signals.py, audit/views.py); so a guessed code counts even
# after the right password.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# The second factor (TOTP, django-otp) for HQ's bureau-wide roles and the administrators
# (core/roles.py SECOND_FACTOR_ROLES): enrolment at the first login, a code at every login.
OTP_REQUIRED = env_bool("OTP_REQUIRED", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "深圳社保预算")
OTP_TOTP_TOLERANCE = 1  # one 30-second step either side of the server's clock
# Wrong codes count toward django-axes' lockout of the account (AXES_FAILURE_LIMIT): no second,
# per-device back-off of django-otp's own on top.
OTP_TOTP_THROTTLE_FACTOR = 0

# `loaddemo` (demo accounts with a published password) refuses to run where this is False.
DEMO_DATA_ALLOWED = True

# The audit log (audit/): kept at least 180 days (purge_audit_log never deletes younger entries).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
AUDIT_TRUST_X_FORWARDED_FOR = False

# Content-Security-Policy (django-csp): scripts only from our static files, no inline script,
# no eval, nothing from another host. Inline style attributes are allowed (Bootstrap's
# components set some from their scripts; the pages still carry a few).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],  # ReDoc parses the schema in a worker
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first, English second (DOMAIN.md): msgids are English, zh_Hans is the translation.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# config/locale: the Django admin strings that Django's own zh_Hans catalogue lacks (its header).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "config" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# FILE_STORAGE=filesystem's folder (config/storage.py).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a bad token answers 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "budgets.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Budget cycle API",
    "DESCRIPTION": _("Budget preparation and performance management of the social-insurance bureau."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from our own static files: no CDN on the bureau's intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ProgressEnum": "performance.models.Progress",
        "LibraryStateEnum": "library.models.LibraryState",
        "ProjectKindEnum": "library.models.ProjectKind",
        "ConclusionEnum": "library.models.Conclusion",
    },
}

# Celery: the broker comes from CELERY_BROKER_URL. Without it, kombu's filesystem transport on
# a local folder: no server to install, messages survive a restart, several processes on one
# machine can share it (see README, "Why each dependency").
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
)
CELERY_TASK_IGNORE_RESULT = True
# Results in the database (django-celery-results): a task's result is kept only when it asks
# for it, but every failure is, so administrators see failed tasks in the admin.
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "django-db")
CELERY_TASK_STORE_ERRORS_EVEN_IF_IGNORED = True
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = None  # failures stay until an administrator deletes them
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# The cache keeps a settled cycle's consistency findings (budgets/consistency.py). CACHE_URL
# redis://… in production (shared by every web process, so a change seen by one is seen by all);
# otherwise each process's own memory. Short socket timeouts: an unreachable Redis costs a page
# half a second at most, and the page is then computed without the cache (never an error).
CACHE_URL = env_str("CACHE_URL", "")


def cache_settings(url: str) -> dict:
    if url.startswith(("redis://", "rediss://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "budget",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "budget"}


CACHES = {"default": cache_settings(CACHE_URL)}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "budget@sbj.sz.example")
# How long a worker may hold an outbox message it claimed before another may take it over.
MAIL_SEND_LEASE_SECONDS = env_int("MAIL_SEND_LEASE_SECONDS", 300)
# The address links in emails (reminders, finished exports) point to.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# The share of a unit's budget the reserve project (预算准备金) is expected to stay within.
BUDGET_RESERVE_SHARE_MIN = "0.02"
BUDGET_RESERVE_SHARE_MAX = "0.05"

# One line per record, JSON (production) or text (`make run`), each with the request id and
# the user (config/logging.py, core/middleware.py).
LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOG_LEVEL_DEFAULT = "INFO"
LOGGING = logging_config(env_str("LOG_LEVEL", LOG_LEVEL_DEFAULT), LOG_FORMAT)
# How long the health endpoint waits for a Celery worker to answer its ping (seconds).
HEALTH_WORKER_TIMEOUT = float(env_str("HEALTH_WORKER_TIMEOUT", "1.0"))

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "core.backends.RoleBackend"]

# History is an audit trail: nobody may revert an item to an old version from the admin, which
# would bypass the workflow and its locks.
SIMPLE_HISTORY_REVERT_DISABLED = True
