"""Workshop materials: uploads checked against an allow-list of types and a size limit, stored under
a random name outside the web root, and served only as attachments."""
from __future__ import annotations

import secrets
from pathlib import Path

from werkzeug.utils import secure_filename

from ..audit import record
from ..errors import DomainError
from ..extensions import db
from ..models import User, Workshop, WorkshopMaterial

#: extension -> (content type we serve it as, leading bytes a real file of that type starts with)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    "csv": ("text/csv", ()),
    "txt": ("text/plain", ()),
}
SUBFOLDER = "workshops"


class MaterialError(DomainError):
    """The upload is not an allowed type, is empty or too large."""


def check_upload(filename: str, data: bytes, max_bytes: int) -> tuple[str, str, str]:
    """Validate name, size and content; returns (safe display name, extension, content type)."""
    safe = secure_filename(filename or "")
    ext = safe.rsplit(".", 1)[-1].lower() if "." in safe else ""
    if ext not in ALLOWED_TYPES:
        allowed = ", ".join(sorted(ALLOWED_TYPES))
        raise MaterialError(f"Files of this type cannot be uploaded. Allowed: {allowed}.", field="file")
    if not data:
        raise MaterialError("The file is empty.", field="file")
    if len(data) > max_bytes:
        raise MaterialError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.", field="file")
    content_type, magics = ALLOWED_TYPES[ext]
    if magics and not any(data.startswith(m) for m in magics):
        raise MaterialError(f"The file does not look like a .{ext} file.", field="file")
    if not magics and b"\x00" in data[:8192]:
        raise MaterialError(f"A .{ext} file must be plain text.", field="file")
    return safe[-200:], ext, content_type


def add_material(workshop: Workshop, filename: str, data: bytes, *, actor: User | None, folder: str,
                 max_bytes: int) -> WorkshopMaterial:
    """Store an upload under a random name in `folder`/workshops and record it."""
    safe, ext, content_type = check_upload(filename, data, max_bytes)
    target_dir = Path(folder) / SUBFOLDER
    target_dir.mkdir(parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(16)}.{ext}"
    (target_dir / stored_name).write_bytes(data)
    material = WorkshopMaterial(workshop_id=workshop.id, filename=safe, stored_name=stored_name,
                                content_type=content_type, size=len(data), uploaded_by_id=getattr(actor, "id", None))
    db.session.add(material)
    db.session.flush()
    record(actor, "create", "workshop_material", material.id, club_id=workshop.club_id,
           summary=f"material '{safe}' ({len(data)} bytes) for workshop {workshop.id}")
    return material


def material_path(material: WorkshopMaterial, folder: str) -> Path:
    """Where the stored file lives (the stored name is ours, never the uploader's)."""
    return Path(folder) / SUBFOLDER / material.stored_name


def delete_material(material: WorkshopMaterial, *, actor: User | None, folder: str) -> None:
    """Remove a material and its file."""
    record(actor, "delete", "workshop_material", material.id, club_id=material.workshop.club_id,
           summary=f"material '{material.filename}'", old=material.filename)
    path = material_path(material, folder)
    db.session.delete(material)
    db.session.flush()
    path.unlink(missing_ok=True)
