"""Celery finds the base's tasks here; they live beside the outbox they drive (core/mail.py)."""

from .mail import send_batch, send_digests, sweep_outbox

__all__ = ["send_batch", "send_digests", "sweep_outbox"]
