"""Money in yuan, shown in 万元 the way the bureau prints it (DOMAIN §3).

Disclosure tables show whole 万元, performance tables 万元 with two places; each displayed cell is
rounded on its own, half up.

Every page and form shows an amount through ``format_money`` (the ``money`` template filter), in
one of three styles, each saying its unit in the table header or after the figure:

- ``wan`` (the default): 万元 with two places, thousands separated: 4,512,200.00 元 → 451.22. The
  bureau's working figure (the performance tables, the unit and project pages).
- ``whole``: whole 万元, as the disclosure tables print them (the bureau overview reproduces 表3).
- ``yuan``: 元 with two places, thousands separated: what the preparer typed (forms, the changes
  since HQ last saw an item, the history), where a change of a few yuan must stay visible.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

YUAN_PER_WAN = Decimal(10000)


def to_wan(amount_yuan: Decimal, places: int = 0) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(amount_yuan) / YUAN_PER_WAN).quantize(quantum, rounding=ROUND_HALF_UP)


def wan_to_yuan(amount_wan: Decimal | str) -> Decimal:
    return (Decimal(amount_wan) * YUAN_PER_WAN).quantize(Decimal("0.01"))


def format_wan(amount_yuan: Decimal | None, places: int = 0, blank_zero: bool = False) -> str:
    """4,512,200.00 元 → '451' (places=0) or '451.22' (places=2); thousands separated by commas."""
    if amount_yuan is None:
        return ""
    wan = to_wan(amount_yuan, places)
    if blank_zero and wan == 0:
        return ""
    return f"{wan:,.{places}f}"


def format_yuan(amount_yuan: Decimal | None) -> str:
    if amount_yuan is None:
        return ""
    return f"{Decimal(amount_yuan):,.2f}"


def format_figure(value: Decimal) -> str:
    """A 万元 figure as printed in a table: thousands separated, decimals only when it has them."""
    if value == value.to_integral():
        return f"{value.quantize(Decimal(1)):,}"
    return f"{value:,.2f}"


MONEY_STYLES = ("wan", "whole", "yuan")


def format_money(
    amount_yuan: Decimal | str | None,
    style: str = "wan",
    *,
    unit: bool = False,
    blank_zero: bool = False,
    signed: bool = False,
) -> str:
    """An amount in yuan as a page shows it (see the module's docstring for the styles);
    ``unit`` appends 万元 or 元 ("451.22 万元"), ``blank_zero`` leaves a zero empty as the
    published tables do, ``signed`` writes a difference with its sign (+50,000.00, −20,000.00,
    0.00). ``None`` is empty."""
    if style not in MONEY_STYLES:
        raise ValueError(f"unknown money style {style!r}")
    if amount_yuan is None or amount_yuan == "":
        return ""
    amount = Decimal(amount_yuan)
    if signed:
        sign = "+" if amount > 0 else "−" if amount < 0 else ""
        text = format_money(abs(amount), style, unit=unit, blank_zero=blank_zero)
        return sign + text if text else text
    if style == "yuan":
        text = format_yuan(amount)
        if blank_zero and amount == 0:
            return ""
        return _("%(amount)s yuan") % {"amount": text} if unit else text
    text = format_wan(amount, places=0 if style == "whole" else 2, blank_zero=blank_zero)
    if unit and text:
        return _("%(amount)s × 10,000 yuan") % {"amount": text}
    return text


def money_label(label: str, style: str = "yuan") -> str:
    """A field or column label with its unit: 金额 → 金额（元） / 金额（万元）."""
    if style == "yuan":
        return _("%(label)s (yuan)") % {"label": label}
    return _("%(label)s (10,000 yuan)") % {"label": label}


# The largest amount a MoneyField holds (16 digits, 2 places): a bigger figure is a typing error.
MAX_AMOUNT = Decimal("99999999999999.99")
CENT = Decimal("0.01")


def parse_amount(value) -> Decimal:
    """An amount in yuan from a form, the API or a spreadsheet: a finite, non-negative number of
    at most 2 decimal places and at most MAX_AMOUNT. Raises ValueError otherwise (NaN, Infinity,
    1e30, -1, 1.234), never returns a float."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not amount.is_finite():
        raise ValueError("not a finite number")
    if amount < 0:
        raise ValueError("negative")
    if amount > MAX_AMOUNT:
        raise ValueError("too large")
    if amount != amount.quantize(CENT):
        raise ValueError("more than two decimal places")
    return amount.quantize(CENT)
