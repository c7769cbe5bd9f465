"""W316 疑似别字: the shipped list loads and every line is a valid expression; a broken list is an
error naming its file and line (never an empty list); on the real documents the rule finds the
万里街道 documents' 社区事物受理 and 建筑里面 and nothing anywhere else."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetxl.check.rules.hygiene import typos
from budgetxl.errors import SpecError
from budgetxl.check.runner import check_file
from budgetxl.resources import templates_dir

REALDOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "realdocs"
# document → the wrong words W316 reports, from the review (02–04 print the same project text)
EXPECTED = {
    "01_hebei_pingshan_xiakou_czs_2025.txt": set(),
    "02_sh_putuo_wanli_dept_2023.pdf": {"事物", "里面"},
    "03_sh_putuo_wanli_dept_2024.pdf": {"事物", "里面"},
    "04_sh_putuo_wanli_dept_2025.pdf": {"事物", "里面"},
    "05_sh_putuo_zfb_dept_2025.pdf": set(),
    "06_sh_putuo_zfb_unit_2025.pdf": set(),
    "09_sh_putuo_czj_dept_2025.pdf": set(),
    "13_sh_city_czj_unit_2025.pdf": set(),
}


def test_shipped_list_loads():
    got = typos(str(templates_dir() / "codes" / "typos.csv"))
    assert len(got) >= 30
    by_right = {t.right: t for t in got}
    assert by_right["事务"].pattern.search("社区事物受理") and not by_right["事务"].pattern.search("新生事物")


@pytest.mark.parametrize("body,where", [
    ("# a comment\n误写,应为,说明\n事物(?=受理,事务,\n", "第3行：“事物\\(\\?=受理”不是有效的正则表达式"),
    ("误写,应为,说明\n\n事物受理,,\n", "第3行：应写误写和应为"),
    ("wrong,right\n事物受理,事务受理\n", "第1行：表头应为“误写,应为”"),
    ("", "表头应为"),
])
def test_a_broken_list_is_an_error(tmp_path, body, where):
    p = tmp_path / "typos.csv"
    p.write_text(body, "utf-8")
    with pytest.raises(SpecError, match=where):
        typos(str(p))


def test_a_missing_list_is_an_error_and_a_bureau_list_may_be_gb18030(tmp_path):
    with pytest.raises(SpecError, match="别字表 .*missing.csv 无法读取"):
        typos(str(tmp_path / "missing.csv"))
    p = tmp_path / "gbk.csv"
    p.write_bytes("误写,应为,说明\n布署,部署,\n".encode("gb18030"))
    [t] = typos(str(p))
    assert t.right == "部署" and t.pattern.search("工作布署")


def test_a_broken_rename_list_is_an_error_not_an_empty_list(tmp_path):
    from budgetxl.check.narrative_items import renames

    p = tmp_path / "renamed.csv"
    p.write_text("科目编码,旧名称,新名称,自年度\n210,医疗卫生与计划生育支出,卫生健康支出,二〇一八\n", "utf-8")
    with pytest.raises(SpecError, match="已改名科目表 .* 第2行：应写科目编码、旧名称、新名称和自年度"):
        renames(str(p))
    with pytest.raises(SpecError, match="无法读取"):
        renames(str(tmp_path / "none.csv"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_documents(name):
    path = REALDOCS / name
    if not path.is_file():
        pytest.skip("../shared/realdocs not present")
    [r] = check_file(path)
    found = [f for f in r.findings if f.code == "W316"]
    assert {f.actual for f in found} == EXPECTED[name], [str(f) for f in found]
    assert all(f.severity == "info" and f.extra.get("place") for f in found)


def test_a_broken_profile_list_is_reported_as_such_by_the_check(tmp_path, monkeypatch):
    """The check reports the list's own error (file and line), as an error of the rule — not as a
    bug to report to the developers, and never as no findings."""
    import budgetxl
    from budgetxl.check.context import CheckContext
    from budgetxl.check.rules import hygiene
    from budgetxl.check.runner import check_budget

    p = tmp_path / "typos.csv"
    p.write_text("误写,应为,说明\n事物(?=受理,事务,\n", "utf-8")
    monkeypatch.setattr(hygiene, "shipped_list", lambda ctx, key, default: p)
    [f] = [f for f in check_budget(CheckContext(budgetxl.load_sample())) if f.code == "W316"]
    assert f.severity == "error" and "无法执行：别字表" in f.message and "第2行" in f.message
    assert "请反馈给开发者" not in f.message
