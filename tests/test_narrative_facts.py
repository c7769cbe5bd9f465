"""The narrative parser's building blocks against their plain definitions."""

import random

from budgetxl.check.narrative_facts import (AMOUNT_RE, CLAUSE_BREAKS, SENTENCE_BREAKS, YEAR_RE, _Spans, normalize,
                                            parse_section)


def _span(text: str, pos: int, breaks: str) -> tuple[int, int]:
    """The plain definition: from after the last break before ``pos`` to the first break from it."""
    s = max(text.rfind(b, 0, pos) for b in breaks) + 1
    ends = [i for i in (text.find(b, pos) for b in breaks) if i >= 0]
    return s, (min(ends) if ends else len(text))


def test_spans_found_once_equal_the_plain_search():
    """Clause and sentence spans from one scan and bisection equal a search around each position."""
    rng = random.Random(451)
    for _ in range(2000):
        text = "".join(rng.choice("ab。；;!\n?c！？，") for _ in range(rng.randint(0, 30)))
        clause, sentence = _Spans.pair(text)
        for pos in range(len(text) + 1):
            assert clause(pos) == _span(text, pos, CLAUSE_BREAKS), (text, pos)
            assert sentence(pos) == _span(text, pos, SENTENCE_BREAKS), (text, pos)
        assert all(parse_section("k", "k", text, 2024).sentence_of(p) == sentence(p) for p in range(len(text) + 1))


def test_normalize_folds_full_width_only_when_present():
    assert normalize("支出１,２３４．５６万元，减少－３％\u3000") == "支出1,234.56万元，减少-3% "
    plain = "基本支出978.93万元。"
    assert normalize(plain) is plain
    assert normalize(None) == ""


def test_year_and_amount_patterns():
    text = "2024年预算1,573.23万元，比上年减少14.00万元；本年度运行经费90.03万元，去年为1.5亿元，每人1200元/月"
    assert [m.group(0) for m in YEAR_RE.finditer(text)] == ["2024年", "上年", "本年度", "去年"]
    assert [m.group(0) for m in AMOUNT_RE.finditer(text)] == ["1,573.23万元", "14.00万元", "90.03万元", "1.5亿元"]
    sec = parse_section("x", "x", text, 2024)
    assert [(a.raw, a.kind, a.year.year if a.year else None) for a in sec.amounts] == [
        ("1,573.23万元", "plain", 2024), ("14.00万元", "change", 2024), ("90.03万元", "plain", 2024),
        ("1.5亿元", "plain", 2023)]


def test_profile_pickles_after_a_check():
    """A profile that has checked a text (its label cache filled) still goes to worker processes
    (template --out-dir, consolidate after check in one process)."""
    import pickle

    from budgetxl.check import all_rules
    from budgetxl.check.runner import check_file

    from .conftest import REPO

    check_file(REPO / "samples" / "451_2024" / "entry.xlsx", all_rules())
    import budgetxl

    b = budgetxl.load_sample()
    clone = pickle.loads(pickle.dumps(b.profile))
    assert clone.roles is not None
