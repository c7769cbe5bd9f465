"""Treat every workbook as untrusted: check the zip container before any XML parser sees it.

Limits are generous for real budget workbooks (a few hundred KB) and far below what would hurt:
a zip bomb or an absurd part is refused with a Chinese message naming the file.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from .errors import BudgetxlError

MAX_ENTRIES = 2_000
MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024  # 200 MB
MAX_PART_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, per part larger than 1 MB
MAX_IN_MEMORY = 64 * 1024 * 1024  # packages up to this size are read into memory once
MAX_FILE_BYTES = 100 * 1024 * 1024  # a workbook file (real ones are a few hundred KB)
# what Excel, WPS and LibreOffice write (stored, deflated) and what calamine can read as well
SUPPORTED_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
REDO = "请在 Excel/WPS 中打开并另存为 .xlsx 后重新提交；打不开时请重新填写财政局下发的模板"


def require_defusedxml() -> None:
    """openpyxl is protected from XML entity attacks only when defusedxml is importable."""
    try:
        import defusedxml  # noqa: F401
    except ImportError:  # pragma: no cover - a hard dependency
        raise BudgetxlError("缺少 defusedxml，无法安全读取 Excel 文件：请重新安装 budgetxl") from None
    import openpyxl.xml

    if not getattr(openpyxl.xml, "DEFUSEDXML", True):  # pragma: no cover
        raise BudgetxlError("openpyxl 未启用 defusedxml 防护，拒绝读取工作簿")


def check_container(path: str | Path, *, keep_open: bool = False, kind: str = "xlsx"):
    """Refuse anything that is not a sane xlsx zip (``kind="ods"``: OpenDocument spreadsheet),
    before parsing. Raises BudgetxlError.

    With ``keep_open`` the checked, open :class:`zipfile.ZipFile` is returned (caller closes it).
    """
    p = Path(path)
    name = str(p)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise BudgetxlError(f"{name}：无法打开文件（{e.strerror}）") from None
    if size == 0:
        raise BudgetxlError(f"{name}：文件为空")
    if size > MAX_FILE_BYTES:
        raise BudgetxlError(f"{name}：文件大小 {size / 1048576:.0f} MB 超过上限 {MAX_FILE_BYTES // 1048576} MB"
                            "（填报模板通常不足 1 MB），疑似异常文件，拒绝读取")
    with open(p, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise BudgetxlError(f"{name}：这是加密的工作簿或旧版 .xls 文件，请在 Excel/WPS 中取消密码并另存为 .xlsx")
    if not head.startswith(b"PK"):
        raise BudgetxlError(f"{name}：不是 {kind} 工作簿（可能是改了扩展名的 CSV 或其他文件）")
    try:
        if keep_open and size <= MAX_IN_MEMORY:  # members are then inflated from memory (see Package)
            zf = Package(p.read_bytes())
        else:
            zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        # NotImplementedError: a member's "version needed to extract" beyond what zipfile knows (a flipped byte)
        raise BudgetxlError(f"{name}：文件已损坏或不完整（不是有效的 zip/xlsx）") from None
    try:
        _check_entries(zf, name, kind)
    except BaseException:
        zf.close()
        raise
    if keep_open:
        return zf
    zf.close()
    return None


class Package(zipfile.ZipFile):
    """A package read into memory once; :meth:`read` inflates a deflated member in one call,
    bounded by its declared size and with its CRC checked: what ``ZipFile.read`` gives (and the
    same exceptions, KeyError and zipfile.BadZipFile) at about two thirds of the cost."""

    def __init__(self, raw: bytes):
        super().__init__(io.BytesIO(raw))
        self.raw = raw

    def read(self, name, pwd=None) -> bytes:
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        # encrypted (bit 0), patched (bit 5), strongly encrypted (bit 6), not deflated: zipfile's way
        if pwd is not None or info.flag_bits & 0x61 or info.compress_type != zipfile.ZIP_DEFLATED:
            return super().read(info, pwd)
        comp = self.raw_member(info)
        try:
            out = zlib.decompressobj(-15).decompress(comp, info.file_size + 1)
        except zlib.error:
            raise zipfile.BadZipFile(f"bad deflate data in {info.filename}") from None
        if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
            raise zipfile.BadZipFile(f"size or CRC mismatch in {info.filename}")
        return out

    def raw_member(self, info: zipfile.ZipInfo) -> bytes:
        """A member's data as stored (compressed), after its local header; its two headers must
        name the same member (as zipfile checks)."""
        raw, h = self.raw, info.header_offset
        if raw[h:h + 4] != b"PK\x03\x04" or len(raw) < h + 30:
            raise zipfile.BadZipFile(f"bad local header for {info.filename}")
        flags, = struct.unpack_from("<H", raw, h + 6)
        n, m = struct.unpack_from("<HH", raw, h + 26)
        local_name = raw[h + 30:h + 30 + n].decode("utf-8" if flags & 0x800 else "cp437", "replace")
        if local_name != info.orig_filename:  # as zipfile: the two headers must name the same member
            raise zipfile.BadZipFile(f"file name in directory and header differ for {info.filename}")
        start = h + 30 + n + m
        comp = raw[start:start + info.compress_size]
        if len(comp) != info.compress_size:
            raise zipfile.BadZipFile(f"truncated member {info.filename}")
        return comp


def _check_entries(zf: zipfile.ZipFile, name: str, kind: str = "xlsx") -> None:
    names = check_members(zf, name, REDO, "Excel/WPS", ".xlsx")
    if "EncryptedPackage" in names:
        raise BudgetxlError(f"{name}：工作簿设置了打开密码，请取消密码后再提交")
    if kind == "ods":
        if "content.xml" not in names:
            raise BudgetxlError(f"{name}：不是 OpenDocument 表格（缺少 content.xml）")
    elif "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise BudgetxlError(f"{name}：不是 xlsx 工作簿（缺少工作簿结构）")


def check_members(zf: zipfile.ZipFile, name: str, redo: str, app: str, ext: str) -> set[str]:
    """The limits and flags every member of an Office package must pass (count, duplicates,
    encryption, compression method, sizes, ratio); returns the member names. ``redo`` is what to
    do about a damaged package, ``app`` and ``ext`` the program that saves it again and as what."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise BudgetxlError(f"{name}：压缩包内文件数 {len(infos)} 过多，疑似恶意文件，拒绝读取")
    total = 0
    names = set()
    for info in infos:
        if info.filename in names:  # zipfile reads the last of two, other readers the first
            raise BudgetxlError(f"{name}：压缩包中有两个同名的内部文件 {info.filename}，疑似被篡改，拒绝读取。{redo}")
        names.add(info.filename)
        total += info.file_size
        if info.flag_bits & 0x41:  # bit 0: encrypted; bit 6: strong encryption
            raise BudgetxlError(f"{name}：内部文件 {info.filename} 被加密（压缩包设置了密码），无法读取。"
                                f"请在 {app} 中打开后另存为不加密的 {ext} 再提交")
        if info.compress_type not in SUPPORTED_METHODS or info.flag_bits & 0x20:  # bit 5: patched data
            raise BudgetxlError(f"{name}：内部文件 {info.filename} 使用了不支持的压缩方式（编号 {info.compress_type}），"
                                f"不是 {app} 保存的 {ext}。请在 {app} 中打开后另存为 {ext} 再提交")
        if info.file_size > MAX_PART_UNCOMPRESSED:
            raise BudgetxlError(f"{name}：内部文件 {info.filename} 解压后过大，疑似压缩炸弹，拒绝读取")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BudgetxlError(f"{name}：内部文件 {info.filename} 压缩比异常，疑似压缩炸弹，拒绝读取")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise BudgetxlError(f"{name}：解压后总大小过大，疑似压缩炸弹，拒绝读取")
    return names


