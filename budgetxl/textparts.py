"""Read the supplementary parts of a published disclosure's text: the narrative sections of the
情况说明 by their headings, the 项目绩效目标表, 部门政府采购预算 and 部门固定资产占用情况表 — so that
the text and project/procurement/asset rules check real publications, not only entry workbooks.

Everything is found by the headings and labels the profile declares (``parts.toml``): a heading
names a narrative section by its title; a table by its title; a row by its printed label.
"""

from __future__ import annotations

import re

from .labels import norm
from .money import AmountError, parse_amount
from .textblocks import ARTEFACT, PAGE_NUMBER, blocks

_ORDINAL_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_PROJECT_TITLE = re.compile(r"绩效目标表$")
_CATALOG = re.compile(r"^[A-Za-z]\d{2,}")


def _key(line: str) -> str:
    return norm(ARTEFACT.sub("", line)).rstrip(":")


def _money(text: str):
    t = (text or "").strip().replace(",", "")
    if not t:
        return None
    try:
        return parse_amount(t)
    except AmountError:
        return None


def _number(text: str):
    t = (text or "").strip().replace(",", "")
    if not t:
        return None
    try:
        return parse_amount(t, places=6)
    except AmountError:
        return None


def extract_parts(text: str, profile) -> dict:
    """A supplement dict (the shape :func:`budgetxl.supplement.load_supplement` returns) with
    whatever of the parts the text contains; absent parts are absent keys."""
    lines = text.splitlines()
    parts = profile.parts
    sup: dict = {}
    narrative, first_lines = _narrative(lines, profile)
    if narrative:
        sup["narrative"] = narrative
        sup["narrative_lines"] = first_lines  # where each section starts in the text (for findings)
    keys = [_key(l) if not l.startswith("\t") else None for l in lines]
    inst_title = norm(parts["institutions"]["title"]) if "institutions" in parts else None
    for i, k in enumerate(keys if inst_title else ()):
        if k == inst_title:
            fields = parts["institutions"]["fields"]
            headers = [norm(f["header"]) for f in fields]
            recs = [dict(zip((f["key"] for f in fields), (c.strip() for c in cells)))
                    for cells in _rows(lines, i) if len(cells) == len(fields) and [norm(c) for c in cells] != headers]
            sup["institutions"] = recs
            break
    # the tabular parts a profile declares (a profile without them has none to find)
    titles = {p: norm(parts[p]["title"]) for p in ("procurement", "assets") if p in parts}
    for i, k in enumerate(keys):
        if k is None:
            continue
        if k == titles.get("procurement") and "procurement" not in sup:
            sup["procurement"] = _procurement(lines, i, parts)
        elif k == titles.get("assets") and "assets" not in sup:
            sup["assets"] = _assets(lines, i, parts)
        elif "projects" in parts and _PROJECT_TITLE.search(k):
            project = _project(lines, i, parts)
            if project:
                sup.setdefault("projects", []).append(project)
    return sup


def _narrative(lines: list[str], profile) -> tuple[dict[str, str], dict[str, int]]:
    items = profile.parts.get("narrative", [])
    headings = {norm(n["title"]): n["key"] for n in items}
    stops = {norm(n["section"]) for n in items} | {norm(t.title) for t in profile.ordered}
    stops |= {norm(profile.parts[p]["title"]) for p in ("institutions", "procurement", "assets") if p in profile.parts}
    # the headings the document prints over its parts (机构设置：) end a narrative section too
    stops |= {norm(c["heading"]).rstrip(":") for sec in profile.parts.get("document", {}).get("sections", [])
              for c in sec.get("content", []) if c.get("heading")}
    out: dict[str, list[str]] = {}
    first_line: dict[str, int] = {}
    current = None
    for n_line, raw in enumerate(lines, start=1):
        if raw.startswith("\t"):
            current = None if current in ("procurement", "assets") else current
            if current is None:
                continue
            continue  # table content never belongs to a narrative section
        line = ARTEFACT.sub("", raw).strip()
        if not line or PAGE_NUMBER.match(raw):
            continue
        head, _, rest = line.partition("：") if "：" in line[:24] else (line, "", "")
        k = norm(head).rstrip(":")
        if k in headings:
            current = headings[k]
            out.setdefault(current, [])
            if rest.strip():
                out[current].append(rest.strip())
            continue
        k_all = norm(line).rstrip(":")
        if k_all in headings:
            current = headings[k_all]
            out.setdefault(current, [])
            continue
        if k_all in stops or _PROJECT_TITLE.search(k_all) or (_ORDINAL_HEADING.match(line) and k_all not in headings) \
                or line.startswith(("第一部分", "第二部分", "第三部分")):
            current = None
            continue
        if current is not None:
            first_line.setdefault(current, n_line)
            out[current].append(line)
    texts = {k: "\n".join(v).strip() for k, v in out.items() if "\n".join(v).strip()}
    return texts, {k: n for k, n in first_line.items() if k in texts}


