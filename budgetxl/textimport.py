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
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from .errors import BudgetxlError, ProblemList
from .labels import ascii_digits, norm, pad_code_parts
from .model import UnitBudget
from .money import AmountError, convert, parse_amount
from .facts import describe_cell
from .detect import by_text, resolve
from .published.figures import money_unit
from .published.mapping import title_forms
from .spec import LANCI, SERIAL, TOTAL, TOTAL_LABEL, Profile, Table
from .textblocks import ARTEFACT, YEAR, blocks
from .textparts import complete, extract_parts



@dataclass
class PrintedTable:
    """A table as printed: its title lines, header rows, 栏次 row (where the profile prints one) and
    data rows (cell texts). ``cells``: where each value read came from (cell key -> (index into
    ``rows``, printed column)), filled in by :func:`load_table`."""

    table: Table
    line: int
    unit_line: str = ""
    year: int | None = None
    money_unit: str | None = None  # the unit the table's caption states (单位：元), if any
    header_rows: list[list[str]] = field(default_factory=list)
    lanci: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    row_lines: list[int] = field(default_factory=list)
    note: str = ""
    cells: dict = field(default_factory=dict)

    def read_caption(self, texts: list[str], title: str = "") -> None:
        """The unit line, the year and the money unit from the caption cells under the title (the
        year from the title itself when no 预算年度 line is printed: 2025年部门收入预算总表)."""
        texts = [t for t in texts if t and t.strip()]
        self.unit_line = texts[0] if texts else ""
        for cell in texts:
            m = YEAR.search(cell)
            if m:
                self.year = int(m.group(1))
            self.money_unit = self.money_unit or money_unit(cell)
        if self.year is None:
            m = _TITLE_YEAR.search(title)
            if m:
                self.year = int(m.group(1))
        if texts and (money_unit(texts[0]) or YEAR.search(texts[0])):
            self.unit_line = ""  # no unit line: the first caption cell is the unit or the year


_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def header_words(t: Table) -> set[str]:
    """The normalized texts a table's header rows print."""
    return {norm(h) for g in t.grid for h in g.path if h}


def is_header_row(cells: list[str], words: set[str]) -> bool:
    texts = {norm(c) for c in cells if c.strip()}
    return bool(texts) and texts <= words


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
        pt.read_caption(rows[0][1], ARTEFACT.sub("", raw))
        words = header_words(t)
        stage = "header"
        for ln, cells in rows[1:]:
            if stage == "header":
                if t.column_numbers:  # the header ends with the 栏次 row
                    if cells and norm(cells[0]) == LANCI:
                        pt.lanci = cells
                        stage = "data"
                    else:
                        pt.header_rows.append(cells)
                    continue
                # no 栏次 row: the header is the rows printing only header texts, as deep as the table's
                if len(pt.header_rows) < t.header_depth and is_header_row(cells, words):
                    pt.header_rows.append(cells)
                    continue
                stage = "data"
            if cells and norm(cells[0]) in (SERIAL, LANCI) or cells in pt.header_rows:
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
    """Normalized printed titles of the tables: every title the profile gives a table (its 单位
    variants too), with the profile's title prefix (部门预算) shortened or left out as some
    publications print them. The forms are distinct per table."""
    out = {}
    for t in profile.ordered:
        for f in sorted(title_forms(t, profile)):
            out.setdefault(f, t)
    return out


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
    read, and the rest is kept in ``budget.read_problems`` to be reported as findings (V05). What
    is read but printed irregularly is in ``budget.read_notes`` either way (format warnings, V01).
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
    code, unit_name = prof.read_unit_line(next((pt.unit_line for pt in printed if pt.unit_line), ""))
    year = next((pt.year for pt in printed if pt.year), None)
    if year is None:  # no 预算年度 line nor a year in the tables' titles: the document's title says it
        m = re.search(r"(20\d{2})\s*年(?:度)?(?:部门|单位)预算", text)
        year = int(m.group(1)) if m else None
    if year is None:
        problems.add("没有找到预算年度（表头下没有“预算年度：YYYY”，表和文档的标题中也没有“YYYY年”）", file=name)
        year = 0
    budget = UnitBudget(prof, code, unit_name, year)
    budget.mark_absent(t.id for t in absent)
    notes = ProblemList()
    for pt in printed:
        load_table(budget, pt, name, problems, notes)
    if strict:
        problems.raise_if_any(f"{name}：表格内容无法识别")
    budget.read_problems = list(problems.items)
    budget.read_notes = list(notes.items)
    budget.supplement = complete(extract_parts(text, prof), prof,
                                 {"code": budget.unit_code, "name": budget.unit_name, "year": budget.year})
    return budget, printed


_ZERO_MARKS = {"-", "—", "－", "–", "/", "／", "——", "--"}


def _printed(text: str) -> bool:
    """A cell that prints something other than a blank or a dash (zero)."""
    s = text.strip().replace(",", "").replace("，", "")
    return s != "" and s not in _ZERO_MARKS


def _amount(text: str, printed_unit: str | None, t: Table, places: int, where: dict, problems: ProblemList):
    """The amount a printed cell holds in its table's unit (a caption stating another unit —
    单位：元 over a 万元 table — converts exactly; what cannot be held to ``places`` decimals is refused)."""
    if not _printed(text):  # a dash is how some publications print zero
        return None
    s = text.strip().replace(",", "").replace("，", "")
    try:
        value = parse_amount(s)
    except AmountError as e:
        problems.add(str(e), **where)
        return None
    if printed_unit is None or printed_unit == t.money_unit:
        return value
    try:
        converted = convert(value, printed_unit, t.money_unit)
    except AmountError as e:
        problems.add(str(e), **where)
        return None
    exact = converted.quantize(Decimal(1).scaleb(-places))
    if exact != converted:
        problems.add(f"{t.name}的“{text.strip()}”（{printed_unit}）换算为{t.money_unit}后超过{places}位小数", **where)
        return None
    return exact


