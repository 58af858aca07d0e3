"""One helper for bulk work that builds many short-lived objects (imports, ladder evaluations)."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector while tens or hundreds of thousands of small, cycle-free
    objects are built and stored; otherwise it walks the whole heap again and again (it cost as much as
    the work itself in the import and ladder profiles). Reference counting frees them as before; the
    collector resumes, if it was on, when the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
