"""The workbook cycle as users meet it (issue 11): every input file accounted for, failing before
any work, never an output left behind on exit 2, click's own words in Chinese, progress only on a
terminal."""

import csv
import io
import shutil
import sys

import pytest
from click.testing import CliRunner

from budgetxl.cli import main

from .conftest import REPO

ENTRY = REPO / "samples" / "451_2024" / "entry.xlsx"
SAVE_AS = "请在 Excel/WPS/LibreOffice 中另存为 .xlsx"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="budgetxl")


def _returns(d):
    """A folder of returns as a bureau gets them: a workbook, an .xls, an .ods, a PDF."""
    d.mkdir()
    shutil.copy(ENTRY, d / "451.xlsx")
    (d / "452.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    (d / "453.ods").write_bytes(b"PK\x03\x04 not really")
    (d / "454.pdf").write_bytes(b"%PDF-1.4\n")
    return d


def _manifest(path):
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))


def test_consolidate_directory_accounts_for_every_file_like_a_glob(tmp_path):
    d = _returns(tmp_path / "returns")
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run("consolidate", d, "-o", a, "--quiet").exit_code == 0
    assert run("consolidate", f"{d}/*", "-o", b, "--quiet").exit_code == 0
    rows = _manifest(tmp_path / "a_清单.csv")
    assert sorted(r["文件"].rsplit("/", 1)[-1] for r in rows) == ["451.xlsx", "452.xls", "453.ods", "454.pdf"]
    by = {r["文件"].rsplit("/", 1)[-1]: r for r in rows}
    assert by["451.xlsx"]["状态"] == "已汇总"
    for name in ("452.xls", "453.ods"):
        assert by[name]["状态"] == "未汇总：格式不支持" and SAVE_AS in by[name]["原因"]
        assert "另存为 .xlsx" in by[name]["处理办法"]
    assert by["454.pdf"]["原因"] and by["454.pdf"]["处理办法"]
    glob_rows = _manifest(tmp_path / "b_清单.csv")
    strip = [{k: v for k, v in r.items()} for r in rows]
    assert [(r["文件"], r["状态"], r["原因"]) for r in strip] == [(r["文件"], r["状态"], r["原因"]) for r in glob_rows]


def test_consolidate_nothing_included_writes_nothing(tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    (d / "1.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (d / "2.ods").write_bytes(b"PK")
    out = tmp_path / "out.xlsx"
    res = run("consolidate", d, "-o", out, "--quiet")
    assert res.exit_code == 2 and "没有可以汇总的单位" in res.output and SAVE_AS in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad"]


def test_same_refusal_message_across_commands(tmp_path):
    xls = tmp_path / "u.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    ods = tmp_path / "u.ods"
    ods.write_bytes(b"PK\x03\x04")
    for f in (xls, ods):
        for args in (["check", f], ["export", f, "-o", tmp_path / "e.csv"], ["render", f, "-o", tmp_path / "r.xlsx"],
                     ["check", ENTRY, "--previous", f]):
            res = run(*args)
            assert res.exit_code == 2, (args, res.output)
            assert SAVE_AS in res.output, (args, res.output)
    assert not (tmp_path / "e.csv").exists() and not (tmp_path / "r.xlsx").exists()


def test_check_directory_lists_every_file_and_the_same_unit_twice(tmp_path):
    d = _returns(tmp_path / "returns")
    shutil.copy(ENTRY, d / "451_副本.xlsx")
    res = run("check", d, "--format", "csv", "-o", tmp_path / "r.csv")
    assert res.exit_code == 1 and "3 个文件无法读取" in res.output  # listed in the report
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text("utf-8-sig"))))
    files = {r["文件"].rsplit("/", 1)[-1] for r in rows}
    assert {"452.xls", "453.ods", "454.pdf"} <= files
    dup = [r for r in rows if r["规则"] == "U01"]
    assert sorted(r["文件"].rsplit("/", 1)[-1] for r in dup) == ["451.xlsx", "451_副本.xlsx"]
    assert all(r["级别"] == "错误" for r in dup)
    one = run("check", ENTRY, "--format", "json")
    assert '"U01"' not in one.output


@pytest.mark.parametrize("args, expect", [
    (["template", "--unit-code", "1", "--unit-name", "某单位", "--year", "2025", "-o", "{t}/x.xls"], "扩展名应为 .xlsx"),
    (["render", ENTRY, "-o", "{t}/r.xlsx", "--pdf", "{t}/a.docx"], "扩展名应为 .pdf"),
    (["render", ENTRY, "-o", "{t}/r.xlsx", "--docx", "{t}/a.pdf"], "扩展名应为 .docx"),
    (["render", ENTRY, "-o", "{t}/r.xls"], "扩展名应为 .xlsx"),
    (["export", ENTRY, "-o", "{t}/f.xlsx"], "扩展名应为 .csv"),
    (["consolidate", ENTRY, "-o", "{t}/c.xls"], "扩展名应为 .xlsx"),
    (["consolidate", ENTRY, "-o", "{t}/c.xlsx", "--facts", "{t}/f.txt"], "扩展名应为"),
    (["check", ENTRY, "--format", "json", "-o", "{t}/r.csv"], "扩展名应为 .json"),
    (["check", ENTRY, "--annotate", "{t}/a.xls"], "扩展名应为 .xlsx"),
])
def test_wrong_output_names_refused_before_any_work(tmp_path, args, expect):
    res = run(*[str(a).replace("{t}", str(tmp_path)) for a in args])
    assert res.exit_code == 2 and expect in res.output, res.output
    assert list(tmp_path.iterdir()) == []


