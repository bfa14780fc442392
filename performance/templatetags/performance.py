"""Display helpers for the performance pages: lights, grades, points and percentages."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.models import EventType
from performance.models import ChangeState, ReportState

register = template.Library()

LIGHTS = {
    "red": ("danger", _("Red")),
    "yellow": ("warning", _("Yellow")),
    "green": ("success", _("Green")),
    "blue": ("primary", _("Blue")),
}
GRADES = {"excellent": _("Excellent"), "good": _("Good"), "fair": _("Fair"), "poor": _("Poor")}
STATE_STYLES = {"draft": "secondary", "submitted": "info", "returned": "warning", "approved": "success"}


@register.filter
def light_badge(value) -> str:
    if not value:
        return mark_safe('<span class="badge text-bg-light" data-light="none">—</span>')
    style, label = LIGHTS[str(value)]
    return format_html('<span class="badge text-bg-{}" data-light="{}">{}</span>', style, value, label)


@register.filter
def grade_label(value) -> str:
    return GRADES.get(value or "", "—")


@register.filter
def state_badge(obj) -> str:
    if obj is None:
        return format_html('<span class="badge text-bg-light">{}</span>', _("Not started"))
    return format_html(
        '<span class="badge text-bg-{}" data-state="{}">{}</span>',
        STATE_STYLES.get(obj.state, "secondary"),
        obj.state,
        obj.get_state_display(),
    )


@register.filter
def points(value) -> str:
    """Scores are shown with two decimals."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"


@register.filter
def number(value) -> str:
    """A measured value without trailing zeros: 2.000000 → 2, 99.500000 → 99.5."""
    if value is None or value == "":
        return ""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def rate(value) -> str:
    """A fraction shown as a percentage: 0.3788 → 37.88%."""
    if value is None:
        return "—"
    return percent(Decimal(value) * 100)


@register.filter
def expected(value) -> str:
    """A value expected by time elapsed: two places at most (2.333… → 2.33)."""
    if value is None:
        return "—"
    return number(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@register.filter
def action_label(value) -> str:
    return EventType(value).label if value in EventType.values else value


@register.filter
def state_label(value) -> str:
    for choices in (ReportState, ChangeState):
        if value in choices.values:
            return choices(value).label
    return value or "—"
