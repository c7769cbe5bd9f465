"""Command-line interface. A thin layer over the Python API; messages are Chinese.

Exit codes: 0 done (no errors), 1 findings that fail, 2 bad input or usage, 3 internal error.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from .clizh import ZhGroup
from .version import __version__
from .errors import BudgetxlError
from .spec import DEFAULT_PROFILE

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def _guard(fn):
    """Turn every failure into a Chinese message and an exit code; never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except BudgetxlError as e:
            click.echo(f"错误：{e}", err=True)
            sys.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo("已中断，未写出不完整的结果。", err=True)
            sys.exit(130)
        except MemoryError:
            click.echo("错误：内存不足，输入文件可能过大或已损坏。", err=True)
            sys.exit(EXIT_INPUT)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except Exception as e:  # a bug: say so briefly, without a traceback
            click.echo(f"budgetxl 内部错误（{type(e).__name__}: {e}）。请将命令和输入文件反馈给开发者。", err=True)
            sys.exit(EXIT_INTERNAL)

    return wrapper


class _Progress:
    """A progress bar on stderr while long work runs, only when stderr is a terminal (nothing in a
    pipe, a log or a test). ``update(done)`` sets the number of items finished."""

    def __init__(self, total: int, label: str, enabled: bool = True):
        self.bar = None
        self.done = 0
        if enabled and total > 1 and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True,
                                         show_percent=True, show_eta=True)

    def __enter__(self):
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def update(self, done: int, total: int | None = None) -> None:
        if self.bar is not None and done > self.done:
            self.bar.update(done - self.done)
        self.done = max(self.done, done)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False


def _refuse_unsupported(files, what: str) -> None:
    """Every file a command cannot read is named before any work, with the one message."""
    from .errors import Problem
    from .inputs import unsupported_reason

    bad = [Problem(r, file=str(f)) for f in files if (r := unsupported_reason(f))]
    if bad:
        raise BudgetxlError(f"{len(bad)} 个输入文件不能{what}", bad)


profile_option = click.option(
    "--profile", default=None, metavar="表样",
    help="表样：自带表样的名称（如 " + DEFAULT_PROFILE + "）或含 profile.toml 的目录；不给时，填报模板按其指纹，"
         "其他输入按表名从自带表样中识别。")


@click.group(cls=ZhGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="budgetxl")
def main():
    """budgetxl：部门预算公开表的模板、读取、审核、排版与汇总工具。"""


def _render_blocking(finding) -> bool:
    """Whether a finding stops `render` (see budgetxl.check.registry.NUMERIC_GROUPS)."""
    from .check.registry import affects_numbers

    return affects_numbers(finding)


@main.command()
@click.argument("input_file", metavar="输入文件", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出的公开表 .xlsx（表样的各张表；有补充资料时另有表样定义的附表，如机构设置、项目绩效目标、政府采购、固定资产）。")
@click.option("--pdf", "pdf", type=click.Path(dir_okay=False, path_type=Path),
              help="同时用 LibreOffice 把公开表转换为 PDF，写到此文件；与 --docx 同用时，文档的 PDF 写在 .docx 旁边，"
                   "同名、扩展名为 .pdf（公开.docx → 公开.pdf）。")
@click.option("--docx", "docx", type=click.Path(dir_okay=False, path_type=Path),
              help="同时写出完整的预算公开文档 .docx（标题、目录、情况说明、各表）。")
@click.option("--supplement", type=click.Path(dir_okay=False, path_type=Path),
              help="facts CSV 或公开文本的补充资料（项目、采购、资产、情况说明，TOML）；填报模板已自带。")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
              help="上年的填报模板或数据，用于“比上年增减情况”（否则用补充资料中的上年数）。")