def test_existing_outputs_are_not_overwritten_without_force(tmp_path):
    filled = tmp_path / "451.xlsx"
    shutil.copy(ENTRY, filled)  # the unit's filled-in workbook
    before = filled.read_bytes()
    res = run("template", "--unit-code", "451", "--unit-name", "某单位", "--year", "2025", "-o", filled)
    assert res.exit_code == 2 and "已存在" in res.output and "--force" in res.output
    assert filled.read_bytes() == before
    assert run("template", "--unit-code", "451", "--unit-name", "某单位", "--year", "2025", "-o", filled,
               "--force").exit_code == 0
    assert filled.read_bytes() != before
    out = tmp_path / "facts.csv"
    out.write_text("keep", "utf-8")
    assert run("export", ENTRY, "-o", out).exit_code == 2 and out.read_text("utf-8") == "keep"
    assert run("consolidate", ENTRY, "-o", tmp_path / "c.xlsx", "--facts", out, "--quiet").exit_code == 2
    assert not (tmp_path / "c.xlsx").exists() and out.read_text("utf-8") == "keep"


def test_template_out_dir_refuses_to_overwrite(tmp_path, sample_facts):
    d = tmp_path / "t"
    assert run("template", "--data", sample_facts, "--out-dir", d, "--jobs", "1").exit_code == 0
    (made,) = d.iterdir()
    made.write_bytes(b"filled in")
    res = run("template", "--data", sample_facts, "--out-dir", d, "--jobs", "1")
    assert res.exit_code == 2 and "--force" in res.output and made.read_bytes() == b"filled in"


