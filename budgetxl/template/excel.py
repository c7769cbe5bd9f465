"""Compile profile expressions to Excel formulas for the entry workbook.

Only Excel 2007-level functions (SUM, SUMPRODUCT, LEFT, LEN, ROUND, IF, IFERROR, VLOOKUP), every
sheet name quoted, so Excel, WPS and LibreOffice compute the same thing.
"""

from __future__ import annotations

from .. import expr
from .layout import EntryLayout


def compile_formula(node: expr.Node, layout: EntryLayout, table_id: str) -> str:
    """The Excel formula text (with leading '=') of a bound expression on sheet ``table_id``."""
    return "=" + _compile(node, layout, table_id)


def _compile(node: expr.Node, layout: EntryLayout, here: str) -> str:
    if isinstance(node, expr.Const):
        return f"{node.value:f}"
    if isinstance(node, expr.Ref):
        return layout.address((node.table, node.row, node.col), here)
    if isinstance(node, expr.Leaves):
        return _leaves(node, layout, here)
    if isinstance(node, expr.SideSum):
        t = layout.profile.tables[node.table]
        body = t.side(node.side).body
        first = layout.address((node.table, body[0].key, node.col), here)
        last = layout.address((node.table, body[-1].key, node.col), node.table)
        return f"SUM({first}:{last})"
    parts = []
    for i, (sign, n) in enumerate(node.terms):
        s = _compile(n, layout, here)
        if isinstance(n, expr.Sum):
            s = f"({s})"
        if i == 0:
            parts.append(s if sign > 0 else f"-{s}")
        else:
            parts.append(("+" if sign > 0 else "-") + s)
    return "".join(parts)


def _sumproduct(layout: EntryLayout, node: expr.Leaves, here: str, rows: tuple[int, int], prefix: str) -> str:
    t = layout.profile.tables[node.table]
    sl = layout.sheets[node.table]
    codes = layout.code_range(node.table, here, rows)
    vals = layout.column_range(node.table, sl.value_col[node.col], here, rows)
    conds = []
    if prefix:
        conds.append(f'(LEFT({codes},{len(prefix)})="{prefix}")')
    conds.append(f"(LEN({codes})={t.leaf_length})")
    return f"SUMPRODUCT({'*'.join(conds)}*{vals})"


def _leaves(node: expr.Leaves, layout: EntryLayout, here: str) -> str:
    """Sum of leaf rows under a code prefix.

    From another sheet: one SUMPRODUCT over the whole code area. On the table's own sheet a
    subtotal must not include its own cell (a circular reference), so it sums the block of preset
    rows below it (all codes there start with the prefix: rows are sorted) plus the spare rows.
    """
    sl = layout.sheets[node.table]
    if here != node.table:
        return _sumproduct(layout, node, here, sl.code_range(), node.prefix)
    terms = []
    leaf = layout.profile.tables[node.table].leaf_length
    below = [r for code, r in sl.code_rows.items()
             if code.startswith(node.prefix) and (len(code) > len(node.prefix) or len(code) == leaf)]
    if below:
        terms.append(_sumproduct(layout, node, here, (min(below), max(below)), ""))
    if sl.spare_rows:
        terms.append(_sumproduct(layout, node, here, (sl.spare_rows[0], sl.spare_rows[-1]), node.prefix))
    return "+".join(terms) if terms else "0"
