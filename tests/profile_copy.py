"""A shipped profile copied with every table id, table name, title, row key and column key renamed
(and the formulas, checks and roles rewritten alike), for the tests that hold the design: code
that looks tables up by role gives the same findings on the renamed copy as on the original.

``python -m tests.profile_copy hebei-2024 OUT_DIR [facts.csv OUT.csv]`` writes such a copy (and a
facts CSV with its table names renamed alike).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
import tomllib
from pathlib import Path

from budgetxl.resources import profile_dir
from budgetxl.spec import TOTAL

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")
_REF = re.compile(r"(?:(?P<t>[A-Za-z_]\w*)!)?(?P<r>[A-Za-z_]\w*|\*)\.(?P<c>[A-Za-z_]\w*|\*)")
_LEAVES = re.compile(r"leaves\(\s*(?P<t>[A-Za-z_]\w*|\*)\s*,\s*(?P<s>\"[^\"]*\")\s*,\s*(?P<c>[A-Za-z_]\w*|\*)\s*\)")


def dump_toml(data: dict) -> str:
    """TOML for the plain data of a profile: one line per top-level key, tables inline."""
    def key(k: str) -> str:
        return k if _BARE.match(k) else json.dumps(k, ensure_ascii=False)

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items()) + " }"
        raise TypeError(type(v))

    return "".join(f"{key(k)} = {value(v)}\n" for k, v in data.items())


class Renamer:
    def __init__(self, raw: dict):
        self.raw = raw
        self.ids = {tid: f"tab{i}x" for i, tid in enumerate(raw["order"], start=1)}
        self.coded = {tid for tid, t in raw["tables"].items() if t["kind"] == "coded"}

    @staticmethod
    def row(key: str) -> str:
        return f"row_{key}_r"

    @staticmethod
    def col(key: str) -> str:
        return f"col_{key}_c"

    @staticmethod
    def name(text: str) -> str:
        return f"改名{text}表样"

    def table_id(self, tid: str) -> str:
        return tid if tid == "*" else self.ids[tid]

    def formula(self, text: str, here: str | None) -> str:
        """A formula with its table ids, row keys and column keys renamed; ``here``: the table
        the formula belongs to (what ``*`` and a missing table stand for)."""
        def leaves(m):
            t = m.group("t")
            c = m.group("c")
            return f"leaves({self.table_id(t)}, {m.group('s')}, {c if c == '*' else self.col(c)})"

        def ref(m):
            t, r, c = m.group("t"), m.group("r"), m.group("c")
            target = t if t and t != "*" else here
            if r != "*" and target not in self.coded:
                r = self.row(r)
            elif r != "*" and r != TOTAL:
                pass  # a code
            out = f"{r}.{c if c == '*' else self.col(c)}"
            return f"{self.table_id(t)}!{out}" if t else out

        text = _LEAVES.sub(leaves, text)
        # refs outside leaves(): leaves() arguments have no dot, so they are not matched
        return _REF.sub(ref, text)

    def cells(self, cells: dict, here: str) -> dict:
        return {(k if k == "*" else self.col(k)): self.formula(v, here) for k, v in cells.items()}

    def item(self, it: dict, here: str) -> dict:
        out = dict(it, key=self.row(it["key"]))
        if "cells" in it:
            out["cells"] = self.cells(it["cells"], here)
        return out

    def columns(self, cols: list, here: str) -> list:
        out = []
        for c in cols:
            c = dict(c, key=self.col(c["key"]))
            if "formula" in c:
                c["formula"] = self.formula(c["formula"], here)
            out.append(c)
        return out

    def table(self, tid: str, t: dict) -> dict:
        out = dict(t, name=self.name(t["name"]), title=self.name(t["title"]))
        if t["kind"] == "coded":
            out["columns"] = self.columns(t["columns"], tid)
        else:
            out["sides"] = [dict(s, columns=self.columns(s["columns"], tid)) for s in t["sides"]]
            body = {}
            for side, spec in t.get("body", {}).items():
                if isinstance(spec, list):
                    body[side] = [self.item(it, tid) for it in spec]
                else:
                    body[side] = dict(spec, key=self.row(spec["key"]), cells=self.cells(spec["cells"], tid))
            out["body"] = body
            out["footer"] = [{side: self.item(it, tid) for side, it in row.items()} for row in t.get("footer", [])]
        out["balances"] = [dict(b, left=self.formula(b["left"], tid), right=self.formula(b["right"], tid))
                           for b in t.get("balances", [])]
        return out

    def roles(self, roles: dict) -> dict:
        out = dict(roles)
        out["tables"] = {k: ([self.ids[x] for x in v] if isinstance(v, list) else self.ids[v])
                         for k, v in roles.get("tables", {}).items()}
        out["columns"] = {k: [f"{self.ids[r.split('.')[0]]}.{self.col(r.split('.')[1])}" for r in v]
                          for k, v in roles.get("columns", {}).items()}
        figures = {}
        for k, v in roles.get("figures", {}).items():
            if isinstance(v, str):
                figures[k] = self.formula(v, None)
            elif "value" in v:
                figures[k] = dict(v, value=self.formula(v["value"], None))
            else:
                figures[k] = v
        out["figures"] = figures
        return out

    def profile(self, source: Path) -> dict:
        raw = self.raw
        out = dict(raw, id=raw["id"] + "-renamed", name=self.name(raw["name"]))
        for k in ("function_codes", "economic_codes", "places"):
            if raw.get(k):
                out[k] = str((source / raw[k]).resolve())
        out["classes"] = [dict(c, key=self.row(c["key"])) if "key" in c else c for c in raw.get("classes", [])]
        out["order"] = [self.ids[t] for t in raw["order"]]
        out["tables"] = {self.ids[tid]: self.table(tid, t) for tid, t in raw["tables"].items()}
        out["checks"] = [dict(c, left=self.formula(c["left"], None), right=self.formula(c["right"], None),
                              show=[self.ids[s] for s in c.get("show", [])]) for c in raw.get("checks", [])]
        if "roles" in raw:
            out["roles"] = self.roles(raw["roles"])
        return out

    def table_names(self) -> dict[str, str]:
        """Old table name (and title) -> new."""
        m = {}
        for t in self.raw["tables"].values():
            m[t["name"]] = self.name(t["name"])
            m[t["title"]] = self.name(t["title"])
        return m


def renamed_copy(profile_id: str, dest: Path) -> Renamer:
    src = profile_dir(profile_id)
    raw = tomllib.loads((src / "profile.toml").read_text("utf-8"))
    r = Renamer(raw)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "profile.toml").write_text(dump_toml(r.profile(src)), "utf-8")
    for extra in src.iterdir():
        if extra.name != "profile.toml" and extra.is_file():
            shutil.copy(extra, dest / extra.name)
    return r


def rename_facts(text: str, names: dict[str, str]) -> str:
    """A facts CSV with its 表 column renamed."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(rows[0])
    for row in rows[1:]:
        if len(row) > 3:
            row[3] = names.get(row[3], row[3])
        w.writerow(row)
    return buf.getvalue()


if __name__ == "__main__":
    r = renamed_copy(sys.argv[1], Path(sys.argv[2]))
    if len(sys.argv) > 4:
        Path(sys.argv[4]).write_text(rename_facts(Path(sys.argv[3]).read_text("utf-8-sig"), r.table_names()), "utf-8")
