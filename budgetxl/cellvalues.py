"""Read one cell value from a returned entry workbook, exactly and with a Chinese reason.

Values come from python-calamine (``""``, ``str``, ``float``, ``int``, ``bool`` or a
date/time). Amounts are in the table's unit (万元 or 元), non-negative, at most two decimals, held
as ``Decimal``: binary noise from formulas pasted as values is cleaned silently, anything that
would need real rounding or guessing is an error, and text that had to be tidied is read with a
warning. An amount typed with a larger unit than the table's ("1万元" in a 元 table) is converted
exactly, with a warning; one typed with a smaller unit ("12元" in a 万元 table) is refused.

>>> parse_amount_cell(532.1)
Parsed(value=Decimal('532.10'), warning=None, error=None)
>>> parse_amount_cell("１，２３４.５ 万元").warning
'数字以文本形式存储，已转换全角字符，已去掉千位分隔符，已去掉单位“万元”，已按 1234.50 读取'
>>> parse_amount_cell("1万元", unit="元").value
Decimal('10000.00')
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from .money import UNIT_FACTORS, money

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－−", "0123456789.,--")
_INVISIBLE = "\ufeff\u200b\u200c\u200d"  # BOM and zero-width characters (not str.isspace)
_DASHES = re.compile(r"^(?:[-－—–‐―−]+|[/／])$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_UNSIGNED = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")
_SIGNED = re.compile(r"^[+-](?:\d+(?:\.\d*)?|\.\d+)$")
_DIGITS = re.compile(r"^[0-9]+$")
_TIME_TYPES = (_dt.date, _dt.time, _dt.timedelta)  # datetime is a date


@dataclass(frozen=True)
class Parsed:
    value: Decimal | None  # None = blank (counts as zero)
    warning: str | None = None  # Chinese: read, but the cell was messy (says what was done)
    error: str | None = None  # Chinese: cannot be read; value is None


def _clean(s: str) -> str:
    """Strip whitespace of every kind (ASCII, full-width, no-break) and zero-width marks."""
    return s.strip().strip(_INVISIBLE).strip()


def _parse_number(
    v: object,
    *,
    places: int,
    noun: str,
    limit: int,
    units: bool,
    final: Callable[[Decimal], Decimal],
    unit: str = "万元",
) -> Parsed:
    """Shared reader: ``places`` decimals at most, non-negative, below ``limit``; ``final`` shapes
    the accepted value (quantize or normalize) before it is quoted in the warning."""
    step = Decimal(1).scaleb(-places)
    if v is None:
        return Parsed(None)
    if isinstance(v, bool):
        return Parsed(None, error=f"单元格是逻辑值（{'TRUE' if v else 'FALSE'}），不是{noun}")
    if isinstance(v, _TIME_TYPES):
        return Parsed(None, error=f"单元格是日期/时间（{v}），不是{noun}")
    warning: list[str] = []
    if isinstance(v, float):
        if not math.isfinite(v):
            return Parsed(None, error=f"单元格值“{v}”不是有效数字")
        d = Decimal(repr(v))
        q = d.quantize(step) if abs(v) < limit else d
        # Formula results pasted as values carry binary noise (0.30000000000000004): drop it.
        if abs(d - q) <= Decimal(repr(max(1e-9, 4 * math.ulp(v)))):
            d = q
    elif isinstance(v, (int, Decimal)):
        d = Decimal(v)
    elif isinstance(v, str):
        text = v
        s = _clean(text)
        if not s:
            return Parsed(None)
        if _DASHES.match(s):
            return Parsed(None, warning=f"单元格为“{s}”，按0读取")
        if s[0] in "=＝":
            return Parsed(None, error=f"“{text}”以“=”开头，是以文本形式输入的公式，请填写数值")
        done = ["数字以文本形式存储"]
        t = s.translate(_FULLWIDTH)
        if t != s:
            done.append("已转换全角字符")
        suffix_done = ""
        factor = Decimal(1)
        if units:
            typed = next((u for u in _SUFFIXES if t.endswith(u)), None)
            if typed is not None:
                written = _SUFFIX_UNIT[typed]
                t = _clean(t[: -len(typed)])
                if written == unit:
                    suffix_done = f"已去掉单位“{typed}”"
                elif UNIT_FACTORS[written] > UNIT_FACTORS[unit]:
                    factor = UNIT_FACTORS[written] / UNIT_FACTORS[unit]
                    suffix_done = f"已按 1{written} = {factor:f}{unit} 换算"
                else:
                    ratio = UNIT_FACTORS[unit] / UNIT_FACTORS[written]
                    return Parsed(None, error=(f"“{text}”带单位“{typed}”：本表金额单位为{unit}，"
                                               f"{written}与{unit}相差{ratio:f}倍，请换算为{unit}后只填数字"))
        if _THOUSANDS.match(t):
            t = t.replace(",", "")
            done.append("已去掉千位分隔符")
        if suffix_done:
            done.append(suffix_done)
        if "%" in t or "％" in t:
            return Parsed(None, error=f"“{text}”是百分数，不是{noun}")
        if re.match(r"^[(（].*[)）]$", t):
            return Parsed(None, error=f"“{text}”带括号（会计负数写法），{noun}不能为负数")
        if _SIGNED.match(t) and t[0] == "-" and Decimal(t) != 0:
            return Parsed(None, error=f"{noun}不能为负数：“{text}”")
        if not (_UNSIGNED.match(t) or _SIGNED.match(t)):
            return Parsed(None, error=f"“{text}”不是数字")
        d = Decimal(t) * factor  # exact; "12.3400" is fine, "12.345" fails the check below
        warning = done
    else:
        return Parsed(None, error=f"无法识别的单元格值（{type(v).__name__}）")
    if abs(d) >= limit:
        return Parsed(None, error=f"{noun}“{v}”数值过大，无法精确读取")
    if d < 0:
        return Parsed(None, error=f"{noun}不能为负数：{v}")
    if d != d.quantize(step):
        n = "两" if places == 2 else str(places)
        return Parsed(None, error=f"{noun}“{v}”超过{n}位小数，不能四舍五入，请核对")
    d = final(abs(d))  # abs turns -0 into 0
    return Parsed(d, "，".join([*warning, f"已按 {d} 读取"]) if warning else None)


_BLANK = Parsed(None)
_FAST: dict[float, Parsed] = {}
_SUFFIX_UNIT = {"亿元": "亿元", "万元": "万元", "万": "万元", "元": "元"}
_SUFFIXES = tuple(_SUFFIX_UNIT)  # longest first: 亿元 and 万元 before 元


def parse_amount_cell(v: object, *, places: int = 2, unit: str = "万元") -> Parsed:
    """An amount in ``unit`` (the table's: 万元 or 元): Decimal quantized to two decimals
    (``places`` decimals allowed)."""
    if v == "" or v is None:  # the common case: an empty cell
        return _BLANK
    if places == 2 and type(v) is float:  # clean two-decimal numbers, memoised (no unit involved)
        hit = _FAST.get(v)
        if hit is not None:
            return hit
        parsed = _parse_amount(v, places, unit)
        if parsed.warning is None and parsed.error is None and len(_FAST) < 100_000:
            _FAST[v] = parsed
        return parsed
    return _parse_amount(v, places, unit)


def _parse_amount(v: object, places: int, unit: str = "万元") -> Parsed:
    step = Decimal(1).scaleb(-places)
    final: Callable[[Decimal], Decimal] = money if places <= 2 else lambda d: d.quantize(step)
    return _parse_number(v, places=places, noun="金额", limit=10**12, units=True, final=final, unit=unit)


def parse_quantity_cell(v: object) -> Parsed:
    """A non-negative exact count or measure with up to six decimals (trailing zeros dropped)."""
    return _parse_number(v, places=6, noun="数量", limit=10**8, units=False, final=_plain)


def _plain(d: Decimal) -> Decimal:
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


_CODES: dict[tuple[str, tuple[int, ...]], tuple[str, None, None]] = {}


def parse_code_cell(
    v: object, lengths: tuple[int, ...]
) -> tuple[str | None, str | None, str | None]:
    """A classification code as ``(code, warning, error)``; blank gives ``(None, None, None)``."""
    if type(v) is str:  # clean codes as text (the template's format), memoised
        hit = _CODES.get((v, lengths))
        if hit is not None:
            return hit
        parsed = _parse_code(v, lengths)
        if parsed[0] == v and len(_CODES) < 100_000:
            _CODES[(v, lengths)] = parsed
        return parsed
    return _parse_code(v, lengths)


def _parse_code(v: object, lengths: tuple[int, ...]) -> tuple[str | None, str | None, str | None]:
    need = "/".join(str(n) for n in lengths)
    warnings: list[str] = []
    if v is None or isinstance(v, bool) or isinstance(v, _TIME_TYPES):
        if v is None:
            return None, None, None
        return None, None, f"科目编码“{v}”应为 {need} 位数字"
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not (math.isfinite(v) and v.is_integer()):
            return None, None, f"科目编码“{v}”应为 {need} 位数字"
        s = str(int(v))
        warnings.append("科目编码以数字形式存储")
    elif isinstance(v, str):
        s = _clean(v)
        if not s:
            return None, None, None
        t = s.translate(_FULLWIDTH)
        if t != s:
            warnings.append("全角数字已转为半角")
        if t.endswith(".0") and _DIGITS.match(t[:-2]):
            t = t[:-2]
            warnings.append("已去掉末尾的“.0”")
        s = t
    else:
        return None, None, f"科目编码“{v}”应为 {need} 位数字"
    if not (_DIGITS.match(s) and len(s) in lengths):
        return None, None, f"科目编码“{v}”应为 {need} 位数字"
    return s, "；".join(warnings) or None, None


def parse_text_cell(v: object) -> str:
    """Text as written, stripped; integral floats lose their ``.0``, logicals read TRUE/FALSE."""
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and math.isfinite(v) and v.is_integer():
        return str(int(v))
    if isinstance(v, _dt.datetime) and v.time() == _dt.time():
        return v.date().isoformat()
    return str(v).strip()
