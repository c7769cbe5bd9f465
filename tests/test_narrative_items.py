"""The narrative item parser on the sentence shapes of real documents (tests/data/narrative_shapes.txt,
made by tests/data/make_narrative_shapes.py), and the passage model over every source."""

import copy
import dataclasses
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

import budgetxl
from budgetxl.check import all_rules
from budgetxl.check.context import CheckContext
from budgetxl.check.narrative_items import (Amount, clean, growth_interval, item_facts, items, passages,
                                            split_paragraphs)
from budgetxl.check.runner import check_budget

SHAPES = (Path(__file__).parent / "data" / "narrative_shapes.txt").read_text("utf-8")
_SAMPLE = budgetxl.load_sample()


def _ctx(narrative=None, **sup):
    b = copy.deepcopy(_SAMPLE, {id(_SAMPLE.profile): _SAMPLE.profile})
    b.supplement["narrative"] = narrative or {}
    b.supplement.update(sup)
    return CheckContext(b, "case.xlsx")


def _shapes():
    out = []
    for block in SHAPES.split("\n\n"):
        lines = block.strip().split("\n")
        out.append((lines[0][2:], "\n".join(lines[1:])))
    return out


EXPECTED = [  # (code the full path resolves to, amount in 万元) per shape, in file order
    ("2010506", "2.63"), ("2010507", "60.13"), ("2012902", "45.41"), ("2080505", "441.25"), ("2080506", "220.63"),
    (None, "20.00"), ("2010301", "1202.95"), ("2010302", "4614"), ("2080505", "174.83"), ("2080506", "887.36"),
    ("201", "12789"), ("208", "1756"),
]


def test_every_shape_is_one_item_resolved_by_its_full_path():
    shapes = _shapes()
    assert len(shapes) == len(EXPECTED)
    for (doc, text), (code, amt) in zip(shapes, EXPECTED):
        its = items(_ctx({"other": text}))
        assert len(its) == 1, (doc, text)
        it = its[0]
        assert it.resolved == code or (code is None and not it.path_ok), (doc, it.label, it.resolved)
        assert it.amount.value == Decimal(amt), (doc, it.amount)


def test_wrapped_lines_joined_and_spaces_inside_names_dropped():
    text = dict(_shapes_by_start())["6.“社会保障和就业支出"]
    it = items(_ctx({"other": text}))[0]
    assert it.names[-1].text == "机关事业单位基本养老保险缴费支出" and it.amount.value == Decimal("174.83")


def _shapes_by_start():
    return [(t.split("（")[0][:12], t) for _, t in _shapes()]


def test_item_facts_of_the_2023_shape():
    text = _shapes()[4][1]  # 职业年金: heading 220.63, 预算安排 441.25, 60.54 %
    it = items(_ctx({"other": text}))[0]
    f = item_facts(it, 2023)
    assert f.prior.value == Decimal("132.59") and [a.value for a in f.current] == [Decimal("441.25")]
    assert f.change.direction == 1 and f.change.pct == Decimal("60.54")
    assert f.reason.startswith("事业单位离退休经费增加")


def test_growth_interval_over_rounded_inputs():
    lo, hi = growth_interval(Amount("45.41万元", Decimal("45.41"), Decimal("0.005")),
                             Amount("11.67万元", Decimal("11.67"), Decimal("0.005")))
    assert Decimal("288.90") < lo < Decimal("288.92") and Decimal("289.32") < hi < Decimal("289.34")
    assert growth_interval(Amount("1万元", Decimal(1), Decimal("0.005")), Amount("0万元", Decimal(0), Decimal("0.5"))) is None


@pytest.mark.parametrize("start, codes", [
    ("1. “一般公共服务支出（类）统计信息事务（款）统计管理", set()),  # 77.70 % lies in [77.18 %, 78.24 %]
    ("2. “一般公共服务支出（类）统计信息事务（款）专项普查", {"W206"}),
    ("3. “一般公共服务支出（类）群众团体事务", {"W205"}),
    ("16. “社会保障和就业支出", {"W204", "W205"}),
])
def test_rules_on_the_real_shapes(start, codes):
    text = next(t for _, t in _shapes() if t.startswith(start))
    ctx = _ctx({"other": text})
    ctx.budget.year = 2023
    rules = [r for r in all_rules() if r.code in ("W204", "W205", "W206", "W207")]
    assert {f.code for f in check_budget(ctx, rules)} == codes


