from decimal import Decimal

import pytest

from budgetxl import expr
from budgetxl.errors import SpecError


@pytest.mark.parametrize("text, bound", [
    ("*.subtotal + *.carryover", "t2!2040220.subtotal + t2!2040220.carryover"),
    ("t4!gpb.amount", "t4!gpb.amount"),
    ('leaves(t3, "204", total)', 'leaves(t3, "204", total)'),
    ('leaves(*, "", *)', 'leaves(t2, "", c)'),
    ("sum(out)", "sum(t2!out.c)"),
    ("a.* - (b.* + c.x)", "t2!a.c - (t2!b.c + t2!c.x)"),
    ("0", "0"),
])
def test_parse_bind_text(text, bound):
    node = expr.bind(expr.parse(text), "t2", "2040220" if "*." in text else "r", "c")
    assert expr.to_text(node) == bound


@pytest.mark.parametrize("bad", ["a +", "a.b c.d", "leaves(t3, 204, x)", "(a.b", "a..b", "a.b ?"])
def test_bad_formulas_raise_spec_error(bad):
    with pytest.raises(SpecError):
        expr.parse(bad)


def test_evaluate_exact():
    node = expr.bind(expr.parse("a.x + b.x - c.x"), "t", "*", "*")
    vals = {"a": Decimal("0.10"), "b": Decimal("0.20"), "c": Decimal("0.30")}
    got = expr.evaluate(node, lambda t, r, c: vals[r], None, None)
    assert got == 0 and isinstance(got, Decimal)
