"""Map a published document's tables onto a profile's tables, rows and columns — through the
profile's data only (titles and their variants, header paths, the code layout, row labels), never
by a table name or row label written here — and detect which shipped profile a document follows.

Every printed figure goes to the budget: an input cell as an input, a derived cell (a total, a
subtotal) as a printed value the rules compare with the recomputed one. Where each came from is
kept (page, table, row, column, box and the printed text) for findings and ``--annotate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..errors import BudgetxlError
from ..findings import Finding
from ..labels import ascii_digits, norm, pad_code_parts
from ..facts import describe_cell
from ..spec import TOTAL, Profile, Table, load_profile
from .document import Cell, Document, is_column_numbers, joins_columns
from .document import Table as PTable
from .figures import MONEY_UNITS

# what may stand before a title form on its line: a table number ("附表2：", "表二", "4．", "（二）", "二、"),
# then the year ("2025年", "XX区2025年度"), then the unit's name ("上海市XX局") — a name only where it
# ends as names of government bodies end, so that "政府采购支出总表" is never taken for "支出总表"
_NUMBERING = r"(?:附?表[一二三四五六七八九十\d]+[、:：.．-]*)?(?:\d{1,2}[、.．]\s*|[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．])?"
_ORG_END = (r"(?:局|办公室|办事处|委员会|委|院|所|中心|街道|镇|乡|政府|公司|馆|站|队|厅|学校|大学|医院|协会|"
            r"联合会|本级|机关|(?<!预算)单位|部门)")
_YEAR_PREFIX = re.compile(_NUMBERING + r"(?:.{0,40}?(?:19|20)\d{2}\s*年度?)?(?:.{0,40}?" + _ORG_END + r")?")
# and after it: a continuation mark or the year in brackets ("（续）", "续表", "（2025年）")
_TITLE_SUFFIX = re.compile(r"(?:\((?:续表?|(?:19|20)\d{2}年度?(?:预算)?)\)|续表?)$")
_FINAL = re.compile(r"决算")


def _title_key(text: str) -> str:
    """A printed title without its numbering, year prefix, quotes and spaces."""
    return norm(text)


def title_forms(t: Table, profile: Profile) -> set[str]:
    """Normalized forms a table's title is printed under: its title and the profile's variants,
    with the profile's title prefix left out or shortened to its first two characters."""
    forms = set()
    titles = getattr(t, "all_titles", None) or (t.title,)
    prefix = norm(profile.title_prefix) if profile.title_prefix else ""
    for title in titles:
        full = norm(title)
        forms.add(full)
        if prefix and full.startswith(prefix):
            rest = full[len(prefix):]
            forms |= {prefix[:2] + rest, rest}
    return {f for f in forms if f}


def match_table(title: str, profile: Profile) -> Table | None:
    """The profile table a printed title names: a title form ending the printed line, after at most
    a number, a unit name and a year ("2025年部门收入预算总表", "4．2025年…", "XX局2024年…")."""
    line = _TITLE_SUFFIX.sub("", _title_key(title))
    if not line:
        return None
    best = None
    for t in profile.ordered:
        for form in title_forms(t, profile):
            if line == form:
                return t
            if line.endswith(form):
                prefix = line[: -len(form)]
                if _YEAR_PREFIX.fullmatch(prefix) and (best is None or len(form) > best[0]):
                    best = (len(form), t)
    return best[1] if best else None


def _shipped() -> list[Profile]:
    from ..resources import available_profiles

    out = []
    for pid in available_profiles():
        try:
            out.append(load_profile(pid))
        except BudgetxlError:
            continue
    return out


@dataclass
class Detection:
    profile: Profile
    tables: dict[str, PTable]  # profile table id -> the printed table


