"""Checking evidence uploads: at most 10 MB, and a type we accept judged by the content itself.

The extension and the browser's Content-Type are claims; the content is the fact. Evidence is
always served as a download with nosniff, but it travels on, to other people's machines and into
exports, so each type is checked as what it is, through to its last byte:

- Text (.txt, .csv): the whole file is UTF-8 without NUL bytes and holds no web page code: no
  tag that runs or loads something (`<script`, `<img`, `<svg`, `<iframe`, `<html`, `<body`,
  `<object`, `<embed`, `<style`, `<!doctype` and the like) and no tag with an event handler
  (`onerror=`) or a `javascript:` address. A bare `<` (`a < b`) is text.
- PDF: starts with `%PDF-`, has `%%EOF` in its last 1 KB, and has no HTML or SVG opening tag
  (`<!doctype html`, `<html`, `<head`, `<body`, `<script`, `<svg`, `<iframe`, `<object`,
  `<embed`, `<img`, followed by a space, `/` or `>`) in its first or last 64 KB, where a
  polyglot puts its page. Not the middle: a PDF's own text may quote HTML.
- PNG: the chunks are well formed with correct checksums, IHDR first, IEND last with nothing
  after it; JPEG: the segments are well formed from the start marker to the end marker (data
  after it is allowed: phones append a second image or a short video). Neither may hold one of
  those tags anywhere (compressed data matches one by chance about once in 10 billion bytes).
- Office files (.docx, .xlsx, .pptx) are zip archives, checked as such: at most 1,000 parts and
  50 MB once expanded (as the archive's directory declares, and again counted while every part
  is expanded, since the directory can lie); no part over 100 KB that expands more than 100
  times (Apache POI's zip-bomb limit for the same formats); `[Content_Types].xml` and the main
  part (`word/document.xml`, `xl/workbook.xml`, `ppt/presentation.xml`) present; no part named
  with an absolute path or `..`, none that is a web page, script or program (.html, .svg, .js,
  .exe…), no macros (`vbaProject.bin`) and no DTD in the XML (ECMA-376 forbids them).

CSV evidence is stored neutralized against formula injection (`clean_upload`).
"""

from __future__ import annotations

import csv
import re
import zipfile
import zlib
from pathlib import PurePath, PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

from config import spreadsheets

MAX_BYTES = 10 * 1024 * 1024
MAX_ARCHIVE_PARTS = 1000
MAX_ARCHIVE_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
COMPRESSION_GRACE_BYTES = 100 * 1024  # smaller parts may compress as tightly as they like
_EDGE_BYTES = 64 * 1024
_CHUNK = 64 * 1024

# extension -> content type served (and, for binary files, the bytes they start with)
_OOXML = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
_MAGIC = {
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}
_TEXT = {"txt": "text/plain", "csv": "text/csv"}
ACCEPTED = sorted([*_MAGIC, *_OOXML, *_TEXT])
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ACCEPTED)

# In text: tags that run or load something by themselves, then any tag carrying an event handler
# or a script address. A tag name must follow "<" directly, as a browser requires.
_TEXT_MARKUP = re.compile(
    r"<(?:!doctype|/?(?:script|style|svg|math|img|i?frame|frameset|html|body|object|embed|applet|noscript)(?![\w-]))"
    r"|<(?:meta|link|base|form)\b[^<>]*=[^<>]*>"
    r"|<[a-z][\w:-]*(?=[\s/])[^<>]*?(?:[\s/\"'`]on[a-z]+\s*=|(?:java|vb)script\s*:)[^<>]*>",
    re.IGNORECASE,
)
# In binary files: an opening HTML or SVG tag, strictly spelled, so compressed data rarely matches.
_BINARY_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|svg|iframe|object|embed|img)[\s/>]", re.IGNORECASE
)
_ARCHIVE_FORBIDDEN_SUFFIXES = {
    ".html", ".htm", ".xhtml", ".mht", ".mhtml", ".svg", ".js", ".mjs", ".vbs", ".hta", ".exe", ".dll",
    ".com", ".scr", ".bat", ".cmd", ".ps1", ".msi", ".jar",
}  # fmt: skip
_XML_DTD = re.compile(rb"<!(?:doctype|entity)", re.IGNORECASE)

_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # markers without a length: TEM and the restarts
_JPEG_FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # start-of-frame markers
_JPEG_SCAN = 0xDA
_JPEG_END = 0xD9