def test_paragraphs_of_a_published_document_are_the_same_model():
    text = _shapes()[2][1]
    paras = [{"text": "部门预算编制说明", "place": "第6页", "heading": True}, {"text": text, "place": "第6页"}]
    ps = passages(_ctx(paragraphs=paras))
    assert [p.place for p in ps] == ["第6页", "第6页"] and ps[0].heading
    doc = SimpleNamespace(paragraphs=[SimpleNamespace(text=text, place="第7页", heading=None)], tables=[], front=[])
    ctx = _ctx()
    ctx.meta["document"] = doc
    assert [p.place for p in passages(ctx)] == ["第7页"]
    assert items(ctx)[0].resolved == "2012902"


def test_split_paragraphs_joins_wrapped_lines_only():
    text = "1. 第一项预算执行数为1.48\n万元，比上年增加\n60.54%。\n2. 第二项。\n（一）标题"
    assert [p for _, p in split_paragraphs(text)] == ["1. 第一项预算执行数为1.48万元，比上年增加60.54%。", "2. 第二项。",
                                                       "（一）标题"]
    assert clean("财 政 业 务 费 10.00 万 元，增加77.70 %") == "财政业务费10.00万元，增加77.70%"


def _in_yuan(sample):
    """The sample with every table of its profile in 元 (the figures read as 元), as in Shanghai."""
    b = copy.deepcopy(sample, {id(sample.profile): sample.profile})
    b.profile = copy.copy(sample.profile)
    b.profile.__dict__.pop("_by_name", None)
    b.profile.money_unit = "元"
    b.profile.tables = {k: dataclasses.replace(t, money_unit="元") for k, t in sample.profile.tables.items()}
    return b


def test_yuan_tables_are_compared_in_wan_with_the_yuan_figure_shown():
    from budgetxl.check.narrative_facts import table_values

    b = _in_yuan(_SAMPLE)
    (v, desc), *_ = table_values(b, "basic")
    assert v == _SAMPLE.value("支出总表", "total", "basic") / 10000 and desc.endswith(" 元")


def test_item_amounts_against_yuan_tables():
    b = _in_yuan(_SAMPLE)
    b.set("一般公共预算财政拨款支出表", "2080506", "基本支出", "873617")
    b._cache.clear()
    b.supplement["narrative"] = {"other": "7.“社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）”87.36万元。"
                                          "8.“卫生健康支出（类）行政事业单位医疗（款）事业单位医疗（项）”0.00万元。"}
    found = check_budget(CheckContext(b, "x"), [r for r in all_rules() if r.code == "W201"])
    assert [f.actual for f in found] == []  # 873,617 元 = 87.3617 万元 → 87.36; 39.87 元 = 0.003987 万元 → 0.00
    b.supplement["narrative"]["other"] = "7.“社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）”887.36万元。"
    found = check_budget(CheckContext(b, "x"), [r for r in all_rules() if r.code == "W201"])
    assert len(found) == 1 and "873,617" in found[0].message and "多一位" in found[0].message


def test_from_document_gives_the_text_rules_what_they_read():
    from budgetxl.check.narrative_items import from_document

    fig = SimpleNamespace(value=Decimal("47.91"))
    table = SimpleNamespace(title="部门“三公”经费和机关运行经费预算表", title_place="第31页",
                            notes=["注:本部门2024年无“三公”经费和机关运行经费预算，故本表为空表。"], figures=lambda: [(None, fig)],
                            captions=["编制部门：上海市普陀区人民政府万里街道办事处  单位:万元"], rows=[], index=9, pages=[31])
    doc = SimpleNamespace(front=["上海市普陀区2024年区级部门预算"], tables=[table],
                          paragraphs=[SimpleNamespace(text="（五）基本支出预算：是市级预算主管部门及所属预算单位编制的年度基本支出计划。",
                                                      place="第5页", heading=None)])
    ctx = _ctx(**from_document(doc))
    codes = {f.code for f in check_budget(ctx, [r for r in all_rules() if r.code in ("W306", "W307")])}
    assert codes == {"W306", "W307"}
