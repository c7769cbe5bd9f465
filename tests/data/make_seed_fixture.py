"""Write tests/data/seed_tables.json: the figures and labels of the seed's nine tables.

The seed (the published 2024 disclosure of unit 451) lives beside the repository in
../shared/seed/ (or $BUDGETXL_SEED_DIR); a fresh clone does not have it. This script takes from it
what the tests need of the nine tables — title line, unit line, year, header rows, 栏次 row, data
rows and the note under an empty table, every cell as printed — so that the reproduction tests run
anywhere. ``tests/test_seed_reproduction.py`` checks, when the seed is there, that the committed
file is what this script makes of it.

    python tests/data/make_seed_fixture.py            # rewrite the fixture
    python tests/data/make_seed_fixture.py --check    # exit 1 if it is out of date
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURE = HERE / "seed_tables.json"


def seed_dir() -> Path:
    return Path(os.environ.get("BUDGETXL_SEED_DIR", REPO.parent / "shared" / "seed"))


def seed_text_file() -> Path | None:
    files = sorted(seed_dir().glob("*.txt"))
    return files[0] if files else None


def build(seed: Path) -> str:
    sys.path.insert(0, str(REPO))
    from budgetxl.spec import load_profile
    from budgetxl.textblocks import blocks
    from budgetxl.textimport import find_tables

    data = seed.read_bytes()
    text = data.decode("utf-8")
    lines = text.splitlines()
    tables = []
    for pt in find_tables(text, load_profile()):
        info = next(blocks(lines, pt.line))[1]  # unit, 预算年度, 单位 as printed above the header
        tables.append({"id": pt.table.id, "title": lines[pt.line - 1].strip(), "info": info,
                       "header_rows": pt.header_rows, "lanci": pt.lanci, "rows": pt.rows, "note": pt.note})
    doc = {"source": seed.name, "sha256": hashlib.sha256(data).hexdigest(), "tables": tables}
    return _dump(doc) + "\n"


def _dump(doc: dict) -> str:
    """JSON with one printed row per line (diffs of the fixture stay readable)."""
    def cells(v):
        return json.dumps(v, ensure_ascii=False)

    out = ["{", f' "source": {cells(doc["source"])},', f' "sha256": {cells(doc["sha256"])},', ' "tables": [']
    for i, t in enumerate(doc["tables"]):
        out.append("  {")
        for k in ("id", "title", "info"):
            out.append(f"   {cells(k)}: {cells(t[k])},")
        for k in ("header_rows", "rows"):
            body = ",\n".join(f"    {cells(r)}" for r in t[k])
            out.append(f"   {cells(k)}: [\n{body}\n   ],")
        out.append(f'   "lanci": {cells(t["lanci"])},')
        out.append(f'   "note": {cells(t["note"])}')
        out.append("  }" + ("," if i < len(doc["tables"]) - 1 else ""))
    out += [" ]", "}"]
    return "\n".join(out)


def as_text(doc: dict) -> str:
    """The nine tables as a disclosure text again (title line, then one tab-indented cell per line,
    rows separated by blank lines, the note after the table): what budgetxl reads as a published text."""
    out = []
    for t in doc["tables"]:
        out.append(t["title"])
        for row in [t["info"], *t["header_rows"], t["lanci"], *t["rows"]]:
            out += ["\t" + c for c in row] + [""]
        if t["note"]:
            out += [t["note"], ""]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    seed = seed_text_file()
    if seed is None:
        print(f"no seed disclosure text (*.txt) in {seed_dir()}; set BUDGETXL_SEED_DIR", file=sys.stderr)
        return 2
    made = build(seed)
    if "--check" in argv:
        same = FIXTURE.is_file() and FIXTURE.read_text("utf-8") == made
        print(f"{FIXTURE.name} {'is up to date' if same else 'is out of date: run this script'}")
        return 0 if same else 1
    FIXTURE.write_text(made, "utf-8")
    print(f"wrote {FIXTURE} ({len(made)} characters) from {seed}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
