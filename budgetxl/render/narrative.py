"""The numeric paragraphs of the 情况说明, generated from the model.

``parts.toml`` marks each part of the narrative ``generated`` (budgetxl writes it from the tables
and the supplement) or ``text`` (the unit's own words, inserted as written). A generated part's
sentences are the profile's (``[narrative.wording]`` of that part: the phrases, with ``{…}``
fields this module fills in); this module decides only which phrases a budget needs and computes
every figure: amounts are the exact Decimal values of the model, converted exactly to the unit the
narrative states amounts in (the profile's ``text_unit``) and printed with two decimals; the year
is the budget year; a sentence part whose figure is unknown (last year's totals, say) is left out
rather than guessed. No place name is ever generated: the only name a paragraph carries is the
unit's own. A part whose wording the profile does not give is not generated (the error names it).

>>> import budgetxl
>>> paragraphs = generate(budgetxl.load_sample())
>>> "2024年预算收入1573.23万元，其中：一般公共预算收入1573.23万元" in paragraphs["income"]
True
>>> paragraphs["operating"].split("，主要用于")[0]
'2024年，我部门机关运行经费共计安排90.03万元'
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable

from ..errors import SpecError
from ..model import UnitBudget
from ..money import ZERO, convert
from ..roles import label_of
from . import parts as P


def amount(b: UnitBudget, v: Decimal) -> str:
    """An amount already in the narrative's unit, with two decimals: ``1573.23万元``."""
    return f"{v.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}{b.profile.text_unit}"


def _f(budget: UnitBudget, name: str) -> Decimal:
    """A named figure of the profile's roles ([roles.figures]), in the narrative's unit (exact)."""
    p = budget.profile
    node = p.roles.figure(name).node
    return convert(budget.evaluate(node), p.figure_unit(node), p.text_unit)


def _printed(budget: UnitBudget, name: str) -> str:
    """How the tables print a figure (its row label or column header)."""
    return label_of(budget.profile, budget.profile.roles.figure(name))


def wording(b: UnitBudget, key: str) -> dict:
    """The phrases of one generated part (its ``[narrative.wording]`` in parts.toml)."""
    sec = next((n for n in b.profile.parts.get("narrative", []) if n["key"] == key), None)
    w = (sec or {}).get("wording")
    if not w:
        raise SpecError(f"表样“{b.profile.id}”的 parts.toml 没有给出生成部分“{key}”的措辞（[narrative.wording]）")
    return w


def figures(budget: UnitBudget) -> dict[str, Decimal]:
    """The year's headline figures the narrative compares with last year's (the profile's
    [[roles.headline]] entries that have a previous-year figure), by headline key, in the
    narrative's unit (the unit last year's figures are given in)."""
    roles = budget.profile.roles
    return {h.key: _f(budget, h.figure) for h in roles.headline if h.previous}


def previous_figures(budget: UnitBudget, previous: UnitBudget | None = None) -> dict[str, Decimal | None]:
    """Last year's figures: from a previous year's budget when given, else the supplement's
    ``previous`` (上年数); None where unknown."""
    keys = [h.key for h in budget.profile.roles.headline if h.previous]
    given = ((budget.supplement or {}).get("previous") or {})
    out: dict[str, Decimal | None] = {k: given.get(k) for k in keys}
    if previous is not None:
        out.update(figures(previous))
    return out


def _change(b: UnitBudget, w: dict, diff: Decimal) -> str:
    """增加/减少/持平 of a change, in the part's wording (``up``, ``down``, ``same``)."""
    if diff > 0:
        return w["up"].format(amount=amount(b, diff))
    if diff < 0:
        return w["down"].format(amount=amount(b, -diff))
    return w["same"].format(amount=amount(b, ZERO))


