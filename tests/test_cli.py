"""The command line as a user meets it: messages, exit codes, outputs, inputs left untouched."""

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from budgetxl.cli import main


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def snapshot(p: Path):
    st = p.stat()
    return p.read_bytes(), st.st_mtime_ns


@pytest.mark.lo  # the demo converts its outputs to PDF with LibreOffice when it is there
def test_demo_writes_outputs(tmp_path):
    res = run("demo", tmp_path / "d")
    assert res.exit_code == 0, res.output
    files = sorted(p.name for p in (tmp_path / "d").iterdir())
    assert "451_2024_公开表.xlsx" in files and "451_2024_facts.csv" in files
    assert "1573.23" in res.output
    assert "451_2024_审核.json" in files and "451_2024_审核标注.xlsx" in files
    assert "W102" in res.output and "X301" in res.output  # the seed's real problems, found
    wb = openpyxl.load_workbook(tmp_path / "d" / "451_2024_公开表.xlsx")
    assert wb.sheetnames[0] == "收支总表" and len(wb.sheetnames) == 9


@pytest.mark.lo
def test_demo_default_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("demo").exit_code == 0
    assert (tmp_path / "budgetxl-demo" / "451_2024_公开表.xlsx").exists()


def test_render_leaves_input_untouched(tmp_path, sample_facts):
    src = tmp_path / "facts.csv"
    src.write_bytes(sample_facts.read_bytes())
    before = snapshot(src)
    res = run("render", src, "-o", tmp_path / "o.xlsx")
    assert res.exit_code == 0, res.output
    assert snapshot(src) == before
    assert "451曲阳县公安局交通管理大队" in res.output


def test_render_refuses_to_overwrite_its_input(tmp_path, sample_facts):
    src = tmp_path / "facts.csv"
    src.write_bytes(sample_facts.read_bytes())
    res = run("render", src, "-o", src)
    assert res.exit_code == 2 and "输入" in res.output
    assert src.read_bytes() == sample_facts.read_bytes()


def test_render_many_units_needs_unit(tmp_path, sample_facts):
    text = sample_facts.read_text("utf-8")
    lines = text.splitlines()
    other = [l.replace("451,曲阳县公安局交通管理大队", "452,另一单位", 1) for l in lines[1:]]
    src = tmp_path / "two.csv"
    src.write_text("\n".join(lines + other) + "\n", "utf-8")
    res = run("render", src, "-o", tmp_path / "o.xlsx")
    assert res.exit_code == 2 and "--unit" in res.output
    res = run("render", src, "-o", tmp_path / "o.xlsx", "--unit", "452")
    assert res.exit_code == 0
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx")["收支总表"]
    assert ws["A2"].value == "452另一单位"


@pytest.mark.parametrize("name, content, expect", [
    ("missing.csv", None, "找不到文件"),
    ("data.xls", b"\xd0\xcf\x11\xe0", "另存为 .xlsx"),
    ("empty.csv", b"", "文件为空"),
])
def test_bad_inputs_exit_2_in_chinese(tmp_path, name, content, expect):
    p = tmp_path / name
    if content is not None:
        p.write_bytes(content)
    res = run("render", p, "-o", tmp_path / "o.xlsx")
    assert res.exit_code == 2
    assert expect in res.output and "Traceback" not in res.output
    assert not (tmp_path / "o.xlsx").exists()


def test_import_text_makes_the_sample(tmp_path, seed_tables_path, sample_facts):
    out = tmp_path / "f.csv"
    res = run("import-text", seed_tables_path, "-o", out)
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == sample_facts.read_bytes()


def test_codes_lookup():
    res = run("codes", "2101103")
    assert res.exit_code == 0 and "公务员医疗补助" in res.output
    res = run("codes", "公务用车运行维护费", "--kind", "economic")
    assert "30231" in res.output
    assert run("codes", "没有这个科目").exit_code == 1


