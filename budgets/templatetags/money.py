"""The one way a template shows an amount: ``{{ amount|money }}`` (万元, two places),
``{{ amount|money:"whole" }}`` (whole 万元, the disclosure tables), ``{{ amount|money:"yuan" }}``;
add ``,unit`` to write the unit after the figure (``{{ amount|money:"yuan,unit" }}`` → 1,200,000.00 元)
``,blank`` to leave a zero empty and ``,signed`` to write a difference with its sign. See ``budgets.money.format_money``."""

from django import template

from budgets.money import format_figure, format_money

register = template.Library()


@register.filter
def money(amount, options: str = ""):
    parts = {part.strip() for part in options.split(",") if part.strip()}
    styles = parts - {"unit", "blank", "signed"}
    if len(styles) > 1:
        raise template.TemplateSyntaxError(f"money: one style at most, not {sorted(styles)}")
    return format_money(
        amount,
        styles.pop() if styles else "wan",
        unit="unit" in parts,
        blank_zero="blank" in parts,
        signed="signed" in parts,
    )


@register.filter
def figure(value):
    """A figure already in 万元 as a source document printed it (a consistency finding)."""
    return format_figure(value)
