"""Money in yuan, shown in 万元 the way the bureau prints it (DOMAIN §3).

Disclosure tables show whole 万元, performance tables 万元 with two places; each displayed cell is
rounded on its own, half up.
"""

from decimal import ROUND_HALF_UP, Decimal

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
