"""The 填报说明 sheet's words: the profile's (``[guide]`` in parts.toml: its title and its lines,
with ``{year}``, ``{label}``, ``{unit_name}``, ``{money_units}`` and ``{text_parts}`` filled in), so a Shanghai template explains its
元 tables and 类 | 款 | 项 cells and a Hebei one its nine 万元 tables. What the colours of the cells
mean is the template's own and the same for every profile (:data:`LEGEND`)."""

from __future__ import annotations

from ..errors import SpecError
from ..render.page import text_lines
from .printing import print_setup
from .workbook import protect

LEGEND = (  # (format name, text) under the guide's lines
    ("legend_in", "黄色单元格：需要填写的数"),
    ("text", "白色单元格：公式自动计算，已锁定，不能修改"),
    ("legend_check", "绿色区域：校验结果，差额应为 0"),
)


def money_units(profile) -> str:
    """The money units of the tables in a sentence: 金额单位一律为万元; 金额单位为元（“三公”经费和机关运行经费预算表为万元）."""
    units = {t.money_unit for t in profile.ordered}
    if len(units) <= 1:
        return f"金额单位一律为{units.pop() if units else profile.money_unit}"
    main = profile.money_unit
    others: dict[str, list[str]] = {}
    for t in profile.ordered:
        if t.money_unit != main:
            others.setdefault(t.money_unit, []).append(t.name)
    return f"金额单位为{main}（" + "；".join(f"{'、'.join(names)}为{u}" for u, names in others.items()) + "）"


def text_parts(profile) -> str:
    """The titles of the text parts the unit types in (the profile's [[narrative]] of kind "text"),
    in order: 主要职能、机构设置、名词解释、预算编制说明和其他相关情况说明."""
    titles = [n.get("title", n["key"]) for n in profile.parts.get("narrative", []) if n.get("kind") == "text"]
    return "、".join(titles[:-1]) + "和" + titles[-1] if len(titles) > 1 else "".join(titles)


def _guide(profile) -> dict:
    g = profile.parts.get("guide")
    if not g or "lines" not in g:
        raise SpecError(f"表样“{profile.id}”的 parts.toml 没有填报说明（[guide] 的 title 和 lines）")
    return g


def guide_title(budget) -> str:
    return _guide(budget.profile)["title"].format(label=budget.label, unit_name=budget.unit_name, year=budget.year)


def guide_lines(budget) -> list[str]:
    """The guide's lines for a budget, in order."""
    fields = {"year": budget.year, "label": budget.label, "unit_name": budget.unit_name,
              "money_units": money_units(budget.profile), "text_parts": text_parts(budget.profile)}
    return [line.format(**fields) for line in _guide(budget.profile)["lines"]]


GUIDE_WIDTH = 92  # one column of wrapped text that fits a portrait A4 page at full size


def write_guide(w, ws) -> None:
    """The 填报说明 sheet of the workbook the :class:`~budgetxl.template.writer.TemplateWriter`
    ``w`` writes: the profile's title and lines, the code lists it uses, the legend."""
    f = w.f
    width = GUIDE_WIDTH
    ws.set_column(0, 0, width)
    title = guide_title(w.b)
    ws.write_string(0, 0, title, f.guide_title)
    ws.set_row(0, 19 * text_lines(title, width / 1.4) + 5)  # 14-pt lines
    # which code lists the dropdowns come from: the bureau's, or budgetxl's own (not official),
    # and whether they are for another year than the budget's
    lines = guide_lines(w.b) + [f"科目代码表：{cl.describe(w.b.year)}。" for cl in (w.fcodes, w.ecodes)]
    r = 2
    for line in lines:
        ws.write_string(r, 0, line, f.guide)
        ws.set_row(r, 13.5 * text_lines(line, width) + 4)  # wrapped within the page, every line shown
        r += 1
    for i, (fmt, text) in enumerate(LEGEND, start=1):
        ws.write_string(r + i, 0, text, getattr(f, fmt))
    print_setup(ws, [width])
    protect(ws, w.password)
