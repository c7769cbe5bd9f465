"""Acceptance: each Shanghai sample renders its document's nine tables cell for cell.

A sample (``samples/putuo_zfb_2025/`` from the 部门预算 05_sh_putuo_zfb_dept_2025.pdf, profile
shanghai-2025; ``samples/putuo_zfb_unit_2025/`` from the 单位预算 06_sh_putuo_zfb_unit_2025.pdf,
profile shanghai-2025-unit) holds only the input cells of its document; budgetxl computes every
total, subtotal and derived table. What is expected is what the document prints: its tables read
from the PDF by pdfplumber when ``../shared/realdocs`` is present, else the committed fixture
``tests/data/shanghai_NN_tables.json`` made from the same PDF by ``python -m tests.shanghai_doc``.
No number is typed in here.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest

from . import shanghai_doc as D
from .conftest import REPO

@pytest.fixture(scope="module", params=D.SPECS, ids=[s.sample for s in D.SPECS])
def spec(request) -> D.Spec:
    return request.param


@pytest.fixture(scope="module")
def printed(spec) -> dict:
    """The document's tables: from the PDF itself when it is at hand, else from the fixture."""
    fixture = json.loads(spec.fixture.read_text("utf-8"))
    if spec.pdf.is_file():
        pytest.importorskip("pdfplumber")
        from_pdf = D.extract(spec.pdf, spec.profile)
        assert from_pdf == fixture, f"{spec.fixture.name} is stale: run python -m tests.shanghai_doc"
        return from_pdf
    return fixture


@pytest.fixture(scope="module")
def budget(spec):
    from budgetxl.facts import read_facts

    return read_facts(spec.sample_dir / "facts.csv", spec.profile)[0]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, budget):
    from budgetxl.render.official import render_official

    out = tmp_path_factory.mktemp("sh") / "official.xlsx"
    render_official(budget, out)
    return openpyxl.load_workbook(out)


def _cell(v) -> str:
    """A rendered cell as the document prints it: amounts with two decimals and separators, text
    without white space, blank as ''."""
    if v is None:
        return ""
    if isinstance(v, (int, float)):
        return f"{Decimal(repr(v)).quantize(Decimal('0.01')):,}"
    return D.cell_text(v)


def _printed_cell(text: str) -> str:
    """A printed amount normalised like :func:`_cell` (a document may print whole 元 without decimals)."""
    if text:
        return f"{D.amount(text).quantize(Decimal('0.01')):,}"
    return text


def _sheet_rows(ws) -> list[list[str]]:
    return [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]


def test_fixture_covers_the_nine_tables(printed, spec):
    from budgetxl.spec import load_profile

    assert sorted(printed) == sorted(load_profile(spec.profile).tables)


@pytest.mark.parametrize("tid", [f"t{i}" for i in range(1, 10)])
def test_table_reproduced_cell_for_cell(tid, printed, rendered, budget):
    doc = printed[tid]
    table = budget.profile.tables[tid]
    ws = rendered[table.name]
    rows = _sheet_rows(ws)
    assert rows[0][0] == doc["title"]
    assert rows[1][0] == D.cell_text(doc["unit_line"])
    assert rows[1][-1].replace(":", "：") == f"单位：{doc['money_unit']}"
    depth = table.header_depth
    assert rows[2: 2 + depth] == doc["header"]
    body = [r for r in rows[2 + depth:] if any(r)]
    values = [g.kind == "value" for g in table.grid]
    want = [[_printed_cell(c) if v else c for c, v in zip(r, values)] for r in doc["rows"]]
    if budget.is_empty(table):  # the note under an empty table is printed outside its grid
        assert body[-1][0] == doc["note"]
        body = body[:-1]
    assert body == want


def test_sample_holds_input_cells_only(budget, spec):
    """Every line of the sample is an input cell: totals and derived tables are budgetxl's own."""
    text = (spec.sample_dir / "facts.csv").read_text("utf-8")
    lines = list(csv.reader(io.StringIO(text)))[1:]
    assert lines and not budget.given
    assert len(budget.inputs) == len(lines)


def test_sample_texts_are_the_documents(spec):
    """The sample's supplement.toml holds the document's texts as the script reads them."""
    import tomllib

    if not spec.pdf.is_file():
        pytest.skip("../shared/realdocs is not here: the texts cannot be compared with the PDF")
    pytest.importorskip("pdfplumber")
    stored = tomllib.loads((spec.sample_dir / "supplement.toml").read_text("utf-8"))["narrative"]
    assert stored == D.extract_texts(spec.pdf, spec.profile)


def test_sample_is_what_the_script_makes(printed, spec):
    """The sample's facts.csv is exactly what the fixture script derives from the tables."""
    lines = list(csv.reader(io.StringIO((spec.sample_dir / "facts.csv").read_text("utf-8"))))[1:]
    assert lines == D.facts_from_tables(printed, D.unit_name_of(printed), spec.profile)
