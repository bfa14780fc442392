from django import template

from approvals.roles import Role

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
