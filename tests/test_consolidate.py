"""Consolidation: every input accounted for, nothing counted twice, totals exact and checkable."""

import copy
import csv
import shutil
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

import budgetxl
from budgetxl.cli import main
from budgetxl.consolidate import consolidate, expand_inputs
from budgetxl.template import write_template

from .conftest import REPO

ENTRY = REPO / "samples" / "451_2024" / "entry.xlsx"


def _unit(base, code, name, year=None, bump=Decimal("0.00")):
    b = copy.deepcopy(base, {id(base.profile): base.profile})
    b.unit_code, b.unit_name = code, name
    if year:
        b.year = year
    key = ("t3", "2040250", "basic")
    for k in (key, ("t5", "2040250", "basic"), ("t2", "2040250", "fiscal")):
        b.set_input(k, b.inputs[k] + bump)
    return b


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    d = tmp_path_factory.mktemp("county")
    base = budgetxl.load_sample()
    shutil.copy(ENTRY, d / "451.xlsx")
    write_template(_unit(base, "501", "甲单位"), d / "501.xlsx")
    write_template(_unit(base, "502", "乙单位"), d / "502.xlsx")
    # an unbalanced unit: 支出 grows without revenue -> errors
    bad = _unit(base, "503", "丙单位")
    bad.set_input(("t3", "2040250", "basic"), bad.inputs[("t3", "2040250", "basic")] + Decimal("10.00"))
    write_template(bad, d / "503.xlsx")
    (d / "broken.xlsx").write_bytes(b"PK\x03\x04 broken")
    shutil.copy(d / "502.xlsx", d / "502_copy.xlsx")  # the same unit twice
    groups = d.parent / f"{d.name}_groups.csv"
    groups.write_text("单位编码,部门\n451,公安局\n501,公安局\n502,教育局\n503,教育局\n", "utf-8")
    return d, groups


def test_every_file_accounted_and_duplicates_not_counted(county, tmp_path):
    d, groups = county
    out = tmp_path / "汇总.xlsx"
    res = CliRunner().invoke(main, ["consolidate", str(d), "-o", str(out), "--groups", str(groups), "--quiet",
                                    "--facts", str(tmp_path / "facts.csv")])
    assert res.exit_code == 1, res.output  # duplicates present
    manifest = list(csv.DictReader((tmp_path / "汇总_清单.csv").read_text("utf-8-sig").splitlines()))
    files = sorted(p.name for p in d.iterdir())
    assert sorted(r["文件"].rsplit("/", 1)[-1] for r in manifest) == files
    status = {r["文件"].rsplit("/", 1)[-1]: r["状态"] for r in manifest}
    assert status["451.xlsx"] == status["501.xlsx"] == "已汇总"
    assert status["502.xlsx"] == status["502_copy.xlsx"] == "未汇总：单位重复"
    assert status["503.xlsx"] == "未汇总：有错误"
    assert status["broken.xlsx"] == "未汇总：无法读取"
    assert all(len(r["sha256"]) == 64 for r in manifest)
    wb = openpyxl.load_workbook(out)
    assert {"汇总说明", "单位明细", "清单", "审核问题", "数据", "收支总表"} <= set(wb.sheetnames)
    ws = wb["收支总表"]
    total = next(r[2].value for r in ws.iter_rows(min_row=6) if r[1].value == "收入总计")
    assert Decimal(str(total)).quantize(Decimal("0.01")) == Decimal("1573.23") * 2
    assert wb["汇总说明"]._charts, "native charts expected"
    facts = list(csv.DictReader((tmp_path / "facts.csv").read_text("utf-8-sig").splitlines()))
    assert {r["单位编码"] for r in facts} == {"451", "501"}


def test_consolidated_workbook_passes_check(county, tmp_path):
    d, groups = county
    out = tmp_path / "c.xlsx"
    CliRunner().invoke(main, ["consolidate", str(d / "451.xlsx"), str(d / "501.xlsx"), "-o", str(out), "--quiet"])
    res = CliRunner().invoke(main, ["check", str(out)])
    assert res.exit_code == 0, res.output


def test_text_errors_do_not_block_unless_strict(county):
    """The seed's real errors are in its wording (W102, W103, A103): the figures are still added up."""
    d, _ = county
    c = consolidate([d / "451.xlsx"], jobs=1)
    (o,) = c.outcomes
    assert o.status == "included" and o.errors == 3 and o.blocking == 0 and "文字错误" in o.reason
    c = consolidate([d / "451.xlsx"], jobs=1, strict=True)
    assert c.outcomes[0].status == "errors"


def test_include_errors(county):
    d, _ = county
    c = consolidate([d / "451.xlsx", d / "503.xlsx"], include_errors=True, jobs=1)
    assert {o.unit_code: o.status for o in c.outcomes} == {"451": "included", "503": "included_with_errors"}
    total = c.totals["全部单位"].value("支出总表", "total", "合计")
    assert total == Decimal("1573.23") * 2 + Decimal("10.00")


