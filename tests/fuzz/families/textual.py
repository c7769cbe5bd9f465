"""Families on the text inputs: the facts CSV and the published disclosure text.

Operators work on bytes, line by line or byte by byte: hostile field values (digits that are
not ASCII, formulas, absurd amounts), broken CSV quoting, encodings, huge files (a million
lines, fifty megabytes), and for the text the table structure (lines dropped, duplicated,
numbers replaced).
"""

from __future__ import annotations

import random
from pathlib import Path

from ..core import IN, Family, register

_FIELD_VALUES = ["", " ", "²⁰²⁴", "①②③④", "٢٠٢٤", "２０２４", "2024.0", "1e3", "-1", "99999999999999999999.99",
                 "1.234", "NaN", "Infinity", "=1+1", "+1", "@SUM(A1)", "-2+3", "\t=x", "\r=x", "=HYPERLINK(\"x\")",
                 "\x00", "\u202e", "x" * 100_000, "\"", "a\"b", "合计", "0", "0.00", "١٢٣", "1,234.56", "1 234"]


MAX_GENERATED_LINES = 1_100_000  # operators stacked on each other stay within these (the harness's memory):
MAX_GENERATED_BYTES = 600 * 1024 * 1024  # lines and bytes (a long line repeated for 3,000 units was 23 GB)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _too_many_lines(data: bytes) -> bool:
    """A text of tens of millions of lines (a huge blank tail): splitting it into a list of lines
    would take gigabytes of the harness's memory, so line operators leave it as it is."""
    return data.count(b"\n") > MAX_GENERATED_LINES


def f_field(rng, data, ctx):
    """One field of one line replaced by a hostile value."""
    lines = _lines(data)
    i = rng.randrange(len(lines))
    fields = lines[i].split(b",")
    j = rng.randrange(len(fields))
    v = rng.choice(_FIELD_VALUES).encode("utf-8")
    if b"," in v or b"\"" in v or b"\n" in v or b"\r" in v:
        v = b'"' + v.replace(b'"', b'""') + b'"'
    fields[j] = v
    lines[i] = b",".join(fields)
    return b"\n".join(lines)


def f_columns(rng, data, ctx):
    lines = _lines(data)
    i = rng.randrange(len(lines))
    lines[i] = lines[i] + b"," * rng.randint(1, 3) if rng.random() < 0.5 else lines[i].rsplit(b",", 1)[0]
    return b"\n".join(lines)


def f_quote(rng, data, ctx):
    i = rng.randrange(len(data) or 1)
    return data[:i] + rng.choice([b'"', b'"\n"', b'""', b"\r", b"\r\r\n"]) + data[i:]


