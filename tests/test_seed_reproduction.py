"""Acceptance: rendering the sample facts reproduces the seed's nine tables cell for cell.

Nothing expected is typed in here: the published tables (tests/data/seed_tables.json, taken from
the seed text by tests/data/make_seed_fixture.py) are compared with the rendered workbook, whose
derived cells budgetxl computed from the input facts alone. Where the seed itself is at hand
(../shared/seed), the fixture is checked to be what the script makes of it.
"""

import openpyxl
import pytest

from budgetxl.labels import norm
from budgetxl.textimport import find_tables

from .conftest import REPO


def _ws_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (int, float)):
        return f"{v:.2f}"
    return str(v)


def _header_as_printed(ws, top: int, depth: int, ncol: int) -> list[list[str]]:
    """Header rows the way a document export prints them: a merged block once, '' under a vertical merge."""
    merged = {}
    for rng in ws.merged_cells.ranges:
        merged[(rng.min_row, rng.min_col)] = rng
    covered = {}
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered[(r, c)] = rng
    out = []
    for r in range(top, top + depth):
        row, c = [], 1
        while c <= ncol:
            if (r, c) in covered and covered[(r, c)].min_row < r:  # continuation of a vertical merge
                rng = covered[(r, c)]
                row.append("")
                c = rng.max_col + 1
                continue
            row.append(_ws_text(ws.cell(r, c).value))
            c = merged[(r, c)].max_col + 1 if (r, c) in merged else c + 1
        out.append(row)
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, sample_facts):
    from budgetxl.facts import read_facts
    from budgetxl.render.official import render_official

    budget = read_facts(sample_facts)[0]
    out = tmp_path_factory.mktemp("render") / "official.xlsx"
    render_official(budget, out)
    return openpyxl.load_workbook(out)


@pytest.fixture(scope="module")
def printed(seed_tables_path, profile):
    tables = find_tables(seed_tables_path.read_text("utf-8"), profile)
    assert [pt.table.id for pt in tables] == [t.id for t in profile.ordered]
    return {pt.table.id: pt for pt in tables}


def test_sample_facts_hold_only_inputs(sample_facts, profile):
    from budgetxl.facts import read_facts

    budget = read_facts(sample_facts)[0]
    assert not budget.given
    assert all(profile.tables[t].is_input(r, c) for t, r, c in budget.inputs)


@pytest.mark.parametrize("tid", [f"t{i}" for i in range(1, 10)])
def test_table_reproduced_cell_for_cell(tid, rendered, printed, profile):
    table = profile.tables[tid]
    pt = printed[tid]
    ws = rendered[table.name]
    ncol = len(table.grid)
    assert norm(ws.cell(1, 1).value) == norm(table.title)
    assert norm(pt.unit_line) == norm(ws.cell(2, 1).value)
    assert f"预算年度：{pt.year}" == ws.cell(2, ncol // 2 + 1).value
    assert ws.cell(2, ncol).value == "单位：万元"

    header = _header_as_printed(ws, 3, table.header_depth, ncol)
    assert [[norm(c) for c in row] for row in header] == [[norm(c) for c in row] for row in pt.header_rows]

    lanci_row = 3 + table.header_depth
    assert [_ws_text(ws.cell(lanci_row, c).value) for c in range(1, ncol + 1)] == pt.lanci

    first = lanci_row + 1
    got = []
    for r in range(first, first + len(pt.rows)):
        got.append([norm(_ws_text(ws.cell(r, c).value)) for c in range(1, ncol + 1)])
    want = [[norm(c) for c in row] for row in pt.rows]
    assert got == want
    # nothing printed below the table except the note of an empty table
    below = [ws.cell(r, c).value for r in range(first + len(pt.rows), ws.max_row + 1) for c in range(1, ncol + 1)]
    below = [v for v in below if v not in (None, "")]
    assert below == ([pt.note] if pt.note else [])


def test_every_printed_amount_is_a_nonzero_cell_of_the_model(printed, sample_facts):
    """As many amounts are printed as the model has non-zero cells: none missing, none extra."""
    from budgetxl.facts import read_facts

    budget = read_facts(sample_facts)[0]
    numbers = sum(1 for pt in printed.values() for row in pt.rows for c in row if c.replace(".", "").isdigit() and "." in c)
    nonzero = sum(1 for key in budget.all_cells() if budget.value(*key) != 0)
    assert numbers == nonzero > 200


def test_parsed_seed_derived_values_agree_with_computation(seed_tables_path):
    """Every total printed in the seed equals the value computed from its input cells."""
    from budgetxl.textimport import read_disclosure_text

    budget, _ = read_disclosure_text(seed_tables_path)
    assert len(budget.given) > 100
    assert budget.mismatches() == []


@pytest.mark.parametrize("source", ["fixture", "seed"])
def test_committed_sample_facts_match_seed(source, sample_facts, tmp_path, request):
    """samples/451_2024/facts.csv is what import-text makes of the seed's tables (kept in sync), from
    the fixture in every clone and from the seed text itself where it is at hand."""
    from budgetxl.facts import write_facts
    from budgetxl.textimport import read_disclosure_text

    path = request.getfixturevalue("seed_tables_path" if source == "fixture" else "seed_path")
    budget, _ = read_disclosure_text(path)
    out = tmp_path / "facts.csv"
    write_facts([budget], out)
    assert out.read_text("utf-8") == sample_facts.read_text("utf-8")


def test_fixture_is_what_the_script_makes_of_the_seed(seed_path, seed_tables):
    """tests/data/seed_tables.json is up to date with ../shared/seed (runs where the seed is)."""
    import hashlib

    from .conftest import SEED_FIXTURE, _fixture_script

    assert seed_tables["sha256"] == hashlib.sha256(seed_path.read_bytes()).hexdigest()
    assert _fixture_script().build(seed_path) == SEED_FIXTURE.read_text("utf-8")
    assert [t["id"] for t in seed_tables["tables"]] == [f"t{i}" for i in range(1, 10)]
