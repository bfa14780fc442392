from django import template

from budgets.money import format_figure, format_wan, format_yuan

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


@register.filter
def wan_blank(amount):
    """Whole 万元, a zero left blank as in the published tables."""
    return format_wan(amount, blank_zero=True)


@register.filter
def figure(value):
    """A figure already in 万元 (a consistency finding)."""
    return format_figure(value)
