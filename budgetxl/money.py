"""Exact money: amounts have two decimals in their table's unit (元 or 万元, the profile says
which), held as :class:`decimal.Decimal`.

Binary floats never enter a comparison. Parsing is strict: text that is not a plain non-negative
number with at most two decimals is rejected with a reason, never rounded. Converting between
units (:func:`convert`) is exact: 1 万元 = 10000 元.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")

# how many 元 one unit is
UNIT_FACTORS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


def convert(amount: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """An amount in another unit, exactly (``convert(Decimal("1"), "万元", "元")`` is 10000).

    >>> convert(Decimal("91016775.35"), "元", "万元")
    Decimal('9101.677535')
    """
    if from_unit == to_unit:
        return amount
    try:
        return amount * UNIT_FACTORS[from_unit] / UNIT_FACTORS[to_unit]
    except KeyError as e:
        raise AmountError(f"未知的金额单位“{e.args[0]}”（应为元、万元或亿元）") from None


class AmountError(ValueError):
    """Raised with a Chinese reason when text is not a valid amount."""


def money(value) -> Decimal:
    """Return ``value`` as a Decimal with exactly two decimals (it must already be exact).

    >>> money("1573.23")
    Decimal('1573.23')
    >>> money(5)
    Decimal('5.00')
    """
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, str):
        d = parse_amount(value)
    else:
        raise TypeError(f"money() takes Decimal, int or str, not {type(value).__name__}")
    q = d.quantize(CENT)
    if q != d:
        raise AmountError(f"金额 {value} 超过两位小数")
    return q


def parse_amount(text: str, *, allow_negative: bool = False, places: int = 2, unit: str = "万元") -> Decimal:
    """Parse a plain decimal number written as text, exactly.

    Raises :class:`AmountError` (Chinese message) for anything that is not a number, has more
    than ``places`` decimals, or is negative when negatives are not allowed.
    """
    s = text.strip()
    if not s:
        raise AmountError("金额为空")
    if not _PLAIN.match(s):
        raise AmountError(f"“{text}”不是数字")
    try:
        d = Decimal(s)
    except InvalidOperation:  # pragma: no cover - the regex already guards this
        raise AmountError(f"“{text}”不是数字") from None
    if d < 0 and not allow_negative:
        raise AmountError(f"金额不能为负数：{text}")
    exponent = d.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise AmountError(f"金额“{text}”超过{places}位小数（单位为{unit}，精确到{Decimal(1).scaleb(-places)}）")
    return d.quantize(Decimal(1).scaleb(-places)) if places == 2 else d


def fmt(amount: Decimal | None, *, blank_zero: bool = False) -> str:
    """Format an amount the way the official tables print it: ``1573.23``; zero as '' if asked."""
    if amount is None:
        return ""
    if blank_zero and amount == 0:
        return ""
    return f"{amount.quantize(CENT):f}"


def to_fen(amount: Decimal) -> int:
    """Integer hundredths (0.01 of the amount's unit) of an exact amount."""
    return int(amount.quantize(CENT) * 100)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)
