from django import template

from budgets.history import comment_target_label
from budgets.states import State
from core.models import EventType
from core.roles import Role

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def role_label(role):
    return Role(role).label


@register.filter
def percent(value):
    return f"{value:.2%}"


@register.filter
def target_label(target: str) -> str:
    """'field:annual_goal' → the field's name as the reader knows it."""
    return comment_target_label(target)


@register.filter
def action_label(action: str) -> str:
    if action in EventType.values:
        return EventType(action).label
    return action


@register.filter
def item_state(value: str) -> str:
    """A request's or a submission's state as its reader knows it."""
    return State(value).label if value in State.values else (value or "—")