def _widen(t: Table, cells: list[str], width: int) -> list[str]:
    """A row as the table's printed columns: the 合计 label a profile prints across the code and
    name cells comes out of a text once (``合计``, then the amounts); it goes to the name cell."""
    codes = [i for i, g in enumerate(t.grid) if g.kind == "code"]
    if t.coded and t.total_spans_code and codes and len(cells) == width - len(codes):
        c0 = codes[0]
        return cells[:c0] + [""] * len(codes) + cells[c0:]
    return cells


def _code(t: Table, parts: list[str], where: dict, problems: ProblemList, notes: ProblemList) -> str | None:
    """The code a row's code cell(s) print (类 | 款 | 项 joined), None when they print none; a
    level printed without its leading zero (``301 | 2``) is read padded, with a note (V01, as the
    published-document reader says it)."""
    parts = ["" if p in _ZERO_MARKS else p for p in parts]
    given = [p for p in parts if p]
    if not given:
        return None
    if not all(ascii_digits(p) for p in given):
        problems.add(f"{t.name}的科目编码“{' | '.join(given)}”不是数字", **where)
        return ""
    if len(parts) == 1:
        return given[0]
    code, note = pad_code_parts(parts, [b - a for a, b in t.code_parts])
    if note:
        notes.add(f"{t.name}的{note}", **where)
    return code


def load_table(budget: UnitBudget, pt: PrintedTable, name: str, problems: ProblemList, notes: ProblemList) -> None:
    """Put every amount of a printed table into the budget, the cells found by the table's printed
    columns as the profile lays them out (序号 or not, one code cell or 类 | 款 | 项, a label column
    per side or none); where each came from goes to ``pt.cells``. What is read but printed
    irregularly goes to ``notes`` (format warnings, V01)."""
    t = pt.table
    grid = t.grid
    width = len(grid)
    places = budget.profile.money_places
    code_cols = [i for i, g in enumerate(grid) if g.kind == "code"]
    name_col = next((i for i, g in enumerate(grid) if g.kind == "name"), None)
    used: set[str] = set()
    for k, (cells, ln) in enumerate(zip(pt.rows, pt.row_lines)):
        where = {"file": name, "line": ln}
        if not any(c.strip() for c in cells):
            continue  # the blank row of an empty table
        cells = _widen(t, cells, width)
        if len(cells) != width:
            problems.add(f"{t.name}的数据行应有{width}格，实有{len(cells)}格", **where)
            continue
        origin = f"{name} 第{ln}行"

        def put(row: str, col, j: int) -> None:
            v = _amount(cells[j], pt.money_unit, t, places, where, problems)
            key = (t.id, row, col.key)
            if v is not None:
                budget.put(key, v, origin=origin)
                pt.cells[key] = (k, j)
            elif _printed(cells[j]) and t.id in budget.profile.tables and budget.profile.cell_function(key) is None:
                budget.mark_unreadable(key, describe_cell(budget.profile, key))  # refused: unknown, not zero

        if t.coded:
            parts = [cells[i].strip() for i in code_cols]
            label = cells[name_col].strip()
            if t.total_spans_code and not label and parts and norm(parts[0]) == TOTAL_LABEL \
                    and not any(parts[1:]):
                parts, label = [""] * len(parts), parts[0]  # the merged 合计 cell of a workbook
            code = _code(t, parts, where, problems, notes)
            if code == "":
                continue
            row = code if code else (TOTAL if norm(label) == TOTAL_LABEL else None)
            if row is None:
                problems.add(f"{t.name}的行既无科目编码也不是合计行：{label}", **where)
                continue
            if row != TOTAL:
                budget.add_code(t.id, row, label)
            for j, g in enumerate(grid):
                if g.kind == "value":
                    put(row, g.column, j)
            continue
        seq = cells[0].strip() if t.serial_column else ""
        idx = int(seq) - 1 if re.fullmatch(r"[0-9]{1,6}", seq) else -1
        shown = f"第{seq}行" if seq else f"第{ln}行"
        pos = 1 if t.serial_column else 0
        for side in t.sides:
            label = None
            if side.label_header:
                label = cells[pos]
                pos += 1
            cols = list(range(pos, pos + len(side.columns)))
            pos += len(side.columns)
            if label is None:  # a side without a label column: its one row (the 三公 table's 预算数)
                item = side.body[0] if len(side.body) == 1 and not t.footer else None
                if item is None:
                    problems.add(f"{t.name}{shown}没有项目名称，无法确定是哪一行", **where)
                    continue
            elif not label.strip():
                if any(cells[j].strip() for j in cols):
                    problems.add(f"{t.name}{shown}“{side.group or '项目'}”一侧有金额却没有项目名称", **where)
                continue
            else:
                item = _locate(t, side, label, idx, used)
                if item is None:
                    problems.add(f"{t.name}中没有项目“{label}”（{shown}）", **where)
                    continue
            used.add(item.key)
            for col, j in zip(side.columns, cols):
                put(item.key, col, j)


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
