"""Tests that hold the design (issue 13, item 8): what the tables mean is the profile's.

(a) A shipped profile copied with every table id, name, title, row key and column key renamed gives
    the same findings on the same data: the sample unit and every facts case of tests/rules/.
(b) No module under budgetxl/ holds a string literal equal to a table name, title, row label, row
    key or column header of a shipped profile.
"""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

import pytest

import budgetxl
from budgetxl.check.runner import check_budget, check_file
from budgetxl.facts import parse_facts
from budgetxl.resources import available_profiles, samples_dir
from budgetxl.factrows import FACT_COLUMNS
from budgetxl.spec import INPUT, TOTAL, TOTAL_LABEL, load_profile

from .profile_copy import rename_facts, renamed_copy
from .test_rules import _load_cases, build_context

PACKAGE = Path(budgetxl.__file__).parent


@pytest.fixture(scope="module")
def renamed(tmp_path_factory):
    d = tmp_path_factory.mktemp("renamed") / "profile"
    r = renamed_copy("hebei-2024", d)
    return r, load_profile(d)


def _unrename(text):
    """A message of the renamed profile in the original's words."""
    if text is None:
        return None
    text = re.sub(r"改名(.+?)表样", r"\1", str(text))
    text = re.sub(r"\bcol_(\w+?)_c\b", r"\1", text)
    text = re.sub(r"\brow_(\w+?)_r\b", r"\1", text)
    return re.sub(r"\btab(\d+)x\b", r"t\1", text)


def _key(f):
    return (f.code, f.severity, _unrename(f.message), _unrename(f.table), _unrename(f.sheet), f.cell, f.row, f.column,
            _unrename_text(f.expected), _unrename_text(f.actual), f.difference, f.tolerance)


def _unrename_text(value):
    """An expected or actual value: text (a printed title) in the original's words, figures as they are."""
    return _unrename(value) if isinstance(value, str) else value


def _sample_in(profile, names):
    src = (samples_dir() / "451_2024" / "facts.csv").read_text("utf-8-sig")
    (b,) = parse_facts(rename_facts(src, names), "facts.csv", profile)
    b.supplement = copy.deepcopy(budgetxl.load_sample().supplement)
    return b


def test_renamed_copy_is_really_renamed(renamed):
    r, prof = renamed
    orig = load_profile("hebei-2024")
    assert prof.id != orig.id and set(prof.tables).isdisjoint(orig.tables)
    assert {t.name for t in prof.tables.values()}.isdisjoint(t.name for t in orig.tables.values())
    keys = {c.key for t in orig.tables.values() for c in t.value_columns}
    assert keys.isdisjoint(c.key for t in prof.tables.values() for c in t.value_columns)
    rows = {k for t in orig.tables.values() if not t.coded for k in t.items}
    assert rows.isdisjoint(k for t in prof.tables.values() if not t.coded for k in t.items)


def test_renamed_copy_same_findings_on_sample(renamed, tmp_path):
    """The done-when of issue 13: `budgetxl check` of the sample facts with --profile the renamed copy."""
    r, prof = renamed
    src = samples_dir() / "451_2024"
    facts = tmp_path / "facts.csv"
    facts.write_text(rename_facts((src / "facts.csv").read_text("utf-8-sig"), r.table_names()), "utf-8")
    sup = budgetxl.load_sample().supplement
    (a,) = check_file(src / "facts.csv", supplement=copy.deepcopy(sup))
    (b,) = check_file(facts, profile=str(prof.directory), supplement=copy.deepcopy(sup))
    assert a.unreadable is None and b.unreadable is None
    assert a.findings, "the sample has findings to compare"
    assert [_key(f) for f in a.findings] == [_key(f) for f in b.findings]
    assert a.not_applicable == b.not_applicable == {}


