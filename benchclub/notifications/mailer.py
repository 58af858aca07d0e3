"""E-mail through plain smtplib, configured by the MAIL_* settings (config.py)."""
from __future__ import annotations

import smtplib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from ..models import Notification


@contextmanager
def connect(mail: dict[str, Any]) -> Iterator[smtplib.SMTP]:
    """An SMTP connection (STARTTLS and login when configured), closed afterwards."""
    smtp = smtplib.SMTP(mail["MAIL_SERVER"], int(mail.get("MAIL_PORT") or 25), timeout=30)
    try:
        if mail.get("MAIL_USE_TLS"):
            smtp.starttls()
        if mail.get("MAIL_USERNAME"):
            smtp.login(mail["MAIL_USERNAME"], mail.get("MAIL_PASSWORD") or "")
        yield smtp
    finally:
        try:
            smtp.quit()
        except smtplib.SMTPException:
            smtp.close()


def digest(to: str, sender: str, notes: Sequence[Notification], base_url: str = "") -> EmailMessage:
    """One plain-text message listing a user's new notifications."""
    msg = EmailMessage()
    count = len(notes)
    msg["Subject"] = f"BenchClub: {count} new reminder{'s' if count != 1 else ''}"
    msg["From"] = sender
    msg["To"] = to
    lines = ["Hello,", "", "BenchClub has new reminders for you:", ""]
    for note in notes:
        link = f" {base_url.rstrip('/')}{note.link}" if note.link else ""
        lines.append(f"- {note.message}{link}")
    lines += ["", "You can see and dismiss them under Notifications when you log in.", "", "BenchClub"]
    msg.set_content("\n".join(lines))
    return msg


def send(msg: EmailMessage) -> None:
    """Send one message by SMTP, or, without MAIL_SERVER (development, tests), keep it in the outbox."""
    from flask import current_app

    config = current_app.config
    if config.get("MAIL_SERVER"):
        with connect(config) as smtp:
            smtp.send_message(msg)
        return
    outbox(current_app).append(msg)
    current_app.logger.info("No MAIL_SERVER: message to %s kept in the outbox:\n%s", msg["To"], msg.get_content())


def outbox(app: Any) -> list[EmailMessage]:
    """Messages 'sent' without a mail server (development and tests read them here)."""
    return app.extensions.setdefault("benchclub_outbox", [])
