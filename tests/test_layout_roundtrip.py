"""Every shipped profile's printed layout reads back: each bundled sample rendered to the official
workbook (``budgetxl render``) and to a disclosure text (that workbook's tables as Word prints them
as text, tests/text_export.py), then read by the official-workbook reader and the text reader
(``budgetxl import``), gives the sample's facts again — inputs, code names, unit and year. The
readers know the layout only from the profile: 序号 column or not, 栏次 row or not, one code cell
or 类 | 款 | 项, the 合计 label over the code cells, each table's money unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetxl.cli import main

from budgetxl.sample import load_sample, sample_profile, samples

from .text_export import workbook_text

SAMPLES = samples()


@pytest.fixture(scope="module", params=SAMPLES)
def rendered(request, tmp_path_factory):
    name = request.param
    out = tmp_path_factory.mktemp(f"layout_{name}")
    budget = load_sample(name)
    xlsx = out / "公开表.xlsx"
    done = run("render", budget_source(name), "-o", xlsx, "--supplement", budget_source(name).with_name("supplement.toml"))
    assert done.exit_code == 0, done.output
    text = out / "公开文本.txt"
    text.write_text(workbook_text(xlsx, [t.name for t in budget.profile.ordered]), "utf-8")
    return name, budget, xlsx, text


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="budgetxl")


def budget_source(name: str):
    from budgetxl.sample import sample_path

    return sample_path("facts.csv", name)


def _facts(budget) -> dict:
    """What a facts CSV of the budget's inputs holds, keyed by cell (the unit code aside)."""
    p = budget.profile
    return {
        "unit": (budget.unit_name, budget.year),
        "inputs": dict(budget.inputs),
        "names": {(t.id, c): budget.row_name(t.id, c) for t in p.ordered if t.coded for c in budget.codes(t)},
    }


def _printed_code(budget) -> str:
    """The unit code as the tables print it: only where the profile's unit line shows one."""
    return budget.unit_code if "{code}" in budget.profile.unit_line else ""


def test_official_workbook_reads_back_the_sample(rendered):
    from budgetxl.reader.official import read_official

    name, budget, xlsx, _ = rendered
    back, positions = read_official(xlsx)  # the profile found from the sheet names
    assert back.profile.id == sample_profile(name)
    assert _facts(back) == _facts(budget)
    assert back.unit_code == _printed_code(budget)
    assert not back.mismatches()  # every printed total is the computed one
    for key in budget.inputs:  # and every amount is found at its cell (for findings and --annotate)
        assert key in positions


def test_disclosure_text_reads_back_the_sample(rendered):
    from budgetxl.textimport import read_disclosure_text

    name, budget, _, text = rendered
    back, printed = read_disclosure_text(text)  # the profile found from the titles
    assert back.profile.id == sample_profile(name)
    assert len(printed) == len(budget.profile.tables)
    assert _facts(back) == _facts(budget)
    assert back.unit_code == _printed_code(budget)
    assert not back.mismatches()


def test_import_cli_writes_the_same_facts_from_workbook_and_text(rendered, tmp_path):
    from budgetxl.facts import read_facts

    name, budget, xlsx, text = rendered
    got = []
    for src in (xlsx, text):
        out = tmp_path / f"{src.stem}.csv"
        args = () if _printed_code(budget) else ("--unit-code", budget.unit_code)  # a code the tables do not print
        done = run("import", src, "-o", out, *args)
        assert done.exit_code == 0, done.output
        back = read_facts(out, sample_profile(name))[0]
        assert back.unit_code == budget.unit_code
        got.append(_facts(back))
    assert got[0] == got[1] == _facts(budget)
    if not _printed_code(budget):  # without the code, nothing is written and the message says why
        refused = run("import", text, "-o", tmp_path / "none.csv")
        assert refused.exit_code == 2 and "--unit-code" in refused.output
        assert not (tmp_path / "none.csv").exists()


