"""The file store's events in memory: compact columns, read and sorted with Arrow.

A million events as a GeoDataFrame of shapely points costs about a second to decode and
150 MB of point objects, and sorting its string columns with pandas another second. The
resident table here keeps ``lon``/``lat`` floats instead of geometry and stores the
columns whose values repeat (actors, places, sources) as categories, so ten million events
fit in a few GiB. Reading, merging and sorting (by date, then event id in byte order, as
PostGIS's ``COLLATE "C"``) happen in Arrow.

:func:`materialise` turns any slice of it back into the canonical GeoDataFrame of
:mod:`geo.schema` (same columns, dtypes and geometry as the files it was read from), which
is what :meth:`geo.stores.base.Data.events` returns.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import shapely

from geo.schema import EVENT_COLUMNS, EVENT_DTYPES

__all__ = [
    "COMPACT_CATEGORIES",
    "check_event_file",
    "compact_from_arrow",
    "empty_compact",
    "materialise",
    "read_compact",
    "to_compact",
]

#: Text columns kept as categories in memory: few distinct values per million rows.
COMPACT_CATEGORIES = ("actor1", "actor2", "country", "admin1", "location", "source")
_CATEGORICAL = ("dataset", "event_type", "sub_event_type", *COMPACT_CATEGORIES)

_ARROW_TYPES = {
    "string": pa.large_string(),
    "category": pa.large_string(),
    "datetime64[s]": pa.timestamp("s"),
    "int8": pa.int8(),
    "Int32": pa.int32(),
}


def _xy(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of a WKB point column, read straight from its bytes when
    every value is a 21-byte little-endian 2D point (what GeoParquet writes for events);
    otherwise decoded with shapely."""
    xs, ys = [], []
    for chunk in column.chunks:
        n = len(chunk)
        if n == 0:
            continue
        wide = pa.types.is_large_binary(chunk.type)
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64 if wide else np.int32)
        offsets = offsets[chunk.offset : chunk.offset + n + 1].astype(np.int64)
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)
        # Contiguous 21-byte values: the bytes are an (n, 21) array, no gather needed.
        simple = chunk.null_count == 0 and bool((np.diff(offsets) == 21).all())
        if simple:
            block = data[offsets[0] : offsets[0] + 21 * n].reshape(n, 21)
            head = np.array([1, 1, 0, 0, 0], dtype=np.uint8)  # little-endian, type 1 (Point)
            simple = bool((block[:, :5] == head).all())
        if simple:
            xy = np.ascontiguousarray(block[:, 5:21]).view("<f8")  # (n, 2): x, y
            x, y = xy[:, 0].copy(), xy[:, 1].copy()
        else:
            geoms = shapely.from_wkb(chunk.to_numpy(zero_copy_only=False))
            x, y = shapely.get_x(geoms), shapely.get_y(geoms)
        xs.append(x)
        ys.append(y)
    if not xs:
        return np.empty(0), np.empty(0)
    return np.concatenate(xs), np.concatenate(ys)


def _open(source) -> pq.ParquetFile:
    """A reader of a file path, or of Parquet bytes in memory (a session's upload)."""
    if isinstance(source, pa.Buffer):
        return pq.ParquetFile(pa.BufferReader(source))
    return pq.ParquetFile(source)


def check_event_file(path: Path) -> str | None:
    """Why the event file at ``path`` cannot be served (named in the message), or None.

    A dataset file that another program broke, or a disk that filled while it was written
    by something else, must not keep the server from starting: it is left out and said."""
    try:
        pf = pq.ParquetFile(path)
        names = set(pf.schema_arrow.names)
        _check_crs(path, pf.schema_arrow)
    except (OSError, ValueError, pa.ArrowException) as exc:
        return f"{path}: not a readable GeoParquet file ({str(exc).splitlines()[0]})"
    missing = sorted({"event_id", "date", "dataset", "geometry"} - names)
    if missing:
        return f"{path}: lacks the column(s) {', '.join(missing)} of an event file"
    return None


def _column(path, name: str, dtype: str) -> pa.ChunkedArray:
    """One canonical column of a file in its plain Arrow type (files differ in dictionary
    encoding, string width and timestamp unit); all nulls when the file lacks it. Each
    call opens its own reader, so columns can be read on several threads."""
    target = _ARROW_TYPES[dtype]
    pf = _open(path)
    if name not in pf.schema_arrow.names:
        return pa.chunked_array([pa.nulls(pf.metadata.num_rows, target)])
    arr = pf.read(columns=[name]).column(name)
    if pa.types.is_dictionary(arr.type):
        if name in _CATEGORICAL and pa.types.is_string(arr.type.value_type):
            return arr  # stays encoded: it becomes a category column (see gather)
        arr = pa.chunked_array([c.dictionary_decode() for c in arr.chunks], arr.type.value_type)
    return arr.cast(target)


def _check_crs(path: Path, schema: pa.Schema) -> None:
    geo = json.loads((schema.metadata or {}).get(b"geo", b"{}"))
    crs = geo.get("columns", {}).get("geometry", {}).get("crs")
    code = (crs or {}).get("id", {}).get("code", 4326) if isinstance(crs, dict) else 4326
    if code != 4326:
        raise ValueError(f"{path}: event geometry must be in EPSG:4326, got EPSG:{code}")


