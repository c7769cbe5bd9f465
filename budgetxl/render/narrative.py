"""The numeric paragraphs of the 情况说明, generated from the model.

``parts.toml`` marks each part of the narrative ``generated`` (budgetxl writes it from the tables
and the supplement) or ``text`` (the unit's own words, inserted as written). Generated paragraphs
follow the wording of published Hebei disclosures, but every figure is computed: amounts are the
exact Decimal values of the model, printed with two decimals; the year is the budget year; a
sentence part whose figure is unknown (last year's totals, say) is left out rather than guessed.
No place name is ever generated: the only name a paragraph carries is the unit's own.

>>> import budgetxl
>>> paragraphs = generate(budgetxl.load_sample())
>>> "2024年预算收入1573.23万元，其中：一般公共预算收入1573.23万元" in paragraphs["income"]
True
>>> paragraphs["operating"].split("，主要用于")[0]
'2024年，我部门机关运行经费共计安排90.03万元'
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Callable

from ..model import UnitBudget
from ..money import ZERO
from ..roles import label_of
from . import parts as P

def yuan(v: Decimal) -> str:
    """An amount in 万元 with two decimals, from the exact Decimal: ``1573.23万元``."""
    return f"{v.quantize(Decimal('0.01')):f}万元"


def _f(budget: UnitBudget, name: str) -> Decimal:
    """A named figure of the profile's roles ([roles.figures])."""
    return budget.evaluate(budget.profile.roles.figure(name).node)


def _printed(budget: UnitBudget, name: str) -> str:
    """How the tables print a figure (its row label or column header)."""
    return label_of(budget.profile, budget.profile.roles.figure(name))


def figures(budget: UnitBudget) -> dict[str, Decimal]:
    """The year's headline figures the narrative compares with last year's (the profile's
    [[roles.headline]] entries that have a previous-year figure), by headline key."""
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


def _change(diff: Decimal) -> str:
    if diff > 0:
        return f"增加{yuan(diff)}"
    if diff < 0:
        return f"减少{yuan(-diff)}"
    return f"增减{yuan(ZERO)}（与上年持平）"


def _reason(unit_text: str, subject: str) -> str:
    """The unit's stated reason for a change (“主要为……”) after ``subject`` in its own paragraph;
    kept only when it holds no figure (a figure in it would escape the computation)."""
    m = re.search(re.escape(subject) + r"[^。；]*?(?:增加|减少|持平|增减)[^，。；]*[，,](主要[^。；]*)", unit_text or "")
    if m is None:
        return ""
    reason = m.group(1).strip().rstrip("，,")
    return "" if re.search(r"\d", reason) else reason


# ---------------------------------------------------------------------- the paragraphs
def income(b: UnitBudget, ctx: dict) -> str:
    lines = [("一般公共预算收入", "gpb_income"), ("基金预算收入", "fund_income"), ("国有资本经营预算收入", "soe_income"),
             ("财政专户核拨收入", "special_income"), ("单位资金收入", "own_income"), (None, "carried_over")]
    parts = [(label or _printed(b, name)) + yuan(_f(b, name)) for label, name in lines]
    return (f"反映本部门当年全部收入。{b.year}年预算收入{yuan(_f(b, 'grand_income'))}，"
            f"其中：{'，'.join(parts)}。")


def expenditure(b: UnitBudget, ctx: dict) -> str:
    basic, project = _f(b, "basic"), _f(b, "project")
    personnel, public = _f(b, "personnel"), _f(b, "public")
    text = (f"收支预算总表支出栏、基本支出表、项目支出表按经济分类和支出功能分类科目编制，反映{b.unit_name}"
            f"年度部门预算中支出预算的总体情况。{b.year}年支出预算{yuan(_f(b, 'spending'))}，"
            f"其中基本支出{yuan(basic)}")
    if personnel + public == basic:
        text += f"，包括人员经费{yuan(personnel)}和日常公用经费{yuan(public)}"
    elif personnel + public:
        text += f"，其中一般公共预算财政拨款安排人员经费{yuan(personnel)}和日常公用经费{yuan(public)}"
    text += f"；项目支出{yuan(project)}"
    names = [p.get("name") for p in ((b.supplement or {}).get("projects") or []) if p.get("name")]
    if project and names:
        text += "，主要用于" + "、".join(f"“{n}”" for n in names) + ("等项目" if len(names) > 1 else "项目")
    for name in ("spending_operating", "spending_remit", "spending_subsidiary"):
        v = _f(b, name)
        if v:
            text += "；" + _printed(b, name) + yuan(v)
    carry = _f(b, "closing_balance")
    if carry:
        text += f"；年终结转结余{yuan(carry)}"
    return text + "。"


