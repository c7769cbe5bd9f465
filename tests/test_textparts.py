"""The supplementary parts read from a published text equal the hand transcription of the sample,
so the text, project, procurement and asset rules check real publications too."""

import json

import pytest
from click.testing import CliRunner

from budgetxl.cli import main
from budgetxl.textparts import extract_parts


@pytest.fixture(scope="module")
def parts(seed_path, profile):
    return extract_parts(seed_path.read_text("utf-8"), profile)


@pytest.mark.parametrize("part", ["narrative", "projects", "procurement", "assets", "institutions"])
def test_part_equals_transcription(parts, sample, part):
    want = sample.supplement[part]
    if part == "narrative":
        want = {k: v for k, v in want.items() if v}
    assert parts[part] == want


def test_check_on_published_text_finds_the_real_inconsistencies(seed_path):
    res = CliRunner().invoke(main, ["check", str(seed_path), "--format", "json"])
    found = json.loads(res.output)["findings"]
    assert sorted(f["code"] for f in found if f["severity"] == "error") == ["A103", "W102", "W103"]
    # W306: the county unit's duties say "实施全市道路交通管理工作" (a county unit describing 全市 work)
    # P107: the project's indicator 交通事故下降率 has the target “有效预防” (a ratio without a figure)
    assert sorted(f["code"] for f in found if f["severity"] == "warning") == ["P107", "W306", "X301"]


def test_planted_errors_in_text_are_found(seed_path, tmp_path):
    text = seed_path.read_text("utf-8")
    planted = {
        "W101": text.replace("其中基本支出978.93万元", "其中基本支出987.93万元"),
        "W104": text.replace("较2023年预算减少14.00万元", "较2023年预算减少41.00万元"),
        "G102": text.replace("\tA04039900\n\t批\n\t12\n", "\tA04039900\n\t批\n\t13\n"),
    }
    for code, variant in planted.items():
        assert variant != text
        p = tmp_path / f"{code}.txt"
        p.write_text(variant, "utf-8")
        res = CliRunner().invoke(main, ["check", str(p), "--format", "json", "--select", code])
        assert [f["code"] for f in json.loads(res.output)["findings"]] == [code], code


def test_check_reads_what_it_can_of_an_odd_text(seed_path, tmp_path):
    """An unknown row in a published table is reported (V05); the rest is still checked."""
    text = seed_path.read_text("utf-8").replace("\t五、单位资金\n", "\t五、其他来源收入\n", 1)
    p = tmp_path / "odd.txt"
    p.write_text(text, "utf-8")
    res = CliRunner().invoke(main, ["check", str(p), "--format", "json"])
    codes = [f["code"] for f in json.loads(res.output)["findings"]]
    assert "V05" in codes and "W103" in codes and "X301" in codes
    assert res.exit_code == 1
    res = CliRunner().invoke(main, ["import-text", str(p), "-o", str(tmp_path / "f.csv")])
    assert res.exit_code == 2 and "其他来源收入" in res.output  # import stays strict