@click.option("--unit", help="文件含多个单位时，指定单位编码。")
@click.option("--force", is_flag=True, help="审核发现影响公开表的错误时仍然排版（错误照样列出）；并允许覆盖已存在的输出文件。")
@profile_option
@_guard
def render(input_file: Path, output: Path, pdf: Path | None, docx: Path | None, supplement: Path | None,
           previous: Path | None, unit: str | None, force: bool, profile: str):
    """把数据（填报模板、facts CSV 或公开文本）排成官方格式的公开表，可同时生成 PDF 和完整的公开文档。

    \b
    排版前先审核：有影响公开表的错误（表内、表间、完整性、代码、项目、采购、资产）时拒绝排版，
    退出码 1；生成文档（--docx）时，文档照原文印出的单位文字（部门职责、绩效目标、工作保障措施等）
    中有错误（如其他地方的名称）也拒绝。加 --force 仍然排版。全部问题用 budgetxl check 查看。
    示例：budgetxl render 填报模板.xlsx -o 公开表.xlsx --pdf 公开表.pdf --docx 预算公开.docx
    生成 PDF 需要 LibreOffice；文档（.docx）的 PDF 还需要它的 Writer 组件。
    """
    from .inputs import load_budgets, select_unit

    if supplement and input_file.suffix.lower() in (".xlsx", ".xlsm"):
        raise BudgetxlError("--supplement 只用于 facts CSV 或公开文本；填报模板自带项目、采购、资产和情况说明")
    outputs = [output] + ([docx] if docx else []) + ([pdf] if pdf else [])
    doc_pdf = None
    if pdf and docx:
        from .render.document import pdf_path

        doc_pdf = pdf_path(docx)
        outputs.append(doc_pdf)
    seen: dict[str, Path] = {}
    for o in outputs:
        key = str(o.resolve())
        if key in seen:
            if o is doc_pdf:
                raise BudgetxlError(f"输出文件重复：文档的 PDF 写在 .docx 旁边（{doc_pdf}），与 {seen[key]} 是同一个文件，"
                                    "请给公开表 PDF 或文档换个名字")
            raise BudgetxlError(f"输出文件重复：{o}")
        seen[key] = o
    from .fileio import check_output

    ins = tuple(p for p in (input_file, supplement, previous) if p)
    check_output(output, suffixes=(".xlsx",), what="公开表", force=force, inputs=ins)
    check_output(docx, suffixes=(".docx",), what="公开文档", force=force, inputs=ins)
    check_output(pdf, suffixes=(".pdf",), what="公开表 PDF", force=force, inputs=ins)
    check_output(doc_pdf, suffixes=(".pdf",), what="公开文档 PDF", force=force, inputs=ins)
    _refuse_unsupported([p for p in (input_file, previous) if p], "读取")
    if pdf:
        from . import lo

        if lo.find_soffice() is None:
            raise BudgetxlError("未找到 LibreOffice（soffice），无法生成 PDF。请安装 libreoffice-calc-nogui"
                                "（Debian/Ubuntu：apt-get install libreoffice-calc-nogui），或用环境变量 "
                                "BUDGETXL_SOFFICE 指定 soffice 的路径；不加 --pdf 可只生成 xlsx/docx")
        if docx:
            from .render.document import WRITER_HINT, writer_available

            if not writer_available():
                raise BudgetxlError(WRITER_HINT)

    budget = select_unit(load_budgets(input_file, profile), unit, str(input_file))
    sup = None
    if supplement:
        from .supplement import load_supplement

        sup = load_supplement(supplement, budget.profile)
        budget.supplement = sup
    prev_budget = None
    if previous:
        prev_budget = _previous_of(budget, load_budgets(previous, profile), previous)

    # check before rendering
    from .check.runner import check_file

    results = check_file(input_file, previous=prev_budget, profile=profile, supplement=sup)
    findings = [f for r in results if r.budget is not None and r.budget.key == budget.key for f in r.findings]
    blocking = [f for f in findings if _render_blocking(f)]
    if docx:  # the document prints the unit's own texts as written: their errors stop it the same way
        from .check.registry import in_printed_text

        texts = [f for r in results if r.budget is not None and r.budget.key == budget.key
                 for f in r.all_findings if in_printed_text(f, budget.profile)]
    else:
        texts = []
    if blocking or texts:
        if blocking:
            click.echo(f"审核发现 {len(blocking)} 个影响公开表的错误：", err=True)
            for f in blocking:
                click.echo(f"  {f}", err=True)
        if texts:
            click.echo(f"文档将照原文印出的单位文字中有 {len(texts)} 个错误：", err=True)
            for f in texts:
                click.echo(f"  {f}", err=True)
        blocking = blocking + texts
        others = len(findings) - len(blocking)
        hint = f"全部问题（另有 {others} 个警告或文字问题）" if others else "全部问题"
        if not force:
            click.echo(f"未排版。请改正后重试，或加 --force 仍然排版；{hint}请用 budgetxl check {input_file} 查看。",
                       err=True)
            sys.exit(EXIT_FINDINGS)
        click.echo(f"已按 --force 继续排版；{hint}请用 budgetxl check {input_file} 查看。", err=True)

    from .render.official import render_official

    inputs = tuple(p for p in (input_file, supplement, previous) if p)
    render_official(budget, output, inputs=inputs, parts=True)
    from .render.parts import PART_ORDER

    titles = [budget.profile.parts[k]["title"] for k in PART_ORDER if k in budget.profile.parts]
    extra = f"，另有{'、'.join(titles)}" if budget.supplement and titles else ""
    click.echo(f"已写出公开表：{output}（{budget.label}，{budget.year}年，{len(budget.profile.tables)}张表{extra}）")
    if docx:
        from .render.document import render_document

        render_document(budget, docx, previous=prev_budget, inputs=inputs)
        click.echo(f"已写出公开文档：{docx}")
    if pdf:
        from . import lo

        lo.convert(output, pdf, "pdf")
        click.echo(f"已写出公开表 PDF：{pdf}")
        if doc_pdf:
            lo.convert(docx, doc_pdf, "pdf")
            click.echo(f"已写出公开文档 PDF：{doc_pdf}")


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="输出的填报模板 .xlsx（单个单位）。")
@click.option("--data", "data", type=click.Path(dir_okay=False, path_type=Path), help="预填数据：facts CSV（如上年数据或系统导出）。")
@click.option("--unit", help="--data 含多个单位时，只生成这个单位编码的模板。")
@click.option("--supplement", type=click.Path(dir_okay=False, path_type=Path), help="预填的项目、采购、资产和情况说明（TOML）。")
@click.option("--unit-code", help="空白模板：单位编码。")
@click.option("--unit-name", help="空白模板：单位名称。")
@click.option("--year", type=int, help="空白模板：预算年度。")
@click.option("--codes", "codes_file", type=click.Path(dir_okay=False, path_type=Path), help="财政局的科目代码表（csv/xlsx，功能分类和/或经济分类）。")
@click.option("--password", help="工作表保护密码（可选）。")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), help="批量：--data 中每个单位一个模板，写到此目录。")
@click.option("--jobs", type=int, default=0, help="批量时的进程数（默认为 CPU 核数）。")
@click.option("--force", is_flag=True, help="覆盖已存在的模板文件（可能是单位已填好的工作簿，请慎用）。")
@profile_option
@_guard
def template(output, data, unit, supplement, unit_code, unit_name, year, codes_file, password, out_dir, jobs, force,
             profile):
    """生成填报模板：输入单元格开放并校验，合计、小计和派生表全部为锁定公式。

    \b
    空白模板：budgetxl template --unit-code 451 --unit-name 某单位 --year 2025 -o 模板.xlsx
    预填模板：budgetxl template --data facts.csv -o 模板.xlsx
    全县批量：budgetxl template --data 全县.csv --out-dir 模板目录
    """
    from .template.batch import template_command

    bar = None

    def progress(done, total):
        nonlocal bar
        if bar is None:
            bar = _Progress(total, "生成模板").__enter__()
        bar.update(done)
    try:
        for line in template_command(output=output, data=data, unit=unit, supplement=supplement,
                                     unit_code=unit_code, unit_name=unit_name, year=year, codes_file=codes_file,
                                     password=password, out_dir=out_dir, jobs=jobs, profile=profile, force=force,
                                     progress=progress):
            if bar is not None:
                bar.__exit__(None, None, None)
                bar = None
            click.echo(line)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@main.command()
