"""The canonical event table and the one validation every reader funnels through.

Each reader in :mod:`geo.ingest` only renames and recodes its native columns; the checks that
decide whether a row becomes an event (date, coordinates, known region, duplicate id, numbers)
and the spatial join that sets ``country`` and ``admin1`` all happen in one function,
:func:`validate_events`, so that an ACLED file and a hand-made CSV are judged by the same
rules. Its vectorised machinery is in ``geo/ingest/_validate.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.regions import Regions

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_DTYPES",
    "EVENT_TYPES",
    "ISO_DATE",
    "REJECT_COLUMNS",
    "REJECT_REASONS",
    "SEA_KM",
    "SNAP_KM",
    "UNKNOWN_EVENT_TYPE",
    "RowCheck",
    "empty_events",
    "empty_rejects",
    "parse_dates",
    "validate_events",
]

EVENT_DTYPES = {
    "event_id": "string",
    "dataset": "category",
    "date": "datetime64[s]",
    "date_precision": "int8",
    "event_type": "category",
    "sub_event_type": "category",
    "actor1": "string",
    "actor2": "string",
    "country": "string",
    "admin1": "string",
    "location": "string",
    "geo_precision": "int8",
    "fatalities": "Int32",
    "fatalities_low": "Int32",
    "fatalities_high": "Int32",
    "source": "string",
    "source_url": "string",
    "notes": "string",
    "raw": "string",
}
EVENT_COLUMNS = (*EVENT_DTYPES, "geometry")

# ACLED's six event types are the common vocabulary; other sources map onto them.
EVENT_TYPES = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)
UNKNOWN_EVENT_TYPE = "Unknown"
# Stands for ISO dates (YYYY-MM-DD, a time part ignored) in lists of date formats.
ISO_DATE = "ISO"

# In priority order: a row with several problems is reported under the first that applies
# (a reader's own checks come before all of these). The names are public (README, the
# rejects CSV, scripts that count them): add new ones, never rename.
REJECT_REASONS = (
    "missing_required",
    "duplicate_id",
    "unparseable_date",
    "coordinates_out_of_range",
    "swapped_lat_lon",
    "outside_known_regions",
    # Known ground, but not the area Frontline is about (geo.ingest.coverage).
    "outside_coverage",
    "bad_value",
    # A record that swallowed the lines after it through a quote left open (CSV readers).
    "unbalanced_quote",
)
REJECT_COLUMNS = ("row", "column", "value", "reason", "detail", "raw")

# How far off its polygon a point may lie and still get that region (coastline
# generalisation), and how far out at sea an event may lie and still be kept. UCDP places
# events "over the Black Sea" up to 95 km off the coast; much further out a point is more
# likely a wrong coordinate than a ship.
SNAP_KM = 10.0
SEA_KM = 100.0

_ISO_PATTERN = r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$"


@dataclass(frozen=True)
class RowCheck:
    """A reader-specific problem found in some rows, reported like the built-in checks.

    Parameters
    ----------
    reason : one of :data:`REJECT_REASONS`
    column : the column name as the file spells it
    mask : boolean array, True where the row has the problem
    value : array of the offending values (as text), aligned with ``mask``
    detail : one message for all rows, or an array of messages aligned with ``mask``
    """

    reason: str
    column: str
    mask: np.ndarray
    value: np.ndarray | pd.Series
    detail: str | np.ndarray

    def __post_init__(self):
        if self.reason not in REJECT_REASONS:
            raise ValueError(f"reason must be one of {REJECT_REASONS}, got {self.reason!r}")


def empty_events() -> gpd.GeoDataFrame:
    """An events table with no rows but every canonical column and dtype, in EPSG:4326."""
    frame = pd.DataFrame({c: pd.Series(dtype=t) for c, t in EVENT_DTYPES.items()})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=4326), crs=4326)


def empty_rejects() -> pd.DataFrame:
    """A rejects table with no rows."""
    return pd.DataFrame(
        {c: pd.Series(dtype="int64" if c == "row" else "string") for c in REJECT_COLUMNS}
    )


def parse_dates(text: pd.Series, formats: Sequence[str] = (ISO_DATE,)) -> pd.Series:
    """Parse date strings, trying each of ``formats`` in turn on what is still unparsed.

    Parameters
    ----------
    text : Series of str, already stripped; empty strings stay NaT
    formats : strptime formats, or :data:`ISO_DATE` for ``YYYY-MM-DD`` optionally followed
        by a time after ``T`` or a space (ignored: events are dated by day)

    Returns
    -------
    Series of datetime64[s], midnight of each date, NaT where nothing matched.

    Examples
    --------
    >>> parse_dates(pd.Series(["2024-10-01", "1 October 2024", "10/01/2024"]),
    ...             [ISO_DATE, "%d %B %Y"])
    0   2024-10-01
    1   2024-10-01
    2          NaT
    dtype: datetime64[s]
    """
    text = pd.Series(text, dtype="str").reset_index(drop=True)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    # Each format is tried vectorised on the rows still unparsed, so a file that mixes
    # formats row by row costs one pass per format, not a Python loop over rows.
    for fmt in formats:
        todo = out.isna() & (text != "")
        if not todo.any():
            break
        if fmt == ISO_DATE:
            values, fmt = text[todo].str.extract(_ISO_PATTERN, expand=False), "%Y-%m-%d"
        else:
            values = text[todo]
        out[todo] = pd.to_datetime(values, format=fmt, errors="coerce")
    return out.dt.normalize().astype("datetime64[s]")


def validate_events(
    df: pd.DataFrame,
    regions: Regions,
    *,
    dataset: str,
    columns: Mapping[str, str] | None = None,
    date_formats: Sequence[str] = (ISO_DATE,),
    keep_prefixed_ids: bool = False,
    checks: Sequence[RowCheck] = (),
    native_json: Callable[[np.ndarray], Sequence[str]] | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Check rows mapped to canonical names and split them into events and rejects.

    Parameters
    ----------
    df : DataFrame, one row per input row in file order, with canonical column names:
        ``date``, ``latitude`` and ``longitude`` (required) and any of ``event_id`` (the
        native id, without prefix), ``date_precision``, ``event_type``, ``sub_event_type``,
        ``actor1``, ``actor2``, ``location``, ``geo_precision``, ``fatalities``,
        ``fatalities_low``, ``fatalities_high``, ``source``, ``source_url``, ``notes``,
        ``raw``. Values may be text or numbers; nothing is trusted until checked here.
        ``country`` and ``admin1`` are ignored: they always come from the spatial join.
    regions : the admin-1 and country polygons that points must fall in
    dataset : dataset name; ids become ``"<dataset>:<id>"``, or ``"<dataset>:<row>"`` when
        ``df`` has no ``event_id``
    columns : canonical name -> the file's column name, used in reject messages
    date_formats : date formats tried in order (see :func:`parse_dates`)
    keep_prefixed_ids : keep ids that already carry a dataset prefix (``"ucdp:123"``), for
        files that Frontline exported itself
    checks : reader-specific problems; they are reported before the built-in ones
    native_json : returns the original rows at given 0-based positions as JSON strings, for
        the ``raw`` column of rejects; by default the rows of ``df`` are used

    Returns
    -------
    (events, rejects) : the canonical GeoDataFrame (EPSG:4326, sorted by date then
        event_id) and a DataFrame with :data:`REJECT_COLUMNS`, one row per rejected input
        row, the first problem in ``reason`` and any others in ``detail``.

    Notes
    -----
    A point in no polygon but within :data:`SNAP_KM` of one gets that region (coastlines
    are generalised); one within :data:`SEA_KM` is kept without a region (events at sea).

    See Also
    --------
    geo.ingest.read_events : reads a file and calls this.
    """
    # The machinery lives with the readers; imported here, not at the top, because
    # geo.ingest imports this module.
    from geo.ingest._validate import validate

    return validate(
        df,
        regions,
        dataset=dataset,
        columns=columns,
        date_formats=date_formats,
        keep_prefixed_ids=keep_prefixed_ids,
        checks=checks,
        native_json=native_json,
    )
