"""Handing work to Celery so that a broker outage never fails the request that asked for it."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """Queue ``task`` now; with the broker out the work stays recorded as pending (an outbox
    message, a queued job) and the periodic sweep queues it again once the broker is back."""
    try:
        task.delay(*args)
    except Exception as exc:  # kombu's OperationalError and the socket errors under it
        logger.warning("broker unavailable, %s%r left for the sweep: %s", task.name, args, exc)
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    transaction.on_commit(lambda: enqueue(task, *args))
