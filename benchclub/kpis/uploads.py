"""Keeping an uploaded CSV on the server between its preview and its commit.

The browser only ever holds a random token; the file lives in the upload folder under that token,
together with the id of the user who uploaded it, so nobody else can commit it and no client-supplied
path is ever opened.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from ..errors import NotFoundError

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
KEEP_SECONDS = 2 * 60 * 60


def _folder(base: str | Path) -> Path:
    folder = Path(base) / "kpi-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old(folder: Path, now: float) -> None:
    for path in folder.glob("*.json"):
        if now - path.stat().st_mtime > KEEP_SECONDS:
            path.unlink(missing_ok=True)
            path.with_suffix(".csv").unlink(missing_ok=True)


def stage_upload(base: str | Path, data: bytes, *, user_id: int, filename: str) -> str:
    """Store the file for a later commit by the same user; returns the token that names it."""
    folder = _folder(base)
    _forget_old(folder, time.time())
    token = secrets.token_urlsafe(24)  # 32 URL-safe characters
    (folder / f"{token}.csv").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({"user_id": user_id, "filename": filename[:200]}))
    return token


def load_upload(base: str | Path, token: str, *, user_id: int) -> tuple[bytes, str]:
    """The staged file and its name, only for the user who uploaded it and only while it is fresh."""
    if not TOKEN_RE.match(token or ""):
        raise NotFoundError("That upload is unknown. Upload the file again.")
    folder = _folder(base)
    meta_path, data_path = folder / f"{token}.json", folder / f"{token}.csv"
    if not meta_path.exists() or not data_path.exists():
        raise NotFoundError("That upload has expired or was already imported. Upload the file again.")
    meta = json.loads(meta_path.read_text())
    if meta.get("user_id") != user_id or time.time() - meta_path.stat().st_mtime > KEEP_SECONDS:
        raise NotFoundError("That upload has expired or was already imported. Upload the file again.")
    return data_path.read_bytes(), meta.get("filename", "upload.csv")


def discard_upload(base: str | Path, token: str) -> None:
    """Remove a staged file once it has been imported or abandoned."""
    if TOKEN_RE.match(token or ""):
        folder = _folder(base)
        (folder / f"{token}.csv").unlink(missing_ok=True)
        (folder / f"{token}.json").unlink(missing_ok=True)
