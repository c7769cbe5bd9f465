"""The nine tables of a published Shanghai budget PDF, as printed, and the sample unit made from them.

``python -m tests.shanghai_doc`` reads the Shanghai documents of :data:`SPECS` in
``../shared/realdocs/`` (the 2025 部门预算 and 单位预算 of 上海市普陀区人民政府办公室, 05 and 06)
with pdfplumber (its ruling lines give the cells), writes what every table prints — title, unit
line, money unit, header rows, data rows, the note under an empty table — to
``tests/data/shanghai_NN_tables.json`` (the fixture the reproduction test compares with when
``../shared`` is absent), and writes each sample unit's facts CSV (``samples/<sample>/facts.csv``):
the *input* cells only, taken from the document, and its texts (``supplement.toml``).
Totals, subtotals and derived tables are left out, so that budgetxl recomputes them and the test
compares them with what the document printed. No number is typed by hand anywhere.

Tables are recognised by the profile's titles (any variant, with the year prefix); a table that
runs over a page continues on the next page, whose repeated header rows are dropped.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REALDOCS = REPO.parent / "shared" / "realdocs"


@dataclass(frozen=True)
class Spec:
    """One document, the profile it is laid out in, and the sample and fixture made from it."""

    doc: str
    profile: str
    sample: str

    @property
    def pdf(self) -> Path:
        return REALDOCS / self.doc

    @property
    def fixture(self) -> Path:
        return REPO / "tests" / "data" / f"shanghai_{self.doc[:2]}_tables.json"

    @property
    def sample_dir(self) -> Path:
        return REPO / "samples" / self.sample


SPECS = (Spec("05_sh_putuo_zfb_dept_2025.pdf", "shanghai-2025", "putuo_zfb_2025"),
         Spec("06_sh_putuo_zfb_unit_2025.pdf", "shanghai-2025-unit", "putuo_zfb_unit_2025"))
DOC, FIXTURE, SAMPLE, PROFILE = SPECS[0].pdf, SPECS[0].fixture, SPECS[0].sample_dir, SPECS[0].profile
# The document prints no unit code: the sample's code is ours (the district's division code and the
# unit's initials), stated in samples/putuo_zfb_2025/README.md.
UNIT_CODE = "310107-ZFB"

_YEAR_TITLE = re.compile(r"^\s*(\d{4})年(.+)$")
_MONEY = re.compile(r"^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")


def cell_text(v) -> str:
    """A printed cell as text: merged (None) and blank alike '', line breaks inside a cell joined."""
    if v is None:
        return ""
    return re.sub(r"\s+", "", str(v))


def amount(text: str) -> Decimal | None:
    """A printed amount as an exact Decimal; '' is None (a blank cell)."""
    t = text.replace(",", "")
    if not t:
        return None
    return Decimal(t)


def _find_table(profile, title_line: str):
    from budgetxl.labels import norm

    m = _YEAR_TITLE.match(title_line)
    bare = norm(m.group(2) if m else title_line)
    for t in profile.ordered:
        if any(norm(x) == bare for x in t.all_titles):
            return t, (int(m.group(1)) if m else None)
    return None, None


def extract(pdf_path: Path, profile_id: str = PROFILE) -> dict:
    """Every table of the profile found in the PDF: {table id: {title, unit_line, money_unit,
    header, rows}}, cells as printed (text, whitespace removed)."""
    import pdfplumber

    from budgetxl.spec import load_profile

    profile = load_profile(profile_id)
    out: dict = {}
    current = None
    with pdfplumber.open(str(pdf_path)) as pdf:
        for page in pdf.pages:
            lines = [ln for ln in (page.extract_text() or "").split("\n") if ln.strip()]
            tables = page.extract_tables()
            if not lines:
                continue
            table, year = _find_table(profile, lines[0])
            if table is not None:
                unit_line = lines[1] if len(lines) > 1 else ""
                m = re.search(r"单位\s*[:：]\s*(\S+)\s*$", unit_line)
                current = {"table": table.id, "year": year, "title": re.sub(r"\s+", "", lines[0]),
                           "unit_line": re.sub(r"\s*单位\s*[:：]\s*\S+\s*$", "", unit_line).strip(),
                           "money_unit": m.group(1) if m else "", "header": [], "rows": [],
                           "note": next((re.sub(r"\s+", "", ln) for ln in lines if ln.strip().startswith("注")), "")}
                out[table.id] = current
                if not tables:
                    continue
                grid = [[cell_text(c) for c in row] for row in tables[0]]
                depth = profile.tables[table.id].header_depth
                current["header"] = grid[:depth]
                current["rows"] = [r for r in grid[depth:] if any(r)]
            elif current is not None and tables:
                grid = [[cell_text(c) for c in row] for row in tables[0]]
                head = current["header"]
                if grid[: len(head)] == head:  # the header repeated on the continuation page
                    grid = grid[len(head):]
                if _looks_like_table(grid, len(head[0]) if head else 0):
                    current["rows"] += [r for r in grid if any(r)]
                else:
                    current = None
    return out


def _looks_like_table(grid, width: int) -> bool:
    return bool(grid) and width > 0 and all(len(r) == width for r in grid)


def facts_from_tables(tables: dict, unit_name: str, profile_id: str = PROFILE) -> list[list[str]]:
    """The facts-CSV lines of the input cells the printed tables hold (derived cells left out)."""
    from budgetxl.money import fmt
    from budgetxl.spec import load_profile

    profile = load_profile(profile_id)
    lines: list[list[str]] = []
    for tid, printed in tables.items():
        t = profile.tables[tid]
        year = str(printed["year"])
        grid = t.grid
        if t.coded:
            ncode = len(t.code_parts)
            for row in printed["rows"]:
                code = "".join(row[:ncode])
                if not code.isdigit() or len(code) != t.leaf_length:
                    continue  # 合计 and the 类/款 lines are computed
                name = row[ncode]
                for g, text in zip(grid, row):
                    if g.kind != "value" or not t.is_input(code, g.column.key):
                        continue
                    v = amount(text)
                    if v:
                        lines.append([UNIT_CODE, unit_name, year, t.name, code, name, g.column.header, fmt(v)])
            continue
        from budgetxl.labels import norm

        for row in printed["rows"]:
            col = 0
            for side in t.sides:
                label = ""
                if side.label_header:
                    label = row[col]
                    col += 1
                for c in side.columns:
                    text = row[col]
                    col += 1
                    if not side.label_header:
                        items = list(side.body)
                    else:
                        items = [it for it in side.body + tuple(r[side.key] for r in t.footer if side.key in r)
                                 if label and norm(it.label) == norm(label)]
                    if len(items) != 1 or not t.is_input(items[0].key, c.key):
                        continue
                    v = amount(text)
                    if v:
                        lines.append([UNIT_CODE, unit_name, year, t.name, "", t.fact_label(items[0]), c.header, fmt(v)])
    return lines


def extract_texts(pdf_path: Path, profile_id: str = PROFILE) -> dict[str, str]:
    """The narrative parts of the document by the profile's narrative keys: a page whose first line
    ends with a part's title starts that part (a 项目经费情况说明 keeps its project's name as its
    first line); lines wrapped at the page's right margin are joined."""
    import pdfplumber

    from budgetxl.spec import load_profile

    profile = load_profile(profile_id)
    parts = profile.parts.get("narrative", [])
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    with pdfplumber.open(str(pdf_path)) as pdf:
        for page in pdf.pages:
            lines = [ln.strip() for ln in (page.extract_text() or "").split("\n") if ln.strip()]
            width = max((len(ln) for ln in lines), default=0)
            lines = [(ln, len(ln) >= 0.8 * width) for ln in lines]  # (text, reaches the right margin)
            if not lines or "……" in "".join(ln for ln, _ in lines[:3]):
                continue  # blank, or the 目录
            head = re.sub(r"\s+", "", lines[0][0])
            table, _ = _find_table(profile, lines[0][0])
            if table is not None:
                current = None
                continue
            part = next((n for n in parts if head.endswith(n["title"])), None)
            if part is not None:
                current = out.setdefault(part["key"], [])
                body = lines[1:] if head == n_title(head, part) else lines
                if current:
                    current.append(("", False))
                current.extend(body)
            elif current is not None:
                current.extend(lines)
    return {k: _join(v) for k, v in out.items()}


