"""What the health endpoint checks: the database, Redis (the broker), the object store
(default_storage: a real write, read and delete) and a Celery worker (a ping a live worker
answers). Each answers ok, error (with the kind of error only: nothing secret) or skipped
(not part of this installation, e.g. Redis under `make run`)."""

import time
import uuid

from botocore.config import Config
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

OK, ERROR, SKIPPED = "ok", "error", "skipped"


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_redis() -> dict:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return {"status": SKIPPED}
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return {}


# Seconds the storage probe waits to connect to the object store and for each answer, one
# attempt: the files' own timeouts (config/storage.py: 60 s a read, 3 attempts) would hold
# /health/ for minutes on a store that accepts connections and never answers.
STORAGE_PROBE_TIMEOUT = 2


def probe_storage():
    """default_storage as it is configured, but on the object store with the probe's timeouts."""
    from storages.backends.s3 import S3Storage

    if not isinstance(default_storage, S3Storage):
        return default_storage
    options = settings.STORAGES["default"].get("OPTIONS", {})
    quick = Config(
        connect_timeout=STORAGE_PROBE_TIMEOUT,
        read_timeout=STORAGE_PROBE_TIMEOUT,
        retries={"max_attempts": 1, "mode": "standard"},
    )
    config = options["client_config"].merge(quick) if options.get("client_config") else quick
    return S3Storage(**{**options, "client_config": config})


def check_storage() -> dict:
    storage = probe_storage()
    name = storage.save(f"health/probe-{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with storage.open(name, "rb") as probe:
            if probe.read() != b"ok":
                raise OSError("the probe read back differs")
    finally:
        storage.delete(name)
    return {}


def check_worker() -> dict:
    from config.celery import app

    if app.conf.task_always_eager:
        return {"status": SKIPPED}
    replies = app.control.ping(timeout=settings.HEALTH_WORKER_TIMEOUT)
    if not replies:
        raise RuntimeError("no worker answered")
    return {"workers": len(replies)}


CHECKS = {
    "database": check_database,
    "redis": check_redis,
    "storage": check_storage,
    "worker": check_worker,
}


def run_checks() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            result = {"status": OK, **check()}
        except Exception as exc:  # a health check reports every failure, whatever it is
            result = {"status": ERROR, "error": type(exc).__name__}
        result["ms"] = round((time.monotonic() - started) * 1000, 1)
        results[name] = result
    healthy = all(result["status"] != ERROR for result in results.values())
    return healthy, results
