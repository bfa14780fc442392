from smtplib import SMTPException

from celery import shared_task
from django.core.mail import send_mail


@shared_task(
    bind=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_kwargs={"max_retries": 6},
    acks_late=True,
)
def send_email(self, to: list[str], subject: str, body: str) -> int:
    """Deliver one already-rendered message: the worker needs no database to do it."""
    return send_mail(subject, body, None, to)
