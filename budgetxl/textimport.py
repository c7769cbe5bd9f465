"""Read the nine tables out of the text of a published disclosure.

Published disclosures are usually Word/PDF documents. Their text, extracted with one cell per
line (tab-indented) and a blank line between rows, is what this module reads: it finds each
table by its official title, checks the header against the profile, and returns every printed
number. This is how an existing publication is brought into budgetxl (``budgetxl import-text``)
and how the tests prove that budgetxl reproduces a real publication cell for cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import BudgetxlError, ProblemList
from .labels import norm
from .model import UnitBudget
from .money import AmountError, parse_amount
from .detect import by_text, resolve
from .spec import TOTAL, TOTAL_LABEL, Profile, Table
from .textblocks import ARTEFACT, YEAR, blocks
from .textparts import complete, extract_parts



@dataclass
class PrintedTable:
    """A table as printed: its title lines, header rows, 栏次 row and data rows (cell texts)."""

    table: Table
    line: int
    unit_line: str = ""
    year: int | None = None
    header_rows: list[list[str]] = field(default_factory=list)
    lanci: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    row_lines: list[int] = field(default_factory=list)
    note: str = ""


def find_tables(text: str, profile: Profile) -> list[PrintedTable]:
    lines = text.splitlines()
    titles = table_titles(profile)
    out: list[PrintedTable] = []
    seen: set[str] = set()
    shortest = min(map(len, titles), default=0)
    for i, raw in enumerate(lines):
        if raw.startswith("\t") or len(raw) < shortest or not raw.strip():
            continue  # a cell, or too short to be a title (blank lines included)
        t = match_title(norm(ARTEFACT.sub("", raw)), titles)
        if t is not None and t.id in seen:
            t = None  # a table is read once (a later mention is a cross-reference, not the table)
        if t is None:
            continue
        pt = PrintedTable(t, i + 1)
        rows = list(blocks(lines, i + 1))
        if not rows:
            continue
        first = rows[0][1]
        pt.unit_line = first[0] if first else ""
        for cell in first:
            m = YEAR.search(cell)
            if m:
                pt.year = int(m.group(1))
        stage = "header"
        for ln, cells in rows[1:]:
            if stage == "header":
                if cells and norm(cells[0]) == "栏次":
                    pt.lanci = cells
                    stage = "data"
                else:
                    pt.header_rows.append(cells)
                continue
            if cells and norm(cells[0]) in ("序号", "栏次") or cells in pt.header_rows:
                continue  # header rows repeated on a new page
            pt.rows.append(cells)
            pt.row_lines.append(ln)
        # a note such as 注：无…，空表列示。 printed right after the table
        j = (rows[-1][0] + len(rows[-1][1])) if rows else i
        while j < len(lines) and (lines[j].startswith("\t") or not lines[j].strip()):
            j += 1
        if j < len(lines) and lines[j].strip().startswith("注"):
            pt.note = lines[j].strip().split("\t")[0]
        out.append(pt)
        seen.add(t.id)
    return out


# what may stand before a table's title: "表一：", "附表3", "XX局2024年" …
_TITLE_PREFIX = re.compile(r"^(?:附?表[一二三四五六七八九十\d]+[、:.．-]*)?(?:.*\d{4}年度?)?$")


def match_title(line: str, titles: dict):
    """The table a (normalized) line is the title of: a title form ending the line, longest first,
    after nothing or a table number / a unit name with the year."""
    if line in titles:
        return titles[line]
    for form in _longest_first(tuple(titles)):
        if line.endswith(form):
            prefix = line[: -len(form)]
            if _TITLE_PREFIX.match(prefix) and (re.search(r"\d{4}年", prefix) or re.match(r"附?表", prefix)):
                return titles[form]
            return None
    return None


@lru_cache(maxsize=16)
def _longest_first(forms: tuple[str, ...]) -> list[str]:
    return sorted(forms, key=len, reverse=True)


def table_titles(profile) -> dict:
    """Normalized printed titles of the tables: the full title, and the title with 部门预算 shortened
    to 部门 or left out (as some publications print them). The forms are distinct per table."""
    out = {}
    for t in profile.ordered:
        full = norm(t.title)
        forms = {full}
        if profile.title_prefix and full.startswith(profile.title_prefix):
            rest = full[len(profile.title_prefix):]
            forms |= {"部门" + rest, rest}
        for f in forms:
            out.setdefault(f, t)
    return out


def unit_from_line(unit_line: str) -> tuple[str, str]:
    m = re.match(r"^\s*(\d+)\s*(.*)$", unit_line)
    return (m.group(1), m.group(2).strip()) if m else ("", unit_line.strip())


MAX_TEXT_BYTES = 4 * 1024 * 1024  # a disclosure's text is 30-300 KB; reading time grows with size
MAX_TEXT_LINES = 200_000  # and 1,000-10,000 lines (each line costs a few microseconds per pass)


def read_disclosure_text(path: str | Path, profile: Profile | str | None = None, *, strict: bool = True
                         ) -> tuple[UnitBudget, list[PrintedTable]]:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise BudgetxlError(f"{p}：无法打开文件（{e.strerror}）") from None
    if size > MAX_TEXT_BYTES:
        raise BudgetxlError(f"{p}：文本大小 {size / 1048576:.1f} MB 超过上限 {MAX_TEXT_BYTES // 1048576} MB"
                            "（一份部门预算公开文本通常不足 0.5 MB），拒绝读取。请确认文件是否正确，或只保留该单位的公开内容")
    try:
        text = p.read_text("utf-8-sig")
    except UnicodeDecodeError:
        text = p.read_bytes().decode("gb18030", errors="replace")
    return parse_disclosure_text(text, str(p), profile, strict=strict)


def parse_disclosure_text(text: str, name: str = "<text>", profile: Profile | str | None = None, *,
                          strict: bool = True) -> tuple[UnitBudget, list[PrintedTable]]:
    """Parse the nine tables. Every printed number goes to ``inputs`` (input cells) or ``given``
    (derived cells, to be compared with the computed values).

    ``strict`` (import): anything unreadable is an error. Otherwise (check): what can be read is
    read, and the rest is kept in ``budget.read_problems`` to be reported as findings (V05).
    """
    lines = text.count("\n") + 1
    if lines > MAX_TEXT_LINES:
        raise BudgetxlError(f"{name}：文本有 {lines} 行，超过上限 {MAX_TEXT_LINES} 行"
                            "（一份部门预算公开文本通常几千行），拒绝读取。请确认文件是否正确")
    prof = resolve(profile, lambda: by_text(text, name))
    printed = find_tables(text, prof)
    problems = ProblemList()
    found = {pt.table.id for pt in printed}
    absent = [t for t in prof.ordered if t.id not in found]
    if absent:  # one finding for all of them: absent is not zero, what needs them is not checkable
        problems.add(f"没有找到{len(absent)}张表：" + "、".join(f"“{t.title}”" for t in absent)
                     + f"（按标题在全文 {len(text.splitlines())} 行中查找；依赖这些表的审核无法进行）", file=name)
    if not printed:
        problems.raise_if_any(f"{name}：不是可识别的部门预算公开文本")
    code, unit_name = unit_from_line(printed[0].unit_line)
    year = next((pt.year for pt in printed if pt.year), None)
    if year is None:  # no 预算年度 line: the document's title says it (……2024年部门预算……)
        m = re.search(r"(20\d{2})\s*年(?:度)?部门预算", text)
        year = int(m.group(1)) if m else None
    if year is None:
        problems.add("没有找到“预算年度：YYYY”，也无法从标题中看出预算年度", file=name)
        year = 0
    budget = UnitBudget(prof, code, unit_name, year)
    budget.mark_absent(t.id for t in absent)
    for pt in printed:
        load_table(budget, pt, name, problems)
    if strict:
        problems.raise_if_any(f"{name}：表格内容无法识别")
    budget.read_problems = list(problems.items)
    budget.supplement = complete(extract_parts(text, prof), prof,
                                 {"code": budget.unit_code, "name": budget.unit_name, "year": budget.year})
    return budget, printed


_ZERO_MARKS = {"-", "—", "－", "–", "/", "／", "——", "--"}


def _amount(text: str, where: dict, problems: ProblemList):
    t = text.strip().replace(",", "").replace("，", "")
    if t == "" or t in _ZERO_MARKS:  # a dash is how some publications print zero
        return None
    try:
        return parse_amount(t)
    except AmountError as e:
        problems.add(str(e), **where)
        return None


def _put(budget: UnitBudget, t: Table, row: str, col: str, value, origin: str) -> None:
    budget.put((t.id, row, col), value, origin=origin)


def load_table(budget: UnitBudget, pt: PrintedTable, name: str, problems: ProblemList) -> None:
    t = pt.table
    width = len(t.grid)
    used: set[str] = set()
    for cells, ln in zip(pt.rows, pt.row_lines):
        where = {"file": name, "line": ln}
        if not any(c.strip() for c in cells):
            continue  # the blank row of an empty table
        if len(cells) != width:
            problems.add(f"{t.name}的数据行应有{width}格，实有{len(cells)}格", **where)
            continue
        origin = f"{name} 第{ln}行"
        if t.coded:
            code, label = cells[1].strip(), cells[2].strip()
            code = "" if code in _ZERO_MARKS else code
            row = code if code else (TOTAL if norm(label) == TOTAL_LABEL else None)
            if row is None:
                problems.add(f"{t.name}的行既无科目编码也不是合计行：{label}", **where)
                continue
            if row != TOTAL:
                budget.add_code(t.id, row, label)
            for col, text in zip(t.columns, cells[3:]):
                v = _amount(text, where, problems)
                if v is not None:
                    _put(budget, t, row, col.key, v, origin)
            continue
        idx = int(cells[0]) - 1 if re.fullmatch(r"[0-9]{1,6}", cells[0].strip()) else -1
        pos = 1
        for side in t.sides:
            label = cells[pos]
            values = cells[pos + 1: pos + 1 + len(side.columns)]
            pos += 1 + len(side.columns)
            if not label.strip():
                if any(v.strip() for v in values):
                    problems.add(f"{t.name}第{cells[0]}行“{side.group or '项目'}”一侧有金额却没有项目名称", **where)
                continue
            item = _locate(t, side, label, idx, used)
            if item is None:
                problems.add(f"{t.name}中没有项目“{label}”（第{cells[0]}行）", **where)
                continue
            used.add(item.key)
            for col, text in zip(side.columns, values):
                v = _amount(text, where, problems)
                if v is not None:
                    _put(budget, t, item.key, col.key, v, origin)


def _locate(t: Table, side, label: str, idx: int, used: set[str]):
    """The item a printed row label names on one side of a fixed table, found by its label (so a
    publication whose table lists a class more or less than the profile still reads); a label
    printed twice (财政拨款收支总表) is told apart by position, then by order."""
    want = norm(label)
    candidates = [it for it in (*side.body, *(r[side.key] for r in t.footer if r.get(side.key)))
                  if want in it.forms]
    if not candidates:
        return None
    if 0 <= idx < len(t.fixed_rows):
        at = t.fixed_rows[idx].get(side.key)
        if at is not None and at in candidates:
            return at
    fresh = [it for it in candidates if it.key not in used]
    return (fresh or candidates)[0]
