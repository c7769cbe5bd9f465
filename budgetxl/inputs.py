"""Load budgets from any supported input: facts CSV, published disclosure text, entry workbook."""

from __future__ import annotations

from pathlib import Path

from .errors import BudgetxlError, Problem
from .model import UnitBudget


def load_budgets(path: str | Path, profile=None) -> list[UnitBudget]:
    """All unit budgets in a file, by its kind (.xlsx entry workbook, .csv facts, .txt disclosure
    text). ``profile``: a shipped profile's id or a folder; None finds it (the workbook's fingerprint,
    else the table names)."""
    p = Path(path)
    if not p.exists():
        raise BudgetxlError(f"找不到文件：{p}")
    if p.is_dir():
        raise BudgetxlError(f"{p} 是目录，请给出文件")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        from .facts import read_facts

        return read_facts(p, profile)
    if suffix == ".txt":
        from .textimport import read_disclosure_text

        budget, _ = read_disclosure_text(p, profile)
        return [budget]
    if suffix in (".xlsx", ".xlsm"):
        from .reader.entry import NotATemplate, read_entry

        try:
            result = read_entry(p, profile=profile)
        except NotATemplate:
            from .reader.official import read_official

            return [read_official(p, profile)[0]]
        bad = [f for f in result.findings if f.code.startswith("V") and f.severity == "error"]
        if bad:
            raise BudgetxlError(f"{p}：有无法读取的数据", [Problem(f.message, file=str(p), sheet=f.sheet, cell=f.cell)
                                                     for f in bad])
        return [result.budget]
    raise BudgetxlError(f"{p}：不支持的文件类型“{suffix or '无扩展名'}”（支持 .xlsx 填报模板、.csv 数据文件、.txt 公开文本）")


def select_unit(budgets: list[UnitBudget], unit: str | None, source: str) -> UnitBudget:
    """The one budget a command works on; ``unit`` picks by 单位编码 when a file holds several."""
    if unit is not None:
        chosen = [b for b in budgets if b.unit_code == unit]
        if not chosen:
            have = "、".join(sorted({b.unit_code for b in budgets}))
            raise BudgetxlError(f"{source} 中没有单位编码 {unit}（有：{have}）")
        if len(chosen) > 1:
            years = "、".join(str(b.year) for b in chosen)
            raise BudgetxlError(f"{source} 中单位 {unit} 有多个年度（{years}），请分开文件")
        return chosen[0]
    if len(budgets) > 1:
        have = "、".join(f"{b.unit_code}{b.unit_name}({b.year})" for b in budgets[:20])
        raise BudgetxlError(f"{source} 含有 {len(budgets)} 个单位，请用 --unit 指定一个：{have}")
    return budgets[0]



def expand_inputs(inputs, suffixes=(".xlsx", ".xlsm", ".csv", ".txt")) -> list[Path]:
    """Files named by paths, directories (searched recursively for ``suffixes``) or globs, each
    once, in a stable order. A name that matches nothing is an error."""
    import glob
    import os

    out: list[Path] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            out += sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() in suffixes
                          and not x.name.startswith(("~$", ".")))
        elif p.exists():
            out.append(p)
        else:
            hits = sorted(glob.glob(str(raw), recursive=True))
            if not hits:
                raise BudgetxlError(f"找不到文件：{raw}")
            out += [Path(h) for h in hits if Path(h).is_file()]
    seen, unique = set(), []
    for p in out:
        key = os.path.realpath(p)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique
