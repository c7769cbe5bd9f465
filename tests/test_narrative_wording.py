"""The generated paragraphs' sentences are the profile's ([narrative.wording] in parts.toml), and
their amounts are stated in the profile's narrative unit, converted exactly from the tables' units:
a Shanghai variant whose parts.toml has budgetxl write two paragraphs in the documents' own words
(收入预算 from the 元 tables, “三公”经费 from the 万元 table) reads as document 05 does."""

from __future__ import annotations

import re

import pytest

from budgetxl.errors import SpecError
from budgetxl.resources import profile_dir

WORDED = '''
[[narrative]]
key = "income"
title = "收入预算"
section = "四、部门预算编制说明"
kind = "generated"
[narrative.wording]
text = "{year}年，{unit_name}收入预算{total}，其中：{lines}。"
total = "grand_in"
line = "{label}{amount}"
separator = "；"
lines = [ { figure = "fiscal_in", label = "财政拨款收入" } ]
[[narrative]]
key = "sangong"
title = "“三公”经费预算情况说明"
section = "六、其他相关情况说明"
kind = "generated"
[narrative.wording]
figure = "sangong"
figures = ["sangong"]
text = "{year}年“三公”经费预算数为{sangong}，"
unchanged = "与{previous_year}年预算持平。"
compared = "比{previous_year}年预算{change}。"
up = "增加{amount}"
down = "减少{amount}"
same = "持平"
reason_pattern = "主要原因(?:是|为)([^。]*)"
reason = "主要原因是{reason}。"
end = ""
'''


@pytest.fixture()
def worded(tmp_path):
    d = tmp_path / "shanghai-worded"
    d.mkdir()
    base = profile_dir("shanghai-2025")
    (d / "profile.toml").write_text(f'base = "{base.as_posix()}"\nid = "shanghai-worded"\n', "utf-8")
    (d / "parts.toml").write_text((base / "parts.toml").read_text("utf-8") + WORDED, "utf-8")
    return d


def _flat(text: str) -> str:
    return re.sub(r"[\s,]", "", text)


def test_a_shanghai_narrative_generated_in_its_own_words(worded):
    from budgetxl.facts import read_facts
    from budgetxl.render.narrative import generate
    from budgetxl.sample import sample_path
    from budgetxl.supplement import load_supplement

    budget = read_facts(sample_path("facts.csv", "putuo_zfb_2025"), str(worded))[0]
    sup = load_supplement(sample_path("supplement.toml", "putuo_zfb_2025"), budget.profile)
    own = "\n".join(sup["narrative"].values())
    sup["previous"] = {"sangong": budget.evaluate(budget.profile.roles.figure("sangong").node)}  # as 2024 (持平)
    budget.supplement = sup
    out = generate(budget)
    # 91,016,775.35 元 stated as 9101.68 万元, as the document's own 预算编制说明 states it
    assert _flat(out["income"]).rstrip("。") in _flat(own)
    assert "万元" in out["income"] and "元" not in out["income"].replace("万元", "")
    assert _flat(out["sangong"]) in _flat(own)  # “2025年“三公”经费预算数为867.50万元，与2024年预算持平。”


def test_a_generated_part_without_wording_names_what_is_missing(worded):
    from budgetxl.facts import read_facts
    from budgetxl.render.narrative import generate
    from budgetxl.sample import sample_path

    parts = (worded / "parts.toml").read_text("utf-8")
    (worded / "parts.toml").write_text(parts.split("[narrative.wording]\nfigure")[0], "utf-8")
    budget = read_facts(sample_path("facts.csv", "putuo_zfb_2025"), str(worded))[0]
    with pytest.raises(SpecError) as e:
        generate(budget)
    assert "sangong" in str(e.value) and "wording" in str(e.value)
