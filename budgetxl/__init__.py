"""budgetxl: Chinese departmental budget disclosure workbooks (部门预算公开), exactly.

Python API::

    >>> import budgetxl
    >>> budget = budgetxl.load_sample()
    >>> budget.value("一般公共预算财政拨款支出表", "total", "基本支出")
    Decimal('978.93')
    >>> budget.frame("支出总表").iloc[0]["合计"]
    Decimal('1573.23')
"""

from __future__ import annotations

from .version import __version__  # noqa: E402

from .errors import BudgetxlError  # noqa: E402
from .model import UnitBudget  # noqa: E402
from .spec import load_profile  # noqa: E402

__all__ = ["BudgetxlError", "UnitBudget", "load_profile", "load_budgets", "read_facts", "write_facts",
           "load_sample", "render_official", "__version__"]


def load_budgets(path, profile=None):
    """All unit budgets in a facts CSV or published disclosure text."""
    from .inputs import load_budgets as _load

    return _load(path, profile)


def read_facts(path, profile=None):
    from .facts import read_facts as _read

    return _read(path, profile)


def write_facts(budgets, path, **kwargs):
    from .facts import write_facts as _write

    return _write(budgets, path, **kwargs)


def render_official(budget, out):
    from .render.official import render_official as _render

    return _render(budget, out)


def load_sample():
    """The bundled sample unit (451 曲阳县公安局交通管理大队, 2024) with its supplementary parts."""
    from .sample import load_sample as _load

    return _load()
