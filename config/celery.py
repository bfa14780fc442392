"""The Celery app. A worker or beat must be told its settings: it never falls back to the
development defaults (SQLite, the filesystem broker) on a server."""

import os
import sys

from celery import Celery

# Imported by Django itself (manage.py, wsgi.py), DJANGO_SETTINGS_MODULE is already set. Started
# by the `celery` command without it, the process is a worker or beat: check_worker_settings
# refuses to start it, with the message below.
_EXPLICIT_SETTINGS = os.environ.get("DJANGO_SETTINGS_MODULE")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("budgetcycle")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

PRODUCTION_SETTINGS = "config.settings.production"
HOW_TO = (
    "Set DJANGO_SETTINGS_MODULE=config.settings.production with DATABASE_URL (PostgreSQL), "
    "CELERY_BROKER_URL (Redis) and SECRET_KEY, as docs/deploy.md says; for development on one "
    "machine, DJANGO_SETTINGS_MODULE=config.settings.local (make worker, make beat, make run)."
)


def settings_problem(explicit: str | None = None) -> str | None:
    """Why this worker or beat must not start, or None. Production settings must point at a
    server database and a network broker; any settings module must be named explicitly."""
    if explicit is None:
        return "DJANGO_SETTINGS_MODULE is not set."
    from config.env import ImproperlyConfiguredEnv

    try:
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        broker = settings.CELERY_BROKER_URL
    except ImproperlyConfiguredEnv as exc:
        return f"{exc} ({explicit})."
    if explicit == PRODUCTION_SETTINGS:
        if "sqlite" in engine:
            return "production settings with an SQLite database (DATABASE_URL must name PostgreSQL)."
        if broker.split(":", 1)[0] in {"filesystem", "memory", ""}:
            return f"production settings with the {broker!r} broker (CELERY_BROKER_URL must name Redis)."
    return None


def celery_command(argv: list[str]) -> str | None:
    """'worker' or 'beat' when this process is `celery … worker|beat`, else None."""
    program = os.path.basename(argv[0]) if argv else ""
    if program not in {"celery", "__main__.py"}:
        return None
    return next((word for word in argv[1:] if word in {"worker", "beat"}), None)


def refuse_unless_configured(kind: str) -> None:
    problem = settings_problem(_EXPLICIT_SETTINGS)
    if problem:
        sys.stderr.write(f"Celery {kind} refuses to start: {problem}\n{HOW_TO}\n")
        sys.stderr.flush()
        raise SystemExit(2)


if _kind := celery_command(sys.argv):
    refuse_unless_configured(_kind)


@app.task(name="budgetcycle.ping", ignore_result=False)
def ping() -> str:
    """Answers 'pong': lets a deployment (and the tests) see that a worker takes tasks."""
    return "pong"
