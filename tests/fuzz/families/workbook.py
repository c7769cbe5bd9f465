"""Families on the entry workbook: its zip container, its XML parts and its cells.

The zip family works on the raw bytes (flags, methods, sizes, CRCs, names, truncation, bombs);
the XML family on the parts (DTDs, entities, truncation, far cell references, dimensions,
shared strings, sheet states, encodings); the cell family writes one hostile value into a cell
that the reader interprets (a figure, an input cell, the fingerprint, the unit sheet).
"""

from __future__ import annotations

import random
import re
import struct
import zipfile
import zlib
from pathlib import Path

from ..core import IN, Family, register

_EPOCH = (1980, 1, 1, 0, 0, 0)
XLSX_COMMANDS = [
    (3, ["check", IN, "--format", "csv", "-o", "report.csv"]),
    (3, ["export", IN, "-o", "facts.csv"]),
    (2, ["render", IN, "-o", "out.xlsx"]),
    (1, ["consolidate", IN, "-o", "c.xlsx", "--quiet"]),
    (1, ["check", IN]),
]


def write_parts(parts: dict[str, bytes], path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, _EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def _pack(parts: dict[str, bytes]) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, _EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


# ---------------------------------------------------------------------------------- zip container
def _entries(raw: bytes) -> list[tuple[int, int]]:
    """(central directory offset, local header offset) of every member."""
    out = []
    at = raw.rfind(b"PK\x05\x06")
    if at < 0:
        return out
    n, size, start = struct.unpack_from("<HII", raw, at + 10)
    p = start
    for _ in range(n):
        if raw[p:p + 4] != b"PK\x01\x02":
            break
        local, = struct.unpack_from("<I", raw, p + 42)
        out.append((p, local))
        nl, el, cl = struct.unpack_from("<HHH", raw, p + 28)
        p += 46 + nl + el + cl
    return out


def _pick(rng: random.Random, raw: bytes):
    ents = _entries(raw)
    # the parts the readers interpret first: an entry workbook's worksheets, a docx's document
    sheets = [e for e in ents if re.search(rb"worksheets/sheet|word/document\.xml", raw[e[0] + 46:e[0] + 46 + 60])]
    return rng.choice(sheets if sheets and rng.random() < 0.7 else ents) if ents else None


def _set16(raw: bytearray, e, central_off: int, local_off: int, fn) -> None:
    c, l = e
    for at in (c + central_off, l + local_off):
        v, = struct.unpack_from("<H", raw, at)
        struct.pack_into("<H", raw, at, fn(v) & 0xFFFF)


def z_encrypted(rng, raw, ctx):
    b = bytearray(raw)
    e = _pick(rng, b)
    if e:
        _set16(b, e, 8, 6, lambda v: v | 1 | (0x40 if rng.random() < 0.2 else 0))
    return bytes(b)


def z_method(rng, raw, ctx):
    b = bytearray(raw)
    e = _pick(rng, b)
    if e:
        m = rng.choice([1, 6, 9, 12, 14, 93, 95, 97, 98, 99, 0xFFFF, 0])
        _set16(b, e, 10, 8, lambda v: m)
    return bytes(b)


def z_sizes(rng, raw, ctx):
    b = bytearray(raw)
    e = _pick(rng, b)
    if e:
        c, l = e
        which = rng.choice([20, 24])  # compressed / uncompressed in the central directory
        v = rng.choice([0, 1, 0xFFFFFFFF, rng.randrange(1 << 32), 200 * 1024 * 1024])
        struct.pack_into("<I", b, c + which, v)
        if rng.random() < 0.5:
            struct.pack_into("<I", b, l + which - 2, v)
    return bytes(b)


def z_crc(rng, raw, ctx):
    b = bytearray(raw)
    e = _pick(rng, b)
    if e:
        v = rng.randrange(1 << 32)
        struct.pack_into("<I", b, e[0] + 16, v)
        struct.pack_into("<I", b, e[1] + 14, v)
    return bytes(b)


def z_flip(rng, raw, ctx):
    b = bytearray(raw)
    for _ in range(rng.randint(1, 20)):
        i = rng.randrange(len(b))
        b[i] = rng.randrange(256)
    return bytes(b)


def z_truncate(rng, raw, ctx):
    return raw[: rng.randrange(len(raw))]


def z_garbage(rng, raw, ctx):
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4096)))
    return junk + raw if rng.random() < 0.5 else raw + junk


