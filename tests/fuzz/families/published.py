"""Families on the published documents: the PDF (its bytes, objects, streams, xref, pages, fonts
and encryption) and the Word document (.docx: its zip container and word/document.xml).

The bases are the bundled sample rendered by ``budgetxl render`` (see ``core.Bases``): the
whole document as .docx and, through LibreOffice, as PDF (Writer), the tables as PDF (Calc) and
the document's PDF with an open password.

PDF operators that change objects do it as an *incremental update*: the changed or new objects,
an xref section for them and a trailer whose /Prev is the old xref, appended to the file. That is
how a PDF writer revises a file, so every object offset of the original stays right and the
mutation reaches the reader's object layer instead of its xref repair.
"""

from __future__ import annotations

import random
import re
import zlib
from pathlib import Path

from ..core import IN, Family, register
from .textual import flip
from .workbook import ZIP_OPS, bad_encoding, write_parts

# ---------------------------------------------------------------------------------- PDF helpers
_OBJ = re.compile(rb"(?<![0-9])(\d+)\s+(\d+)\s+obj\b(.*?)\bendobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.S)


def _objects(data: bytes) -> dict[int, bytes]:
    """The last body of every object number (later updates win)."""
    return {int(m.group(1)): m.group(3) for m in _OBJ.finditer(data)}


def _trailer(data: bytes) -> dict[str, bytes] | None:
    """Root, Info, ID, Size and the last xref offset of the file, or None when the file is past
    telling (an earlier operator cut or garbled its end)."""
    t = list(re.finditer(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)", data, re.S))
    if not t:
        return None
    body = t[-1].group(1)
    got = {"startxref": t[-1].group(2)}
    for key, pat in (("Root", rb"/Root\s*(\d+\s+\d+\s+R)"), ("Info", rb"/Info\s*(\d+\s+\d+\s+R)"),
                     ("ID", rb"/ID\s*(\[[^\]]*\])"), ("Size", rb"/Size\s*(\d+)")):
        m = re.search(pat, body)
        if m:
            got[key] = m.group(1)
    return got if "Root" in got and "Size" in got else None


def _update(data: bytes, objs: dict[int, bytes], extra: bytes = b"") -> bytes:
    """``data`` with an incremental update that sets the objects ``objs`` (number -> body between
    ``obj`` and ``endobj``); ``extra`` goes into the new trailer (e.g. ``/Encrypt 9 0 R``)."""
    tr = _trailer(data)
    if tr is None:
        return data
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for num, body in sorted(objs.items()):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for num, off in sorted(offsets.items()):
        out += b"%d 1\n%010d 00000 n \n" % (num, off)
    size = max([int(tr["Size"])] + [n + 1 for n in objs])
    out += b"trailer\n<< /Size %d /Root %s" % (size, tr["Root"])
    for key in ("Info", "ID"):
        if key in tr:
            out += b" /" + key.encode() + b" " + tr[key]
    out += b" /Prev " + tr["startxref"] + b" " + extra + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _next_num(data: bytes) -> int:
    tr = _trailer(data)
    nums = [int(m.group(1)) for m in _OBJ.finditer(data)]
    return max(nums + [int(tr["Size"]) if tr else 0]) + 1


def _stream(payload: bytes, dictionary: bytes = b"", compressed: bool = True) -> bytes:
    if compressed:
        payload = zlib.compress(payload, 6)
        dictionary += b"/Filter/FlateDecode"
    return b"<<" + dictionary + b"/Length %d>>\nstream\n" % len(payload) + payload + b"\nendstream"


def _pages(objs: dict[int, bytes]) -> list[int]:
    return sorted(n for n, b in objs.items() if re.search(rb"/Type\s*/Page(?![a-zA-Z])", b))


def _content(objs: dict[int, bytes], page: int) -> tuple[int, bytes] | None:
    """A page's (first) content stream: its object number and the inflated operators."""
    m = re.search(rb"/Contents\s*\[?\s*(\d+)\s+\d+\s+R", objs.get(page, b""))
    if not m:
        return None
    num = int(m.group(1))
    s = _STREAM.search(objs.get(num, b""))
    if not s:
        return None
    raw = s.group(1)
    if b"FlateDecode" in objs[num][:s.start()]:
        try:
            raw = zlib.decompressobj().decompress(raw, 50 * 1024 * 1024)
        except zlib.error:
            return None
    return num, raw


def _tolerant(op):
    """An operator on a PDF an earlier operator damaged leaves it as it is where its landmarks
    (objects, trailer, streams) are gone."""
    def run(rng, data, ctx):
        try:
            return op(rng, data, ctx)
        except (IndexError, ValueError, KeyError, zlib.error, OverflowError):
            return data

    run.__name__ = op.__name__
    return run


# ---------------------------------------------------------------------------------- PDF operators
def p_truncate(rng, data, ctx):
    """Cut anywhere, or just before the xref, or inside the last stream."""
    kind = rng.choice(["any", "xref", "stream", "header"])
    if kind == "xref" and b"xref" in data:
        return data[:data.rfind(b"xref")]
    if kind == "stream":
        ms = list(_STREAM.finditer(data))
        if ms:
            m = rng.choice(ms)
            return data[:rng.randrange(m.start(1), max(m.start(1) + 1, m.end(1)))]
    if kind == "header":
        return data[:rng.randint(0, 20)]
    return data[:rng.randrange(len(data) or 1)]


def p_flip(rng, data, ctx):
    return flip(rng, data, 30)


def p_stream_flip(rng, data, ctx):
    """Bytes flipped inside streams (compressed content, fonts, images, CMaps)."""
    ms = list(_STREAM.finditer(data))
    if not ms:
        return data
    b = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        m = rng.choice(ms)
        if m.end(1) > m.start(1):
            for _ in range(rng.randint(1, 20)):
                b[rng.randrange(m.start(1), m.end(1))] = rng.randrange(256)
    return bytes(b)


def p_xref(rng, data, ctx):
    """A broken cross-reference: startxref pointing elsewhere, garbled entries, no xref or
    trailer, an absurd /Size, a /Prev chain that loops."""
    kind = rng.choice(["startxref", "entries", "drop", "size", "loop", "count"])
    if kind == "startxref":
        v = rng.choice([b"0", b"1", b"999999999999", b"-5", str(rng.randrange(len(data))).encode()])
        return re.sub(rb"startxref\s*\d+", b"startxref\n" + v, data)
    if kind == "entries":
        ents = list(re.finditer(rb"\d{10} \d{5} [nf]", data))
        b = bytearray(data)
        for _ in range(rng.randint(1, 40)):
            if ents:
                m = rng.choice(ents)
                b[m.start():m.start() + 10] = b"%010d" % rng.choice([0, 1, len(data) * 3, rng.randrange(len(data))])
        return bytes(b)
    if kind == "drop":
        return re.sub(rng.choice([rb"xref\s.*?(?=trailer)", rb"trailer\s*<<.*?>>", rb"startxref\s*\d+"]), b"", data,
                      flags=re.S)
    if kind == "size":
        return re.sub(rb"/Size\s*\d+", b"/Size " + rng.choice([b"0", b"1", b"2147483648", b"99999999999999"]), data)
    if kind == "count":
        return re.sub(rb"xref\s+0\s+(\d+)", lambda m: b"xref\n0 " + rng.choice([b"0", b"99999999", b"1"]), data,
                      count=1)
    tr = _trailer(data)
    if tr is None:
        return data
    updated = _update(data, {1: _objects(data).get(1, b"null")})
    at = updated.rfind(b"startxref")
    xref = updated[at:].split()[1]
    return updated.replace(b"/Prev " + tr["startxref"], b"/Prev " + xref)  # the update's /Prev is itself


_HOSTILE_NUMS = [b"99999999999", b"2147483648", b"4294967296", b"-1", b"-2147483649", b"0", b"18446744073709551616",
                 b"1e9", b"99999999999999999999999999999999"]


def p_objnum(rng, data, ctx):
    """Huge or negative object numbers: in references, in object headers, in generations."""
    kind = rng.choice(["ref", "header", "gen"])
    b = data
    for _ in range(rng.randint(1, 5)):
        if kind == "ref":
            ms = list(re.finditer(rb"(?<![0-9])(\d+)(\s+\d+\s+R\b)", b))
        elif kind == "header":
            ms = list(re.finditer(rb"(?<![0-9])(\d+)(\s+\d+\s+obj\b)", b))
        else:
            ms = list(re.finditer(rb"(?<![0-9]\s)(?<=\s)(\d+)(\s+R\b)", b))
        if not ms:
            return b
        m = rng.choice(ms)
        b = b[:m.start(1)] + rng.choice(_HOSTILE_NUMS) + b[m.end(1):]
    return b


def p_nested(rng, data, ctx):
    """Deeply nested arrays or dictionaries in a page or the catalog, a chain of ten thousand
    indirect references, or a reference cycle."""
    objs = _objects(data)
    pages = _pages(objs)
    if not pages:
        return data
    page = rng.choice(pages)
    kind = rng.choice(["array", "dict", "chain", "cycle"])
    depth = rng.choice([200, 5_000, 200_000])
    n = _next_num(data)
    if kind == "array":
        extra = b"/Fuzz " + b"[" * depth + b"1" + b"]" * depth
    elif kind == "dict":
        extra = b"/Fuzz " + b"<</A " * depth + b"1" + b">>" * depth
    elif kind == "chain":
        k = min(depth, 20_000)
        new = {n + i: b"%d 0 R" % (n + i + 1) for i in range(k)}
        new[n + k] = b"1"
        body = objs[page].rstrip()
        body = body[:body.rfind(b">>")] + b"/Fuzz %d 0 R>>" % n
        return _update(data, {**new, page: body})
    else:
        new = {n: b"%d 0 R" % (n + 1), n + 1: b"%d 0 R" % n}
        target = rng.choice([b"/Fuzz", b"/Resources", b"/MediaBox", b"/Contents"])
        body = objs[page].rstrip()
        body = re.sub(re.escape(target) + rb"\s*(\d+\s+\d+\s+R|\[[^\]]*\]|<<.*?>>)", b"", body, count=1, flags=re.S)
        body = body[:body.rfind(b">>")] + target + b" %d 0 R>>" % n
        return _update(data, {**new, page: body})
    body = objs[page].rstrip()
    body = body[:body.rfind(b">>")] + extra + b">>"
    return _update(data, {page: body})


_BOMBS: dict[tuple[int, bytes], bytes] = {}


def _bomb(size: int, unit: bytes) -> bytes:
    """``unit`` repeated to ``size`` bytes, deflated (made once per run: a 3 GB bomb takes seconds)."""
    key = (size, unit)
    if key not in _BOMBS:
        c = zlib.compressobj(9)
        block = unit * (4 * 1024 * 1024 // len(unit))
        parts, left = [], size
        while left > 0:
            parts.append(c.compress(block[:left]))
            left -= len(block)
        parts.append(c.flush())
        _BOMBS[key] = b"".join(parts)
    return _BOMBS[key]


def p_bomb(rng, data, ctx):
    """A compressed stream that inflates huge (a decompression bomb): a page's content, a font
    program, a ToUnicode CMap."""
    objs = _objects(data)
    pages = _pages(objs)
    if not pages:
        return data
    size = rng.choice([64, 600, 3000]) * 1024 * 1024
    unit = rng.choice([b" ", b"\0", b"0 0 m 1 1 l S\n", b"BT /F1 1 Tf (x) Tj ET\n"])
    bomb = _bomb(size, unit)
    target = rng.choice(["content", "font", "cmap"])
    streams = []
    if target != "content":
        key = b"/FontFile" if target == "font" else b"/ToUnicode"
        for body in objs.values():
            m = re.search(re.escape(key) + rb"\d?\s*(\d+)\s+\d+\s+R", body)
            if m:
                streams.append(int(m.group(1)))
    if not streams:
        got = _content(objs, rng.choice(pages))
        if got is None:
            return data
        streams = [got[0]]
    num = rng.choice(streams)
    body = b"<</Filter/FlateDecode/Length %d>>\nstream\n" % len(bomb) + bomb + b"\nendstream"
    return _update(data, {num: body})


def p_no_tounicode(rng, data, ctx):
    """Fonts without their ToUnicode map (some or all): the glyphs then have no known text."""
    if rng.random() < 0.7:
        return data.replace(b"/ToUnicode", b"/ToUnicodX")
    ms = list(re.finditer(rb"/ToUnicode", data))
    if not ms:
        return data
    m = rng.choice(ms)
    return data[:m.start()] + b"/ToUnicodX" + data[m.end():]


def p_no_fonts(rng, data, ctx):
    """Missing fonts: the pages' /Font resources, the embedded font programs, or a font object."""
    kind = rng.choice(["resources", "files", "object"])
    if kind == "resources":
        return data.replace(b"/Font", b"/Fonx")
    if kind == "files":
        return re.sub(rb"/FontFile(\d?)", rb"/FontFilx\1", data)
    objs = _objects(data)
    fonts = [n for n, b in objs.items() if re.search(rb"/Type\s*/Font\b", b)]
    if not fonts:
        return data
    return _update(data, {rng.choice(fonts): rng.choice([b"null", b"<<>>", b"<</Type/Font/Subtype/Type0>>"])})


def _strip_text(ops: bytes) -> bytes:
    return re.sub(rb"\bBT\b.*?\bET\b", b"", ops, flags=re.S)


def p_no_text(rng, data, ctx):
    """The text removed from the pages' content streams (every page, or some): a document with no
    text layer, like a scan."""
    objs = _objects(data)
    pages = _pages(objs)
    chosen = pages if rng.random() < 0.6 else rng.sample(pages, k=max(1, len(pages) // 3)) if pages else []
    new = {}
    for p in chosen:
        got = _content(objs, p)
        if got is not None:
            new[got[0]] = _stream(_strip_text(got[1]))
    return _update(data, new) if new else data


def p_pages(rng, data, ctx):
    """Page count inflation: an absurd /Count, one page listed a hundred thousand times, a page
    tree that contains itself."""
    objs = _objects(data)
    trees = [n for n, b in objs.items() if re.search(rb"/Type\s*/Pages\b", b)]
    pages = _pages(objs)
    if not trees or not pages:
        return data
    tree = trees[0]
    body = objs[tree]
    kind = rng.choice(["count", "kids", "cycle", "empty"])
    if kind == "count":
        v = rng.choice([b"999999999", b"-1", b"0", b"2147483648", b"1e10"])
        return _update(data, {tree: re.sub(rb"/Count\s*-?\d+", b"/Count " + v, body)})
    if kind == "kids":
        k = rng.choice([3_000, 100_000, 1_000_000])
        kids = b" ".join([b"%d 0 R" % rng.choice(pages)] * k)
        body = re.sub(rb"/Kids\s*\[[^\]]*\]", b"/Kids[" + kids + b"]", body)
        return _update(data, {tree: re.sub(rb"/Count\s*\d+", b"/Count %d" % k, body)})
    if kind == "cycle":
        return _update(data, {tree: re.sub(rb"/Kids\s*\[", b"/Kids[%d 0 R " % tree, body)})
    return _update(data, {tree: re.sub(rb"/Kids\s*\[[^\]]*\]", b"/Kids[]", body)})


def p_encrypt(rng, data, ctx):
    """An encrypted PDF: the sample with an open password (LibreOffice wrote it), or an /Encrypt
    dictionary this reader cannot satisfy (unknown filter, bad keys, absurd key length)."""
    if rng.random() < 0.4 and "pdf_encrypted" in ctx.base.published:
        return ctx.base.document("pdf_encrypted")
    n = _next_num(data)
    enc = rng.choice([
        b"<</Filter/Standard/V 2/R 3/Length 128/P -4/O <%s>/U <%s>>>" % (b"00" * 32, b"11" * 32),
        b"<</Filter/Standard/V 5/R 6/Length 256/P -4/O <%s>/U <%s>/OE <00>/UE <00>>>" % (b"00" * 48, b"11" * 48),
        b"<</Filter/FuzzSecurity/V 1>>",
        b"<</Filter/Standard/V 4/R 4/Length 99999999/CF<</StdCF<</CFM/AESV2>>>>/StmF/StdCF/StrF/StdCF/P 0"
        b"/O <00>/U <00>>>",
        b"<</Filter/Standard/V 99/R 99>>",
        b"null",
    ])
    return _update(data, {n: enc}, b"/Encrypt %d 0 R" % n)


def p_mediabox(rng, data, ctx):
    """Hostile page boxes: empty, inverted, astronomically large, not numbers."""
    box = rng.choice([b"[0 0 0 0]", b"[0 0 -100 -100]", b"[0 0 1e30 1e30]", b"[0 0 99999999999 99999999999]",
                      b"[]", b"[0 0 x y]", b"[-1e38 -1e38 1e38 1e38]", b"[1 2 3]", b"null"])
    key = rng.choice([b"/MediaBox", b"/CropBox"])
    ms = list(re.finditer(rb"/MediaBox\s*\[[^\]]*\]", data))
    if not ms:
        return data
    if rng.random() < 0.5:
        return re.sub(rb"/MediaBox\s*\[[^\]]*\]", key + box, data)
    m = rng.choice(ms)
    return data[:m.start()] + key + box + data[m.end():]


def p_lines(rng, data, ctx):
    """A page drawn with tens of thousands of ruling lines, rectangles or characters (the table
    finder and the character grouping have to cope)."""
    objs = _objects(data)
    pages = _pages(objs)
    if not pages:
        return data
    got = _content(objs, rng.choice(pages))
    if got is None:
        return data
    n = rng.choice([2_000, 30_000, 300_000])
    kind = rng.choice(["grid", "rects", "chars"])
    r = random.Random(rng.random())
    if kind == "grid":
        add = b"".join(b"%d %d m %d %d l S\n" % (r.randrange(600), r.randrange(800), r.randrange(600), r.randrange(800))
                       for _ in range(n))
    elif kind == "rects":
        add = b"".join(b"%d %d %d %d re S\n" % (r.randrange(600), r.randrange(800), r.randrange(1, 40),
                                                r.randrange(1, 40)) for _ in range(n))
    else:
        font = re.search(rb"/(F\d+)\s+\d+\s+Tf", got[1])
        if not font:
            return data
        add = b"BT /" + font.group(1) + b" 3 Tf " + b"".join(
            b"1 0 0 1 %d %d Tm <0003> Tj\n" % (r.randrange(600), r.randrange(800)) for _ in range(n)) + b"ET\n"
    return _update(data, {got[0]: _stream(got[1] + b"\n" + add)})


def p_garbage(rng, data, ctx):
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4096)))
    kind = rng.choice(["before", "after", "header"])
    if kind == "before":
        return junk + data
    if kind == "after":
        return data + junk
    return rng.choice([b"%PDF-9.9", b"%PDF-", b"%PDX-1.6", b"\xef\xbb\xbf%PDF-1.6"]) + data[8:]


PDF_OPS = {f.__name__[2:]: _tolerant(f) for f in (p_truncate, p_flip, p_stream_flip, p_xref, p_objnum, p_nested,
                                                  p_bomb, p_no_tounicode, p_no_fonts, p_no_text, p_pages, p_encrypt,
                                                  p_mediabox, p_lines, p_garbage)}
PUBLISHED_COMMANDS = [(3, ["check", IN, "--format", "csv", "-o", "report.csv"]), (3, ["import", IN, "-o", "facts.csv"]),
                      (1, ["check", IN])]


def _document(kind):
    return lambda bases: bases.document(kind)


def _dump_raw(value: bytes, path: Path) -> None:
    path.write_bytes(value)


def _has(kind):
    return lambda bases: kind in bases.published


register(Family("pdf", ".pdf", _document("pdf"), _dump_raw, PDF_OPS, PUBLISHED_COMMANDS, max_ops=2, weight=3,
                available=_has("pdf")))
register(Family("pdf_tables", ".pdf", _document("pdf_tables"), _dump_raw, PDF_OPS, PUBLISHED_COMMANDS, max_ops=2,
                weight=1, available=_has("pdf_tables")))


# ---------------------------------------------------------------------------------- docx
DOC = "word/document.xml"
_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx_parts(bases) -> dict[str, bytes]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(bases.document("docx"))) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _doc_part(rng, parts) -> str:
    names = sorted(parts)
    return DOC if DOC in parts and rng.random() < 0.8 else rng.choice(names)


def w_doctype(rng, parts, ctx):
    """A DTD in a part: billion laughs, an external entity, a parameter entity, and the entity
    used in a paragraph's text."""
    n = _doc_part(rng, parts)
    laughs = (b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
              b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
              b'<!ENTITY x "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]>')
    ext = b'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    param = b'<!DOCTYPE w:document [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p; <!ENTITY x "y">]>'
    d = parts.get(n, b"")
    decl = re.match(rb"<\?xml[^>]*\?>\s*", d)
    at = decl.end() if decl else 0
    d = d[:at] + rng.choice([laughs, ext, param, b"<!DOCTYPE w:document>"]) + d[at:]
    if rng.random() < 0.7:
        ts = list(re.finditer(rb"<w:t(?: [^>]*)?>", d))
        for m in rng.sample(ts, k=min(len(ts), rng.randint(1, 5))):
            d = d.replace(m.group(0), m.group(0) + b"&x;", 1)
    parts[n] = d
    return parts


def w_truncate(rng, parts, ctx):
    n = _doc_part(rng, parts)
    parts[n] = parts[n][:rng.randrange(max(1, len(parts[n])))]
    return parts


def w_huge_table(rng, parts, ctx):
    """A table of a hundred thousand rows, of thousands of columns, or a million cells."""
    if DOC not in parts:
        return parts
    d = parts[DOC]
    rows, cols = rng.choice([(100_000, 4), (50, 5_000), (1_000, 1_000), (3_000, 8)])
    cell = b"<w:tc><w:p><w:r><w:t>1.00</w:t></w:r></w:p></w:tc>"
    tbl = (b"<w:tbl><w:tblGrid>" + b"<w:gridCol w:w=\"10\"/>" * cols + b"</w:tblGrid>"
           + (b"<w:tr>" + cell * cols + b"</w:tr>") * rows + b"</w:tbl>")
    at = d.rfind(b"<w:sectPr")
    at = at if at >= 0 else d.rfind(b"</w:body>")
    parts[DOC] = d[:at] + b"<w:p><w:r><w:t>\xe6\x94\xb6\xe5\x85\xa5\xe8\xa1\xa8</w:t></w:r></w:p>" + tbl + d[at:]
    return parts


def w_deep(rng, parts, ctx):
    """Deep nesting: runs inside runs, tables inside cells inside tables."""
    if DOC not in parts:
        return parts
    d = parts[DOC]
    kind = rng.choice(["elements", "tables"])
    at = d.rfind(b"<w:sectPr")
    at = at if at >= 0 else d.rfind(b"</w:body>")
    if kind == "elements":
        depth = rng.choice([300, 5_000, 200_000])
        nest = b"<w:p>" + b"<w:r>" * depth + b"<w:t>x</w:t>" + b"</w:r>" * depth + b"</w:p>"
    else:
        depth = rng.choice([20, 200, 2_000])
        nest = b"<w:tbl><w:tr><w:tc>" * depth + b"<w:p/>" + b"</w:tc></w:tr></w:tbl>" * depth
    parts[DOC] = d[:at] + nest + d[at:]
    return parts


def w_missing(rng, parts, ctx):
    """A part gone: the document, the content types, the relationships, styles, numbering."""
    n = rng.choice([DOC, "[Content_Types].xml", "word/_rels/document.xml.rels", "_rels/.rels", "word/styles.xml",
                    "word/numbering.xml", "word/settings.xml", rng.choice(sorted(parts))])
    parts.pop(n, None)
    return parts


def w_content_types(rng, parts, ctx):
    """Wrong content types: the main part declared as something else, its override gone, a
    default for xml that is not XML."""
    n = "[Content_Types].xml"
    if n not in parts:
        return parts
    d = parts[n]
    kind = rng.choice(["main", "drop", "default", "macro", "garbage"])
    if kind == "main":
        d = re.sub(rb'(PartName="/word/document.xml"\s+ContentType=")[^"]*', rb"\1application/vnd.openxmlformats-"
                   rb"officedocument.spreadsheetml.sheet.main+xml", d)
    elif kind == "drop":
        d = re.sub(rb'<Override PartName="/word/document.xml"[^>]*/>', b"", d)
    elif kind == "default":
        d = re.sub(rb'(Extension="xml"\s+ContentType=")[^"]*', rb"\1image/png", d)
    elif kind == "macro":
        d = d.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
    else:
        d = d[:len(d) // 2] + b"<<<" + d[len(d) // 2:]
    parts[n] = d
    return parts


def w_rels(rng, parts, ctx):
    n = rng.choice([p for p in parts if p.endswith(".rels")] or [None])
    if n is None:
        return parts
    d = parts[n]
    ms = list(re.finditer(rb'Target="([^"]*)"', d))
    if ms:
        m = rng.choice(ms)
        t = rng.choice([b"../../../../etc/passwd", b"missing.xml", b"", b"http://127.0.0.1/x", b"/word/document.xml",
                        b"document.xml", b"styles.xml"])
        d = d[:m.start(1)] + t + d[m.end(1):]
        if rng.random() < 0.3:
            d = d.replace(b"<Relationship ", b'<Relationship TargetMode="External" ', 1)
    parts[n] = d
    return parts


def w_encoding(rng, parts, ctx):
    n = _doc_part(rng, parts)
    parts[n] = bad_encoding(rng, parts[n])
    return parts


def w_tags(rng, parts, ctx):
    """Delete, duplicate or cut table rows, cells, grid columns, cell properties, tables."""
    if DOC not in parts:
        return parts
    d = parts[DOC]
    pat = rng.choice([rb"<w:tr[ >].*?</w:tr>", rb"<w:tc>.*?</w:tc>", rb"<w:gridCol [^>]*/>", rb"<w:tcPr>.*?</w:tcPr>",
                      rb"<w:tblGrid>.*?</w:tblGrid>", rb"<w:p[ >].*?</w:p>", rb"<w:tbl>", rb"</w:tbl>"])
    for _ in range(rng.randint(1, 5)):
        ms = list(re.finditer(pat, d, re.S))
        if not ms:
            break
        m = rng.choice(ms)
        kind = rng.choice(["del", "dup", "cut"])
        rep = b"" if kind == "del" else m.group(0) * 2 if kind == "dup" else m.group(0)[:len(m.group(0)) // 2]
        d = d[:m.start()] + rep + d[m.end():]
    parts[DOC] = d
    return parts


def w_spans(rng, parts, ctx):
    """Merged cells gone wrong: spans of 0, -1, 99999 or not numbers, vertical merges that never
    start, rows that skip a thousand grid columns."""
    if DOC not in parts:
        return parts
    d = parts[DOC]
    tcs = list(re.finditer(rb"<w:tc>", d))
    for _ in range(rng.randint(1, 6)):
        if not tcs:
            break
        m = rng.choice(tcs)
        prop = rng.choice([b'<w:gridSpan w:val="%s"/>' % rng.choice([b"0", b"-1", b"99999", b"x", b"2147483648"]),
                           b'<w:vMerge/>', b'<w:vMerge w:val="restart"/>', b'<w:hMerge w:val="continue"/>'])
        d = d[:m.end()] + b"<w:tcPr>" + prop + b"</w:tcPr>" + d[m.end():]
        tcs = list(re.finditer(rb"<w:tc>", d))
    if rng.random() < 0.3:
        d = re.sub(rb"<w:tr>", b'<w:tr><w:trPr><w:gridBefore w:val="%s"/></w:trPr>' % rng.choice([b"1000", b"-3", b"99999999"]),
                   d, count=rng.randint(1, 20))
    parts[DOC] = d
    return parts


_CELL_TEXT = ["=1+1", "@SUM(A1)", "+1+1", "-1+1", "=cmd|' /C calc'!A0", "#DIV/0!", "一百万", "1.2.3", "（5.00）",
              "99999999999999999999.99", "1e400", "NaN", "²⁰²⁴", "①②", "x" * 100_000, "\u202e", "-", "—", ""]


def w_text(rng, parts, ctx):
    """Hostile text in table cells and paragraphs (figures that are not numbers, formulas, very
    long strings)."""
    if DOC not in parts:
        return parts
    import html

    d = parts[DOC]
    for _ in range(rng.randint(1, 8)):
        ms = list(re.finditer(rb"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)", d))
        if not ms:
            break
        m = rng.choice(ms)
        v = html.escape(rng.choice(_CELL_TEXT), quote=False).encode()
        d = d[:m.start(2)] + v + d[m.end(2):]
    parts[DOC] = d
    return parts


def w_many_paragraphs(rng, parts, ctx):
    """Hundreds of thousands of paragraphs (or one enormous one) in the body."""
    if DOC not in parts:
        return parts
    d = parts[DOC]
    at = d.rfind(b"<w:sectPr")
    at = at if at >= 0 else d.rfind(b"</w:body>")
    if rng.random() < 0.5:
        body = b"<w:p><w:r><w:t>\xe6\x94\xb6\xe5\x85\xa5 1.00</w:t></w:r></w:p>" * rng.choice([10_000, 400_000])
    else:
        body = b"<w:p><w:r><w:t>" + b"\xe6\x94\xb6" * rng.choice([1_000_000, 10_000_000]) + b"</w:t></w:r></w:p>"
    parts[DOC] = d[:at] + body + d[at:]
    return parts


DOCX_OPS = {f.__name__[2:]: f for f in (w_doctype, w_truncate, w_huge_table, w_deep, w_missing, w_content_types,
                                        w_rels, w_encoding, w_tags, w_spans, w_text, w_many_paragraphs)}
register(Family("docx", ".docx", _docx_parts, write_parts, DOCX_OPS, PUBLISHED_COMMANDS, max_ops=3, weight=3))
register(Family("docx_zip", ".docx", _document("docx"), _dump_raw, ZIP_OPS, PUBLISHED_COMMANDS, max_ops=2, weight=1))
