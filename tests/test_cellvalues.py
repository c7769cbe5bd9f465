"""Cell values as python-calamine yields them, read exactly (budgetxl.cellvalues)."""

import datetime as dt
import math
from decimal import Decimal

import pytest

from budgetxl.cellvalues import (
    Parsed,
    parse_amount_cell,
    parse_code_cell,
    parse_quantity_cell,
    parse_text_cell,
)

OK, WARN, ERR = "ok", "warn", "err"

# (cell value, expected value, outcome, key word in the message)
AMOUNTS = [
    # blanks
    ("", None, OK, None),
    (None, None, OK, None),
    ("   ", None, OK, None),
    ("\u3000\u00a0 ", None, OK, None),
    # numbers as calamine gives them
    (532.1, "532.10", OK, None),
    (0.0, "0.00", OK, None),
    (-0.0, "0.00", OK, None),
    (1573, "1573.00", OK, None),
    (1573.23, "1573.23", OK, None),
    (0.1 + 0.2, "0.30", OK, None),  # binary noise of a formula pasted as value
    (1234.56 * 3, "3703.68", OK, None),
    (12345678.91 + 1e-9, "12345678.91", OK, None),
    (12.345, None, ERR, "超过两位小数"),
    (0.001, None, ERR, "超过两位小数"),
    (-1.0, None, ERR, "负数"),
    (-5, None, ERR, "负数"),
    (math.nan, None, ERR, "不是有效数字"),
    (math.inf, None, ERR, "不是有效数字"),
    (1e15, None, ERR, "数值过大"),
    (True, None, ERR, "逻辑值"),
    (False, None, ERR, "逻辑值"),
    (dt.date(2024, 1, 5), None, ERR, "日期/时间"),
    (dt.datetime(2024, 1, 5, 8, 30), None, ERR, "日期/时间"),
    (dt.time(12, 0), None, ERR, "日期/时间"),
    (dt.timedelta(days=1), None, ERR, "日期/时间"),
    # numbers stored as text
    ("1234.5", "1234.50", WARN, "以文本形式存储"),
    (" 1234.50 ", "1234.50", WARN, "已按 1234.50 读取"),
    ("\u00a01234.5\u3000", "1234.50", WARN, "已按 1234.50 读取"),
    ("１２３４．５", "1234.50", WARN, "全角"),
    ("1,234.50", "1234.50", WARN, "千位分隔符"),
    ("1，234.50", "1234.50", WARN, "千位分隔符"),
    ("1,234,567", "1234567.00", WARN, "千位分隔符"),
    ("12.3400", "12.34", WARN, "已按 12.34 读取"),
    (".5", "0.50", WARN, "以文本形式存储"),
    ("1234.5万元", "1234.50", WARN, "已去掉单位“万元”"),
    ("1234.5 万元", "1234.50", WARN, "万元"),
    ("88万", "88.00", WARN, "已去掉单位“万”"),
    ("１，２３４.５ 万元", "1234.50", WARN, "万元"),
    ("-", None, WARN, "按0读取"),
    ("—", None, WARN, "按0读取"),
    ("——", None, WARN, "按0读取"),
    ("－", None, WARN, "按0读取"),
    ("–", None, WARN, "按0读取"),
    ("/", None, WARN, "按0读取"),
    # text that cannot be read
    ("12345元", None, ERR, "10000倍"),
    ("1,234.50元", None, ERR, "元与万元"),
    ("5%", None, ERR, "百分数"),
    ("(5.00)", None, ERR, "括号"),
    ("（5.00）", None, ERR, "括号"),
    ("-5.00", None, ERR, "负数"),
    ("－5", None, ERR, "负数"),
    ("1.2.3", None, ERR, "“1.2.3”不是数字"),
    ("abc", None, ERR, "“abc”不是数字"),
    ("12a", None, ERR, "不是数字"),
    ("约100", None, ERR, "不是数字"),
    ("1,23", None, ERR, "不是数字"),
    ("1 234", None, ERR, "不是数字"),
    ("=A1+B1", None, ERR, "公式"),
    ("=SUM(B2:B9)", None, ERR, "公式"),
    ("12.345", None, ERR, "超过两位小数"),
    ("0.30000000000000004", None, ERR, "超过两位小数"),  # text is never rounded
]


def _check(p: Parsed, value, outcome, word):
    assert p.value == (None if value is None else Decimal(value))
    if value is not None:
        assert str(p.value) == value  # the exact representation, not only equality
    assert (p.warning is not None) == (outcome == WARN), p
    assert (p.error is not None) == (outcome == ERR), p
    if outcome == ERR:
        assert p.value is None
    if word:
        assert word in (p.warning or p.error or ""), p


