"""The template's fingerprint: the profile, version, unit and layout, and the hash of its formula
map and of its code lists, kept on a very-hidden sheet and in custom document properties, so the
reader knows the workbook's profile and layout and sees a formula or list that was changed."""

from __future__ import annotations

import hashlib
import json

from ..version import __version__


def formula_hash(formula_map: dict[str, str]) -> str:
    """sha256 of the sorted formula map (sheet!cell -> formula): the template fingerprint."""
    data = json.dumps(sorted(formula_map.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def write_meta(w, ws) -> dict[str, str]:
    """Write the fingerprint sheet and properties of the workbook ``w`` writes; returns it."""
    digest = formula_hash(w.formula_map)
    meta = {
        "generator": "budgetxl",
        "version": __version__,
        "profile": w.p.id,
        "unit_code": w.b.unit_code,
        "unit_name": w.b.unit_name,
        "year": str(w.b.year),
        "formula_hash": digest,
        "lists_hash": w.lists_hash,
        "lists_rows": str(w.lists_rows),
        "function_codes": w.fcodes.edition or w.fcodes.path,
        "economic_codes": w.ecodes.edition or w.ecodes.path,
        **w.layout.meta(),
    }
    for i, (k, v) in enumerate(meta.items()):
        ws.write_string(i, 0, k)
        ws.write_string(i, 1, v)
    ws.very_hidden()
    ws.protect(w.password)
    for k in ("profile", "version", "formula_hash", "unit_code", "year"):
        w.wb.set_custom_property(f"budgetxl.{k}", meta[k])
    return meta
