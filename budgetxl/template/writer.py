"""Write the entry workbook (填报模板) with xlsxwriter.

Inputs are unlocked, yellow and validated; every subtotal, total and derived table is a locked
formula on a protected sheet, with its cached value set to budgetxl's own computation so that a
viewer that does not recalculate still shows the right numbers. A fingerprint (profile, version,
hash of the formula map) is kept in custom document properties and on a very-hidden sheet.

This module lays the workbook out and keeps what the sheets share (the formula map, the cells a
unit may type over, the dropdown ranges); each sheet is written by the module of its job:
:mod:`.tables` (the profile's tables), :mod:`.part_sheets` (the supplementary parts),
:mod:`.unit_sheets` (单位信息, 情况说明), :mod:`.guide` (填报说明), :mod:`.lists` (代码表),
:mod:`.fingerprint`; :mod:`.workbook` (formats, protection), :mod:`.validation`,
:mod:`.printing`; :mod:`.recorder` is the dry run.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from ..codes import CodeList, code_list
from ..fileio import atomic_path
from ..model import UnitBudget
from ..render.page import WORKBOOK_OPTIONS as SAFE_OPTIONS
from . import layout as L
from .fingerprint import write_meta
from .guide import write_guide
from .layout import EntryLayout, a1
from .lists import write_lists
from .part_sheets import write_assets, write_procurement, write_projects
from .recorder import Recorder
from .tables import write_table
from .unit_sheets import write_text, write_unit
from .workbook import Formats, ProtectedWorkbook, hash_password


class TemplateWriter:
    def __init__(self, budget: UnitBudget, *, function_codes: CodeList | None = None,
                 economic_codes: CodeList | None = None, password: str | None = None,
                 spare: int | None = None, flat: bool = False, layout: EntryLayout | None = None):
        self.b = budget
        self.p = budget.profile
        self.password = password or ""
        self.fcodes = function_codes or code_list(self.p, "function")
        self.ecodes = economic_codes or code_list(self.p, "economic")
        sup = budget.supplement or {}
        prefilled = bool(budget.inputs) or any(budget.codes(t) for t in self.p.ordered if t.coded)
        n_spare = spare if spare is not None else (L.SPARE_PREFILLED if prefilled else L.SPARE_BLANK)
        coded = [t for t in self.p.ordered if t.coded]
        if flat:  # every leaf code in an editable spare row, no preset 类/款 rows
            preset = {t.id: [] for t in coded}
            self.spare_codes = {t.id: budget.leaf_codes(t) for t in coded}
            n_spare = max([n_spare] + [len(v) + L.SPARE_PREFILLED for v in self.spare_codes.values()])
        else:
            preset = {t.id: budget.codes(t) for t in coded}
            self.spare_codes = {t.id: [] for t in coded}
        projects = sup.get("projects", [])
        n_ind = sum(len(p.get("indicators", [])) for p in projects)
        parts = {  # rows of each list: what the unit has plus spare rows, never fewer than a blank has
            "institutions": max(len(sup.get("institutions", [])) + 5, 10),
            "projects": max(len(projects) + L.PART_SPARE, 20),
            "indicators": max(n_ind + 3 * L.PART_SPARE, 100),
            "procurement": max(len(sup.get("procurement", [])) + L.PART_SPARE, 30),
        }
        if layout is not None:  # re-create the cells of an existing workbook (the reader's dry run)
            self.layout = layout
            self.spare_codes = {t.id: [] for t in coded}
        else:
            self.layout = EntryLayout(self.p, preset, {tid: n_spare for tid in preset}, parts)
        self.formula_map: dict[str, str] = {}
        self.typable: set[str] = set()  # formula cells the unit may type over (a name the code list lacks)
        self.formula_values: dict[str, object] = {}  # the cached value written with each formula

    def formula(self, ws, r: int, c: int, formula: str, fmt, value) -> None:
        """A formula cell with its cached value, recorded in the formula map (the fingerprint)."""
        ref = f"{ws.name}!{a1(r, c)}"
        self.formula_map[ref] = formula
        self.formula_values[ref] = value
        ws.write_formula(r, c, formula, fmt, value)

    def write(self, path: Path) -> None:
        wb = ProtectedWorkbook(str(path), {**SAFE_OPTIONS, "constant_memory": False})
        wb.structure_password_hash = hash_password(self.password) if self.password else None
        self._build(wb)
        wb.close()

    def plan(self) -> Recorder:
        """Lay out every cell without writing a file: what the workbook must contain."""
        rec = Recorder()
        self._build(rec)
        return rec

    def _build(self, wb) -> None:
        kind = self.p.budget_kind
        wb.set_properties({"title": f"{self.b.unit_name}{self.b.year}年{kind}填报表", "subject": f"{kind}公开填报",
                           "author": "budgetxl", "company": self.b.unit_name,
                           "created": datetime.datetime(2000, 1, 1)})
        self.f = Formats(wb)
        self.wb = wb
        guide = wb.add_worksheet(L.SHEET_GUIDE)
        unit = wb.add_worksheet(L.SHEET_UNIT)
        table_sheets = [(t, wb.add_worksheet(t.name)) for t in self.p.ordered]
        parts = self.p.parts  # a supplementary part's sheet only where the profile declares the part
        part_sheets = [(key, wb.add_worksheet(L.part_sheet(self.p, key))) for key in L.PART_SHEETS if key in parts]
        text = wb.add_worksheet(L.SHEET_TEXT)
        lists = wb.add_worksheet(L.SHEET_LISTS)
        meta = wb.add_worksheet(L.SHEET_META)
        write_lists(self, lists)
        write_unit(self, unit)
        for t, ws in table_sheets:
            write_table(self, t, ws)
        writers = {"projects": write_projects, "procurement": write_procurement, "assets": write_assets}
        for key, ws in part_sheets:
            writers[key](self, ws)
        write_text(self, text)
        write_guide(self, guide)
        self.meta_values = write_meta(self, meta)
        guide.activate()


def write_template(budget: UnitBudget, out: str | Path, *, function_codes: CodeList | None = None,
                   economic_codes: CodeList | None = None, password: str | None = None,
                   spare: int | None = None, flat: bool = False, inputs=()) -> dict[str, str]:
    """Write an entry workbook for ``budget`` (blank if it has no inputs). Returns the fingerprint.

    ``flat`` puts every leaf code in an editable row (no preset 类/款 rows), the layout of a
    blank template filled in.
    """
    w = TemplateWriter(budget, function_codes=function_codes, economic_codes=economic_codes,
                       password=password, spare=spare, flat=flat)
    with atomic_path(out, inputs=inputs) as tmp:
        w.write(tmp)
    return w.meta_values