@click.argument("workbooks", nargs=-1, required=True, metavar="工作簿...")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出的 facts CSV。")
@click.option("--derived/--inputs-only", default=False, help="同时写出派生数（合计、小计等，按输入数重新计算）。")
@click.option("--quiet", is_flag=True, help="不列出警告。")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@profile_option
@_guard
def export(workbooks, output: Path, derived: bool, quiet: bool, profile: str, force: bool):
    """读取填回的填报模板（Excel/WPS/LibreOffice 保存均可），写成 facts CSV。

    无法读取的数据（非数字、负数、三位小数……）报错并退出码 2，不写出任何结果；
    模板被改动（公式被覆盖、行被插入等）列为问题，退出码 1。
    """
    from .facts import write_facts
    from .fileio import check_output
    from .inputs import expand_inputs
    from .reader.entry import read_entry

    workbooks = expand_inputs(workbooks)
    check_output(output, suffixes=(".csv",), what="facts CSV", force=force, inputs=workbooks)
    _refuse_unsupported(workbooks, "导出")
    not_books = [w for w in workbooks if w.suffix.lower() not in (".xlsx", ".xlsm")]
    if not_books:
        from .errors import Problem

        raise BudgetxlError("export 只读取填回的填报模板（.xlsx）", [Problem("不是工作簿", file=str(w)) for w in not_books])
    results, unreadable, seen = [], [], {}
    for wb in workbooks:
        r = read_entry(wb, profile=profile)
        results.append(r)
        unreadable += [f for f in r.findings if f.code.startswith("V") and f.severity == "error"]
        key = r.budget.key
        if key in seen:
            raise BudgetxlError(f"{wb} 与 {seen[key]} 是同一单位同一年度（{key[0]}，{key[1]}），不能同时导出")
        seen[key] = wb
    shown = [f for r in results for f in r.findings if not (quiet and f.severity != "error")]
    for f in shown:
        click.echo(f"{f.file}：{f}", err=True)
    if unreadable:
        click.echo(f"错误：{len(unreadable)} 处数据无法读取，未写出任何结果。", err=True)
        sys.exit(EXIT_INPUT)
    n = write_facts([r.budget for r in results], output, derived=derived, inputs=tuple(workbooks))
    errors = sum(1 for r in results for f in r.findings if f.severity == "error")
    click.echo(f"已从 {len(results)} 个工作簿导出 {n} 条数据：{output}" + (f"；另有 {errors} 个错误需要处理" if errors else ""))
    sys.exit(EXIT_FINDINGS if errors else EXIT_OK)


