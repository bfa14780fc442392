from django import template

from budgets.money import format_wan, format_yuan

register = template.Library()


@register.filter
def wan(amount):
    """Yuan → whole 万元 as the disclosure tables print it: {{ amount|wan }}."""
    return format_wan(amount)


@register.filter
def wan2(amount):
    """Yuan → 万元 with two places, as the performance tables print it."""
    return format_wan(amount, places=2)


@register.filter
def yuan(amount):
    return format_yuan(amount)
