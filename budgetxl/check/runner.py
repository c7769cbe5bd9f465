"""Run the selected rules over one input file (entry workbook, facts CSV or disclosure text)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..errors import BudgetxlError
from ..inputs import PUBLISHED_SPREADSHEETS
from ..findings import Finding
from ..model import UnitBudget
from .context import CheckContext
from .registry import Rule, rules_for, select_rules

ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class CheckResult:
    file: str
    budget: UnitBudget | None
    findings: list[Finding] = field(default_factory=list)
    unreadable: str | None = None  # a Chinese message when the file could not be read at all
    profile: str | None = None  # the profile the file was read with
    not_applicable: dict[str, str] = field(default_factory=dict)  # rule code -> why it does not apply
    not_checked: list[dict] = field(default_factory=list)  # checks that need what the file lacks

    def count(self, severity: str) -> int:
        """Headline findings of a severity (what is folded under a cause is not counted again)."""
        return sum(1 for f in self.findings if f.severity == severity)

    def folded(self) -> int:
        return sum(f.total_consequences for f in self.findings)

    @property
    def all_findings(self) -> list[Finding]:
        """Every finding, those folded under a cause included (cause first)."""
        return [g for f in self.findings for g in f.flatten()]


def unknown(f: Finding) -> bool:
    """A finding computed from a cell of an absent table or an unreadable cell (its figures are
    unknown, not zero)."""
    return any(isinstance(v, Decimal) and v.is_nan() for v in (f.expected, f.actual, f.difference)) \
        or "NaN" in f.message


def _from_nan(e: Exception) -> bool:
    """Whether an error comes from an unknown (NaN) figure met where a number was needed."""
    return isinstance(e, InvalidOperation) or "NaN" in str(e)


def check_budget(ctx: CheckContext, rules: list[type[Rule]] | None = None,
                 not_applicable: dict[str, str] | None = None, not_checked: list[dict] | None = None) -> list[Finding]:
    """Run the rules (all of the budget's profile when None) over one unit. A rule the profile
    lacks the roles for is not run; its code and the reason go to ``not_applicable``. With tables
    absent from the source, a check that needs one of them is not checkable: it is listed in
    ``not_checked`` (rule, what is missing), never reported from zeros."""
    rules = rules if rules is not None else rules_for(ctx.profile)
    out: list[Finding] = []
    absent = sorted(ctx.budget.absent)
    unreadable = ctx.budget.unreadable
    missing = "、".join([ctx.profile.tables[t].name for t in absent]
                       + [f"可读的{where}" for where in unreadable.values()])
    absent = absent or list(unreadable)  # either makes a check that needs it not checkable
    skipped: dict[str, dict] = {}
    images = [p for p in (ctx.supplement or {}).get("image_pages") or [] if isinstance(p, int)]
    folds = []
    for rule_cls in rules:
        reason = rule_cls.not_applicable(ctx.profile)
        if reason:
            if not_applicable is not None:
                not_applicable[rule_cls.code] = reason
            continue
        rule = rule_cls()
        if "findings" in rule.needs:  # works on the others' findings, after them
            folds.append(rule)
            continue
        if "previous" in rule.needs and ctx.previous is None:
            continue
        if "workbook" in rule.needs and ctx.kind != "workbook":
            continue
        if rule.says_absent and (images or ctx.budget.absent):  # what it says is not printed may be on the
            # pages read as images, or in the part of the document that is missing (tables not found)
            gap = f"第{'、'.join(map(str, images))}页（只印成图片）的文字" if images else missing
            skipped.setdefault(rule.code, {"rule": rule.code, "title": rule.title, "count": 0, "missing": gap})
            continue
        try:
            found = list(rule.check(ctx))
        except (ArithmeticError, ValueError) as e:  # Decimal NaN met where a number was needed
            if not absent or not _from_nan(e):  # any other error is a bug, reported, never "not checkable"
                out.append(Finding(rule.code, "error", f"规则 {rule.code} 执行出错（{type(e).__name__}: {e}），"
                                                       "请反馈给开发者", file=ctx.file, unit=ctx.budget.unit_code))
                continue
            found = []
            skipped.setdefault(rule.code, {"rule": rule.code, "title": rule.title, "missing": missing, "count": 0})
        except BudgetxlError as e:  # the profile's data (a word list) is broken: said as it is, not as a bug
            out.append(Finding(rule.code, "error", f"规则 {rule.code} 无法执行：{e}", file=ctx.file,
                               unit=ctx.budget.unit_code))
            continue
        except Exception as e:  # a bug in a rule must not hide the others' findings
            out.append(Finding(rule.code, "error", f"规则 {rule.code} 执行出错（{type(e).__name__}: {e}），请反馈给开发者",
                               file=ctx.file, unit=ctx.budget.unit_code))
            continue
        for f in found:
            if absent and unknown(f):
                entry = skipped.setdefault(rule.code, {"rule": rule.code, "title": rule.title, "missing": missing,
                                                       "count": 0})
                entry["count"] += 1
            else:
                out.append(f)
    if not_checked is not None:
        not_checked.extend(skipped.values())
    from .cause import organize

    folds.sort(key=lambda r: r.code == "X100")  # the cell behind several findings last: tails are not its
    for rule in folds:
        try:
            out = rule.fold(ctx, out)
        except Exception as e:  # a bug in folding must not hide the findings themselves
            out.append(Finding(rule.code, "error", f"规则 {rule.code} 执行出错（{type(e).__name__}: {e}），请反馈给开发者",
                               file=ctx.file, unit=ctx.budget.unit_code))
    return out if folds else organize(ctx, out, attribute=False)


def _published(p: Path, profile) -> list[CheckContext]:
    """A published document (PDF, Word, a workbook in a published layout) read onto its profile;
    what could not be read is reported (V05)."""
    from ..published.mapping import read_published

    reading = read_published(p, profile)
    for f in reading.findings:
        f.unit = reading.budget.unit_code
    return [CheckContext(reading.budget, str(p), reading.positions, reading.findings, kind="document",
                         quanta=reading.quanta)]


def _official(p: Path, profile) -> list[CheckContext]:
    """A workbook without budgetxl's fingerprint: budgetxl's official layout, else a published one."""
    from ..reader.official import official_or_published

    got, published = official_or_published(p, profile, lambda: _published(p, profile))
    if published is not None:
        return published
    budget, positions = got
    notes = [Finding("V01", "warning", n.message, file=str(p), unit=budget.unit_code, sheet=n.sheet)
             for n in budget.read_notes]
    return [CheckContext(budget, str(p), positions, notes, kind="official")]


def load_for_check(path: str | Path, profile: str | None = None,
                   verify_lists: bool | str = "auto") -> list[CheckContext]:
    """Contexts for every unit in a file (an entry workbook holds one; a facts CSV may hold many)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in PUBLISHED_SPREADSHEETS:  # .xls, .ods: never an entry workbook, read as published
        return _official(p, profile)
    if suffix in (".xlsx", ".xlsm"):
        from ..reader.entry import NotATemplate, read_entry

        try:
            r = read_entry(p, profile=profile, verify_lists=verify_lists)
        except NotATemplate:  # no fingerprint: an official-layout workbook, perhaps
            return _official(p, profile)
        return [CheckContext(r.budget, str(p), r.positions, r.findings, kind="workbook", meta=r.meta)]
    if suffix in (".pdf", ".docx"):  # a published document: read what can be read, report the rest
        return _published(p, profile)
    if suffix == ".txt":  # a published text: read what can be read, report the rest (V05)
        from ..textimport import read_disclosure_text

        budget, _ = read_disclosure_text(p, profile, strict=False)
        read = [Finding(code, severity, pr.message, file=str(p), unit=budget.unit_code,
                        extra={"origin": f"{p} 第{pr.line}行"} if pr.line else {})
                for code, severity, found in (("V05", "error", budget.read_problems), ("V01", "warning", budget.read_notes))
                for pr in found]
        return [CheckContext(budget, str(p), read_findings=read, kind="text")]
    if suffix == ".csv":  # a derived figure that disagrees is a finding at its line, not a refusal
        from ..facts import read_facts

        return [CheckContext(b, str(p), kind="facts") for b in read_facts(p, profile, derived_agree=False)]
    from ..inputs import load_budgets

    budgets = load_budgets(p, profile)
    return [CheckContext(b, str(p), kind="facts") for b in budgets]


def check_file(path: str | Path, rules: list[type[Rule]] | None = None, *, previous: UnitBudget | None = None,
               profile: str | None = None, supplement: dict | None = None, function_codes=None,
               economic_codes=None, select: list[str] | None = None,
               ignore: list[str] | None = None) -> list[CheckResult]:
    """Check every unit of a file. ``rules``: the rules to run; or ``select``/``ignore`` patterns,
    resolved against the profile each unit was read with (its own [[checks]] included)."""
    from ..errors import BudgetxlError

    try:
        contexts = load_for_check(path, profile)
    except BudgetxlError as e:
        return [CheckResult(str(path), None, [], unreadable=str(e))]
    results = []
    for ctx in contexts:
        ctx.previous = previous(ctx.budget) if callable(previous) else previous  # callable: per unit
        ctx.function_codes, ctx.economic_codes = function_codes, economic_codes
        if supplement is not None and ctx.budget.supplement is None:
            ctx.budget.supplement = supplement
        chosen = rules
        if chosen is None and (select or ignore):
            chosen = select_rules(select, ignore, profile=ctx.profile)
        skipped: dict[str, str] = {}
        not_checked: list[dict] = []
        findings = check_budget(ctx, chosen, skipped, not_checked)
        # cause first, consequences folded under their cause (budgetxl.check.cause); tables in the
        # profile's order (not by their names, which differ between profiles)
        results.append(CheckResult(str(path), ctx.budget, findings, profile=ctx.profile.id, not_applicable=skipped,
                                   not_checked=not_checked))
    return results


def check_path(path: str | Path, **kw) -> list[CheckResult]:
    """:func:`check_file` of one input of a command, or why it is not read (an unsupported type)."""
    from ..inputs import unsupported_reason

    refused = unsupported_reason(path, published=True)
    if refused:
        return [CheckResult(str(path), None, [], unreadable=f"{path}：{refused}")]
    return check_file(path, **kw)


def flag_same_unit(results: list[CheckResult]) -> None:
    """The same unit and year in two or more files (U01, as consolidate refuses to count either):
    an error at the head of each such file's findings, naming the other files. Like READ (a file
    that cannot be read) it is a finding of a run over many files, not a rule of one unit, so
    --select/--ignore do not apply to it."""
    from collections import defaultdict

    by_key: dict[tuple, list[CheckResult]] = defaultdict(list)
    for r in results:
        if r.budget is not None:
            by_key[r.budget.key].append(r)
    for (code, year), same in by_key.items():
        if len({r.file for r in same}) < 2:
            continue
        for r in same:
            others = "、".join(sorted({x.file for x in same if x.file != r.file}))
            r.findings.insert(0, Finding("U01", "error", f"单位 {code}（{year}年）同时出现在 {others}：汇总时两者都不计入，"
                                                         "请确认哪个文件是正确版本", file=r.file, unit=code))
