"""The 单位预算 variant (shanghai-2025-unit, a profile made of its base and what differs): its
template recalculated by LibreOffice equals budgetxl, reads back to the sample's inputs, and the
table-name detection tells it from the 部门预算 profile."""

from __future__ import annotations

import os

import pytest

from budgetxl.lo import find_soffice, recalculate
from budgetxl.reader.entry import read_entry
from budgetxl.sample import load_sample, sample_path
from budgetxl.spec import load_profile
from budgetxl.template.writer import TemplateWriter

from .test_template import _differences

needs_lo = pytest.mark.skipif(find_soffice() is None and not os.environ.get("CI"),
                              reason="LibreOffice not installed (CI installs it and never skips)")
SAMPLE = "putuo_zfb_unit_2025"


def test_variant_is_its_base_and_what_differs():
    base, unit = load_profile("shanghai-2025"), load_profile("shanghai-2025-unit")
    assert [t.id for t in unit.ordered] == [t.id for t in base.ordered]
    assert {c.code for c in base.checks} < {c.code for c in unit.checks}
    assert [c.header for c in unit.tables["t1"].side("out").columns] != [c.header for c in base.tables["t1"].side("out").columns]
    assert unit.tables["t2"].columns == base.tables["t2"].columns and unit.tables["t2"].title != base.tables["t2"].title
    assert unit.roles is not None and unit.parts == base.parts


def test_facts_detected_by_table_names():
    from budgetxl.detect import by_table_names

    for sample, profile in (("putuo_zfb_2025", "shanghai-2025"), (SAMPLE, "shanghai-2025-unit")):
        lines = sample_path("facts.csv", sample).read_text("utf-8").splitlines()[1:]
        assert by_table_names([ln.split(",")[3] for ln in lines], sample).id == profile


@needs_lo
def test_unit_template_recalculated_and_read_back(tmp_path):
    b = load_sample(SAMPLE)
    w = TemplateWriter(b)
    w.write(tmp_path / "unit.xlsx")
    out = recalculate(tmp_path / "unit.xlsx", tmp_path / "recalc.xlsx")
    assert len(w.formula_values) > 300
    assert _differences(w, out) == []
    res = read_entry(out)
    assert [str(f) for f in res.findings if f.severity != "info"] == []
    assert res.budget.profile.id == "shanghai-2025-unit" and res.budget.inputs == b.inputs
