"""The fuzzing harness: mutation families, one forked subprocess per case, and the classes.

A *family* knows one kind of input (an entry workbook's zip container, its XML parts, its cells,
the facts CSV, the published text …): the base it starts from, its mutation operators, how to
write the mutated input and which commands to run on it. Families live in
``tests/fuzz/families/`` (every module there is imported and registers its families with
:func:`register`), so a new input kind (PDF, docx) is one more module.

A *case* is a family, a seed, one to three operators (each with its own seed, so any subset
replays exactly) and a command. Each case runs in a forked child of the harness (budgetxl
already imported: about 0.05–0.2 s per case) with ``resource.setrlimit`` limits on address
space and CPU time and a wall-clock deadline, and is classified:

=============  =====================================================================
clean          exit 0, 1 or 2 with nothing wrong below
exit3          exit code 3 (budgetxl's "internal error")
traceback      a Python traceback on stderr (or the child died on an exception)
crash          the child was killed by a signal other than the harness's deadline
timeout        more than the timeout (60 s) of CPU time, or still running at the wall-clock
               deadline (WALL_FACTOR x the timeout: a blocked case uses no CPU). CPU time, not
               wall time, is the case's own cost on a machine shared with other work; the
               wall seconds are logged too and the campaign counts the cases past the timeout
memory         peak resident memory over the memory threshold, or "内存不足"
modified       an input file's SHA-256 changed
injection      a report or manifest CSV cell that a spreadsheet would run as a formula
silent_loss    an unreadable figure written into an input cell, and no finding naming that cell
message        exit 2 whose message does not name the input file, or shows a bare exception name
harness        the harness itself failed on the case (building the input, running or classifying
               it): its traceback is kept in the outcome and the reproducer, and the run goes on
=============  =====================================================================

For every class other than clean, the first case of each (family, class) is minimised (the
smallest subset of its operators that still gives the class) and written as a reproducer:
the mutated input, ``case.json`` (family, seed, operators, command, outcome) and the output.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

CLASSES = ["clean", "exit3", "traceback", "crash", "timeout", "memory", "modified", "injection", "silent_loss",
           "message", "harness"]
BAD = [c for c in CLASSES if c != "clean"]
MEMORY_THRESHOLD = int(1.5 * 1024 ** 3)  # bytes of peak RSS that make a case "memory"
ADDRESS_LIMIT = 6 * 1024 ** 3  # RLIMIT_AS of a case: far above the threshold, so the threshold decides
BUILD_ADDRESS_LIMIT = 5 * 1024 ** 3  # address space the harness may add while it builds a case's input
IN = "{input}"


# ---------------------------------------------------------------------------------- families
@dataclass
class Ctx:
    """What the operators of one case learn about it (the oracle for silent loss)."""

    base: "Bases"
    unreadable_cells: list[tuple[str, str]] = field(default_factory=list)  # (sheet, A1) given a non-figure


@dataclass
class Family:
    """One kind of input and its mutations.

    ``load(bases)`` gives the representation the operators work on (bytes, a dict of zip parts,
    text …); each operator is ``op(rng, value, ctx) -> value``; ``dump(value, path)`` writes the
    input file; ``commands`` are (weight, argv) with ``{input}`` for the input path.
    """

    name: str
    suffix: str
    load: Callable[["Bases"], Any]
    dump: Callable[[Any, Path], None]
    ops: dict[str, Callable]
    commands: list[tuple[int, list[str]]]
    max_ops: int = 3
    weight: int = 1
    available: Callable[["Bases"], bool] | None = None  # whether its base could be made here (e.g. LibreOffice)


FAMILIES: dict[str, Family] = {}


def available(bases: "Bases", names: list[str] | None = None) -> list[str]:
    """The families (all, or ``names``) whose base this machine could make."""
    return [n for n in (names or sorted(FAMILIES)) if FAMILIES[n].available is None or FAMILIES[n].available(bases)]


def register(family: Family) -> Family:
    if family.name in FAMILIES:
        raise ValueError(f"family {family.name} registered twice")
    FAMILIES[family.name] = family
    return family


def load_families() -> dict[str, Family]:
    """Import every module in tests/fuzz/families/ (each registers its families)."""
    import importlib
    import pkgutil

    from . import families

    for m in sorted(pkgutil.iter_modules(families.__path__), key=lambda m: m.name):
        importlib.import_module(f"{families.__name__}.{m.name}")
    return FAMILIES


# ---------------------------------------------------------------------------------- bases
class Bases:
    """The unmutated inputs, made once per run in ``root``: the sample entry workbook (filled),
    a blank template, the sample facts CSV and the seed disclosure text; plus, for the oracles,
    where each of the sample workbook's figures stands."""

    def __init__(self, root: Path):
        import zipfile

        import budgetxl
        from budgetxl.model import UnitBudget
        from budgetxl.reader.entry import read_entry
        from budgetxl.spec import load_profile
        from budgetxl.template import write_template

        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        repo = Path(__file__).resolve().parents[2]
        self.entry = root / "entry.xlsx"
        write_template(budgetxl.load_sample(), self.entry)
        self.blank = root / "blank.xlsx"
        write_template(UnitBudget(load_profile(), "901", "测试单位", 2025), self.blank)
        self.facts = repo / "samples" / "451_2024" / "facts.csv"
        seed_dir = Path(os.environ.get("BUDGETXL_SEED_DIR", repo.parent / "shared" / "seed"))
        seeds = sorted(seed_dir.glob("*.txt"))
        self.text = seeds[0] if seeds else None
        self.parts: dict[str, dict[str, bytes]] = {}
        for key, path in (("entry", self.entry), ("blank", self.blank)):
            with zipfile.ZipFile(path) as z:
                self.parts[key] = {i.filename: z.read(i) for i in z.infolist()}
        r = read_entry(self.entry)
        self.sheet_parts = _sheet_parts(self.parts["entry"])
        self.figure_cells = sorted({r.positions[k] for k in r.budget.inputs if k in r.positions})
        self.input_cells = sorted({r.positions[k] for k in r.positions
                                   if isinstance(k, tuple) and len(k) == 3 and k[0].startswith("t")})
        from budgetxl.template.layout import SHEET_META

        self.meta_sheet = SHEET_META
        self.published = _render_published(root, self.entry)

    def document(self, kind: str) -> bytes:
        """A rendered published document of the sample: "docx", "pdf" (the document through
        LibreOffice Writer), "pdf_tables" (the tables through Calc), "pdf_encrypted" (the
        document's PDF with an open password)."""
        path = self.published.get(kind)
        if path is None:
            raise RuntimeError(f"fuzz: no {kind} base (LibreOffice not found?)")
        return path.read_bytes()

    def raw(self, key: str) -> bytes:
        return {"entry": self.entry, "blank": self.blank, "facts": self.facts, "text": self.text}[key].read_bytes()


