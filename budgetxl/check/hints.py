"""Why two figures that should agree may differ: the hints a finding adds to its message."""

from __future__ import annotations

from decimal import Decimal


def slip_hint(a: Decimal, b: Decimal) -> str:
    """Why two figures that should be equal may differ: swapped digits, a 元/万元 slip."""
    if a == 0 or b == 0:
        return ""
    da, db = sorted(f"{a:.2f}".replace(".", "")), sorted(f"{b:.2f}".replace(".", ""))
    diff = abs(a - b) * 100
    if da == db and diff % 9 == 0:
        return "：两数数字相同而顺序不同、差额能被 9 整除，可能是数字颠倒（录入时两位数字对调）"
    big, small = max(a, b), min(a, b)
    if small and big / small in (Decimal(10000), Decimal(1000), Decimal(100), Decimal(10)):
        ratio = big / small
        return f"：两数相差 {ratio:.0f} 倍，可能是单位错误（元与万元混用）" if ratio == 10000 else \
            f"：两数相差 {ratio:.0f} 倍，可能是小数点位置错误"
    if diff % 9 == 0:
        return "：差额能被 9 整除，可能是数字颠倒"
    return ""
