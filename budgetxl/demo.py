"""``budgetxl demo``: the main job, end to end, on the bundled sample unit."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .errors import BudgetxlError


def run_demo(directory: Path) -> Iterator[str]:
    from .facts import write_facts
    from .render.official import render_official
    from .sample import load_sample, sample_path

    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BudgetxlError(f"无法创建目录 {directory}（{e.strerror}）") from None
    budget = load_sample()
    yield f"示例单位：{budget.label}，{budget.year}年（数据：{sample_path('facts.csv')}）"
    stem = f"{budget.unit_code}_{budget.year}"

    facts = directory / f"{stem}_facts.csv"
    n = write_facts([budget], facts, derived=True)
    yield f"  数据（含派生数） {facts}  {n} 条"

    from .model import UnitBudget
    from .template import write_template

    prefilled = directory / f"{stem}_填报模板_预填.xlsx"
    write_template(budget, prefilled)
    yield f"  预填填报模板     {prefilled}  （九张表+项目、采购、资产、情况说明，公式锁定）"
    blank = directory / f"{budget.unit_code}_{budget.year + 1}_填报模板_空白.xlsx"
    write_template(UnitBudget(budget.profile, budget.unit_code, budget.unit_name, budget.year + 1), blank)
    yield f"  空白填报模板     {blank}  （{budget.year + 1}年）"

    official = directory / f"{stem}_公开表.xlsx"
    render_official(budget, official)
    yield f"  官方公开表       {official}  九张表"
    t1 = budget.profile.table("收支总表")
    yield (f"收入总计 {budget.value(t1, 'grand_in', 'amount')} 万元，"
           f"基本支出 {budget.value('支出总表', 'total', 'basic')} 万元，"
           f"项目支出 {budget.value('支出总表', 'total', 'project')} 万元。")
    yield f"完成，输出目录：{directory.resolve()}"
