"""Celery tasks of the reminders app: thin, each calls one service. The emails themselves go
through the outbox's tasks (core/mail.py)."""

from celery import shared_task

from .services import reminders_scan


@shared_task(name="reminders.scan")
def scan() -> dict:

    return reminders_scan()
