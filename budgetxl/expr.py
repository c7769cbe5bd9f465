"""The formula language of table definitions.

A derived cell is written once, in the profile, as a small expression. The same expression tree
evaluates exactly in Python (Decimal) and compiles to an Excel formula, so the entry workbook and
the checker cannot disagree about what a total means.

Grammar::

    expr   := term (('+' | '-') term)*
    term   := NUMBER | ref | call | '(' expr ')'
    ref    := [NAME '!'] (NAME | '*') '.' (NAME | '*')      table!row.col
    call   := 'leaves' '(' (NAME|'*') ',' STRING ',' (NAME|'*') ')'
            | 'sum' '(' NAME ')'                            sum of a side's body rows

``*`` stands for the table, row or column of the cell being defined; :func:`bind` replaces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterator, Union

from .errors import SpecError

# The language's own words (not a profile's): the row key and printed label of a coded table's
# 合计 row, and the cell text that declares an input cell.
TOTAL = "total"
TOTAL_LABEL = "合计"
INPUT = "input"


@dataclass(frozen=True)
class Const:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    table: str
    row: str
    col: str


@dataclass(frozen=True)
class Leaves:
    """Sum of the leaf rows of a coded table whose code starts with ``prefix``."""

    table: str
    prefix: str
    col: str


@dataclass(frozen=True)
class SideSum:
    """Sum of the body rows of one side of a fixed table (e.g. the 31 类 of 收支总表)."""

    table: str
    side: str
    col: str


@dataclass(frozen=True)
class Sum:
    terms: tuple[tuple[int, "Node"], ...]  # (sign, node)


Node = Union[Const, Ref, Leaves, SideSum, Sum]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>\d+(?:\.\d+)?(?![A-Za-z_]))
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*|\*)
      | (?P<str>"[^"]*")
      | (?P<op>[!.+\-(),])
    )""",
    re.VERBOSE,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise SpecError(f"公式“{text}”第{pos + 1}个字符无法识别")
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self, value: str | None = None) -> bool:
        if self.i >= len(self.toks):
            return False
        return value is None or self.toks[self.i][1] == value

    def take(self, kind: str | None = None, value: str | None = None) -> str:
        if self.i >= len(self.toks):
            raise SpecError(f"公式“{self.text}”不完整")
        k, v = self.toks[self.i]
        if (kind and k != kind) or (value and v != value):
            raise SpecError(f"公式“{self.text}”在“{v}”处有误")
        self.i += 1
        return v

    def parse(self) -> Node:
        node = self.expr()
        if self.i != len(self.toks):
            raise SpecError(f"公式“{self.text}”在“{self.toks[self.i][1]}”处多余")
        return node

    def expr(self) -> Node:
        terms = [(1, self.term())]
        while self.peek("+") or self.peek("-"):
            sign = 1 if self.take() == "+" else -1
            terms.append((sign, self.term()))
        return terms[0][1] if len(terms) == 1 and terms[0][0] == 1 else Sum(tuple(terms))

    def term(self) -> Node:
        kind, value = self.toks[self.i] if self.i < len(self.toks) else ("", "")
        if kind == "num":
            self.i += 1
            return Const(Decimal(value))
        if value == "(":
            self.i += 1
            node = self.expr()
            self.take(value=")")
            return node
        if kind != "name":
            raise SpecError(f"公式“{self.text}”在“{value}”处有误")
        if value in ("leaves", "sum") and self.i + 1 < len(self.toks) and self.toks[self.i + 1][1] == "(":
            self.i += 2
            if value == "leaves":
                table = self.take("name")
                self.take(value=",")
                prefix = self.take("str")[1:-1]
                self.take(value=",")
                col = self.take("name")
                self.take(value=")")
                return Leaves(table, prefix, col)
            side = self.take("name")
            self.take(value=")")
            return SideSum("*", side, "*")
        first = self.take("name")
        table = "*"
        if self.peek("!"):
            self.take(value="!")
            table, first = first, self.take("name")
        self.take(value=".")
        col = self.take("name")
        return Ref(table, first, col)


