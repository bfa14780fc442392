"""The services the real-process tests need on loopback: skipped on a machine without them,
a failure in CI (which always has them)."""

from __future__ import annotations

import os
import socket

import pytest

REDIS = ("127.0.0.1", 6379)


def redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


def require_redis() -> None:
    """Skip the test without Redis on 127.0.0.1:6379; in CI its absence is a failure."""
    if not redis_up():
        if os.environ.get("CI"):
            pytest.fail("Redis is expected on 127.0.0.1:6379 in CI")
        pytest.skip("no Redis on 127.0.0.1:6379")
