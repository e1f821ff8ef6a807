"""The garbage collector runs less often while a bulk decision builds many objects.

Judging a file, or a long history, makes many objects that live to the end (the
decisions, the remembered values) and no reference cycles. With the default threshold
of the collector's youngest generation (700 objects), the older generations are walked
again and again as the results grow, so that the time per session grows with the number
of sessions (the performance page gives the figures). While :func:`fewer_collections`
runs, the youngest generation is walked after :data:`COLLECT_AFTER` objects instead.

The setting is the process's own: uses in several threads at once, or nested, raise it
once and put back what it was before the first of them when the last one ends. A
collector that was turned off stays off.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator
from typing import Final

__all__ = ["COLLECT_AFTER", "fewer_collections"]

#: Objects made (less those freed) before the youngest generation is walked, inside.
COLLECT_AFTER: Final = 100_000

_lock = threading.Lock()
# How many uses run now, and the threshold of before the first of them.
_running = 0
_before: tuple[int, int, int] = (0, 0, 0)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """While inside, the collector's youngest generation is walked less often."""
    global _running, _before  # noqa: PLW0603  (the process's one setting)
    with _lock:
        if not _running:
            _before = gc.get_threshold()
            if _before[0]:
                gc.set_threshold(max(_before[0], COLLECT_AFTER), *_before[1:])
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if not _running:
                gc.set_threshold(*_before)
