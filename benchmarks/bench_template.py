"""Benchmark: generating one unit's entry workbook vs. xlsxwriter alone writing the same content,
and the wall time of a county batch with --out-dir.

Run: python benchmarks/bench_template.py [--units 1000] [--repeat 15]

"xlsxwriter alone" replays, against a fresh xlsxwriter workbook, the exact sequence of xlsxwriter
calls budgetxl made (every cell, formula with its cached value, format, merge, validation,
protection): the difference is budgetxl's own work (layout, model evaluation, formula compiling).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import budgetxl  # noqa: E402
from budgetxl.template.workbook import ProtectedWorkbook  # noqa: E402
from budgetxl.template.writer import TemplateWriter  # noqa: E402

WS_METHODS = ["write_string", "write_number", "write_blank", "write_formula", "merge_range", "data_validation",
              "set_column", "set_row", "conditional_format", "protect", "hide", "very_hidden", "freeze_panes",
              "repeat_rows", "set_paper", "set_landscape", "fit_to_pages", "activate"]


def record(budget) -> list:
    """Generate once, recording every xlsxwriter call in order."""
    calls: list = []
    originals = {}

    def wrap(cls, name):
        orig = getattr(cls, name)
        originals[(cls, name)] = orig

        def f(self, *a, **k):
            target = ("ws", self.name) if isinstance(self, Worksheet) else ("wb",)
            calls.append((target, name, a, k))
            return orig(self, *a, **k)
        setattr(cls, name, f)

    for m in WS_METHODS:
        wrap(Worksheet, m)
    for m in ("add_worksheet", "add_format", "set_properties", "set_custom_property"):
        wrap(Workbook, m)
    try:
        with tempfile.TemporaryDirectory() as d:
            TemplateWriter(budget).write(Path(d) / "r.xlsx")
    finally:
        for (cls, name), orig in originals.items():
            setattr(cls, name, orig)
    return calls


def replay_with_formats(calls: list, recorded_formats: list, path: Path) -> None:
    wb = ProtectedWorkbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    sheets: dict[str, Worksheet] = {}
    # the first formats are the ones every Workbook creates in its constructor: map, don't re-add
    builtin = len(wb.formats)
    mapping = {id(f): (wb.formats[i] if i < builtin else wb.add_format(props))
               for i, (f, props) in enumerate(recorded_formats)}

    def fmt(v):
        return mapping.get(id(v), v) if isinstance(v, Format) else v

    for target, name, a, k in calls:
        if target == ("wb",):
            if name == "add_worksheet":
                sheets[a[0]] = wb.add_worksheet(a[0])
            elif name in ("set_properties", "set_custom_property"):
                getattr(wb, name)(*a, **k)
            continue
        getattr(sheets[target[1]], name)(*[fmt(x) for x in a], **{kk: fmt(v) for kk, v in k.items()})
    wb.close()


def record_formats(budget) -> tuple[list, list]:
    formats: list = []
    orig = Workbook.add_format

    def add_format(self, props=None):
        f = orig(self, props)
        formats.append((f, dict(props or {})))
        return f
    Workbook.add_format = add_format
    try:
        calls = record(budget)
    finally:
        Workbook.add_format = orig
    return calls, formats


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def county_csv(path: Path, n: int) -> None:
    sample = budgetxl.sample.sample_path("facts.csv").read_text("utf-8").splitlines()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(sample[0].split(","))
        for i in range(n):
            for line in sample[1:]:
                row = next(csv.reader([line]))
                row[0], row[1] = f"{1000 + i}", f"示例单位{i:05d}"
                w.writerow(row)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    budget = budgetxl.load_sample()
    calls, formats = record_formats(budget)
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        ours = median_time(lambda: TemplateWriter(budget).write(d / "ours.xlsx"), args.repeat)
        raw = median_time(lambda: replay_with_formats(calls, formats, d / "raw.xlsx"), args.repeat)
        cells = sum(1 for c in calls if c[1].startswith("write_"))
        print(f"one unit (sample 451, {cells} cells written, {sum(1 for c in calls if c[1] == 'write_formula')} formulas)")
        print(f"  budgetxl template        {ours * 1000:8.1f} ms")
        print(f"  xlsxwriter alone         {raw * 1000:8.1f} ms   (same calls replayed)")
        print(f"  ratio                    {ours / raw:8.2f} x   (target <= 1.30)")
        if args.units:
            county = d / "county.csv"
            county_csv(county, args.units)
            from click.testing import CliRunner

            from budgetxl.cli import main as cli

            t = time.perf_counter()
            res = CliRunner().invoke(cli, ["template", "--data", str(county), "--out-dir", str(d / "out")])
            wall = time.perf_counter() - t
            assert res.exit_code == 0, res.output
            n = len(list((d / "out").glob("*.xlsx")))
            print(f"county batch: {n} units with --out-dir on {__import__('os').cpu_count()} cores: {wall:.1f} s wall "
                  f"({n / wall:.1f} units/s, including reading the {args.units}-unit facts CSV)")


if __name__ == "__main__":
    main()
