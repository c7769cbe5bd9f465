"""The one cell behind several findings (X100): see :mod:`budgetxl.check.cause`."""

from __future__ import annotations

from ..registry import Rule, register


@register
class X100(Rule):
    """一个数导致多项校验不符：改动这一个单元格就能使这些校验全部一致，它就是要改的数。

    其他规则查出的不符（表内合计、表间对应、收支平衡等）都折叠在这一条之下，并给出条数；能看出原因时
    一并说明（按“元”填写了“万元”的表、小数点位置、数字颠倒、填错行或栏）。无法读取的单元格（V02）和
    模板被改动（I04、I05）也各自只报一条，受其影响的校验折叠在其下。这一步在其他规则之后进行，
    不选这条规则（--ignore X100）时逐条列出所有不符。

    失败示例：支出总表 2040250 事业运行 基本支出 填 753.75（应为 735.75），收入总表与支出总表、收支总表
    收支平衡、财政拨款支出等 5 项校验因此不符：报一条 X100，指向支出总表该单元格。
    通过示例：只有一项校验不符，或不符的校验没有一个共同的单元格能解释：逐条报告。
    """
    code, title, severity, group = "X100", "一个数导致多项校验不符", "error", "表间"
    needs = ("findings",)  # runs after the other rules, over their findings

    def check(self, ctx):
        return iter(())  # this rule adds no finding of its own from the budget: see fold()

    def fold(self, ctx, findings):
        import dataclasses

        from ..cause import corrected_budget, organize
        from ..registry import all_rules
        from ..runner import unknown

        numeric = [r() for r in all_rules() if r.group in ("表内", "表间") and "findings" not in r.needs]

        def rerun(corrections):
            c = dataclasses.replace(ctx, budget=corrected_budget(ctx.budget, corrections))
            n = 0
            for rule in numeric:
                try:
                    n += sum(1 for f in rule.check(c) if f.severity == "error" and not unknown(f))
                except Exception:  # a rule that fails here fails in the real run too, and says so there
                    continue
            return n

        return organize(ctx, findings, attribute=True, rerun=rerun)