def test_cli_check_with_renamed_profile_folder(renamed, tmp_path):
    from click.testing import CliRunner

    from budgetxl.cli import main

    r, prof = renamed
    src = samples_dir() / "451_2024" / "facts.csv"
    facts = tmp_path / "facts.csv"
    facts.write_text(rename_facts(src.read_text("utf-8-sig"), r.table_names()), "utf-8")
    one = CliRunner().invoke(main, ["check", str(src), "--format", "json"])
    two = CliRunner().invoke(main, ["check", str(facts), "--profile", str(prof.directory), "--format", "json"])
    assert one.exit_code == two.exit_code
    import json

    fa, fb = json.loads(one.output)["findings"], json.loads(two.output)["findings"]
    assert [(f["code"], f.get("cell"), f.get("expected"), f.get("actual")) for f in fa] == \
        [(f["code"], f.get("cell"), f.get("expected"), f.get("actual")) for f in fb]
    # without --profile the renamed tables are nobody's: a usage error naming the shipped profiles
    three = CliRunner().invoke(main, ["check", str(facts)])
    assert three.exit_code == 2 and "hebei-2024" in three.output


_FACT_CASES = [p for p in _load_cases() if p.values[1].get("kind", "facts") == "facts"]


@pytest.mark.parametrize("code, case", _FACT_CASES)
def test_renamed_copy_same_findings_on_rule_cases(renamed, code, case):
    r, prof = renamed
    names = r.table_names()
    base = _sample_in(prof, names)
    a = check_budget(build_context(case))
    b = check_budget(build_context(case, base, lambda n: names.get(n, n), lambda text: _renamed_text(text, names)))
    assert [_key(f) for f in a] == [_key(f) for f in b]


def _renamed_text(text: str, names: dict[str, str]) -> str:
    """A printed title or paragraph as the renamed profile's document prints it."""
    pattern = "|".join(re.escape(old) for old in sorted(names, key=len, reverse=True))
    return re.sub(pattern, lambda m: names[m.group(0)], text)


def test_profile_without_roles_makes_rules_not_applicable(tmp_path):
    """A profile that declares no roles: the rules that need them say so, and none crashes."""
    from click.testing import CliRunner

    from budgetxl.cli import main
    from budgetxl.resources import profile_dir

    d = tmp_path / "bare"
    d.mkdir()
    text = (profile_dir("hebei-2024") / "profile.toml").read_text("utf-8")
    text = text[:text.index("\n[roles]")]
    base = profile_dir("hebei-2024")
    for k in ("function_codes", "economic_codes", "places"):
        text = re.sub(rf'^{k} = "([^"]+)"', lambda m: f'{k} = "{(base / m.group(1)).resolve()}"', text, flags=re.M)
    (d / "profile.toml").write_text(text, "utf-8")
    (d / "parts.toml").write_text((base / "parts.toml").read_text("utf-8"), "utf-8")
    res = CliRunner().invoke(main, ["rules", "--profile", str(d)])
    assert res.exit_code == 0, res.output
    for code in ("X201", "X202", "X203", "X301", "H105", "P101", "W101", "W102", "W104", "Y101", "Y102"):
        line = next(x for x in res.output.splitlines() if x.startswith(code))
        assert "不适用" in line, line
    assert "不适用" not in next(x for x in res.output.splitlines() if x.startswith("H101"))
    (result,) = check_file(samples_dir() / "451_2024" / "facts.csv", profile=str(d),
                           supplement=copy.deepcopy(budgetxl.load_sample().supplement))
    assert result.unreadable is None
    assert "X301" in result.not_applicable and "W101" in result.not_applicable
    assert not [f for f in result.findings if "执行出错" in f.message]


# ------------------------------------------------------------------------------------------ (b)
def profile_literals() -> dict[str, str]:
    """Every table name, title, row label, row key and column header of the shipped profiles,
    with what it is. The formula language's own words (the 合计 row key and label of coded tables,
    "input") and the facts CSV's column names (the tool's file format, the same for every profile)
    are not a profile's."""
    out: dict[str, str] = {}
    for pid in available_profiles():
        p = load_profile(pid)
        for t in p.tables.values():
            out.setdefault(t.name, f"{pid} table name")
            out.setdefault(t.title, f"{pid} table title")
            for c in t.value_columns:
                out.setdefault(c.header, f"{pid} {t.id} column header")
            for it in t.items.values():
                out.setdefault(it.key, f"{pid} {t.id} row key")
                out.setdefault(it.label, f"{pid} {t.id} row label")
    for word in (TOTAL, TOTAL_LABEL, INPUT, *FACT_COLUMNS):
        out.pop(word, None)
    return out