def _rows(lines: list[str], i: int) -> list[list[str]]:
    return [cells for _, cells in blocks(lines, i + 1)]


def _procurement(lines: list[str], i: int, parts) -> list[dict]:
    fields = parts["procurement"]["fields"]
    out = []
    for cells in _rows(lines, i):
        if len(cells) != len(fields) or not _CATALOG.match(cells[3].strip()):
            continue
        rec = {}
        for f, text in zip(fields, cells):
            typ = f.get("type", "text")
            rec[f["key"]] = _money(text) if typ == "money" else _number(text) if typ == "number" else text.strip()
        out.append(rec)
    return out


def _assets(lines: list[str], i: int, parts) -> dict:
    spec = parts["assets"]
    labels = {norm(r["label"]): r["key"] for r in spec["rows"]}
    values: dict = {}
    as_of = ""
    for cells in _rows(lines, i):
        for c in cells:
            m = re.search(r"截止时间[:：]\s*(\S+)", c)
            if m:
                as_of = m.group(1)
        if len(cells) != 1 + len(spec["columns"]):
            continue
        key = labels.get(norm(cells[0]))
        if key is None:
            continue
        values[key] = {col["key"]: (_money(t) if col["type"] == "money" else _number(t))
                       for col, t in zip(spec["columns"], cells[1:])}
    for r in spec["rows"]:
        values.setdefault(r["key"], {col["key"]: None for col in spec["columns"]})
    return {"as_of": as_of, "values": values}


def _project(lines: list[str], i: int, parts) -> dict | None:
    rows = _rows(lines, i)
    periods = next(f for f in parts["projects"]["fields"] if f["type"] == "money4")["periods"]
    ind_keys = [f["key"] for f in parts["projects"]["indicator_fields"]]
    # the printed labels are the part's field headers (parts.toml [projects])
    hdr = {f["key"]: norm(f["header"]) for f in parts["projects"]["fields"]}
    first_indicator = norm(parts["projects"]["indicator_fields"][0]["header"])
    rec: dict = {"code": "", "name": "", "budget": None, "fiscal": None, "other": None, "purpose": "", "plan": [],
                 "goal": "", "indicators": []}
    stage = ""
    level1 = ""
    for cells in rows:
        first = norm(cells[0]) if cells else ""
        if first == hdr["code"]:
            rec["code"] = cells[1].strip() if len(cells) > 1 else ""
            if len(cells) > 3:
                rec["name"] = cells[3].strip()
            stage = "head"
        elif first == hdr["purpose"]:
            for j, c in enumerate(cells[:-1]):
                n = norm(c)
                for key in ("budget", "fiscal", "other"):
                    if n == hdr[key] or (key == "fiscal" and n.endswith(hdr[key])):
                        rec[key] = _money(cells[j + 1])
            stage = "purpose"
        elif first == hdr["plan"]:
            stage = "plan"
        elif stage == "plan":
            rec["plan"] = [_money(c) for c in cells[1:1 + len(periods)]]
            stage = ""
        elif first == hdr["goal"]:
            rec["goal"] = " ".join(c.strip() for c in cells[1:] if c.strip())
            stage = ""
        elif first == first_indicator:
            stage = "indicators"
        elif stage == "indicators" and len(cells) == len(ind_keys):
            level1 = cells[0].strip() or level1
            ind = dict(zip(ind_keys, (c.strip() for c in cells)))
            ind["level1"] = level1
            rec["indicators"].append(ind)
        elif stage == "purpose" and not first:
            rec["purpose"] = "\n".join(c.strip() for c in cells[1:] if c.strip())
            stage = ""
    return rec if rec["code"] or rec["name"] else None


def complete(sup: dict, profile, unit: dict) -> dict:
    """Fill what the text did not contain, so a text-born supplement has the usual shape."""
    parts = profile.parts
    sup = dict(sup)
    sup["unit"] = unit
    for part in ("institutions", "projects", "procurement"):
        if part in parts:  # a part the profile does not declare stays absent (as load_supplement leaves it)
            sup.setdefault(part, [])
    if "assets" in parts and "assets" not in sup:
        sup["assets"] = {"as_of": "", "values": {r["key"]: {c["key"]: None for c in parts["assets"]["columns"]}
                                                  for r in parts["assets"]["rows"]}}
    sup.setdefault("previous", {})
    narrative = {n["key"]: "" for n in parts.get("narrative", [])}
    narrative.update(sup.get("narrative", {}))
    sup["narrative"] = narrative
    return sup
