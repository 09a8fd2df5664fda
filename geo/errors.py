"""The one error type of Frontline's domain code.

Every error says what was wrong and where (file, row, column, parameter) so that the CLI,
the API and the UI can show it to a person as it is.
"""

from __future__ import annotations

__all__ = ["FrontlineError", "NoSnapshotError", "UnknownRegionError"]


class FrontlineError(ValueError):
    """A problem a user can fix: a bad parameter, an unreadable file, a missing dataset.

    ``param`` names the parameter or field at fault, when there is one.
    """

    def __init__(self, message: str, *, param: str | None = None):
        super().__init__(message)
        self.param = param


class UnknownRegionError(FrontlineError):
    """An ISO 3166-2 code that is not one of the bundled admin-1 regions."""


class NoSnapshotError(FrontlineError):
    """No territory snapshot exists on or before the requested date."""