def detect_profile(doc: Document, profile: Profile | str | None = None) -> Detection:
    """The profile the document follows: the one whose tables its titles name most (``profile`` given:
    that one). A 部门决算 document, an unknown or an ambiguous one is refused with a Chinese message."""
    candidates = [load_profile(profile) if isinstance(profile, str) else profile] if profile else _shipped()
    scored = []
    for p in candidates:
        found: dict[str, PTable] = {}
        for pt in doc.tables:
            t = match_table(pt.title, p) if pt.title else None
            if t is not None and t.id not in found:
                found[t.id] = pt
        scored.append((len(found), p, found))
    scored.sort(key=lambda s: -s[0])
    titles = [pt.title for pt in doc.tables if pt.title]
    finals = [t for t in titles if _FINAL.search(t)]
    if finals and len(finals) * 2 >= len(titles) and (not scored or scored[0][0] == 0 or len(finals) > scored[0][0]):
        shown = "、".join(dict.fromkeys(finals))
        raise BudgetxlError(f"{doc.path}：这是一份部门决算（找到 {len(finals)} 张决算表：{shown}），"
                            "budgetxl 目前只有部门预算的表样，尚无部门决算的表样，因此不读取、不审核这份文件")
    if not scored or scored[0][0] == 0:
        have = "、".join(titles[:12]) or "没有带标题的表格"
        names = "、".join(p.id for p in candidates)
        raise BudgetxlError(f"{doc.path}：没有认出这份文件的表样（共 {doc.pages or '?'} 页，找到 {len(doc.tables)} 张表：{have}；"
                            f"已有表样：{names}）。可用 --profile 指定表样")
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        tied = "、".join(s[1].id for s in scored if s[0] == scored[0][0])
        raise BudgetxlError(f"{doc.path}：无法确定表样（{tied} 都与 {scored[0][0]} 张表的标题相符），请用 --profile 指定")
    return Detection(scored[0][1], scored[0][2])


# ---------------------------------------------------------------------- columns
_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}年度?")


def _hnorm(text: str) -> str:
    return _LEADING_YEAR.sub("", norm(text))


def _grid_columns(t: Table):
    return list(t.grid)


def map_columns(pt: PTable, t: Table) -> tuple[dict[int, object], list[str]]:
    """Printed column index -> the profile's grid column, by header text: a printed column matches a
    grid column whose header path ends the same way (its last header equal, then as many of the
    headers above it as agree); duplicates are told apart by those headers, then in printed order."""
    printed = [tuple(_hnorm(h) for h in path if _hnorm(h)) for path in pt.column_paths()]
    grid = _grid_columns(t)
    want = [tuple(_hnorm(h) for h in g.path if h and _hnorm(h)) for g in grid]
    used: set[int] = set()
    out: dict[int, object] = {}
    problems = []
    for j, path in enumerate(printed):
        if not path:
            continue
        best = None
        for k, w in enumerate(want):
            if k in used or not w:
                continue
            if w[-1] == path[-1]:
                score = 2 * sum(1 for h in w[:-1] if h in path[:-1])
            elif len(w[-1]) >= 4 and len(path[-1]) >= 4 and (w[-1].endswith(path[-1]) or path[-1].endswith(w[-1])):
                score = -1  # a header worded a little differently (部门经济分类科目名称 / 经济分类科目名称)
            else:
                continue
            if best is None or score > best[0]:
                best = (score, k)
        if best is not None:
            used.add(best[1])
            out[j] = grid[best[1]]
    # a header the profile has as a column, printed as a group over sub-columns (单位 documents print
    # 预算数 over 合计 | 基本支出 | 项目支出): the group's first column is its total
    for k, w in enumerate(want):
        if k in used or not w or grid[k].kind != "value":
            continue
        under = [j for j, path in enumerate(printed) if j not in out and w[-1] in path[:-1]
                 and all(h in path for h in w[:-1])]
        if under:
            used.add(k)
            out[under[0]] = grid[k]
    extra = [j for j, path in enumerate(printed) if path and j not in out]
    if extra:
        problems_extra = "、".join("／".join(printed[j]) for j in extra)
        problems.append(("extra", problems_extra))
    for k, g in enumerate(grid):
        if k not in used and g.kind in ("value", "code", "label"):
            problems.append("／".join(h for h in g.path if h))
    return out, problems


def _header_rows(pt: PTable, t: Table) -> int:
    """How many leading rows are header rows: rows whose texts are all header texts of the table."""
    words = {_hnorm(h) for g in t.grid for h in g.path if h}
    n = 0
    for r in pt.rows:
        texts = {_hnorm(c.text) for c in r if c is not None and c.text.strip()}
        if texts and (texts <= words or is_column_numbers(r)) and not (n and joins_columns(pt.rows[n - 1], r)):
            n += 1
            continue
        break
    return max(n, pt.header_rows)  # a header worded differently still looks like one


