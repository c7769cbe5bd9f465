"""The 填报说明 sheet's words: the profile's (``[guide]`` in parts.toml: its title and its lines,
with ``{year}``, ``{label}``, ``{unit_name}`` and ``{money_units}`` filled in), so a Shanghai template explains its
元 tables and 类 | 款 | 项 cells and a Hebei one its nine 万元 tables. What the colours of the cells
mean is the template's own and the same for every profile (:data:`LEGEND`)."""

from __future__ import annotations

from ..errors import SpecError

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
              "money_units": money_units(budget.profile)}
    return [line.format(**fields) for line in _guide(budget.profile)["lines"]]