@pytest.mark.parametrize("cell, value, outcome, word", AMOUNTS)
def test_amount_cell(cell, value, outcome, word):
    _check(parse_amount_cell(cell), value, outcome, word)


@pytest.mark.parametrize(
    "cell, places, value, outcome, word",
    [
        (5.0, 0, "5.00", OK, None),
        (5.5, 0, None, ERR, "超过0位小数"),
        ("5.5", 0, None, ERR, "超过0位小数"),
        ("1.2345", 4, "1.2345", WARN, "1.2345"),
    ],
)
def test_amount_places(cell, places, value, outcome, word):
    _check(parse_amount_cell(cell, places=places), value, outcome, word)


@pytest.mark.parametrize(
    "cell, value, outcome, word",
    [
        ("", None, OK, None),
        (3.0, "3", OK, None),
        (12, "12", OK, None),
        (0.1 + 0.2, "0.3", OK, None),
        (2.123456, "2.123456", OK, None),
        ("1.500", "1.5", WARN, "以文本形式存储"),
        ("0.1234567", None, ERR, "超过6位小数"),
        (0.1234567, None, ERR, "超过6位小数"),
        (-2, None, ERR, "负数"),
        ("3人", None, ERR, "不是数字"),
        (True, None, ERR, "逻辑值"),
        (dt.date(2024, 1, 1), None, ERR, "日期"),
    ],
)
def test_quantity_cell(cell, value, outcome, word):
    _check(parse_quantity_cell(cell), value, outcome, word)


FUNC = (3, 5, 7)


@pytest.mark.parametrize(
    "cell, lengths, code, outcome, word",
    [
        ("", FUNC, None, OK, None),
        (None, FUNC, None, OK, None),
        ("  ", FUNC, None, OK, None),
        ("2040220", FUNC, "2040220", OK, None),
        (" 20402\u3000", FUNC, "20402", OK, None),
        ("301", (3, 5), "301", OK, None),
        (2040220.0, FUNC, "2040220", WARN, "以数字形式存储"),
        (204, FUNC, "204", WARN, "以数字形式存储"),
        ("2040220.0", FUNC, "2040220", WARN, ".0"),
        ("２０４０２２０", FUNC, "2040220", WARN, "全角"),
        ("204022", FUNC, None, ERR, "应为 3/5/7 位数字"),
        ("3010101", (3, 5), None, ERR, "应为 3/5 位数字"),
        ("20402a", FUNC, None, ERR, "“20402a”"),
        ("204.02", FUNC, None, ERR, "位数字"),
        (2040220.5, FUNC, None, ERR, "位数字"),
        (True, FUNC, None, ERR, "位数字"),
        (dt.date(2024, 1, 1), FUNC, None, ERR, "位数字"),
    ],
)
def test_code_cell(cell, lengths, code, outcome, word):
    got, warning, error = parse_code_cell(cell, lengths)
    assert got == code
    assert (warning is not None) == (outcome == WARN)
    assert (error is not None) == (outcome == ERR)
    if word:
        assert word in (warning or error or "")


@pytest.mark.parametrize(
    "cell, text",
    [
        (None, ""),
        ("", ""),
        ("  一般公共服务支出\u3000", "一般公共服务支出"),
        (2040220.0, "2040220"),
        (12.5, "12.5"),
        (7, "7"),
        (True, "TRUE"),
        (dt.datetime(2024, 1, 5), "2024-01-05"),
        (dt.date(2024, 1, 5), "2024-01-05"),
    ],
)
def test_text_cell(cell, text):
    assert parse_text_cell(cell) == text


def test_parsed_is_frozen():
    p = parse_amount_cell("1")
    with pytest.raises(AttributeError):
        p.value = Decimal("2")  # type: ignore[misc]


@pytest.mark.parametrize("v,unit,value,message", [
    ("1万元", "元", "10000.00", "1万元 = 10000元"),
    ("1.5万", "元", "15000.00", "1万元 = 10000元"),
    ("1,234.56元", "元", "1234.56", "已去掉单位“元”"),
    ("0.0000001万元", "元", None, "超过两位小数"),
    ("12元", "万元", None, "元与万元相差10000倍"),
])
def test_amount_cell_in_the_tables_unit(v, unit, value, message):
    p = parse_amount_cell(v, unit=unit)
    if value is None:
        assert p.value is None and message in p.error
    else:
        assert p.value == Decimal(value) and message in p.warning


def test_convert_is_exact():
    from budgetxl.money import convert

    assert convert(Decimal("91016775.35"), "元", "万元") == Decimal("9101.677535")
    assert convert(Decimal("867.50"), "万元", "元") == Decimal("8675000.00")
