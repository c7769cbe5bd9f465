"""Rounding tails of printed figures are hints (尾差, T101), not errors (issue 15, item 1): a printed
document's total one unit of its last digit off its printed parts is what independent rounding
explains; the same difference in exact inputs (facts CSV, entry workbook) stays an error."""

from decimal import Decimal
from pathlib import Path

import pytest

from budgetxl.check.runner import check_file

REALDOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "realdocs"


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The sample unit's disclosure document as budgetxl renders it (figures printed to 0.01 万元)."""
    import budgetxl
    from budgetxl.render.document import render_document

    d = tmp_path_factory.mktemp("printed")
    render_document(budgetxl.load_sample(), d / "公开.docx")
    return d / "公开.docx"


def _retyped(src: Path, dst: Path, old: str, new: str) -> Path:
    """The document with every table cell printing ``old`` printing ``new`` (one amount, wherever printed)."""
    import docx

    d = docx.Document(str(src))
    n = 0
    for t in d.tables:
        for row in t.rows:
            for cell in row.cells:
                if cell.text.strip() == old:
                    for p in cell.paragraphs:
                        for run in p.runs:
                            run.text = run.text.replace(old, new)
                    n += 1
    assert n, old
    d.save(str(dst))
    return dst


def _codes(r, severity=None):
    return [f.code for f in r.findings if severity is None or f.severity == severity]


def test_a_class_total_printed_one_cent_off_is_one_tail_hint(printed, tmp_path):
    [r] = check_file(_retyped(printed, tmp_path / "tail.docx", "735.75", "735.76"))
    tails = [f for f in r.findings if f.code == "T101"]
    assert len(tails) == 1 and tails[0].severity == "info", [str(f) for f in r.findings]
    t = tails[0]
    assert "尾差" in t.message and "舍位平衡" in t.message and abs(t.difference) == Decimal("0.01")
    folded = t.flatten()[1:]
    assert folded and {f.code for f in folded} <= {"H101", "H102", "H103", "H104", "X107"} | {f"X1{i:02d}" for i in range(100)}
    assert all(f.severity == "info" for f in folded)
    numeric = {"H101", "H102", "H103", "H104", "X100"} | {f"X1{i:02d}" for i in range(1, 100)}
    assert not [f for f in r.findings if f.code in numeric and f.severity == "error"], [str(f) for f in r.findings]


def test_a_total_printed_a_whole_unit_off_is_still_an_error(printed, tmp_path):
    [r] = check_file(_retyped(printed, tmp_path / "wrong.docx", "735.75", "736.75"))
    assert "T101" not in _codes(r)
    assert [c for c in _codes(r, "error") if c[0] in "HX"], [str(f) for f in r.findings]


def test_the_same_difference_in_exact_inputs_is_an_error():
    """A facts CSV holds exact inputs: a class total 0.01 off its items is H101, not a tail."""
    import budgetxl
    from budgetxl.check import all_rules
    from budgetxl.check.context import CheckContext
    from budgetxl.check.runner import check_budget
    from decimal import Decimal

    b = budgetxl.load_sample()
    key = b.resolve("支出总表", "204", "基本支出")
    b.set_given(key, b.cell_value(key) + Decimal("0.01"))
    found = check_budget(CheckContext(b, "x.csv", kind="facts"), all_rules())
    assert "T101" not in [f.code for f in found]
    assert any(f.code == "H101" and f.severity == "error" for f in found)


DOCS = [REALDOCS / n for n in ("04_sh_putuo_wanli_dept_2025.pdf", "13_sh_city_czj_unit_2025.pdf")]


@pytest.mark.skipif(not all(p.exists() for p in DOCS), reason="../shared/realdocs not present")
@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_real_one_yuan_tails_are_one_hint_each(path):
    """Documents 04 (21201, 1 元 in three tables) and 13 (302, 1 元 carried into the totals)."""
    [r] = check_file(path)
    assert _codes(r).count("T101") == 1
    assert not [f for f in r.findings if f.code[0] in "HX" and f.severity == "error"], [str(f) for f in r.findings]
    [t] = [f for f in r.findings if f.code == "T101"]
    assert len(t.consequences) >= 4
