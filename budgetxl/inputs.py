"""Load budgets from any supported input: facts CSV, published disclosure text, entry workbook."""

from __future__ import annotations

from pathlib import Path

from .errors import BudgetxlError, Problem
from .model import UnitBudget
from .filekinds import OTHER_SPREADSHEETS, PUBLISHED_SPREADSHEETS, SAVE_AS_XLSX, SUPPORTED


def unsupported_reason(path: str | Path, published: bool = False) -> str | None:
    """Why budgetxl does not read this file, in Chinese with what to do; None if it may be read.
    ``published``: the command reads published documents too (check, import), so an .xls or .ods
    is read as an official-layout workbook.

    The one message every command gives for another spreadsheet format (.xls, .ods …)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if p.name.startswith("~$"):
        return "Excel/WPS 打开工作簿时生成的临时锁定文件，不是填报文件（关闭该工作簿后会自动消失）"
    if published and suffix in PUBLISHED_SPREADSHEETS:
        return None
    if suffix in OTHER_SPREADSHEETS:
        return f"{OTHER_SPREADSHEETS[suffix]}（{suffix}）不能直接读取：{SAVE_AS_XLSX} 后再提交"
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".pdf", ".docx"):
        return f"不支持的文件类型“{suffix or '无扩展名'}”（{SUPPORTED}；其他表格{SAVE_AS_XLSX}）"
    return None


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
    if p.name.startswith("~$"):
        raise BudgetxlError(f"{p}：{unsupported_reason(p)}")
    if suffix == ".csv":
        from .facts import read_facts

        return read_facts(p, profile)
    if suffix == ".txt":
        from .textimport import read_disclosure_text

        budget, _ = read_disclosure_text(p, profile)
        return [budget]
    if suffix in (".pdf", ".docx"):
        return _published(p, profile)
    if suffix in PUBLISHED_SPREADSHEETS:  # never an entry workbook (its fingerprint lives in the xlsx)
        return _official(p, profile)
    if suffix in (".xlsx", ".xlsm"):
        from .reader.entry import NotATemplate, read_entry

        try:
            result = read_entry(p, profile=profile)
        except NotATemplate:
            return _official(p, profile)
        bad = [f for f in result.findings if f.code.startswith("V") and f.severity == "error"]
        if bad:
            raise BudgetxlError(f"{p}：有无法读取的数据", [Problem(f.message, file=str(p), sheet=f.sheet, cell=f.cell)
                                                     for f in bad])
        return [result.budget]
    raise BudgetxlError(f"{p}：{unsupported_reason(p)}")


def _official(p: Path, profile) -> list[UnitBudget]:
    """A workbook without budgetxl's fingerprint: budgetxl's official layout, else a published one."""
    from .reader.official import official_or_published

    got, published = official_or_published(p, profile, lambda: _published(p, profile))
    return published if published is not None else [got[0]]


def _published(p: Path, profile) -> list[UnitBudget]:
    """A published document read onto its profile; anything unreadable is refused (every problem
    listed); what was read but printed irregularly (V01) is kept in ``read_notes``, as the text
    reader keeps it."""
    from .published.mapping import read_published

    reading = read_published(p, profile)
    bad = [f for f in reading.findings if f.severity == "error"]
    if bad:
        raise BudgetxlError(f"{p}：有无法读取的内容", [Problem(f.message, file=str(p)) for f in bad])
    reading.budget.read_notes = [Problem(f.message, file=str(p)) for f in reading.findings]
    return [reading.budget]


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



def expand_inputs(inputs) -> list[Path]:
    """Every file named by paths, directories (searched recursively) or globs, each once, in a
    stable order. A directory gives every file in it, whatever its type, as a glob matching the
    same files does: the commands account for each one (read, or refused with the reason). A name
    that matches nothing is an error."""
    import glob
    import os

    out: list[Path] = []
    for raw in inputs:
        p = Path(raw)
        if p.is_dir():
            out += sorted((x for x in p.rglob("*") if x.is_file()), key=lambda x: x.as_posix())
        elif p.exists():
            out.append(p)
        else:
            hits = sorted(glob.glob(str(raw), recursive=True))
            if not hits:
                raise BudgetxlError(f"找不到文件：{raw}")
            for h in hits:
                hp = Path(h)
                if hp.is_dir():
                    out += sorted((x for x in hp.rglob("*") if x.is_file()), key=lambda x: x.as_posix())
                elif hp.is_file():
                    out.append(hp)
    seen, unique = set(), []
    for p in out:
        key = os.path.realpath(p)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique
