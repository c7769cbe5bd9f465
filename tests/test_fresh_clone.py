"""README command 2 in a fresh clone: the tests need nothing outside the repository and time nothing.

Timings belong to benchmarks/ (scripts that print figures); a test that asserts on the wall clock
fails on a busy 2-core machine and proves nothing about the code.
"""

import re

from .conftest import REPO

CLOCK = re.compile(r"\b(?:time\.(?:perf_counter|monotonic|time|process_time)(?:_ns)?|perf_counter|monotonic)\s*\(")


def test_no_test_reads_the_wall_clock():
    offenders = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        if path.name == "test_fresh_clone.py" or not (path.name.startswith("test_") or path.name == "conftest.py"):
            continue  # helper scripts (tests/corpus/make_corpus.py) may print how long they took
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if CLOCK.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{n}: {line.strip()}")
    assert offenders == []


def test_seed_tables_fixture_in_the_repository(seed_tables):
    """The figures and labels of the seed's nine tables are committed (a clone has no ../shared)."""
    assert [t["id"] for t in seed_tables["tables"]] == [f"t{i}" for i in range(1, 10)]
    amounts = [c for t in seed_tables["tables"] for row in t["rows"] for c in row if re.fullmatch(r"\d+\.\d\d", c)]
    assert len(amounts) > 200


def test_only_skips_without_the_seed():
    """Without ../shared/seed a test that needs the seed text skips (with a reason) instead of failing."""
    import subprocess
    import sys

    env = {"BUDGETXL_SEED_DIR": str(REPO / "no-such-seed-folder"), "PATH": "/usr/bin:/bin"}
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
                          "tests/test_seed_reproduction.py", "tests/test_textparts.py"],
                         cwd=REPO, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:]
    assert "skipped" in res.stdout and "only its nine tables are in the repository" in res.stdout
