"""LibreOffice (headless) as a real spreadsheet engine: recalculate workbooks, print to PDF.

Facts this module relies on (shared/ENGINEERING.md §2, LibreOffice 7.4):

* LibreOffice keeps the cached values of an xlsx by default (xlsxwriter writes 0), so a plain
  ``--convert-to xlsx`` does *not* recalculate.  We run LibreOffice with a private user profile
  whose ``registrymodifications.xcu`` sets ``OOXMLRecalcMode`` and ``ODFRecalcMode`` to 0
  ("always recalculate on load").
* Fonts: fontconfig answers 宋体 with DejaVu Sans here, so LibreOffice printed digits in DejaVu
  and the Chinese in a sans-serif fallback.  The same profile carries LibreOffice's font
  replacement table (宋体 → Noto Serif CJK SC, 黑体 → Noto Sans CJK SC, for fonts not installed
  and stand-ins that are) and zh-CN as the default Asian language, so fallbacks are chosen for
  Simplified Chinese.
* Every launch costs about 1.2–1.5 s, so :func:`recalculate_many` converts several files in one
  invocation.

The profile is created once per process (a fresh ``mkdtemp`` directory, so two processes never
share one) and removed at exit.  Calls within one process are serialised: two LibreOffice
instances on the same profile would hand documents to each other.  The input file is never
opened for writing: it is copied into a temporary directory first, and results reach their
destination through :func:`budgetxl.fileio.atomic_path` (temporary file + ``os.replace``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from .errors import BudgetxlError
from .fileio import atomic_path

__all__ = ["find_soffice", "recalculate", "recalculate_many", "convert"]

_INSTALL_HINT = "请安装 libreoffice-calc-nogui（Debian/Ubuntu：apt-get install libreoffice-calc-nogui），或用环境变量 BUDGETXL_SOFFICE 指定 soffice 的路径"

_XCU_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="ShowTipOfTheDay" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Linguistic/General"><prop oor:name="DefaultLocale_CJK" oor:op="fuse"><value>zh-CN</value></prop></item>
"""

# The fonts budgetxl's documents name (the official tables are set in 宋体, headings in 黑体; a
# returned workbook may name the others) and the Simplified-Chinese faces that stand in for them
# where they are not installed.  Without this, LibreOffice on Linux gets DejaVu Sans for 宋体 from
# fontconfig: Latin letters and digits in DejaVu, the Chinese from a sans-serif fallback.
_SERIF_SC = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "AR PL UMing CN")
_SANS_SC = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
            "WenQuanYi Micro Hei")
STAND_INS = {
    **{name: _SERIF_SC for name in ("宋体", "SimSun", "新宋体", "NSimSun", "仿宋", "FangSong",
                                     "仿宋_GB2312", "FangSong_GB2312", "楷体", "KaiTi", "楷体_GB2312")},
    **{name: _SANS_SC for name in ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei", "等线", "DengXian")},
}


def installed_families() -> set[str] | None:
    """Font families fontconfig knows (every name of each), or None where there is no fc-list."""
    exe = shutil.which("fc-list")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, ":", "family"], stdin=subprocess.DEVNULL, capture_output=True,
                             timeout=60, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {name.strip() for line in out.decode("utf-8", "replace").splitlines()
            for name in line.split(",") if name.strip()}


def font_replacements(families: set[str] | None) -> dict[str, str]:
    """``{font named in a document: installed Simplified-Chinese face}`` for LibreOffice's font
    replacement table: only fonts that are not installed, only faces that are (where fontconfig
    cannot say, nothing is replaced and LibreOffice chooses as it always does)."""
    if not families:
        return {}
    out = {}
    for name, faces in STAND_INS.items():
        if name in families:
            continue
        face = next((f for f in faces if f in families), None)
        if face is not None:
            out[name] = face
    return out


def _xcu(replacements: dict[str, str]) -> str:
    """The profile's ``registrymodifications.xcu``: recalculation on load, Chinese as the default
    Asian language (so a fallback font is chosen for Simplified Chinese), and the font
    replacement table, applied always (``Always``: fontconfig answers every name with *some*
    font, so "replace only when missing" would never fire) and for printing too."""
    from xml.sax.saxutils import escape

    parts = [_XCU_HEAD]
    if replacements:
        parts.append('<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
                     '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>\n')
    for i, (name, face) in enumerate(sorted(replacements.items())):
        parts.append(
            '<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">'
            f'<node oor:name="budgetxl{i}" oor:op="replace">'
            '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
            '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
            f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(name)}</value></prop>'
            f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(face)}</value></prop>'
            '</node></item>\n')
    parts.append("</oor:items>\n")
    return "".join(parts)

