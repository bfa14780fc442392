from django import template

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
    from django.utils.translation import gettext as _

    from budgets.models import Project

    kind, _sep, key = (target or "").partition(":")
    if kind == "field":
        try:
            return str(Project._meta.get_field(key).verbose_name)
        except Exception:
            return key
    if kind == "sub_item":
        return f"{_('Sub-item')} #{key}"
    if kind == "indicator":
        from performance.models import Indicator

        indicator = Indicator.objects.filter(pk=key).only("name").first() if key.isdigit() else None
        return f"{_('Indicator')}: {indicator.name}" if indicator else f"{_('Indicator')} #{key}"
    return _("general")


@register.filter
def action_label(action: str) -> str:
    if action in EventType.values:
        return EventType(action).label
    return action