_RENDER = r"""
import sys
from pathlib import Path
from budgetxl.cli import main
entry, root, pdf = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
args = ["render", str(entry), "-o", str(root / "published.xlsx"), "--docx", str(root / "document.docx"), "--force"]
if pdf:
    args += ["--pdf", str(root / "tables.pdf")]
try:
    main.main(args=args, prog_name="budgetxl", standalone_mode=True)
except SystemExit as e:
    if e.code:
        raise
if pdf:
    from budgetxl import lo
    opts = ('{"EncryptFile":{"type":"boolean","value":"true"},'
            '"DocumentOpenPassword":{"type":"string","value":"fuzz"}}')
    lo._convert_many([(root / "document.docx", root / "encrypted.pdf")], "pdf", "pdf:writer_pdf_Export:" + opts,
                     180, "encrypt")
"""


def _render_published(root: Path, entry: Path) -> dict[str, Path]:
    """The sample rendered as published documents (budgetxl render in a subprocess: LibreOffice is
    never started from the harness process): the docx always, the PDFs where LibreOffice is
    installed."""
    import subprocess

    from budgetxl.lo import find_soffice

    pdf = find_soffice() is not None
    done = subprocess.run([sys.executable, "-c", _RENDER, str(entry), str(root), "1" if pdf else "0"],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    if done.returncode:
        raise RuntimeError("fuzz: rendering the published bases failed:\n" + done.stderr.decode("utf-8", "replace"))
    got = {"docx": root / "document.docx"}
    if pdf:
        got.update(pdf=root / "document.pdf", pdf_tables=root / "tables.pdf", pdf_encrypted=root / "encrypted.pdf")
    return got


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    targets = {m.group(1): "xl/" + m.group(2).lstrip("/").removeprefix("xl/")
               for m in re.finditer(r'Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)}
    targets.update({m.group(2): "xl/" + m.group(1).lstrip("/").removeprefix("xl/")
                    for m in re.finditer(r'Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    wb = parts["xl/workbook.xml"].decode()
    import html

    return {html.unescape(m.group(1)): targets[m.group(2)]
            for m in re.finditer(r'<sheet name="([^"]*)"[^>]*?r:id="([^"]+)"', wb)}


# ---------------------------------------------------------------------------------- cases
@dataclass
class Case:
    family: str
    seed: int
    ops: list[tuple[str, int]]  # (operator, its own seed)
    argv: list[str]

    def label(self) -> str:
        return f"{self.family}#{self.seed}:" + "+".join(n for n, _ in self.ops)


@dataclass
class Outcome:
    klass: str
    exit: int | None
    seconds: float
    peak_mb: float
    detail: str = ""
    cpu: float = 0.0  # CPU seconds of the case (user + system, its waited-for children included)


def plan_case(family: Family, seed: int) -> Case:
    rng = random.Random(f"{family.name}:{seed}")
    names = sorted(family.ops)
    n = rng.randint(1, family.max_ops)
    ops = [(rng.choice(names), rng.randrange(1 << 30)) for _ in range(n)]
    weights = [w for w, _ in family.commands]
    argv = rng.choices([a for _, a in family.commands], weights)[0]
    return Case(family.name, seed, ops, list(argv))


def build(case: Case, family: Family, bases: Bases, workdir: Path) -> tuple[Path, Ctx]:
    """Apply the case's operators to the family's base and write the input into ``workdir``."""
    ctx = Ctx(bases)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    # operators that blow up (a long line repeated for thousands of units) give a MemoryError,
    # the outcome "harness", instead of the kernel's OOM killer ending the whole campaign
    limit = _vm_bytes() + BUILD_ADDRESS_LIMIT  # above what the process maps already (pytest, pyarrow …)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    try:
        value = family.load(bases)
        for name, op_seed in case.ops:
            value = family.ops[name](random.Random(op_seed), value, ctx)
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / f"input{family.suffix}"
        family.dump(value, path)
        del value
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    return path, ctx


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _child(argv: list[str], out: Path, cpu: int) -> None:  # pragma: no cover - runs in the fork
    code = 97
    try:
        os.setpgid(0, 0)
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_LIMIT, ADDRESS_LIMIT))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        os.chdir(out)
        for fd, name in ((1, "stdout.txt"), (2, "stderr.txt")):
            f = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(f, fd)
            os.close(f)
        sys.stdin = open(os.devnull)
        # under pytest sys.stdout/sys.stderr are capture objects, not fd 1/2: write to the files
        sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)
        from budgetxl.cli import main

        try:
            main.main(args=argv, prog_name="budgetxl", standalone_mode=True)
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except BaseException:
            traceback.print_exc()
            code = 96
    except BaseException:
        traceback.print_exc()
        code = 96
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


WALL_FACTOR = 3  # the wall-clock deadline of a case, in timeouts


def execute(argv: list[str], out: Path, timeout: float = 60.0) -> tuple[int | None, int | None, float, float, float]:
    """Run budgetxl ``argv`` in a forked child with cwd ``out``. Returns (exit code or None,
    killing signal or None, wall seconds, peak RSS in MB, CPU seconds); a child is killed past
    ``timeout`` of CPU time (RLIMIT_CPU) or WALL_FACTOR x ``timeout`` of wall time."""
    out.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    started = time.perf_counter()
    inherited = _rss_mb()  # the child starts with the harness's resident pages counted as its own
    pid = os.fork()
    if pid == 0:  # pragma: no cover
        _child(argv, out, int(timeout) + 1)
    timed_out = False
    delay = 0.002
    while True:
        wpid, status, ru = os.wait4(pid, os.WNOHANG)
        if wpid:
            break
        if time.perf_counter() - started > timeout * WALL_FACTOR:
            timed_out = True
            _kill_group(pid)
            wpid, status, ru = os.wait4(pid, 0)
            break
        time.sleep(delay)
        delay = min(delay * 1.5, 0.05)
    _kill_group(pid)  # anything the case left running (pool workers, soffice)
    seconds = time.perf_counter() - started
    # the case's peak as a fresh budgetxl process would have it: the child's peak, less what it
    # inherited from the harness, plus what a warm budgetxl process holds before it starts work
    peak = max(ru.ru_maxrss / 1024 - inherited, 0.0) + BASELINE_MB[0]
    cpu = ru.ru_utime + ru.ru_stime
    if timed_out:
        return None, signal.SIGKILL, seconds, peak, cpu
    if os.WIFSIGNALED(status):
        return None, os.WTERMSIG(status), seconds, peak, cpu
    return os.WEXITSTATUS(status), None, seconds, peak, cpu


BASELINE_MB = [0.0]  # RSS of the harness once budgetxl is imported (set by run.warm)


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1048576
    except (OSError, ValueError, IndexError):
        return 0.0


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_BARE_EXCEPTION = re.compile(r"\b(?:[A-Z][A-Za-z]*(?:Error|Exception)|Traceback)\b|内部错误")


def injected_cells(path: Path) -> list[str]:
    """Cells of a CSV that a spreadsheet would take for a formula (a plain number is data)."""
    text = path.read_bytes().decode("utf-8-sig", "replace")
    bad = []
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))  # a cell may hold a 5 MB string
    for row in csv.reader(io.StringIO(text.replace("\0", ""), newline="")):
        for v in row:
            if v.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(v):
                bad.append(v[:60])
    return bad


REPORT_CSVS = ("report.csv", "c_清单.csv")  # report and manifest (the facts CSVs are data)


def classify(case: Case, input_path: Path, ctx: Ctx, out: Path, before: str, timeout: float) -> Outcome:
    code, sig, seconds, peak, cpu = execute([a.replace(IN, str(input_path)) for a in case.argv], out, timeout)
    o = _classify(case, input_path, ctx, out, before, timeout, code, sig, seconds, peak, cpu)
    o.cpu = cpu
    return o


def _classify(case, input_path, ctx, out, before, timeout, code, sig, seconds, peak, cpu) -> Outcome:
    err = _read(out / "stderr.txt")
    said = err + _read(out / "stdout.txt") + "".join(_read(out / n) for n in REPORT_CSVS)
    if "Traceback (most recent call last)" in err or code == 96:
        return Outcome("traceback", code, seconds, peak, _tail(err))
    if sig == signal.SIGKILL and seconds >= timeout * WALL_FACTOR:
        return Outcome("timeout", None, seconds, peak, f"killed after {seconds:.0f} s of wall time ({cpu:.0f} s CPU)")
    if sig == signal.SIGXCPU or cpu > timeout:
        return Outcome("timeout", code, seconds, peak, f"{cpu:.0f} s of CPU time ({seconds:.0f} s wall)")
    if peak * 1024 * 1024 > MEMORY_THRESHOLD or "内存不足" in err:
        return Outcome("memory", code, seconds, peak, f"peak {peak:.0f} MB; " + _tail(err))
    if sig is not None:
        return Outcome("crash", None, seconds, peak, f"signal {sig}; " + _tail(err))
    if code == 3:
        return Outcome("exit3", code, seconds, peak, _tail(err))
    if _sha(input_path) != before:
        return Outcome("modified", code, seconds, peak, "input changed")
    for name in REPORT_CSVS:
        if (out / name).exists():
            bad = injected_cells(out / name)
            if bad:
                return Outcome("injection", code, seconds, peak, f"{name}: {bad[:3]}")
    if code in (0, 1) and case.argv[0] in ("export", "check"):  # the commands that list findings
        for sheet, ref in ctx.unreadable_cells:
            if not re.search(rf"\b{ref}\b", said):
                return Outcome("silent_loss", code, seconds, peak, f"{sheet}!{ref} unreadable, no finding names it")
    if code == 2:
        msg = err or _read(out / "stdout.txt")
        if input_path.name not in said or _BARE_EXCEPTION.search(msg):
            return Outcome("message", code, seconds, peak, _tail(msg))
    if code not in (0, 1, 2):
        return Outcome("crash", code, seconds, peak, f"exit {code}; " + _tail(err))
    return Outcome("clean", code, seconds, peak)


def _read(p: Path) -> str:
    try:
        return p.read_bytes()[:2_000_000].decode("utf-8", "replace")
    except OSError:
        return ""


def _tail(text: str, n: int = 400) -> str:
    text = text.strip()
    return text[-n:]


def run_one(case: Case, bases: Bases, workdir: Path, timeout: float) -> Outcome:
    """The case's outcome. A failure of the harness itself (building the input, hashing,
    classifying) is the outcome ``harness`` with its traceback, never an exception that ends the
    campaign and never hidden as clean."""
    started = time.perf_counter()
    stage = "building the input"
    try:
        family = FAMILIES[case.family]
        input_path, ctx = build(case, family, bases, workdir)
        stage = "running and classifying the case"
        before = _sha(input_path)
        return classify(case, input_path, ctx, workdir / "out", before, timeout)
    except Exception:
        return Outcome("harness", None, time.perf_counter() - started, 0.0,
                       f"fuzz: {stage} of {case.label()} failed:\n" + traceback.format_exc()[-3000:])


def minimise(case: Case, klass: str, bases: Bases, workdir: Path, timeout: float) -> Case:
    """The smallest subset of the case's operators (one, then two) that still gives ``klass``."""
    if len(case.ops) == 1:
        return case
    import itertools

    for k in range(1, len(case.ops)):
        for subset in itertools.combinations(case.ops, k):
            trial = Case(case.family, case.seed, list(subset), case.argv)
            d = workdir / "min"
            shutil.rmtree(d, ignore_errors=True)
            if run_one(trial, bases, d, timeout).klass == klass:
                return trial
    return case


def write_reproducer(case: Case, outcome: Outcome, bases: Bases, dest: Path, timeout: float) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    final = run_one(case, bases, dest, timeout)
    dest.mkdir(parents=True, exist_ok=True)  # a case the harness failed to build has no input in it
    info = {"family": case.family, "seed": case.seed, "ops": case.ops, "argv": case.argv,
            "class": outcome.klass, "reproduced_class": final.klass, "exit": final.exit,
            "seconds": round(final.seconds, 2), "peak_mb": round(final.peak_mb), "detail": final.detail,
            "replay": f"python -m tests.fuzz.run --replay {dest / 'case.json'}"}
    (dest / "case.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    return dest


@dataclass
class Campaign:
    counts: Counter = field(default_factory=Counter)  # (family, class) -> n
    first: dict = field(default_factory=dict)  # (family, class) -> (case, outcome)
    slowest: tuple = (0.0, "")  # wall seconds
    busiest: tuple = (0.0, "")  # CPU seconds
    over_wall: int = 0  # cases past the timeout in wall time (the machine's load included)
    timeout: float = 60.0
    peak: tuple = (0.0, "")
    n: int = 0


def schedule(n: int, seed: int, families: list[str]) -> list[Case]:
    """``n`` cases spread over the families by weight, in a seeded, reproducible order."""
    fams = [FAMILIES[f] for f in families]
    rng = random.Random(seed)
    chosen = rng.choices(fams, [f.weight for f in fams], k=n)
    per: Counter = Counter()
    cases = []
    for f in chosen:
        cases.append(plan_case(f, seed * 1_000_003 + per[f.name]))
        per[f.name] += 1
    return cases


def _entry(i: int, case: Case, o: Outcome) -> dict:
    return {"i": i, "label": case.label(), "family": case.family, "seed": case.seed, "ops": case.ops,
            "argv": case.argv, "class": o.klass, "exit": o.exit, "seconds": round(o.seconds, 3), "cpu": round(o.cpu, 3),
            "peak_mb": round(o.peak_mb, 1), "detail": o.detail}


def read_log(log: Path) -> dict[int, dict]:
    """The cases a campaign log holds (a line cut short by a killed run is ignored)."""
    done: dict[int, dict] = {}
    if not log.exists():
        return done
    with open(log, encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith("\n"):
                break
            try:
                e = json.loads(line)
            except ValueError:
                continue
            done[e["i"]] = e
    return done


def run_campaign(cases: list[Case], bases: Bases, workdir: Path, timeout: float = 60.0, repro_dir: Path | None = None,
                 progress: Callable[[int, Campaign], None] | None = None, jobs: int = 1,
                 log: Path | None = None, rerun: set[str] = frozenset()) -> Campaign:
    """Run ``cases`` and count their classes. With ``log``, every outcome is appended to it as a
    JSON line as soon as it is known, and the cases the log already holds (same index, same
    case) are counted from it and not run again: a campaign that was stopped resumes. Logged
    cases of a class in ``rerun`` are run again (after a fix; the new outcome supersedes)."""
    camp = Campaign(timeout=timeout)
    logfh = None
    skip: set[int] = set()
    if log is not None:
        for i, e in sorted(read_log(log).items()):
            if i < len(cases) and e["label"] == cases[i].label() and e["argv"] == cases[i].argv \
                    and e["class"] not in rerun:
                skip.add(i)
                o = Outcome(e["class"], e["exit"], e["seconds"], e["peak_mb"], e["detail"], e.get("cpu", 0.0))
                _count(camp, cases[i], o)
                key = (cases[i].family, o.klass)
                if o.klass != "clean" and key not in camp.first:
                    camp.first[key] = (cases[i], o)
        log.parent.mkdir(parents=True, exist_ok=True)
        logfh = open(log, "a", encoding="utf-8")

    def record(i: int, case: Case, outcome: Outcome) -> None:
        _count(camp, case, outcome)
        if logfh is not None:
            logfh.write(json.dumps(_entry(i, case, outcome), ensure_ascii=False) + "\n")
            logfh.flush()
        key = (case.family, outcome.klass)
        if outcome.klass != "clean" and key not in camp.first:
            camp.first[key] = (case, outcome)
            try:  # the reproducer is the harness's work: a failure of it is said, and the run goes on
                small = case if outcome.klass == "harness" else minimise(case, outcome.klass, bases, workdir / f"m{i}",
                                                                        timeout)
                camp.first[key] = (small, outcome)
                if repro_dir is not None:
                    write_reproducer(small, outcome, bases, repro_dir / f"{case.family}_{outcome.klass}", timeout)
            except Exception:
                print(f"fuzz: the reproducer of {case.label()} failed:\n{traceback.format_exc()}", file=sys.stderr,
                      flush=True)
            finally:
                shutil.rmtree(workdir / f"m{i}", ignore_errors=True)
        if progress:
            progress(i, camp)

    todo = [i for i in range(len(cases)) if i not in skip]
    try:
        if jobs <= 1:
            for i in todo:
                d = workdir / "w0"
                shutil.rmtree(d, ignore_errors=True)
                record(i, cases[i], run_one(cases[i], bases, d, timeout))
                shutil.rmtree(d, ignore_errors=True)
        else:
            _parallel(cases, todo, bases, workdir, timeout, jobs, record)
    finally:
        if logfh is not None:
            logfh.close()
    return camp


def _count(camp: Campaign, case: Case, outcome: Outcome) -> None:
    camp.counts[(case.family, outcome.klass)] += 1
    camp.n += 1
    if outcome.seconds > camp.slowest[0]:
        camp.slowest = (outcome.seconds, case.label())
    if outcome.cpu > camp.busiest[0]:
        camp.busiest = (outcome.cpu, case.label())
    if outcome.seconds > camp.timeout:
        camp.over_wall += 1
    if outcome.peak_mb > camp.peak[0]:
        camp.peak = (outcome.peak_mb, case.label())


def _worker(cases, mine: list[int], bases, workdir: Path, timeout: float, log: Path, j: int) -> None:  # pragma: no cover
    code = 0
    try:
        err = os.open(workdir / f"worker{j}.stderr", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(err, 2)
        os.close(err)
        with open(log, "a", encoding="utf-8") as fh:
            for i in mine:
                d = workdir / f"w{j}"
                shutil.rmtree(d, ignore_errors=True)
                o = run_one(cases[i], bases, d, timeout)
                fh.write(json.dumps([i, o.klass, o.exit, o.seconds, o.peak_mb, o.detail, o.cpu]) + "\n")
                fh.flush()
        shutil.rmtree(workdir / f"w{j}", ignore_errors=True)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stderr.flush()
        finally:
            os._exit(code)


def _parallel(cases, todo: list[int], bases, workdir: Path, timeout: float, jobs: int, record) -> None:
    """Several worker processes (forked before any thread exists), each running every jobs-th
    case and reporting its outcomes as JSON lines; the parent records them in case order. A
    worker that dies gives its current case the outcome ``harness`` (with the worker's exit
    status and stderr) and a new worker takes over the rest of its cases."""
    workdir.mkdir(parents=True, exist_ok=True)
    shares = {j: todo[j::jobs] for j in range(jobs)}
    logs = {j: workdir / f"log{j}.jsonl" for j in range(jobs)}
    for f in logs.values():
        f.unlink(missing_ok=True)
    offsets = {j: 0 for j in range(jobs)}
    seen: dict[int, set[int]] = {j: set() for j in range(jobs)}
    workers: dict[int, int] = {}  # pid -> j

    def spawn(j: int) -> None:
        rest = [i for i in shares[j] if i not in seen[j]]
        if not rest:
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover
            _worker(cases, rest, bases, workdir, timeout, logs[j], j)
        workers[pid] = j

    for j in range(jobs):
        spawn(j)
    done: dict[int, Outcome] = {}
    order = list(todo)
    nxt = 0

    def drain(j: int) -> None:
        if not logs[j].exists():
            return
        with open(logs[j], encoding="utf-8") as fh:
            fh.seek(offsets[j])
            while True:
                line = fh.readline()
                if not line.endswith("\n"):
                    break
                offsets[j] += len(line.encode("utf-8"))
                i, klass, code, secs, peak, detail, cpu = json.loads(line)
                done[i] = Outcome(klass, code, secs, peak, detail, cpu)
                seen[j].add(i)

    try:
        while workers or nxt < len(order):
            for pid in list(workers):
                wpid, status = os.waitpid(pid, os.WNOHANG)
                if not wpid:
                    continue
                j = workers.pop(pid)
                _kill_group(pid)
                drain(j)
                rest = [i for i in shares[j] if i not in seen[j]]
                if rest:  # the worker died in the middle of its share
                    errf = workdir / f"worker{j}.stderr"
                    err = errf.read_text("utf-8", "replace")[-3000:] if errf.exists() else ""
                    detail = f"fuzz: worker {j} died ({os.waitstatus_to_exitcode(status)}) on this case:\n{err}"
                    done[rest[0]] = Outcome("harness", None, 0.0, 0.0, detail)
                    seen[j].add(rest[0])
                    spawn(j)
            for j in range(jobs):
                drain(j)
            while nxt < len(order) and order[nxt] in done:
                i = order[nxt]
                record(i, cases[i], done.pop(i))
                nxt += 1
            if not workers and nxt < len(order):
                raise RuntimeError(f"fuzz: no outcome for case {order[nxt]}")
            time.sleep(0.05)
    finally:
        for pid in workers:  # a failed or interrupted campaign leaves no worker behind
            _kill_group(pid)
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def table(camp: Campaign) -> str:
    fams = sorted({f for f, _ in camp.counts})
    classes = [c for c in CLASSES if any(camp.counts[(f, c)] for f in fams)] or ["clean"]
    w = max([len(f) for f in fams] + [6])
    lines = [f"{'family':<{w}} " + " ".join(f"{c:>11}" for c in classes) + f" {'total':>7}"]
    for f in fams:
        lines.append(f"{f:<{w}} " + " ".join(f"{camp.counts[(f, c)]:>11}" for c in classes)
                     + f" {sum(camp.counts[(f, c)] for c in CLASSES):>7}")
    lines.append(f"{'total':<{w}} " + " ".join(f"{sum(camp.counts[(f, c)] for f in fams):>11}" for c in classes)
                 + f" {camp.n:>7}")
    return "\n".join(lines)
