"""Code lists: shipped lists are well-formed, agree with the seed, and a bureau can load its own."""

import pytest

from budgetxl.codes import code_list, load_code_list
from budgetxl.errors import BudgetxlError
from budgetxl.textimport import find_tables


@pytest.mark.parametrize("kind, lengths", [("function", (3, 5, 7)), ("economic", (3, 5))])
def test_shipped_list_is_well_formed(profile, kind, lengths):
    cl = code_list(profile, kind)
    assert cl.edition and cl.source, "every list states its edition and provenance"
    codes = list(cl.entries)
    assert codes == sorted(codes)
    for c in codes:
        assert len(c) in lengths
        for n in lengths:
            if n < len(c):
                assert c[:n] in cl, f"{c} has no parent {c[:n]}"


def test_function_list_has_every_class_of_table_1(profile):
    cl = code_list(profile, "function")
    for cls in profile.classes:
        if cls["code"]:
            assert cls["code"] in cl


def test_seed_codes_and_names_are_in_the_lists(profile, seed_tables_path):
    """Every code printed in the seed's coded tables is in the shipped list under the same name."""
    checked = 0
    for pt in find_tables(seed_tables_path.read_text("utf-8"), profile):
        if not pt.table.coded:
            continue
        cl = code_list(profile, pt.table.classification)
        for row in pt.rows:
            code, name = row[1].strip(), row[2].strip()
            if code:
                assert cl.name(code) == name, (code, name, cl.name(code))
                checked += 1
    assert checked > 50


def test_search_by_prefix_and_name(profile):
    cl = code_list(profile, "function")
    assert [c for c, _ in cl.search("20805")][:1] == ["20805"]
    assert ("2210201", "住房公积金") in cl.search("住房公积金")
    assert cl.search("没有这种科目") == []


def test_bureau_list_csv_gb18030(tmp_path):
    p = tmp_path / "codes.csv"
    p.write_bytes("编码,名称\n204,公共安全支出\n20402,公安\n2040220,执法办案\n".encode("gb18030"))
    cl = load_code_list(p, "function")
    assert cl.name("2040220") == "执法办案" and len(cl) == 3


def test_bureau_list_xlsx(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["科目编码", "科目名称"])
    ws.append([301, "工资福利支出"])
    ws.append(["30101", "基本工资"])
    p = tmp_path / "codes.xlsx"
    wb.save(p)
    cl = load_code_list(p, "economic")
    assert cl.entries == {"301": "工资福利支出", "30101": "基本工资"}


def test_bad_bureau_list_is_named(tmp_path):
    p = tmp_path / "codes.csv"
    p.write_text("科目编码,科目名称\n204,公共安全支出\n2040,错\n", "utf-8")
    with pytest.raises(BudgetxlError, match="第3行"):
        load_code_list(p, "function")
