"""Absent is not zero: a table missing from a published text is one V05 finding, and every check
that needs it is listed as not checkable instead of being computed from zeros."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from budgetxl.check.report import as_json
from budgetxl.check.runner import check_file

REALDOCS = Path(__file__).resolve().parents[1].parent / "shared" / "realdocs"


def _only_first_table(seed: Path, out: Path) -> Path:
    """The seed's text cut right after its first table (as a web page excerpt holds only table 1)."""
    from budgetxl.spec import load_profile
    from budgetxl.textimport import find_tables

    text = seed.read_text("utf-8-sig")
    lines = text.splitlines()
    starts = [pt.line - 1 for pt in find_tables(text, load_profile())]
    assert len(starts) >= 2
    out.write_text("\n".join(lines[: starts[1]]) + "\n", "utf-8")
    return out


def _check(path):
    [r] = check_file(path)
    return r


def test_one_table_gives_one_v05_and_no_figures_from_zeros(seed_path, tmp_path):
    r = _check(_only_first_table(seed_path, tmp_path / "excerpt.txt"))
    v05 = [f for f in r.findings if f.code == "V05"]
    assert len(v05) == 1 and "8张表" in v05[0].message
    assert not [f for f in r.findings if f.code != "V05"], [str(f) for f in r.findings]
    assert {n["rule"] for n in r.not_checked} >= {"H103", "X101"}
    data = json.loads(as_json([r]))
    assert data["not_checked"] and all(n["missing"] for n in data["not_checked"])


def test_complete_seed_has_nothing_not_checked(seed_path):
    r = _check(seed_path)
    assert r.not_checked == [] and not [f for f in r.findings if f.code == "V05"]


def _planted(seed: Path, tmp_path: Path, *changes: tuple[str, str]) -> Path:
    """The seed's first table alone, with the figure printed after each label replaced."""
    path = _only_first_table(seed, tmp_path / "excerpt.txt")
    lines = path.read_text("utf-8").splitlines()
    for label, figure in changes:
        at = next(i for i, line in enumerate(lines) if line.strip() == label)
        lines[at + 1] = "\t" + figure
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _totals(r):
    return [(f.code, f.message.split("·")[1], f.actual, f.expected) for f in r.findings if f.code != "V05"]


def test_a_lone_table_is_checked_against_its_own_printed_figures(seed_path, tmp_path):
    """Only table 1 printed: its totals cannot be recomputed from the other tables, but each is
    still checked against the figures printed beside it — one finding where the figure is wrong,
    none on the totals that merely agree with it, and the finding says what it was checked against."""
    r = _check(_planted(seed_path, tmp_path, ("本年支出合计", "1537.23")))
    [(code, row, actual, expected)] = _totals(r)
    assert (code, row, str(actual), str(expected)) == ("H103", "本年支出合计", "1537.23", "1573.23")
    assert "按本表印出的各数核对" in r.findings[-1].message and "数字颠倒" in r.findings[-1].message


def test_a_wrong_part_blames_the_total_beside_it_once(seed_path, tmp_path):
    r = _check(_planted(seed_path, tmp_path, ("四、公共安全支出", "1276.85")))
    assert [(c, row, str(a), str(e)) for c, row, a, e in _totals(r)] == [("H103", "本年支出合计", "1573.23", "1582.23")]


def test_a_wrong_grand_total_is_one_finding_not_also_an_imbalance(seed_path, tmp_path):
    r = _check(_planted(seed_path, tmp_path, ("支出总计", "1600.00")))
    assert [(c, row) for c, row, _, _ in _totals(r)] == [("H103", "支出总计")]


def test_a_lone_table_out_of_balance(seed_path, tmp_path):
    """Income side consistent in itself, expenditure side too, the two unequal: H104 on the printed sides."""
    r = _check(_planted(seed_path, tmp_path, ("一、一般公共预算拨款收入", "1580.00"), ("本年收入合计", "1580.00"),
                        ("收入总计", "1580.00")))
    found = [f for f in r.findings if f.code != "V05"]
    assert [f.code for f in found] == ["H104"], [str(f) for f in found]
    assert (str(found[0].expected), str(found[0].actual)) == ("1580.00", "1573.23")


@pytest.mark.skipif(not (REALDOCS / "01_hebei_pingshan_xiakou_czs_2025.txt").is_file(),
                    reason="../shared/realdocs not present")
def test_hebei_excerpt():
    r = _check(REALDOCS / "01_hebei_pingshan_xiakou_czs_2025.txt")
    assert [f.code for f in r.findings].count("V05") == 1
    assert not [f for f in r.findings if f.code == "H103"]
    assert r.not_checked


def test_a_rule_error_beside_an_unreadable_cell_is_still_reported():
    """An unreadable cell makes what needs it not checkable; it does not turn a rule's own error
    (a ValueError that is not an unknown figure) into "not checkable"."""
    import budgetxl
    from budgetxl.check.context import CheckContext
    from budgetxl.check.registry import Rule
    from budgetxl.check.runner import check_budget

    class Broken(Rule):
        code, title, severity, group = "Z999", "坏规则", "error", "文字"

        def check(self, ctx):
            raise ValueError("别字表第2行不是有效的正则表达式")

    b = budgetxl.load_sample()
    key = next(iter(b.inputs))
    b.mark_unreadable(key, "第3页某格")
    not_checked: list = []
    found = check_budget(CheckContext(b), [Broken], not_checked=not_checked)
    assert [f.code for f in found] == ["Z999"] and "执行出错" in found[0].message
    assert not_checked == []


def _first_tables(seed: Path, out: Path, n: int) -> Path:
    from budgetxl.spec import load_profile
    from budgetxl.textimport import find_tables

    text = seed.read_text("utf-8-sig")
    starts = [pt.line - 1 for pt in find_tables(text, load_profile())]
    out.write_text("\n".join(text.splitlines()[: starts[n]]) + "\n", "utf-8")
    return out


def test_pairs_against_an_absent_economic_table_are_not_checkable(seed_path, tmp_path):
    """Tables 1–5 printed, the 基本支出 economic table missing: X301 compares nothing with zeros."""
    r = _check(_first_tables(seed_path, tmp_path / "five.txt", 5))
    assert not [f for f in r.findings if f.code == "X301"], [str(f) for f in r.findings]
    assert "X301" in {n["rule"] for n in r.not_checked}
    full = _check(seed_path)  # the seed's real pair error is still found when the table is there
    assert [f.code for f in full.all_findings].count("X301") == 1


def test_what_a_truncated_document_does_not_print_is_not_checkable(seed_path, tmp_path):
    """Project tables, sections, 三公 details: not "missing" when the document's end was never read."""
    r = _check(_first_tables(seed_path, tmp_path / "three.txt", 3))
    assert not [f for f in r.findings if f.code in ("P101", "W310", "W505")]
    entry = next(n for n in r.not_checked if n["rule"] == "P101")
    assert "三公经费支出表" in entry["missing"]
