"""完整性: what the reader noticed about a returned workbook (template fingerprint, sheets, rows,
formulas, cached values, protection, hidden lists) and about messy or unreadable cells."""

from __future__ import annotations

from ..registry import Rule, register


class _ReadRule(Rule):
    group = "完整性"
    needs = ("workbook",)

    def check(self, ctx):
        for f in ctx.read_findings:
            if f.code == self.code:
                yield f


@register
class I01(_ReadRule):
    """模板指纹缺失或不一致。

    失败示例：指纹工作表 _budgetxl 被删除，或文档属性中的 formula_hash 与指纹工作表不同。
    通过示例：budgetxl template 生成、填报后直接保存的工作簿。
    """
    code, title, severity = "I01", "模板指纹缺失或不一致", "error"


@register
class I02(_ReadRule):
    """模板的表样未知，或由另一版本的 budgetxl 生成。

    失败示例：指纹中 profile=shanghai-2024 而本工具只认识 hebei-2024。
    通过示例：指纹中的表样和版本与当前一致。
    """
    code, title, severity = "I02", "模板表样或版本不符", "error"


@register
class I03(_ReadRule):
    """工作表缺失、改名、新增或顺序被调整。

    失败示例：“支出总表”被改名为“支出表”。
    通过示例：工作表名称和顺序与模板一致。
    """
    code, title, severity = "I03", "工作表结构被改动", "error"


@register
class I04(_ReadRule):
    """表格区域中插入或删除了行、列，数据可能错位。

    失败示例：在“收入总表”第 8 行前插入一行。
    通过示例：只在黄色单元格和预留空行中填报。
    """
    code, title, severity = "I04", "行或列被插入、删除", "error"


@register
class I05(_ReadRule):
    """锁定的公式被覆盖为常数或改成别的公式，或锁定的单位信息被修改。

    失败示例：把“合计”单元格的公式改成手填的 1573.23。
    通过示例：公式单元格保持模板原样。
    """
    code, title, severity = "I05", "公式或锁定单元格被改动", "error"


@register
class I06(_ReadRule):
    """公式未被改动的单元格保存的值不是按当前输入数计算的值：保存时没有重新计算。

    公式被改成常数的单元格报 I05（其缓存值不符折叠在 I05 之下）；在预留行的类、款编码上填的金额报
    V06 或 H101，都不报 I06。budgetxl 总是按输入数重新计算，不采用保存的值。

    失败示例：用不重新计算的工具改了输入数后保存，合计仍显示旧值。
    通过示例：在 Excel、WPS 或 LibreOffice 中填报并保存。
    """
    code, title, severity = "I06", "缓存值与重新计算值不符", "warning"


@register
class I07(_ReadRule):
    """工作表保护或工作簿结构保护被取消。

    失败示例：撤销了“支出总表”的工作表保护。
    通过示例：保护保持不变。
    """
    code, title, severity = "I07", "保护被取消", "warning"


@register
class I08(_ReadRule):
    """隐藏的代码表（下拉列表来源）被修改或取消隐藏。

    失败示例：在“代码表”中改动了科目名称。
    通过示例：代码表保持隐藏且未改动。
    """
    code, title, severity = "I08", "代码表被改动", "error"


@register
class I09(_ReadRule):
    """输入单元格中填了公式（按其计算结果读取）。

    失败示例：在“基本支出”输入格中填 =100+35.75。
    通过示例：输入格中直接填数字 135.75。
    """
    code, title, severity = "I09", "输入单元格中有公式", "warning"


@register
class V01(_ReadRule):
    """数据格式不规范，但含义明确，已按规范读取（文本型数字、千分位、全角数字、单位后缀、公开文档中科目编码少了前导零等）。

    失败示例：金额格中填“1,234.50”（文本）或“12.5万元”；公开的表中科目编码印作“301 | 2”（按 30102 读取）。
    通过示例：金额格中填数字 1234.5。
    """
    code, title, severity = "V01", "数据格式不规范（已读取）", "warning"
    needs = ()  # workbooks and published documents alike


@register
class V02(_ReadRule):
    """数据无法读取：不是数字、负数、超过两位小数、单位为“元”、编码格式错误等。

    失败示例：金额格中填“abc”、“-5”、“12.345”或“100元”。
    通过示例：金额格中填不小于 0、最多两位小数的数字。
    """
    code, title, severity = "V02", "数据无法读取", "error"


@register
class V06(_ReadRule):
    """金额填在了非末级科目（类、款）上，而其下没有明细：这个数不计入任何合计，也不会导出。

    只有末级科目（支出功能分类的 7 位项、经济分类的 5 位款）填金额，类、款由其下明细自动合计。
    其下有明细而与所填数不同时报 H101。

    失败示例：在预留行填科目编码 20503、基本支出 30.00，而没有填任何 20503xx 项。
    通过示例：在预留行填 2050301 和 30.00（20503、205 的合计自动计算）。
    """
    code, title, severity = "V06", "金额填在非末级科目上", "error"


@register
class V03(_ReadRule):
    """同一张表中同一科目编码出现两次。

    失败示例：预留行中再次填了已列出的 2040220。
    通过示例：每个科目编码只出现一次。
    """
    code, title, severity = "V03", "科目重复", "error"


@register
class V04(_ReadRule):
    """绩效指标所属的项目编码在项目表中找不到。

    失败示例：指标行的项目编码填成了不存在的编码。
    通过示例：指标行的项目编码从下拉列表中选择。
    """
    code, title, severity = "V04", "指标所属项目不存在", "warning"


@register
class V05(Rule):
    """已公开文本中有无法识别的内容（未知的行、不是数字的金额、格数不对的行、没有可读文字的页——只印成
    图片或字体没有文字映射），其余内容照常审核；依赖读不到的内容的审核列为“无法审核”，不按 0 计算。

    失败示例：收支总表中出现表样没有的行“六、其他收入”，或金额写成“12.3.4”。
    通过示例：按河北省 2024 年表样公开的九张表。
    """
    code, title, severity, group = "V05", "公开文本中有无法识别的内容", "error", "完整性"

    def check(self, ctx):
        for f in ctx.read_findings:
            if f.code == self.code:
                yield f