ANNOTATED = (".xlsx", ".xlsm", ".pdf")  # the inputs --annotate writes a marked copy of


def _annotate_one(job):
    from .check.report import annotate_copy as annotate

    file, findings, out, profile = job
    return out, annotate(file, findings, out, profile)


def _annotate_all(annotate_wb, targets, profile=None):
    """(output, cells marked) per annotated copy, in order; many copies are written on every core
    (a workbook's copy is the returned package patched, see budgetxl.xlsxpatch: tens of ms each; a
    PDF's is the PDF read again for its cells' boxes, about a second)."""
    import os

    jobs = [(r.file, r.findings, out, profile) for r, out in targets]
    workers = min(os.cpu_count() or 1, len(jobs))
    if workers < 2 or len(jobs) < 4:
        for file, findings, out, prof in jobs:
            yield out, annotate_wb(file, findings, out, prof)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        try:
            yield from pool.map(_annotate_one, jobs)
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _previous_of(budget, candidates, source: Path):
    """Last year's budget of ``budget`` among ``candidates`` (same 单位编码, year − 1), or a Chinese
    error saying why the file given as --previous is not it."""
    same_unit = [b for b in candidates if b.unit_code == budget.unit_code]
    if not same_unit:
        have = "、".join(sorted({f"{b.unit_code}{b.unit_name}" for b in candidates})[:10])
        raise BudgetxlError(f"--previous {source} 不是本单位的数据：其中没有单位 {budget.unit_code}（有：{have}）")
    for b in same_unit:
        if b.year == budget.year - 1:
            return b
    years = "、".join(str(b.year) for b in same_unit)
    raise BudgetxlError(f"--previous {source} 中单位 {budget.unit_code} 是 {years} 年的数据，上年应为 "
                        f"{budget.year - 1} 年（本年 {budget.year} 年）")


def _previous_for(prev: dict, source: Path, file, notes: list):
    """Last year's budget of the unit being checked (same 单位编码, year − 1), or None with a note why."""
    def pick(budget):
        key = (budget.unit_code, budget.year - 1)
        if key in prev:
            return prev[key]
        have = "、".join(f"{u}（{y}年）" for u, y in sorted(prev)[:10])
        notes.append(f"注意：--previous {source} 中没有单位 {key[0]} 的 {key[1]} 年数据（有：{have}），"
                     f"{file} 未做比上年增减规则")
        return None
    return pick


def _split(values) -> list[str]:
    return [v for item in values for v in item.replace("，", ",").split(",") if v.strip()]


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="输入...")
@click.option("--select", multiple=True, help="只运行这些规则（编码、分组或通配符，可用逗号分隔，如 X1*,文字）。")
@click.option("--ignore", multiple=True, help="不运行这些规则（同上）。")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="出现哪一级问题时退出码为 1。")
@click.option("--format", "fmt", type=click.Choice(["human", "json", "csv"]), default="human", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="报告写到文件（默认输出到屏幕）。")
@click.option("--annotate", type=click.Path(path_type=Path),
              help="写出标注了问题单元格的副本：工作簿（.xlsx）标色并加批注，PDF 框出单元格并加注释"
                   "（单个输入时为 .xlsx 或 .pdf 文件，多个输入时为目录）。")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), help="上年的填报模板或数据，用于比上年增减规则。")
