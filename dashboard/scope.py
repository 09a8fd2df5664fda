"""A request's view of the data: one generation of the store and the cache it uses.

Every function that computes something a page shows takes a :class:`Scope`. The scope's
data is fixed for the whole request (a refresh in the middle of it switches the store, not
the request), and everything cached through it is keyed by that data's version first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dashboard.cache import MemoryCache
from geo.stores.base import Data

__all__ = ["Scope"]


@dataclass(frozen=True)
class Scope:
    """The data one request reads (``data``) and the cache its results go into."""

    data: Data
    cache: object

    @classmethod
    def of(cls, data: Data, cache=None) -> Scope:
        """A scope over ``data`` with its own memory cache (tests, the CLI)."""
        return cls(data, cache if cache is not None else MemoryCache())

    @property
    def version(self) -> str:
        """The data version of everything this scope computes."""
        return self.data.version

    def cached(self, key: tuple, compute: Callable, *, shared: bool = True):
        """``compute()`` once per data version and ``key`` (a tuple of plain values that
        says everything the value depends on)."""
        return self.cache.get_or_compute((self.data.version, *key), compute, shared=shared)
