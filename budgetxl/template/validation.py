"""The data validations of the entry workbook: what a cell accepts and what it says while it is
being filled (amounts in the table's money unit, text lengths, dropdown lists, code parts)."""

from __future__ import annotations

from xlsxwriter.utility import xl_range

from .layout import a1

MAX_TEXT = 10000


def money_validation(ws, r0: int, c0: int, r1: int, c1: int, unit: str, title: str = "填写金额",
                     more: list[tuple[int, int, int, int]] = ()) -> None:
    """One amount rule for a range (and ``more`` ranges: one rule written once, not per cell);
    ``unit`` is the money unit of the amounts."""
    cell = a1(r0, c0)
    extra = {"multi_range": " ".join(xl_range(*rng) for rng in [(r0, c0, r1, c1), *more])} if more else {}
    ws.data_validation(r0, c0, r1, c1, {
        **extra,
        "validate": "custom",
        "value": f"=AND(ISNUMBER({cell}),{cell}>=0,ROUND({cell},2)={cell})",
        "ignore_blank": True,
        "input_title": title[:32],
        "input_message": f"单位：{unit}。填写不小于0的数字，最多两位小数；不填视为0。",
        "error_title": "金额不正确",
        "error_message": f"请填写不小于0的数字（{unit}），最多两位小数，不要带单位或文字。",
    })


def number_validation(ws, r0: int, c: int, r1: int, title: str) -> None:
    """A count or quantity: any number not below zero."""
    cell = a1(r0, c)
    ws.data_validation(r0, c, r1, c, {
        "validate": "custom", "value": f"=AND(ISNUMBER({cell}),{cell}>=0)", "ignore_blank": True,
        "input_title": title[:32], "input_message": "填写不小于0的数字。",
        "error_title": "数量不正确", "error_message": "请填写不小于0的数字。"})


def text_validation(ws, r0: int, c0: int, r1: int, c1: int, title: str, message: str) -> None:
    ws.data_validation(r0, c0, r1, c1, {
        "validate": "length", "criteria": "<=", "value": MAX_TEXT, "ignore_blank": True,
        "input_title": title[:32], "input_message": message[:255],
        "error_title": "内容过长", "error_message": f"内容不能超过{MAX_TEXT}个字。",
    })


def list_validation(ws, r0: int, c0: int, r1: int, c1: int, source: str, title: str, message: str,
                    strict: bool = True) -> None:
    ws.data_validation(r0, c0, r1, c1, {
        "validate": "list", "source": source, "ignore_blank": True,
        "input_title": title[:32], "input_message": message[:255],
        "error_type": "stop" if strict else "warning",
        "error_title": "不在列表中", "error_message": "请从下拉列表中选择。" if strict else
        "该编码不在代码表中。如确需使用新科目，请联系财政局更新代码表；继续将被审核标记。",
    })


def code_part_validation(ws, first: int, c: int, last: int, width: int, what: str) -> None:
    """One part of a code typed in its own cell (类 | 款 | 项): ``width`` digits, kept as text."""
    cell = a1(first, c)
    ws.data_validation(first, c, last, c, {
        "validate": "custom", "value": f'=AND(LEN({cell})={width},ISNUMBER(--{cell}))', "ignore_blank": True,
        "input_title": "新增科目编码",
        "input_message": f"需要增加科目时，按“类 | 款 | 项”分别填写{what}编码的各段（{width}位数字），名称自动带出。",
        "error_type": "warning", "error_title": "编码位数不对",
        "error_message": f"这一段编码应为{width}位数字（以文本填写，保留开头的0）。"})


def date_validation(ws, r: int, c: int, title: str) -> None:
    """A date typed as YYYY-MM-DD text."""
    ws.data_validation(r, c, r, c, {
        "validate": "length", "criteria": "==", "value": 10, "input_title": title,
        "input_message": "格式：YYYY-MM-DD，例如 2023-12-31。", "error_title": "日期格式",
        "error_message": "请按 YYYY-MM-DD 填写。"})


def field_validation(ws, r0: int, r1: int, c: int, fd: dict, *, year: int, unit: str,
                     choice_ranges: dict[str, str]) -> None:
    """The rule of a supplementary part's field (a column of rows ``r0``..``r1``) by its type."""
    typ = fd.get("type", "text")
    header = fd["header"].replace("{year}", str(year))
    if typ == "money":
        money_validation(ws, r0, c, r1, c, unit, header)
    elif typ in ("number", "integer"):
        number_validation(ws, r0, c, r1, header)
    elif fd.get("choices") and fd["key"] in choice_ranges:
        list_validation(ws, r0, c, r1, c, choice_ranges[fd["key"]], header, "请从下拉列表中选择。")
    else:
        text_validation(ws, r0, c, r1, c, header, f"填写{header}。")
