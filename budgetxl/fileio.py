"""Atomic output: write to a temporary file beside the target, then rename over it.

A crash, a Ctrl-C or an error never leaves a half-written output, and an input file is never
opened for writing.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import BudgetxlError


@contextlib.contextmanager
def atomic_path(target: str | Path, *, inputs: tuple[str | Path, ...] = ()) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``target`` atomically.

    Refuses to overwrite any of ``inputs`` (no command ever modifies its input files).
    """
    target = Path(target)
    for i in inputs:
        try:
            if target.exists() and Path(i).exists() and os.path.samefile(i, target):
                raise BudgetxlError(f"输出文件 {target} 就是输入文件，拒绝覆盖输入")
        except OSError:
            pass
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise BudgetxlError(f"输出目录不存在：{parent}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; give the file normal permissions
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(target: str | Path, text: str, *, encoding: str = "utf-8", inputs=()) -> None:
    with atomic_path(target, inputs=inputs) as tmp:
        tmp.write_text(text, encoding=encoding, newline="")


def decode_bureau_text(data: bytes, what: str) -> str:
    """Text of a CSV a finance bureau supplies: UTF-8 (with or without BOM), else GB18030 (WPS/Excel)."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise BudgetxlError(f"{what}既不是 UTF-8 也不是 GB18030 编码")  # pragma: no cover - gb18030 decodes nearly all


def check_output(target: str | Path | None, *, suffixes: tuple[str, ...], what: str, force: bool = False,
                 inputs=()) -> None:
    """Refuse, before any work, an output that cannot or must not be written: a wrong extension
    (``template -o x.xls`` would write xlsx bytes under a name nothing opens as such), a missing
    directory, a directory in its place, an input file, or an existing file without ``--force``."""
    if target is None:
        return
    target = Path(target)
    for i in inputs:
        try:
            if i is not None and target.exists() and Path(i).exists() and os.path.samefile(i, target):
                raise BudgetxlError(f"{what} {target} 就是输入文件，拒绝覆盖输入")
        except OSError:
            pass
    suffix = target.suffix.lower()
    if suffix not in suffixes:
        want = "、".join(suffixes)
        raise BudgetxlError(f"{what} {target} 的扩展名应为 {want}（不是“{target.suffix or '无扩展名'}”）")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise BudgetxlError(f"输出目录不存在：{parent}（{what} {target}）")
    if target.is_dir():
        raise BudgetxlError(f"{what} {target} 是一个目录，请给出文件名")
    if target.exists() and not force:
        raise BudgetxlError(f"{what} {target} 已存在，未覆盖（确认要覆盖请加 --force）")


@contextlib.contextmanager
def all_or_nothing(targets: list[Path]) -> Iterator[list[Path]]:
    """Temporary paths for several outputs of one command: they replace their targets only when
    every one was written, so a failure half way (exit 2) leaves none of them behind."""
    tmps = []
    try:
        for t in targets:
            t = Path(t)
            parent = t.parent if str(t.parent) else Path(".")
            fd, tmp = tempfile.mkstemp(prefix=f".{t.stem}.", suffix=f".part{t.suffix}", dir=parent)
            os.close(fd)
            os.unlink(tmp)  # the writers create it (through atomic_path) under this name
            tmps.append(Path(tmp))
        yield tmps
        for tmp, t in zip(tmps, targets):
            os.replace(tmp, t)
    finally:
        for tmp in tmps:
            with contextlib.suppress(OSError):
                tmp.unlink()