def _reason(unit_text: str, subject: str) -> str:
    """The unit's stated reason for a change (“主要为……”) after ``subject`` in its own paragraph;
    kept only when it holds no figure (a figure in it would escape the computation)."""
    m = re.search(re.escape(subject) + r"[^。；]*?(?:增加|减少|持平|增减)[^，。；]*[，,](主要[^。；]*)", unit_text or "")
    if m is None:
        return ""
    reason = m.group(1).strip().rstrip("，,")
    return "" if re.search(r"\d", reason) else reason


def _common(b: UnitBudget) -> dict:
    return {"year": b.year, "previous_year": b.year - 1, "unit_name": b.unit_name}


# ---------------------------------------------------------------------- the paragraphs
def income(b: UnitBudget, ctx: dict) -> str:
    w = wording(b, "income")
    parts = [w["line"].format(label=line.get("label") or _printed(b, line["figure"]),
                              amount=amount(b, _f(b, line["figure"]))) for line in w["lines"]]
    return w["text"].format(**_common(b), total=amount(b, _f(b, w["total"])), lines=w["separator"].join(parts))


def expenditure(b: UnitBudget, ctx: dict) -> str:
    w = wording(b, "expenditure")
    basic, project = _f(b, "basic"), _f(b, "project")
    personnel, public = _f(b, "personnel"), _f(b, "public")
    values = {**_common(b), "spending": amount(b, _f(b, "spending")), "basic": amount(b, basic),
              "project": amount(b, project), "personnel": amount(b, personnel), "public": amount(b, public)}
    text = w["text"].format(**values)
    if personnel + public == basic:
        text += w["basic_parts"].format(**values)
    elif personnel + public:
        text += w["basic_parts_fiscal"].format(**values)
    text += w["project"].format(**values)
    names = [p.get("name") for p in ((b.supplement or {}).get("projects") or []) if p.get("name")]
    if project and names:
        listed = w["name_separator"].join(w["name"].format(name=n) for n in names)
        text += (w["projects_many"] if len(names) > 1 else w["projects_one"]).format(names=listed)
    for name in w.get("other_lines", []):
        v = _f(b, name)
        if v:
            text += w["other_line"].format(label=_printed(b, name), amount=amount(b, v))
    for name in w.get("balance_lines", []):
        v = _f(b, name)
        if v:
            text += w["balance_line"].format(amount=amount(b, v))
    return text + w["end"]


def change(b: UnitBudget, ctx: dict) -> str:
    w = wording(b, "change")
    now, prev = ctx["figures"], ctx["previous"]
    unit_text = ctx["unit_text"].get("change", "")
    whole = w["whole"]
    text = w["text"].format(**_common(b), total=amount(b, now[whole]))
    if prev[whole] is not None:
        text += w["compared"].format(**_common(b), change=_change(b, w, now[whole] - prev[whole]))
    subs = []
    for key in w["parts"]:
        label = b.profile.roles.headline_entry(key).name
        if prev[key] is None:
            continue
        part = w["part"].format(label=label, change=_change(b, w, now[key] - prev[key]))
        reason = _reason(unit_text, label) if now[key] != prev[key] else ""
        subs.append(part + (w["reason"].format(reason=reason) if reason else ""))
    if subs:
        text += w["parts_intro"] + w["part_separator"].join(subs)
    return text + w["end"]


def operating(b: UnitBudget, ctx: dict) -> str:
    """机关运行经费, for the budget year, with what it pays for (the economic lines carrying 公用经费,
    in code order)."""
    w = wording(b, "operating")
    value = ctx["figures"][w["figure"]]
    text = w["text"].format(**_common(b), amount=amount(b, value))
    roles = b.profile.roles
    t = b.profile.tables[roles.table_id("basic_economic")]
    public = roles.column(t.id, "public")
    names = [b.row_name(t.id, c) for c in b.codes(t)
             if len(c) == t.leaf_length and b.value(t.id, c, public) != 0]
    if names:
        text += w["uses"].format(names=w["name_separator"].join(names))
    prev = ctx["previous"][w["figure"]]
    if prev is not None:
        text += w["compared"].format(**_common(b), change=_change(b, w, value - prev))
    return text + w["end"]


