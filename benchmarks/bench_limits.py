"""Limits and their cost: peak memory and time against input size for the three readers of
untrusted input (the facts CSV, the published text, the entry workbook), up to and past the
declared limits. Each measurement runs in a fresh process (its own peak RSS).

    python benchmarks/bench_limits.py            # all three
    python benchmarks/bench_limits.py --quick    # fewer sizes

Expected: time and memory grow linearly with the input and stop at the limit; past the limit
the input is refused up front, at a cost that does not grow with the input (one million facts
lines are refused before any line is parsed).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHILD = r"""
import sys, time
kind, path = sys.argv[1], sys.argv[2]
from budgetxl.errors import BudgetxlError
t = time.perf_counter()
try:
    if kind == "facts":
        from budgetxl.facts import read_facts
        n = len(read_facts(path))
        what = f"{n} units"
    elif kind == "text":
        from budgetxl.textimport import read_disclosure_text
        b, _ = read_disclosure_text(path, strict=False)
        what = f"{len(b.inputs)} inputs"
    else:
        from budgetxl.reader.entry import read_entry
        r = read_entry(path)
        what = f"{len(r.budget.inputs)} inputs, {len(r.findings)} findings"
except BudgetxlError as e:
    what = "refused: " + str(e).splitlines()[0].split("：", 1)[-1][:70]
print(f"{time.perf_counter() - t:.3f}\t{what}")
"""


def measure(kind: str, path: Path) -> tuple[float, float, str]:
    """(seconds inside the reader, peak RSS in MB of the whole process, outcome)."""
    p = subprocess.Popen([sys.executable, "-c", CHILD, kind, str(path)], stdout=subprocess.PIPE, text=True,
                         env=dict(os.environ, PYTHONPATH=str(REPO)))
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    secs, what = (out.strip().split("\t", 1) + [""])[:2] if out.strip() else ("nan", f"exit {p.returncode}")
    return float(secs), ru.ru_maxrss / 1024, what


def facts_file(d: Path, lines: int) -> Path:
    sample = (REPO / "samples" / "451_2024" / "facts.csv").read_text("utf-8-sig").splitlines()
    header, body = sample[0], sample[1:]
    path = d / f"facts_{lines}.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        u = 0
        written = 0
        while written < lines:
            code = str(100000 + u)
            chunk = [code + ln[ln.index(","):] for ln in body][: lines - written]
            fh.write("\n".join(chunk) + "\n")
            written += len(chunk)
            u += 1
    return path


def text_file(d: Path, size: int) -> Path:
    seed_dir = Path(os.environ.get("BUDGETXL_SEED_DIR", REPO.parent / "shared" / "seed"))
    seed = sorted(seed_dir.glob("*.txt"))[0].read_bytes()
    prose = b"\n".join(ln for ln in seed.splitlines() if ln.strip() and not ln.startswith(b"\t")) + b"\n"
    path = d / f"text_{size}.txt"
    # the disclosure, then its narrative (the lines outside the tables) repeated up to the size
    path.write_bytes((seed + prose * (max(0, size - len(seed)) // len(prose) + 1))[:size])
    return path


def workbook_file(d: Path, last_row: int) -> Path:
    """The sample workbook with one more cell at ``last_row`` of a table sheet: the dense grid
    calamine builds grows with it (64 columns x 50,000 rows is the bound)."""
    import zipfile

    src = REPO / "samples" / "451_2024" / "entry.xlsx"
    path = d / f"wb_{last_row}.xlsx"
    with zipfile.ZipFile(src) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    part = "xl/worksheets/sheet4.xml"
    cell = f'<row r="{last_row}"><c r="BL{last_row}"><v>1</v></c></row>'.encode()  # the last column allowed
    parts[part] = parts[part].replace(b"</sheetData>", cell + b"</sheetData>", 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args(argv)
    from budgetxl import facts, textimport
    from budgetxl.reader import xlsxscan

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        print(f"facts CSV (limits: {facts.MAX_LINES} lines per file, {facts.MAX_LINES_PER_UNIT} per unit, "
              f"{facts.MAX_UNITS} units, {facts.MAX_FACTS_BYTES // 1048576} MB)")
        sizes = [10_000, 100_000, 1_000_000] if a.quick else [10_000, 50_000, 100_000, 250_000, 500_000, 1_000_000]
        print(f"{'lines':>10} {'MB':>7} {'seconds':>8} {'peak MB':>8}  outcome")
        for n in sizes:
            f = facts_file(d, n)
            secs, peak, what = measure("facts", f)
            print(f"{n:>10} {f.stat().st_size / 1048576:>7.1f} {secs:>8.2f} {peak:>8.0f}  {what}", flush=True)
            f.unlink()
        print(f"\npublished text (limits: {textimport.MAX_TEXT_BYTES // 1048576} MB, {textimport.MAX_TEXT_LINES} lines)")
        print(f"{'bytes':>10} {'seconds':>8} {'peak MB':>8}  outcome")
        mb = 1 << 20
        tsizes = [mb // 4, mb, 4 * mb - 1, 50 * mb] if a.quick else [mb // 4, mb // 2, mb, 2 * mb, 4 * mb - 1, 8 * mb, 50 * mb]
        for n in tsizes:
            f = text_file(d, n)
            secs, peak, what = measure("text", f)
            print(f"{n:>10} {secs:>8.2f} {peak:>8.0f}  {what}", flush=True)
            f.unlink()
        print(f"\nentry workbook, one far cell (limits: {xlsxscan.MAX_ROWS} rows x {xlsxscan.MAX_COLS} columns)")
        print(f"{'last row':>10} {'seconds':>8} {'peak MB':>8}  outcome")
        rows = [100, 10_000, 49_999, 99_999] if a.quick else [100, 1_000, 5_000, 10_000, 25_000, 49_999, 50_000, 99_999]
        for r in rows:
            f = workbook_file(d, r)
            secs, peak, what = measure("workbook", f)
            print(f"{r:>10} {secs:>8.2f} {peak:>8.0f}  {what}", flush=True)
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"\n({time.perf_counter() - started:.0f} s)")
    sys.exit(code)
