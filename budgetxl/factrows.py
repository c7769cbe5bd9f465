"""The rows of the facts CSV format (单位编码,单位名称,年度,表,科目编码,科目名称,栏目,金额) for
budgets: written by :mod:`budgetxl.facts` and by the model's ``facts()`` DataFrame, and read by
nothing here (so the model needs no reader)."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Iterator

from .money import fmt
from .spec import TOTAL

FACT_COLUMNS = ["单位编码", "单位名称", "年度", "表", "科目编码", "科目名称", "栏目", "金额"]


def fact_rows(budgets: Iterable, *, derived: bool = False, zeros: bool = False) -> Iterator[list]:
    """Rows of the facts CSV for budgets: input cells (and derived ones if asked), amounts exact."""
    for b in budgets:
        for t in b.profile.ordered:
            for key in b.cells(t):
                is_input = t.is_input(key[1], key[2])
                if not is_input and not derived:
                    continue
                v: Decimal = b.cell_value(key)
                if v == 0 and not zeros:
                    continue
                if t.coded:
                    code = "" if key[1] == TOTAL else key[1]
                    label = b.row_name(t.id, key[1])
                    header = t.column(key[2]).header
                else:
                    item = t.items[key[1]]
                    code, label, header = "", t.fact_label(item), t.column(key[2], item.side).header
                yield [b.unit_code, b.unit_name, str(b.year), t.name, code, label, header, fmt(v)]