def parse(text: str) -> Node:
    """Parse a formula of the profile language."""
    return _Parser(text).parse()


def bind(node: Node, table: str, row: str, col: str) -> Node:
    """Replace every ``*`` with the table, row or column of the cell being defined."""
    if isinstance(node, Const):
        return node
    if isinstance(node, Ref):
        return Ref(
            table if node.table == "*" else node.table,
            row if node.row == "*" else node.row,
            col if node.col == "*" else node.col,
        )
    if isinstance(node, Leaves):
        return Leaves(table if node.table == "*" else node.table, node.prefix, col if node.col == "*" else node.col)
    if isinstance(node, SideSum):
        return SideSum(table, node.side, col)
    return Sum(tuple((s, bind(n, table, row, col)) for s, n in node.terms))


def substitute(text: str, **values: str) -> str:
    """Fill ``{name}`` placeholders of a formula template (used for rows generated from a list)."""
    for k, v in values.items():
        text = text.replace("{" + k + "}", v)
    return text


def walk(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Sum):
        for _, n in node.terms:
            yield from walk(n)


def evaluate(node: Node, cell: Callable[[str, str, str], Decimal],
             leaves: Callable[[str, str, str], Decimal],
             side_sum: Callable[[str, str, str], Decimal]) -> Decimal:
    """Evaluate a bound expression exactly."""
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Ref):
        return cell(node.table, node.row, node.col)
    if isinstance(node, Leaves):
        return leaves(node.table, node.prefix, node.col)
    if isinstance(node, SideSum):
        return side_sum(node.table, node.side, node.col)
    total = Decimal(0)
    for sign, n in node.terms:
        v = evaluate(n, cell, leaves, side_sum)
        total = total + v if sign > 0 else total - v
    return total


def to_text(node: Node) -> str:
    """Readable form of a bound expression, for docs and messages."""
    if isinstance(node, Const):
        return str(node.value)
    if isinstance(node, Ref):
        return f"{node.table}!{node.row}.{node.col}"
    if isinstance(node, Leaves):
        return f'leaves({node.table}, "{node.prefix}", {node.col})'
    if isinstance(node, SideSum):
        return f"sum({node.table}!{node.side}.{node.col})"
    parts = []
    for i, (sign, n) in enumerate(node.terms):
        s = to_text(n)
        if isinstance(n, Sum):
            s = f"({s})"
        parts.append(s if i == 0 and sign > 0 else (" + " if sign > 0 else " - ") + s if i else "-" + s)
    return "".join(parts)


def compile_py(node: Node):
    """A closure ``f(budget) -> Decimal`` evaluating a bound expression against a budget model
    (through its ``_value``, ``_leaves`` and ``_side_sum``): the same arithmetic as
    :func:`evaluate`, without re-walking the tree for every cell of every unit."""
    if isinstance(node, Const):
        v = node.value
        return lambda b: v
    if isinstance(node, Ref):
        key = (node.table, node.row, node.col)
        return lambda b: b.cell_value(key)
    if isinstance(node, Leaves):
        t, p, c = node.table, node.prefix, node.col
        return lambda b: b.leaves(t, p, c)
    if isinstance(node, SideSum):
        t, sd, c = node.table, node.side, node.col
        return lambda b: b.side_sum(t, sd, c)
    plus = [compile_py(n) for s, n in node.terms if s > 0]
    minus = [compile_py(n) for s, n in node.terms if s < 0]
    if not minus and len(plus) == 2:  # the commonest shape: a + b (from 0, so that -0 + -0 gives 0)
        f1, f2 = plus
        zero = Decimal(0)
        return lambda b: zero + f1(b) + f2(b)

    def total(b):
        v = Decimal(0)
        for f in plus:
            v += f(b)
        for f in minus:
            v -= f(b)
        return v
    return total
