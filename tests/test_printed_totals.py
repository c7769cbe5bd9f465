"""Printed totals are data: a facts CSV whose derived figure disagrees with its parts is checked,
and the disagreement is a finding at its line (not a refusal); import and render still refuse it."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from budgetxl.cli import main


def _tampered(sample, tmp_path):
    from budgetxl.facts import write_facts

    src = tmp_path / "all.csv"
    write_facts([sample], src, derived=True)
    rows = list(csv.reader(src.open(encoding="utf-8-sig")))
    t3 = sample.profile.tables["t3"]
    total = next(c for c in t3.columns if c.formula)  # a derived column of the expenditure table
    line = next(i for i, r in enumerate(rows) if r[3] == t3.name and len(r[4]) == 3 and r[6] == total.header)
    rows[line][7] = str(sample.value("t3", rows[line][4], total.key) + 1)
    out = tmp_path / "tampered.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return out, line + 1


def test_disagreeing_derived_figure_is_a_finding_at_its_line(sample, tmp_path):
    path, line = _tampered(sample, tmp_path)
    res = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    assert res.exit_code == 1, res.output
    assert f"第{line}行" in res.output and '"H10' in res.output


def test_read_facts_still_refuses_by_default(sample, tmp_path):
    from budgetxl.errors import BudgetxlError
    from budgetxl.facts import read_facts

    path, line = _tampered(sample, tmp_path)
    with pytest.raises(BudgetxlError, match=f"第{line}行"):
        read_facts(path)