# ---------------------------------------------------------------------- figures
@dataclass
class Reading:
    """A document read onto a profile: the budget, where each cell came from, what was not read."""

    budget: object
    positions: dict = field(default_factory=dict)  # cell key -> (where, what)
    findings: list[Finding] = field(default_factory=list)
    cells: dict = field(default_factory=dict)  # cell key -> the printed Cell
    unread: list = field(default_factory=list)  # (table, Cell): printed figures that went to no cell
    tables: dict = field(default_factory=dict)  # profile table id -> the printed table read for it
    quanta: dict = field(default_factory=dict)  # cell key -> one unit of its last printed digit (profile's unit)


def _where(doc: Document, pt: PTable, cell: Cell) -> str:
    pl = cell.place
    head = f"第{pl.page}页" if pl.page else (str(pl) or doc.path)
    return f"{head}表{pt.index}《{pt.title}》"


def _scale(value: Decimal, printed: str | None, wanted: str) -> Decimal | None:
    if printed is None or printed == wanted:
        return value
    if printed not in MONEY_UNITS or wanted not in MONEY_UNITS:
        return None
    return value * MONEY_UNITS[printed] / MONEY_UNITS[wanted]


def read_onto(doc: Document, profile: Profile | str | None = None):
    """Read a document's tables onto its profile: a :class:`Reading`."""
    from ..model import UnitBudget
    det = detect_profile(doc, profile)
    prof = det.profile
    findings: list[Finding] = []

    def problem(message: str, **kw):
        findings.append(Finding("V05", "error", message, file=doc.path, **kw))

    unit_name = next((pt.org for pt in det.tables.values() if pt.org), None) or ""
    year = next((pt.year for pt in det.tables.values() if pt.year), None)
    if year is None:
        for line in doc.front:
            m = re.search(r"((?:19|20)\d{2})\s*年", line)
            if m:
                year = int(m.group(1))
                break
    m = re.match(r"^\s*(\d+)\s*(.*)$", unit_name)
    code, unit_name = (m.group(1), m.group(2).strip()) if m else ("", unit_name)
    budget = UnitBudget(prof, code, unit_name, year or 0)
    if year is None:
        problem("没有找到预算年度（标题、编制部门行和封面中都没有“YYYY年”）")
    absent = [t for t in prof.ordered if t.id not in det.tables]
    budget.mark_absent(t.id for t in absent)
    if absent:
        # a table printed without a title (found by its header row alone) is never taken for one of
        # them by its position or its header: several tables share a header (5, 7 and 8)
        untitled = [pt for pt in doc.tables if not pt.title]
        shown = "、".join(f"第{pt.pages[0]}页表{pt.index}（表头“{' '.join(dict.fromkeys(x for p in pt.column_paths() for x in p))[:60]}”）"
                         for pt in untitled[:5])
        problem(f"没有找到{len(absent)}张表：" + "、".join(f"“{t.title}”" for t in absent)
                + f"（按标题在 {doc.pages} 页的 {len(doc.tables)} 张表中查找；依赖这些表的审核无法进行）"
                + (f"；{len(untitled)}张表没有印标题，无法确定是哪一张表，未读取：{shown}" if untitled else ""))
    images = list(getattr(doc, "unreadable_pages", None) or [])
    if images:
        pages = "、".join(map(str, images))
        problem(f"第{pages}页没有可读的文字（只印成图片，或字体没有文字映射），其中的内容没有读取；"
                f"文字是否写明某项、是否印了某表等检查因此无法进行。请提供由 Word、WPS 或 Excel 直接导出的文件",
                extra={"place": f"第{images[0]}页"})
    reading = Reading(budget, findings=findings, tables=dict(det.tables))
    for tid, pt in det.tables.items():
        _read_table(doc, prof, prof.tables[tid], pt, budget, reading, problem, _put)
    # the narrative (情况说明 …) as the text rules read it: one paragraph a line, headings included
    # (the text-parts reader needs the profile to declare the parts it looks for)
    if all(k in prof.parts for k in ("institutions", "procurement", "assets")):
        from ..textparts import complete, extract_parts

        found = extract_parts(doc.text(), prof)
        if found:  # parts the document does not print stay absent (no "no projects" from a tables-only file)
            budget.supplement = complete(found, prof, {"code": budget.unit_code, "name": budget.unit_name,
                                                       "year": budget.year})
    # the text rules read the document's paragraphs, title lines and table notes in reading order
    from ..check.narrative_items import from_document

    budget.supplement = {**(budget.supplement or {}), **from_document(doc)}
    return reading


