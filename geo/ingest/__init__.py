"""Read event files (ACLED, UCDP GED, any CSV, GeoJSON) into the canonical event table.

One entry point, :func:`read_events`, for the CLI, the web app's upload and the data build
script. Each format has a small reader that maps native columns to canonical names; all of
them then go through :func:`geo.schema.validate_events`, so every format is checked by the
same rules and every input row ends up either as an event or as a reject with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import FrontlineError
from geo.ingest import acled, geojson, table, ucdp
from geo.ingest._common import check_name, default_regions, name_from_stem
from geo.ingest.detect import decode, detect_format, looks_like_json
from geo.ingest.rejects import rejects_csv
from geo.regions import Regions
from geo.schema import validate_events

__all__ = ["FORMATS", "IngestResult", "read_events", "rejects_csv"]

FORMATS = ("auto", "acled", "ucdp", "csv", "geojson")
_LABELS = {"acled": "ACLED", "ucdp": "UCDP GED", "csv": "CSV", "geojson": "GeoJSON"}


@dataclass(frozen=True)
class IngestResult:
    """What :func:`read_events` read.

    Attributes
    ----------
    events : canonical events (see :mod:`geo.schema`), EPSG:4326, sorted by date and id
    rejects : one row per rejected input row: ``row`` (the 1-based data record of a CSV,
        not counting the header, blank lines or a ``sep=`` line; or the 1-based feature
        index for GeoJSON), ``column``, ``value``, ``reason``, ``detail`` and ``raw`` (the
        whole original row as JSON, so that it can be downloaded, fixed and uploaded
        again; write it with :func:`rejects_csv`)
    rows_read : data rows (or features) in the file; always ``len(events) + len(rejects)``
    format : the format used (``"acled"``, ``"ucdp"``, ``"csv"`` or ``"geojson"``)
    dataset : the dataset name, also the prefix of every ``event_id``
    """

    events: gpd.GeoDataFrame
    rejects: pd.DataFrame
    rows_read: int
    format: str
    dataset: str

    def summary(self) -> dict:
        """Counts for a person: rows read, accepted, rejected, and rejected by reason."""
        by_reason = self.rejects["reason"].value_counts(sort=True)
        return {
            "rows_read": self.rows_read,
            "accepted": len(self.events),
            "rejected": len(self.rejects),
            "rejected_by_reason": {str(k): int(v) for k, v in by_reason.items()},
        }


def read_events(
    source: str | Path | bytes,
    *,
    format: str = "auto",
    name: str | None = None,
    regions: Regions | None = None,
    mapping: Mapping[str, str] | None = None,
) -> IngestResult:
    """Read an event file into canonical events and rejected rows.

    Parameters
    ----------
    source : path of the file, or its bytes (an upload). UTF-8 with or without BOM (also
        UTF-16 with or without BOM and UTF-32 with BOM); any line ends (LF, CR LF, CR);
        CSV delimited by ``,``, ``;`` or tab, or by what an Excel ``sep=`` first line
        names (also ``|``); GeoJSON as a FeatureCollection, a Feature, or a bare array of
        Features.
    format : one of :data:`FORMATS`; ``"auto"`` decides from the content (see
        :func:`geo.ingest.detect.detect_format`)
    name : dataset name, ``^[a-z0-9][a-z0-9_-]{0,39}$``; default ``"acled"``/``"ucdp"`` for
        those formats, else made from the file name (``"upload"`` for bytes)
    regions : polygons for the spatial join; default the bundled admin-1 and countries
    mapping : for ``"csv"`` (and ``"geojson"`` properties): mapping key -> column name, keys
        ``date``, ``lat``, ``lon`` (required when a mapping is given for CSV) and optionally
        ``id``, ``event_type``, ``sub_event_type``, ``actor1``, ``actor2``, ``location``,
        ``notes``, ``fatalities``, ``fatalities_low``, ``fatalities_high``, ``source``,
        ``source_url``, ``date_precision``, ``geo_precision``; plus ``date_format`` (a
        strptime format, used instead of ISO dates). Keys not given are found by common
        column names, case-insensitively.

    Returns
    -------
    IngestResult

    Raises
    ------
    FrontlineError
        When the file cannot be read at all (missing, binary, not UTF-8, empty, no header,
        not parseable, required columns missing, a column it reads named twice) or an
        argument is wrong; the message starts with the file's name. Problems of single
        rows never raise: those rows become rejects. No other exception leaves this
        function: an unexpected one is reported as a FrontlineError that says so.

    Notes
    -----
    Rows and lines: ``row`` counts records, ``line`` (in messages about records that span
    several lines, such as an unbalanced quote) counts the file's physical lines as an
    editor shows them, every line included. See :mod:`geo.ingest._csv`.

    Examples
    --------
    >>> result = read_events("ucdp_sample.csv", format="ucdp")  # doctest: +SKIP
    >>> result.summary()  # doctest: +SKIP
    {'rows_read': 2000, 'accepted': 2000, 'rejected': 0, 'rejected_by_reason': {}}
    """
    if format not in FORMATS:
        raise FrontlineError(
            f"unknown format {format!r}; expected one of {', '.join(FORMATS)}", param="format"
        )
    if name is not None:
        check_name(name)
    if mapping is not None and not isinstance(mapping, Mapping):
        raise FrontlineError(
            f"mapping must be a dict of column names, got {type(mapping).__name__}",
            param="mapping",
        )
    is_bytes = isinstance(source, bytes | bytearray | memoryview)
    label = "uploaded file" if is_bytes else Path(source).name
    try:
        return _read(source, label, is_bytes, format, name, regions, mapping)
    except FrontlineError:
        raise
    except MemoryError:
        raise FrontlineError(f"{label}: not enough memory to read this file") from None
    except Exception as err:
        # The contract is "a FrontlineError or a result": the CLI maps the former to exit
        # status 2 and the browser shows it. The cause stays chained for whoever debugs.
        raise FrontlineError(
            f"{label}: could not be read because of an error in Frontline itself "
            f"({type(err).__name__}: {str(err)[:200]}); please report it with the file"
        ) from err


def _read(source, label, is_bytes, format, name, regions, mapping) -> IngestResult:
    text, data = decode(source, label)
    fmt = detect_format(text) if format == "auto" else format
    if mapping is not None and fmt not in ("csv", "geojson"):
        raise FrontlineError(
            f"{label}: mapping applies to csv and geojson files only, not {_LABELS[fmt]}",
            param="mapping",
        )
    if fmt != "geojson" and looks_like_json(text):
        raise FrontlineError(
            f"{label}: looks like GeoJSON, not {_LABELS[fmt]} CSV (it starts like JSON); "
            "use format='geojson' or 'auto'",
            param="format",
        )
    if mapping is not None and fmt == "csv":
        missing = [k for k in ("date", "lat", "lon") if k not in mapping]
        if missing:
            raise FrontlineError(
                f"mapping lacks key(s) {', '.join(map(repr, missing))}; a CSV mapping needs "
                "'date', 'lat' and 'lon'",
                param="mapping",
            )
    if name is None:
        if fmt in ("acled", "ucdp"):
            name = fmt
        else:
            name = "upload" if is_bytes else name_from_stem(Path(source).stem)

    if fmt == "ucdp":
        prepared = ucdp.prepare(text, label, data)
    elif fmt == "acled":
        prepared = acled.prepare(text, label, data)
    elif fmt == "geojson":
        prepared = geojson.prepare(text, label, mapping)
    else:
        prepared = table.prepare(text, label, mapping, data)
    events, rejects = validate_events(
        prepared.frame,
        regions if regions is not None else default_regions(),
        dataset=name,
        columns=prepared.columns,
        date_formats=prepared.date_formats,
        keep_prefixed_ids=prepared.keep_prefixed_ids,
        checks=prepared.checks,
        native_json=prepared.native_json,
    )
    _unset_country_level_regions(events)
    return IngestResult(events, rejects, len(prepared.frame), fmt, name)


#: Points that sources use for "somewhere in this country" (UCDP's centroid of Ukraine,
#: where_prec 6). A spatial join would place them in whichever oblast holds the centroid
#: (Cherkasy), inventing a region; they keep their country and get no admin1.
COUNTRY_CENTROIDS = {(32.0, 49.0): "UKR"}


def _unset_country_level_regions(events) -> None:
    if not len(events):
        return
    x, y = events.geometry.x.to_numpy(), events.geometry.y.to_numpy()
    at_centroid = np.zeros(len(events), dtype=bool)
    for lon, lat in COUNTRY_CENTROIDS:
        at_centroid |= (x == lon) & (y == lat)
    at_centroid &= events["geo_precision"].to_numpy() == 3
    if at_centroid.any():
        events.loc[at_centroid, "admin1"] = pd.NA