@click.option("--codes", "codes_file", type=click.Path(dir_okay=False, path_type=Path), help="财政局的科目代码表（csv/xlsx）。")
@click.option("--force", is_flag=True, help="覆盖已存在的报告或标注副本。")
@click.option("--jobs", type=int, default=0, help="多个文件时的进程数（默认为 CPU 核数；给出 --previous 时为 1）。")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="CSV 报告的表头和级别用中文（zh）或英文字段名（en，与 JSON 相同）。")
@profile_option
@_guard
def check(inputs, select, ignore, fail_on, fmt, output, annotate, previous, codes_file, profile, force, jobs, lang):
    """审核填报模板、facts CSV 或已公开的预算文本：表内、表间、表文一致性和模板完整性。

    \b
    输入可以是文件、目录或通配符；目录中的每个文件都会列出（填报模板须为 .xlsx；官方格式的公开表也可以是 .xls、.ods）。
    同一单位同一年度出现在多个文件中时报 U01 错误。
    退出码：0 没有（--fail-on 级别的）问题；1 有问题（含部分文件无法读取，报告中列出原因）；
    2 没有一个输入可以读取，或用法错误（此时不写出任何文件）。
    示例：budgetxl check 回收/*.xlsx --format json -o 审核.json
    """
    from .check import select_rules
    from .check.report import annotate_copy as annotate_wb
    from .check.report import as_csv, as_json, human
    from .check.runner import check_path, flag_same_unit
    from .fileio import check_output
    from .inputs import expand_inputs

    try:  # the patterns are checked here; each file's own profile resolves them again (its [[checks]])
        select_rules(_split(select), _split(ignore), profile=profile)
    except ValueError as e:
        raise BudgetxlError(f"未知的规则或分组：{e}（用 budgetxl rules 查看全部规则）") from None
    files = expand_inputs(inputs)
    if not files:
        raise BudgetxlError("没有找到要检查的文件")
    report_suffix = {"json": (".json",), "csv": (".csv",), "human": (".txt", ".log", ".md")}[fmt]
    check_output(output, suffixes=report_suffix, what="审核报告", force=force, inputs=files)
    many = len(files) > 1
    if annotate is not None:
        if many:
            if annotate.exists() and not annotate.is_dir():
                raise BudgetxlError(f"多个输入时 --annotate 应为目录：{annotate} 是文件")
            if not (annotate.parent if str(annotate.parent) else Path(".")).is_dir():
                raise BudgetxlError(f"输出目录不存在：{annotate.parent}")
        else:  # a copy of the same kind: a workbook's, or a PDF's
            kind = ".pdf" if files[0].suffix.lower() == ".pdf" else ".xlsx"
            check_output(annotate, suffixes=(kind,), what="标注副本", force=force, inputs=files)
    prev = None
    if previous:
        from .inputs import load_budgets

        prev = {(b.unit_code, b.year): b for b in load_budgets(previous, profile)}
    fcodes = ecodes = None
    if codes_file:
        from .codes import code_list, load_bureau_codes
        from .spec import load_profile

        fcodes, ecodes = load_bureau_codes(codes_file)
        prof = load_profile(profile if profile is not None else DEFAULT_PROFILE)
        fcodes, ecodes = fcodes or code_list(prof, "function"), ecodes or code_list(prof, "economic")
    results = []
    notes = []
    with _Progress(len(files), "审核") as bar:
        if prev is None:  # many files on every core (--jobs), in order
            from .workers import map_files

            one = functools.partial(check_path, function_codes=fcodes, economic_codes=ecodes, profile=profile,
                                    select=_split(select), ignore=_split(ignore))
            for res in map_files(one, [str(f) for f in files], jobs, lambda done, _: bar.update(done)):
                results += res
        else:  # last year's figures are matched per file here (notes say what was not found)
            for n, f in enumerate(files, start=1):
                results += check_path(f, function_codes=fcodes, economic_codes=ecodes, profile=profile,
                                      select=_split(select), ignore=_split(ignore),
                                      previous=_previous_for(prev, previous, f, notes))
                bar.update(n)
    flag_same_unit(results)  # U01: across files, like READ a finding of the run, not of one unit's rules
    for line in notes:
        click.echo(line, err=True)
    if all(r.unreadable for r in results):  # nothing could be read: exit 2 and no report, no copies
        for r in results:
            click.echo(f"错误：无法读取 {r.unreadable}", err=True)
        sys.exit(EXIT_INPUT)
    targets = []
    if annotate:
        books = [r for r in results if r.file.lower().endswith(ANNOTATED) and r.budget is not None]
        if many:
            names: dict[Path, str] = {}
            for r in books:
                kind = ".pdf" if r.file.lower().endswith(".pdf") else ".xlsx"
                out = annotate / (Path(r.file).stem + f"_审核{kind}")
                if out in names:  # same stem in two folders: keep both
                    out = annotate / (Path(r.file).stem + f"_{len(names)}_审核{kind}")
                names[out] = r.file
                if out.exists() and not force:
                    raise BudgetxlError(f"标注副本 {out} 已存在，未覆盖（确认要覆盖请加 --force）")
                targets.append((r, out))
        else:
            targets = [(r, annotate) for r in books]
    if fmt == "json":
        text = as_json(results)
    elif fmt == "csv":
        text = as_csv(results, lang=lang, bom=output is not None)
    else:
        text = human(results, colour=output is None and sys.stdout.isatty())
    if output:
        from .fileio import write_text_atomic

        write_text_atomic(output, text + ("" if text.endswith("\n") else "\n"), inputs=tuple(files))
        click.echo(f"审核报告已写出：{output}")
    else:
        click.echo(text)
    for r in results if annotate else ():
        if r.budget is not None and not r.file.lower().endswith(ANNOTATED):
            click.echo(f"注意：--annotate 只能标注 .xlsx 工作簿和 PDF，不支持 {Path(r.file).suffix} 文件，"
                       f"未写出 {r.file} 的标注副本；问题所在的位置和原文见审核报告", err=True)
    if targets:
        if many:
            annotate.mkdir(parents=True, exist_ok=True)
        with _Progress(len(targets), "写标注副本") as bar:
            for n, (out, marked) in enumerate(_annotate_all(annotate_wb, targets, profile), start=1):
                if not many or output is not None:
                    click.echo(f"已写出标注副本：{out}（标注 {marked} 个单元格）", err=output is None and fmt != "human")
                bar.update(n)
        if many:
            click.echo(f"已写出 {len(targets)} 个标注副本到 {annotate}", err=output is None and fmt != "human")
    failing = ("error",) if fail_on == "error" else ("error", "warning")
    unreadable = sum(1 for r in results if r.unreadable)
    if unreadable:  # listed in the report as errors (READ); the others were checked
        click.echo(f"注意：{unreadable} 个文件无法读取，已在报告中列出原因。", err=True)
        sys.exit(EXIT_FINDINGS)
    if any(f.severity in failing for r in results for f in r.findings):
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["human", "json"]), default="human", show_default=True)
@profile_option
@_guard
def rules(fmt, profile):
    """列出全部审核规则（编码、分组、级别、说明），并注明哪些不适用于所选表样（缺少哪些角色）。"""
    import json

    from .check import all_rules
    from .findings import SEVERITY_CN
    from .spec import load_profile

    prof = load_profile(profile if profile is not None else DEFAULT_PROFILE)
    rs = all_rules(prof)
    why = {r.code: r.not_applicable(prof) for r in rs}
    if fmt == "json":
        click.echo(json.dumps([{"code": r.code, "group": r.group, "severity": r.severity, "title": r.title,
                                "summary": r.summary(), "fail_example": r.examples()[0],
                                "pass_example": r.examples()[1], "applicable": why[r.code] is None,
                                "not_applicable": why[r.code]} for r in rs], ensure_ascii=False, indent=2))
        return
    for r in rs:
        note = f"  （不适用：{why[r.code]}）" if why[r.code] else ""
        click.echo(f"{r.code}  {r.group:<3}  {SEVERITY_CN[r.severity]}  {r.title}{note}")
    n_na = sum(1 for v in why.values() if v)
    click.echo(f"表样 {prof.id}：共 {len(rs)} 条规则，适用 {len(rs) - n_na} 条" + (f"，不适用 {n_na} 条。" if n_na else "。"))


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="输入...")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="汇总工作簿 .xlsx。")
@click.option("--facts", "facts_out", type=click.Path(dir_okay=False, path_type=Path),
              help="另存全部已汇总单位的数据（.csv 或 .parquet）。")
