"""Production settings: database connections reused with health checks, JSON logs; and the
deployment check stays clean."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-long-enough-secret-for-the-settings-test-only-0123456789abcdef",
    "ALLOWED_HOSTS": "budget.example",
    "DATABASE_URL": "postgres://budget:pw@db.example:5432/budget",
    "CELERY_BROKER_URL": "redis://redis.example:6379/0",
    # The object store's (FILE_STORAGE=s3, production's default): nothing connects at start-up.
    "STORAGE_S3_ENDPOINT_URL": "http://minio.example:9000",
    "STORAGE_S3_BUCKET": "budget",
    "STORAGE_S3_ACCESS_KEY": "budget-access",
    "STORAGE_S3_SECRET_KEY": "budget-secret",
}

PRINT = """
import json, django
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
  "conn_max_age": db["CONN_MAX_AGE"], "health": db["CONN_HEALTH_CHECKS"],
  "connect_timeout": db["OPTIONS"].get("connect_timeout"),
  "broker": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
  "formatter": settings.LOGGING["formatters"]["default"]["()"],
  "results": settings.CELERY_RESULT_BACKEND,
  "store_errors": settings.CELERY_TASK_STORE_ERRORS_EVEN_IF_IGNORED,
}))
"""


def production_settings(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "DATABASE_"))
    }
    env.update(PRODUCTION_ENV, **extra)
    result = subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_reuses_connections_with_health_checks():
    values = production_settings()
    assert values["conn_max_age"] == 60
    assert values["health"] is True
    assert production_settings(DATABASE_CONN_MAX_AGE="300")["conn_max_age"] == 300


def test_production_never_waits_for_ever_on_a_service_that_does_not_answer():
    """A database or Redis that accepts connections and never answers fails within seconds
    (tests/ops/test_health_live.py shows it on /health/)."""
    values = production_settings()
    assert values["connect_timeout"] == 5
    assert values["broker"]["socket_timeout"] == values["broker"]["socket_connect_timeout"] == 3
    assert values["broker"]["visibility_timeout"] == 3600
    tuned = production_settings(DATABASE_CONNECT_TIMEOUT="10", CELERY_BROKER_SOCKET_TIMEOUT="7")
    assert tuned["connect_timeout"] == 10
    assert tuned["broker"]["socket_timeout"] == 7


def test_production_logs_json_and_keeps_failed_tasks():
    values = production_settings()
    assert values["formatter"] == "config.logging.JsonFormatter"
    assert values["results"] == "django-db"
    assert values["store_errors"] is True