def damage(e: BaseException) -> str:
    """What is wrong with a package, in Chinese, from the exception a zip, XML or calamine reader
    raised (never the bare exception name)."""
    text = f"{type(e).__name__} {e}".lower()
    if isinstance(e, MemoryError):
        return "内容过大，内存不足"
    if "password" in text or "encrypt" in text:
        return "内部文件被加密"
    if isinstance(e, NotImplementedError) or "compression" in text or "unsupported" in text:
        return "使用了不支持的压缩方式"
    if "crc" in text or "inflate" in text or "deflate" in text or "decompress" in text or isinstance(e, zlib.error):
        return "压缩数据损坏（校验失败或被截断）"
    if "zip" in text or isinstance(e, (zipfile.BadZipFile, EOFError)):
        return "压缩包结构损坏"
    if "xml" in text or "parse" in text or "utf" in text or "encoding" in text or "invalid" in text:
        return "内部 XML 数据损坏或格式不正确"
    if "not found" in text or "missing" in text or isinstance(e, KeyError):
        return "缺少必要的内部文件"
    return "内部数据损坏"


def read_part(zf: zipfile.ZipFile, part: str, name: str, what: str | None = None) -> bytes:
    """A member's bytes; every failure (missing, encrypted, unsupported method, bad CRC, truncated
    …) becomes a Chinese BudgetxlError naming the file and the part."""
    label = what or f"部件 {part}"
    try:
        return zf.read(part)
    except KeyError:
        raise BudgetxlError(f"{name}：工作簿缺少{label}，文件已损坏。{REDO}") from None
    except MemoryError:
        raise
    except Exception as e:  # zipfile raises BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError …
        raise BudgetxlError(f"{name}：{label}无法读取（{damage(e)}）。{REDO}") from None


