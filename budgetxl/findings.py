"""Findings are data: every problem budgetxl reports about a budget is a :class:`Finding` with a
stable rule code, a severity and a precise location (file, unit, table, sheet, cell, row, column),
and for numeric rules the expected and actual values, their difference and the tolerance used.
Readers and rules yield findings; they never raise for a problem in the data."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

SEVERITIES = ("error", "warning", "info")
SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}
_DATA_FIELDS = ("code", "severity", "message", "file", "unit", "table", "sheet", "cell", "row", "column",
                "expected", "actual", "difference", "tolerance")


@dataclass
class Finding:
    code: str
    severity: str
    message: str
    file: str | None = None
    unit: str | None = None
    table: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: str | None = None
    column: str | None = None
    expected: Decimal | str | None = None
    actual: Decimal | str | None = None
    difference: Decimal | None = None
    tolerance: Decimal | None = None
    extra: dict = field(default_factory=dict)
    # findings this one explains (one cause, one headline): kept nested, reported with a count
    consequences: list["Finding"] = field(default_factory=list)
    # not part of the data: the model cell the finding is about, and the identity it broke
    # (see budgetxl.check.cause), used to find the one cell that explains a set of findings
    key: tuple | None = field(default=None, repr=False, compare=False)
    identity: object | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity}")
        if self.difference is None and isinstance(self.expected, Decimal) and isinstance(self.actual, Decimal):
            self.difference = self.actual - self.expected

    @property
    def location(self) -> str:
        parts = []
        if self.sheet and self.cell:
            parts.append(f"{self.sheet}!{self.cell}")
        elif self.sheet or self.table:
            parts.append(self.sheet or self.table or "")
        return "".join(parts)

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in _DATA_FIELDS}
        for k, v in d.items():
            if isinstance(v, Decimal):
                d[k] = f"{v:f}"
        d["extra"] = asdict(self)["extra"] if self.extra else None
        if not d["extra"]:
            d.pop("extra")
        if self.consequences:
            d["consequence_count"] = self.total_consequences
            d["consequences"] = [c.to_dict() for c in self.consequences]
        return d

    @property
    def total_consequences(self) -> int:
        """How many findings are folded under this one (at any depth)."""
        return sum(1 + c.total_consequences for c in self.consequences)

    def flatten(self) -> list["Finding"]:
        """This finding and every finding folded under it, headline first."""
        out = [self]
        for c in self.consequences:
            out.extend(c.flatten())
        return out

    def fold(self, items: list["Finding"]) -> "Finding":
        """Fold ``items`` (consequences of this finding) under it; returns self."""
        self.consequences.extend(items)
        return self

    def __str__(self) -> str:
        where = f"[{self.location}] " if self.location else ""
        return f"{self.code} {SEVERITY_CN[self.severity]} {where}{self.message}"


def cause_note(cause: Finding | None) -> str:
    """What a folded finding says of its cause, for notes and report rows ("" without one)."""
    if cause is None:
        return ""
    where = f"{cause.sheet}!{cause.cell}" if cause.sheet and cause.cell else (cause.sheet or "")
    return f"（由 {where} 的 {cause.code} 引起，先改那里）"


def worst(findings: list[Finding]) -> Finding:
    """The most severe of the findings at one place (the first of equals)."""
    return min(findings, key=lambda f: ("error", "warning", "info").index(f.severity))


def note_text(findings: list[Finding], caused: dict[int, Finding]) -> str:
    """The note an annotated copy puts on one place: each finding with its severity, message and
    cause (``caused`` maps id(finding) to the finding it is folded under)."""
    return "\n".join(f"{f.code} {SEVERITY_CN[f.severity]}：{f.message}" + cause_note(caused.get(id(f)))
                     for f in findings)
