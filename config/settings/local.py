"""Development on one machine: `make run`. SQLite and the filesystem broker by default."""

from config.env import env_bool, env_list, env_str
from config.storage import default_storage_settings

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = env_bool("DEBUG", True)
# The demo on embedded defaults is for looking around: no second factor unless asked for
# (production asks it of HQ and the administrators; README "Decisions").
OTP_REQUIRED = env_bool("OTP_REQUIRED", False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-local-development-key-only-for-make-run")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# var/media unless FILE_STORAGE=s3 names an object store (a local MinIO, say).
STORAGES = {
    "default": default_storage_settings(default="filesystem"),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

for sub in ("broker/queue", "broker/control", "media", "static"):
    (VAR_DIR / sub).mkdir(parents=True, exist_ok=True)