def part_words(p) -> list[tuple[str, str]]:
    """The words of the supplementary parts a profile declares, as their entry sheets and printed
    forms show them: titles, field and column headers, groups, row labels, and every text of their
    ``entry`` and ``print`` declarations (sheet names, notes, labels)."""
    out = []
    for key in ("institutions", "projects", "procurement", "assets"):
        part = p.parts.get(key)
        if not part:
            continue
        out.append((f"{key} title", part["title"]))
        for fd in part.get("fields", []) + part.get("indicator_fields", []) + part.get("columns", []):
            out.append((f"{key} header", fd["header"]))
            if fd.get("group"):
                out.append((f"{key} group", fd["group"]))
        out += [(f"{key} row label", row["label"]) for row in part.get("rows", [])]
        keys = {fd["key"] for fd in part.get("fields", []) + part.get("indicator_fields", [])}
        for section in ("entry", "print"):  # their texts (a field's key names the field: not a word)
            out += [(f"{key}.{section}.{k}", v) for k, v in part.get(section, {}).items()
                    if isinstance(v, str) and v not in keys]
    return [(what, text.strip()) for what, text in out if text.strip()]


def literals_in_package(known: dict[str, str] | None = None, paths=None) -> list[tuple[str, int, str, str]]:
    """(module, line, literal, what it is) for every string constant of budgetxl/ (or of ``paths``)
    equal to one of ``known`` (the profiles' table words unless given)."""
    known = profile_literals() if known is None else known
    found = []
    for path in sorted(paths if paths is not None else PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                s = node.value.strip()
                if s in known:
                    found.append((str(path.relative_to(PACKAGE.parent)), node.lineno, s, known[s]))
    return found


# How many such literals remain (issue 13 drove this to zero); the test fails when one is added.
LITERALS_LEFT = 0


def test_no_profile_literals_in_package():
    found = literals_in_package()
    listing = "\n".join(f"{m}:{line}: {s!r} ({what})" for m, line, s, what in found)
    assert LITERALS_LEFT is not None and len(found) <= LITERALS_LEFT, f"{len(found)} literals:\n{listing}"



def part_literals() -> dict[str, str]:
    """The parts' words of every shipped profile, the tool's own (合计, the facts CSV's columns) aside."""
    out: dict[str, str] = {}
    for pid in available_profiles():
        for what, text in part_words(load_profile(pid)):
            out.setdefault(text, f"{pid} {what}")
    for word in (TOTAL_LABEL, *FACT_COLUMNS):
        out.pop(word, None)
    return out


# The modules that write and read the entry sheets of the supplementary parts: they take every
# word of those sheets from the parts' declarations (their fields, [<part>.entry], [<part>.print]).
ENTRY_SHEET_MODULES = sorted(PACKAGE.glob("template/*.py")) + [PACKAGE / "reader" / "entry.py"]
# Elsewhere (the project and procurement rules, the supplement's messages) part words remain:
# how many; the test fails when one is added. Generic words count too ("项目", "数量").
PART_LITERALS_LEFT = 27


def test_entry_sheets_of_the_parts_are_declared_not_written_in_python():
    assert {p.name for p in ENTRY_SHEET_MODULES} >= {"part_sheets.py", "tables.py", "unit_sheets.py", "lists.py",
                                                     "writer.py", "entry.py"}
    found = literals_in_package(part_literals(), ENTRY_SHEET_MODULES)
    assert not found, "\n".join(f"{m}:{line}: {s!r} ({what})" for m, line, s, what in found)


def test_part_literals_elsewhere_do_not_grow():
    found = literals_in_package(part_literals())
    listing = "\n".join(f"{m}:{line}: {s!r} ({what})" for m, line, s, what in found)
    assert PART_LITERALS_LEFT is not None and len(found) <= PART_LITERALS_LEFT, f"{len(found)} literals:\n{listing}"