def n_title(head: str, part: dict) -> str:
    """A page heading that is the part's own title (with the unit's name or the year before it),
    not a project's name: dropped from the text."""
    return head if not part["key"] == "projects" else ""


_PARAGRAPH = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])")


def _join(lines: list[tuple[str, bool]]) -> str:
    """Lines as paragraphs: a line that reached the right margin continues on the next line,
    unless that one is numbered (一、 （一） 1.)."""
    paras: list[str] = []
    wrapped = False
    for ln, full in lines:
        if wrapped and ln and not _PARAGRAPH.match(ln):
            paras[-1] += ln
        else:
            paras.append(ln)
        wrapped = full
    return "\n".join(p for p in paras if p)


def unit_name_of(tables: dict) -> str:
    line = next(iter(tables.values()))["unit_line"]
    return re.sub(r"^编制(?:部门|单位)\s*[:：]\s*", "", line).strip()


def make(spec: Spec) -> str:
    import csv

    from budgetxl.facts import FACT_COLUMNS

    tables = extract(spec.pdf, spec.profile)
    spec.fixture.write_text(json.dumps(tables, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    spec.sample_dir.mkdir(parents=True, exist_ok=True)
    with open(spec.sample_dir / "facts.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(FACT_COLUMNS)
        w.writerows(facts_from_tables(tables, unit_name_of(tables), spec.profile))
    texts = extract_texts(spec.pdf, spec.profile)
    name = unit_name_of(tables)
    lines = [f"# Texts of {name}'s 2025 budget disclosure as published ({spec.doc}),",
             "# made by python -m tests.shanghai_doc: lines wrapped by the page are joined, nothing else changed.",
             f"# Schema: templates/{spec.profile}/ (parts.toml).", "",
             "[unit]", f"code = {json.dumps(UNIT_CODE)}", f"name = {json.dumps(name, ensure_ascii=False)}",
             f"year = {next(iter(tables.values()))['year']}", "", "[narrative]"]
    lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in texts.items()]
    (spec.sample_dir / "supplement.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (spec.sample_dir / "sample.toml").write_text(
        f"# The profile this sample's data is laid out in (budgetxl.sample reads it).\nprofile = \"{spec.profile}\"\n",
        encoding="utf-8")
    return (f"{spec.fixture.relative_to(REPO)}: {len(tables)} tables; {spec.sample_dir.relative_to(REPO)}/facts.csv, "
            f"supplement.toml ({len(texts)} texts)")


def main() -> int:
    for spec in SPECS:
        print(make(spec))
    return 0


if __name__ == "__main__":
    sys.exit(main())
