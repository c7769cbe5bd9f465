"""Matching printed labels and headers the way people write them.

Labels match ignoring white space, quote style, full/half-width brackets, an ordinal prefix
(一、 二、 1、 （一）) and a leading 其中：. A label printed twice in one table (财政拨款收支总表 has
"一、一般公共预算拨款" both as revenue and under 年初财政拨款结转和结余) is written in the qualified
form ``限定词/标签``, e.g. ``年初财政拨款结转和结余/一般公共预算拨款``.
"""

from __future__ import annotations

import re
from functools import lru_cache


def ascii_digits(s: str) -> bool:
    """True for a non-empty string of 0-9 only. ``str.isdigit()`` is also true for '²', '①' and
    other Unicode digits, which ``int()`` refuses or reads as another number."""
    return s.isascii() and s.isdigit()


def pad_code_parts(parts: list[str], widths: list[int]) -> tuple[str, str | None]:
    """The code a row prints in its 类 | 款 | 项 cells (``parts``, digits or blank; ``widths`` the
    digits of each level), and what to say when a level is printed without its leading zero
    ("301 | 2" is 30102): read padded, unambiguously, so a format warning (V01), the same words
    wherever it is read (a published PDF or Word file, a published text)."""
    short = [p for p, w in zip(parts, widths) if p and len(p) < w]
    code = "".join(p.zfill(w) if p else "" for p, w in zip(parts, widths))
    if not short:
        return code, None
    given = " | ".join(p for p in parts if p)
    return code, f"科目编码印作“{given}”，有一级少了前导零，按 {code} 读取"


_WS = re.compile(r"[\s\u3000]+")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[（(][一二三四五六七八九十\d]+[)）])")
_TRANS = str.maketrans({"（": "(", "）": ")", "“": "", "”": "", "‘": "", "’": "", '"': "", "'": "",
                        "「": "", "」": "", "『": "", "』": "", "〝": "", "〞": "", "＂": "", "＇": "",
                        "：": ":", "，": ",", "／": "/"})


def flatten(text: str) -> str:
    """A whole text with white space and quotes removed and brackets folded as :func:`norm` does
    (to look for a normalized label anywhere in it)."""
    return _WS.sub("", str(text)).translate(_TRANS)


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """Canonical form of a printed label or header, for matching.

    >>> norm("一、 一般公共预算拨款收入") == norm("一般公共预算拨款收入")
    True
    >>> norm("    其中：公务用车购置费")
    '公务用车购置费'
    """
    s = _WS.sub("", str(text)).translate(_TRANS)
    s = _ORDINAL.sub("", s)
    if s.startswith("其中:"):
        s = s[3:]
    return s


def norm_qualified(text: str) -> tuple[str | None, str]:
    """Split a possibly qualified label ``限定词/标签`` into normalized (qualifier, label)."""
    s = _WS.sub("", str(text)).translate(_TRANS)
    if "/" in s:
        q, _, label = s.partition("/")
        return norm(q), norm(label)
    return None, norm(s)
