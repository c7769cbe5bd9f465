"""W317 沿用已更名的机构或领域名称: the shipped list loads, each line is an expression matching the
old name it says and not the current one; on the real documents it finds the 万里街道 documents'
卫生和计划生育 (主要职能, 2023–2025) and nothing anywhere else."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetxl.check.rules.hygiene import renamed_bodies
from budgetxl.check.runner import check_file
from budgetxl.errors import SpecError
from budgetxl.resources import templates_dir

REALDOCS = Path(__file__).resolve().parent.parent.parent / "shared" / "realdocs"
EXPECTED = {
    "01_hebei_pingshan_xiakou_czs_2025.txt": set(),
    "02_sh_putuo_wanli_dept_2023.pdf": {"卫生和计划生育"},
    "03_sh_putuo_wanli_dept_2024.pdf": {"卫生和计划生育"},
    "04_sh_putuo_wanli_dept_2025.pdf": {"卫生和计划生育"},
    "05_sh_putuo_zfb_dept_2025.pdf": set(),
    "06_sh_putuo_zfb_unit_2025.pdf": set(),
    "09_sh_putuo_czj_dept_2025.pdf": set(),
    "13_sh_city_czj_unit_2025.pdf": set(),
}


def _listed():
    return renamed_bodies(str(templates_dir() / "codes" / "renamed-bodies.csv"))


@pytest.mark.parametrize("old, now", [
    ("区卫生和计划生育委员会", "卫生健康"), ("县卫计委", "卫生健康"), ("市国土资源局", "自然资源"),
    ("区环境保护局", "生态环境"), ("区安全生产监督管理局", "应急管理"), ("区工商行政管理局", "市场监督管理"),
    ("区食品药品监督管理局", "市场监督管理"), ("县公安消防大队", "消防救援"), ("区地方税务局", "税务局"),
    ("县扶贫开发领导小组办公室", "乡村振兴局"),
])
def test_shipped_list_knows_the_old_names(old, now):
    assert [r.now for r in _listed() if r.pattern.search(old)] == [now]


@pytest.mark.parametrize("right", ["区卫生健康委员会", "计划生育服务", "计划生育事务", "环境保护部门", "国家税务总局",
                                   "区税务局", "国土资源所在地", "乡村振兴局", "消防救援支队"])
def test_current_names_are_not_matched(right):
    assert not [r for r in _listed() if r.pattern.search(right)]


def test_a_broken_list_is_an_error(tmp_path):
    p = tmp_path / "bodies.csv"
    p.write_text("旧写法,现名称,自年度,说明\n国土资源局,自然资源局,二〇一八,\n", "utf-8")
    with pytest.raises(SpecError, match="第2行：应写旧写法、现名称和自年度"):
        renamed_bodies(str(p))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_documents(name):
    path = REALDOCS / name
    if not path.is_file():
        pytest.skip("../shared/realdocs not present")
    [r] = check_file(path)
    found = [f for f in r.findings if f.code == "W317"]
    assert {f.actual for f in found} == EXPECTED[name], [str(f) for f in found]
    assert all(f.severity == "info" and f.extra.get("place") == "第3页" for f in found)