def check_upload(upload: UploadedFile) -> str:
    """The content type to store for an acceptable upload; ValidationError({"file": …}) otherwise.

    The rules are in the module docstring. The file is left at its start, ready to be stored."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    if size > MAX_BYTES:
        raise _too_large(size)
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ACCEPTED:
        raise ValidationError({"file": f"Accepted types: {', '.join(ACCEPTED)}. This file is .{extension or '?'}."})
    if extension in _OOXML:
        _check_office_file(upload, extension)
        return _OOXML[extension]
    data = _read(upload)
    if extension in _TEXT:
        _check_text(data, extension)
        return _TEXT[extension]
    content_type, signature = _MAGIC[extension]
    if not data.startswith(signature):
        raise _disguised(extension)
    if extension == "pdf":
        if b"%%EOF" not in data[-1024:]:
            raise _error("This .pdf file is incomplete or damaged (it does not end the way a PDF does)")
        _refuse_binary_markup(data[:_EDGE_BYTES], extension)
        _refuse_binary_markup(data[-_EDGE_BYTES:], extension)
    else:
        if not (_is_png(data) if extension == "png" else _is_jpeg(data)):
            raise _disguised(extension)
        _refuse_binary_markup(data, extension)
    return content_type


def clean_upload(upload: UploadedFile) -> tuple[str, UploadedFile]:
    """The content type and the file to store for an acceptable upload (see `check_upload`).

    The file is the upload itself, except for a CSV: people open evidence in a spreadsheet, so
    a CSV is stored with every cell neutralized against formula injection, under the same name."""
    content_type = check_upload(upload)
    if content_type != _TEXT["csv"]:
        return content_type, upload
    try:
        neutralized = spreadsheets.neutralize_csv(_read(upload))
    except csv.Error:
        raise _error("This .csv file cannot be read as CSV (a cell may be too long or a quote left open)") from None
    return content_type, SimpleUploadedFile(upload.name or "evidence.csv", neutralized, content_type=content_type)


def safe_name(name: str) -> str:
    """A display name without path parts or control characters, at most 150 characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f\"<>]", "", base).strip() or "evidence"
    stem, dot, extension = base.rpartition(".")
    if dot and len(base) > 150:
        return f"{stem[: 149 - len(extension)]}.{extension}"
    return base[:150]


# --- Text and images ---------------------------------------------------------------------------


def _read(upload: UploadedFile) -> bytes:
    """The whole upload (at most 10 MB, checked again here since size is only what was declared)."""
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_BYTES:
        raise _too_large(len(data))
    return data


def _check_text(data: bytes, extension: str) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _error(
            f"This .{extension} file is not UTF-8 text",
            'Save it again with the UTF-8 encoding (in Excel: "CSV UTF-8"; in Notepad: Encoding "UTF-8").',
        ) from None
    if "\x00" in text:
        raise _disguised(extension)
    if _TEXT_MARKUP.search(text):
        raise _error(f"This .{extension} file contains web page code (HTML tags or scripts)")


def _refuse_binary_markup(data: bytes, extension: str) -> None:
    if _BINARY_MARKUP.search(data):
        raise _error(f"This .{extension} file has web page code hidden in it")


def _is_png(data: bytes) -> bool:
    """Whether every chunk is whole with a correct checksum, IHDR first and IEND last, nothing after."""
    view = memoryview(data)
    position = 8  # after the signature
    while position + 12 <= len(data):
        length = int.from_bytes(view[position : position + 4])
        kind = bytes(view[position + 4 : position + 8])
        end = position + 12 + length
        if end > len(data) or not kind.isalpha() or (position == 8) != (kind == b"IHDR"):
            return False
        if zlib.crc32(view[position + 4 : end - 4]) != int.from_bytes(view[end - 4 : end]):
            return False
        position = end
        if kind == b"IEND":
            return position == len(data)
    return False


def _is_jpeg(data: bytes) -> bool:
    """Whether the segments are well formed from the start marker to the end marker, with a frame
    and a scan between them. What follows the end marker is not read here."""
    position, has_frame, has_scan = 2, False, False  # after the start marker
    while position + 1 < len(data):
        if data[position] != 0xFF:
            return False
        marker = data[position + 1]
        if marker == 0xFF:  # a fill byte before a marker
            position += 1
            continue
        position += 2
        if marker == _JPEG_END:
            return has_frame and has_scan
        if marker in _JPEG_STANDALONE:
            continue
        if marker < 0xC0 or marker == 0xD8:
            return False
        length = int.from_bytes(data[position : position + 2])
        if length < 2 or position + length > len(data):
            return False
        position += length
        has_frame = has_frame or marker in _JPEG_FRAMES
        if marker == _JPEG_SCAN:
            if not has_frame:
                return False
            has_scan = True
            position = _end_of_scan(data, position)
            if position < 0:
                return False
    return False


