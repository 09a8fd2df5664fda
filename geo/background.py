"""Thread pools of this process, for work that releases the GIL (GEOS, Arrow, hashing).

A pool made before gunicorn forks its workers has no threads in the children, so pools
are kept per process id and made again after a fork.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

__all__ = ["pool"]

_pools: dict[tuple[int, str], ThreadPoolExecutor] = {}
_lock = threading.Lock()


def pool(name: str, workers: int = 1) -> ThreadPoolExecutor:
    """The pool called ``name`` (``workers`` threads) of this process."""
    key = (os.getpid(), name)
    with _lock:
        if key not in _pools:
            _pools[key] = ThreadPoolExecutor(workers, thread_name_prefix=f"frontline-{name}")
        return _pools[key]