def _read_table(doc, prof, t: Table, pt: PTable, budget, reading: Reading, problem, put) -> None:
    cols, missing = map_columns(pt, t)
    where0 = f"第{pt.pages[0]}页表{pt.index}《{pt.title}》" if pt.pages else f"表{pt.index}《{pt.title}》"
    extra = [m[1] for m in missing if isinstance(m, tuple)]
    missing = [m for m in missing if not isinstance(m, tuple)]
    if missing:
        problem(f"{where0}：找不到栏目 {'、'.join(missing)}（按表头文字查找）", table=t.name)
    if extra and any(c is not None and c.figure is not None and not (c.figure.blank or c.figure.zero_mark)
                     for r in pt.rows[pt.header_rows:] for j, c in enumerate(r) if j not in cols):
        problem(f"{where0}：表中有表样“{prof.id}”没有的栏目 {extra[0]}，其中的金额未读取", table=t.name)
    wanted = getattr(t, "money_unit", None) or prof.money_unit
    nhead = _header_rows(pt, t)
    used: set[str] = set()
    consumed: set[int] = set()
    total_seen = False
    short: list[Finding] = []  # rows whose code lacks a leading zero: one finding for the table
    for i in range(nhead, len(pt.rows)):
        row = pt.rows[i]
        cells = {j: c for j, c in enumerate(row) if c is not None}
        if not any(c.text.strip() for c in cells.values()):
            continue
        code_parts, name, labels, values = [], "", {}, []
        for j, c in cells.items():
            g = cols.get(j)
            if g is None:
                continue
            if g.kind != "value":
                consumed.add(id(c))
            if g.kind == "code":
                code_parts.append(c.text.strip() if c.col == j or c.colspan == 1 else "")
            elif g.kind == "name":
                name = c.text
            elif g.kind == "label":
                labels.setdefault(g.side, c)
            elif g.kind == "value":
                values.append((g, c))
        first = next(iter(cells.values()))
        where = _where(doc, pt, first)
        if t.coded:
            code = "".join(p for p in code_parts if p and ascii_digits(p))
            widths = [b - a for a, b in getattr(t, "code_parts", ())] if len(code_parts) > 1 else []
            if widths and len(widths) == len(code_parts):
                padded, note = pad_code_parts(code_parts, widths)
                if note and all(ascii_digits(p) for p in code_parts if p):  # "301 | 2": a level without its leading zero
                    code = padded
                    # printed irregularly but read unambiguously: a format warning (V01), not unreadable
                    short.append(Finding("V01", "warning", f"{where}第{i + 1}行：{t.name}的{note}",
                                         file=doc.path, table=t.name))
            label_cell = next((c for j, c in cells.items() if cols.get(j) is not None
                               and cols[j].kind in ("code", "name") and c.text.strip()), None)
            if code:
                if code_parts and any(p and not ascii_digits(p) for p in code_parts):
                    problem(f"{where}第{i + 1}行：科目编码“{'|'.join(code_parts)}”不是数字", table=t.name)
                    continue
                row_key = code
                budget.add_code(t.id, code, name.strip() or None)
            elif label_cell is not None and not total_seen:
                row_key, total_seen = TOTAL, True
            else:
                text = label_cell.text if label_cell is not None else ""
                problem(f"{where}第{i + 1}行：既无科目编码也不是合计行（“{text}”）", table=t.name)
                continue
            for g, c in values:
                _value(doc, prof, t, pt, budget, reading, problem, put, row_key, g.column.key, c, wanted, where, i)
            continue
        # fixed tables: each side's label names its row
        for side in t.sides:
            side_values = [(g, c) for g, c in values if g.side == side.key]
            lab = labels.get(side.key)
            if lab is None or not lab.text.strip():
                if not side.label_header and side_values and len(side.body) == 1:
                    item = side.body[0]
                else:
                    if any(c.figure is None or not (c.figure.blank or c.figure.zero_mark) for _, c in side_values):
                        problem(f"{where}第{i + 1}行：{side.group or '项目'}一侧有金额却没有项目名称", table=t.name)
                    continue
            else:
                item = _locate(t, side, lab.text, used)
                if item is None:
                    problem(f"{where}第{i + 1}行：表样中没有项目“{lab.text}”", table=t.name)
                    continue
            used.add(item.key)
            for g, c in side_values:
                _value(doc, prof, t, pt, budget, reading, problem, put, item.key, g.column.key, c, wanted, where, i)
    if short:  # one cause (the table's code cells lost their zeros, e.g. typed as numbers): one finding
        head = short[0]
        if len(short) > 1:
            head.message += f"（本表共 {len(short)} 行的编码如此，均已补零读取，其余各行见下）"
        reading.findings.append(head.fold(short[1:]))
    _unread(reading, pt, nhead, consumed)


