"""Data-driven rule tests: ``tests/rules/<CODE>.toml`` holds cases that must fail and cases that
must pass, each a small change to the sample unit (a real, consistent budget).

Case fields (all optional except name and expect)::

    [[case]]
    name = "digits swapped"
    expect = "fail"                 # or "pass"
    kind = "facts"                  # context kind: facts (default), text, workbook or document
    quantum = "0.01"                 # kind = "document": every figure printed to this unit
    set = [["表", "科目编码或行标签", "栏目", "金额"], ...]     # input cells (金额 "" = 0)
    given = [["表", "行", "栏目", "金额"], ...]                  # supplied values of derived cells
    names = [["表", "科目编码", "名称"], ...]                     # names as written
    narrative = { operating = "…" }                              # replace narrative sections
    supplement = { title = "…" }                                 # set other supplement entries
    previous = { total = "1587.23" }                             # last year's totals
    projects = [{ index = 0, budget = "1.00", plan = ["1", "2", "3", "4"] }]
    procurement = [{ index = 0, quantity = "13" }]               # index = -1 appends a line
    assets = { values = { office = { value = "900.00" } }, as_of = "2023-12-31" }
    sections = [{ heading = "实施主体", needs = "body" }]          # add [[disclosure.sections]] to the profile
    read_findings = [{ code = "I05", severity = "error", message = "…", sheet = "支出总表", cell = "D7" }]
    message = "数字颠倒"              # a fail case: some finding's message contains this
    cell = "D15"                     # a fail case with kind = "workbook": the finding's cell
    severity = "warning"             # a fail case: the findings' severity
"""

import copy
import dataclasses
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

import budgetxl
from budgetxl.check import all_rules
from budgetxl.check.context import CheckContext
from budgetxl.check.runner import check_budget
from budgetxl.findings import Finding

CASES = Path(__file__).parent / "rules"
_SAMPLE = budgetxl.load_sample()