def test_groups_totals(county):
    d, groups = county
    from budgetxl.consolidate import read_groups

    c = consolidate([d / "451.xlsx", d / "501.xlsx", d / "502.xlsx"], groups=read_groups(groups), jobs=2)
    assert set(c.totals) == {"全部单位", "公安局", "教育局"}
    from budgetxl.consolidate_workbook import write_workbook

    out = d.parent / f"{d.name}_groups.xlsx"
    write_workbook(c, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["部门-公安局"]
    titles = [r[0].value for r in ws.iter_rows() if r[0].value and str(r[0].value).startswith("部门预算")]
    assert len(titles) == 9  # the nine tables, one below the other
    total = next(r[2].value for r in ws.iter_rows() if r[1].value == "收入总计")
    assert Decimal(str(total)).quantize(Decimal("0.01")) == Decimal("3146.46")
    assert c.totals["公安局"].value("收支总表", "收入总计", "预算数") == Decimal("3146.46")
    assert c.totals["教育局"].value("收支总表", "收入总计", "预算数") == Decimal("1573.23")


def test_mixed_years_refused(county, tmp_path):
    d, _ = county
    other = tmp_path / "2025.xlsx"
    write_template(_unit(budgetxl.load_sample(), "601", "丁单位", year=2025), other)
    res = CliRunner().invoke(main, ["consolidate", str(d / "451.xlsx"), str(other), "-o", str(tmp_path / "o.xlsx"),
                                    "--quiet"])
    assert res.exit_code == 2 and "不同的预算年度" in res.output
    assert not (tmp_path / "o.xlsx").exists()


def test_interrupt_leaves_no_output(county, tmp_path, monkeypatch):
    import budgetxl.consolidate as C

    def boom(path, profile=None):
        raise KeyboardInterrupt
    monkeypatch.setattr(C, "process_file", boom)
    d, _ = county
    res = CliRunner().invoke(main, ["consolidate", str(d / "451.xlsx"), "-o", str(tmp_path / "o.xlsx"), "--quiet",
                                    "--jobs", "1"])
    assert res.exit_code == 130
    assert list(tmp_path.iterdir()) == []


def test_inputs_untouched_and_globs(county, tmp_path):
    d, _ = county
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in d.iterdir()}
    files = expand_inputs([str(d / "45*.xlsx"), str(d / "451.xlsx")])
    assert [p.name for p in files] == ["451.xlsx"]  # globs expanded, duplicates named once
    CliRunner().invoke(main, ["consolidate", str(d), "-o", str(tmp_path / "o.xlsx"), "--quiet"])
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in d.iterdir()} == before


def test_parquet_facts(county, tmp_path):
    pytest.importorskip("pyarrow")
    import pandas as pd

    d, _ = county
    res = CliRunner().invoke(main, ["consolidate", str(d / "451.xlsx"), "-o", str(tmp_path / "o.xlsx"), "--quiet",
                                    "--facts", str(tmp_path / "f.parquet")])
    assert res.exit_code == 0, res.output
    df = pd.read_parquet(tmp_path / "f.parquet")
    assert len(df) == 50 and df["金额"].map(Decimal).sum() > 0


def test_process_pool_gives_what_one_process_gives(county, tmp_path):
    """Eight or more files go to worker processes (the first one read in the parent, so the workers
    start warm). A broken file first, and every file in order: same outcomes as in one process."""
    d, _ = county
    files = [d / "broken.xlsx"] + sorted(p for p in d.iterdir() if p.name != "broken.xlsx")
    files += [shutil.copy(d / "501.xlsx", tmp_path / f"501_{i}.xlsx") for i in range(3)]
    assert len(files) >= 8
    seen = []
    pooled = consolidate(files, jobs=2, progress=lambda n, total: seen.append((n, total)))
    single = consolidate(files, jobs=1)
    assert [o.file for o in pooled.outcomes] == [str(f) for f in files]
    assert [(o.file, o.status, o.unit_code, o.fen) for o in pooled.outcomes] == \
        [(o.file, o.status, o.unit_code, o.fen) for o in single.outcomes]
    assert pooled.outcomes[0].status == "unreadable"
    assert seen[-1] == (len(files), len(files)) and [n for n, _ in seen] == sorted(n for n, _ in seen)


def test_a_reader_panic_marks_the_file_unreadable(county, monkeypatch):
    """A native reader may raise something that is not an Exception (a Rust panic, through pyo3):
    the file is listed as unreadable and the run goes on; Ctrl-C still stops it."""
    import budgetxl.check.runner as runner
    from budgetxl.consolidate import process_file

    class Panic(BaseException):
        pass

    d, _ = county

    def boom(*a, **k):
        raise Panic("index out of bounds")

    monkeypatch.setattr(runner, "load_for_check", boom)
    [o] = process_file(str(d / "501.xlsx"))
    assert o.status == "unreadable" and "Panic" in o.reason

    def stop(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "load_for_check", stop)
    with pytest.raises(KeyboardInterrupt):
        process_file(str(d / "501.xlsx"))
