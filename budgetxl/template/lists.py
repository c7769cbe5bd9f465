"""The hidden 代码表 sheet: the dropdown sources (leaf codes with their names from the code lists,
the choices of the parts' choice fields), their ranges for the validations, and the hash of its
grid the fingerprint keeps (so the reader sees a list that was changed)."""

from __future__ import annotations

from ..codes import CLASSIFICATION_NAMES
from ..spec import LEVEL_LENGTHS, LEVEL_NAMES
from . import layout as L
from .layout import quote_sheet


def write_lists(w, ws) -> None:
    """Write the sheet; sets ``w.list_ranges``, ``w.choice_ranges``, ``w.lists_rows`` and ``w.lists_hash``."""
    # each classification's leaf codes (项, 7 digits; 款, 5), as the tables are filled in
    leaf = {k: LEVEL_LENGTHS[k][-1] for k in ("function", "economic")}
    heads = {k: f"{CLASSIFICATION_NAMES[k]}（{LEVEL_NAMES[n]}）" for k, n in leaf.items()}
    ws.write_string(0, 0, heads["function"])
    ws.write_string(0, 3, heads["economic"])
    fl = [(c, n) for c, n in w.fcodes.entries.items() if len(c) == leaf["function"]]
    el = [(c, n) for c, n in w.ecodes.entries.items() if len(c) == leaf["economic"]]
    for i, (c, n) in enumerate(fl, start=1):
        ws.write_string(i, 0, c)
        ws.write_string(i, 1, n)
    for i, (c, n) in enumerate(el, start=1):
        ws.write_string(i, 3, c)
        ws.write_string(i, 4, n)
    sheet = quote_sheet(L.SHEET_LISTS)
    w.list_ranges = {
        "function": (f"{sheet}!$A$2:$A${len(fl) + 1}", f"{sheet}!$A$2:$B${len(fl) + 1}"),
        "economic": (f"{sheet}!$D$2:$D${len(el) + 1}", f"{sheet}!$D$2:$E${len(el) + 1}"),
    }
    col = 6
    w.choice_ranges = {}
    parts = w.p.parts
    choice_fields = [f for f in parts.get("institutions", {}).get("fields", []) if f.get("choices")]
    choice_fields += [f for f in parts.get("projects", {}).get("indicator_fields", []) if f.get("choices")]
    for f in choice_fields:
        ws.write_string(0, col, f["header"])
        for i, ch in enumerate(f["choices"], start=1):
            ws.write_string(i, col, ch)
        letter = L.col_letter(col)
        w.choice_ranges[f["key"]] = f"{sheet}!${letter}$2:${letter}${len(f['choices']) + 1}"
        col += 1
    grid: dict[tuple[int, int], str] = {(0, 0): heads["function"], (0, 3): heads["economic"]}
    for i, (c, n) in enumerate(fl, start=1):
        grid[(i, 0)], grid[(i, 1)] = c, n
    for i, (c, n) in enumerate(el, start=1):
        grid[(i, 3)], grid[(i, 4)] = c, n
    col = 6
    for f in choice_fields:
        grid[(0, col)] = f["header"]
        for i, ch in enumerate(f["choices"], start=1):
            grid[(i, col)] = ch
        col += 1
    nrows = max(r for r, _ in grid) + 1
    w.lists_rows = nrows
    ncols = max(c for _, c in grid) + 1
    w.lists_hash = L.grid_hash([[grid.get((r, c), "") for c in range(ncols)] for r in range(nrows)])
    ws.hide()
    ws.protect(w.password)