def _load_cases():
    out = []
    for path in sorted(CASES.glob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        for case in data.get("case", []):
            out.append(pytest.param(path.stem, case, id=f"{path.stem}-{case['name']}"))
    return out


def _amount(v):
    return Decimal(v) if v not in ("", None) else None


def _text_sample():
    from budgetxl.textimport import read_disclosure_text

    from .conftest import seed_file

    b, _ = read_disclosure_text(seed_file())
    b.supplement = _SAMPLE.supplement
    return b


def _printed_as(value, printed):
    """``value`` with every title and text in it passed through ``printed``."""
    if isinstance(value, dict):
        return {k: printed(v) if k in ("title", "text") and isinstance(v, str) else _printed_as(v, printed)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_printed_as(v, printed) for v in value]
    return value


def build_context(case: dict, base=None, table_name=lambda name: name, printed=lambda text: text) -> CheckContext:
    """The sample unit (from the seed text for kind = "text"; or ``base``, with the cases' table
    names mapped by ``table_name`` and the printed titles and paragraphs of its supplement by
    ``printed``) with the case's changes applied."""
    if base is None:
        base = _text_sample() if case.get("kind") == "text" else _SAMPLE
    b = copy.deepcopy(base, {id(base.profile): base.profile})
    if "sections" in case:  # parts the profile's document must state ([[disclosure.sections]]), for this case
        from budgetxl.roles import SectionNeed

        prof, roles = copy.copy(b.profile), copy.copy(b.profile.roles)
        roles.disclosure = dataclasses.replace(roles.disclosure, sections=roles.disclosure.sections + tuple(
            SectionNeed(x["heading"], x.get("name", x["heading"]), x["needs"]) for x in case["sections"]))
        prof.roles = roles
        b.profile = prof
    for table, row, col, amount in case.get("set", []):
        table = table_name(table)
        key = b.resolve(table, row, col)
        if amount in ("", "0", "0.00"):
            if key[0] in b._codes and key[1] not in b._codes[key[0]]:
                b.add_code(key[0], key[1])
            b.remove_input(key)
        else:
            b.set(table, row, col, amount)
    for table, row, col, amount in case.get("given", []):
        b.set_given(b.resolve(table_name(table), row, col), Decimal(amount))
    for table, code, name in case.get("names", []):
        t = b.profile.table(table_name(table))
        b.add_code(t.id, code, name)
    sup = b.supplement
    sup["narrative"].update(case.get("narrative", {}))
    for k, v in case.get("supplement", {}).items():  # other supplement entries (title, table_notes …)
        sup[k] = _printed_as(v, printed)
    for k, v in case.get("previous", {}).items():
        sup["previous"][k] = _amount(v)
    for patch in case.get("projects", []):
        patch = dict(patch)
        i = patch.pop("index")
        rec = sup["projects"][i] if i >= 0 else sup["projects"].append(copy.deepcopy(sup["projects"][0])) or \
            sup["projects"][-1]
        for k, v in patch.items():
            if k == "plan":
                rec[k] = [_amount(x) for x in v]
            elif k == "indicators":
                rec[k] = v
            elif k in ("budget", "fiscal", "other"):
                rec[k] = _amount(v)
            else:
                rec[k] = v
    money = {f["key"] for f in b.profile.parts["procurement"]["fields"] if f["type"] in ("money", "number")}
    for patch in case.get("procurement", []):
        patch = dict(patch)
        i = patch.pop("index")
        rec = sup["procurement"][i] if i >= 0 else sup["procurement"].append(copy.deepcopy(sup["procurement"][0])) or \
            sup["procurement"][-1]
        for k, v in patch.items():
            rec[k] = _amount(v) if k in money else v
    assets = case.get("assets", {})
    if "as_of" in assets:
        sup["assets"]["as_of"] = assets["as_of"]
    for row, vals in assets.get("values", {}).items():
        for k, v in vals.items():
            sup["assets"]["values"][row][k] = _amount(v)
    read = [Finding(f["code"], f.get("severity", "error"), f.get("message", ""), sheet=f.get("sheet"),
                    cell=f.get("cell")) for f in case.get("read_findings", [])]
    positions = {}
    if case.get("kind") == "workbook":
        from budgetxl.reader.entry import read_entry

        from .conftest import REPO

        positions = read_entry(REPO / "samples" / "451_2024" / "entry.xlsx").positions
    quanta = {}
    if "quantum" in case:  # a published document: every figure printed (rounded) to this unit
        quanta = {key: Decimal(case["quantum"]) for key in [*b.inputs, *b.given]}
    return CheckContext(b, "case.xlsx", positions, read, kind=case.get("kind", "facts"), quanta=quanta)


@pytest.mark.parametrize("code, case", _load_cases())
def test_rule_case(code, case):
    rules = [r for r in all_rules() if r.code == code]
    assert rules, f"no rule {code}"
    if "findings" in rules[0].needs:  # a rule over the other rules' findings (X100): run them all
        findings = [f for f in check_budget(build_context(case), all_rules()) if f.code == code]
    else:
        findings = check_budget(build_context(case), rules)
    assert not [f for f in findings if "执行出错" in f.message], findings
    if case["expect"] == "pass":
        assert findings == [], [str(f) for f in findings]
    else:
        assert findings, f"{code} found nothing"
        if "message" in case:
            assert any(case["message"] in f.message for f in findings), [str(f) for f in findings]
        if "cell" in case:
            assert any(f.cell == case["cell"] for f in findings), [(f.cell, str(f)) for f in findings]
        if "severity" in case:
            assert {f.severity for f in findings} == {case["severity"]}, [(f.severity, str(f)) for f in findings]


def test_every_rule_has_failing_and_passing_cases():
    have: dict[str, set] = {}
    for path in CASES.glob("*.toml"):
        for case in tomllib.loads(path.read_text("utf-8")).get("case", []):
            have.setdefault(path.stem, set()).add(case["expect"])
    missing = [r.code for r in all_rules() if have.get(r.code) != {"fail", "pass"}]
    assert missing == [], f"rules without both a failing and a passing case: {missing}"


def test_every_rule_is_documented():
    for r in all_rules():
        fail, ok = r.examples()
        assert r.title and r.summary() and fail and ok, r.code
        assert r.severity in ("error", "warning", "info")


SEED_REAL_ERRORS = {"W102", "W103", "A103"}  # wrong year, another county's name, fixed assets vs procurement


def test_sample_has_no_false_errors():
    """The sample's tables are consistent: the only errors are the seed's real ones in its text."""
    findings = check_budget(build_context({}), all_rules())
    errors = [f for f in findings if f.severity == "error"]
    assert [str(f) for f in errors if f.code not in SEED_REAL_ERRORS] == []
    assert {f.code for f in errors} == SEED_REAL_ERRORS
