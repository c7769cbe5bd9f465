"""Errors that reach users. Messages are Chinese; every one names where the problem is."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """One problem found in an input, located as precisely as possible."""

    message: str
    file: str | None = None
    line: int | None = None
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.line is not None:
            where.append(f"第{self.line}行")
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.cell:
            where.append(f"单元格{self.cell}")
        return f"{'，'.join(where)}：{self.message}" if where else self.message


class BudgetxlError(Exception):
    """Bad input or usage. The CLI prints it in Chinese and exits with code 2."""

    exit_code = 2

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = list(problems or [])

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message] + [f"  - {p}" for p in self.problems[:200]]
        if len(self.problems) > 200:
            lines.append(f"  …… 另有 {len(self.problems) - 200} 处问题未列出")
        return "\n".join(lines)


class SpecError(BudgetxlError):
    """A table definition (profile) is inconsistent. A programming or configuration error."""


@dataclass
class ProblemList:
    """Collects problems so that a reader reports all of them at once, not only the first."""

    items: list[Problem] = field(default_factory=list)

    def add(self, message: str, **where) -> None:
        self.items.append(Problem(message, **where))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, message: str) -> None:
        if self.items:
            raise BudgetxlError(message, self.items)
