"""An item's story: its events (the one event log), the comments of the latest return, what
changed since HQ last saw it, and every saved change of its fields (django-simple-history)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core import events
from core.models import Event, EventComment, EventType

from .models import Project, ProjectSubItem
from .snapshots import diff, shown_value, snapshot
from .states import AT_HQ


def events_of(item) -> QuerySet[Event]:
    return events.events_of(item).prefetch_related("comments")


def comments_of(item) -> QuerySet[EventComment]:
    return EventComment.objects.filter(
        event__content_type=ContentType.objects.get_for_model(item), event__object_id=item.pk
    ).select_related("author", "event")


def open_comments(item) -> list[EventComment]:
    """The comments of the latest return, which the preparer is answering now."""
    last_return = events_of(item).filter(type=EventType.RETURN).first()
    return list(last_return.comments.all()) if last_return else []


def return_reason(item) -> str:
    """The reason HQ gave with its latest return (shown with the comments, in the 退回意见 box)."""
    last_return = events_of(item).filter(type=EventType.RETURN).first()
    return last_return.comment if last_return else ""


def last_seen_by_hq(item) -> Event | None:
    return events_of(item).filter(type=EventType.SIGN_OFF).first()


def changes_since_hq_saw(item) -> list:
    """While the unit works on it: what changed since HQ last saw it. Once it is back at HQ:
    what this resubmission changed compared with the submission before."""
    sign_offs = [e for e in events_of(item).filter(type=EventType.SIGN_OFF) if "snapshot" in e.data]
    if item.state in AT_HQ:
        if len(sign_offs) < 2:
            return []
        before, after = sign_offs[1].data["snapshot"], sign_offs[0].data["snapshot"]
        return diff(before, after, model=type(item))
    if not sign_offs:
        return []
    return diff(sign_offs[0].data["snapshot"], snapshot(item), model=type(item))


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def field_history(item) -> list[HistoryEntry]:
    """Every saved change of the item's fields, with before and after (django-simple-history)."""
    records = list(item.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    for previous, record in zip([None, *records], records, strict=False):
        who = str(record.history_user) if record.history_user else "—"
        if previous is None:
            entries.append(HistoryEntry(record.history_date, who, "created"))
            continue
        delta = record.diff_against(previous)
        model = type(item)
        changes = [
            (
                str(model._meta.get_field(c.field).verbose_name),
                shown_value(model, c.field, "" if c.old is None else str(c.old)),
                shown_value(model, c.field, "" if c.new is None else str(c.new)),
            )
            for c in delta.changes
            if c.field not in ("version", "state_changed_at")
        ]
        if changes:
            entries.append(HistoryEntry(record.history_date, who, "changed", changes))
    return list(reversed(entries))


# --- What a comment is about -------------------------------------------------------------------
# A comment points at the whole item, a field (``field:annual_goal``) or a row (``sub_item:12``,
# ``indicator:34``). Apps above add the kinds of rows they own (performance: indicators).

_TARGET_KINDS: dict[str, Callable[[str], str | None]] = {}


def register_comment_target(kind: str, label: Callable[[str], str | None]) -> None:
    _TARGET_KINDS[kind] = label


def _sub_item(key: str) -> str | None:
    name = (
        ProjectSubItem.objects.filter(pk=key).values_list("name", flat=True).first()
        if key.isdigit()
        else None
    )
    return f"{_('Sub-item')}：{name}" if name else None


def comment_target_label(target: str) -> str:
    """The reader's name for what a comment is about: never a raw code or a database id."""
    kind, _sep, key = (target or "").partition(":")
    if kind == "field":
        try:
            return str(Project._meta.get_field(key).verbose_name)
        except LookupError:
            return _("a field")
    labeller = {"sub_item": _sub_item, **_TARGET_KINDS}.get(kind)
    label = labeller(key) if labeller else None
    if label:
        return label
    return _("general") if not kind else _("a row that no longer exists")