def read_compact(paths: Iterable[Path]) -> pd.DataFrame:
    """Every event of the GeoParquet files at ``paths`` as one compact table (see the
    module docstring), sorted by date, then event id.

    Column by column: the sort order comes from the date and id columns, then each column
    is read from every file, put in that order and converted before the next is read, so
    the peak memory is the result plus one column, not several copies of every column.
    """
    files = []
    for path in paths:
        pf = _open(path)
        _check_crs(path, pf.schema_arrow)
        if pf.metadata.num_rows:
            files.append(path)
    if not files:
        return empty_compact()

    def gather(name: str) -> pa.Array:
        dtype = EVENT_DTYPES[name]
        parts = [_column(pf, name, dtype) for pf in files]
        if len({p.type for p in parts}) > 1:  # some files encoded, some not: decode all
            target = _ARROW_TYPES[dtype]
            parts = [p.cast(target) if not pa.types.is_dictionary(p.type) else
                     pa.chunked_array([c.dictionary_decode().cast(target) for c in p.chunks],
                                      target) for p in parts]  # fmt: skip
        chunks = pa.chunked_array([c for p in parts for c in p.chunks], parts[0].type)
        if pa.types.is_dictionary(chunks.type):
            chunks = chunks.unify_dictionaries()
        return chunks.combine_chunks() if chunks.num_chunks != 1 else chunks.chunk(0)

    keys = pa.table({"date": gather("date"), "event_id": gather("event_id")})
    order = pc.sort_indices(keys, sort_keys=[("date", "ascending"), ("event_id", "ascending")])
    del keys
    order = order.to_numpy()
    if (order == np.arange(len(order))).all():
        order = None  # already in order (one sorted file, or files in date order)

    def convert(name: str) -> pd.Series:
        column = gather(name)
        return _to_pandas(column if order is None else column.take(order), name)

    def coordinates() -> tuple[np.ndarray, np.ndarray]:
        # In batches: the WKB of ten million points is 300 MB, their coordinates 160 MB.
        readers = [_open(p) for p in files]
        batches = (b for r in readers for b in r.iter_batches(500_000, columns=["geometry"]))
        xy = [_xy(pa.chunked_array([batch.column(0)])) for batch in batches]
        lon, lat = np.concatenate([x for x, _ in xy]), np.concatenate([y for _, y in xy])
        return (lon, lat) if order is None else (lon[order], lat[order])

    # The coordinates on a second thread while the columns are converted one by one here:
    # decoding runs in Arrow's C++ without the GIL. (Two columns at once would be a little
    # faster still, but at ten million rows two string columns in flight cost 300 MB more.)
    with ThreadPoolExecutor(1) as pool:
        lonlat = pool.submit(coordinates)
        data = {name: convert(name) for name in EVENT_DTYPES}
        data["lon"], data["lat"] = lonlat.result()
    frame = pd.DataFrame(data, copy=False)
    # Arrow keeps freed buffers in its pool: hand them back, or the server's resident
    # memory stays at the peak of this read.
    pa.default_memory_pool().release_unused()
    return frame


def compact_from_arrow(table: pa.Table) -> pd.DataFrame:
    """A compact table from an Arrow table of the canonical columns plus ``lon``/``lat``
    (sorted by date and id already): what a database store reads."""
    data = {}
    for name, dtype in EVENT_DTYPES.items():
        column = table.column(name) if name in table.column_names else None
        if column is None:
            column = pa.nulls(table.num_rows, _ARROW_TYPES[dtype])
        else:
            column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
            column = column.cast(_ARROW_TYPES[dtype])
        data[name] = _to_pandas(column, name)
    data["lon"] = table.column("lon").to_numpy().astype(float)
    data["lat"] = table.column("lat").to_numpy().astype(float)
    return pd.DataFrame(data, copy=False)


def _to_pandas(arr: pa.Array, name: str) -> pd.Series:
    if name in _CATEGORICAL:
        # Sorted categories: the same data gives the same codes whatever the file order.
        encoded = arr if pa.types.is_dictionary(arr.type) else pc.dictionary_encode(arr)
        values = encoded.to_pandas()
        categories = sorted(values.cat.categories)
        return pd.Series(values.cat.reorder_categories(categories), name=name)
    return pd.Series(arr.to_pandas(types_mapper=_MAPPER), name=name)


_MAPPER = {pa.large_string(): pd.StringDtype(), pa.int32(): pd.Int32Dtype()}.get


def empty_compact() -> pd.DataFrame:
    """A compact table with no rows."""
    frame = pd.DataFrame({c: pd.Series(dtype=t) for c, t in EVENT_DTYPES.items()})
    for name in COMPACT_CATEGORIES:
        frame[name] = frame[name].astype("category")
    frame["lon"] = pd.Series(dtype="float64")
    frame["lat"] = pd.Series(dtype="float64")
    return frame


def to_compact(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """The canonical GeoDataFrame as compact rows: ``lon``/``lat`` instead of geometry
    (the inverse of :func:`materialise`, for rows that did not come from a store)."""
    out = pd.DataFrame(events.drop(columns=events.geometry.name))
    out["lon"] = shapely.get_x(events.geometry.values)
    out["lat"] = shapely.get_y(events.geometry.values)
    return out


def materialise(compact: pd.DataFrame) -> gpd.GeoDataFrame:
    """Rows of a compact table as the canonical events GeoDataFrame (EPSG:4326)."""
    data = {}
    for col, dtype in EVENT_DTYPES.items():
        values = compact[col]
        if col in COMPACT_CATEGORIES:
            # Through the row values: astype on a categorical converts every category
            # (thousands of places) even for a page of ten rows.
            values = pd.Series(pd.array(values.to_numpy(dtype=object, na_value=None), dtype=dtype))
        data[col] = values.array  # the values, not the index: slices keep their positions
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(compact)))
    points = gpd.points_from_xy(compact["lon"].to_numpy(), compact["lat"].to_numpy(), crs=4326)
    out = gpd.GeoDataFrame(frame, geometry=points, crs=4326)
    return out[list(EVENT_COLUMNS)]
