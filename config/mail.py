"""The quick-start mail backend: every message is saved to a local folder and shown in the console.

Nobody running `make run` has a mail server, yet reminders and digests must be visible; this keeps
a copy on disk (one `.log` file per connection, as Django's file backend does) and prints a short
summary with the plain-text body so the developer sees mail arrive as it happens.
"""

from __future__ import annotations

import sys
from email.message import EmailMessage as StdlibEmailMessage
from typing import Any

from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend
from django.core.mail.message import EmailMessage


class FolderAndConsoleBackend(FileEmailBackend):
    """Django's file backend plus a readable echo on stdout."""

    def __init__(self, *args: Any, echo_stream: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.echo_stream = echo_stream or sys.stdout

    def write_message(self, message: EmailMessage) -> None:
        super().write_message(message)
        self.echo(message)

    def echo(self, message: EmailMessage) -> None:
        parsed: StdlibEmailMessage = message.message()
        text_part = parsed.get_body(preferencelist=("plain",)) if parsed.is_multipart() else parsed
        body = text_part.get_content() if text_part is not None else ""
        self.echo_stream.write(
            "\n".join(
                [
                    "=" * 79,
                    f"Email to {', '.join(message.recipients())}",
                    f"Subject: {message.subject}",
                    f"(saved in {self.file_path})",
                    "-" * 79,
                    body.rstrip(),
                    "=" * 79,
                    "",
                ]
            )
        )
        self.echo_stream.flush()
