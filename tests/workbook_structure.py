"""A structural description of a workbook (sheets, states, protection, merged cells, formulas,
labels, input cells, validations), ignoring the parts that change on every save. Tests compare
generated workbooks with a stored reference through it.

Regenerate the stored reference after an intended layout change::

    python -m tests.workbook_structure
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

REFERENCE = Path(__file__).parent / "data" / "template_structure.json"


def structure(path, *, values: bool = False) -> dict:
    wb = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True) if values else None
    out = {"sheets": [], "lock_structure": bool(wb.security and wb.security.lockStructure)}
    for ws in wb.worksheets:
        sheet = {
            "name": ws.title,
            "state": ws.sheet_state,
            "protected": bool(ws.protection.sheet),
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "formulas": {},
            "labels": {},
            "inputs": [],
            "validations": sorted(
                [str(dv.sqref), dv.type or "", dv.operator or "", dv.formula1 or "", dv.errorStyle or ""]
                for dv in ws.data_validations.dataValidation
            ),
        }
        for row in ws.iter_rows():
            for c in row:
                if c.protection.locked is False:
                    sheet["inputs"].append(c.coordinate)
                if isinstance(c.value, str) and c.value.startswith("="):
                    sheet["formulas"][c.coordinate] = c.value
                elif c.value is not None and c.protection.locked is not False:
                    sheet["labels"][c.coordinate] = str(c.value)
        if cached is not None:
            sheet["values"] = {c.coordinate: c.value for row in cached[ws.title].iter_rows() for c in row
                               if c.value is not None}
        out["sheets"].append(sheet)
    return out


def reference_template(path) -> None:
    """Write the template whose structure is the stored reference (the sample, prefilled)."""
    import budgetxl
    from budgetxl.template import write_template

    write_template(budgetxl.load_sample(), path)


if __name__ == "__main__":  # pragma: no cover
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "t.xlsx"
        reference_template(p)
        REFERENCE.write_text(json.dumps(structure(p), ensure_ascii=False, indent=0, sort_keys=True), "utf-8")
    print(f"wrote {REFERENCE}")
