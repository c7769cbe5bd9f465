"""``budgetxl template``: one workbook, or one per unit of a county file using all cores."""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterator

from ..codes import code_list, load_bureau_codes
from ..errors import BudgetxlError
from ..fileio import check_output
from ..inputs import load_budgets, select_unit
from ..model import UnitBudget
from ..spec import DEFAULT_PROFILE, load_profile
from ..supplement import load_supplement
from .writer import write_template

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def template_filename(budget) -> str:
    name = _UNSAFE.sub("_", budget.unit_name).strip(" .") or "单位"
    code = _UNSAFE.sub("_", budget.unit_code)
    return f"{code}_{name}_{budget.year}_填报模板.xlsx"


def _codes(profile, codes_file):
    if not codes_file:
        return None, None
    fcodes, ecodes = load_bureau_codes(codes_file)
    return fcodes or code_list(profile, "function"), ecodes or code_list(profile, "economic")


def _write_one(args) -> str:
    budget, out, fcodes, ecodes, password = args
    write_template(budget, out, function_codes=fcodes, economic_codes=ecodes, password=password)
    return str(out)


def template_command(*, output, data, unit, supplement, unit_code, unit_name, year, codes_file, password,
                     out_dir, jobs, profile, force=False, progress=None) -> Iterator[str]:
    """Write one template (-o) or one per unit (--out-dir). Nothing is overwritten without
    ``force`` (a template's name may be the unit's filled-in workbook); ``progress(done, total)``
    is called as a batch's units are written."""
    ins = tuple(p for p in (data, supplement, codes_file) if p)
    check_output(output, suffixes=(".xlsx",), what="填报模板", force=force, inputs=ins)
    if data and (unit_code or unit_name or year):
        raise BudgetxlError("--data 与 --unit-code/--unit-name/--year 只能二选一")
    if out_dir and output:
        raise BudgetxlError("-o 与 --out-dir 只能二选一")
    if not data:
        if out_dir:
            raise BudgetxlError("--out-dir 需要配合 --data（含多个单位的 facts CSV）使用")
        missing = [n for n, v in (("--unit-code", unit_code), ("--unit-name", unit_name), ("--year", year)) if not v]
        if missing:
            raise BudgetxlError(f"空白模板需要 {'、'.join(missing)}（或用 --data 预填）")
        if not output:
            raise BudgetxlError("请用 -o 指定输出文件")
        if not 1990 <= int(year) <= 2100:
            raise BudgetxlError(f"预算年度“{year}”不合理")
        prof = load_profile(profile if profile is not None else DEFAULT_PROFILE)
        fcodes, ecodes = _codes(prof, codes_file)
        budget = UnitBudget(prof, str(unit_code).strip(), unit_name.strip(), int(year))
        if supplement:
            budget.supplement = load_supplement(supplement, prof)
        write_template(budget, output, function_codes=fcodes, economic_codes=ecodes, password=password)
        yield f"已写出空白填报模板：{output}（{budget.label}，{budget.year}年）"
        return
    budgets = load_budgets(data, profile)  # no --profile: the profile the data's table names match
    prof = budgets[0].profile if budgets else load_profile(profile if profile is not None else DEFAULT_PROFILE)
    fcodes, ecodes = _codes(prof, codes_file)
    if out_dir is None:
        if not output:
            raise BudgetxlError("请用 -o 指定输出文件，或用 --out-dir 批量生成")
        budget = select_unit(budgets, unit, str(data))
        if supplement:
            budget.supplement = load_supplement(supplement, prof)
        write_template(budget, output, function_codes=fcodes, economic_codes=ecodes, password=password,
                       inputs=(data,) + ((supplement,) if supplement else ()))
        yield f"已写出预填填报模板：{output}（{budget.label}，{budget.year}年）"
        return
    if supplement:
        raise BudgetxlError("批量生成时不能使用 --supplement（它只属于一个单位）")
    if unit:
        budgets = [b for b in budgets if b.unit_code == unit]
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise BudgetxlError(f"--out-dir {out_dir} 是文件，请给出目录")
    names = {}
    for b in budgets:
        fn = template_filename(b)
        if fn in names:
            raise BudgetxlError(f"两个单位的文件名相同：{fn}（{names[fn]} 与 {b.unit_code}）")
        names[fn] = b.unit_code
    there = sorted(fn for fn in names if (out_dir / fn).exists())
    if there and not force:
        shown = "、".join(there[:5]) + (f" 等 {len(there)} 个" if len(there) > 5 else "")
        raise BudgetxlError(f"{out_dir} 中已有同名模板 {shown}，未覆盖（可能是单位已填好的工作簿；确认要覆盖请加 --force）")
    out_dir.mkdir(parents=True, exist_ok=True)
    work = [(b, out_dir / template_filename(b), fcodes, ecodes, password) for b in budgets]
    n_jobs = jobs or os.cpu_count() or 1
    started = time.perf_counter()
    done = []
    if n_jobs == 1 or len(work) < 4:
        for w in work:
            done.append(_write_one(w))
            if progress:
                progress(len(done), len(work))
    else:
        with ProcessPoolExecutor(max_workers=n_jobs) as pool:
            for d in pool.map(_write_one, work, chunksize=max(1, len(work) // (n_jobs * 8))):
                done.append(d)
                if progress:
                    progress(len(done), len(work))
    elapsed = time.perf_counter() - started
    yield f"已写出 {len(done)} 个单位的填报模板到 {out_dir}（{n_jobs} 个进程，用时 {elapsed:.1f} 秒）"