def _recaption(text: str, title: str, old: str, new: str) -> str:
    """The text with one table's caption stating another money unit."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == title)
    i = next(i for i in range(at + 1, len(lines)) if lines[i].strip() == f"单位：{old}")
    lines[i] = f"\t单位：{new}"
    return "\n".join(lines) + "\n"


def test_a_table_printed_in_another_unit_is_converted_exactly_or_refused(rendered):
    """A table whose caption states a larger unit than the profile's is read converted exactly
    (1 万元 = 10000 元); one whose amounts cannot be held in the table's unit to the profile's
    decimals (万元 amounts printed as 元 with cents) is refused, naming the table."""
    from budgetxl.errors import BudgetxlError
    from budgetxl.money import convert
    from budgetxl.textimport import parse_disclosure_text

    _, budget, _, text = rendered
    p = budget.profile
    source = text.read_text("utf-8")
    key = next(k for k, v in budget.inputs.items() if v != v.to_integral_value())  # an amount with cents
    t = p.tables[key[0]]
    bigger, smaller = {"元": ("万元", None), "万元": ("亿元", "元")}[t.money_unit]
    as_bigger = _recaption(source, p.printed_title(t, budget.year), t.money_unit, bigger)
    back, _ = parse_disclosure_text(as_bigger, "x.txt", p.ref)
    assert back.inputs[key] == convert(budget.inputs[key], bigger, t.money_unit)
    if smaller:
        as_smaller = _recaption(source, p.printed_title(t, budget.year), t.money_unit, smaller)
        with pytest.raises(BudgetxlError) as e:
            parse_disclosure_text(as_smaller, "x.txt", p.ref)
        assert any(t.name in pr.message and "换算" in pr.message for pr in e.value.problems)


def _short_code(budget):
    """A table printing 类 | 款 | 项 and one of its codes whose 款 has a leading zero (201 | 03 | 01)."""
    p = budget.profile
    t = next((t for t in p.ordered if t.coded and t.code_layout == "split" and budget.codes(t)), None)
    if t is None:
        pytest.skip(f"{p.id} prints its codes in one cell")
    code = next(c for c in budget.codes(t) if len(c) == t.leaf_length and t.split_code(c)[1].startswith("0"))
    return t, code, t.split_code(code)


def test_a_code_level_printed_without_its_leading_zero_is_read_padded_and_reported(rendered, tmp_path):
    """``201 | 3 | 01`` in a 类 | 款 | 项 table: read as 2010301 and said so, the same way on every
    path: a format warning (V01) with the same words from the text reader and the published-document
    reader, on check and on import alike (import writes the facts and says it; it refuses nothing)."""
    import docx

    from budgetxl.check.runner import check_file
    from budgetxl.inputs import load_budgets
    from budgetxl.render.document import render_document
    from budgetxl.textimport import parse_disclosure_text

    import openpyxl

    name, budget, xlsx, text = rendered
    p = budget.profile
    t, code, (cls, kuan, xiang) = _short_code(budget)
    said = f"{t.name}的科目编码印作“{cls} | {kuan.lstrip('0')} | {xiang}”，有一级少了前导零，按 {code} 读取"
    own = {k: v for k, v in budget.inputs.items() if k[0] == t.id}
    # the text: the 款 line of the code's row in table t printed without its zero
    lines = text.read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == p.printed_title(t, budget.year))
    at = next(i for i in range(start, len(lines) - 2)
              if lines[i: i + 3] == [f"\t{cls}", f"\t{kuan}", f"\t{xiang}"])
    lines[at + 1] = f"\t{kuan.lstrip('0')}"
    damaged = tmp_path / "短码.txt"
    damaged.write_text("\n".join(lines) + "\n", "utf-8")
    # the document: the same row of the same table printed so
    src = render_document(load_sample(name), tmp_path / "公开.docx")
    d = docx.Document(str(src))
    # t is the first table printing the code in 类 | 款 | 项 cells: its row is the first so printed
    row = next(r for x in d.tables for r in x.rows if [c.text.strip() for c in r.cells[:3]] == [cls, kuan, xiang])
    cell = row.cells[1]
    cell.paragraphs[0].runs[0].text = kuan.lstrip("0")
    for extra in cell.paragraphs[0].runs[1:]:
        extra.text = ""
    d.save(str(tmp_path / "短码.docx"))
    # the official workbook: the 款 cell of that row holds "3", not "03"
    wb = openpyxl.load_workbook(xlsx)
    ws = wb[t.name]
    [cell] = [r[1] for r in ws.iter_rows(max_col=3) if [str(c.value or "").strip() for c in r] == [cls, kuan, xiang]]
    cell.value = kuan.lstrip("0")
    wb.save(tmp_path / "短码.xlsx")

    for source in (damaged, tmp_path / "短码.docx", tmp_path / "短码.xlsx"):
        [ctx] = check_file(source, profile=p.ref)
        v01 = [f for f in ctx.findings if f.code == "V01"]
        assert len(v01) == 1 and v01[0].severity == "warning" and v01[0].message.endswith(said), \
            (source.suffix, [str(f) for f in ctx.findings if f.code.startswith("V")])
        assert not [f for f in ctx.findings if f.code == "V05" and t.name in f.message]
    # import reads the text and the workbook the same (nothing refused), and says what check says
    for source in (damaged, tmp_path / "短码.xlsx"):
        [back] = load_budgets(source, p.ref)
        assert {k: v for k, v in back.inputs.items() if k[0] == t.id} == own
        assert [n.message for n in back.read_notes] == [said]
        res = run("import", source, "-o", tmp_path / f"{source.suffix[1:]}.csv", "--profile", p.ref, "--unit-code", "X1")
        assert res.exit_code == 0 and f"注意：{source}，第" in res.output and said in res.output, res.output
    strict, _ = parse_disclosure_text(damaged.read_text("utf-8"), "x.txt", p.ref)
    assert [n.message for n in strict.read_notes] == [said]


REALDOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "realdocs"


@pytest.mark.skipif(not (REALDOCS / "03_sh_putuo_wanli_dept_2024.pdf").is_file(), reason="real documents not here")
def test_a_published_pdf_with_codes_printed_without_their_zero_imports_as_it_checks(tmp_path):
    """Document 03 prints 30102 as "301 | 2": check says V01 (read padded), and import reads the same
    document (it refused it before) and says the same words, one line per code."""
    from budgetxl.check.runner import check_file

    pdf = REALDOCS / "03_sh_putuo_wanli_dept_2024.pdf"
    [ctx] = check_file(pdf)
    v01 = [f.message for f in ctx.findings if f.code == "V01" and "前导零" in f.message]
    assert v01 and all(f.severity == "warning" for f in ctx.findings if f.code == "V01")
    res = run("import", pdf, "-o", tmp_path / "f.csv", "--unit-code", "X1")
    assert res.exit_code == 0, res.output
    said = [line.split("：", 2)[2] for line in res.output.splitlines() if line.startswith("注意：") and "前导零" in line]
    assert said == v01 and (tmp_path / "f.csv").is_file()
    facts = (tmp_path / "f.csv").read_text("utf-8")
    assert ",30102," in facts and ",30107," in facts