"""The quick-start mail backend: a copy of every message in a folder, and a readable echo."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

from config import settings as project_settings
from config.mail import FolderAndConsoleBackend

SUBJECT = "Idaho: 2 action items are due this week"
TEXT_BODY = "Two items are due on Friday.\nCafé-grade summary: nothing is overdue.\n"
HTML_BODY = "<p>Two items are due on <strong>Friday</strong>.</p>"


def make_message() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=SUBJECT,
        body=TEXT_BODY,
        from_email="Joint Plan <no-reply@jointplan.localhost>",
        to=["cio@idaho.example", "cpo@idaho.example"],
    )
    message.attach_alternative(HTML_BODY, "text/html")
    return message


@pytest.fixture
def sent(tmp_path: Path) -> tuple[Path, str]:
    """Send one text+HTML message through the backend, built as Django builds a MAILERS entry."""
    stream = io.StringIO()
    backend = FolderAndConsoleBackend(alias="default", file_path=str(tmp_path), echo_stream=stream)
    assert backend.send_messages([make_message()]) == 1
    return tmp_path, stream.getvalue()


def test_folder_backend_saves_the_message_in_the_folder(sent: tuple[Path, str]) -> None:
    folder, _ = sent
    files = list(folder.iterdir())
    assert len(files) == 1
    saved = files[0].read_text()
    assert f"Subject: {SUBJECT}" in saved
    assert "To: cio@idaho.example, cpo@idaho.example" in saved
    assert "text/html" in saved


def test_folder_backend_echoes_recipients_subject_and_the_plain_text_body(sent: tuple[Path, str]) -> None:
    folder, echo = sent
    assert "Email to cio@idaho.example, cpo@idaho.example" in echo
    assert f"Subject: {SUBJECT}" in echo
    assert f"(saved in {folder})" in echo
    # Decoded, as the reader wrote it, not as quoted-printable or base64.
    assert TEXT_BODY.rstrip() in echo


def test_folder_backend_echo_leaves_out_the_html_part(sent: tuple[Path, str]) -> None:
    _, echo = sent
    assert "<strong>" not in echo
    assert "<p>" not in echo


def test_quick_start_mailer_is_the_folder_and_console_backend(tmp_path: Path) -> None:
    """With EMAIL_URL unset (as in the test environment) mail goes to var/mail and the console.

    Read from the settings module itself: the test runner swaps settings.MAILERS for locmem.
    """
    mailer = project_settings.MAILERS["default"]
    assert mailer == {
        "BACKEND": "config.mail.FolderAndConsoleBackend",
        "OPTIONS": {"file_path": str(project_settings.VAR_DIR / "mail")},
    }
    backend_class = import_string(mailer["BACKEND"])
    assert backend_class is FolderAndConsoleBackend
    # Its OPTIONS are ones the backend accepts (Django refuses unknown options for a MAILERS entry).
    backend = backend_class(alias="default", **{**mailer["OPTIONS"], "file_path": str(tmp_path)})
    assert backend.file_path == str(tmp_path)
