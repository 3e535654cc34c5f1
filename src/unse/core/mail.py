"""Mail in development (`make run`): each message is printed to the console and written to its own `.eml`
file under `EMAIL_FILE_PATH` (var/mail/), so a verification or password-reset link can be opened from the
terminal or from a mail client. Before, dev mail went to localhost:25 and failed silently (issue 20)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone


class DevMailBackend(ConsoleBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.directory = Path(settings.EMAIL_FILE_PATH)

    def write_message(self, message: EmailMessage) -> None:
        super().write_message(message)
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        path = self.directory / name
        path.write_bytes(message.message().as_bytes())
        self.stream.write(f"(saved as {path})\n")
