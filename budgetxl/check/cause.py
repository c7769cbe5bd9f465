"""One cause, one finding: order findings cause first and fold consequences under their cause.

A numeric rule that finds an identity broken attaches the identity to its finding
(:class:`Identity`: two sides and a relation, each side a sum of model cells or expressions).
Every identity is linear in the budget's *variables* — its input cells and the values a file
supplied for derived cells — so it can be expanded (:class:`Linear`) into ``Σ coef · variable``.
Then:

1. an unreadable cell (V02) makes every identity that contains it "not checkable": those findings
   are folded under the V02;
2. a table whose rows were inserted or deleted (I04) makes the findings about its cells, and the
   formulas elsewhere that refer to it (I05), consequences of the I04; a formula overwritten (I05)
   carries the cached-value finding (I06) of the same cell;
3. one variable that explains several broken identities at once — changing that one cell by one
   amount makes every one of them hold, and the other identities do not contain it — is the real
   mistake: one finding (X100) at that cell names the totals it breaks, with them folded under it.
   The variable that explains the most identities is taken first; a tie is named in the message.

Finally findings are ordered cause first: unreadable cells, template integrity, then the cells that
break the most identities, then the rest by severity.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from .. import expr
from ..findings import Finding

ZERO = Decimal("0.00")
GIVEN = "given"
CONST = ("const", None)  # the constant term of a linear form: coefficient × 1


@dataclass(frozen=True)
class Identity:
    """``left (relation) right``; each side a tuple of terms: a bound expression node, a model cell
    key ``(table, row, col)`` (its value, computed), ``("given", key)`` (the value the file
    supplied for that derived cell) or a Decimal (a figure from elsewhere: a project's budget). ``relation`` is "eq" or "ge" (left ≥ right)."""

    left: tuple
    right: tuple
    relation: str = "eq"
    tolerance: Decimal = Decimal(0)  # independently rounded figures (a text's amount): |left − right| ≤ it


def identity(left, right, relation: str = "eq", tolerance: Decimal = Decimal(0)) -> Identity:
    def terms(side):
        if isinstance(side, list):
            return tuple(side)
        return (side,)
    return Identity(terms(left), terms(right), relation, tolerance)


class Linear:
    """Expands cells and expressions of one budget into linear forms over its variables:
    ``{variable: coefficient}`` with variable ``("in", key)`` for an input cell and
    ``("given", key)`` for a supplied value."""

    def __init__(self, budget):
        self.b = budget
        self.memo: dict[tuple, dict] = {}
        self.corrected: dict = {}  # variable -> value it would have if the cause found were fixed

    def cell(self, key) -> dict:
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        node = self.b.formula(key)
        out = {("in", key): 1} if node is None else self.node(node)
        self.memo[key] = out
        return out

    def node(self, node) -> dict:
        if isinstance(node, expr.Const):
            return {CONST: node.value} if node.value else {}
        if isinstance(node, expr.Ref):
            return self.cell((node.table, node.row, node.col))
        if isinstance(node, expr.Leaves):
            t = self.b.profile.tables[node.table]
            out: dict = {}
            for code in self.b.codes(t):
                if len(code) == t.leaf_length and code.startswith(node.prefix):
                    _add(out, self.cell((node.table, code, node.col)), 1)
            return out
        if isinstance(node, expr.SideSum):
            t = self.b.profile.tables[node.table]
            out = {}
            for it in t.side(node.side).body:
                _add(out, self.cell((node.table, it.key, node.col)), 1)
            return out
        out = {}
        for sign, n in node.terms:
            _add(out, self.node(n), sign)
        return out

    def term(self, t) -> dict:
        if isinstance(t, tuple) and len(t) == 2 and t[0] == GIVEN:
            return {(GIVEN, t[1]): 1}
        if isinstance(t, tuple):
            return self.cell(t)
        if isinstance(t, Decimal):
            return {CONST: t} if t else {}
        return self.node(t)

    def form(self, ident: Identity) -> dict:
        """left − right as {variable: coefficient} (zero coefficients dropped)."""
        out: dict = {}
        for t in ident.left:
            _add(out, self.term(t), 1)
        for t in ident.right:
            _add(out, self.term(t), -1)
        return {k: v for k, v in out.items() if v}

    def value(self, var) -> Decimal:
        if var == CONST:
            return Decimal(1)
        if var in self.corrected:
            return self.corrected[var]
        kind, key = var
        if kind == GIVEN:
            return self.b.given.get(key, ZERO)
        return self.b.inputs.get(key, ZERO)


def _add(out: dict, form: dict, sign: int) -> None:
    for k, v in form.items():
        out[k] = out.get(k, 0) + sign * v


# ---------------------------------------------------------------------------------- folding
def corrected_budget(budget, corrections: dict):
    """A copy of ``budget`` with variables (see :class:`Linear`) set to other values."""
    from ..model import UnitBudget

    b = UnitBudget(budget.profile, budget.unit_code, budget.unit_name, budget.year, names=dict(budget.names),
                   supplement=budget.supplement)
    for t in budget.profile.ordered:
        if t.coded:
            for code in budget.codes(t):
                b.add_code(t.id, code)
    for key, v in budget.inputs.items():
        b.set_input(key, v)
    for key, v in budget.given.items():
        b.set_given(key, v)
    for (kind, key), v in corrections.items():
        (b.set_given if kind == GIVEN else b.set_input)(key, v)
    b.mark_absent(budget.absent)  # unknown stays unknown in the corrected copy
    for key, where in budget.unreadable.items():
        b.mark_unreadable(key, where)
    return b


def _cell_vars(f: Finding) -> set:
    return {("in", f.key), (GIVEN, f.key)} if f.key is not None else set()


def organize(ctx, findings: list[Finding], attribute: bool = True, rerun=None) -> list[Finding]:
    """Fold consequences under their causes and order the headlines cause first (``attribute``
    False: order only). ``rerun(corrections)``: how many findings the identity rules give when the
    variables {variable: value} are corrected (chooses between cells that explain as much)."""
    number = {t.name: t.number for t in ctx.profile.tables.values()}

    def order(f: Finding):
        """Severity, then tables in the profile's order (names differ between profiles), then rule code."""
        return (_SEV[f.severity], number.get(f.table or "", 10 ** 6), f.table or "", f.sheet or "", f.code)

    if len(findings) < 2 or not attribute:
        return sorted(findings, key=lambda f: (_rank(f) if f.severity == "error" else 4 + _rank(f), order(f)))
    lin = Linear(ctx.budget)
    forms: dict[int, dict] = {}
    for f in findings:
        if f.identity is not None:
            try:
                forms[id(f)] = lin.form(f.identity)
            except (KeyError, AttributeError, ValueError):
                continue  # a cell the profile does not know: leave the finding as it is
    rest = list(findings)
    headlines: list[tuple[int, Finding]] = []  # (rank, finding)

    # 1. unreadable cells: what depends on them cannot be checked
    for f in [f for f in rest if f.code == "V02" and f.key is not None]:
        vars_ = _cell_vars(f)
        deps = [g for g in rest if g is not f and id(g) in forms and vars_ & forms[id(g)].keys()]
        if deps:
            _fold(f, deps, rest, "依赖这个数的校验无法核对", order)
    # 2. template integrity
    for f in [f for f in rest if f.code == "I04" and f.sheet]:
        tid = _table_id(ctx, f.sheet)
        deps = [g for g in rest if g is not f and g.code != "I04" and (
            (g.code in ("I05", "I06") and (g.sheet == f.sheet or _mentions(g.expected, f.sheet)))
            or (tid is not None and id(g) in forms and any(v[1][0] == tid for v in forms[id(g)])))]
        if deps:  # the reader's I04 says already that the table's data may be shifted: said once
            said = "数据可能错位" in f.message
            _fold(f, deps, rest, "以下结果由此引起" if said else "这张表的数据可能错位，以下结果由此引起", order)
    by_cell = {(f.sheet, f.cell): f for f in rest if f.code == "I05" and f.cell}
    for g in [g for g in rest if g.code == "I06" and (g.sheet, g.cell) in by_cell]:
        _fold(by_cell[(g.sheet, g.cell)], [g], rest, "", order)
    # 3. the cell that explains the most broken identities
    while True:
        best = _best_cause(lin, forms, [f for f in rest if id(f) in forms], ctx.profile, rerun)
        if best is None:
            break
        var, delta, covered, ties = best
        cause = _cause_finding(ctx, lin, var, delta, covered, ties)
        lin.corrected[var] = lin.value(var) + delta  # what is left may be explained by another cell
        for g in covered:
            rest.remove(g)
        cause.fold(sorted(covered, key=order))
        headlines.append((2, cause))
    headlines.extend((_rank(f), f) for f in rest)
    headlines.sort(key=lambda rf: (rf[0] if rf[1].severity == "error" else 4 + rf[0], -rf[1].total_consequences,
                                   order(rf[1])))
    return [f for _, f in headlines]


_SEV = {"error": 0, "warning": 1, "info": 2}


def _rank(f: Finding) -> int:
    """Unreadable cells first, then the template's integrity, then the rest."""
    if f.code.startswith("V0"):
        return 0
    if f.code.startswith("I"):
        return 1
    return 2 if f.code == "X100" else 3




def _fold(cause: Finding, deps: list[Finding], rest: list[Finding], phrase: str, order) -> None:
    ids = {id(d) for d in deps}
    rest[:] = [g for g in rest if id(g) not in ids]
    cause.fold(sorted(deps, key=order))
    if phrase:
        cause.message += f"；{phrase}：{folded_names(deps)}"


def folded_names(deps: Iterable[Finding]) -> str:
    counts: dict[str, int] = {}
    for d in deps:
        counts[d.code] = counts.get(d.code, 0) + 1
    return "、".join(f"{c}×{n}" if n > 1 else c for c, n in counts.items()) + f"（共 {sum(counts.values())} 项，已折叠于此）"


def _mentions(formula, sheet: str) -> bool:
    return isinstance(formula, str) and (f"'{sheet}'!" in formula or f"{sheet}!" in formula)


def _table_id(ctx, sheet: str) -> str | None:
    for t in ctx.profile.tables.values():
        if t.name == sheet:
            return t.id
    return None


def _residual(lin: Linear, form: dict) -> Decimal:
    return sum((c * lin.value(v) for v, c in form.items()), ZERO)


def _fixes(r: Decimal, coef: int, delta: Decimal, ident: Identity) -> bool:
    after = r + coef * delta
    return abs(after) <= ident.tolerance if ident.relation == "eq" else after >= 0


def _best_cause(lin: Linear, forms: dict, candidates: list[Finding], profile, rerun=None):
    """(variable, delta, findings it explains, other variables explaining as many) or None.
    ``rerun(corrections)`` counts the findings of the budget with those variables corrected."""
    from .hints import magnitude_hint

    if len(candidates) < 2:
        return None
    residual = {id(f): _residual(lin, forms[id(f)]) for f in candidates}
    occurs: dict = {}
    for f in candidates:
        for var, coef in forms[id(f)].items():
            if var != CONST:
                occurs.setdefault(var, []).append((f, coef))
    scored = []
    for var, items in occurs.items():
        if len(items) < 2:
            continue
        deltas: dict[Decimal, int] = {}
        for f, coef in items:
            r = residual[id(f)]
            if f.identity.relation == "eq" and abs(r) > f.identity.tolerance:
                d = -r / coef
                deltas[d] = deltas.get(d, 0) + 1
            elif f.identity.relation != "eq" and r < 0:
                d = -r / coef
                deltas.setdefault(d, 0)
        value = lin.value(var)
        best = None
        for d in deltas:
            if value + d < 0:
                continue  # an amount is never negative: not this cell
            covered = [f for f, coef in items if _fixes(residual[id(f)], coef, d, f.identity)]
            if best is None or len(covered) > len(best[1]):
                best = (d, covered)
        if best and len(best[1]) >= 2:
            scored.append((len(best[1]), var[0] == "in", var, best[0], best[1]))
    if not scored:
        return None
    n = max(s[0] for s in scored)
    top = [s for s in scored if s[0] == n]
    # several cells explain as much (a figure and its counterpart in another table): the one whose
    # correction leaves the fewest findings in the whole budget is wrong (the other one, changed,
    # would break identities that hold now); then a cell holding a figure over an empty one, then a
    # correction with a recognisable slip (元/万元, decimal point, swapped digits)
    def rank(s):
        _, is_input, var, d, _ = s
        value = lin.value(var)
        left = rerun({**lin.corrected, var: value + d}) if rerun is not None and len(top) > 1 else 0
        return (left, not is_input, value == 0, not magnitude_hint(profile, value, value + d), var)
    top.sort(key=rank)
    best = top[0]
    _, _, var, d, covered = best
    ties = [s[2] for s in top[1:] if rank(s)[:4] == rank(best)[:4]]
    return var, d, covered, ties


def _cause_finding(ctx, lin: Linear, var, delta: Decimal, covered: list[Finding], ties) -> Finding:
    from ..money import fmt
    from .hints import magnitude_hint

    kind, key = var
    value = lin.value(var)
    right = value + delta
    what = ctx.describe(key) + ("（表中填写的数）" if kind == GIVEN else "")
    hint = magnitude_hint(ctx.profile, value, right)
    also = ""
    if ties:
        alts = []
        for k, tk in ties[:3]:
            loc = ctx.where(tk)
            alts.append(f"{loc.get('sheet', '')}!{loc.get('cell', '')}" if loc.get("cell") else ctx.describe(tk))
        also = f"；也可能是 {'、'.join(alts)} 填错（改动其中一个即可）"
    msg = (f"{what} 为 {fmt(value)}，与 {len(covered)} 项校验不符：若为 {fmt(right)}，这些校验全部一致"
           f"{hint}{also}。受影响的：{folded_names(covered)}")
    loc = ctx.where(key)
    f = Finding("X100", "error", msg, file=ctx.file, unit=ctx.budget.unit_code, expected=right, actual=value,
                **loc)
    f.key = key
    return f
