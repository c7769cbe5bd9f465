"""Atomic output: write to an anonymous file (Linux O_TMPFILE) or a hidden temporary file
beside the target, and give it the target's name only once it is complete.

A crash, a Ctrl-C or an error never leaves a half-written output, and an input file is never
opened for writing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import BudgetxlError


@contextlib.contextmanager
def atomic_path(target: str | Path, *, inputs: tuple[str | Path, ...] = ()) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``target`` atomically.

    Refuses to overwrite any of ``inputs`` (no command ever modifies its input files), and fails
    when another process is writing the same target (see :func:`exclusive_output`).

    On Linux the temporary file is anonymous (``O_TMPFILE``, reached as ``/proc/self/fd/N``
    within this process only): it has no name until it is complete, so even ``kill -9`` leaves
    nothing behind. Elsewhere it is a hidden ``.name.XXXX.tmp`` beside the target, removed on any
    exception and on SIGTERM/SIGHUP (see :func:`signals_as_interrupt`).
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
    with exclusive_output(target):
        batch = _BATCH[-1] if _BATCH else None
        if batch is not None and target in batch.targets:  # one of several outputs (all_or_nothing)
            fd = _anonymous(parent)
            if fd is not None:
                try:
                    yield Path(f"/proc/self/fd/{fd}")
                except BaseException:
                    os.close(fd)
                    raise
                batch.ready[target] = fd  # named when every output of the batch is complete
                return
            tmp_path = batch.named(target)  # the fallback: a hidden name, renamed at the end
            yield tmp_path
            return
        fd = _anonymous(parent)
        if fd is not None:
            try:
                yield Path(f"/proc/self/fd/{fd}")
                _publish(fd, target)
            finally:
                os.close(fd)
            return
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
        os.close(fd)
        tmp_path = Path(tmp)
        _PENDING.add(tmp_path)
        try:
            yield tmp_path
            os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; give the file normal permissions
            os.replace(tmp_path, target)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp_path.unlink()
            raise
        finally:
            _PENDING.discard(tmp_path)


def _publish(fd: int, target: Path) -> None:
    """Give the complete anonymous file ``fd`` the name ``target``. A new target is linked in
    one step (nothing named exists before it is complete). An existing one (--force) is
    replaced through a hidden ``.name.PID.XXXX.tmp`` link: for the microseconds between the link
    and the rename a kill -9 could leave it, so such names of processes no longer alive are
    swept before the next write of that target."""
    os.fchmod(fd, 0o666 & ~_umask())
    parent = target.parent if str(target.parent) else Path(".")
    if not os.path.lexists(target) and _linkat(fd, target):
        return
    _sweep(parent, target.name)  # a link can only have been left where the target exists
    tmp = parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    _link(fd, tmp)
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _sweep(parent: Path, name: str) -> None:
    """Remove ``.name.PID.XXXX.tmp`` links left by a budgetxl process that was killed between
    linking and renaming (PID no longer alive)."""
    import re

    pat = re.compile(rf"\.{re.escape(name)}\.(\d+)\.[0-9a-f]{{8}}\.tmp")
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for e in entries:
        m = pat.fullmatch(e.name)
        if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(e.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


_PENDING: set[Path] = set()  # named temporary files of this process (the fallback), for signal cleanup


def _anonymous(parent: Path) -> int | None:
    """An unnamed file in ``parent`` (Linux O_TMPFILE, reopenable via /proc/self/fd), or None."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd") or os.environ.get("BUDGETXL_NAMED_TEMP"):
        return None
    try:
        return os.open(parent, flag | os.O_RDWR, 0o600)
    except OSError:  # a file system without O_TMPFILE support
        return None


