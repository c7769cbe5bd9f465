"""Make tests/data/narrative_shapes.txt: the sentence shapes of real published 预算编制说明 paragraphs,
cut out of `pdftotext` of ../shared/realdocs/ (one paragraph a shape, every figure kept as
printed, line wraps kept where pdftotext put them). Shapes, not documents: only the first
paragraphs of each shape are kept. Run: python tests/data/make_narrative_shapes.py
"""

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
DOCS = HERE.parents[1] / ".." / "shared" / "realdocs"
SHAPES = [  # (document, the start of a paragraph to keep, how many consecutive paragraphs)
    ("02_sh_putuo_wanli_dept_2023.pdf", "1. “一般公共服务支出（类）统计信息事务（款）统计管理", 3),
    ("02_sh_putuo_wanli_dept_2023.pdf", "15. “社会保障和就业支出（类）", 2),
    ("04_sh_putuo_wanli_dept_2025.pdf", "21. “卫生健康支出（类）卫生健康支出（款）", 1),
    ("05_sh_putuo_zfb_dept_2025.pdf", "1. “一般公共服务支出-", 2),
    ("09_sh_putuo_czj_dept_2025.pdf", "6.“社会保障和就业支出（类）", 2),
    ("13_sh_city_czj_unit_2025.pdf", "1.“一般公共服务支出”", 2),
]


def paragraphs(text: str) -> list[str]:
    out, buf = [], []
    for line in text.split("\n"):
        if re.match(r"^\s*\d{1,2}\s*[.．]\s*[“\"]", line) and buf:
            out.append("\n".join(buf))
            buf = []
        if buf or re.match(r"^\s*\d{1,2}\s*[.．]\s*[“\"]", line):
            buf.append(line.rstrip())
            if not line.strip():
                out.append("\n".join(buf))
                buf = []
    if buf:
        out.append("\n".join(buf))
    return [p.strip() for p in out if p.strip()]


def main() -> int:
    out = []
    for doc, start, n in SHAPES:
        path = DOCS / doc
        if not path.is_file():
            print(f"missing {path}", file=sys.stderr)
            return 1
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        paras = paragraphs(text.replace("\f", "\n"))
        idx = next(i for i, p in enumerate(paras) if p.replace("\n", "").startswith(start))
        for p in paras[idx:idx + n]:
            out.append(f"# {doc}\n{p}")
    (HERE / "narrative_shapes.txt").write_text("\n\n".join(out) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
