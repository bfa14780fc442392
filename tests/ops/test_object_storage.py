"""The object store as production configures it (config/storage.py): the health endpoint's
storage check against a real S3 server (moto's, on loopback: tests/support/s3.py), up and then
stopped; production settings that refuse to start without the store's variables; and a
production-configured process in its own right keeping its files in the bucket."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.storage import default_storage_settings
from tests.support.s3 import S3Bucket, create_bucket, moto_s3_server

ROOT = Path(__file__).resolve().parents[2]


def _health(client):
    response = client.get("/health/")
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
def test_the_storage_check_writes_reads_and_deletes_an_object(client, s3_storage):
    status, body = _health(client)
    assert status == 200, body
    assert body["checks"]["storage"]["status"] == "ok"
    assert s3_storage.keys() == []  # the probe object is removed


@pytest.mark.django_db
def test_the_object_store_stopped_is_an_error(client, settings):
    with moto_s3_server() as endpoint_url:
        bucket = S3Bucket(endpoint_url, "budget-health")
        create_bucket(endpoint_url, bucket.name)
        settings.STORAGES = {**settings.STORAGES, "default": default_storage_settings(bucket.environ)}
        status, body = _health(client)
        assert status == 200 and body["checks"]["storage"]["status"] == "ok"
    # The server is stopped: nothing listens on its port any more.
    status, body = _health(client)
    assert status == 503 and body["status"] == "error"
    assert body["checks"]["storage"]["status"] == "error"
    assert body["checks"]["storage"]["error"] == "EndpointConnectionError"
    assert body["checks"]["storage"]["ms"] < 15_000  # a few retries, not a hang
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_a_missing_bucket_is_an_error(client, settings, s3_server):
    environ = S3Bucket(s3_server, "budget-never-created").environ
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_settings(environ)}
    status, body = _health(client)
    assert status == 503
    assert body["checks"]["storage"] == {
        **body["checks"]["storage"],
        "status": "error",
        "error": "NoSuchBucket",
    }


# --- production settings, in processes of their own ------------------------------------------

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-long-enough-secret-for-the-object-store-test-only-0123456789",
    "ALLOWED_HOSTS": "budget.example",
    "DATABASE_URL": "postgres://budget:pw@db.example:5432/budget",
    "CELERY_BROKER_URL": "redis://redis.example:6379/0",
}
STORE_ENV = {
    "STORAGE_S3_ENDPOINT_URL": "http://minio.example:9000",
    "STORAGE_S3_BUCKET": "budget",
    "STORAGE_S3_ACCESS_KEY": "budget-access",
    "STORAGE_S3_SECRET_KEY": "budget-secret",
}
PRINT_STORAGE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
options = settings.STORAGES["default"].get("OPTIONS", {})
print(json.dumps({
  "backend": settings.STORAGES["default"]["BACKEND"],
  "class": type(storages["default"]).__name__,
  "endpoint": options.get("endpoint_url"), "bucket": options.get("bucket_name"),
  "acl": options.get("default_acl", "unset"), "overwrite": options.get("file_overwrite"),
  "addressing": options["client_config"].s3["addressing_style"] if options else None,
  "region": options.get("region_name"), "media_root": str(settings.MEDIA_ROOT),
}))
"""


def _production(tmp_path, script: str, **extra) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "DATABASE_", "STORAGE_", "FILE_STORAGE", "MEDIA_"))
    }
    env.update(PRODUCTION_ENV, BUDGET_VAR_DIR=str(tmp_path / "var"), **extra)
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_keeps_files_on_the_object_store_by_default(tmp_path):
    result = _production(tmp_path, PRINT_STORAGE, **STORE_ENV)
    assert result.returncode == 0, result.stderr[-3000:]
    values = json.loads(result.stdout)
    assert values == {
        **values,
        "backend": "storages.backends.s3.S3Storage",
        "class": "S3Storage",
        "endpoint": "http://minio.example:9000",
        "bucket": "budget",
        "acl": None,  # private objects
        "overwrite": False,
        "addressing": "path",  # MinIO without wildcard DNS
        "region": "us-east-1",
    }
    virtual = _production(tmp_path, PRINT_STORAGE, **STORE_ENV, STORAGE_S3_ADDRESSING_STYLE="virtual")
    assert json.loads(virtual.stdout)["addressing"] == "virtual"


@pytest.mark.parametrize("missing", sorted(STORE_ENV))
def test_production_without_a_store_variable_refuses_to_start(tmp_path, missing):
    store = {key: value for key, value in STORE_ENV.items() if key != missing}
    result = _production(tmp_path, PRINT_STORAGE, **store)
    assert result.returncode != 0
    assert f"FILE_STORAGE=s3 needs {missing}" in result.stderr
    assert not (tmp_path / "var" / "media").exists()  # no silent fallback to the local disk


def test_a_worker_without_the_bucket_refuses_with_the_reason(tmp_path):
    store = {key: value for key, value in STORE_ENV.items() if key != "STORAGE_S3_BUCKET"}
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "DATABASE_", "STORAGE_", "FILE_STORAGE"))
    }
    env.update(PRODUCTION_ENV, **store, BUDGET_VAR_DIR=str(tmp_path / "var"))
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Celery worker refuses to start: FILE_STORAGE=s3 needs STORAGE_S3_BUCKET" in result.stderr


def test_production_refuses_an_unknown_file_storage(tmp_path):
    result = _production(tmp_path, PRINT_STORAGE, **STORE_ENV, FILE_STORAGE="nfs")
    assert result.returncode != 0
    assert "FILE_STORAGE='nfs' is not one of s3, filesystem" in result.stderr


def test_a_single_node_may_say_filesystem(tmp_path):
    result = _production(
        tmp_path, PRINT_STORAGE, FILE_STORAGE="filesystem", MEDIA_ROOT=str(tmp_path / "files")
    )
    assert result.returncode == 0, result.stderr[-3000:]
    values = json.loads(result.stdout)
    assert values["backend"] == "django.core.files.storage.FileSystemStorage"
    assert values["media_root"] == str(tmp_path / "files")


HEALTH_SCRIPT = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/health/")
print(json.dumps({"code": response.status_code, **json.loads(response.content)}))
"""


def test_a_production_process_keeps_its_health_probe_in_the_bucket(tmp_path, s3_server):
    """A process of its own, on production settings and the bucket's environment only."""
    bucket = S3Bucket(s3_server, "budget-production-node")
    create_bucket(s3_server, bucket.name)
    result = _production(
        tmp_path,
        HEALTH_SCRIPT,
        **bucket.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'node.sqlite3'}",
        CELERY_BROKER_URL="memory://",  # no Redis to check; the worker check fails, as it should
        HEALTH_WORKER_TIMEOUT="0.2",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["checks"]["storage"]["status"] == "ok", answer
    assert bucket.keys() == []
    assert not (tmp_path / "var" / "media").exists()
