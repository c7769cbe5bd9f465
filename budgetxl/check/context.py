"""What a rule sees: the budget, where each of its cells came from, and reference data."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from ..facts import describe_cell
from ..findings import Finding
from ..model import UnitBudget
from ..spec import TOTAL, TOTAL_LABEL


@dataclass
class CheckContext:
    budget: UnitBudget
    file: str | None = None
    positions: dict[tuple, tuple[str, str]] = field(default_factory=dict)  # cell key -> (sheet, A1)
    read_findings: list[Finding] = field(default_factory=list)
    previous: UnitBudget | None = None
    kind: str = "facts"  # "workbook", "facts" or "text"
    function_codes: object | None = None
    economic_codes: object | None = None
    meta: dict = field(default_factory=dict)  # a workbook's template fingerprint
    # a published document: cell key -> one unit of the figure's last printed digit, in the profile's
    # money unit (printed figures are rounded: see budgetxl.check.rules.tails)
    quanta: dict = field(default_factory=dict)

    @property
    def profile(self):
        return self.budget.profile

    @property
    def supplement(self) -> dict:
        return self.budget.supplement or {}

    def value(self, table: str, row: str, col: str) -> Decimal:
        return self.budget.value(table, row, col)

    # ------------------------------------------------------------------ roles (profile [roles])
    def table_role(self, role: str):
        """The table playing ``role`` (RoleMissing when the profile declares none)."""
        return self.profile.tables[self.profile.roles.table_id(role)]

    def tables_role(self, role: str) -> list:
        return [self.profile.tables[t] for t in self.profile.roles.table_ids(role)]

    def figure(self, name: str) -> Decimal:
        """A named figure of the profile's roles, for this budget."""
        return self.budget.evaluate(self.profile.roles.figure(name).node)

    def where(self, key) -> dict:
        """Location fields of a finding about a model cell."""
        t = self.profile.tables[key[0]]
        loc = {"table": t.name}
        if key in self.positions:
            loc["sheet"], loc["cell"] = self.positions[key]
        else:
            loc["sheet"] = t.name
            origin = self.budget.origin.get(key)
            if origin:
                loc["extra"] = {"origin": origin}
        if t.coded:
            loc["row"] = TOTAL_LABEL if key[1] == TOTAL else key[1]
            loc["column"] = t.column(key[2]).header
        else:
            item = t.items[key[1]]
            loc["row"] = item.label
            loc["column"] = t.column(key[2], item.side).header
        return loc

    def describe(self, key) -> str:
        return describe_cell(self.profile, key)

    def finding(self, rule, message: str, key=None, **kw) -> Finding:
        loc = self.where(key) if key is not None else {}
        loc.update(kw)
        f = Finding(rule.code, kw.pop("severity", None) or rule.severity, message, file=self.file,
                    unit=self.budget.unit_code, **{k: v for k, v in loc.items() if k != "severity"})
        f.key = key
        return f

    @cached_property
    def codes(self):
        from ..codes import code_list

        return {"function": self.function_codes or code_list(self.profile, "function"),
                "economic": self.economic_codes or code_list(self.profile, "economic")}
