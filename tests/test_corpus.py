"""The entry reader against a corpus of broken, hostile and tampered workbooks.

The corpus (tests/corpus/make_corpus.py) is generated once per module from a fresh template.
Every file must be refused with a Chinese BudgetxlError naming the file, or read with the
expected finding located on its sheet and cell; never a crash, never a traceback, never a hang,
and the input file is never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetxl.errors import BudgetxlError
from budgetxl.reader.entry import read_entry

from .corpus.make_corpus import ANY_CELL, BASE_NAME, Case, build, case_names

MAX_FILE_BYTES = 1_000_000
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]*\", line \d+|\bline \d+, in \w+")
CJK = re.compile(r"[\u4e00-\u9fff]")

# Cases where the reader falls short today: the test states the correct behaviour.
XFAIL: dict[str, str] = {}  # cases the reader is known to get wrong (none at present)


@dataclass
class Corpus:
    dir: Path
    cases: list[Case]

    def __getitem__(self, name: str) -> Case:
        return next(c for c in self.cases if c.name == name)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    out = tmp_path_factory.mktemp("corpus")
    return Corpus(out, build(out))


def test_corpus_is_complete(corpus):
    names = [c.name for c in corpus.cases]
    assert len(corpus.cases) >= 30
    assert len(set(names)) == len(names)
    assert names == case_names()
    assert {c.kind for c in corpus.cases} == {"error", "finding"}
    codes = {c.expect for c in corpus.cases if c.kind == "finding"}
    for code in ("I01", "I03", "I04", "I05", "I06", "I07", "I08", "I09", "V01", "V02", "V03"):
        assert code in codes
    for c in corpus.cases:
        assert c.path.exists() and c.path.parent == corpus.dir
        assert c.path.stat().st_size < MAX_FILE_BYTES, f"{c.name} is {c.path.stat().st_size} bytes"
        if c.kind == "finding":
            assert c.sheet, c.name


def test_base_template_reads_clean(corpus):
    """Every finding in a case comes from its tampering, not from the template itself."""
    result = read_entry(corpus.dir / BASE_NAME)
    assert [str(f) for f in result.findings if f.severity != "info"] == []


def _no_traceback(text: str) -> None:
    assert not TRACEBACK.search(text), text


def _located(f, case: Case) -> bool:
    if not f.sheet or (case.sheet and f.sheet != case.sheet):
        return False
    if case.cell == ANY_CELL:
        return bool(f.cell)
    return case.cell is None or f.cell == case.cell


def _params():
    return [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=XFAIL[n])) if n in XFAIL else n
            for n in case_names()]


@pytest.mark.parametrize("name", _params())
def test_case(corpus, name):
    case = corpus[name]
    before = (case.path.read_bytes(), case.path.stat().st_mtime_ns)
    try:
        if case.kind == "error":
            with pytest.raises(BudgetxlError) as info:
                read_entry(case.path)
            msg = str(info.value)
            _no_traceback(msg)
            assert case.expect in msg
            assert str(case.path) in msg, f"the message does not name the file: {msg}"
            assert CJK.search(msg)
        else:
            result = read_entry(case.path)
            for f in result.findings:
                _no_traceback(f.message)
            got = "\n".join(f"{f.code} {f.sheet}!{f.cell} {f.message}" for f in result.findings[:40])
            hits = [f for f in result.findings if f.code == case.expect]
            assert hits, f"no {case.expect} finding; got:\n{got}"
            want = f"{case.sheet or '(any sheet)'}!{case.cell or ''}"
            assert any(_located(f, case) for f in hits), f"no {case.expect} finding at {want}; got:\n{got}"
            assert all(f.file == str(case.path) for f in hits)
    finally:
        assert (case.path.read_bytes(), case.path.stat().st_mtime_ns) == before, "the input file was changed"


def test_cli_export_on_corpus(corpus, tmp_path):
    from budgetxl.cli import main

    if "export" not in main.commands:
        pytest.skip("budgetxl export does not exist yet")
    runner = CliRunner()
    bad = corpus["not_a_zip"]
    out = tmp_path / "bad.csv"
    res = runner.invoke(main, ["export", str(bad.path), "-o", str(out)])
    assert res.exit_code == 2, res.output
    _no_traceback(res.output)
    assert CJK.search(res.output) and str(bad.path) in res.output, res.output
    assert not out.exists()

    tampered = corpus["formula_overwritten_constant"]
    before = (tampered.path.read_bytes(), tampered.path.stat().st_mtime_ns)
    out = tmp_path / "tampered.csv"
    res = runner.invoke(main, ["export", str(tampered.path), "-o", str(out)])
    _no_traceback(res.output)
    assert res.exit_code == 1, res.output
    assert "I05" in res.output and tampered.sheet in res.output, res.output
    assert (tampered.path.read_bytes(), tampered.path.stat().st_mtime_ns) == before
