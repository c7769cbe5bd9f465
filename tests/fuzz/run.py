"""Run a fuzzing campaign and print counts per family and class.

    python -m tests.fuzz.run --cases 10000 --seed 1 --jobs 1 --out /tmp/fuzz
    python -m tests.fuzz.run --replay /tmp/fuzz/reproducers/cells_silent_loss/case.json

Reproducers (the first case of each family and class other than clean, minimised) are written
to OUT/reproducers/; every case's outcome is appended to OUT/cases.jsonl as soon as it is known.
Run the same command again with the same OUT to resume a stopped campaign (the cases the log
holds are counted, not run again); ``--report`` prints the counts the log holds and runs nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import core


def warm() -> None:
    """Import what the commands import, once, so that every forked case starts warm."""
    import budgetxl.check
    import budgetxl.cli  # noqa: F401
    import budgetxl.consolidate  # noqa: F401
    import budgetxl.facts  # noqa: F401
    import budgetxl.reader.entry  # noqa: F401
    import budgetxl.reader.official  # noqa: F401
    import budgetxl.render.official  # noqa: F401
    import budgetxl.textimport  # noqa: F401
    import budgetxl.published.mapping  # noqa: F401
    import budgetxl.published.pdf  # noqa: F401
    import budgetxl.published.word  # noqa: F401
    import docx  # noqa: F401
    import pdfplumber  # noqa: F401
    import budgetxl.template.batch  # noqa: F401
    import python_calamine  # noqa: F401
    import xlsxwriter  # noqa: F401

    budgetxl.check.all_rules()
    from .core import BASELINE_MB, _rss_mb

    BASELINE_MB[0] = _rss_mb()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--families", default="", help="comma-separated (default: all)")
    ap.add_argument("--out", type=Path, default=None, help="reproducers and log (default: a temporary directory)")
    ap.add_argument("--replay", type=Path, help="run one reproducer's case.json again")
    ap.add_argument("--report", action="store_true", help="print the counts of OUT/cases.jsonl, run nothing")
    ap.add_argument("--rerun", default="", help="resuming: run the logged cases of these classes again "
                                                "(comma-separated, 'bad' for every class but clean)")
    a = ap.parse_args(argv)
    core.load_families()
    out = a.out or Path(tempfile.mkdtemp(prefix="budgetxl-fuzz-"))
    out.mkdir(parents=True, exist_ok=True)
    if a.report:
        return report(out / "cases.jsonl")
    bases = core.Bases(out / "bases")
    warm()
    if a.replay:
        info = json.loads(a.replay.read_text(encoding="utf-8"))
        case = core.Case(info["family"], info["seed"], [tuple(o) for o in info["ops"]], info["argv"])
        o = core.run_one(case, bases, out / "replay", a.timeout)
        print(f"{case.label()}: {o.klass} (exit {o.exit}, {o.seconds:.2f} s wall, {o.cpu:.2f} s CPU, {o.peak_mb:.0f} MB) {o.detail}")
        return 0 if o.klass == "clean" else 1
    fams = core.available(bases, [f for f in a.families.split(",") if f])
    cases = core.schedule(a.cases, a.seed, fams)
    started = time.perf_counter()

    def progress(i, camp):
        if camp.n % 100 == 0:  # the counts so far, for a campaign stopped early
            (out / "progress.txt").write_text(f"{camp.n} of {len(cases)} cases, {time.perf_counter() - started:.0f} s"
                                              " in this run\n" + core.table(camp) + "\n", encoding="utf-8")
        if camp.n % 500 == 0:
            bad = sum(v for (f, c), v in camp.counts.items() if c != "clean")
            print(f"  {camp.n}/{len(cases)} cases, {bad} not clean, {time.perf_counter() - started:.0f} s", flush=True)

    work = out / "work"
    rerun = {c for c in a.rerun.split(",") if c}
    if "bad" in rerun:
        rerun = set(core.BAD)
    camp = core.run_campaign(cases, bases, work, a.timeout, out / "reproducers", progress, a.jobs,
                             log=out / "cases.jsonl", rerun=rerun)
    shutil.rmtree(work, ignore_errors=True)
    print(f"\n{camp.n} cases, seed {a.seed}, {time.perf_counter() - started:.0f} s")
    print(core.table(camp))
    summary(camp)
    if camp.first:
        print(f"reproducers: {out / 'reproducers'}")
    return 1 if camp.first else 0


def report(log: Path) -> int:
    """The counts a campaign log holds, by family and class, with the first case of each class."""
    camp = core.Campaign()
    for i, e in sorted(core.read_log(log).items()):
        case = core.Case(e["family"], e["seed"], [tuple(o) for o in e["ops"]], e["argv"])
        o = core.Outcome(e["class"], e["exit"], e["seconds"], e["peak_mb"], e["detail"], e.get("cpu", 0.0))
        core._count(camp, case, o)
        if o.klass != "clean":
            camp.first.setdefault((case.family, o.klass), (case, o))
    secs = sum(e["seconds"] for e in core.read_log(log).values())
    print(f"{camp.n} cases in {log} ({secs:.0f} s inside the cases)")
    print(core.table(camp))
    summary(camp)
    return 1 if camp.first else 0


def summary(camp) -> None:
    print(f"slowest case {camp.slowest[0]:.1f} s wall ({camp.slowest[1]}); most CPU {camp.busiest[0]:.1f} s "
          f"({camp.busiest[1]}); peak memory {camp.peak[0]:.0f} MB ({camp.peak[1]}); "
          f"{camp.over_wall} cases past {camp.timeout:.0f} s of wall time")
    for (fam, klass), (case, o) in sorted(camp.first.items()):
        print(f"  {fam}/{klass}: {case.label()} argv={case.argv[0]} exit={o.exit} {o.detail[:300]!r}")


if __name__ == "__main__":
    sys.exit(main())
