"""Which profile an input was made with, when the user does not say (``--profile``).

An entry workbook names its profile in its fingerprint (read by :mod:`budgetxl.reader.entry`).
Any other input — a facts CSV, a published text, an official-layout workbook — is matched against
the shipped profiles by the table names and titles it holds: the profile with the most of its
tables found wins; a tie, or no table found at all, is a usage error naming the candidates.
"""

from __future__ import annotations

from typing import Callable, Iterable

from .errors import BudgetxlError
from .labels import flatten, norm
from .resources import available_profiles
from .spec import Profile, load_profile


def _best(source: str, found: Callable[[Profile], int]) -> Profile:
    scored = []
    for pid in available_profiles():
        p = load_profile(pid)
        scored.append((found(p), p))
    scored.sort(key=lambda x: -x[0])
    shipped = "、".join(p.id for _, p in scored)
    if not scored or scored[0][0] == 0:
        raise BudgetxlError(f"{source}：表名与自带的表样（{shipped}）都不符，无法确定表样；"
                            f"请用 --profile 指定表样名称或含 profile.toml 的目录")
    best = scored[0][0]
    tied = [p for n, p in scored if n == best]
    if len(tied) > 1:
        names = "、".join(p.id for p in tied)
        raise BudgetxlError(f"{source}：与表样 {names} 同样吻合（各 {best} 张表），无法确定表样；请用 --profile 指定")
    return scored[0][1]


def by_table_names(names: Iterable[str], source: str) -> Profile:
    """The shipped profile that knows most of these table names or titles (facts CSV 表 column,
    sheet names of an official workbook)."""
    given = {norm(n) for n in names if str(n).strip()}

    def found(p: Profile) -> int:
        return sum(1 for t in p.tables.values() if norm(t.name) in given or norm(t.title) in given)

    return _best(source, found)


def by_text(text: str, source: str) -> Profile:
    """The shipped profile most of whose table titles (or names) a published text contains."""
    flat = flatten(text)

    def found(p: Profile) -> int:  # a title found counts more than a name (a name may be part of
        # another profile's title: 收入预算总表 in 预算单位收入预算总表)
        return sum(10 if norm(t.title) in flat else 1 if norm(t.name) in flat else 0 for t in p.tables.values())

    return _best(source, found)


def resolve(profile, detect: Callable[[], Profile]) -> Profile:
    """``profile`` when given (a Profile, a shipped id or a folder), else what ``detect`` finds."""
    return load_profile(profile) if profile is not None else detect()
