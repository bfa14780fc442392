from django import template

from approvals.workflow import ADJUSTMENT
from budgets.history import comment_target_label
from budgets.models import basic_line_label
from budgets.money import format_wan, format_yuan
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


@register.filter
def signed_yuan(amount) -> str:
    """A difference in 元 with its sign: +50,000.00, −20,000.00, 0.00."""
    return ("+" if amount > 0 else "−" if amount < 0 else "") + format_yuan(abs(amount))


@register.filter
def signed_wan2(amount) -> str:
    return ("+" if amount > 0 else "−" if amount < 0 else "") + format_wan(abs(amount), places=2)


@register.filter
def line_label(line) -> str:
    """A basic line by its codes and names, funding source and note (two 2080109 lines differ)."""
    return basic_line_label(line)


@register.simple_tag(takes_context=True)
def adjustment_steps(context, adjustment) -> list:
    """The steps the signed-in user may take on this adjustment now (the machine's rule)."""
    return ADJUSTMENT.allowed(context["request"].user, adjustment)


@register.filter
def has_open(adjustments) -> bool:
    return any(a.is_open for a in adjustments)


@register.filter
def open_lines(adjustments) -> set[int]:
    """The basic lines with an adjustment still on its way (they cannot be asked again yet)."""
    return {a.basic_line_id for a in adjustments if a.is_open}
