"""Benchmark: reading and checking returned entry workbooks against python-calamine's raw read.

Run: python benchmarks/bench_read_check.py [--files 600] [--distinct 40] [--jobs 2]

Generates sample-sized entry workbooks (the sample unit with varied amounts), then measures in
one run, on the same files: (1) python-calamine reading every sheet to Python lists, (2)
budgetxl's read_entry, (3) budgetxl check (read + every rule). Prints ms per workbook in one
process, workbooks/s over --jobs processes, and the ratios the targets are stated in.
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def make_files(d: Path, n: int, distinct: int) -> list[Path]:
    import budgetxl
    from budgetxl.template import write_template

    base = budgetxl.load_sample()
    sources = []
    for i in range(distinct):
        b = copy.deepcopy(base, {id(base.profile): base.profile})
        b.unit_code = str(1000 + i)
        for key in list(b.inputs)[: 5 + i % 7]:
            b.set_input(key, b.inputs[key] + Decimal(i % 13) / 100)
        p = d / f"src_{i}.xlsx"
        write_template(b, p)
        sources.append(p)
    files = []
    for i in range(n):
        p = d / f"unit_{i:05d}.xlsx"
        shutil.copy(sources[i % distinct], p)
        files.append(p)
    return files


def raw_calamine(paths):
    import python_calamine

    for p in paths:
        wb = python_calamine.CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return len(paths)


def read_only(paths):
    from budgetxl.reader.entry import read_entry

    for p in paths:
        read_entry(p)
    return len(paths)


def check_all(paths):
    from budgetxl.check import all_rules, check_file

    rules = all_rules()
    n = 0
    for p in paths:
        n += len(check_file(p, rules))
    return n


def per_file_ms(fn, files, repeat=3) -> float:
    fn(files[:5])  # warm up imports and caches
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(files)
        times.append((time.perf_counter() - t) / len(files) * 1000)
    return statistics.median(times)


def throughput(fn, files, jobs) -> float:
    chunks = [files[i::jobs * 4] for i in range(jobs * 4)]
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(fn, [files[:3]] * jobs))  # start and warm the workers
        t = time.perf_counter()
        done = sum(pool.map(fn, chunks))
        wall = time.perf_counter() - t
    return done / wall


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=600)
    ap.add_argument("--distinct", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        files = make_files(Path(d), args.files, args.distinct)
        size = files[0].stat().st_size
        sample = files[: min(120, len(files))]
        ms = {name: per_file_ms(fn, sample) for name, fn in
              (("calamine", raw_calamine), ("read", read_only), ("check", check_all))}
        rate = {name: throughput(fn, files, args.jobs) for name, fn in
                (("calamine", raw_calamine), ("read", read_only), ("check", check_all))}
    print(f"{args.files} entry workbooks ({size // 1024} KB each, {args.distinct} distinct), {args.jobs} processes")
    print(f"{'':24}{'ms/workbook (1 proc)':>22}{'workbooks/s':>14}{'vs calamine':>13}")
    for name, label in (("calamine", "python-calamine raw"), ("read", "budgetxl read_entry"),
                        ("check", "budgetxl check")):
        print(f"{label:24}{ms[name]:>22.2f}{rate[name]:>14.0f}{rate['calamine'] / rate[name]:>12.2f}x")
    print("targets: check >= 150 workbooks/s on 2 cores and within 3x of calamine's rate")


if __name__ == "__main__":
    main()