def _linkat(fd: int, dst: Path) -> bool:
    """linkat(2) the anonymous file ``fd`` to ``dst`` (AT_SYMLINK_FOLLOW through /proc/self/fd:
    os.link would link the /proc symlink itself). False when it cannot (``dst`` exists …)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, at_symlink_follow = -100, 0x400
    return libc.linkat(at_fdcwd, f"/proc/self/fd/{fd}".encode(), at_fdcwd, os.fsencode(dst), at_symlink_follow) == 0


def _link(fd: int, dst: Path) -> None:
    """Give the anonymous file ``fd`` the name ``dst``; a copy if linkat fails."""
    if _linkat(fd, dst):
        return
    with open(f"/proc/self/fd/{fd}", "rb") as src, open(dst, "xb") as out:  # pragma: no cover - fallback
        import shutil

        shutil.copyfileobj(src, out)


_HELD: dict[str, list] = {}  # lock name -> [socket or file, depth] held by this process


@contextlib.contextmanager
def exclusive_output(*targets: str | Path) -> Iterator[None]:
    """Hold, for the duration, an exclusive claim on each output path: another process that
    claims the same path fails at once with a Chinese message (two writers never overwrite each
    other silently). Reentrant within one process.

    On Linux the claim is an abstract Unix socket named after the output's real path: the kernel
    drops it when the process dies, so a killed run leaves no stale lock and no file. Elsewhere it
    is ``flock`` on a lock file in the temporary directory.
    """
    taken = []
    try:
        for t in targets:
            key = hashlib.sha256(os.path.realpath(t).encode("utf-8", "surrogateescape")).hexdigest()[:32]
            if key in _HELD:
                _HELD[key][1] += 1
                taken.append(key)
                continue
            handle = _claim(key)
            if handle is None:
                raise BudgetxlError(f"另一个 budgetxl 进程正在写出 {t}：两个进程同时写同一个输出文件会互相覆盖。"
                                    "请等它结束后再运行，或换一个输出文件名")
            _HELD[key] = [handle, 1]
            taken.append(key)
        yield
    finally:
        for key in taken:
            _HELD[key][1] -= 1
            if not _HELD[key][1]:
                _HELD.pop(key)[0].close()


def _claim(key: str):
    import socket

    if sys.platform.startswith("linux"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.bind("\0budgetxl-output-" + key)
            return s
        except OSError:
            s.close()
            return None
    import fcntl  # pragma: no cover - not Linux

    fh = open(Path(tempfile.gettempdir()) / f"budgetxl-output-{key}.lock", "a")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fh
    except OSError:
        fh.close()
        return None


_SIGNALLED: list[int] = []


def signalled() -> bool:
    """Whether SIGTERM/SIGHUP arrived under :func:`signals_as_interrupt`."""
    return bool(_SIGNALLED)


@contextlib.contextmanager
def signals_as_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt for the duration (main thread only), so that a
    terminated run unwinds like Ctrl-C: workers stopped, temporary files removed."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        _SIGNALLED.append(signum)  # seen by signalled() even where the exception is swallowed (at fork)
        raise KeyboardInterrupt

    old = {}
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            old[sig] = signal.signal(sig, interrupt)
    try:
        yield
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)


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


class _Batch:
    """The outputs of one all_or_nothing: the anonymous files written so far (fd per target) or,
    without O_TMPFILE, hidden named temporaries."""

    def __init__(self, targets: list[Path]):
        self.targets = list(targets)
        self.ready: dict[Path, int] = {}
        self.temps: dict[Path, Path] = {}

    def named(self, target: Path) -> Path:
        parent = target.parent if str(target.parent) else Path(".")
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".part{target.suffix}", dir=parent)
        os.close(fd)
        os.unlink(tmp)  # the writer creates it under this name
        self.temps[target] = Path(tmp)
        _PENDING.add(Path(tmp))
        return Path(tmp)


_BATCH: list[_Batch] = []


@contextlib.contextmanager
def all_or_nothing(targets: list[Path]) -> Iterator[list[Path]]:
    """Paths for several outputs of one command: they appear under their names only when every
    one was written, so a failure half way (exit 2) leaves none of them behind.

    Each output written through :func:`atomic_path` (as every writer does) goes, on Linux, to an
    anonymous ``O_TMPFILE`` file that has no name until all of them are complete: a kill -9 at
    any moment leaves nothing behind (see :func:`_publish` for the one microsecond window of an
    existing target). Elsewhere they are hidden ``.stem.XXXX.part.ext`` files renamed at the end
    and removed on any exception and on SIGTERM/SIGHUP.
    """
    targets = [Path(t) for t in targets]
    batch = _Batch(targets)
    _BATCH.append(batch)
    try:
        yield list(targets)
        missing = [t for t in targets if t not in batch.ready and not (t in batch.temps and batch.temps[t].exists())]
        if missing:
            raise BudgetxlError(f"内部错误：输出 {missing[0]} 未经 atomic_path 写出")  # pragma: no cover
        for t in targets:
            if t in batch.ready:
                _publish(batch.ready[t], t)
            else:
                os.replace(batch.temps[t], t)
    finally:
        _BATCH.remove(batch)
        for fd in batch.ready.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        for tmp in batch.temps.values():
            _PENDING.discard(tmp)
            with contextlib.suppress(OSError):
                tmp.unlink()
