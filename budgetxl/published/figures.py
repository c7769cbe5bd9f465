"""Printed figures read exactly: Decimal values, thousands separators, 元 with or without
decimals, "-" / "—" / blank as zero, and the printed precision kept (how many decimals were
printed), so rules can tell a rounding tail from an error.

>>> parse_figure("189,767,551")
Figure(text='189,767,551', value=Decimal('189767551'), places=0, blank=False, zero_mark=False)
>>> parse_figure("91,016,775.35").value
Decimal('91016775.35')
>>> parse_figure("—").value, parse_figure("").blank
(Decimal('0'), True)
>>> parse_figure("一般公共服务支出") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# a zero printed as a dash (some publications print zero so)
ZERO_MARKS = frozenset({"-", "—", "－", "–", "——", "--", "―"})
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
_SPACES = re.compile(r"[\s\u3000]+")


@dataclass(frozen=True)
class Figure:
    text: str  # as printed (stripped)
    value: Decimal
    places: int  # decimals printed
    blank: bool = False
    zero_mark: bool = False

    @property
    def quantum(self) -> Decimal:
        """One unit of the last printed digit (1 for whole numbers, 0.01 for two decimals)."""
        return Decimal(1).scaleb(-self.places)


def parse_figure(text: str | None) -> Figure | None:
    """The figure a cell prints, or None when its text is not a number."""
    if text is None:
        return Figure("", Decimal(0), 0, blank=True)
    t = _SPACES.sub("", str(text)).replace("，", ",")
    if not t:
        return Figure("", Decimal(0), 0, blank=True)
    if t in ZERO_MARKS:
        return Figure(t, Decimal(0), 0, zero_mark=True)
    m = _NUMBER.match(t)
    if not m:
        return None
    sign, whole, frac = m.groups()
    digits = whole.replace(",", "") + ("." + frac if frac else "")
    value = Decimal(sign + digits) if sign == "-" else Decimal(digits)
    return Figure(t, value, len(frac or ""))


MONEY_UNITS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(亿元|万元|千元|元)")


def money_unit(text: str) -> str | None:
    """The money unit a caption line states (单位：元, 单位:万元, 金额单位：万元 …).

    >>> money_unit("编制部门：某局    单位：元"), money_unit("单位:万元"), money_unit("单位：上海市财政局")
    ('元', '万元', None)
    """
    m = _UNIT.search(text)
    return m.group(1) if m else None
