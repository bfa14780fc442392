"""Settings of the bench's own processes (this one, gunicorn, the Celery worker): the local
settings with DEBUG off, the bench's database and broker from the environment, and the bench's
trivial page added (the worker loads the plain Celery task with ``--include bench.tasks``)."""

from config.settings.local import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# The reminders' exactly-once check kills a worker; its claims go back after this lease.
MAIL_SEND_LEASE_SECONDS = 5
