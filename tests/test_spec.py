"""The profile is the one source of layout: check its structure and self-consistency."""

import pytest

from budgetxl.errors import SpecError
from budgetxl.spec import load_profile

FACT_TABLE_NAMES = ["收支总表", "收入总表", "支出总表", "财政拨款收支总表", "一般公共预算财政拨款支出表",
                    "一般公共预算财政拨款基本支出表", "政府性基金预算财政拨款支出表", "国有资本经营预算财政拨款支出表",
                    "三公经费支出表"]


def test_nine_tables_in_official_order(profile):
    assert [t.name for t in profile.ordered] == FACT_TABLE_NAMES
    assert all(t.title.startswith("部门预算") for t in profile.ordered)


def test_tables_found_by_name_title_or_id(profile):
    assert profile.table("t5") is profile.table("一般公共预算财政拨款支出表") is profile.table("部门预算一般公共预算财政拨款支出表")
    with pytest.raises(KeyError):
        profile.table("不存在的表")


def test_lanci_numbers_every_column_after_seq(profile):
    t2 = profile.table("收入总表")
    lanci = t2.lanci()
    assert lanci[(None, "total")] == 3 and lanci[(None, "carryover")] == 12
    t1 = profile.table("收支总表")
    assert t1.lanci() == {("in", "amount"): 2, ("out", "amount"): 4}


def test_every_cell_is_input_or_formula(profile):
    for t in profile.ordered:
        if t.coded:
            continue
        for item in t.items.values():
            for c in t.item_columns(item):
                t.formula(item.key, c.key)  # raises SpecError when undefined


def test_class_rows_cover_31_lines(profile):
    assert len(profile.classes) == 31
    t1 = profile.table("收支总表")
    assert len(t1.side("out").body) == 31
    assert len(t1.fixed_rows) == 34
    assert len(profile.table("财政拨款收支总表").fixed_rows) == 37


def test_broken_profile_is_rejected(tmp_path, monkeypatch):
    import shutil

    from budgetxl import resources

    src = resources.templates_dir()
    dst = tmp_path / "templates"
    shutil.copytree(src, dst)
    p = dst / "hebei-2024" / "profile.toml"
    p.write_text(p.read_text("utf-8").replace('"t4!gpb.amount"', '"t4!nosuchrow.amount"'), "utf-8")
    monkeypatch.setattr(resources, "templates_dir", lambda: dst)
    load_profile.cache_clear()
    try:
        with pytest.raises(SpecError, match="nosuchrow"):
            load_profile("hebei-2024")
    finally:
        load_profile.cache_clear()


def test_parts_declared(profile):
    parts = profile.parts
    assert {"institutions", "projects", "procurement", "assets", "narrative"} <= set(parts)
    keys = [n["key"] for n in parts["narrative"]]
    assert len(keys) == len(set(keys))
