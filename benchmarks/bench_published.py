"""Reading published PDFs: seconds per document, against pdfplumber's own extract_tables().

    python benchmarks/bench_published.py [DIR]            # per document, DIR = ../shared/realdocs
    python benchmarks/bench_published.py [DIR] --docs 1000 # 1,000 documents (DIR's PDFs repeated) over
                                                          # all cores, with a progress bar

For each PDF: pages, tables found, figures read, seconds for budgetxl's reading (read_pdf: tables,
title lines, narrative) and for ``budgetxl check`` as a whole (reading onto the profile and every
rule; a document of an unshipped kind stops after reading), and the seconds pdfplumber needs for
``extract_tables()`` over the same pages. The ratio read / extract_tables is the figure to watch
(target ≤ 1.5×). Each timing is the best of ``--repeat`` runs (default 2), measured in one process.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _plumber(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()


def _check(path: Path) -> None:
    from budgetxl.check.runner import check_file

    check_file(path)


def measure(path: Path, repeat: int) -> dict:
    from budgetxl.published.pdf import read_pdf

    doc = read_pdf(path)
    t_read = _best(lambda: read_pdf(path), repeat)
    t_check = _best(lambda: _check(path), repeat)
    t_plumber = _best(lambda: _plumber(path), repeat)
    return {"file": path.name, "pages": doc.pages, "tables": len(doc.tables), "figures": doc.figure_count(),
            "read": t_read, "check": t_check, "plumber": t_plumber}


def _one(path: str) -> int:
    from budgetxl.check.runner import check_file

    return len(check_file(path))


def many(paths: list[Path], n: int, jobs: int) -> None:
    import click

    work = [str(paths[i % len(paths)]) for i in range(n)]
    t = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool, \
            click.progressbar(length=n, label=f"check {n} 份文件，{jobs} 个进程", file=sys.stderr) as bar:
        for fut in as_completed([pool.submit(_one, w) for w in work]):
            fut.result()
            bar.update(1)
    wall = time.perf_counter() - t
    print(f"{n} documents, {jobs} processes: {wall:.1f} s wall, {wall / n:.3f} s per document, "
          f"{n / wall:.2f} documents/s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default=str(ROOT.parent / "shared" / "realdocs"))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--docs", type=int, default=0, help="check this many documents over all cores")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    paths = sorted(Path(a.dir).glob("*.pdf"))
    if not paths:
        sys.exit(f"no PDF in {a.dir}")
    if a.docs:
        many(paths, a.docs, a.jobs)
        return
    print(f"{'document':<36} {'pages':>5} {'tables':>6} {'figures':>7} {'read s':>7} {'check s':>7} "
          f"{'plumber s':>9} {'ratio':>6}")
    tot = {"pages": 0, "read": 0.0, "plumber": 0.0, "check": 0.0}
    for p in paths:
        m = measure(p, a.repeat)
        for k in tot:
            tot[k] += m[k]
        print(f"{m['file']:<36} {m['pages']:>5} {m['tables']:>6} {m['figures']:>7} {m['read']:>7.2f} "
              f"{m['check']:>7.2f} {m['plumber']:>9.2f} {m['read'] / m['plumber']:>5.2f}x")
    print(f"{'all':<36} {tot['pages']:>5} {'':>6} {'':>7} {tot['read']:>7.2f} {tot['check']:>7.2f} "
          f"{tot['plumber']:>9.2f} {tot['read'] / tot['plumber']:>5.2f}x")
    print(f"per page: read {tot['read'] / tot['pages'] * 1000:.0f} ms, check {tot['check'] / tot['pages'] * 1000:.0f} ms, "
          f"extract_tables {tot['plumber'] / tot['pages'] * 1000:.0f} ms; a 40-page document: "
          f"check ≈ {tot['check'] / tot['pages'] * 40:.1f} s in one process")


if __name__ == "__main__":
    main()