def f_repeat(rng, data, ctx):
    """Lines repeated: a few, thousands, or a million (the whole file kept in bounds)."""
    lines = _lines(data)
    header, body = lines[:1], [ln for ln in lines[1:] if ln.strip()]
    if not body or len(lines) > MAX_GENERATED_LINES:
        return data
    n = rng.choice([2, 1_000, 30_000, 1_000_000])
    if n >= 1_000_000:
        line = rng.choice(body)
        n = min(n, MAX_GENERATED_BYTES // (len(line) + 1))
        return b"\n".join(header) + b"\n" + (line + b"\n") * n
    pick = [rng.choice(body) for _ in range(min(n, 50))]
    times = max(1, min(n // len(pick), MAX_GENERATED_BYTES // max(1, sum(len(x) + 1 for x in pick))))
    return b"\n".join(header + body) + b"\n" + b"\n".join(pick * times) + b"\n"


def f_many_units(rng, data, ctx):
    """The sample's lines for many unit codes (a county's facts in one file)."""
    lines = _lines(data)
    header, body = lines[0], [ln for ln in lines[1:] if ln.strip()][:200]
    units = min(rng.choice([10, 300, 3_000]), MAX_GENERATED_LINES // max(1, len(body)),
                max(1, MAX_GENERATED_BYTES // max(1, sum(len(ln) + 1 for ln in body))))
    out = [header]
    for u in range(units):
        code = str(100000 + u).encode()
        out += [code + ln[ln.index(b","):] if b"," in ln else ln for ln in body]  # a line re-encoded: as it is
    return b"\n".join(out) + b"\n"


def f_encoding(rng, data, ctx):
    kind = rng.choice(["gb18030", "utf16", "bom", "badbytes", "nul", "crlf", "cr"])
    if kind == "gb18030":
        return data.decode("utf-8-sig", "replace").encode("gb18030", "replace")
    if kind == "utf16":
        return data.decode("utf-8-sig", "replace").encode("utf-16", "surrogatepass")
    if kind == "bom":
        return b"\xef\xbb\xbf" * rng.randint(1, 3) + data
    if kind == "badbytes":
        i = rng.randrange(len(data) or 1)
        return data[:i] + b"\xff\xc3\x28" + data[i:]
    if kind == "nul":
        i = rng.randrange(len(data) or 1)
        return data[:i] + b"\0" * rng.randint(1, 100) + data[i:]
    if kind == "crlf":
        return data.replace(b"\n", b"\r\n")
    return data.replace(b"\n", b"\r")


def f_truncate(rng, data, ctx):
    return data[: rng.randrange(len(data) or 1)]


def flip(rng, data: bytes, most: int) -> bytes:
    """1 to ``most`` bytes of ``data`` replaced by random ones (shared with the PDF family)."""
    b = bytearray(data)
    for _ in range(rng.randint(1, most)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def f_flip(rng, data, ctx):
    return flip(rng, data, 10)


def f_long_line(rng, data, ctx):
    lines = _lines(data)
    i = rng.randrange(len(lines))
    lines[i] = lines[i] + b"x" * rng.choice([100_000, 20_000_000])
    return b"\n".join(lines)


def _raw(key):
    return lambda bases: bases.raw(key)


def _dump(value: bytes, path: Path) -> None:
    path.write_bytes(value)


FACT_OPS = {f.__name__[2:]: f for f in (f_field, f_columns, f_quote, f_repeat, f_many_units, f_encoding, f_truncate,
                                        f_flip, f_long_line)}
FACT_COMMANDS = [(3, ["check", IN, "--format", "csv", "-o", "report.csv"]), (2, ["render", IN, "-o", "out.xlsx"]),
                 (2, ["consolidate", IN, "-o", "c.xlsx", "--quiet"]), (1, ["check", IN]),
                 (1, ["template", "--data", IN, "-o", "t.xlsx"])]
register(Family("facts", ".csv", _raw("facts"), _dump, FACT_OPS, FACT_COMMANDS, max_ops=3, weight=3))


# ---------------------------------------------------------------------------------- published text
def t_drop(rng, data, ctx):
    if _too_many_lines(data):
        return data
    lines = _lines(data)
    for _ in range(rng.randint(1, 30)):
        if lines:
            del lines[rng.randrange(len(lines))]
    return b"\n".join(lines)


def t_duplicate(rng, data, ctx):
    lines = _lines(data)
    if len(lines) > MAX_GENERATED_LINES or len(data) > MAX_GENERATED_BYTES // 6:
        return data
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.randint(1, 400))
    return b"\n".join(lines[:j] + lines[i:j] * rng.randint(1, 5) + lines[j:])


def t_numbers(rng, data, ctx):
    """Printed numbers replaced by hostile ones."""
    import re

    nums = list(re.finditer(rb"\d+\.\d{2}", data))
    b = data
    for _ in range(rng.randint(1, 10)):
        if not nums:
            break
        m = rng.choice(nums)
        v = rng.choice(["-", "—", "x", "1e400", "９９.００", "²⁰", "-5.00", "1.234", "99999999999999999999.99",
                        "=1+1", "@x", "", "（5.00）", "NaN"]).encode()
        b = b[:m.start()] + v + b[m.end():]
        nums = list(re.finditer(rb"\d+\.\d{2}", b))
    return b


def t_huge(rng, data, ctx):
    """A huge text: the document repeated, one giant line, or a giant table."""
    kind = rng.choice(["repeat", "line", "rows", "blank"])
    size = rng.choice([2, 12, 50]) * 1024 * 1024
    if len(data) > 60 * 1024 * 1024:
        return data
    if kind == "repeat":
        return data * (size // len(data) + 1)
    if kind == "line":
        return data + b"\n" + b"\xe6\x94\xb6" * (size // 3)
    if kind == "rows":
        return data + (b"\t2010101\n\t\xe8\xa1\x8c\xe6\x94\xbf\n\t1.00\n\n") * (size // 30)
    return data + b"\n" * size


def t_encoding(rng, data, ctx):
    return f_encoding(rng, data, ctx)


def t_flip(rng, data, ctx):
    return f_flip(rng, data, ctx)


def t_tabs(rng, data, ctx):
    """Indentation and blank lines changed (the cell and row separators of the text)."""
    if _too_many_lines(data):
        return data
    lines = _lines(data)
    for _ in range(rng.randint(1, 50)):
        i = rng.randrange(len(lines))
        kind = rng.choice(["untab", "tab", "blank", "join"])
        if kind == "untab":
            lines[i] = lines[i].lstrip(b"\t")
        elif kind == "tab":
            lines[i] = b"\t" * rng.randint(1, 200) + lines[i]
        elif kind == "blank":
            lines.insert(i, b"")
        elif i + 1 < len(lines):
            lines[i] = lines[i] + lines.pop(i + 1)
    return b"\n".join(lines)


def t_injection(rng, data, ctx):
    """Formula-like text in the unit line or a label (it reaches report cells)."""
    if _too_many_lines(data):
        return data
    lines = _lines(data)
    i = rng.randrange(len(lines))
    lines[i] = rng.choice([b"=cmd|' /C calc'!A0", b"@SUM(1+1)*cmd", b"+1+1", b"-1+1", b"\t=1", b"\r=1"]) + lines[i]
    return b"\n".join(lines)


TEXT_OPS = {f.__name__[2:]: f for f in (t_drop, t_duplicate, t_numbers, t_huge, t_encoding, t_flip, t_tabs,
                                        t_injection)}
TEXT_COMMANDS = [(3, ["check", IN, "--format", "csv", "-o", "report.csv"]), (2, ["import-text", IN, "-o", "facts.csv"]),
                 (2, ["render", IN, "-o", "out.xlsx"]), (1, ["check", IN])]
register(Family("text", ".txt", _raw("text"), _dump, TEXT_OPS, TEXT_COMMANDS, max_ops=3, weight=3))
