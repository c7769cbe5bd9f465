"""The 填报说明 sheet says what the profile says ([guide] in parts.toml), with the tables' money
units as the profile declares them: a Shanghai template explains its 元 tables, its 万元 table and
its 类 | 款 | 项 cells, and names none of Hebei's tables; a Hebei one its 万元 tables."""

from __future__ import annotations

import openpyxl
import pytest

from budgetxl.sample import load_sample, samples
from budgetxl.template import write_template
from budgetxl.template import layout as L
from budgetxl.template.guide import guide_lines, guide_title, money_units


@pytest.mark.parametrize("name", samples())
def test_guide_sheet_is_the_profiles(name, tmp_path):
    b = load_sample(name)
    out = tmp_path / "t.xlsx"
    write_template(b, out)
    ws = openpyxl.load_workbook(out)[L.SHEET_GUIDE]
    shown = [c.value for c in ws["A"] if c.value]
    assert shown[0] == guide_title(b)
    assert shown[1: 1 + len(guide_lines(b))] == guide_lines(b)
    units = {t.money_unit for t in b.profile.ordered}
    for u in units:  # every unit the tables are in is named
        assert f"为{u}" in money_units(b.profile)
    others = {t.name for pid in ("hebei-2024", "shanghai-2025") for t in load_sample_profile(pid).ordered} \
        - {t.name for t in b.profile.ordered}
    text = "".join(shown)
    assert not [n for n in others if n in text and not any(n in t.name for t in b.profile.ordered)]


def load_sample_profile(pid):
    from budgetxl.spec import load_profile

    return load_profile(pid)


def test_mixed_units_are_named_per_table():
    from budgetxl.spec import load_profile

    p = load_profile("shanghai-2025")
    wan = [t for t in p.ordered if t.money_unit != p.money_unit]
    assert wan  # table ⑨ in 万元
    sentence = money_units(p)
    assert sentence.startswith(f"金额单位为{p.money_unit}") and all(t.name in sentence for t in wan)
    assert money_units(load_profile("hebei-2024")) == "金额单位一律为万元"


@pytest.mark.parametrize("pid", ["shanghai-2025", "shanghai-2025-unit"])
def test_guide_names_the_text_parts_the_profile_has(pid):
    """The 单位 variant keeps the base's 填报说明 but has no 项目经费情况说明: the guide names the text
    parts of the profile it is written for, no more."""
    import copy

    from budgetxl.spec import load_profile

    p = load_profile(pid)
    b = copy.copy(load_sample("putuo_zfb_2025"))
    b.profile = p
    said = next(line for line in guide_lines(b) if "情况说明页" in line)
    titles = [n["title"] for n in p.parts["narrative"] if n.get("kind") == "text"]
    assert all(t in said for t in titles)
    others = {n["title"] for q in ("shanghai-2025", "shanghai-2025-unit")
              for n in load_profile(q).parts["narrative"]} - set(titles)
    assert not [t for t in others if t in said]