def sangong(b: UnitBudget, ctx: dict) -> str:
    w = wording(b, "sangong")
    values = {name: amount(b, _f(b, name)) for name in w["figures"]}
    text = w["text"].format(**_common(b), **values)
    figure = w["figure"]
    prev = ctx["previous"][figure]
    if prev is not None:
        diff = ctx["figures"][figure] - prev
        if diff == 0:
            text += w["unchanged"].format(**_common(b), amount=amount(b, ZERO))
        else:
            text += w["compared"].format(**_common(b), change=_change(b, w, diff))
            m = re.search(w["reason_pattern"], ctx["unit_text"].get(w.get("reason_from", "sangong"), ""))
            reason = m.group(1).strip("，, ") if m else ""
            text += (w["reason"].format(reason=reason) if reason and not re.search(r"\d", reason) else w["end"])
    return text


def procurement(b: UnitBudget, ctx: dict) -> str | None:
    sup = b.supplement
    if not sup:
        return None
    w = wording(b, "procurement")
    prof = b.profile
    money = lambda v: amount(b, v)  # noqa: E731  (the supplement's amounts are in the narrative's unit)
    lines = list(sup.get("procurement") or [])
    total = P.procurement_sum(prof, lines, "total")
    if not lines or total == 0:
        return w["none"].format(**_common(b))
    cats = prof.parts["procurement"]["print"]["categories"]
    parts = [w["category"].format(name=c["name"], amount=money(P.procurement_by_prefix(prof, lines, [c["prefix"]])))
             for c in cats]
    rest = total - P.procurement_by_prefix(prof, lines, [c["prefix"] for c in cats])
    if rest:
        parts.append(w["uncategorized"].format(amount=money(rest)))
    text = w["text"].format(**_common(b), total=money(total), categories=w["separator"].join(parts))
    sme = P.procurement_sum(prof, lines, "sme_reserved")
    return text + w["sme"].format(amount=money(sme))


def assets(b: UnitBudget, ctx: dict) -> str | None:
    sup = b.supplement
    if not sup:
        return None
    w = wording(b, "assets")
    prof = b.profile
    value = P.asset_value(prof, sup.get("assets") or {}, "total", "value")
    text = ""
    if value is not None:
        text = w["value"].format(**_common(b), amount=amount(b, value))
    purchase = P.fixed_asset_purchases(prof, list(sup.get("procurement") or []))
    if purchase:
        text += w["purchase"].format(amount=amount(b, purchase))
    else:
        text += w["no_purchase"]
    return text


GENERATORS: dict[str, Callable[[UnitBudget, dict], str | None]] = {
    "income": income, "expenditure": expenditure, "change": change, "operating": operating,
    "sangong": sangong, "procurement": procurement, "assets": assets,
}


def generate(budget: UnitBudget, previous: UnitBudget | None = None) -> dict[str, str]:
    """The generated paragraphs, by narrative key (a part that cannot be generated is absent)."""
    unit_text = dict(((budget.supplement or {}).get("narrative") or {}))
    ctx = {"figures": figures(budget), "previous": previous_figures(budget, previous), "unit_text": unit_text}
    out = {}
    for sec in budget.profile.parts.get("narrative", []):
        gen = GENERATORS.get(sec["key"]) if sec.get("kind") == "generated" else None
        if gen is not None:
            text = gen(budget, ctx)
            if text:
                out[sec["key"]] = text
    return out


def narrative(budget: UnitBudget, previous: UnitBudget | None = None) -> dict[str, str]:
    """Every part of the 情况说明: generated where ``parts.toml`` says so, else the unit's own text
    as written (empty when the unit gave none)."""
    unit_text = dict(((budget.supplement or {}).get("narrative") or {}))
    generated = generate(budget, previous)
    return {sec["key"]: generated.get(sec["key"], unit_text.get(sec["key"], ""))
            for sec in budget.profile.parts.get("narrative", [])}
