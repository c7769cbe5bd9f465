"""Reading published documents: seconds per document, against pdfplumber's own extract_tables().

    python benchmarks/bench_published.py [DIR]              # per document, DIR = ../shared/realdocs
    python benchmarks/bench_published.py [DIR] --docs 1000  # 1,000 documents (DIR's 预算 documents,
                                                            # 01-13, repeated) over all cores
    python benchmarks/bench_published.py [DIR] --pages 40   # one 40-page document read and checked

Per document: pages, tables found, figures read, seconds for budgetxl's reading (read_pdf: tables,
title lines, narrative) and for ``budgetxl check`` as a whole (reading onto the profile and every
rule; a document of an unshipped kind stops after reading), and the seconds pdfplumber needs for
``extract_tables()`` over the same pages. The ratios read / extract_tables and check / extract_tables are the figures to watch
(target <= 1.5x). Each timing is the best of ``--repeat`` runs (default 2), measured in one process.
A text (.txt) has no pages to compare; its check is timed alone.

``--docs N``: the documents checked as ``budgetxl check`` of many files checks them (the same
function over the same pool, budgetxl.workers.map_files, with a progress bar on stderr) and
pdfplumber's extract_tables() over the same PDFs, the two interleaved in one task list over the
same workers so that both are measured under the same conditions (cores, load: a fuzz campaign on
one core slows both alike; measured one after the other, a change of load between the two runs is
read as a ratio). Each task is timed in its worker, wall and CPU (the guarded reader's fork
included); printed: seconds and CPU seconds per document for each side, and both ratios.

``--pages N``: a document of N pages made with pypdf from the pages of the real documents (the
largest 预算 document first, then the first pages of the others), read and checked in one
process and by ``budgetxl check`` in a fresh process; the target is 5 s for 40 pages on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
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


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the guarded reader's fork
    included: run_limited waits for it)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(task: tuple[str, str]) -> tuple[str, str, float, float]:
    """One task of the interleaved run, timed where it runs (a pool worker): ``("check", path)``
    is what ``budgetxl check`` of many files does with one file (check_path, and its results
    pickled as the pool sends them back); ``("extract_tables", path)`` is pdfplumber's own
    extract_tables() over every page, then a collection of its garbage: a pool worker collects
    rarely (budgetxl.workers), and pdfminer's objects hold reference cycles, so that without it the
    worker grows by some 25 MB a document and every later fork of check copies a larger process.
    Returns (kind, path, wall seconds, CPU seconds)."""
    import gc
    import pickle

    kind, path = task
    t, c = time.perf_counter(), _cpu()
    if kind == "check":
        from budgetxl.check.runner import check_path

        pickle.dumps(check_path(path), protocol=pickle.HIGHEST_PROTOCOL)
    else:
        _plumber(Path(path))
        gc.collect()
    return kind, path, time.perf_counter() - t, _cpu() - c


def budget_documents(d: Path) -> list[Path]:
    """The 预算 documents of the folder (01-13: the .txt and the PDFs that are not 决算)."""
    return sorted(p for p in d.iterdir() if p.suffix in (".pdf", ".txt") and "final" not in p.name
                  and p.name[:2].isdigit() and int(p.name[:2]) <= 13)


def many(paths: list[Path], n: int, jobs: int) -> None:
    """N documents (the 预算 documents repeated) through the pool ``budgetxl check`` of many files
    uses (budgetxl.workers.map_files), and pdfplumber's extract_tables() over the same PDFs,
    measured under the same conditions: the two kinds of task interleaved in one task list over
    the same workers, so that both meet the same cores and the same load (a fuzz campaign or
    another job on the machine slows both alike), each timed in its worker, wall and CPU."""
    import click

    from budgetxl.workers import map_files

    work = [str(paths[i % len(paths)]) for i in range(n)]
    tasks: list[tuple[str, str]] = []
    for i, w in enumerate(work):  # check first, then extract_tables, then the other way round
        pair = [("check", w)] + ([("extract_tables", w)] if w.endswith(".pdf") else [])
        tasks += pair if i % 2 == 0 else pair[::-1]
    pdfs = sum(w.endswith(".pdf") for w in work)
    load = os.getloadavg()[0]
    wall = {"check": 0.0, "extract_tables": 0.0}
    cpu = dict(wall)
    pdf_check = {"wall": 0.0, "cpu": 0.0}
    t, c = time.perf_counter(), _cpu()
    with click.progressbar(length=len(tasks), label=f"{n} 份文件 check + {pdfs} 份 PDF extract_tables，{jobs} 个进程",
                           file=sys.stderr, show_pos=True, show_eta=True) as bar:
        for kind, path, w_s, c_s in map_files(_timed, tasks, jobs, lambda done, _total: bar.update(done - bar.pos)):
            wall[kind] += w_s
            cpu[kind] += c_s
            if kind == "check" and path.endswith(".pdf"):
                pdf_check["wall"] += w_s
                pdf_check["cpu"] += c_s
    total_wall, total_cpu = time.perf_counter() - t, _cpu() - c
    print(f"{n} documents ({pdfs} PDF, {n - pdfs} text), {jobs} processes, interleaved with extract_tables over "
          f"the same PDFs in the same pool: {total_wall:.1f} s wall, {total_cpu:.1f} s CPU for both; "
          f"load average {load:.2f} before, {os.getloadavg()[0]:.2f} after, {os.cpu_count()} cores")
    print(f"{'':<34} {'documents':>9} {'wall s':>9} {'s/doc':>7} {'CPU s':>9} {'CPU s/doc':>9}")
    for label, k, count, w_s, c_s in (("budgetxl check, all documents", "check", n, wall["check"], cpu["check"]),
                                      ("budgetxl check, the PDFs", "pdf", pdfs, pdf_check["wall"], pdf_check["cpu"]),
                                      ("pdfplumber extract_tables()", "x", pdfs, wall["extract_tables"],
                                       cpu["extract_tables"])):
        print(f"{label:<34} {count:>9} {w_s:>9.1f} {w_s / max(count, 1):>7.3f} {c_s:>9.1f} {c_s / max(count, 1):>9.3f}")
    x_w, x_c = wall["extract_tables"] or float("nan"), cpu["extract_tables"] or float("nan")
    print(f"ratio check / extract_tables over the PDFs: {pdf_check['wall'] / x_w:.2f}x wall, "
          f"{pdf_check['cpu'] / x_c:.2f}x CPU; all documents (text included) / extract_tables: "
          f"{wall['check'] / x_w:.2f}x wall, {cpu['check'] / x_c:.2f}x CPU")
    print(f"check alone over all cores, estimated from the share of the run: "
          f"{total_wall * wall['check'] / (wall['check'] + wall['extract_tables']):.1f} s wall, "
          f"{n / (total_wall * wall['check'] / (wall['check'] + wall['extract_tables'])):.2f} documents/s")


def forty(paths: list[Path], pages: int, repeat: int) -> None:
    import subprocess
    import tempfile

    from pypdf import PdfReader, PdfWriter

    from budgetxl.published.pdf import read_pdf

    pdfs = sorted((p for p in paths if p.suffix == ".pdf"), key=lambda p: -len(PdfReader(p).pages))
    w = PdfWriter()
    first = PdfReader(pdfs[0])
    for page in first.pages:
        w.add_page(page)
    sources = [pdfs[0].name]
    for p in pdfs[1:]:  # the others' first pages (their cover and narrative), until N pages
        if len(w.pages) >= pages:
            break
        r = PdfReader(p)
        for page in r.pages[:pages - len(w.pages)]:
            w.add_page(page)
        sources.append(p.name)
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / f"{pages}pages.pdf"
        with open(out, "wb") as fh:
            w.write(fh)
        n = len(PdfReader(out).pages)
        doc = read_pdf(out)
        t_read = _best(lambda: read_pdf(out), repeat)
        t_check = _best(lambda: _check(out), repeat)
        t_plumber = _best(lambda: _plumber(out), repeat)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "budgetxl.cli", "check", str(out)], capture_output=True, check=False)
        t_cli = time.perf_counter() - t
    print(f"a {n}-page document ({' + '.join(sources)}): {len(doc.tables)} tables, {doc.figure_count()} figures; "
          f"read {t_read:.2f} s, read + check {t_check:.2f} s (one process), budgetxl check in a fresh process "
          f"{t_cli:.2f} s; extract_tables {t_plumber:.2f} s, ratio check / extract_tables {t_check / t_plumber:.2f}x")


def _text(path: Path, repeat: int) -> dict:
    from budgetxl.textimport import read_disclosure_text

    budget, printed = read_disclosure_text(path, None, strict=False)
    t_check = _best(lambda: _check(path), repeat)
    return {"file": path.name, "pages": 1, "tables": len(printed),
            "figures": len(budget.inputs) + len(budget.given), "read": None, "check": t_check, "plumber": None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default=str(ROOT.parent / "shared" / "realdocs"))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--docs", type=int, default=0, help="check this many documents over all cores")
    ap.add_argument("--pages", type=int, default=0, help="read and check one document of this many pages")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    d = Path(a.dir)
    paths = sorted(p for p in d.glob("*") if p.suffix in (".pdf", ".txt"))
    if not paths:
        sys.exit(f"no document in {a.dir}")
    if a.docs:
        many(budget_documents(d), a.docs, a.jobs)
        return
    if a.pages:
        forty(budget_documents(d), a.pages, a.repeat)
        return
    print(f"{'document':<36} {'pages':>5} {'tables':>6} {'figures':>7} {'read s':>7} {'check s':>7} "
          f"{'plumber s':>9} {'read/x':>6} {'check/x':>7}")
    tot = {"pages": 0, "read": 0.0, "plumber": 0.0, "check": 0.0}
    for p in paths:
        if p.suffix == ".txt":
            m = _text(p, a.repeat)
            print(f"{m['file']:<36} {'text':>5} {m['tables']:>6} {m['figures']:>7} {'':>7} {m['check']:>7.2f}")
            continue
        m = measure(p, a.repeat)
        for k in tot:
            tot[k] += m[k]
        print(f"{m['file']:<36} {m['pages']:>5} {m['tables']:>6} {m['figures']:>7} {m['read']:>7.2f} "
              f"{m['check']:>7.2f} {m['plumber']:>9.2f} {m['read'] / m['plumber']:>5.2f}x {m['check'] / m['plumber']:>6.2f}x")
    print(f"{'all PDFs':<36} {tot['pages']:>5} {'':>6} {'':>7} {tot['read']:>7.2f} {tot['check']:>7.2f} "
          f"{tot['plumber']:>9.2f} {tot['read'] / tot['plumber']:>5.2f}x {tot['check'] / tot['plumber']:>6.2f}x")
    print(f"per page: read {tot['read'] / tot['pages'] * 1000:.0f} ms, check {tot['check'] / tot['pages'] * 1000:.0f} ms, "
          f"extract_tables {tot['plumber'] / tot['pages'] * 1000:.0f} ms; a 40-page document: "
          f"check ≈ {tot['check'] / tot['pages'] * 40:.1f} s in one process")


if __name__ == "__main__":
    main()