def change(b: UnitBudget, ctx: dict) -> str:
    now, prev = ctx["figures"], ctx["previous"]
    py = b.year - 1
    unit_text = ctx["unit_text"].get("change", "")
    text = f"{b.year}年预算收支安排{yuan(now['total'])}"
    if prev["total"] is not None:
        text += f"，较{py}年预算{_change(now['total'] - prev['total'])}"
    subs = []
    for key in ("basic", "project"):
        label = b.profile.roles.headline_entry(key).name
        if prev[key] is None:
            continue
        part = f"{label}{_change(now[key] - prev[key])}"
        reason = _reason(unit_text, label) if now[key] != prev[key] else ""
        subs.append(part + (f"，{reason}" if reason else ""))
    if subs:
        text += "，其中：" + "；".join(subs)
    return text + "。"


def operating(b: UnitBudget, ctx: dict) -> str:
    """机关运行经费 (Hebei: the 公用经费 of the 基本支出表), for the budget year, with what it pays for
    (the economic lines carrying 公用经费, in code order)."""
    amount = ctx["figures"]["operating"]
    text = f"{b.year}年，我部门机关运行经费共计安排{yuan(amount)}"
    roles = b.profile.roles
    t6 = b.profile.tables[roles.table_id("basic_economic")]
    public = roles.column(t6.id, "public")
    names = [b.row_name(t6.id, c) for c in b.codes(t6)
             if len(c) == t6.leaf_length and b.value(t6.id, c, public) != 0]
    if names:
        text += "，主要用于" + "、".join(names) + "等"
    prev = ctx["previous"]["operating"]
    if prev is not None:
        text += f"，比{b.year - 1}年{_change(amount - prev)}"
    return text + "。"


def sangong(b: UnitBudget, ctx: dict) -> str:
    def t9(name: str) -> str:
        return yuan(_f(b, name))

    text = (f"{b.year}年，我部门财政拨款“三公”经费预算安排{t9('sangong_subtotal')}，其中因公出国（境）费{t9('abroad_spending')}；"
            f"公务用车购置及运维费{t9('car_spending')}（其中：公务用车购置费为{t9('car_purchase_spending')}，"
            f"公务用车运维费{t9('car_operation_spending')}）；公务接待费{t9('reception_spending')}。")
    prev = ctx["previous"]["sangong"]
    if prev is not None:
        diff = ctx["figures"]["sangong"] - prev
        if diff == 0:
            text += f"与{b.year - 1}年相比增减{yuan(ZERO)}，无增减变化。"
        else:
            text += f"与{b.year - 1}年相比{_change(diff)}"
            m = re.search(r"主要原因(?:是|为)([^。]*)", ctx["unit_text"].get("sangong", ""))
            reason = m.group(1).strip("，, ") if m else ""
            text += (f"，增减变化的主要原因是{reason}。" if reason and not re.search(r"\d", reason) else "。")
    return text


def procurement(b: UnitBudget, ctx: dict) -> str | None:
    sup = b.supplement
    if not sup:
        return None
    prof = b.profile
    lines = list(sup.get("procurement") or [])
    total = P.procurement_sum(prof, lines, "total")
    if not lines or total == 0:
        return f"{b.year}年，我部门未安排政府采购预算。"
    cats = prof.parts["procurement"]["print"]["categories"]
    parts = [f"{c['name']}类{yuan(P.procurement_by_prefix(prof, lines, [c['prefix']]))}" for c in cats]
    rest = total - P.procurement_by_prefix(prof, lines, [c["prefix"] for c in cats])
    if rest:
        parts.append(f"未注明品目类别的{yuan(rest)}")
    text = f"{b.year}年，我部门政府采购预算总额{yuan(total)}，其中：{'、'.join(parts)}。"
    sme = P.procurement_sum(prof, lines, "sme_reserved")
    text += f"为中小企业预留采购份额{yuan(sme)}。"
    return text


def assets(b: UnitBudget, ctx: dict) -> str | None:
    sup = b.supplement
    if not sup:
        return None
    prof = b.profile
    value = P.asset_value(prof, sup.get("assets") or {}, "total", "value")
    text = ""
    if value is not None:
        text = f"{b.unit_name}（含所属单位）上年末固定资产金额为{yuan(value)}（详见下表）。"
    purchase = P.fixed_asset_purchases(prof, list(sup.get("procurement") or []))
    if purchase:
        text += f"本年度拟购置固定资产总额为{yuan(purchase)}，已按要求列入政府采购预算，详见政府采购预算表。"
    else:
        text += "本年度未安排购置固定资产。"
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
