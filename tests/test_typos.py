"""W316 疑似别字: the shipped list loads and every line is a valid expression; a broken list is an
error naming its file and line (never an empty list); on the real documents the rule finds the
万里街道 documents' 社区事物受理 and 建筑里面 and nothing anywhere else."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetxl.check.rules.hygiene import typos
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
    ("误写,应为,说明\n事物(?=受理,事务,\n", "第2条"),
    ("误写,应为,说明\n事物受理,,\n", "第2条"),
    ("wrong,right\n事物受理,事务受理\n", "表头"),
])
def test_a_broken_list_is_an_error(tmp_path, body, where):
    p = tmp_path / "typos.csv"
    p.write_text(body, "utf-8")
    with pytest.raises(ValueError, match=where):
        typos(str(p))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_documents(name):
    path = REALDOCS / name
    if not path.is_file():
        pytest.skip("../shared/realdocs not present")
    [r] = check_file(path)
    found = [f for f in r.findings if f.code == "W316"]
    assert {f.actual for f in found} == EXPECTED[name], [str(f) for f in found]
    assert all(f.severity == "info" and f.extra.get("place") for f in found)
