"""Why two figures that should agree may differ, the hints a finding adds to its message: a money-unit slip (元 typed where the profile's unit is
万元, or the other way round), a decimal point in the wrong place, two digits swapped.

The profile says which unit its amounts are in (``money_unit``); how many 元 that unit is comes from
:data:`YUAN_PER_UNIT`. A slip by that factor is tested before a transposition: a difference of
9999 × N is divisible by 9 as well, and is not a transposition.
"""

from __future__ import annotations

from decimal import Decimal

YUAN_PER_UNIT = {"元": 1, "十元": 10, "百元": 100, "千元": 1000, "万元": 10000, "百万元": 10 ** 6, "亿元": 10 ** 8}
# units a unit may type by mistake, as 元 per unit (the common ones on Chinese budget forms)
SLIP_UNITS = ("元", "万元")


def yuan_per_unit(profile) -> int | None:
    return YUAN_PER_UNIT.get(getattr(profile, "money_unit", None) or "")


def unit_slips(profile) -> list[tuple[Decimal, str]]:
    """(factor, unit typed by mistake): a figure typed in that unit is ``factor`` times the right one."""
    own = yuan_per_unit(profile)
    if own is None:
        return []
    out = []
    for u in SLIP_UNITS:
        f = YUAN_PER_UNIT[u]
        if f != own:
            out.append((Decimal(own) / Decimal(f), u))
    return out


def _fen(v: Decimal) -> int:
    return int((v * 100).to_integral_value())


def transposition(a: Decimal, b: Decimal) -> bool:
    """Whether a and b look like one number with two digits swapped: same digits, and the
    difference is 9 × d × 10^k (neighbours swapped) or 99 × d × 10^k (one digit between)."""
    da, db = sorted(f"{a:.2f}".replace(".", "").lstrip("0")), sorted(f"{b:.2f}".replace(".", "").lstrip("0"))
    diff = abs(_fen(a) - _fen(b))
    if da != db or diff == 0 or diff % 9:
        return False
    q = diff // 9
    while q % 10 == 0:
        q //= 10
    return q < 10 or (q % 11 == 0 and q // 11 < 10)


def magnitude_hint(profile, value: Decimal, right: Decimal) -> str:
    """A hint when one cell holds ``value`` where ``right`` belongs."""
    if right == 0:
        return "：这里本不应有金额，可能填错了行或栏" if value else ""
    if value == 0:
        return "：这个数可能漏填了"
    unit = getattr(profile, "money_unit", "")
    for factor, typed in unit_slips(profile):
        if factor > 1 and value == right * factor or factor < 1 and value * (1 / factor) == right:
            return f"：是应有数的 {_ratio(value, right)}，可能按“{typed}”填写了（{typed}与{unit}混用，本表金额单位为{unit}）"
    for n in (10, 100, 1000):
        if value == right * n or value * n == right:
            return f"：与应有数相差 {n} 倍，可能是小数点位置错误"
    if transposition(value, right):
        return "：两数数字相同而顺序不同，可能是数字颠倒（录入时两位数字对调）"
    return ""


def _ratio(value: Decimal, right: Decimal) -> str:
    r = value / right
    return f"{r:.0f} 倍" if r >= 1 else f"1/{1 / r:.0f}"


def slip_hint(a: Decimal, b: Decimal, profile=None) -> str:
    """Why two figures that should be equal (a total and another, or two totals) may differ."""
    if a.is_nan() or b.is_nan() or a == 0 or b == 0:
        return ""  # an unknown figure (its table absent) explains nothing
    unit = getattr(profile, "money_unit", "")
    big, small = max(a, b), min(a, b)
    for factor, typed in unit_slips(profile):
        f = factor if factor > 1 else 1 / factor
        if big == small * f:
            return f"：两数相差 {f:.0f} 倍，可能是金额单位错误（{typed}与{unit}混用）"
    diff = abs(_fen(a) - _fen(b))
    for factor, typed in unit_slips(profile):
        f = int(factor if factor > 1 else 1 / factor)
        if diff % (f - 1) == 0 and diff // (f - 1) > 0 and diff >= f - 1:
            n = Decimal(diff // (f - 1)) / 100
            return (f"：差额 {Decimal(diff) / 100:.2f} 正是 {n:.2f} 的 {f - 1} 倍，可能有一个 {n:.2f} 按“{typed}”"
                    f"填写成了 {n * f:.2f}（本表单位为{unit}）")
    for n in (10, 100, 1000):
        if big == small * n:
            return f"：两数相差 {n} 倍，可能是小数点位置错误"
    if transposition(a, b):
        return "：两数数字相同而顺序不同、差额能被 9 整除，可能是数字颠倒（录入时两位数字对调）"
    return ""