def test_help_is_fast_and_imports_nothing_heavy():
    code = "import sys, budgetxl.cli; print(','.join(m for m in ('pandas','openpyxl','xlsxwriter') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_console_script_no_traceback_on_bad_input(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("nonsense\n", "utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run([sys.executable, "-m", "budgetxl.cli", "render", str(bad), "-o", str(tmp_path / "o.xlsx")],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 2
    assert "表头应为" in out.stderr and "Traceback" not in out.stderr


def _seed_variant(seed_tables_path, tmp_path, edit) -> Path:
    lines = seed_tables_path.read_text("utf-8").splitlines()
    out = tmp_path / "variant.txt"
    out.write_text("\n".join(edit(lines)) + "\n", "utf-8")
    return out


def test_text_with_page_break_and_repeated_header_reads_the_same(tmp_path, seed_tables_path):
    """A table split over pages (a page number line, the header rows printed again) reads the same."""
    from budgetxl.textimport import read_disclosure_text

    def edit(lines):
        i = lines.index("\t2040250")  # inside 收入总表, before a data row's code cell
        row_start = max(j for j in range(i) if lines[j] == "") + 1
        repeat = ["\t序号", "\t功能分类科目", "\t合计", "\t本年收入", "\t上年结转", ""]
        return lines[:row_start] + [" 2", ""] + repeat + lines[row_start:]
    base, _ = read_disclosure_text(seed_tables_path)
    other, _ = read_disclosure_text(_seed_variant(seed_tables_path, tmp_path, edit))
    assert other.inputs == base.inputs and other.given == base.given


def test_text_with_a_class_line_less_still_reads(tmp_path, seed_tables_path):
    """A 收支总表 printed without the 三十一、人行科目 line (an older layout) is read by its labels."""
    from budgetxl.textimport import read_disclosure_text

    def edit(lines):
        out, skip, done = [], 0, False
        for j, line in enumerate(lines):
            if line == "\t三十一、人行科目" and not done:  # the first: 收支总表's
                done = True
                # drop that row of 收支总表: 序号, two blank cells, label, amount, then the blank line
                start = max(k for k in range(j) if lines[k] == "") + 1
                del out[start - j:]
                skip = 2
                continue
            if skip:
                skip -= 1
                continue
            out.append(line)
        return out
    base, _ = read_disclosure_text(seed_tables_path)
    variant = _seed_variant(seed_tables_path, tmp_path, edit)
    assert variant.read_text("utf-8").count("人行科目") == 1
    other, printed = read_disclosure_text(variant)
    assert len(printed[0].rows) == 33
    assert other.inputs == base.inputs
    assert other.mismatches() == []


def test_text_with_other_title_forms_and_no_year_line(tmp_path, seed_path):
    """Titles printed as 表一：2024年部门收支总表 …, and no 预算年度 line (the year from the document title)."""
    from budgetxl.textimport import read_disclosure_text

    def edit(lines):
        out = []
        for n, line in enumerate(lines):
            if "部门预算" in line and line.rstrip().endswith("表") and not line.startswith("\t"):
                line = line.replace("部门预算", f"表{n % 9 + 1}：2024年部门", 1)
            if line.strip().startswith("预算年度"):
                continue
            out.append(line)
        return out
    base, _ = read_disclosure_text(seed_path)
    other, printed = read_disclosure_text(_seed_variant(seed_path, tmp_path, edit))
    assert len(printed) == 9 and other.year == 2024
    assert other.inputs == base.inputs and other.given == base.given


def test_text_with_dashes_for_zero(tmp_path, seed_tables_path):
    """Some publications print zero as a dash; it reads as zero."""
    from budgetxl.textimport import read_disclosure_text

    def edit(lines):
        out, in_t3 = [], False
        for line in lines:
            if line.endswith("部门预算支出总表"):
                in_t3 = True
            elif line.endswith("部门预算财政拨款收支总表"):
                in_t3 = False
            out.append("\t-" if in_t3 and line == "\t" else line)
        return out
    base, _ = read_disclosure_text(seed_tables_path)
    variant = _seed_variant(seed_tables_path, tmp_path, edit)
    assert "\t-\n" in variant.read_text("utf-8")
    other, _ = read_disclosure_text(variant)
    assert other.inputs == base.inputs and other.mismatches() == []


@pytest.mark.parametrize("sample", ["451_2024", "putuo_zfb_2025"])
def test_demo_says_real_problems_only_when_there_are_findings(tmp_path, sample):
    """The demo calls the findings the published document's real problems only when there are
    some. Both samples have theirs: the Hebei seed its known errors, the Shanghai sample (document
    05) the 团组数/人次 and 批次/人次 its text does not state beside 因公出国 839 and 公务接待 28.50 万元 (W505)."""
    from budgetxl.check.runner import check_file
    from budgetxl.demo import _check
    from budgetxl.sample import load_sample
    from budgetxl.template import write_template

    write_template(load_sample(sample), tmp_path / "e.xlsx")
    (result,) = check_file(tmp_path / "e.xlsx")
    lines = list(_check(tmp_path / "e.xlsx", tmp_path, sample))
    found = result.count("error") + result.count("warning")
    assert ("真实问题" in lines[0]) == bool(found), lines[0]
    assert f"错误 {result.count('error')} 个，警告 {result.count('warning')} 个" in lines[0]
    if not found:
        assert "未发现问题" in lines[0]
    assert found
    if sample == "putuo_zfb_2025":
        assert {f.code for f in result.findings if f.severity in ("error", "warning")} == {"W505"}