_MAC_WIN_CANDIDATES = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)

_lock = threading.Lock()  # one LibreOffice run at a time per process (shared profile)
_profile: tuple[int, Path] | None = None  # (pid that created it, directory)


def find_soffice() -> str | None:
    """Path of the LibreOffice executable, or None.

    ``BUDGETXL_SOFFICE`` wins when set (a path or a command name); if it names nothing usable the
    result is None rather than a silent fallback to some other installation.
    """
    env = os.environ.get("BUDGETXL_SOFFICE", "").strip()
    if env:
        p = Path(env).expanduser()
        if p.is_file() and os.access(p, os.X_OK):
            return str(p)
        return shutil.which(env)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for cand in _MAC_WIN_CANDIDATES:
        if os.path.isfile(cand):
            return cand
    return None


# --------------------------------------------------------------------------- profile


def _remove_profile(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _atexit_cleanup() -> None:
    global _profile
    if _profile is not None and _profile[0] == os.getpid():
        _remove_profile(_profile[1])
    _profile = None


atexit.register(_atexit_cleanup)


def _profile_dir() -> Path:
    """This process's LibreOffice profile (created on first use; recreated after fork/damage)."""
    global _profile
    pid = os.getpid()
    if _profile is not None and _profile[0] == pid:
        xcu = _profile[1] / "user" / "registrymodifications.xcu"
        try:
            if "OOXMLRecalcMode" in xcu.read_text(encoding="utf-8", errors="replace"):
                return _profile[1]
        except OSError:
            pass
        _remove_profile(_profile[1])  # damaged (e.g. LibreOffice killed mid-write): start afresh
        _profile = None
    path = Path(tempfile.mkdtemp(prefix=f"budgetxl-lo-{pid}-", dir=tempfile.gettempdir()))
    (path / "user").mkdir()
    (path / "user" / "registrymodifications.xcu").write_text(_xcu(font_replacements(installed_families())),
                                                          encoding="utf-8")
    _profile = (pid, path)
    return path


def _discard_profile() -> None:
    global _profile
    if _profile is not None and _profile[0] == os.getpid():
        _remove_profile(_profile[1])
    _profile = None


# --------------------------------------------------------------------------- running soffice


def _tail(data: bytes | None, limit: int = 1500) -> str:
    text = (data or b"").decode("utf-8", errors="replace").strip()
    return text if len(text) <= limit else "……" + text[-limit:]


def _output_tail(out: bytes | None, err: bytes | None) -> str:
    parts = []
    if err and err.strip():
        parts.append(f"LibreOffice 错误输出：{_tail(err)}")
    if out and out.strip():
        parts.append(f"LibreOffice 输出：{_tail(out, 600)}")
    return ("\n" + "\n".join(parts)) if parts else ""


def _kill_group(proc: subprocess.Popen) -> None:
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    else:  # pragma: no cover - Windows
        with contextlib.suppress(OSError):
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=30)
        with contextlib.suppress(OSError):
            proc.kill()


def _run_soffice(inputs: list[Path], outdir: Path, convert_to: str, timeout: float,
                 what: str) -> tuple[int, str]:
    """One ``soffice --convert-to`` over ``inputs`` (distinct basenames) into ``outdir``.

    Returns LibreOffice's exit code and the tail of its output (for error messages).
    """
    exe = find_soffice()
    if exe is None:
        raise BudgetxlError(f"未找到 LibreOffice（soffice），无法{what}。{_INSTALL_HINT}")
    with _lock:
        profile = _profile_dir()
        env = dict(os.environ)
        env["HOME"] = str(profile)
        env["SAL_USE_VCLPLUGIN"] = "svp"
        env.pop("SESSION_MANAGER", None)
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--norestore", "--nolockcheck", "--nologo", "--calc",
            "--convert-to", convert_to,
            "--outdir", str(outdir),
            *[str(p) for p in inputs],
        ]
        popen_kw: dict = {}
        if os.name == "posix":
            popen_kw["start_new_session"] = True  # own process group: killable as a whole
        else:  # pragma: no cover - Windows
            popen_kw["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env, cwd=str(outdir), **popen_kw)
        except OSError as e:
            raise BudgetxlError(f"无法启动 LibreOffice（{exe}），无法{what}：{e}。{_INSTALL_HINT}") from e
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out, err = proc.communicate()
            _discard_profile()  # may have been killed while writing its profile
            raise BudgetxlError(
                f"LibreOffice 在 {timeout:g} 秒内未完成，已终止，无法{what}" + _output_tail(out, err)
            ) from None
        except BaseException:  # Ctrl-C etc.: never leave soffice behind
            _kill_group(proc)
            proc.wait()
            raise
        return proc.returncode, _output_tail(out, err)


def _check_input(src: Path) -> None:
    if not src.is_file():
        raise BudgetxlError(f"输入文件不存在：{src}")


def _deliver(produced: Path, dst: Path, src: Path, what: str, fmt: str, rc: int, tail: str) -> Path:
    if not produced.is_file() or produced.stat().st_size == 0:
        raise BudgetxlError(f"LibreOffice 未生成输出文件，无法{what}：{src}（退出码 {rc}）" + tail)
    if fmt in ("xlsx", "ods", "docx", "odt"):
        with open(produced, "rb") as f:
            if f.read(2) != b"PK":
                raise BudgetxlError(f"LibreOffice 的输出不是有效的 {fmt} 文件，无法{what}：{src}")
    elif fmt == "pdf":
        with open(produced, "rb") as f:
            if f.read(5) != b"%PDF-":
                raise BudgetxlError(f"LibreOffice 的输出不是有效的 PDF 文件，无法{what}：{src}")
    dst.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dst, inputs=(src,)) as tmp:
        shutil.copyfile(produced, tmp)
    return dst


