"""Benchmark: `budgetxl check DIR --annotate OUT` over many returned workbooks, against `check` alone.

Run: python benchmarks/bench_annotate.py [--files 200] [--distinct 200]

Generates --files sample-sized entry workbooks (distinct units, varied amounts, so each copy has
its own findings), then runs the command line as a user does, each in a fresh process: (1)
`budgetxl check DIR -o report.json`, (2) the same with `--annotate OUT_DIR`. Prints the wall time
of each, the annotation's cost per workbook, and the ratio; and the CPU time of each command (its
worker processes included), which other work on a shared machine does not inflate.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def make_files(d: Path, n: int, distinct: int) -> list[Path]:
    """bench_read_check's workbooks, the unit files alone in d/returns (as a bureau's folder)."""
    from bench_read_check import make_files as generate

    gen, returns = d / "gen", d / "returns"
    gen.mkdir()
    returns.mkdir()
    return [p.rename(returns / p.name) for p in generate(gen, n, distinct)]


def cpu_children() -> float:
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime


def wall(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one command (CPU of the process and the workers it waited for)."""
    t, c = time.perf_counter(), cpu_children()
    res = subprocess.run([sys.executable, "-m", "budgetxl.cli", *args], cwd=cwd, capture_output=True, text=True)
    took, cpu = time.perf_counter() - t, cpu_children() - c
    if res.returncode not in (0, 1):
        raise SystemExit(f"budgetxl {' '.join(args)} failed ({res.returncode}): {res.stderr[-2000:]}")
    return took, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--distinct", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        make_files(d, args.files, args.distinct)
        os.sync()
        check, check_cpu = wall(["check", "returns", "--format", "json", "-o", "r1.json"], d)
        annotated, annotated_cpu = wall(["check", "returns", "--format", "json", "-o", "r2.json", "--annotate",
                                         "marked"], d)
        n = len(list((d / "marked").glob("*.xlsx")))
    cores = os.cpu_count()
    print(f"{args.files} entry workbooks ({args.distinct} distinct units), {cores} cores")
    print(f"check                 {check:8.1f} s")
    print(f"check --annotate      {annotated:8.1f} s  ({n} annotated copies)")
    print(f"annotation            {annotated - check:8.1f} s  = {(annotated - check) / max(n, 1) * 1000:.0f} ms per copy")
    print(f"ratio                 {annotated / check:8.1f}x check alone")
    print(f"CPU: check {check_cpu:.1f} s, check --annotate {annotated_cpu:.1f} s, annotation "
          f"{(annotated_cpu - check_cpu) / max(n, 1) * 1000:.0f} ms per copy, ratio {annotated_cpu / check_cpu:.2f}x")


if __name__ == "__main__":
    main()
