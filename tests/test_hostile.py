"""Regression tests for the failures the fuzzing campaign found (issue 12, D1-D11), each built
from its reproducer: every one is a clean exit 1 or 2 with a Chinese message naming the file
(and part, sheet or line) and what to do, with the limit named where a limit is hit."""

from __future__ import annotations

import csv
import io
import os
import random
import re
import signal
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetxl.cli import main

REPO = Path(__file__).resolve().parents[1]
ENTRY = REPO / "samples" / "451_2024" / "entry.xlsx"
FACTS = REPO / "samples" / "451_2024" / "facts.csv"
BARE = re.compile(r"\b[A-Z][A-Za-z]*(?:Error|Exception)\b|内部错误|Traceback")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def assert_refused(res, path: Path, *needles: str, code: int = 2):
    """Exit ``code``, the file named, no bare exception name, and each needle in the message."""
    out = res.output
    assert res.exit_code == code, out
    assert path.name in out, out
    assert not BARE.search(out), out
    for n in needles:
        assert n in out, out


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def write_parts(parts: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def sheet_part(parts: dict[str, bytes], name: str) -> str:
    from tests.fuzz.core import _sheet_parts

    return _sheet_parts(parts)[name]


def patch_member(raw: bytes, member: str, central_off: int, local_off: int, value: int) -> bytes:
    """Set a 16-bit field of one member in both its central and its local header."""
    b = bytearray(raw)
    end = raw.rfind(b"PK\x05\x06")
    n, _size, p = struct.unpack_from("<HII", raw, end + 10)
    for _ in range(n):
        nl, el, cl = struct.unpack_from("<HHH", b, p + 28)
        if b[p + 46:p + 46 + nl].decode() == member:
            local, = struct.unpack_from("<I", b, p + 42)
            struct.pack_into("<H", b, p + central_off, value)
            struct.pack_into("<H", b, local + local_off, value)
        p += 46 + nl + el + cl
    return bytes(b)


# ---------------------------------------------------------------------------------- D1, D2: zip members
@pytest.mark.parametrize("command", ["check", "export", "render"])
def test_d1_encrypted_member(tmp_path, command):
    """A worksheet whose 'encrypted' flag is set: RuntimeError from zipfile before, exit 3."""
    bad = tmp_path / "enc.xlsx"
    bad.write_bytes(patch_member(ENTRY.read_bytes(), "xl/worksheets/sheet5.xml", 8, 6, 1))
    args = {"check": [], "export": ["-o", tmp_path / "f.csv"], "render": ["-o", tmp_path / "o.xlsx"]}[command]
    res = run(command, bad, *args)
    assert_refused(res, bad, "xl/worksheets/sheet5.xml", "加密", "另存为")
    assert not list(tmp_path.glob("f.csv")) + list(tmp_path.glob("o.xlsx"))


@pytest.mark.parametrize("method", [9, 93, 99, 14])
def test_d2_unsupported_compression(tmp_path, method):
    bad = tmp_path / "m.xlsx"
    bad.write_bytes(patch_member(ENTRY.read_bytes(), "xl/worksheets/sheet3.xml", 10, 8, method))
    res = run("export", bad, "-o", tmp_path / "f.csv")
    assert_refused(res, bad, "xl/worksheets/sheet3.xml", f"压缩方式（编号 {method}）")


# ---------------------------------------------------------------------------------- D3, D5: the fingerprint
def _meta_cell(parts, key: str) -> tuple[str, str]:
    import python_calamine

    from budgetxl.template.layout import SHEET_META

    rows = python_calamine.CalamineWorkbook.from_path(str(ENTRY)).get_sheet_by_name(SHEET_META).to_python()
    row = next(i for i, r in enumerate(rows) if r and r[0] == key)
    return sheet_part(parts, SHEET_META), f"B{row + 1}"


def _with_meta(tmp_path, key_suffix: str, value: str) -> Path:
    from tests.fuzz.families.workbook import _cell_xml, _set

    parts = parts_of(ENTRY)
    import python_calamine

    from budgetxl.template.layout import SHEET_META

    rows = python_calamine.CalamineWorkbook.from_path(str(ENTRY)).get_sheet_by_name(SHEET_META).to_python()
    key = next(r[0] for r in rows if r and str(r[0]).endswith(key_suffix))
    part, ref = _meta_cell(parts, key)
    parts[part] = _set(parts[part], ref, lambda style: _cell_xml(ref, style, "text", value))
    return write_parts(parts, tmp_path / "meta.xlsx")


@pytest.mark.parametrize("value", ["9.9.9", "hebei-2023", "²⁰²⁴", "-1"])
def test_d3_non_integer_fingerprint(tmp_path, value):
    bad = _with_meta(tmp_path, ".spare", value)
    for command, extra in (("check", []), ("export", ["-o", tmp_path / "f.csv"])):
        res = run(command, bad, *extra)
        assert_refused(res, bad, "模板指纹", "原模板")


def test_d5_huge_spare_count_refused_at_once(tmp_path):
    bad = _with_meta(tmp_path, ".spare", "2013813")
    res = run("render", bad, "-o", tmp_path / "o.xlsx")  # refused before any layout is built (ran past 120 s)
    assert_refused(res, bad, "2013813", "上限 20000 行")


# ---------------------------------------------------------------------------------- D6: a far cell
@pytest.mark.parametrize("ref", ["SE99999", "BM1", "A50000", "a0050000"])
def test_d6_far_cell_refused_before_reading(tmp_path, ref):
    parts = parts_of(ENTRY)
    part = sheet_part(parts, "收入总表")
    row = re.sub(r"[A-Za-z]", "", ref)
    parts[part] = parts[part].replace(b"</sheetData>", f'<row r="{int(row)}"><c r="{ref}"><v>1</v></c></row>'
                                      .encode() + b"</sheetData>", 1)
    bad = write_parts(parts, tmp_path / "far.xlsx")
    res = run("export", bad, "-o", tmp_path / "f.csv")
    assert_refused(res, bad, "收入总表", "50000 行或 64 列")


def test_cells_without_position_refused(tmp_path):
    parts = parts_of(ENTRY)
    part = sheet_part(parts, "收入总表")
    parts[part] = parts[part].replace(b"</sheetData>", b'<row r="60">' + b"<c><v>1</v></c>" * 100 + b"</row></sheetData>", 1)
    bad = write_parts(parts, tmp_path / "norefs.xlsx")
    res = run("check", bad)
    assert_refused(res, bad, "收入总表", "r 属性")


# ---------------------------------------------------------------------------------- D4, D7: the facts CSV
@pytest.mark.parametrize("year", ["²⁰²⁴", "①②③④", "٢٠٢٤"])
def test_d4_year_in_other_digits(tmp_path, year):
    lines = FACTS.read_text("utf-8-sig").splitlines()
    lines[3] = lines[3].replace(",2024,", f",{year},", 1)
    bad = tmp_path / "year.csv"
    bad.write_text("\n".join(lines) + "\n", "utf-8")
    for command, extra in (("check", []), ("render", ["-o", tmp_path / "o.xlsx"])):
        res = run(command, bad, *extra)
        assert_refused(res, bad, "第4行", "四位数字年份")
    res = run("consolidate", bad, "-o", tmp_path / "c.xlsx", "--quiet")  # nothing to include: exit 2
    assert res.exit_code == 2 and "ValueError" not in res.output and "第4行" in res.output, res.output


def test_d7_million_lines_refused_up_front(tmp_path):
    lines = FACTS.read_text("utf-8-sig").splitlines()
    bad = tmp_path / "million.csv"
    with open(bad, "w", encoding="utf-8") as fh:
        fh.write(lines[0] + "\n")
        for _ in range(1_000_000 // 50):
            fh.write("\n".join(lines[1:51]) + "\n")
    res = run("check", bad)
    assert_refused(res, bad, "超过上限 500000 行")


def test_d7_lines_per_unit_limit(tmp_path):
    from budgetxl import facts

    lines = FACTS.read_text("utf-8-sig").splitlines()
    bad = tmp_path / "dup.csv"
    bad.write_text(lines[0] + "\n" + (lines[5] + "\n") * (facts.MAX_LINES_PER_UNIT + 10), "utf-8")
    res = run("check", bad)
    # the duplicates stop the reading at the problem limit, long before the end of the file
    assert_refused(res, bad, f"问题超过 {facts.MAX_PROBLEMS} 处", "第3行")
    many = tmp_path / "many.csv"
    body = lines[1:]
    with open(many, "w", encoding="utf-8") as fh:
        fh.write(lines[0] + "\n")
        for i in range(facts.MAX_LINES_PER_UNIT // len(body) + 2):  # one unit, distinct years would be legal
            fh.write("\n".join(line.replace(",2024,", ",2024,", 1) for line in body) + "\n")
    res = run("check", many)
    assert res.exit_code == 2 and "many.csv" in res.output


def test_facts_reader_is_streaming_and_linear():
    """Many units: each line read once (the given-line check was quadratic in the units)."""
    from budgetxl.facts import parse_facts

    lines = FACTS.read_text("utf-8-sig").splitlines()
    out = [lines[0]]
    for u in range(60):
        out += [str(100000 + u) + ln[ln.index(","):] for ln in lines[1:]]
    budgets = parse_facts("\n".join(out))
    assert len(budgets) == 60 and all(len(b.inputs) == len(budgets[0].inputs) for b in budgets)


# ---------------------------------------------------------------------------------- D8: a huge text
def test_d8_huge_text_refused(tmp_path, seed_path):
    from budgetxl.textimport import MAX_TEXT_BYTES, MAX_TEXT_LINES

    seed = seed_path.read_bytes()
    big = tmp_path / "big.txt"
    big.write_bytes(seed * (MAX_TEXT_BYTES // len(seed) + 2))
    assert_refused(run("check", big), big, f"超过上限 {MAX_TEXT_BYTES // 1048576} MB")
    tall = tmp_path / "tall.txt"
    tall.write_bytes(seed + b"\n" * MAX_TEXT_LINES)
    assert_refused(run("import-text", tall, "-o", tmp_path / "f.csv"), tall, f"超过上限 {MAX_TEXT_LINES} 行")


# ---------------------------------------------------------------------------------- D9: CSV injection
def test_d9_report_and_manifest_cells_never_formulas(tmp_path):
    from tests.fuzz.core import injected_cells
    from tests.fuzz.families.workbook import _cell_xml, _set

    parts = parts_of(ENTRY)
    part = sheet_part(parts, "收入总表")
    # a formula overwritten with another (its text reaches the report's expected/actual columns)
    m = re.search(rb'<c r="([A-Z]+\d+)"[^>]*><f>', parts[part])
    ref = m.group(1).decode()
    parts[part] = _set(parts[part], ref, lambda s: b'<c r="' + ref.encode() + b'"' + s
                       + b'><f>HYPERLINK("http://x","y")</f><v>0</v></c>')
    upart = sheet_part(parts, "单位信息")
    parts[upart] = _set(parts[upart], "B3", lambda s: _cell_xml("B3", s, "text", "=cmd|'/c calc'!A0"))
    bad = write_parts(parts, tmp_path / "inj.xlsx")
    run("check", bad, "--format", "csv", "-o", tmp_path / "report.csv")
    report = tmp_path / "report.csv"
    assert report.read_bytes().startswith(b"\xef\xbb\xbf")
    text = report.read_text("utf-8-sig")
    assert "'=HYPERLINK" in text or "'=cmd" in text, text
    assert injected_cells(report) == []
    res = run("consolidate", bad, "-o", tmp_path / "c.xlsx", "--quiet", "--include-errors")
    manifest = tmp_path / "c_清单.csv"
    assert manifest.exists(), res.output
    assert manifest.read_bytes().startswith(b"\xef\xbb\xbf") and injected_cells(manifest) == []


def test_every_csv_has_a_bom(tmp_path):
    assert run("export", ENTRY, "-o", tmp_path / "f.csv").exit_code == 0
    assert (tmp_path / "f.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    run("consolidate", ENTRY, "-o", tmp_path / "c.xlsx", "--facts", tmp_path / "d.csv", "--quiet")
    for name in ("c_清单.csv", "d.csv"):
        assert (tmp_path / name).read_bytes().startswith(b"\xef\xbb\xbf"), name


# ---------------------------------------------------------------------------------- D10: error values
@pytest.mark.parametrize("err", ["#DIV/0!", "#N/A", "#VALUE!"])
def test_d10_error_value_is_never_empty(tmp_path, err):
    from budgetxl.reader.entry import read_entry
    from tests.fuzz.families.workbook import _cell_xml, _set

    r = read_entry(ENTRY)
    key = sorted(r.budget.inputs)[0]
    sheet, ref = r.positions[key]
    parts = parts_of(ENTRY)
    part = sheet_part(parts, sheet)
    parts[part] = _set(parts[part], ref, lambda s: _cell_xml(ref, s, "formula_error", err))
    bad = write_parts(parts, tmp_path / "err.xlsx")
    res = run("export", bad, "-o", tmp_path / "f.csv")
    assert res.exit_code == 2, res.output  # was: exit 0 with 49 of 50 facts and no finding
    assert ref in res.output and err in res.output and "V02" in res.output or "无法读取" in res.output
    assert not (tmp_path / "f.csv").exists()
    found = [f for f in read_entry(bad).findings if f.code == "V02" and f.cell == ref]
    assert found and err in found[0].message


# ---------------------------------------------------------------------------------- D11: interrupted / concurrent
def _copies(tmp_path: Path, n: int) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    data = ENTRY.read_bytes()
    for i in range(n):
        (d / f"u{i:03d}.xlsx").write_bytes(data)
    return d


def _children(pid: int) -> set[int]:
    out = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out |= {int(x) for x in (task / "children").read_text().split()}
        except OSError:
            pass
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kill -9 and /proc checks are Linux")
def test_d11_kill_9_leaves_no_temp_file_and_no_worker(tmp_path):
    src = _copies(tmp_path, 60)
    out = tmp_path / "out"
    out.mkdir()
    cmd = [sys.executable, "-m", "budgetxl.cli", "consolidate", str(src), "-o", str(out / "汇总.xlsx"),
           "--jobs", "2", "--quiet"]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    workers: set[int] = set()
    for _ in range(1200):  # up to a minute
        if len(workers) >= 2 or proc.poll() is not None:
            break
        workers |= _children(proc.pid)
        time.sleep(0.05)
    assert workers, "the consolidation never started its workers"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(1.0)
    alive = [w for w in workers if _alive(w)]
    for w in alive:  # clean up before failing
        os.kill(w, signal.SIGKILL)
    assert alive == [], "workers outlived their parent"
    assert [p.name for p in out.iterdir()] == [], "a killed run left files behind"


def test_d11_sigterm_unwinds(tmp_path):
    src = _copies(tmp_path, 40)
    out = tmp_path / "out"
    out.mkdir()
    cmd = [sys.executable, "-m", "budgetxl.cli", "consolidate", str(src), "-o", str(out / "汇总.xlsx"),
           "--jobs", "2", "--quiet"]
    proc = subprocess.Popen(cmd, env=dict(os.environ, PYTHONPATH=str(REPO)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    for _ in range(1200):  # up to a minute
        if len(_children(proc.pid)) >= 2 or proc.poll() is not None:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert [p.name for p in out.iterdir()] == []


def test_d11_second_writer_to_the_same_output_fails(tmp_path):
    from budgetxl.fileio import exclusive_output

    target = tmp_path / "汇总.xlsx"
    code = ("import sys; from budgetxl.fileio import exclusive_output\n"
            "with exclusive_output(sys.argv[1]):\n    print('held', flush=True); sys.stdin.read()\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(target)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, env=dict(os.environ, PYTHONPATH=str(REPO)))
    try:
        assert holder.stdout.readline().strip() == b"held"
        res = run("consolidate", ENTRY, "-o", target, "--quiet")
        assert_refused(res, target, "另一个 budgetxl 进程正在写出")
        assert not target.exists()
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    with exclusive_output(target):  # released with its holder
        pass
    assert run("consolidate", ENTRY, "-o", target, "--quiet").exit_code == 0


# ---------------------------------------------------------------------------------- damaged containers
@pytest.mark.parametrize("damage", ["truncated_xml", "bad_utf8", "duplicate_member"])
def test_damaged_container_messages_are_chinese(tmp_path, damage):
    parts = parts_of(ENTRY)
    part = sheet_part(parts, "单位信息")
    if damage == "truncated_xml":
        parts[part] = parts[part][: len(parts[part]) // 2]
        bad = write_parts(parts, tmp_path / "d.xlsx")
    elif damage == "bad_utf8":
        parts[part] = parts[part].replace(b"<sheetData>", b"<sheetData>\xff\xfe", 1)
        bad = write_parts(parts, tmp_path / "d.xlsx")
    else:
        import warnings

        bad = tmp_path / "d.xlsx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as z:
                for n, d in parts.items():
                    z.writestr(n, d)
                z.writestr("xl/workbook.xml", b"<x/>")
    for command, extra in (("check", []), ("export", ["-o", tmp_path / "f.csv"])):
        res = run(command, bad, *extra)
        assert res.exit_code == 2, res.output
        assert bad.name in res.output and not BARE.search(res.output), res.output
        assert "另存为" in res.output or "损坏" in res.output, res.output


# ---------------------------------------------------------------------------------- full campaign, seed 1
def _derived_cell_with_error(parts, sheet: str, ref: str, err: str, keep_formula: bool) -> None:
    from tests.fuzz.families.workbook import _cell_xml, _set

    part = sheet_part(parts, sheet)
    if not keep_formula:
        parts[part] = _set(parts[part], ref, lambda s: _cell_xml(ref, s, "error", err))
        return
    xml = parts[part]
    m = re.search(rb'<c r="' + ref.encode() + rb'"([^>]*)>(<f>.*?</f>)<v>[^<]*</v></c>', xml, re.S)
    assert m, "the derived cell has a formula and a cached value"
    cell = b'<c r="' + ref.encode() + b'"' + m.group(1) + b' t="e">' + m.group(2) + b"<v>" + err.encode() + b"</v></c>"
    parts[part] = xml[:m.start()] + cell + xml[m.end():]


@pytest.mark.parametrize("keep_formula", [False, True], ids=["value_only", "formula_kept"])
@pytest.mark.parametrize("command", ["export", "check"])
def test_error_value_in_a_formula_cell_is_said(tmp_path, keep_formula, command):
    """Full campaign seed 1, cells#1000067 (figure_error + any, export): 收支总表!E13, a formula
    cell, given '#N/A', and another row's label D9 given TRUE. The label error (I04) skips the
    sheet's formula check, so the error value was said nowhere: exit 1 with no finding naming
    E13. A derived cell whose value is not an amount is now a finding for that cell, with or
    without a damaged label, and with its formula intact or not."""
    from budgetxl.reader.entry import read_entry
    from tests.fuzz.families.workbook import _cell_xml, _set

    r = read_entry(ENTRY)
    derived = {r.positions[k] for k in r.positions if k not in r.budget.inputs}
    assert ("收支总表", "E13") in derived and ("收支总表", "E13") not in {r.positions[k] for k in r.budget.inputs}
    parts = parts_of(ENTRY)
    _derived_cell_with_error(parts, "收支总表", "E13", "#N/A", keep_formula)
    part = sheet_part(parts, "收支总表")
    parts[part] = _set(parts[part], "D9", lambda s: _cell_xml("D9", s, "bool", "1"))
    bad = write_parts(parts, tmp_path / "bad.xlsx")
    found = [f for f in read_entry(bad).findings if f.cell == "E13" and f.sheet == "收支总表"]
    assert found and "#N/A" in found[0].message, [f.message for f in read_entry(bad).findings]
    args = ["-o", tmp_path / "f.csv"] if command == "export" else ["--format", "csv", "-o", tmp_path / "r.csv"]
    res = run(command, bad, *args)
    assert res.exit_code == 1, res.output  # the I04 error
    said = res.output + ((tmp_path / "r.csv").read_text("utf-8-sig") if command == "check" else "")
    assert "E13" in said and "#N/A" in said, said
    # without the damaged label the same cell is named too (the formula check or the new finding)
    parts = parts_of(ENTRY)
    _derived_cell_with_error(parts, "收支总表", "E13", "#REF!", keep_formula)
    only = write_parts(parts, tmp_path / "only.xlsx")
    assert any(f.cell == "E13" for f in read_entry(only).findings)


@pytest.mark.parametrize("s", ["²", "①", "٢٠٢٤", "２０２４", "2²", "¹²³"])
def test_ascii_digits_refuses_other_digits(s):
    from budgetxl.labels import ascii_digits

    assert s.isdigit() or s.isnumeric()  # what str.isdigit() accepts …
    assert not ascii_digits(s)  # … is not a code or a count
    assert ascii_digits("2024") and ascii_digits("0") and not ascii_digits("")


@pytest.mark.parametrize("code", ["2²01", "①"])
def test_code_list_and_search_refuse_unicode_digits(tmp_path, code):
    from budgetxl.codes import load_code_list

    p = tmp_path / "codes.csv"
    p.write_text(f"科目编码,科目名称\n201,一般公共服务支出\n{code},坏编码\n20101,人大事务\n", "utf-8")
    try:
        cl = load_code_list(p, "function")
    except Exception as e:  # a refusal must be the project's own, naming the code
        from budgetxl.errors import BudgetxlError

        assert isinstance(e, BudgetxlError) and code in str(e), repr(e)
    else:
        assert code not in cl.entries
        assert cl.search("²") == [] or all(c.isascii() for c, _ in cl.search("²"))


def test_arithmetic_words_count_in_unicode_digits():
    from budgetxl.check.rules.arithmetic_words import cn_number

    assert cn_number("12") == 12 and cn_number("十二") == 12
    assert cn_number("²") is None and cn_number("①②") is None  # was: int('²') raised ValueError


# ---------------------------------------------------------------------------------- all_or_nothing and kill -9
_WRITER = r'''
import sys
from pathlib import Path
from budgetxl.fileio import all_or_nothing, atomic_path

out = Path(sys.argv[1])
targets = [out / "汇总.xlsx", out / "汇总_清单.csv", out / "汇总_数据.csv"]
with all_or_nothing(targets) as tmps:
    for n, t in enumerate(tmps):
        with atomic_path(t) as tmp, open(tmp, "wb") as fh:
            for chunk in range(3):
                fh.write(b"x" * 65536)
                fh.flush()
                print(f"writing {n} {chunk}", flush=True)
                sys.stdin.readline()  # held here, half written, until the parent says go (or kills)
print("done", flush=True)
'''


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="O_TMPFILE and kill -9 are Linux")
@pytest.mark.parametrize("existing", [False, True], ids=["new", "force"])
def test_all_or_nothing_kill_9_leaves_no_part_file(tmp_path, existing):
    """kill -9 of a process in the middle of the final write of several outputs (the
    consolidation's workbook, manifest and data): nothing named is left, at every point of the
    write; and (a run let to finish) all outputs appear complete."""
    script = tmp_path / "w.py"
    script.write_text(_WRITER, "utf-8")
    names = ["汇总.xlsx", "汇总_清单.csv", "汇总_数据.csv"]
    for stop in range(9):  # every point: 3 outputs x 3 chunks
        out = tmp_path / f"o{stop}"
        out.mkdir()
        if existing:
            for n in names:
                (out / n).write_bytes(b"old")
        proc = subprocess.Popen([sys.executable, str(script), str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                env=dict(os.environ, PYTHONPATH=str(REPO)))
        for _ in range(stop + 1):
            assert proc.stdout.readline().startswith(b"writing")
            if _ < stop:
                proc.stdin.write(b"go\n")
                proc.stdin.flush()
        os.kill(proc.pid, signal.SIGKILL)  # held half way through a write
        proc.wait()
        proc.stdin.close()
        proc.stdout.close()
        left = sorted(p.name for p in out.iterdir())
        assert left == (sorted(names) if existing else []), (stop, left)
        if existing:
            assert all((out / n).read_bytes() == b"old" for n in names), stop
    out = tmp_path / "done"
    out.mkdir()
    if existing:
        for n in names:
            (out / n).write_bytes(b"old")
    res = subprocess.run([sys.executable, str(script), str(out)], input=b"go\n" * 9, capture_output=True,
                         env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    assert res.returncode == 0 and res.stdout.endswith(b"done\n"), res.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    assert all((out / n).stat().st_size == 3 * 65536 for n in names)


def test_all_or_nothing_exception_leaves_nothing(tmp_path, monkeypatch):
    """A writer failing half way: no output appears, no temporary is left (anonymous files and,
    without O_TMPFILE, the named fallback)."""
    from budgetxl.fileio import all_or_nothing, atomic_path

    for named in ("", "1"):
        monkeypatch.setenv("BUDGETXL_NAMED_TEMP", named) if named else monkeypatch.delenv("BUDGETXL_NAMED_TEMP",
                                                                                         raising=False)
        out = tmp_path / f"o{named}"
        out.mkdir()
        targets = [out / "a.xlsx", out / "b.csv"]
        with pytest.raises(ZeroDivisionError):
            with all_or_nothing(targets) as tmps:
                with atomic_path(tmps[0]) as t, open(t, "wb") as fh:
                    fh.write(b"a")
                with atomic_path(tmps[1]) as t, open(t, "wb") as fh:
                    fh.write(b"b")
                    1 / 0
        assert list(out.iterdir()) == []
        with all_or_nothing(targets) as tmps:
            for n, tmp in enumerate(tmps):
                assert tmp.suffix == targets[n].suffix  # writers choose the format by it (.parquet)
                with atomic_path(tmp) as t, open(t, "wb") as fh:
                    fh.write(b"%d" % n)
        assert sorted(p.name for p in out.iterdir()) == ["a.xlsx", "b.csv"]
        assert (out / "a.xlsx").read_bytes() == b"0" and (out / "b.csv").read_bytes() == b"1"


def test_stale_replace_link_of_a_dead_process_is_swept(tmp_path):
    """The one window of an existing target (link, then rename over it): a link a killed process
    left is removed before the next write of that target; a live process's is not."""
    from budgetxl.fileio import atomic_path

    target = tmp_path / "r.csv"
    target.write_bytes(b"old")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".r.csv.{int(dead.stdout)}.0123abcd.tmp"
    live = tmp_path / f".r.csv.{os.getppid()}.0123abcd.tmp"
    stale.write_bytes(b"half")
    live.write_bytes(b"half")
    with atomic_path(target) as t, open(t, "wb") as fh:
        fh.write(b"new")
    assert target.read_bytes() == b"new" and not stale.exists() and live.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kill -9 and /proc checks are Linux")
def test_consolidation_killed_at_any_moment_leaves_only_complete_outputs(tmp_path):
    """A real consolidation killed with SIGKILL at moments spread over its run (reading, writing
    the workbook, manifest and data): never a temporary or half-written file, never a live
    worker. The moments are waits, not assertions: whatever moment the kill lands on, only
    complete outputs may exist."""
    src = _copies(tmp_path, 24)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    names = {"汇总.xlsx", "汇总_清单.csv", "汇总_数据.csv"}
    for n, wait in enumerate([0.0, 0.3, 1.0, 2.0, 3.0, 4.5, 6.0, 9.0]):
        out = tmp_path / f"out{n}"
        out.mkdir()
        cmd = [sys.executable, "-m", "budgetxl.cli", "consolidate", str(src), "-o", str(out / "汇总.xlsx"),
               "--facts", str(out / "汇总_数据.csv"), "--jobs", "2", "--quiet"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        workers: set[int] = set()
        for _ in range(int(wait / 0.05) + 1):
            if proc.poll() is not None:
                break
            workers |= _children(proc.pid)
            time.sleep(0.05)
        if proc.poll() is None:
            workers |= _children(proc.pid)
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for _ in range(100):  # workers notice their parent's death (counted waits, no deadline)
            if not any(_alive(w) for w in workers):
                break
            time.sleep(0.1)
        alive = [w for w in workers if _alive(w)]
        for w in alive:
            os.kill(w, signal.SIGKILL)
        assert alive == [], f"kill after {wait} s: workers outlived their parent"
        left = {p.name for p in out.iterdir()}
        assert left <= names, f"kill after {wait} s left {sorted(left - names)}"
        if "汇总.xlsx" in left:
            with zipfile.ZipFile(out / "汇总.xlsx") as z:
                assert z.testzip() is None
        if "汇总_清单.csv" in left:
            assert (out / "汇总_清单.csv").read_bytes().startswith(b"\xef\xbb\xbf")
