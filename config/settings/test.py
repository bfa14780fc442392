"""pytest settings. DATABASE_URL selects PostgreSQL in CI; SQLite in memory otherwise."""

from .base import *  # noqa: F403
from .base import STATIC_ROOT

DEBUG = False
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}

STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Tasks queued on commit run at once in unit tests (emails land in the locmem outbox); the real
# worker is exercised by tests/test_celery_worker.py and tests/approvals/test_email_delivery.py.
CELERY_TASK_ALWAYS_EAGER = True
SITE_URL = "http://testserver"
# The test client's login() authenticates without a request, which django-axes refuses; the
# lockout tests (tests/ops/test_security.py) switch it on.
AXES_ENABLED = False
# The second factor is off for the suite (its force_login and form logins are one step); the
# tests of the second factor (tests/ops/test_second_factor.py) switch it on.
OTP_REQUIRED = False