def z_name(rng, raw, ctx):
    b = bytearray(raw)
    e = _pick(rng, b)
    if e:
        c, l = e
        nl, = struct.unpack_from("<H", b, c + 28)
        name = bytearray(b[c + 46:c + 46 + nl])
        if name:
            name[rng.randrange(len(name))] = rng.choice(b"/\\.\x00:A\xff")
            target = rng.choice(["central", "local", "both"])
            if target in ("central", "both"):
                b[c + 46:c + 46 + nl] = name
            if target in ("local", "both"):
                b[l + 30:l + 30 + nl] = name
    return bytes(b)


def _unzip(raw: bytes) -> dict[str, bytes] | None:
    """The parts of a package, or None when an earlier operator broke it beyond reading."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return {i.filename: z.read(i) for i in z.infolist()}
    except Exception:
        return None


def z_bomb(rng, raw, ctx):
    """A worksheet replaced by a highly compressible part (a zip bomb), or many members."""
    parts = _unzip(raw)
    if parts is None:
        return raw
    kind = rng.choice(["zeros", "cells", "members", "nested"])
    sheet = rng.choice([n for n in parts if n.startswith("xl/worksheets/")] or list(parts))
    if kind == "zeros":
        parts[sheet] = b"\0" * rng.choice([2, 60, 150]) * 1024 * 1024
    elif kind == "cells":
        row = b'<row r="%d">' + b'<c r="A%d"><v>1</v></c>' + b"</row>"
        body = b"".join(row.replace(b"%d", str(i).encode()) for i in range(1, rng.choice([5_000, 99_000])))
        parts[sheet] = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                        b'spreadsheetml/2006/main"><sheetData>' + body + b"</sheetData></worksheet>")
    elif kind == "members":
        for i in range(rng.choice([500, 2500])):
            parts[f"xl/media/x{i}.bin"] = b"x"
    else:
        parts["xl/embeddings/inner.xlsx"] = _pack({"a.xml": b"\0" * 30 * 1024 * 1024})
    return _pack(parts)


def z_duplicate(rng, raw, ctx):
    import io

    got = _unzip(raw)
    if got is None:
        return raw
    parts = list(got.items())
    name, _ = rng.choice(parts)
    buf = io.BytesIO()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in parts:
                z.writestr(zipfile.ZipInfo(n, _EPOCH), d)
            z.writestr(zipfile.ZipInfo(name, _EPOCH), b"<x/>" if rng.random() < 0.5 else d)
    return buf.getvalue()


def z_stored(rng, raw, ctx):
    """Members stored (not deflated), or the whole package as a zip64 archive."""
    import io

    parts = _unzip(raw)
    if parts is None:
        return raw
    buf = io.BytesIO()
    method = rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
    with zipfile.ZipFile(buf, "w", method) as z:
        for n, d in parts.items():
            z.writestr(zipfile.ZipInfo(n, _EPOCH), d, compress_type=method if rng.random() < 0.7 else zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _load_raw(key):
    return lambda bases: bases.raw(key)


def _dump_raw(value: bytes, path: Path) -> None:
    path.write_bytes(value)


def _tolerant(op):
    """A raw-header operator on a package an earlier operator damaged may find offsets pointing
    outside the file: it then leaves the bytes as they are (it does not apply)."""
    def run(rng, raw, ctx):
        try:
            return op(rng, raw, ctx)
        except (struct.error, IndexError, ValueError, OverflowError):
            return raw

    run.__name__ = op.__name__
    return run


ZIP_OPS = {f.__name__[2:]: _tolerant(f) for f in (z_encrypted, z_method, z_sizes, z_crc, z_flip, z_truncate, z_garbage, z_name,
                                        z_bomb, z_duplicate, z_stored)}
register(Family("zip", ".xlsx", _load_raw("entry"), _dump_raw, ZIP_OPS, XLSX_COMMANDS, max_ops=2, weight=3))
register(Family("zip_blank", ".xlsx", _load_raw("blank"), _dump_raw, ZIP_OPS, XLSX_COMMANDS, max_ops=2, weight=1))


# ---------------------------------------------------------------------------------- package XML
def _part(rng, parts, prefer_sheet=0.6):
    names = list(parts)
    sheets = [n for n in names if n.startswith("xl/worksheets/")]
    return rng.choice(sheets) if sheets and rng.random() < prefer_sheet else rng.choice(names)


def x_doctype(rng, parts, ctx):
    n = _part(rng, parts, 0.4)
    bomb = (b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')
    ext = b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    d = parts[n]
    decl = re.match(rb"<\?xml[^>]*\?>", d)
    at = decl.end() if decl else 0
    dtd = rng.choice([bomb, ext, b"<!DOCTYPE r>"])
    d = d[:at] + dtd + d[at:]
    if rng.random() < 0.5:
        d = d.replace(b"</t>", b"&d;</t>", 1).replace(b"<v>", b"<v>&x;", 1)
    parts[n] = d
    return parts


def x_truncate(rng, parts, ctx):
    n = _part(rng, parts)
    parts[n] = parts[n][: rng.randrange(max(1, len(parts[n])))]
    return parts


def x_far_cell(rng, parts, ctx):
    n = _part(rng, parts, 0.95)
    ref = rng.choice(["SE99999", "XFD1048576", "A1048576", "SF1", "ZZ100", "A99999", "SE1",
                      f"{rng.choice(['B', 'AA', 'KZ', 'RZ'])}{rng.randint(1, 99999)}", "A0", "A-1", "AAAA1"])
    cellxml = f'<c r="{ref}"><v>1</v></c>'.encode()
    rowxml = f'<row r="{re.sub("[A-Z-]", "", ref) or 1}">'.encode() + cellxml + b"</row>"
    d = parts[n]
    if b"</sheetData>" in d:
        d = d.replace(b"</sheetData>", rowxml + b"</sheetData>", 1)
    parts[n] = d
    return parts


def x_dimension(rng, parts, ctx):
    n = _part(rng, parts, 1.0)
    ref = rng.choice(["A1:XFD1048576", "A1:SE99999", "A1", "ZZZZ9999999", "", "A1:A1"]).encode()
    d = parts[n]
    if b"<dimension" in d:
        d = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', d, count=1)
    else:
        d = d.replace(b"<sheetData", b'<dimension ref="' + ref + b'"/><sheetData', 1)
    parts[n] = d
    return parts


def x_shared_strings(rng, parts, ctx):
    n = "xl/sharedStrings.xml"
    if n not in parts:
        return parts
    d = parts[n]
    items = list(re.finditer(rb"<si>.*?</si>", d, re.S))
    if not items:
        return parts
    m = rng.choice(items)
    kind = rng.choice(["dup", "drop", "huge", "count"])
    if kind == "dup":
        d = d[:m.end()] + m.group(0) + d[m.end():]
    elif kind == "drop":
        d = d[:m.start()] + d[m.end():]
    elif kind == "huge":
        d = d[:m.start()] + b"<si><t>" + b"x" * rng.choice([40_000, 5_000_000]) + b"</t></si>" + d[m.end():]
    else:
        d = re.sub(rb'(count|uniqueCount)="\d+"', b'\\1="' + str(rng.choice([0, 10 ** 9])).encode() + b'"', d)
    parts[n] = d
    return parts


def x_bad_index(rng, parts, ctx):
    """A shared-string or style index that points nowhere."""
    n = _part(rng, parts, 1.0)
    d = parts[n]
    ms = list(re.finditer(rb'(t="s"[^>]*><v>)(\d+)(</v>)|( s=")(\d+)(")', d))
    if ms:
        m = rng.choice(ms)
        big = str(rng.choice([10 ** 6, 2 ** 31, 2 ** 64, -1])).encode()
        if m.group(1):
            d = d[:m.start(2)] + big + d[m.end(2):]
        else:
            d = d[:m.start(5)] + big + d[m.end(5):]
    parts[n] = d
    return parts


def x_sheet_state(rng, parts, ctx):
    n = "xl/workbook.xml"
    d = parts[n]
    sheets = list(re.finditer(rb"<sheet [^>]*/>", d))
    if sheets:
        m = rng.choice(sheets)
        s = re.sub(rb' state="[^"]*"', b"", m.group(0))
        kind = rng.choice(["visible", "veryHidden", "drop", "dup", "rename", "rid"])
        if kind == "drop":
            s = b""
        elif kind == "dup":
            s = m.group(0) + m.group(0)
        elif kind == "rename":
            s = re.sub(rb'name="[^"]*"', b'name="' + rng.choice([b"", b"x" * 40, b"=cmd|'/c calc'!A1", b"a&amp;b"]) + b'"', s)
        elif kind == "rid":
            s = re.sub(rb'r:id="[^"]*"', b'r:id="rId999"', s)
        else:
            s = s.replace(b"<sheet ", b'<sheet state="' + kind.encode() + b'" ', 1)
        d = d[:m.start()] + s + d[m.end():]
    parts[n] = d
    return parts


def x_rels(rng, parts, ctx):
    n = rng.choice([p for p in parts if p.endswith(".rels")])
    d = parts[n]
    targets = list(re.finditer(rb'Target="([^"]*)"', d))
    if targets:
        m = rng.choice(targets)
        t = rng.choice([b"../../../../etc/passwd", b"/xl/worksheets/sheet1.xml", b"missing.xml", b"",
                        b"http://127.0.0.1/x", b"worksheets/sheet1.xml"])
        d = d[:m.start(1)] + t + d[m.end(1):]
    parts[n] = d
    return parts


def bad_encoding(rng, d: bytes) -> bytes:
    """One XML part's bytes re-encoded or damaged: UTF-16 behind a UTF-8 declaration, invalid UTF-8
    bytes, a false ISO-8859-1 declaration, a BOM, a NUL byte (shared with the docx family)."""
    kind = rng.choice(["utf16", "badbytes", "latin", "bom", "nul"])
    if kind == "utf16":
        return b"\xff\xfe" + d.decode("utf-8", "replace").encode("utf-16-le")
    if kind == "badbytes":
        i = rng.randrange(len(d) or 1)
        return d[:i] + b"\xff\xfe\xc3" + d[i:]
    if kind == "latin":
        return re.sub(rb'encoding="[^"]*"', b'encoding="ISO-8859-1"', d, count=1)
    if kind == "bom":
        return b"\xef\xbb\xbf" + d
    i = rng.randrange(len(d) or 1)
    return d[:i] + b"\0" + d[i:]


def x_encoding(rng, parts, ctx):
    n = _part(rng, parts)
    parts[n] = bad_encoding(rng, parts[n])
    return parts


def x_tags(rng, parts, ctx):
    """Delete, duplicate or swap random elements (rows, cells, formulas, values)."""
    n = _part(rng, parts, 0.9)
    d = parts[n]
    pat = rng.choice([rb"<row [^>]*>.*?</row>", rb"<c [^>]*>.*?</c>", rb"<f>.*?</f>", rb"<v>.*?</v>",
                      rb"<sheetProtection[^>]*/>", rb"<mergeCell [^>]*/>", rb"<dataValidation .*?</dataValidation>"])
    ms = list(re.finditer(pat, d, re.S))
    for _ in range(rng.randint(1, 5)):
        if not ms:
            break
        m = ms.pop(rng.randrange(len(ms)))
        kind = rng.choice(["del", "dup", "open"])
        rep = b"" if kind == "del" else m.group(0) * 2 if kind == "dup" else m.group(0)[: len(m.group(0)) // 2]
        d = d[:m.start()] + rep + d[m.end():]
        ms = list(re.finditer(pat, d, re.S))
    parts[n] = d
    return parts


def x_deep(rng, parts, ctx):
    n = _part(rng, parts, 0.8)
    depth = rng.choice([1000, 100_000])
    d = parts[n]
    at = d.find(b"</sheetData>")
    nest = b"<a>" * depth + b"</a>" * depth
    parts[n] = (d[:at] + nest + d[at:]) if at >= 0 else d + nest
    return parts


def x_attrs(rng, parts, ctx):
    """Absurd attribute values: row numbers, spans, column widths, counts."""
    n = _part(rng, parts, 0.9)
    d = parts[n]
    ms = list(re.finditer(rb'\b(r|spans|min|max|width|ht|count|xfId|numFmtId|fontId)="([^"]*)"', d))
    for _ in range(rng.randint(1, 4)):
        if not ms:
            break
        m = rng.choice(ms)
        v = rng.choice([b"-1", b"0", b"99999999999999999999", b"1e308", b"NaN", b"", b"1:99999999", b"A"])
        d = d[:m.start(2)] + v + d[m.end(2):]
        ms = list(re.finditer(rb'\b(r|spans|min|max|width|ht|count|xfId|numFmtId|fontId)="([^"]*)"', d))
    parts[n] = d
    return parts


def x_custom(rng, parts, ctx):
    n = "docProps/custom.xml"
    if n in parts:
        d = parts[n]
        ms = list(re.finditer(rb"<vt:lpwstr>([^<]*)</vt:lpwstr>", d))
        if ms:
            m = rng.choice(ms)
            v = rng.choice([b"", b"9.9.9", b"hebei-2023", b"x" * 100_000, b"=1+1", b"\xc2\xb2\xe2\x81\xb0"])
            d = d[:m.start(1)] + v + d[m.end(1):]
        parts[n] = d
    return parts


def _load_parts(key):
    return lambda bases: dict(bases.parts[key])


XML_OPS = {f.__name__[2:]: f for f in (x_doctype, x_truncate, x_far_cell, x_dimension, x_shared_strings, x_bad_index,
                                        x_sheet_state, x_rels, x_encoding, x_tags, x_deep, x_attrs, x_custom)}
register(Family("xml", ".xlsx", _load_parts("entry"), write_parts, XML_OPS, XLSX_COMMANDS, max_ops=3, weight=3))
register(Family("xml_blank", ".xlsx", _load_parts("blank"), write_parts, XML_OPS, XLSX_COMMANDS, max_ops=2, weight=1))


# ---------------------------------------------------------------------------------- cells
_ERRORS = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"]
_UNREADABLE_TEXT = ["abc", "一百万", "N/A", "=1+1", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)", "(5.00)",
                    "5元", "12%", "1.2.3", "--", "+-1", "\u2074\u2075", "①②", "1,2,3,4", "∞", "NaN", "inf"]
_NUMBERS = ["0", "1", "12.5", "-5", "1.234", "1e15", "1e308", "-0", "0.001", "99999999999999999999", "4.2E-5",
            "1.7976931348623157E+309", "NaN", "INF"]
_TEXT = ["", " ", "x" * 40_000, "\u202e\u0000\u0007", "\t=cmd", "\r@x", "'", "²⁰²⁴", "9.9.9", "hebei-2023",
         "2013813", "99999999999", "-1", "1e9", "①②③④", "=1+1", "+1", "@x"]


def _cell_xml(ref: str, style: bytes, kind: str, value: str) -> bytes:
    import html

    head = b'<c r="' + ref.encode() + b'"' + style
    if kind == "error":
        return head + b' t="e"><v>' + value.encode() + b"</v></c>"
    if kind == "formula_error":
        return head + b' t="e"><f>1/0</f><v>' + value.encode() + b"</v></c>"
    if kind == "text":
        return (head + b' t="inlineStr"><is><t xml:space="preserve">' + html.escape(value, quote=False).encode()
                + b"</t></is></c>")
    if kind == "str":
        return head + b' t="str"><v>' + html.escape(value, quote=False).encode() + b"</v></c>"
    if kind == "bool":
        return head + b' t="b"><v>' + value.encode() + b"</v></c>"
    if kind == "date":
        return head + b' t="d"><v>' + value.encode() + b"</v></c>"
    return head + b"><v>" + value.encode() + b"</v></c>"


def _set(xml: bytes, ref: str, make) -> bytes:
    m = re.search(rb'<c r="' + ref.encode() + rb'"(?=[\s/>])[^>]*?(?:/>|>.*?</c>)', xml, re.S)
    if m:
        style = re.search(rb'\ss="\d+"', m.group(0).split(b">", 1)[0])
        return xml[:m.start()] + make(style.group(0) if style else b"") + xml[m.end():]
    row = int(re.sub(r"[A-Z]", "", ref))
    rm = re.search(rb'<row r="%d"(?=[\s/>])[^>]*?(/>|>.*?</row>)' % row, xml, re.S)
    new = make(b"")
    if not rm:
        return xml.replace(b"</sheetData>", b'<row r="%d">' % row + new + b"</row></sheetData>", 1)
    if rm.group(1) == b"/>":
        return xml[:rm.start()] + rm.group(0)[:-2] + b">" + new + b"</row>" + xml[rm.end():]
    from budgetxl.reader.xlsxscan import col_index

    body = rm.group(0)
    col = col_index(re.sub(r"\d", "", ref))
    for cm in re.finditer(rb'<c r="([A-Z]+)\d+"', body):
        if col_index(cm.group(1).decode()) > col:
            body = body[:cm.start()] + new + body[cm.start():]
            break
    else:
        body = body[:-len(b"</row>")] + new + b"</row>"
    return xml[:rm.start()] + body + xml[rm.end():]


def _write_cell(parts, ctx, sheet: str, ref: str, kind: str, value: str):
    part = ctx.base.sheet_parts.get(sheet)
    if (sheet, ref) in ctx.unreadable_cells:  # overwritten: the last value decides
        ctx.unreadable_cells.remove((sheet, ref))
    if part and part in parts:
        parts[part] = _set(parts[part], ref, lambda style: _cell_xml(ref, style, kind, value))
    return parts


def c_figure_error(rng, parts, ctx):
    """An error value (#DIV/0! …) where a figure stands: it must never read as empty."""
    sheet, ref = rng.choice(ctx.base.figure_cells + ctx.base.input_cells)
    parts = _write_cell(parts, ctx, sheet, ref, rng.choice(["error", "formula_error"]), rng.choice(_ERRORS))
    ctx.unreadable_cells.append((sheet, ref))
    return parts


def c_figure_text(rng, parts, ctx):
    sheet, ref = rng.choice(ctx.base.figure_cells + ctx.base.input_cells)
    kind = rng.choice(["text", "str", "bool", "date"])
    value = {"bool": rng.choice(["1", "0"]), "date": "2024-01-01T00:00:00"}.get(kind) or rng.choice(_UNREADABLE_TEXT)
    parts = _write_cell(parts, ctx, sheet, ref, kind, value)
    ctx.unreadable_cells.append((sheet, ref))
    return parts


def c_figure_number(rng, parts, ctx):
    sheet, ref = rng.choice(ctx.base.figure_cells + ctx.base.input_cells)
    return _write_cell(parts, ctx, sheet, ref, "number", rng.choice(_NUMBERS))


def c_meta(rng, parts, ctx):
    """A hostile value in the hidden fingerprint sheet (layout counts, year, profile, hashes)."""
    part = ctx.base.sheet_parts.get(ctx.base.meta_sheet)
    if not part:
        return parts
    refs = re.findall(rb'<c r="(B\d+)"', parts[part])
    if refs:
        ref = rng.choice(refs).decode()
        kind = rng.choice(["text", "number", "str", "error"])
        value = rng.choice(_ERRORS) if kind == "error" else rng.choice(_TEXT + _NUMBERS)
        if kind == "number" and not re.fullmatch(r"[-+0-9.eE]+|NaN|INF", value):
            kind = "text"
        parts = _write_cell(parts, ctx, ctx.base.meta_sheet, ref, kind, value)
    return parts


def c_any(rng, parts, ctx):
    """Any cell of any sheet (labels, headers, codes, the unit sheet, supplementary parts)."""
    sheet = rng.choice(sorted(ctx.base.sheet_parts))
    part = ctx.base.sheet_parts[sheet]
    refs = re.findall(rb'<c r="([A-Z]+\d+)"', parts.get(part, b""))
    if refs:
        ref = rng.choice(refs).decode()
        kind = rng.choice(["text", "number", "error", "bool", "str"])
        value = {"error": rng.choice(_ERRORS), "bool": "1", "number": rng.choice(_NUMBERS)}.get(kind) \
            or rng.choice(_TEXT + _UNREADABLE_TEXT)
        if kind == "number" and not re.fullmatch(r"[-+0-9.eE]+|NaN|INF", value):
            kind = "text"
        parts = _write_cell(parts, ctx, sheet, ref, kind, value)
    return parts


CELL_OPS = {f.__name__[2:]: f for f in (c_figure_error, c_figure_text, c_figure_number, c_meta, c_any)}
CELL_COMMANDS = [(4, ["export", IN, "-o", "facts.csv"]), (3, ["check", IN, "--format", "csv", "-o", "report.csv"]),
                 (2, ["render", IN, "-o", "out.xlsx"]), (1, ["consolidate", IN, "-o", "c.xlsx", "--quiet"])]
register(Family("cells", ".xlsx", _load_parts("entry"), write_parts, CELL_OPS, CELL_COMMANDS, max_ops=2, weight=4))