def _put(budget, t: Table, row: str, col: str, value: Decimal, origin: str) -> None:
    budget.put((t.id, row, col), value, origin=origin)


def _locate(t: Table, side, label: str, used: set[str]):
    """The item of one side of a fixed table a printed label names (a label printed twice, as in
    财政拨款收支总表, is told apart by order: the first not yet used)."""
    want = norm(label)
    candidates = [it for it in (*side.body, *(r[side.key] for r in t.footer if r.get(side.key)))
                  if want in it.forms]
    fresh = [it for it in candidates if it.key not in used]
    return (fresh or candidates or [None])[0]


def _unread(reading: Reading, pt: PTable, nhead: int, consumed: set[int]) -> None:
    read = consumed | set(map(id, reading.cells.values()))
    seen: set[int] = set()
    for r in pt.rows[nhead:]:
        for c in r:
            if c is None or id(c) in seen:
                continue
            seen.add(id(c))
            f = c.figure
            if f is not None and not (f.blank or f.zero_mark) and id(c) not in read:
                reading.unread.append((pt, c))


def _unknown(prof, budget, key) -> None:
    """A printed figure the reader refused (its finding says why): unknown, not zero, when it is an
    input; a derived cell is computed from its inputs either way."""
    if prof.cell_function(key) is None:
        budget.mark_unreadable(key, describe_cell(prof, key))


def _value(doc, prof, t, pt, budget, reading, problem, put, row_key, col_key, c: Cell, wanted, where, i) -> None:
    f = c.figure
    key = (t.id, row_key, col_key)
    if f is None:  # named by its own place (a workbook's cell, an error value such as #DIV/0! included)
        at = {"sheet": c.place.sheet, "cell": c.place.cell} if c.place.sheet and c.place.cell else {}
        problem(f"{_where(doc, pt, c)}第{i + 1}行：“{c.text}”不是金额", table=t.name, **at)
        return _unknown(prof, budget, key)
    if f.blank or f.zero_mark:
        return
    if f.value < 0:
        problem(f"{where}第{i + 1}行：金额不能为负数（“{c.text}”）", table=t.name)
        return _unknown(prof, budget, key)
    v = _scale(f.value, pt.unit, wanted)
    places = getattr(prof, "money_places", 2)
    if v is None or v != v.quantize(Decimal(1).scaleb(-places)):
        problem(f"{where}第{i + 1}行：“{c.text}”（{pt.unit or wanted}）换算为{wanted}后超过{places}位小数", table=t.name)
        return _unknown(prof, budget, key)
    v = v.quantize(Decimal(1).scaleb(-places))
    origin = f"{where}第{i + 1}行“{c.text}”"
    put(budget, t, row_key, col_key, v, origin)
    pl = c.place
    if pl.sheet and pl.cell:  # a workbook: the cell itself (so --annotate can mark it)
        reading.positions[key] = (pl.sheet, pl.cell)
    else:
        where = f"第{pl.page}页" if pl.page else (f"第{pl.paragraph}段后" if pl.paragraph else str(pl))
        reading.positions[key] = (where, f"表{pt.index}第{i + 1}行第{c.col + 1}列「{c.text}」")
    reading.cells[key] = c
    reading.quanta[key] = _scale(f.quantum, pt.unit, wanted)


def read_published(path, profile: str | None = None) -> Reading:
    """Read a published document (PDF, Word) onto its profile (detected unless given)."""
    from . import read_document

    return read_onto(read_document(path), profile)
