"""A real S3-compatible server on loopback for the tests: moto's standalone server (moto[s3] and
Flask, from requirements-dev.txt) in a process of its own, spoken to over HTTP by boto3 and
django-storages exactly as production speaks to MinIO. No client is mocked.

In a test (the fixtures ``s3_server`` and ``s3_storage`` of tests/conftest.py do this)::

    with moto_s3_server() as endpoint_url:          # http://127.0.0.1:PORT; stopped on leaving
        create_bucket(endpoint_url, "budget-files")
        environ = s3_environ(endpoint_url, "budget-files")  # FILE_STORAGE=s3 and STORAGE_S3_*
        # another process: subprocess.run(..., env={**os.environ, **environ})
        # this one: STORAGES["default"] = config.storage.default_storage_settings(environ)

Leaving the ``with`` block stops the server (a test of the store going away does just that).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3

from config.storage import s3_storage_options

ACCESS_KEY = "budget-test-access"
SECRET_KEY = "budget-test-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(endpoint_url: str) -> bool:
    # No proxy from the environment: the server is on loopback.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(endpoint_url + "/", timeout=1).close()
    except urllib.error.HTTPError:
        return True  # an S3 error document is an answer
    except OSError:
        return False
    return True


@contextmanager
def moto_s3_server(startup_timeout: float = 30.0) -> Iterator[str]:
    """Start moto's S3 server on 127.0.0.1 and a free port, wait until it answers, yield its
    endpoint URL, stop it. Its log goes to a temporary file, shown if it fails to start."""
    with tempfile.TemporaryFile() as log:
        process, endpoint_url = _start(log, startup_timeout)
        try:
            yield endpoint_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _start(log, startup_timeout: float) -> tuple[subprocess.Popen, str]:
    for _attempt in range(3):  # another process may take the free port before the server does
        log.seek(0)
        log.truncate()
        endpoint_url = f"http://127.0.0.1:{_free_port()}"
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", endpoint_url.rsplit(":", 1)[1]],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + startup_timeout
        while process.poll() is None and not _answers(endpoint_url):
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                break
            time.sleep(0.1)
        if process.poll() is None:
            return process, endpoint_url
    log.seek(0)
    raise RuntimeError(f"moto's S3 server did not start: {log.read().decode(errors='replace')[-3000:]}")


def s3_environ(endpoint_url: str, bucket: str) -> dict[str, str]:
    """The environment a process of the application needs to keep its files in ``bucket``."""
    return {
        "FILE_STORAGE": "s3",
        "STORAGE_S3_ENDPOINT_URL": endpoint_url,
        "STORAGE_S3_BUCKET": bucket,
        "STORAGE_S3_ACCESS_KEY": ACCESS_KEY,
        "STORAGE_S3_SECRET_KEY": SECRET_KEY,
    }


def s3_client(endpoint_url: str):
    """A boto3 client configured as the application's storage is (config/storage.py)."""
    options = s3_storage_options(s3_environ(endpoint_url, "unused"))
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=options["region_name"],
        config=options["client_config"],
    )


def create_bucket(endpoint_url: str, bucket: str) -> None:
    """The application never creates its bucket (the operator does, docs/deploy.md)."""
    s3_client(endpoint_url).create_bucket(Bucket=bucket)


@dataclass(frozen=True)
class S3Bucket:
    """A bucket on the test server, as the ``s3_storage`` fixture hands it to a test."""

    endpoint_url: str
    name: str

    @property
    def environ(self) -> dict[str, str]:
        return s3_environ(self.endpoint_url, self.name)

    @property
    def client(self):
        return s3_client(self.endpoint_url)

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", ()))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()