@click.option("--groups", type=click.Path(dir_okay=False, path_type=Path), help="分组文件：单位编码,部门（CSV）。")
@click.option("--jobs", type=int, default=0, help="进程数（默认为 CPU 核数）。")
@click.option("--include-errors", is_flag=True, help="有错误的单位也汇总（在清单中注明）。")
@click.option("--strict", is_flag=True, help="任何错误（包括情况说明文字中的错误）都不汇总该单位；默认只因涉及数字的错误不汇总。")
@click.option("--quiet", is_flag=True, help="不显示进度条。")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@profile_option
@_guard
def consolidate(inputs, output: Path, facts_out, groups, jobs, include_errors, strict, quiet, profile, force):
    """汇总多个单位的填报模板：全部单位及各部门的各张公开表、单位明细、图表、清单和审核问题。

    \b
    输入可以是文件、目录或通配符；目录中的每个文件都会处理。每个输入文件都会列入清单：已汇总，
    或未汇总及原因和处理办法（.xls、.ods 等请单位另存为 .xlsx）。
    同一单位同一年度出现在两个文件中时，两者都不汇总，并以退出码 1 结束（其余结果照常写出）。
    不同年度或不同表样混在一起时拒绝汇总（退出码 2）；没有一个单位可以汇总时也不写出任何结果（退出码 2）。
    """
    from .consolidate import (STATUS_CN, consolidate as run, expand_inputs, facts_overflow, included,
                              manifest_rows, read_groups, write_facts_file, write_manifest_csv)
    from .consolidate_workbook import write_workbook
    from .fileio import all_or_nothing, check_output

    files = expand_inputs(inputs)
    if not files:
        raise BudgetxlError("没有找到要汇总的文件")
    manifest = output.with_name(output.stem + "_清单.csv")
    check_output(output, suffixes=(".xlsx",), what="汇总工作簿", force=force, inputs=files)
    check_output(manifest, suffixes=(".csv",), what="清单", force=force, inputs=files)
    check_output(facts_out, suffixes=(".csv", ".parquet"), what="--facts 数据文件", force=force, inputs=files)
    if facts_out is not None and facts_out.suffix.lower() == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise BudgetxlError("写 .parquet 需要 pyarrow：pip install pyarrow（或把 --facts 改为 .csv）；"
                                "未做任何汇总") from None
    group_map = read_groups(groups) if groups else None
    # the outputs are claimed for the whole run (released when the command ends): a second
    # consolidation to the same output fails at once instead of silently overwriting this one
    from .fileio import exclusive_output

    claim = exclusive_output(output, manifest, facts_out or output.with_name(output.stem + "_数据.csv"))
    claim.__enter__()
    click.get_current_context().call_on_close(lambda: claim.__exit__(None, None, None))
    with _Progress(len(files), "读取并审核", enabled=not quiet) as bar:
        c = run(files, groups=group_map, jobs=jobs, include_errors=include_errors, strict=strict,
                progress=bar.update, profile=profile)
    counts = {}
    for o in c.outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    summary = "，".join(f"{STATUS_CN[k]} {v}" for k, v in sorted(counts.items()))
    if not included(c):
        for row in manifest_rows(c):
            click.echo(f"  {row[0]}：{row[2]}，{row[3]}" + (f"。{row[-1]}" if row[-1] else ""), err=True)
        raise BudgetxlError(f"没有可以汇总的单位（{len(files)} 个文件：{summary}），未写出汇总结果")
    if facts_out is None and facts_overflow(c):
        facts_out = output.with_name(output.stem + "_数据.csv")
        check_output(facts_out, suffixes=(".csv",), what="数据文件", force=force, inputs=files)
    targets = [output, manifest] + ([facts_out] if facts_out else [])
    with all_or_nothing(targets) as tmps:  # exit 2 half way leaves none of them behind
        write_workbook(c, tmps[0], facts_name=facts_out.name if facts_out else None)
        write_manifest_csv(c, tmps[1])
        n_facts = write_facts_file(c, tmps[2]) if facts_out else None
    units = sum(1 for o in c.outcomes if o.unit_code)
    click.echo(f"汇总完成：{len(files)} 个文件，{units} 个单位（{summary}），用时 {c.elapsed:.1f} 秒")
    click.echo(f"  汇总工作簿 {output}")
    click.echo(f"  清单       {manifest}")
    if facts_out:
        click.echo(f"  数据       {facts_out}（{n_facts} 条）")
    excluded = [o for o in c.outcomes if o.status not in ("included", "included_with_errors")]
    if excluded:
        click.echo(f"注意：{len(excluded)} 个文件或单位未汇总，原因和处理办法见清单。", err=True)
    if c.conflicts:
        click.echo(f"注意：{len(c.conflicts)} 个文件的单位重复，均未汇总，见清单。", err=True)
        sys.exit(EXIT_FINDINGS)


