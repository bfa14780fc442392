"""A Celery worker or beat started without its settings refuses to start, with a message that
says what to set (it used to fall back silently to SQLite and the filesystem broker)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "a-long-enough-secret-for-the-refusal-test-only-0123456789",
    "ALLOWED_HOSTS": "budget.example",
    # The object store's (FILE_STORAGE=s3, production's default): nothing connects at start-up.
    "STORAGE_S3_ENDPOINT_URL": "http://minio.example:9000",
    "STORAGE_S3_BUCKET": "budget",
    "STORAGE_S3_ACCESS_KEY": "budget-access",
    "STORAGE_S3_SECRET_KEY": "budget-secret",
}


def _start(command: str, tmp_path, **env_vars) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_"))}
    env.pop("DATABASE_URL", None)
    env.update(BUDGET_VAR_DIR=str(tmp_path / "var"), **env_vars)
    return subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", command, "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", ["worker", "beat"])
def test_without_settings_it_refuses_to_start(command, tmp_path):
    result = _start(command, tmp_path)
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"Celery {command} refuses to start: DJANGO_SETTINGS_MODULE is not set." in result.stderr
    assert "config.settings.production" in result.stderr
    # It never got as far as creating the development broker folder or database.
    assert not (tmp_path / "var" / "broker").exists()
    assert not (tmp_path / "var" / "db.sqlite3").exists()


@pytest.mark.parametrize("command", ["worker", "beat"])
def test_production_settings_without_their_environment_refuse(command, tmp_path):
    result = _start(command, tmp_path, DJANGO_SETTINGS_MODULE="config.settings.production")
    assert result.returncode == 2
    assert "refuses to start: Environment variable" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_on_sqlite_refuse(tmp_path):
    result = _start(
        "worker",
        tmp_path,
        **PRODUCTION_ENV,
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/15",
    )
    assert result.returncode == 2
    assert "production settings with an SQLite database" in result.stderr


def test_production_settings_on_the_filesystem_broker_refuse(tmp_path):
    result = _start(
        "beat",
        tmp_path,
        **PRODUCTION_ENV,
        DATABASE_URL="postgres://budget@127.0.0.1:5432/budget",
        CELERY_BROKER_URL="filesystem://",
    )
    assert result.returncode == 2
    assert "production settings with the 'filesystem://' broker" in result.stderr
