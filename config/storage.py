"""Where files (exports, imports, the health probe) are kept: Django's default storage, from the
environment. One function builds it for production, for `make run` and for the tests' own S3
server (tests/support/s3.py), so the tests exercise the production configuration.

``FILE_STORAGE=s3`` (production's default): django-storages' S3Storage on the S3-compatible
object store every node shares (MinIO or Ceph RGW on the bureau's intranet). Every
``STORAGE_S3_*`` it needs must be set: a missing one stops the process at start-up, it never
falls back to the local disk (a file a worker wrote there would be missing on the other node).

``FILE_STORAGE=filesystem``: the local folder ``MEDIA_ROOT`` (``$BUDGET_VAR_DIR/media``), for
`make run` (its default) and a single-node installation that says so explicitly.

Objects are private (no ACL is sent: the bucket owner's alone). Nothing links to the store:
downloads are streamed through the application after the access check
(``disclosure/views.py``), so a user never needs to reach the object store.
"""

import os
from collections.abc import Mapping

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from config.env import ImproperlyConfiguredEnv, env_str

FILE_STORAGES = ("s3", "filesystem")
# What a storage call raises when the store does not answer or refuses (the disk's OSError, the
# object store's connection and protocol errors): the one list every caller catches.
STORE_ERRORS = (OSError, BotoCoreError, ClientError)


class FileStoreUnavailable(Exception):
    """A job could not reach its file; the job has been put back and says so."""


S3_REQUIRED = (
    "STORAGE_S3_ENDPOINT_URL",
    "STORAGE_S3_BUCKET",
    "STORAGE_S3_ACCESS_KEY",
    "STORAGE_S3_SECRET_KEY",
)
ADDRESSING_STYLES = ("path", "virtual", "auto")
MB = 1024 * 1024


def s3_storage_options(environ: Mapping[str, str] = os.environ) -> dict:
    """S3Storage's OPTIONS from the ``STORAGE_S3_*`` variables of ``environ``."""
    missing = [name for name in S3_REQUIRED if not environ.get(name, "").strip()]
    if missing:
        raise ImproperlyConfiguredEnv(
            f"FILE_STORAGE=s3 needs {', '.join(missing)} (the object store, docs/deploy.md §1); "
            "a single-node installation may set FILE_STORAGE=filesystem instead."
        )
    addressing = env_str("STORAGE_S3_ADDRESSING_STYLE", "path", environ)
    if addressing not in ADDRESSING_STYLES:
        raise ImproperlyConfiguredEnv(
            f"STORAGE_S3_ADDRESSING_STYLE={addressing!r} is not one of {', '.join(ADDRESSING_STYLES)}"
        )
    return {
        "endpoint_url": environ["STORAGE_S3_ENDPOINT_URL"].strip(),
        "bucket_name": environ["STORAGE_S3_BUCKET"].strip(),
        "access_key": environ["STORAGE_S3_ACCESS_KEY"],
        "secret_key": environ["STORAGE_S3_SECRET_KEY"],
        # MinIO's and Ceph's default region; the signature needs one, the store ignores it.
        "region_name": env_str("STORAGE_S3_REGION", "us-east-1", environ),
        # An internal CA's bundle for an https:// endpoint; empty: the system's.
        "verify": env_str("STORAGE_S3_CA_BUNDLE", "", environ) or None,
        "default_acl": None,  # private: never public-read
        # Nothing here hands out URLs (downloads are streamed); were one ever asked for, it
        # would be signed and short-lived.
        "querystring_auth": True,
        "querystring_expire": 300,
        # As on the filesystem: a second file of the same name gets a new name, never
        # replaces the first (two exports of the same scope in one year).
        "file_overwrite": False,
        # A file read (an import, a download) is buffered in memory up to this, then on disk.
        "max_memory_size": 16 * MB,
        "client_config": Config(
            # Path-style (http://minio:9000/bucket/key): no wildcard DNS for bucket names on the
            # intranet.
            s3={"addressing_style": addressing},
            signature_version="s3v4",
            # Checksums only where S3 requires them: older MinIO and Ceph RGW refuse the
            # CRC32 trailers newer boto3 sends by default.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            connect_timeout=5,
            read_timeout=60,
            # A store that is down fails a request (and /health/) within seconds.
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    }


def default_storage_settings(environ: Mapping[str, str] = os.environ, default: str = "s3") -> dict:
    """STORAGES["default"] for ``FILE_STORAGE`` (``default`` when unset)."""
    kind = env_str("FILE_STORAGE", default, environ).strip().lower()
    if kind == "s3":
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_storage_options(environ)}
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    raise ImproperlyConfiguredEnv(f"FILE_STORAGE={kind!r} is not one of {', '.join(FILE_STORAGES)}")
