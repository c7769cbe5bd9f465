"""Classification code lists (支出功能分类科目, 部门预算支出经济分类科目).

The lists shipped in ``templates/codes/`` state their edition and provenance in ``#`` lines at
the top. A finance bureau can load its own official list from CSV (UTF-8 or GB18030) or XLSX:
the first columns holding codes and names, with or without a header row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import BudgetxlError
from .labels import ascii_digits, norm

CLASSIFICATION_NAMES = {"function": "支出功能分类科目", "economic": "部门预算支出经济分类科目"}
_LENGTHS = {"function": (3, 5, 7), "economic": (3, 5)}


@dataclass
class CodeList:
    classification: str
    entries: dict[str, str]
    edition: str = ""
    source: str = ""
    path: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    bundled: bool = False  # shipped with budgetxl (hand-compiled), not a bureau's official list

    @property
    def year(self) -> int | None:
        """The budget year the list is for: its ``# year:`` line, else the 4-digit year in its file
        name or edition."""
        import re

        for text in (self.meta.get("year", ""), Path(self.path).stem, self.edition):
            m = re.search(r"(20\d{2})", text or "")
            if m:
                return int(m.group(1))
        return None

    def describe(self, budget_year: int | None = None) -> str:
        """Which list this is, for messages: the bureau's, or budgetxl's own hand-compiled one (never
        presented as the official list), and whether it is for another year."""
        what = CLASSIFICATION_NAMES[self.classification]
        if self.bundled:
            text = (f"budgetxl 自带的{what}（{self.year or ''}{'年版，' if self.year else ''}手工整理，未经与财政部正式文本"
                    "逐条核对，不是官方代码表；财政局的正式代码表可用 --codes 加载）")
        else:
            text = f"财政局提供的{what}（{Path(self.path).name}{'，' + self.edition if self.edition and self.edition != Path(self.path).name else ''}）"
        if budget_year and self.year and self.year != budget_year:
            text += f"；注意：这是 {self.year} 年的代码表，{budget_year} 年没有对应的代码表"
        return text

    def name(self, code: str) -> str | None:
        return self.entries.get(code)

    def __contains__(self, code: str) -> bool:
        return code in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    def children(self, code: str) -> list[str]:
        lengths = _LENGTHS[self.classification]
        nxt = [n for n in lengths if n > len(code)]
        if not nxt:
            return []
        return [c for c in self.entries if len(c) == nxt[0] and c.startswith(code)]

    def search(self, query: str, limit: int | None = None) -> list[tuple[str, str]]:
        """Codes starting with ``query`` (digits) or whose name contains it (text)."""
        q = query.strip()
        if ascii_digits(q):
            hits = [(c, n) for c, n in self.entries.items() if c.startswith(q)]
        else:
            nq = norm(q)
            hits = [(c, n) for c, n in self.entries.items() if nq in norm(n)]
        hits.sort()
        return hits[:limit] if limit else hits

    def counts(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for c in self.entries:
            out[len(c)] = out.get(len(c), 0) + 1
        return out


def _rows_from_csv(data: bytes) -> tuple[list[list[str]], dict[str, str]]:
    from .fileio import decode_bureau_text

    text = decode_bureau_text(data, "科目代码文件")
    meta: dict[str, str] = {}
    body = []
    for line in text.splitlines():
        if line.startswith("#"):
            k, _, v = line[1:].partition(":")
            meta[k.strip()] = v.strip()
        else:
            body.append(line)
    return list(csv.reader(io.StringIO("\n".join(body)))), meta


def _rows_from_xlsx(path: Path) -> list[list[str]]:
    from .safety import open_workbook_checked

    wb = open_workbook_checked(path, read_only=True)
    try:
        ws = wb.worksheets[0]
        rows = []
        for r in ws.iter_rows(max_col=2, values_only=True):
            rows.append(["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)) for v in r])
        return rows
    finally:
        wb.close()


def load_code_list(path: str | Path, classification: str) -> CodeList:
    """Load a code list from CSV or XLSX. Codes are digit strings; names are kept as written."""
    p = Path(path)
    if not p.is_file():
        raise BudgetxlError(f"找不到科目代码文件：{p}")
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        rows, meta = _rows_from_xlsx(p), {}
    else:
        rows, meta = _rows_from_csv(p.read_bytes())
    entries: dict[str, str] = {}
    problems = []
    lengths = _LENGTHS[classification]
    for i, row in enumerate(rows, start=1):
        if len(row) < 2 or not row[0].strip():
            continue
        code, name = row[0].strip(), row[1].strip()
        if not ascii_digits(code):
            if i <= 3:  # a header row
                continue
            problems.append(f"{p.name} 第{i}行：科目编码“{code}”不是数字")
            continue
        if len(code) not in lengths:
            problems.append(f"{p.name} 第{i}行：科目编码“{code}”长度应为 {'/'.join(map(str, lengths))} 位")
            continue
        entries[code] = name
    if problems:
        raise BudgetxlError(f"科目代码文件 {p} 有误：\n  " + "\n  ".join(problems[:50]))
    if not entries:
        raise BudgetxlError(f"科目代码文件 {p} 中没有读到任何科目")
    return CodeList(classification, dict(sorted(entries.items())), meta.get("edition", ""), meta.get("source", ""),
                    str(p), meta)


@lru_cache(maxsize=16)
def _default(profile_dir: str, relative: str, classification: str) -> CodeList:
    cl = load_code_list(Path(profile_dir) / relative, classification)
    cl.bundled = True
    return cl


def code_list(profile, classification: str) -> CodeList:
    """The code list a profile ships for ``function`` or ``economic`` codes."""
    rel = profile.function_codes if classification == "function" else profile.economic_codes
    return _default(str(profile.directory), rel, classification)


def load_bureau_codes(path: str | Path) -> tuple[CodeList | None, CodeList | None]:
    """A bureau's own list, which may hold function codes (2xx…), economic codes (3xx…) or both.

    Returns (function list, economic list); a kind the file does not contain is None.
    """
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        rows, meta = _rows_from_xlsx(p), {}
    else:
        if not p.is_file():
            raise BudgetxlError(f"找不到科目代码文件：{p}")
        rows, meta = _rows_from_csv(p.read_bytes())
    kinds: dict[str, dict[str, str]] = {"function": {}, "economic": {}}
    for row in rows:
        if len(row) < 2:
            continue
        code, name = row[0].strip(), row[1].strip()
        if ascii_digits(code):
            kind = "economic" if code[0] in "35" and len(code) in (3, 5) else "function"
            kinds[kind][code] = name
    out = []
    for kind in ("function", "economic"):
        entries = kinds[kind]
        if not entries:
            out.append(None)
            continue
        lengths = _LENGTHS[kind]
        bad = [c for c in entries if len(c) not in lengths]
        if bad:
            raise BudgetxlError(f"科目代码文件 {p} 中编码长度不对：{'、'.join(bad[:10])}")
        out.append(CodeList(kind, dict(sorted(entries.items())), meta.get("edition", p.name), meta.get("source", ""),
                            str(p), meta))
    if out == [None, None]:
        raise BudgetxlError(f"科目代码文件 {p} 中没有读到任何科目")
    return out[0], out[1]
