"""The API's HTML reference, rendered on the server from the generated OpenAPI document (no CDN, no JS)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

from .schemas import MAX_BATCH, MAX_PER_PAGE

bp = Blueprint("api_reference", __name__, url_prefix="/api/v1")

DESCRIPTION = f"""The BenchClub API serves the same data, under the same permissions and the same disclosure
rules, as the web pages.

* **Authentication**: `Authorization: Bearer TOKEN` with a personal token from your account page
  (Account > API tokens). Scope `read` or `read-write`; tokens expire (at most one year) and can be revoked.
  No cookies, no CSRF token.
* **Errors**: `application/problem+json` with a `detail` a person can read and, for invalid input,
  `errors`: a list of `{{index, field, reason}}` (`index` is the item's position in a batch).
* **Pagination**: `page` (from 1) and `per_page` (default 100, at most {MAX_PER_PAGE}); answers carry
  `total` and `pages`.
* **Caching and concurrency**: every read carries an `ETag`; send it back in `If-None-Match` to get 304.
  Writes that replace a stored record need `If-Match` with the record's ETag (or the item's `version`
  in a batch); a stale one is refused with 412, a missing one with 428. `If-Match: *` overwrites on purpose.
* **Rate limits**: per token (default 300 requests a minute); over it, 429 with `Retry-After` in seconds.
* **Formats**: months `YYYY-MM`, dates `YYYY-MM-DD`, timestamps ISO 8601 in UTC.
* **Batches**: `PUT /values` takes at most {MAX_BATCH} items and writes all of them or none.
"""

METHODS = ("get", "put", "post", "patch", "delete")


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of the document, in path order, flattened for the template."""
    ops = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""),
                        "parameters": op.get("parameters", []) + item.get("parameters", []),
                        "body": _schema_name(op.get("requestBody", {})),
                        "responses": [(code, r.get("description", ""), _schema_name(r))
                                      for code, r in op.get("responses", {}).items()]})
    return ops


def _schema_name(part: dict[str, Any]) -> str:
    for media in (part.get("content") or {}).values():
        ref = (media.get("schema") or {}).get("$ref", "")
        return ref.rsplit("/", 1)[-1]
    return ""


@bp.get("/docs")
def reference():
    """The reference page: conventions, every operation, every schema."""
    spec = current_app.extensions["benchclub-api"].spec.to_dict()
    return render_template("api/reference.html", spec=spec, operations=operations(spec),
                           schemas=spec.get("components", {}).get("schemas", {}))