def _end_of_scan(data: bytes, position: int) -> int:
    """Where the compressed data of a scan ends (at the next marker), or -1 if it never does.
    Inside it, FF is followed by 00 (a stuffed byte) or by a restart marker."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return -1
        following = data[position + 1]
        if following != 0x00 and not 0xD0 <= following <= 0xD7:
            return position
        position += 2


# --- Office files ------------------------------------------------------------------------------


def _check_office_file(upload: UploadedFile, extension: str) -> None:
    """Refuse an Office file whose archive is damaged, a bomb, or carries what a document should not."""
    upload.seek(0)
    try:
        if upload.read(4) != b"PK\x03\x04":
            raise _disguised(extension)
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            _check_archive_directory(entries, extension)
            if _BINARY_MARKUP.search(archive.comment):
                raise _disguised(extension)
            expanded = 0
            for entry in entries:
                expanded = _expand(archive, entry, extension, expanded)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError, zlib.error):
        # Damaged, encrypted, or packed in a way Office does not use.
        raise _disguised(extension) from None
    finally:
        upload.seek(0)


def _check_archive_directory(entries: list[zipfile.ZipInfo], extension: str) -> None:
    """The checks the archive's directory answers, before anything is expanded."""
    if len(entries) > MAX_ARCHIVE_PARTS:
        raise _error(f"This .{extension} file has more than {MAX_ARCHIVE_PARTS:,} parts inside")
    names = [entry.filename for entry in entries]
    if len(set(names)) != len(names):
        raise _disguised(extension)  # two parts with one name: readers disagree on which is meant
    for name in names:
        path = PurePosixPath(name.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or re.match(r"[A-Za-z]:", name):
            raise _error(f"This .{extension} file has parts with unsafe names (absolute paths or “..”)")
        if path.name.lower() == "vbaproject.bin":
            raise _error(
                f"This .{extension} file contains macros", f"Save a copy as a plain .{extension} and upload that."
            )
        if path.suffix.lower() in _ARCHIVE_FORBIDDEN_SUFFIXES:
            raise _error(f"This .{extension} file has a web page, script or program inside it")
    if "[Content_Types].xml" not in names or _OOXML_MAIN_PART[extension] not in names:
        raise _disguised(extension)
    if sum(entry.file_size for entry in entries) > MAX_ARCHIVE_BYTES:
        raise _expands_too_far(extension)
    if any(_too_compressed(entry.file_size, entry.compress_size) for entry in entries):
        raise _zip_bomb(extension)


def _expand(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, extension: str, expanded: int) -> int:
    """Expand one part, counting its bytes against the limits (the directory's sizes are claims), and
    return the running total. zipfile checks the part's checksum when it reaches the end."""
    is_xml = entry.filename.endswith((".xml", ".rels"))
    size, tail = 0, b""
    with archive.open(entry) as part:
        while chunk := part.read(_CHUNK):
            size += len(chunk)
            expanded += len(chunk)
            if expanded > MAX_ARCHIVE_BYTES:
                raise _expands_too_far(extension)
            if size > entry.file_size or _too_compressed(size, entry.compress_size):
                raise _zip_bomb(extension)
            if is_xml and _XML_DTD.search(tail + chunk):
                raise _disguised(extension)
            tail = chunk[-16:]  # so a declaration split between two chunks is still seen
    return expanded


def _too_compressed(size: int, compressed_size: int) -> bool:
    return size > COMPRESSION_GRACE_BYTES and size > MAX_COMPRESSION_RATIO * max(compressed_size, 1)


# --- Messages ----------------------------------------------------------------------------------


def _error(problem: str, advice: str = "") -> ValidationError:
    """A refusal on the file field: what is wrong, that the file was not accepted, what to do."""
    return ValidationError({"file": f"{problem}, so it was not accepted. {advice}".strip()})


def _disguised(extension: str) -> ValidationError:
    return _error(f"This file's content is not a real .{extension} file")


def _too_large(size: int) -> ValidationError:
    return ValidationError({"file": f"The file is {size / 1024 / 1024:.1f} MB; the limit is 10 MB."})


def _expands_too_far(extension: str) -> ValidationError:
    return _error(f"This .{extension} file expands to more than {MAX_ARCHIVE_BYTES // 1024 // 1024} MB when opened")


def _zip_bomb(extension: str) -> ValidationError:
    return _error(f"This .{extension} file expands far more than a real document does (a sign of a “zip bomb”)")
