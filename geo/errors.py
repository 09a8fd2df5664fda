"""The one error type of Frontline's domain code.

Every error says what was wrong and where (file, row, column, parameter) so that the CLI,
the API and the UI can show it to a person as it is.
"""

from __future__ import annotations

__all__ = ["FrontlineError", "NoSnapshotError", "StoreUnavailable", "UnknownRegionError"]


class FrontlineError(ValueError):
    """A problem a user can fix: a bad parameter, an unreadable file, a missing dataset.

    ``param`` names the parameter or field at fault, when there is one.
    """

    def __init__(self, message: str, *, param: str | None = None):
        super().__init__(message)
        self.param = param

    def __reduce__(self):
        # Errors are cached as results (a shared cache pickles them); keep ``param`` across.
        return (_rebuild, (type(self), str(self), self.param))


def _rebuild(cls, message, param):
    return cls(message, param=param)


class UnknownRegionError(FrontlineError):
    """An ISO 3166-2 code that is not one of the bundled admin-1 regions."""


class NoSnapshotError(FrontlineError):
    """No territory snapshot exists on or before the requested date."""


class StoreUnavailable(RuntimeError):
    """The data store (a database server) cannot be reached right now; retry later.

    Not a :class:`FrontlineError`: nothing the user asked for was wrong. The web app answers
    it with HTTP 503, the CLI with exit status 2 and the message.
    """
