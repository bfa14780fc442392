"""Celery tasks of the reminders app: thin, each calls one service.

Late acknowledgement (settings): a batch whose worker dies is delivered again; the services make
that harmless (recorded rows are unique, each message is claimed before it is sent).
"""

from celery import shared_task


@shared_task(name="reminders.scan")
def scan() -> dict:
    from .services import reminders_scan

    return reminders_scan()


@shared_task(name="reminders.digest")
def digest() -> dict:
    from .services import digest_send

    return digest_send()


@shared_task(bind=True, name="reminders.send_batch")
def send_batch(self, message_ids: list[int]) -> int:
    from .services import messages_send

    return messages_send(message_ids=message_ids, token=self.request.id)
