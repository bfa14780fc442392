"""Production: PostgreSQL and Redis from the environment, no defaults for secrets."""

from config.env import env_bool, env_int, env_list, env_str
from config.storage import default_storage_settings

from .base import *  # noqa: F403
from .base import DATABASES, LOG_LEVEL_DEFAULT, logging_config

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

_database_url = env_str("DATABASE_URL")  # required: no SQLite fallback in production
# Connections reused across requests (each web and worker process keeps one), checked before
# reuse: a database restarted in between costs one reconnect, not a failed request.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A server that accepts the connection and never answers (stuck, overloaded, a half-dead host)
# fails the connect within this many seconds (libpq's connect_timeout; none would wait for ever,
# holding the web process, and /health/ with it: tests/ops/test_health_live.py).
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")  # e.g. redis://127.0.0.1:6379/0
# A Redis that accepts connections and never answers (stuck, a half-dead host) fails a publish
# (a request that queues a task, the health ping) within seconds, not never: kombu waits for
# ever without a socket timeout. Above the worker's 1 s BRPOP, which it must not interrupt.
_broker_socket_timeout = env_int("CELERY_BROKER_SOCKET_TIMEOUT", 3)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "socket_timeout": _broker_socket_timeout,
    "socket_connect_timeout": _broker_socket_timeout,
}
# The findings cache on Redis: CACHE_URL, else the broker's Redis server when the broker is one.
CACHE_URL = env_str("CACHE_URL", CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")
CACHES = {"default": cache_settings(CACHE_URL)}  # noqa: F405

# Files on the object store every node shares (FILE_STORAGE=s3, the default: its STORAGE_S3_*
# are required), or on this node's disk when FILE_STORAGE=filesystem says so (config/storage.py).
STORAGES = {
    "default": default_storage_settings(default="s3"),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The bureau's hosts live on its intranet: the browsers' public HSTS preload list does not apply.
SILENCED_SYSTEM_CHECKS = ["axes.W006"] + ([] if SECURE_HSTS_PRELOAD else ["security.W021"])
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# JSON logs, one object a line, for the bureau's log collector.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = logging_config(env_str("LOG_LEVEL", LOG_LEVEL_DEFAULT), LOG_FORMAT)

# 等保 controls at their production values (docs/security.md).
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)
AUDIT_TRUST_X_FORWARDED_FOR = env_bool("AUDIT_TRUST_X_FORWARDED_FOR", True)  # behind our nginx
SESSION_COOKIE_HTTPONLY = True
DEMO_DATA_ALLOWED = False  # loaddemo refuses to run