def _import_document(text_file: Path, output: Path, derived: bool, profile: str, unit_code: str | None = None):
    from .facts import write_facts

    if text_file.suffix.lower() in (".pdf", ".docx", ".xlsx", ".xlsm", ".xls", ".ods"):
        from .inputs import load_budgets

        [budget] = load_budgets(text_file, profile)  # anything unreadable: exit 2, nothing written
        printed = [t for t in budget.profile.ordered if t.id not in budget.absent]
    else:
        from .textimport import read_disclosure_text

        budget, printed = read_disclosure_text(text_file, profile)
    notes = budget.read_notes
    if unit_code and budget.unit_code and unit_code != budget.unit_code:
        raise BudgetxlError(f"{text_file}：文件中印的单位编码是 {budget.unit_code}，与 --unit-code {unit_code} 不符")
    if unit_code:
        budget = budget.with_unit_code(unit_code)
    if not budget.unit_code:
        raise BudgetxlError(f"{text_file}：文件中没有单位编码（表样 {budget.profile.id} 的表头只印“"
                            f"{budget.label}”），而 facts CSV 每行都要有单位编码：请用 --unit-code 给出该单位的编码")
    n = write_facts([budget], output, derived=derived, inputs=(text_file,))
    click.echo(f"已从 {text_file} 读出 {len(printed)} 张表，写出 {n} 条数据：{output}")
    for note in notes:  # read, but printed irregularly: what check reports as V01
        click.echo(f"注意：{note}", err=True)
    for key, given, computed in budget.mismatches():
        from .facts import describe_cell

        click.echo(f"注意：{describe_cell(budget.profile, key)} 公开数 {given} 与按明细计算的 {computed} 不符", err=True)