def open_workbook_checked(path: str | Path, **kwargs):
    """openpyxl.load_workbook after the container checks, with defusedxml required."""
    require_defusedxml()
    check_container(path)
    import openpyxl

    try:
        return openpyxl.load_workbook(path, **kwargs)
    except Exception as e:  # openpyxl raises many types on malformed parts
        raise BudgetxlError(f"{path}：无法读取工作簿（{damage(e)}）。{REDO}") from None


# ---------------------------------------------------------------------------------- guarded parsing
GUARD_CPU_SECONDS = 45  # CPU time one published document may take to read (real ones: 1-2 s)
GUARD_MEMORY = 1024 * 1024 * 1024  # address space it may add to the process (real ones: < 100 MB)


class Progress:
    """Where a guarded reader is (a page, a part), shared with the process that waits for it, so
    that a limit's message can name the place it was reached."""

    SIZE = 512

    def __init__(self):
        import mmap

        self._map = mmap.mmap(-1, self.SIZE)

    def __call__(self, where: str) -> None:
        data = where.encode("utf-8")[: self.SIZE - 2]
        self._map[:2] = len(data).to_bytes(2, "little")
        self._map[2:2 + len(data)] = data

    def __str__(self) -> str:
        n = int.from_bytes(self._map[:2], "little")
        return self._map[2:2 + n].decode("utf-8", "replace")


class GuardedError(RuntimeError):
    """An unexpected exception in a guarded reader (a bug: exit 3, as it would be unguarded)."""


def run_limited(fn, *args, name: str, what: str, cpu_seconds: int = GUARD_CPU_SECONDS,
                memory: int = GUARD_MEMORY):
    """``fn(*args, progress)`` in a forked child with limits on CPU time (RLIMIT_CPU) and address
    space (RLIMIT_AS, ``memory`` above what the process maps already), its result pickled back.

    A hostile document (a decompression bomb, a page of a million lines, a parser caught in a
    loop) then ends at a limit named in a Chinese BudgetxlError, with the page or part it had
    reached, instead of running for minutes or taking the machine's memory. A BudgetxlError of
    the reader is raised again as it was; any other exception becomes :class:`GuardedError`.
    Where there is no fork (Windows), ``fn`` runs in this process without the limits.
    """
    import os
    import pickle
    import resource
    import select
    import signal
    import time

    progress = Progress()
    if not hasattr(os, "fork"):  # pragma: no cover - Windows
        return fn(*args, progress)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its outcome is tested through the parent
        status = 0
        try:
            os.close(r)
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = _vm_bytes() + memory
            resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
            used = int(sum(os.times()[:2]))  # RLIMIT_CPU counts the time the process has used already
            soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
            cap = used + cpu_seconds
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(resource.RLIMIT_CPU, (cap, hard))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            try:
                out = ("ok", fn(*args, progress))
            except BudgetxlError as e:
                out = ("error", str(e))
            except MemoryError:
                out = ("memory", "")
            except RecursionError:
                out = ("recursion", "")
            except Exception as e:
                out = ("bug", f"{type(e).__name__}: {e}")
            try:
                data = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                data = pickle.dumps(("memory", ""))
            view = memoryview(data)
            while view:
                view = view[os.write(w, view):]
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(w)
    chunks = []
    started = time.monotonic()
    deadline = started + 3 * cpu_seconds + 30  # a child blocked without using CPU
    killed = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                killed = True
                break
            ready, _, _ = select.select([r], [], [], min(left, 5.0))
            if ready:
                chunk = os.read(r, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    except BaseException:  # Ctrl-C: the child never outlives the reader
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(r)
    _, status = os.waitpid(pid, 0)
    where = str(progress)
    at = f"（读到{where}时）" if where else ""
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    if killed or sig in (signal.SIGXCPU, signal.SIGKILL):
        raise BudgetxlError(f"{name}：读取{what}超过 {cpu_seconds} 秒的处理时间上限{at}，文件可能已损坏或内容异常复杂"
                            "（如数量极多的线条、文字或对象），拒绝读取")
    try:
        kind, value = pickle.loads(b"".join(chunks))
    except Exception:
        detail = f"信号 {sig}" if sig is not None else f"退出码 {os.waitstatus_to_exitcode(status)}"
        raise BudgetxlError(f"{name}：读取{what}时解析程序异常终止（{detail}）{at}，文件可能已损坏，拒绝读取") from None
    if kind == "ok":
        return value
    if kind == "error":
        raise BudgetxlError(value)
    if kind == "memory":
        raise BudgetxlError(f"{name}：读取{what}需要的内存超过 {memory // 1048576} MB 的上限{at}，"
                            "文件可能含有解压后极大的数据（压缩炸弹）或已损坏，拒绝读取")
    if kind == "recursion":
        raise BudgetxlError(f"{name}：{what}的结构嵌套过深{at}，文件可能已损坏或被篡改，拒绝读取")
    raise GuardedError(value)


def _vm_bytes() -> int:
    import os

    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
