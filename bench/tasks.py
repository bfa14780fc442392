"""The plain alternative of the reminders' fan-out: a Celery task that sends the same messages
to the same SMTP server over one connection per batch, with no outbox and no claim."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection


@shared_task(name="bench.plain_send")
def plain_send(messages: list[list[str]]) -> int:
    emails = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to, subject, body in messages
    ]
    with get_connection(fail_silently=False) as connection:
        return connection.send_messages(emails)