_IMPORT_ARGS = [
    click.argument("text_file", metavar="文件", type=click.Path(dir_okay=False, path_type=Path)),
    click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="输出的 facts CSV。"),
    click.option("--derived/--inputs-only", default=False, help="同时写出派生数（合计、小计等）。"),
    click.option("--unit-code", help="单位编码：文件中没有印单位编码时（如只印“编制部门：单位名称”的表）必须给出。"),
    profile_option,
]


def _import_command(name: str, doc: str):
    def command(text_file: Path, output: Path, derived: bool, unit_code: str | None, profile: str):
        _import_document(text_file, output, derived, profile, unit_code)

    command.__doc__ = doc
    command.__name__ = name.replace("-", "_")
    fn = _guard(command)
    for deco in reversed(_IMPORT_ARGS):
        fn = deco(fn)
    return main.command(name=name)(fn)


import_document = _import_command(
    "import", "从已公开的文件（PDF、Word .docx、官方格式的 .xlsx/.xls/.ods 工作簿，或每格一行的公开文本 .txt）中读出各表，写成 facts CSV。\n\n"
              "表样按文件中的表名自动识别；读不出的内容逐条列出，退出码 2，不写出任何结果。")
import_text = _import_command("import-text", "同 import（保留的旧名）：从已公开的预算文本或文件中读出各表，写成 facts CSV。")


@main.command()
@click.argument("query", metavar="编码或名称")
@click.option("--kind", type=click.Choice(["function", "economic", "all"]), default="all", show_default=True,
              help="function=支出功能分类，economic=部门预算支出经济分类。")
@click.option("--codes", "codes_file", type=click.Path(dir_okay=False, path_type=Path), help="使用财政局提供的科目代码表（csv/xlsx）。")
@click.option("--limit", default=50, show_default=True, help="最多显示条数（0 为不限）。")
@profile_option
@_guard
def codes(query: str, kind: str, codes_file: Path | None, limit: int, profile: str):
    """按编码前缀或名称查询科目代码，例如：budgetxl codes 2080505，budgetxl codes 公用经费。"""
    from .codes import CLASSIFICATION_NAMES, code_list, load_code_list
    from .spec import load_profile

    prof = load_profile(profile if profile is not None else DEFAULT_PROFILE)
    kinds = ["function", "economic"] if kind == "all" else [kind]
    total = 0
    for k in kinds:
        cl = load_code_list(codes_file, k) if codes_file else code_list(prof, k)
        hits = cl.search(query)
        if not hits:
            continue
        click.echo(f"{CLASSIFICATION_NAMES[k]}（{cl.edition or cl.path}）：")
        shown = hits[:limit] if limit else hits
        for code, name in shown:
            click.echo(f"  {code:<8} {'  ' * (len(code) // 2 - 1)}{name}")
        if len(hits) > len(shown):
            click.echo(f"  …… 共 {len(hits)} 条，用 --limit 0 显示全部")
        total += len(hits)
    if not total:
        click.echo(f"没有找到与“{query}”匹配的科目。", err=True)
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.argument("directory", required=False, metavar="[目录]", type=click.Path(file_okay=False, path_type=Path))
@_guard
def demo(directory: Path | None):
    """用自带的示例单位（451 曲阳县公安局交通管理大队 2024）演示完整流程。"""
    from .demo import run_demo

    for line in run_demo(directory or Path("budgetxl-demo")):
        click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
