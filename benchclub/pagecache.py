"""Caching whole rendered pages that only change when published data changes (member benchmarks).

A member's released view is frozen between publications, yet building it decodes a year of snapshot
rows. So a page is cached under a key made of who asks (user, firm, session CSRF token), what is
asked (endpoint, arguments) and the *page generation*: a counter in the database bumped in the same
transaction as any change such a page could show (snapshots, consents, KPI definitions, comparators,
firms, users...). Writes of high-volume rows no cached page reads (KPI values, audit entries) do not
bump it. The same key gives the ETag, so a browser revalidating gets a 304 without a render.

The store is Redis when REDIS_URL is set (shared by every worker), else a small in-process LRU.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, current_app, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import Session

from .extensions import db
from .models import AuditEntry, Job, KpiValue, LadderEvaluation, Notification, PageGeneration

# Rows no cached page shows; writing them never invalidates a page (they are written by the thousand).
UNWATCHED = (KpiValue, AuditEntry, PageGeneration, Job, Notification, LadderEvaluation)
UNWATCHED_TABLES = frozenset(m.__tablename__ for m in UNWATCHED)
_BUMPED = "pagecache_bumped"
_TABLE = PageGeneration.__table__


class LocalStore:
    """A bounded least-recently-used dict (one per process)."""

    def __init__(self, size: int = 256) -> None:
        self.size, self.items = size, OrderedDict()

    def get(self, key: str) -> bytes | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def set(self, key: str, value: bytes) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)

    def clear(self) -> None:
        self.items.clear()


class RedisStore:
    """Pages in Redis, shared by all workers, expiring after an hour unused."""

    def __init__(self, url: str, ttl: int = 3600) -> None:
        import redis

        self.client, self.ttl = redis.Redis.from_url(url), ttl

    def get(self, key: str) -> bytes | None:
        return self.client.get(f"page:{key}")

    def set(self, key: str, value: bytes) -> None:
        self.client.set(f"page:{key}", value, ex=self.ttl)

    def clear(self) -> None:
        for key in self.client.scan_iter("page:*"):
            self.client.delete(key)


def current_generation() -> int:
    """The page generation as committed (0 before the first bump)."""
    return db.session.scalar(sa.select(_TABLE.c.value).where(_TABLE.c.id == 1)) or 0


def _mark(session: Session) -> None:
    """Note that this transaction changed something a cached page may show."""
    session.info[_BUMPED] = True


def _bump_before_commit(session: Session) -> None:
    """Advance the generation as the transaction commits, so the row is locked only for the commit
    (a long close of a period must not make every other writer wait on the counter)."""
    if not (session.info.get(_BUMPED) or _watched(session.new) or _watched(session.dirty)
            or _watched(session.deleted)):
        return
    conn = session.connection()
    if conn.execute(_TABLE.update().where(_TABLE.c.id == 1).values(value=_TABLE.c.value + 1)).rowcount == 0:
        conn.execute(_TABLE.insert().values(id=1, value=1))
    session.info.pop(_BUMPED, None)


def _watched(objects: Any) -> bool:
    return any(not isinstance(obj, UNWATCHED) for obj in objects)


def _after_flush(session: Session, _context: Any) -> None:
    if _watched(session.new) or _watched(session.dirty) or _watched(session.deleted):
        _mark(session)


def _do_orm_execute(state: Any) -> None:
    """Bulk INSERT/UPDATE/DELETE statements bypass the flush: look at the table they write."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in UNWATCHED_TABLES:
        _mark(state.session)


def _forget_bump(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_BUMPED, None)


def _deploy_id(app: Flask) -> str:
    """Changes when templates change, so a deployment never serves pages rendered by the old one."""
    folder = Path(app.template_folder or ".")
    newest = max((p.stat().st_mtime for p in folder.rglob("*.html")), default=0.0)
    return hashlib.sha1(f"{newest}".encode()).hexdigest()[:8]


def register(app: Flask) -> None:
    """Pick the store and watch every session's writes (once per process)."""
    redis_url = app.config.get("REDIS_URL")
    app.extensions["page_cache"] = RedisStore(redis_url) if redis_url else LocalStore()
    app.extensions["page_cache_deploy"] = _deploy_id(app)
    if not sa.event.contains(Session, "after_flush", _after_flush):
        sa.event.listen(Session, "after_flush", _after_flush)
        sa.event.listen(Session, "do_orm_execute", _do_orm_execute)
        sa.event.listen(Session, "before_commit", _bump_before_commit)
        sa.event.listen(Session, "after_transaction_end", _forget_bump)


def _key() -> str:
    """Everything the page depends on: who, what, which published state, which day, which deployment."""
    generate_csrf()  # the page embeds this session's token: make sure it exists before keying on it
    args = "&".join(f"{k}={v}" for k, v in sorted(request.args.items(multi=True)))
    parts = (request.endpoint, request.view_args, args, current_user.id, current_user.firm_id,
             current_user.role.value, session.get("csrf_token"), current_generation(), date.today().isoformat(),
             current_app.extensions["page_cache_deploy"])
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_page(render: Callable[[], str]) -> Response:
    """The page from the cache (or 304 to a matching If-None-Match), rendering and storing it on a miss."""
    if not current_app.config.get("PAGE_CACHE", True) or session.get("_flashes"):
        return make_response(render())
    key = _key()
    etag = key[:32]
    if etag in request.if_none_match:
        response = Response(status=304)
    else:
        store = current_app.extensions["page_cache"]
        body = store.get(key)
        if body is None:
            body = render().encode()
            store.set(key, body)
        response = Response(body, mimetype="text/html")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response
