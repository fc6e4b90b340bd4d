"""Checking evidence uploads: at most 10 MB, and a type we accept judged by the content itself.

The extension and the browser's Content-Type are claims; the first bytes of the file are the fact.
A page renamed to .pdf, or a program renamed to .png, is refused.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_BYTES = 10 * 1024 * 1024

# extension -> (content type served, how to recognise the content)
_OOXML = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_MAGIC = {
    "pdf": ("application/pdf", [b"%PDF-"]),
    "png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    "jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    "jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
}
_TEXT = {"txt": "text/plain", "csv": "text/csv"}
ACCEPTED = sorted([*_MAGIC, *_OOXML, *_TEXT])
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ACCEPTED)


def check_upload(upload: UploadedFile) -> str:
    """The content type to store for an acceptable upload; ValidationError({"file": …}) otherwise."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    if size > MAX_BYTES:
        raise ValidationError({"file": f"The file is {size / 1024 / 1024:.1f} MB; the limit is 10 MB."})
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ACCEPTED:
        raise ValidationError({"file": f"Accepted types: {', '.join(ACCEPTED)}. This file is .{extension or '?'}."})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if extension in _MAGIC:
        content_type, signatures = _MAGIC[extension]
        if not any(head.startswith(signature) for signature in signatures):
            raise _disguised(extension)
        return content_type
    if extension in _OOXML:
        if not head.startswith(b"PK\x03\x04") or not _is_office_file(upload, _OOXML_PART[extension]):
            raise _disguised(extension)
        return _OOXML[extension]
    # Plain text: must decode as UTF-8, contain no NUL bytes, and not be markup in disguise.
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the 8 KB boundary
            raise _disguised(extension) from None
        text = head[: error.start].decode("utf-8")
    if "\x00" in text or re.search(r"<\s*(html|script|svg|body|iframe)\b", text, re.IGNORECASE):
        raise _disguised(extension)
    return _TEXT[extension]


def _is_office_file(upload: UploadedFile, part_prefix: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(name.startswith(part_prefix) for name in names)


def _disguised(extension: str) -> ValidationError:
    return ValidationError({"file": f"This file's content is not a real .{extension} file, so it was not accepted."})


def safe_name(name: str) -> str:
    """A display name without path parts or control characters, at most 150 characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f\"<>]", "", base).strip() or "evidence"
    stem, dot, extension = base.rpartition(".")
    if dot and len(base) > 150:
        return f"{stem[: 149 - len(extension)]}.{extension}"
    return base[:150]
