"""Money in yuan, shown in 万元 the way the bureau prints it (DOMAIN §3).

Disclosure tables show whole 万元, performance tables 万元 with two places; each displayed cell is
rounded on its own, half up.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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
