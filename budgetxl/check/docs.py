"""Generate the rules reference (docs/rules.md) from the registry: ``python -m budgetxl.check.docs``."""

from __future__ import annotations

from ..findings import SEVERITY_CN
from .registry import GROUPS, all_rules


def rules_markdown() -> str:
    rules = all_rules()
    out = ["# budgetxl 审核规则", "",
           "本文件由 `python -m budgetxl.check.docs > docs/rules.md` 从规则注册表生成，请勿手改。",
           "按规则编码、分组或通配符选择：`budgetxl check --select X1*,文字 --ignore X301`。", "",
           "| 编码 | 分组 | 级别 | 规则 |", "|---|---|---|---|"]
    for r in sorted(rules, key=lambda r: (GROUPS.index(r.group), r.code)):
        out.append(f"| {r.code} | {r.group} | {SEVERITY_CN[r.severity]} | {r.title} |")
    for group in GROUPS:
        members = [r for r in rules if r.group == group]
        if not members:
            continue
        out += ["", f"## {group}"]
        for r in members:
            fail, ok = r.examples()
            body = r.doc().split("失败示例：")[0].strip()
            lines = body.splitlines()
            out += ["", f"### {r.code} {r.title}（{SEVERITY_CN[r.severity]}）", "", lines[0]]
            rest = "\n".join(lines[1:]).strip()
            if rest:
                out += ["", rest]
            out += ["", f"- 失败示例：{fail}", f"- 通过示例：{ok}"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(rules_markdown(), end="")
