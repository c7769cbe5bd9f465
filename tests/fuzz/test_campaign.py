"""The bounded, seeded fuzzing run of CI: a few hundred cases over every family, each in its own
forked subprocess with time and memory limits; every case must be clean. The full campaign
(10,000 cases) is ``python -m tests.fuzz.run`` (see tests/fuzz/core.py)."""

from __future__ import annotations

import os

import pytest

from . import core

CI_CASES = int(os.environ.get("BUDGETXL_FUZZ_CASES", "200"))
CI_SEED = 20241


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    core.load_families()
    from .run import warm

    warm()
    return core.Bases(tmp_path_factory.mktemp("fuzz") / "bases")


def test_families_are_registered_and_pluggable():
    fams = core.load_families()
    assert {"zip", "xml", "cells", "facts", "text", "docx", "docx_zip", "pdf", "pdf_tables"} <= set(fams)
    for f in fams.values():
        assert f.ops and f.commands and f.suffix.startswith(".")


def test_classifier_sees_each_class(bases, tmp_path):
    """The oracles can fail: a formula cell in a report CSV is an injection, a changed input is a
    modification, a hostile exit code is exit3."""
    report = tmp_path / "report.csv"
    report.write_text("a,b\n=1+1,-14.00\n", "utf-8")
    assert core.injected_cells(report) == ["=1+1"]
    report.write_text("a,b\n'=1+1,-14.00\n", "utf-8")
    assert core.injected_cells(report) == []
    code, sig, _, peak, cpu = core.execute(["check", str(tmp_path / "nope.xlsx")], tmp_path / "o")
    assert code == 2 and sig is None and peak > 0 and cpu > 0


def test_seeded_campaign_is_clean(bases, tmp_path):
    fams = core.available(bases)  # the PDF families where LibreOffice could print their bases
    assert "docx" in fams and ("pdf" in fams) == ("pdf" in bases.published)
    cases = core.schedule(CI_CASES, CI_SEED, fams)
    camp = core.run_campaign(cases, bases, tmp_path / "work", timeout=60.0, repro_dir=tmp_path / "reproducers")
    print("\n" + core.table(camp))
    bad = {f"{fam}/{klass}": f"{case.label()} {case.argv[0]}: {o.detail[:300]}"
           for (fam, klass), (case, o) in camp.first.items()}
    assert camp.n == CI_CASES
    assert bad == {}


def test_a_harness_failure_is_an_outcome_and_the_campaign_goes_on(bases, tmp_path):
    """An operator that fails (or runs out of memory building the input) is the class
    ``harness`` with its traceback and a reproducer; the cases after it still run, every
    outcome is in the log at once, and a second run resumes from the log."""
    def boom(rng, value, ctx):
        raise ValueError("operator exploded")

    def hog(rng, value, ctx):
        return b"x" * (core._vm_bytes() + core.BUILD_ADDRESS_LIMIT + 1)  # MemoryError under the build limit

    fam = core.Family("broken_test", ".txt", lambda b: b"", lambda v, p: p.write_bytes(v), {"boom": boom, "hog": hog},
                      [(1, ["check", core.IN])])
    core.FAMILIES[fam.name] = fam
    try:
        good = core.plan_case(core.FAMILIES["facts"], 5)
        cases = [core.Case(fam.name, 1, [("boom", 1)], ["check", core.IN]), good,
                 core.Case(fam.name, 2, [("hog", 1)], ["check", core.IN])]
        log = tmp_path / "cases.jsonl"
        camp = core.run_campaign(cases, bases, tmp_path / "w", repro_dir=tmp_path / "r", log=log)
        assert camp.n == 3 and camp.counts[(fam.name, "harness")] == 2
        _, o = camp.first[(fam.name, "harness")]
        assert "operator exploded" in o.detail and "Traceback" in o.detail
        assert (tmp_path / "r" / "broken_test_harness" / "case.json").exists()
        logged = core.read_log(log)
        assert sorted(logged) == [0, 1, 2] and "MemoryError" in logged[2]["detail"]
        again = core.run_campaign(cases, bases, tmp_path / "w", log=log)  # resumed: nothing runs again
        assert again.counts == camp.counts and len(core.read_log(log)) == 3
        assert sum(1 for _ in open(log, encoding="utf-8")) == 3
    finally:
        del core.FAMILIES[fam.name]
