"""E-mail in development: printed as people read it, and kept in a local outbox.

Django's console backend prints the MIME encoding (quoted-printable: `=C3=AB`, long
lines broken with `=`), so a link copied from the terminal leads nowhere. This backend
prints the headers and the plain-text body as text, and, when the development outbox is
on (`DEV_OUTBOX`, set by `make run`), keeps each message in `var/outbox/` for the page
at /dev/outbox/. SMTP is untouched: the real MIME goes to real mail servers.
"""

from __future__ import annotations

import json
import secrets
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

KEEP = 200  # messages kept in the outbox


@dataclass
class StoredMessage:
    id: str
    at: datetime
    sender: str
    to: list[str]
    subject: str
    body: str


def outbox_dir() -> Path:
    return Path(settings.DEV_OUTBOX_DIR)


def as_text(message: Any) -> str:
    """The message as a person reads it: a few headers, a blank line, the text body."""
    body = message.body
    if getattr(message, "content_subtype", "plain") != "plain":
        body = f"(HTML body)\n{body}"
    lines = [
        f"From: {message.from_email}",
        f"To: {', '.join(message.to)}",
        *([f"Cc: {', '.join(message.cc)}"] if message.cc else []),
        f"Subject: {message.subject}",
        "",
        body.rstrip("\n"),
    ]
    return "\n".join(lines)


def store(message: Any) -> None:
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    ident = f"{now:%Y%m%d%H%M%S%f}-{secrets.token_hex(4)}"
    record = {
        "at": now.isoformat(),
        "from": message.from_email,
        "to": list(message.to) + list(message.cc),
        "subject": message.subject,
        "body": message.body,
    }
    (folder / f"{ident}.json").write_text(json.dumps(record))
    for old in sorted(folder.glob("*.json"))[:-KEEP]:
        old.unlink(missing_ok=True)


def stored_messages() -> list[StoredMessage]:
    """The outbox, newest first."""
    folder = outbox_dir()
    found = []
    for path in sorted(folder.glob("*.json"), reverse=True) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        found.append(
            StoredMessage(
                id=path.stem,
                at=datetime.fromisoformat(data["at"]),
                sender=data.get("from", ""),
                to=list(data.get("to", [])),
                subject=data.get("subject", ""),
                body=data.get("body", ""),
            )
        )
    return found


class ConsoleEmailBackend(BaseEmailBackend):
    """Prints each e-mail decoded (links copy and work) and keeps it in the outbox."""

    def __init__(self, *, stream: Any = None, **kwargs: Any) -> None:
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()
        super().__init__(**kwargs)

    def send_messages(self, email_messages: Any) -> int:
        sent = 0
        with self._lock:
            for message in email_messages or []:
                self.stream.write(as_text(message) + "\n" + "-" * 79 + "\n")
                self.stream.flush()
                if settings.DEV_OUTBOX:
                    store(message)
                sent += 1
        return sent
