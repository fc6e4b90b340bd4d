"""Files for the evidence-upload tests, built here from their formats' specifications: a small
genuine file of each accepted type, and the hostile ones the checks must refuse (polyglots, a zip
bomb, an Office file carrying a page or macros)."""

from __future__ import annotations

import functools
import io
import struct
import tempfile
import zipfile
import zlib

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"/>'
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def pdf() -> bytes:
    """A one-page blank PDF with its cross-reference table, as a PDF writer lays it out."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(*, text: bytes = b"") -> bytes:
    """A 1×1 black greyscale PNG; `text` adds a tEXt comment chunk (where metadata lives)."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    comment = png_chunk(b"tEXt", b"Comment\x00" + text) if text else b""
    pixels = png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))  # one row: filter type 0, one pixel
    return PNG_SIGNATURE + header + comment + pixels + png_chunk(b"IEND", b"")


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg(*, comment: bytes = b"") -> bytes:
    """An 8×8 mid-grey baseline JPEG: JFIF header, a flat quantisation table, one-code Huffman
    tables, and a scan whose single block is "DC unchanged, end of block"."""
    parts = [
        b"\xff\xd8",
        _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
        _segment(0xFE, comment) if comment else b"",
        _segment(0xDB, b"\x00" + b"\x01" * 64),
        _segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00"),
        _segment(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00"),  # DC table: one 1-bit code, category 0
        _segment(0xC4, b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00"),  # AC table: one 1-bit code, end of block
        _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
        b"\x3f",  # bits 0 (DC) and 0 (end of block), padded with ones
        b"\xff\xd9",
    ]
    return b"".join(parts)


_CONTENT_TYPES = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
_MAIN_PART = {
    "docx": b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>Signed charter</w:t></w:r></w:p></w:body></w:document>",
    "xlsx": b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>',
    "pptx": b'<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>',
}


def _office_parts(extension: str) -> dict[str, bytes]:
    main, content_type = _CONTENT_TYPES[extension]
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main}" ContentType="{content_type}"/></Types>'
        ).encode(),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="' + main + '" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument"/></Relationships>'
        ).encode(),
        main: _MAIN_PART[extension],
    }


def office(extension: str = "docx", *, extra: dict[str, bytes] | None = None, drop: str = "") -> bytes:
    """A minimal Office file of that kind, deflated as Office does; `extra` adds parts, `drop` removes one."""
    parts = _office_parts(extension) | (extra or {})
    parts.pop(drop, None)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@functools.cache
def zip_bomb(megabytes: int = 200) -> bytes:
    """A .docx whose document expands to `megabytes` MB of zeros (200 MB: about 200 KB packed).
    Written in 1 MB pieces to a temporary file, so the test never holds the expanded size."""
    with tempfile.TemporaryFile() as file:
        with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for name, content in _office_parts("docx").items():
                if name != "word/document.xml":
                    archive.writestr(name, content)
            with archive.open("word/document.xml", "w") as part:
                zeros = bytes(1024 * 1024)
                for _ in range(megabytes):
                    part.write(zeros)
        file.seek(0)
        return file.read()


def understated_docx() -> bytes:
    """A .docx whose archive directory says the document is 1 KB when it expands to 2 MB."""
    data = bytearray(office(extra={"word/document.xml": b"<w:p/>" * (2 * 1024 * 1024 // 6)}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 1024)  # the part's own header
    position = data.find(b"PK\x01\x02")
    while position != -1:  # the central directory's record for the same part
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == b"word/document.xml":
            struct.pack_into("<I", data, position + 24, 1024)
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)
