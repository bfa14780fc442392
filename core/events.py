"""The one function that writes the event log, and the one that reads an item's events.

Transitions write their event through ``core.workflow.transition``; the few acts that move no
state (targets saved, a spending import, a monitoring round opened) call :func:`record`.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from .models import Event, EventType


def record(*, subject, event_type: EventType, actor, unit_id: int | None = None, from_state: str = "", to_state: str = "",
           comment: str = "", data: dict | None = None):  # fmt: skip
    """Append one event about ``subject``."""
    return Event.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        unit_id=unit_id,
        actor=actor,
        type=event_type,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
    )


def events_of(subject):
    """The events about ``subject``, newest first."""
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("actor")
