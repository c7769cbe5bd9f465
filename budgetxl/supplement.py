"""Supplementary parts of a disclosure: 机构设置, 项目绩效目标表, 政府采购预算, 固定资产占用情况,
the narrative text (情况说明) and last year's totals. Their fields are declared in the profile's
``parts.toml``; this module reads them from a TOML file, checking every amount exactly."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from .errors import BudgetxlError, ProblemList
from .money import AmountError, parse_amount
from .spec import Profile


def _amount(value, where: str, problems: ProblemList, places: int = 2) -> Decimal | None:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    try:
        return parse_amount(str(value), places=places)
    except AmountError as e:
        problems.add(f"{where}：{e}")
        return None


_PLACES = {"money": 2, "number": 6, "integer": 0}


def _record(raw: dict, fields: list[dict], where: str, problems: ProblemList) -> dict:
    out = {}
    for f in fields:
        key, typ = f["key"], f.get("type", "text")
        v = raw.get(key, "")
        if typ in _PLACES:
            out[key] = _amount(v, f"{where}·{f['header']}", problems, _PLACES[typ])
        elif typ == "money4":
            periods = f.get("periods", [])
            vals = list(v) if isinstance(v, list) else []
            if len(vals) != len(periods):
                problems.add(f"{where}·{f['header']}：应有{len(periods)}个数（{'、'.join(periods)}），实有{len(vals)}个")
            out[key] = [_amount(x, f"{where}·{f['header']}·{p}", problems) for x, p in zip(vals, periods)]
        else:
            out[key] = "" if v is None else str(v).strip()
    return out


def load_supplement(path: str | Path, profile: Profile) -> dict:
    """Read a supplement TOML into plain dicts with exact Decimal amounts (None for blanks)."""
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text("utf-8-sig"))
    except FileNotFoundError:
        raise BudgetxlError(f"找不到文件：{p}") from None
    except tomllib.TOMLDecodeError as e:
        raise BudgetxlError(f"{p}：格式错误（{e}）") from None
    parts = profile.parts
    problems = ProblemList()
    sup: dict = {"unit": raw.get("unit", {})}
    for part in ("institutions", "projects", "procurement", "assets"):
        if raw.get(part) and part not in parts:  # data for a part the profile does not have
            problems.add(f"表样“{profile.id}”没有附表“{part}”，补充资料中不应有 [{part}]")
    if "institutions" in parts:
        sup["institutions"] = [_record(r, parts["institutions"]["fields"], f"机构设置第{i}行", problems)
                               for i, r in enumerate(raw.get("institutions", []), 1)]
    if "projects" in parts:
        projects = []
        for i, r in enumerate(raw.get("projects", []), 1):
            rec = _record(r, parts["projects"]["fields"], f"项目{i}", problems)
            rec["indicators"] = [_record(x, parts["projects"]["indicator_fields"], f"项目{i}指标{j}", problems)
                                 for j, x in enumerate(r.get("indicators", []), 1)]
            projects.append(rec)
        sup["projects"] = projects
    if "procurement" in parts:
        sup["procurement"] = [_record(r, parts["procurement"]["fields"], f"政府采购第{i}行", problems)
                              for i, r in enumerate(raw.get("procurement", []), 1)]
    if "assets" in parts:
        assets = raw.get("assets", {})
        values = {}
        for row in parts["assets"]["rows"]:
            v = assets.get("values", {}).get(row["key"], {})
            values[row["key"]] = _record(v, parts["assets"]["columns"], f"固定资产·{row['label']}", problems)
        sup["assets"] = {"as_of": str(assets.get("as_of", "")), "values": values}
    sup["previous"] = {k: _amount(v, f"上年数·{k}", problems) for k, v in raw.get("previous", {}).items()}
    known = {n["key"] for n in parts.get("narrative", [])}
    narrative = raw.get("narrative", {})
    for k in narrative:
        if k not in known:
            problems.add(f"情况说明中有未知的部分“{k}”（应为：{'、'.join(sorted(known))}）")
    sup["narrative"] = {k: str(narrative.get(k, "")).strip() for k in known}
    problems.raise_if_any(f"{p}：补充资料有误")
    return sup


# ---------------------------------------------------------------------- procurement lines
def procurement_fund_keys(profile) -> tuple[str, ...]:
    """The fund columns whose sum is a procurement line's 合计 (from the profile's formula)."""
    f = next(f for f in profile.parts["procurement"]["fields"] if f.get("formula"))
    return _formula_refs(f["formula"])


@lru_cache(maxsize=16)
def _formula_refs(formula: str) -> tuple[str, ...]:
    from . import expr

    return tuple(n.col for n in expr.walk(expr.parse(formula)) if isinstance(n, expr.Ref))


def procurement_funds(profile, rec: dict) -> Decimal:
    """Σ of a procurement line's fund columns (blank = 0): what the workbook's 合计 formula gives."""
    return sum((rec.get(k) or Decimal("0.00") for k in procurement_fund_keys(profile)), Decimal("0.00"))


def procurement_total(profile, rec: dict) -> Decimal:
    """A procurement line's 合计: as given (TOML, text), else the sum of its fund columns (workbook)."""
    given = rec.get("total")
    return given if given is not None else procurement_funds(profile, rec)
