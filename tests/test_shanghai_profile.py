"""The shanghai-2025 profile through the checks: the sample is clean, a wrong amount in its text
is found with the tables' 元 figures stated in the text's 万元, and what does not apply to Shanghai
says why."""

from __future__ import annotations

import pytest

from budgetxl.check.context import CheckContext
from budgetxl.check.registry import all_rules
from budgetxl.check.runner import check_budget
from budgetxl.facts import read_facts
from budgetxl.spec import load_profile
from budgetxl.supplement import load_supplement

from .conftest import REPO

SAMPLE = REPO / "samples" / "putuo_zfb_2025"


def _sample():
    b = read_facts(SAMPLE / "facts.csv", "shanghai-2025")[0]
    b.supplement = load_supplement(SAMPLE / "supplement.toml", b.profile)
    return b


def test_sample_checks_clean():
    """No error; the one warning and the hints are the document's own (W505: 因公出国 839 万元 and
    公务接待 28.50 万元 stated without 团组数/人次 and 批次/人次; W212: 行政运行 and 事业运行 said to be
    basic spending only, while the tables give them project money too; W315: 机关运行经费 stated for
    "1家事业单位" while its 名词解释 gives it to 行政单位 and 参公事业单位 only)."""
    found = check_budget(CheckContext(_sample()))
    assert [str(f) for f in found if f.severity == "error"] == []
    assert {f.code for f in found if f.severity == "warning"} == {"W505"}
    assert {f.code for f in found} <= {"W212", "W315", "W505"}


@pytest.mark.parametrize("before,after,label", [
    ("收入预算9,101.68", "收入预算9,101.78", "收入预算"),          # a 元 table figure (收入总计)
    ("机关运行经费预算为213.28", "机关运行经费预算为231.28", "机关运行经费"),  # the 万元 table ⑨
])
def test_wrong_text_amount_found_in_the_texts_unit(before, after, label):
    b = _sample()
    key = next(k for k, v in b.supplement["narrative"].items() if before in v)
    b.supplement["narrative"][key] = b.supplement["narrative"][key].replace(before, after)
    found = [f for f in check_budget(CheckContext(b)) if f.code == "W101"]
    assert len(found) == 1 and label in found[0].message and "万元" in found[0].message


def test_what_does_not_apply_says_why():
    p = load_profile("shanghai-2025")
    reasons = {r.code: r.not_applicable(p) for r in all_rules(p)}
    assert "X301" in reasons and reasons["X301"] is None  # the pairs that hold in Shanghai
    assert "closing_balance" in reasons["X201"]  # no 年终结转结余 line in Shanghai's tables
    assert all(reasons[c] for c in ("A101", "G101", "P101"))  # no such supplementary tables


def test_unit_text_table_mix_is_refused_in_a_figure(tmp_path):
    from budgetxl import expr
    from budgetxl.errors import SpecError

    p = load_profile("shanghai-2025")
    with pytest.raises(SpecError):
        p.figure_unit(expr.bind(expr.parse("t9!amount.total + t8!total.total"), "*", "*", "*"))