def test_parquet_without_pyarrow_fails_before_work(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow raises ImportError
    from budgetxl import consolidate as mod

    def boom(*a, **k):
        raise AssertionError("consolidation started")
    monkeypatch.setattr(mod, "consolidate", boom)
    res = run("consolidate", ENTRY, "-o", tmp_path / "c.xlsx", "--facts", tmp_path / "f.parquet", "--quiet")
    assert res.exit_code == 2 and "pyarrow" in res.output
    assert list(tmp_path.iterdir()) == []


def test_consolidate_failing_half_way_leaves_no_output(tmp_path, monkeypatch):
    from budgetxl import consolidate as mod
    from budgetxl.errors import BudgetxlError

    def fail(*a, **k):
        raise BudgetxlError("磁盘已满")
    monkeypatch.setattr(mod, "write_facts_file", fail)
    res = run("consolidate", ENTRY, "-o", tmp_path / "c.xlsx", "--facts", tmp_path / "f.csv", "--quiet")
    assert res.exit_code == 2 and "磁盘已满" in res.output
    assert list(tmp_path.iterdir()) == []


def test_previous_must_be_the_same_unit_and_the_year_before(tmp_path, sample_facts):
    text = sample_facts.read_text("utf-8")
    other = tmp_path / "other.csv"
    other.write_text(text.replace("451,", "999,").replace(",2024,", ",2023,"), "utf-8")
    res = run("render", ENTRY, "-o", tmp_path / "r.xlsx", "--previous", other)
    assert res.exit_code == 2 and "不是本单位" in res.output and not (tmp_path / "r.xlsx").exists()
    res = run("render", ENTRY, "-o", tmp_path / "r.xlsx", "--previous", sample_facts)  # the same year
    assert res.exit_code == 2 and "上年应为 2023 年" in res.output and not (tmp_path / "r.xlsx").exists()
    res = run("check", ENTRY, "--previous", sample_facts, "--select", "年度")
    assert "未做比上年增减规则" in res.output
    last = tmp_path / "2023.csv"
    last.write_text(text.replace(",2024,", ",2023,"), "utf-8")
    res = run("check", ENTRY, "--previous", last, "--select", "年度", "--format", "json")
    assert '"Y101"' in res.output and "未做比上年" not in res.output


def test_usage_errors_and_help_in_chinese():
    for args in (["check"], ["render", "x.xlsx"], ["check", "--fail-on", "x", "a"], ["nosuch"], ["rules", "--bogus"]):
        res = run(*args)
        assert res.exit_code == 2
        assert "用法：budgetxl" in res.output and "错误：" in res.output, res.output
        assert "Usage:" not in res.output and "Error:" not in res.output and "Try " not in res.output
    res = run("check", "--help")
    assert "用法：budgetxl check [选项]" in res.output and "选项：" in res.output and "显示本帮助并退出" in res.output
    assert "Options" not in res.output and "Show this message" not in res.output
    assert "TEXT" not in res.output and "--select 文本" in res.output
    res = run("template", "--jobs", "x")
    assert res.exit_code == 2 and "不是有效的整数" in res.output, res.output
    res = run("--help")
    assert "命令：" in res.output and "Commands" not in res.output
    assert "缺少选项" in run("render", "x.xlsx").output
    assert "没有命令" in run("nosuch").output


def test_progress_only_on_a_terminal(tmp_path, monkeypatch):
    """No progress in a pipe or a test; a bar on stderr when it is a terminal."""
    d = tmp_path / "r"
    d.mkdir()
    for i in range(3):
        shutil.copy(ENTRY, d / f"{i}.xlsx")
    res = CliRunner().invoke(main, ["check", str(d), "--format", "json", "-o", str(tmp_path / "r.json")])
    assert res.exit_code == 1 and res.stderr == ""  # findings (U01 among them), and no progress
    from budgetxl import cli

    written = io.StringIO()
    written.isatty = lambda: True
    monkeypatch.setattr(cli.sys, "stderr", written)
    with cli._Progress(3, "审核") as bar:
        for n in range(1, 4):
            bar.update(n)
    assert "审核" in written.getvalue() and "3/3" in written.getvalue()
    quiet = io.StringIO()
    monkeypatch.setattr(cli.sys, "stderr", quiet)
    with cli._Progress(3, "审核") as bar:
        bar.update(3)
    assert quiet.getvalue() == ""


def test_user_guide_covers_installation_every_rule_and_returns():
    """docs/使用说明.md: installation on Windows and Linux, every rule's meaning and fix (a new rule
    must be added to the table), which codes take amounts, .xls/.ods returns, where reasons go."""
    import re

    from budgetxl.check import all_rules

    doc = (REPO / "docs" / "使用说明.md").read_text("utf-8")
    for words in ("Windows", "Linux", ".venv\\Scripts\\activate", "apt-get install", "最末级科目", "7 位编码",
                  "5 位编码", ".ods", ".xls", SAVE_AS, "原因和说明写在哪里", "--force"):
        assert words in doc, words
    table = [line for line in doc.splitlines() if line.startswith("| ") and "|" in line[2:]]
    covered = set()
    for line in table:
        for letter, lo, hi in re.findall(r"([A-Z])(\d{2,3})(?:–[A-Z](\d{2,3}))?", line.split("|")[1]):
            covered |= {f"{letter}{n:0{len(lo)}d}" for n in range(int(lo), int(hi or lo) + 1)}
    missing = sorted(r.code for r in all_rules() if r.code not in covered)
    assert missing == [], f"rules without an entry in docs/使用说明.md: {missing}"


def test_annotate_many_files_into_a_directory(tmp_path):
    import openpyxl

    d = tmp_path / "r"
    d.mkdir()
    for i in range(4):
        shutil.copy(ENTRY, d / f"u{i}.xlsx")
    (d / "u9.ods").write_bytes(b"PK")
    out = tmp_path / "marked"
    res = run("check", d, "--format", "json", "-o", tmp_path / "r.json", "--annotate", out)
    assert res.exit_code == 1  # the .ods is listed in the report as unreadable
    made = sorted(p.name for p in out.iterdir())
    assert made == [f"u{i}_审核.xlsx" for i in range(4)]
    wb = openpyxl.load_workbook(out / "u0_审核.xlsx")
    assert "审核结果" in wb.sheetnames and wb["审核结果"].max_row > 1
    again = run("check", d, "--format", "json", "-o", tmp_path / "r2.json", "--annotate", out)
    assert again.exit_code == 2 and "已存在" in again.output and not (tmp_path / "r2.json").exists()


def test_check_nothing_readable_writes_nothing(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    ods = tmp_path / "u.ods"
    ods.write_bytes(b"PK")
    res = run("check", bad, ods, "--format", "json", "-o", tmp_path / "r.json", "--annotate", tmp_path / "m")
    assert res.exit_code == 2 and SAVE_AS in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xlsx", "u.ods"]


def test_check_of_many_files_on_every_core_reports_as_one_process(tmp_path):
    """check of many files runs them over worker processes (budgetxl.workers.map_files); the report
    is the one a single process writes, file for file and in the same order."""
    d = _returns(tmp_path / "returns")
    for i in range(8):
        shutil.copy(ENTRY, d / f"46{i}.xlsx")
    reports = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"r{jobs}.json"
        res = run("check", d, "--format", "json", "-o", out, "--jobs", jobs)
        assert res.exit_code == 1, res.output
        reports[jobs] = out.read_text("utf-8")
    assert reports["1"] == reports["2"]
    import json

    files = [f["file"].rsplit("/", 1)[-1] for f in json.loads(reports["2"])["files"]]
    assert files == sorted(files) and len(files) == 12
