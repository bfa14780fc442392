"""Appending to the audit log and verifying it. Each entry's hash is SHA-256 over the previous
entry's hash and the entry's own fields (canonical JSON), so that changing, inserting or
removing an entry in the middle breaks every hash after it; `verify_audit_chain` recomputes
them. Every entry is also written to the JSON log (logger ``budget.audit``) with its hash, so
the log collector holds a second copy that a database administrator cannot rewrite."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEntry, AuditKind

GENESIS = "0" * 64
# PostgreSQL advisory lock taken while appending: two web nodes never chain to the same entry.
_LOCK_KEY = 0x61756469  # "audi"
MIN_RETENTION_DAYS = 180
log = logging.getLogger("budget.audit")


def entry_hash(prev_hash: str, *, at, kind, username, user_id, ip, method, path, detail) -> str:
    payload = json.dumps(
        {
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "kind": kind,
            "username": username,
            "user_id": user_id,
            "ip": ip,
            "method": method,
            "path": path,
            "detail": detail,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def _fields(entry: AuditEntry) -> dict:
    return {
        "at": entry.at,
        "kind": entry.kind,
        "username": entry.username,
        "user_id": entry.user_id,
        "ip": entry.ip,
        "method": entry.method,
        "path": entry.path,
        "detail": entry.detail,
    }


def client_ip(request) -> str | None:
    if request is None:
        return None
    if settings.AUDIT_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None  # the address our proxy saw
    return request.META.get("REMOTE_ADDR") or None


def append(
    kind: str, *, request=None, user=None, username: str = "", detail: dict | None = None
) -> AuditEntry:
    if user is not None and user.is_authenticated:
        username, user_id = user.get_username(), user.pk
    else:
        user_id = None
    fields = {
        # Stored to the microsecond by both databases; hashed as stored.
        "at": timezone.now(),
        "kind": str(kind),
        "username": username[:150],
        "user_id": user_id,
        "ip": client_ip(request),
        "method": (request.method or "")[:8] if request is not None else "",
        "path": (request.path or "")[:500] if request is not None else "",
        "detail": detail or {},
    }
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        prev_hash = last or GENESIS
        entry = AuditEntry(prev_hash=prev_hash, hash=entry_hash(prev_hash, **fields), **fields)
        entry.save()
    log.info(
        "audit %s %s",
        entry.kind,
        entry.username,
        extra={"audit_id": entry.pk, "audit_kind": entry.kind, "audit_hash": entry.hash, "ip": entry.ip},
    )
    return entry


@dataclass
class Break:
    entry_id: int
    reason: str


def verify() -> tuple[int, list[Break]]:
    """Checks every entry, oldest first: its hash recomputed from its fields, and its link to
    the entry before it. The oldest entry left after a purge links to a purged one: it is the
    anchor. Returns the number of entries checked and the breaks found."""
    breaks: list[Break] = []
    previous: str | None = None
    count = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if previous is not None and entry.prev_hash != previous:
            breaks.append(Break(entry.pk, "does not link to the entry before it (one removed or inserted)"))
        if entry_hash(entry.prev_hash, **_fields(entry)) != entry.hash:
            breaks.append(Break(entry.pk, "its content does not match its hash (changed)"))
        previous = entry.hash
    return count, breaks


def retention_days() -> int:
    return max(settings.AUDIT_RETENTION_DAYS, MIN_RETENTION_DAYS)


def purge(days: int | None = None) -> int:
    """Deletes entries older than the retention (never fewer than 180 days), oldest first, and
    records the purge in the log itself (with the hash the remaining chain starts from)."""
    days = max(days or 0, retention_days())
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        old = AuditEntry.objects.filter(at__lt=cutoff)
        last_purged = old.order_by("-id").values_list("id", "hash").first()
        if last_purged is None:
            return 0
        # Only a prefix of the chain: the oldest entries, up to the last one older than the cutoff.
        doomed = AuditEntry.objects.filter(id__lte=last_purged[0])
        if doomed.filter(at__gte=cutoff).exists():
            raise RuntimeError("entries out of time order: nothing purged")
        count = doomed._raw_delete(doomed.db)
    append(
        AuditKind.PURGE,
        username="system",
        detail={
            "deleted": count,
            "older_than_days": days,
            "up_to_id": last_purged[0],
            "up_to_hash": last_purged[1],
        },
    )
    return count
