"""``budgetxl demo``: the main job, end to end, on the bundled sample unit; then the other bundled
samples (another province's profile: Shanghai), each through template, check and publication."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .errors import BudgetxlError


def run_demo(directory: Path) -> Iterator[str]:
    from .facts import write_facts
    from .render.official import render_official
    from .sample import load_sample, sample_path

    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BudgetxlError(f"无法创建目录 {directory}（{e.strerror}）") from None
    budget = load_sample()
    yield f"示例单位：{budget.label}，{budget.year}年（数据：{sample_path('facts.csv')}）"
    stem = f"{budget.unit_code}_{budget.year}"

    facts = directory / f"{stem}_facts.csv"
    n = write_facts([budget], facts, derived=True)
    yield f"  数据（含派生数） {facts}  {n} 条"

    from .model import UnitBudget
    from .template import write_template

    prefilled = directory / f"{stem}_填报模板_预填.xlsx"
    write_template(budget, prefilled)
    tables = budget.profile.roles.wording.get("table_set") or f"{len(budget.profile.tables)}张表"
    yield f"  预填填报模板     {prefilled}  （{tables}+项目、采购、资产、情况说明，公式锁定）"
    blank = directory / f"{budget.unit_code}_{budget.year + 1}_填报模板_空白.xlsx"
    write_template(UnitBudget(budget.profile, budget.unit_code, budget.unit_name, budget.year + 1), blank)
    yield f"  空白填报模板     {blank}  （{budget.year + 1}年）"

    yield from _check(prefilled, directory, stem)

    official = directory / f"{stem}_公开表.xlsx"
    render_official(budget, official)
    yield f"  官方公开表       {official}  {tables}"

    yield from _publication(budget, directory, stem)
    roles = budget.profile.roles
    yield _headline(budget)
    yield from _other_samples(directory)
    yield f"完成，输出目录：{directory.resolve()}"


def _headline(budget) -> str:
    roles, profile = budget.profile.roles, budget.profile
    figures = [roles.headline_entry(k) for k in ("total", "basic", "project")]
    return "，".join(f"{h.name} {budget.evaluate(roles.figure(h.figure).node)} "
                    f"{profile.figure_unit(roles.figure(h.figure).node)}" for h in figures) + "。"


def _other_samples(directory: Path) -> Iterator[str]:
    """Every other bundled sample (another province's layout): template, check, tables, document."""
    from .render.document import render_document
    from .render.official import render_official
    from .sample import SAMPLE, load_sample, sample_path, samples
    from .template import write_template

    for name in samples():
        if name == SAMPLE:
            continue
        budget = load_sample(name)
        yield (f"示例单位（表样 {budget.profile.id}，{budget.profile.name}）：{budget.unit_name}，"
               f"{budget.year}年（数据：{sample_path('facts.csv', name)}）")
        stem = f"{name}"
        prefilled = directory / f"{stem}_填报模板_预填.xlsx"
        write_template(budget, prefilled)
        yield f"  预填填报模板     {prefilled}"
        yield from _check(prefilled, directory, stem)
        tables = directory / f"{stem}_公开表.xlsx"
        render_official(budget, tables, parts=True)
        yield f"  官方公开表       {tables}  {len(budget.profile.tables)}张表（按该省公开文件的版式）"
        document = directory / f"{stem}_预算公开.docx"
        render_document(budget, document)
        yield f"  公开文档         {document}"
        yield "  " + _headline(budget)


def _check(workbook: Path, directory: Path, stem: str) -> Iterator[str]:
    """Check the filled-in template as a finance bureau would, with a report and a marked copy."""
    from .check.report import annotate, as_json
    from .check.runner import check_file
    from .fileio import write_text_atomic
    from .findings import SEVERITY_CN

    (result,) = check_file(workbook)
    report = directory / f"{stem}_审核.json"
    write_text_atomic(report, as_json([result]) + "\n")
    marked = directory / f"{stem}_审核标注.xlsx"
    annotate(workbook, result.findings, marked)
    yield f"  审核             {report}、{marked}：{_verdict(result)}"
    for f in result.findings:
        yield f"    {f.code} {SEVERITY_CN[f.severity]} {f.sheet}!{f.cell}：{f.message[:60]}…"


def _verdict(result) -> str:
    """The check's counts; a sample is a published document's figures and texts, so what check
    finds in it are that document's own problems, and nothing found is said as such."""
    errors, warnings = result.count("error"), result.count("warning")
    if errors or warnings:
        return f"错误 {errors} 个，警告 {warnings} 个（即原公开文件中的真实问题）"
    return "错误 0 个，警告 0 个：原公开文件经审核未发现问题"


def _publication(budget, directory: Path, stem: str) -> Iterator[str]:
    """The complete publication: all tables (xlsx), the document (docx) and their PDFs."""
    from . import lo
    from .render.document import pdf_path, render_document, writer_available
    from .render.official import render_official

    tables = directory / f"{stem}_部门预算公开_全部表.xlsx"
    render_official(budget, tables, parts=True)
    n = len(budget.profile.tables)
    yield f"  全部公开表       {tables}  {n}张表+机构设置、项目绩效目标、政府采购、固定资产表"
    document = directory / f"{stem}_部门预算信息公开.docx"
    render_document(budget, document)
    yield f"  公开文档         {document}  标题、目录、情况说明（数字按表格生成）、各表"
    if lo.find_soffice() is None:
        yield "  PDF              已跳过：未找到 LibreOffice（apt-get install libreoffice-calc-nogui）"
        return
    tables_pdf = tables.with_suffix(".pdf")
    lo.convert(tables, tables_pdf, "pdf")
    yield f"  全部公开表 PDF   {tables_pdf}"
    if writer_available():
        doc_pdf = pdf_path(document)
        lo.convert(document, doc_pdf, "pdf")
        yield f"  公开文档 PDF     {doc_pdf}"
    else:
        yield "  公开文档 PDF     已跳过：LibreOffice 没有 Writer 组件（apt-get install libreoffice-writer-nogui）"
