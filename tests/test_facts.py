"""The facts CSV: exact reading, every kind of bad line, derived-value comparison, writing."""

import pytest

from budgetxl.errors import BudgetxlError
from budgetxl.facts import FACT_COLUMNS, parse_facts, read_facts, write_facts

HEAD = ",".join(FACT_COLUMNS)


def facts(*lines: str) -> str:
    return "\n".join([HEAD, *lines]) + "\n"


def row(table="支出总表", code="2040250", name="事业运行", col="基本支出", amount="735.75", unit="451",
        unit_name="曲阳县公安局交通管理大队", year="2024") -> str:
    return ",".join([unit, unit_name, year, table, code, name, col, amount])


def errors_of(text: str) -> list[str]:
    with pytest.raises(BudgetxlError) as e:
        parse_facts(text, "f.csv")
    return [str(p) for p in e.value.problems] or [e.value.message]


def test_minimal_inputs_give_derived_values():
    (b,) = parse_facts(facts(row(), row(code="2040220", name="执法办案", col="项目支出", amount="532.10")))
    assert str(b.value("支出总表", "total", "合计")) == "1267.85"
    assert str(b.value("支出总表", "20402", "基本支出")) == "735.75"
    assert str(b.value("收支总表", "四、公共安全支出", "预算数")) == "1267.85"
    assert str(b.value("收支总表", "本年支出合计", "预算数")) == "1267.85"


def test_bom_and_header_whitespace_accepted(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("\ufeff" + facts(row()), encoding="utf-8")
    (b,) = read_facts(p)
    assert b.unit_code == "451"


def test_labels_match_ignoring_whitespace_and_ordinal():
    a = parse_facts(facts(row("财政拨款收支总表", "", "本年收入/一、一般公共预算拨款", "金额", "10.00")))[0]
    b = parse_facts(facts(row("财政拨款收支总表", "", "本年收入 / 一般公共预算拨款", " 金 额 ", "10.00")))[0]
    assert a.inputs == b.inputs
    c = parse_facts(facts(row("三公经费支出表", "", "  其中：公务用车购置费", "一般公共预算财政拨款", "3.00")))[0]
    assert str(c.value("三公经费支出表", "二、公务用车购置及运维费", "合计")) == "3.00"


def test_ambiguous_label_needs_qualified_form():
    (msg,) = errors_of(facts(row("财政拨款收支总表", "", "一、一般公共预算拨款", "金额", "10.00")))
    assert "第2行" in msg and "年初财政拨款结转和结余/一般公共预算拨款" in msg


@pytest.mark.parametrize("line, expect", [
    (row(table="收支表"), "未知的表“收支表”"),
    (row(col="工资"), "没有栏目“工资”"),
    (row(amount="abc"), "不是数字"),
    (row(amount="1.234"), "超过2位小数"),
    (row(amount="-5.00"), "不能为负数"),
    (row(amount=""), "金额为空"),
    (row(code="20402501"), "应为 3/5/7 位数字"),
    (row(code="", name="事业运行"), "科目编码为空"),
    (row(year="24"), "四位数字年份"),
    (row(unit=""), "单位编码为空"),
    (row(table="收支总表", code="", name="一般公共服务支出", col="金额"), "没有栏目“金额”"),
    (row(table="收支总表", code="201", name="一般公共服务支出", col="预算数"), "科目编码应为空"),
    (row(table="三公经费支出表", code="", name="差旅费", col="合计"), "没有行“差旅费”"),
    ("451,x,2024,支出总表", "应有8列"),
])
def test_bad_line_is_named(line, expect):
    msgs = errors_of(facts(row(), line))
    assert len(msgs) == 1
    assert "f.csv" in msgs[0] and "第3行" in msgs[0] and expect in msgs[0], msgs


def test_duplicate_fact_names_both_lines():
    (msg,) = errors_of(facts(row(), row(amount="1.00")))
    assert "第3行" in msg and "与第2行是同一单元格" in msg


def test_all_bad_lines_reported_at_once():
    msgs = errors_of(facts(row(amount="x"), row(col="y"), row(table="z")))
    assert len(msgs) == 3


def test_wrong_header():
    with pytest.raises(BudgetxlError, match="表头应为"):
        parse_facts("a,b,c\n1,2,3\n", "f.csv")


def test_not_utf8(tmp_path):
    p = tmp_path / "gbk.csv"
    p.write_bytes(facts(row()).encode("gbk"))
    with pytest.raises(BudgetxlError, match="不是 UTF-8 编码"):
        read_facts(p)


def test_derived_fact_compared_with_computation():
    text = facts(row(), row(code="", name="合计", col="合计", amount="700.00"))
    (msg,) = errors_of(text)
    assert "第3行" in msg and "派生数" in msg and "735.75" in msg and "700.00" in msg


def test_correct_derived_fact_is_accepted():
    (b,) = parse_facts(facts(row(), row(code="204", name="公共安全支出", col="合计", amount="735.75")))
    assert b.mismatches() == []
    assert b.given


def test_amount_on_parent_code_without_leaves_is_explained():
    msgs = errors_of(facts(row(code="20402", name="公安")))
    assert any("款级科目" in m and "7位" in m for m in msgs)


def test_cross_table_derived_fact():
    # 收支总表 一般公共预算拨款收入 is derived from 财政拨款收支总表; giving only it is an error
    (msg,) = errors_of(facts(row("收支总表", "", "一、一般公共预算拨款收入", "预算数", "5.00")))
    assert "财政拨款收支总表" in msg and "0.00" in msg


def test_unit_name_must_be_consistent():
    (msg,) = errors_of(facts(row(), row(code="2040220", unit_name="别的单位")))
    assert "单位名称" in msg


def test_code_name_must_be_consistent():
    (msg,) = errors_of(facts(row(), row(col="项目支出", name="另一个名字")))
    assert "名称" in msg and "不一致" in msg


def test_many_units_in_one_file():
    bs = parse_facts(facts(row(), row(unit="452", unit_name="另一单位", amount="1.00"),
                           row(year="2025", amount="2.00")))
    assert sorted((b.unit_code, b.year) for b in bs) == [("451", 2024), ("451", 2025), ("452", 2024)]


def test_round_trip_is_exact(tmp_path, sample_facts):
    budgets = read_facts(sample_facts)
    out = tmp_path / "again.csv"
    write_facts(budgets, out, derived=True)
    again = read_facts(out)
    assert again[0].inputs == budgets[0].inputs
    assert again[0].mismatches() == []
    assert len(again[0].given) > 100


def test_cli_bad_facts_exit_2_and_nothing_written(tmp_path):
    from click.testing import CliRunner

    from budgetxl.cli import main

    bad = tmp_path / "bad.csv"
    bad.write_text(facts(row(amount="1.234")), encoding="utf-8")
    out = tmp_path / "out.xlsx"
    res = CliRunner().invoke(main, ["render", str(bad), "-o", str(out)])
    assert res.exit_code == 2
    assert "第2行" in res.output and "Traceback" not in res.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]
