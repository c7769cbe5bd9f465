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
from ..money import fmt
from .cause import identity
from .hints import slip_hint

GROUPS = ("完整性", "表内", "表间", "代码", "项目", "采购", "资产", "文字", "年度")
RULES: dict[str, type["Rule"]] = {}


class Rule:
    code: str = ""
    title: str = ""
    severity: str = "error"
    group: str = ""
    needs: tuple[str, ...] = ()  # context parts needed: "workbook", "previous", "supplement"
    roles: tuple[str, ...] = ()  # profile roles needed (budgetxl.roles.Roles.has): "tables.income" …
    profile_check = False  # one of a profile's [[checks]] (made per profile by rules_for)
    parts: tuple[str, ...] = ()  # supplementary parts needed in parts.toml: "projects", "assets" …
    # the rule reports what the text does not say: with pages printed as images (no text read) it
    # cannot tell, so it is not checkable there (budgetxl.check.runner.check_budget)
    says_absent = False

    def check(self, ctx) -> Iterator[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def not_applicable(cls, profile) -> str | None:
        """Why the rule does not apply to a profile (a Chinese reason), None when it does."""
        if cls.profile_check:
            if not any(c.code == cls.code for c in profile.checks):
                return f"表样没有校验 {cls.code}"
            return None
        absent = [p for p in cls.parts if p not in profile.parts]
        if absent:
            return "表样没有定义附表 " + "、".join(absent)
        missing = profile.roles.missing(cls.roles) if profile.roles is not None else list(cls.roles)
        if missing:
            return "表样没有定义角色 " + "、".join(missing)
        return None

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


def profile_rule(check):
    """The rule of one of a profile's [[checks]] (registered per profile: see registry.rules_for)."""

    def run(self, ctx):
        c = next((x for x in ctx.profile.checks if x.code == self.code), None)
        if c is None:  # selected for another profile: this one does not declare it
            raise LookupError(f"表样“{ctx.profile.id}”没有校验 {self.code}")
        left, right = ctx.budget.evaluate(c.left), ctx.budget.evaluate(c.right)
        ok = left == right if c.relation == "eq" else left >= right
        if not ok:
            key = (c.left.table, c.left.row, c.left.col) if hasattr(c.left, "row") else None
            rel = "应等于" if c.relation == "eq" else "应不少于"
            hint = slip_hint(left, right, ctx.profile) if c.relation == "eq" else ""
            yield ctx.finding(self, f"{c.title}：左方 {fmt(left)} {rel} 右方 {fmt(right)}，相差 {fmt(left - right)}{hint}",
                              key, expected=right, actual=left, identity=identity(c.left, c.right, c.relation))

    doc = (f"{check.title}。\n\n由表样定义中的校验 {check.code} 给出，填报模板的“校验”区域实时显示同一差额。\n\n"
           f"失败示例：两方相差 0.01 万元。\n通过示例：{'两方相等' if check.relation == 'eq' else '左方不少于右方'}。")
    return type(check.code, (Rule,), {"__doc__": doc, "code": check.code, "title": check.title,
                                      "severity": "error", "group": "表间", "check": run, "profile_check": True})


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


def all_rules(profile=None) -> list[type[Rule]]:
    """Every rule for a profile (the default profile when None): the rules of the code and the
    profile's own [[checks]], by code. Rules that do not apply to it are included; see
    :meth:`Rule.not_applicable`."""
    return rules_for(profile)


_PROFILE_RULES: dict[tuple, list[type[Rule]]] = {}


def rules_for(profile=None) -> list[type[Rule]]:
    from ..spec import load_profile

    _load()
    p = load_profile() if profile is None else (load_profile(profile) if isinstance(profile, str) else profile)
    memo = (p.id, str(p.directory), tuple((c.code, c.title) for c in p.checks))
    got = _PROFILE_RULES.get(memo)
    if got is None:
        own = {c.code: profile_rule(c) for c in p.checks}
        clash = set(own) & set(RULES)
        if clash:
            raise ValueError(f"profile check codes clash with rules: {sorted(clash)}")
        merged = {**RULES, **own}
        got = _PROFILE_RULES[memo] = [merged[c] for c in sorted(merged)]
    return list(got)


def _matches(rule: type[Rule], pattern: str) -> bool:
    p = pattern.strip()
    return p == rule.group or fnmatch.fnmatchcase(rule.code, p.upper()) or fnmatch.fnmatchcase(rule.code, p)


def select_rules(select: list[str] | None = None, ignore: list[str] | None = None,
                 profile=None) -> list[type[Rule]]:
    """Rules chosen by code, group or glob; unknown patterns raise ValueError (a usage error)."""
    rules = rules_for(profile)
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


def in_printed_text(finding, profile) -> bool:
    """Whether an error finding is about a text the document prints as the unit wrote it: a
    narrative section of kind "text" in the profile's parts (generated sections are rewritten from
    the tables, so their errors do not reach the document)."""
    if finding.severity != "error" or affects_numbers(finding):
        return False
    for sec in (profile.parts or {}).get("narrative", []):
        if finding.row is not None and finding.row == sec.get("title"):
            return sec.get("kind") == "text"
    return False
