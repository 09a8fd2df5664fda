"""What a user can download, checked and written once for the HTTP API and the CLI.

:func:`prepare` takes the same parameters as the explorer's URL and the API
(``from``, ``to``, ``datasets``, ``types``, ``actors``, ``regions``, ``precision``, ``q``,
``bbox``, and ``by``, ``layer``, ``date`` for territory), checks every one of them (the
error names the parameter), and returns a :class:`Download` whose body is computed only
when asked for: a server answering ``304 Not Modified`` does no work. Events are written
from compact rows in chunks, so a million-row CSV streams in bounded memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache

import pandas as pd

from geo import export
from geo.calendar import PERIODS, period_count
from geo.errors import FrontlineError
from geo.query import Query
from geo.schema import EVENT_DTYPES
from geo.territory import FIGURE_LAYERS, LAYERS, as_date

__all__ = ["FORMATS", "MAX_PERIODS", "Download", "checked_query", "prepare"]

#: What can be downloaded, and in which formats.
FORMATS = {"events": ("csv", "geojson"), "changes": ("csv", "geojson"), "snapshot": ("geojson",)}
#: Most periods one ``by=`` request may ask for. 400 covers a year of days, eight years of
#: weeks and every month of the record.
MAX_PERIODS = 400
#: Most periods a GeoJSON of changes may draw: each is two differences of the whole front
#: (~30 ms of GEOS), where a CSV reads its figures from the precomputed period table.
MAX_GEOMETRY_PERIODS = 62
#: Rows of compact events per chunk of a streamed CSV.
CHUNK_ROWS = 100_000
# Flask adds "; charset=utf-8" to text/* types itself.
_MIME = {"csv": "text/csv", "geojson": "application/geo+json",
         "json": "application/json"}  # fmt: skip
_EVENT_COLUMNS = [*(c for c in export.EXPORT_COLUMNS if c in EVENT_DTYPES), "lon", "lat"]


@dataclass(frozen=True)
class Download:
    """A checked download: its provenance and size now, its body when :meth:`chunks` is
    iterated."""

    what: str
    format: str
    provenance: dict
    mimetype: str
    filename: str
    _build: Callable[[], Iterator[str]]
    _rows: Callable[[], int]

    @property
    def rows(self) -> int:
        """Rows (events, periods, features) in the body."""
        return self._rows()

    def chunks(self) -> Iterator[str]:
        """The body, in pieces (CSV header first)."""
        return self._build()

    def text(self) -> str:
        """The whole body as one string."""
        return "".join(self.chunks())

    def meta(self) -> str:
        """The ``.meta.json`` twin of a CSV: its provenance and row count."""
        return json.dumps(dict(self.provenance, rows=self.rows))


def checked_query(data, params: Mapping[str, str]) -> Query:
    """The event query of ``params``, with its regions and datasets checked."""
    query = Query.from_params(params)
    if query.regions:
        data.regions.check_codes(query.regions)
    known = set(data.dataset_names())
    bad = [d for d in query.datasets if d not in known]
    if bad:
        raise FrontlineError(
            f"datasets: unknown dataset {', '.join(bad)}; known: {', '.join(sorted(known))}",
            param="datasets",
        )
    return query


def prepare(data, what: str, fmt: str, params: Mapping[str, str], as_of=None) -> Download:
    """Check a download request against ``data`` (a :class:`geo.stores.base.Data`).

    Parameters
    ----------
    data : the data to cut the download from; its version goes into the provenance.
    what : ``"events"``, ``"changes"`` or ``"snapshot"``.
    fmt : ``"csv"`` or ``"geojson"`` (a snapshot is geometry: GeoJSON only).
    params : the view's parameters, one value each.
    as_of : how current the data is (:class:`geo.updates.status.AsOf`), stated in the
        provenance as ``data_as_of``.

    Raises
    ------
    FrontlineError : naming the parameter at fault.
    """
    if what not in FORMATS:
        raise FrontlineError(f"what: expected one of {', '.join(FORMATS)}, got {what!r}",
                             param="what")  # fmt: skip
    if fmt not in FORMATS[what]:
        raise FrontlineError(
            f"format: {what} can be written as {' or '.join(FORMATS[what])}, not {fmt!r}",
            param="format",
        )
    download = {"events": _events, "changes": _changes, "snapshot": _snapshot}[what](
        data, fmt, params
    )
    if as_of is not None:
        # The builders hold this same dict: the body and the .meta.json twin both say it.
        download.provenance["data_as_of"] = as_of.as_record()
    return download


def _events(data, fmt: str, params) -> Download:
    query = checked_query(data, params)
    pos = data.positions(query)
    names = data.columns.datasets_at(pos)
    prov = export.provenance(query.to_params(), data.version, ["naturalearth", *names], names)

    def chunks():
        for start in range(0, len(pos), CHUNK_ROWS):
            yield data.rows(pos[start : start + CHUNK_ROWS], _EVENT_COLUMNS)

    if fmt == "csv":

        def build():
            return export.iter_chunks_csv(chunks())
    else:

        def build():
            yield json.dumps(export.events_geojson(data.rows(pos, _EVENT_COLUMNS), prov))

    return Download("events", fmt, prov, _MIME[fmt], f"frontline-events.{fmt}", build,
                    lambda: len(pos))  # fmt: skip


def _changes(data, fmt: str, params) -> Download:
    query = Query.from_params(params)
    if not (query.date_from and query.date_to):
        raise FrontlineError("from and to are required for territory changes", param="from")
    by = params.get("by") or None
    if by is not None and by not in PERIODS:
        raise FrontlineError(f"by: expected one of {', '.join(PERIODS)}, got {by!r}", param="by")
    layer = params.get("layer") or "russian_held"
    if layer not in FIGURE_LAYERS:
        raise FrontlineError(
            f"layer: expected one of {', '.join(FIGURE_LAYERS)}, got {layer!r}", param="layer"
        )
    regions = data.regions.check_codes(query.regions)
    # Another source of control polygons (``frontline territory import``), by name.
    source = params.get("source") or "deepstate"
    terr = data.territory_of(source)
    # Both ends must have a snapshot (cheap index look-ups) before any period is made.
    terr.snapshot(query.date_from, layer, "from")
    terr.snapshot(query.date_to, layer, "to")
    if by and period_count(query.date_from, query.date_to, by) > MAX_PERIODS:
        raise FrontlineError(
            f"by: {by} periods from {query.date_from} to {query.date_to} are more than "
            f"{MAX_PERIODS}; ask for a shorter range or a longer period",
            param="by",
        )
    start, end = query.date_from, query.date_to
    if fmt == "geojson" and by and period_count(start, end, by) > MAX_GEOMETRY_PERIODS:
        raise FrontlineError(
            f"by: a GeoJSON of {by} changes from {start} to {end} would draw more than "
            f"{MAX_GEOMETRY_PERIODS} periods of polygons; ask for a shorter range or a longer "
            "period, or for the CSV (figures only)",
            param="by",
        )

    @cache
    def result():
        if fmt == "csv":
            # Figures only: read from the precomputed period table where it holds them.
            if by:
                return terr.series_records(start, end, by, regions, layer)
            return [terr.changes(start, end, regions, layer).as_record()]
        if by:
            return terr.series(start, end, by, regions, layer)
        return [terr.changes(start, end, regions, layer)]

    own = [] if source == "deepstate" else [source]
    prov = export.provenance(query.to_params() | {"by": by or "", "layer": layer,
                                                  "source": source},
                             data.version, [*([] if own else ["deepstate"]), "naturalearth"],
                             own)  # fmt: skip

    def build():
        if fmt == "csv":
            yield pd.DataFrame(result()).to_csv(index=False, lineterminator="\n")
        else:
            yield json.dumps(export.changes_geojson(result(), prov))

    return Download("changes", fmt, prov, _MIME[fmt], f"frontline-changes.{fmt}", build,
                    lambda: len(result()))  # fmt: skip


def _snapshot(data, fmt: str, params) -> Download:
    if not params.get("date"):
        raise FrontlineError("date is required, e.g. date=2024-10-01", param="date")
    date = as_date(params["date"], "date")
    layer = params.get("layer") or "russian_held"
    if layer not in LAYERS:
        raise FrontlineError(f"layer: expected one of {', '.join(LAYERS)}, got {layer!r}",
                             param="layer")  # fmt: skip
    snap = data.territory.snapshot(date, layer)
    prov = export.provenance({"date": date.isoformat(), "layer": layer}, data.version,
                             ["deepstate", "naturalearth"])  # fmt: skip

    def build():
        yield json.dumps(export.snapshot_geojson(snap, prov))

    filename = f"frontline-{layer}-{snap.date}.geojson"
    return Download("snapshot", fmt, prov, _MIME["geojson"], filename, build, lambda: 1)
