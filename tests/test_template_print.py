"""The entry template prints what it holds and no empty pages (issue 11, item 8): spare rows of
the lists (projects, indicators, procurement lines, institutions) stay open for input and
validated, but carry no border or fill of their own until something is typed in them (a
conditional format draws their grid then), so a blank template's lists print as their headers
and a few rows, a filled one as far as its last filled row."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from budgetxl import lo
from budgetxl.spec import load_profile
from budgetxl.template import layout as L

PROFILES = ("hebei-2024", "shanghai-2025")
needs_tools = pytest.mark.skipif(
    (lo.find_soffice() is None or shutil.which("pdftotext") is None) and not os.environ.get("CI"),
    reason="LibreOffice and poppler-utils needed (CI installs them and never skips)")


def _blank(profile: str, path: Path) -> Path:
    from budgetxl.model import UnitBudget
    from budgetxl.template import write_template

    write_template(UnitBudget(load_profile(profile), "451", "某单位", 2025), path)
    return path


def _visible(cell) -> bool:
    b = cell.border
    lines = any(getattr(b, side).style for side in ("left", "right", "top", "bottom"))
    return lines or (cell.fill is not None and cell.fill.fill_type == "solid")


def _empty_formatted_runs(ws) -> list[tuple[int, int]]:
    """Runs of consecutive rows whose cells print a border or fill but hold nothing."""
    runs, start = [], None
    for row in ws.iter_rows():
        empty = all(c.value in (None, "") for c in row)
        if empty and any(_visible(c) for c in row):
            start = row[0].row if start is None else start
            continue
        if start is not None:
            runs.append((start, row[0].row - 1))
            start = None
    if start is not None:
        runs.append((start, ws.max_row))
    return runs


def _typed(src: Path, dst: Path) -> tuple[Path, dict[str, str]]:
    """The template with a project and an indicator typed far below the rows shown as a grid,
    as a unit types them (openpyxl keeps the cells' own formats)."""
    wb = openpyxl.load_workbook(src)
    typed = {}
    prof = load_profile_of(wb)
    if "projects" in prof.parts:
        layout = L.EntryLayout.from_meta(prof, _meta(wb))
        first, n, ind_first, n_ind = L.project_rows(layout.parts)
        ws = wb[L.part_sheet(prof, "projects")]
        ws.cell(first + n, 1).value = "451001"  # the last project row (1-based: first + n)
        ws.cell(first + n, 2).value = "交通安全宣传项目"
        ws.cell(ind_first + n_ind, 1).value = "451001"  # the last indicator row
        ws.cell(ind_first + n_ind, 2).value = "产出指标"
        typed = {"project": "交通安全宣传项目", "indicator": "产出指标"}
    wb.save(dst)
    return dst, typed


def _meta(wb) -> dict[str, str]:
    ws = wb[L.SHEET_META]
    return {str(r[0].value): str(r[1].value) for r in ws.iter_rows() if r[0].value is not None and len(r) > 1}


def load_profile_of(wb):
    meta = _meta(wb)
    return load_profile(meta.get("profile", PROFILES[0]))


def _pages(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    n = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for i in range(1, n + 1)]


FOOTER = re.compile(r"第\s*\d+\s*页，共\s*\d+\s*页")


def _content(page: str) -> list[str]:
    return [ln.strip() for ln in page.splitlines() if ln.strip() and not FOOTER.fullmatch(ln.strip())]


def _blank_pages(pages: list[str]) -> list[int]:
    """Pages with nothing beyond the footer and the header lines the page before also printed
    (a sheet's repeated header rows)."""
    out = []
    for i, page in enumerate(pages):
        lines = _content(page)
        before = set(_content(pages[i - 1])) if i else set()
        if not lines or all(ln in before for ln in lines):
            out.append(i + 1)
    return out


@pytest.mark.parametrize("profile", PROFILES)
def test_spare_rows_are_open_but_not_formatted(profile, tmp_path):
    """No run of more than a few formatted-but-empty rows on any sheet; the open rows stay
    unlocked and validated, and a conditional format gives a row its grid once it is typed in."""
    path = _blank(profile, tmp_path / "blank.xlsx")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        long_runs = [(a, b) for a, b in _empty_formatted_runs(ws) if b - a + 1 > L.PART_SHOWN]
        assert not long_runs, f"{profile} {ws.title}: empty rows printed as a grid {long_runs}"
    prof = load_profile(profile)
    if "projects" in prof.parts:
        ws = wb[L.part_sheet(prof, "projects")]
        layout = L.EntryLayout.from_meta(prof, _meta(wb))
        first, n, ind_first, n_ind = L.project_rows(layout.parts)
        last = ws.cell(ind_first + n_ind, 2)  # the last indicator row, 1-based
        assert last.protection.locked is False and not _visible(last)
        validated = [str(dv.sqref) for dv in ws.data_validations.dataValidation]
        assert any(f"B{ind_first + n_ind}" in s or re.search(rf"B\d+:B{ind_first + n_ind}\b", s) for s in validated)
        grids = [str(r.sqref) for r in ws.conditional_formatting]
        assert any(f"{ind_first + n_ind}" in g for g in grids), grids


@needs_tools
@pytest.mark.parametrize("profile", PROFILES)
def test_template_prints_no_empty_page(profile, tmp_path):
    """Blank and with rows typed far down: every page of the PDF has text of its own, and what
    was typed is printed."""
    blank = _blank(profile, tmp_path / "blank.xlsx")
    filled, typed = _typed(blank, tmp_path / "filled.xlsx")
    for path in (blank, filled):
        pages = _pages(lo.convert(path, path.with_suffix(".pdf")))
        assert not _blank_pages(pages), f"{profile} {path.name}: pages {_blank_pages(pages)} print nothing"
        if path is filled:
            text = re.sub(r"\s+", "", "".join(pages))
            for what, value in typed.items():
                assert value in text, f"{profile}: the typed {what} is not printed"
