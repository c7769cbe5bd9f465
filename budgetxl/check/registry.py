"""The rule registry.

A rule is a class with a stable ``code`` (e.g. ``X201``), a Chinese ``title``, a ``severity``
(error, warning, info), a ``group`` (表内, 表间, 文字, 代码, 完整性, 项目, 采购, 资产, 年度) and a
docstring whose sections ``失败示例：`` and ``通过示例：`` show a failing and a passing case. Rules
are selected by code, group or glob (``--select X1*,文字 --ignore W003``).
"""

from __future__ import annotations

import fnmatch
import importlib
import pkgutil
from typing import Iterator

from ..findings import Finding

GROUPS = ("完整性", "表内", "表间", "代码", "项目", "采购", "资产", "文字", "年度")
RULES: dict[str, type["Rule"]] = {}


class Rule:
    code: str = ""
    title: str = ""
    severity: str = "error"
    group: str = ""
    needs: tuple[str, ...] = ()  # context parts needed: "workbook", "previous", "supplement"

    def check(self, ctx) -> Iterator[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def doc(cls) -> str:
        return (cls.__doc__ or "").strip()

    @classmethod
    def examples(cls) -> tuple[str, str]:
        """(failing example, passing example) from the docstring."""
        doc = cls.doc()
        fail = doc.split("失败示例：", 1)[1].split("通过示例：", 1)[0].strip() if "失败示例：" in doc else ""
        ok = doc.split("通过示例：", 1)[1].strip() if "通过示例：" in doc else ""
        return fail, ok

    @classmethod
    def summary(cls) -> str:
        return cls.doc().split("\n", 1)[0].strip()


def register(cls: type[Rule]) -> type[Rule]:
    if not cls.code or cls.code in RULES:
        raise ValueError(f"rule code missing or duplicated: {cls.code!r}")
    if cls.group not in GROUPS:
        raise ValueError(f"rule {cls.code}: unknown group {cls.group!r}")
    RULES[cls.code] = cls
    return cls


_loaded = False


def _load() -> None:
    global _loaded
    if _loaded:
        return
    from . import rules

    for mod in pkgutil.iter_modules(rules.__path__):
        importlib.import_module(f"{rules.__name__}.{mod.name}")
    _loaded = True


def all_rules() -> list[type[Rule]]:
    _load()
    return [RULES[c] for c in sorted(RULES)]


def _matches(rule: type[Rule], pattern: str) -> bool:
    p = pattern.strip()
    return p == rule.group or fnmatch.fnmatchcase(rule.code, p.upper()) or fnmatch.fnmatchcase(rule.code, p)


def select_rules(select: list[str] | None = None, ignore: list[str] | None = None) -> list[type[Rule]]:
    """Rules chosen by code, group or glob; unknown patterns raise ValueError (a usage error)."""
    rules = all_rules()
    for pat in [*(select or []), *(ignore or [])]:
        if not any(_matches(r, pat) for r in rules):
            raise ValueError(pat)
    if select:
        rules = [r for r in rules if any(_matches(r, p) for p in select)]
    if ignore:
        rules = [r for r in rules if not any(_matches(r, p) for p in ignore)]
    return rules


# Errors of these groups mean a unit's figures cannot be published or added up as they are: the
# workbook's integrity, the tables and their agreement, the codes, and the project, procurement and
# asset tables. Errors in the unit's own wording (文字: W102 a wrong year, W103 another place's
# name …; and A103, 本年度拟购置固定资产 stated in the text) do not change a figure: `render`
# regenerates the numeric text from the tables and `consolidate` adds up tables, so those errors
# are reported but do not block them.
NUMERIC_GROUPS = ("完整性", "表内", "表间", "代码", "项目", "采购", "资产")
TEXT_ONLY_CODES = ("A103",)


def affects_numbers(finding) -> bool:
    """Whether an error finding concerns the figures (an unknown code counts, to be safe)."""
    _load()
    if finding.severity != "error" or finding.code in TEXT_ONLY_CODES:
        return False
    rule = RULES.get(finding.code)
    return rule is None or rule.group in NUMERIC_GROUPS