def _convert_many(pairs: list[tuple[Path, Path]], fmt: str, convert_to: str, timeout: float,
                  what: str) -> list[Path]:
    pairs = [(Path(s), Path(d)) for s, d in pairs]
    if not pairs:
        return []
    for s, d in pairs:
        _check_input(s)
        with contextlib.suppress(OSError):
            if d.exists() and os.path.samefile(s, d):
                raise BudgetxlError(f"输出文件 {d} 就是输入文件，拒绝覆盖输入")
    dsts = [os.path.abspath(d) for _, d in pairs]
    if len(set(dsts)) != len(dsts):
        raise BudgetxlError(f"输出文件重复，无法{what}：" + "、".join(sorted({d for d in dsts if dsts.count(d) > 1})))
    with tempfile.TemporaryDirectory(prefix="budgetxl-lo-job-") as tmp:
        indir, outdir = Path(tmp) / "in", Path(tmp) / "out"
        indir.mkdir()
        outdir.mkdir()
        copies = []
        for i, (s, _) in enumerate(pairs):
            # ASCII, unique basenames: LibreOffice names outputs after inputs.
            c = indir / f"f{i:04d}{s.suffix.lower() or '.xlsx'}"
            shutil.copyfile(s, c)
            copies.append(c)
        rc, tail = _run_soffice(copies, outdir, convert_to, timeout, what)
        return [_deliver(outdir / f"{c.stem}.{fmt}", d, s, what, fmt, rc, tail)
                for c, (s, d) in zip(copies, pairs)]


def recalculate(src: Path, dst: Path, timeout: float = 120) -> Path:
    """Open ``src`` in LibreOffice, recalculate every formula, save as xlsx to ``dst``.

    ``src`` is never modified (``src == dst`` is refused).  Raises :class:`BudgetxlError` when
    LibreOffice is missing, times out or produces nothing.
    """
    return _convert_many([(src, dst)], "xlsx", "xlsx", timeout, "重新计算公式")[0]


def recalculate_many(pairs: list[tuple[Path, Path]], timeout: float | None = None) -> list[Path]:
    """:func:`recalculate` for several ``(src, dst)`` pairs in a single LibreOffice launch.

    Sources may share basenames.  Default timeout: 60 s plus 30 s per file.
    """
    pairs = list(pairs)
    if timeout is None:
        timeout = 60 + 30 * len(pairs)
    return _convert_many(pairs, "xlsx", "xlsx", timeout, "重新计算公式")


def convert(src: Path, dst: Path, fmt: str = "pdf", timeout: float = 180) -> Path:
    """Convert ``src`` with LibreOffice (formulas recalculated on load) to ``fmt``, e.g. PDF."""
    fmt = fmt.lower().lstrip(".")
    if not fmt.isalnum():
        raise BudgetxlError(f"不支持的输出格式：{fmt}")
    what = f"转换为 {fmt.upper()}"
    return _convert_many([(src, dst)], fmt, fmt, timeout, what)[0]


if __name__ == "__main__":  # pragma: no cover - manual use: python -m budgetxl.lo in.xlsx out.xlsx
    if len(sys.argv) != 3:
        sys.exit("usage: python -m budgetxl.lo SRC DST")
    d = Path(sys.argv[2])
    if d.suffix.lower() == ".xlsx":
        recalculate(Path(sys.argv[1]), d)
    else:
        convert(Path(sys.argv[1]), d, d.suffix.lstrip("."))
