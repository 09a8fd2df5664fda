"""GENERATED benchmark events: realistic in place, time and kind, never real.

Every row is labelled: dataset ``generated``, source :data:`SOURCE`, ids ``generated:<n>``.
The events are written to a folder the caller names (a temp dir), never into ``data/``, so
they cannot be mistaken for or mixed with the bundled real data.

Placement: most events lie near the boundary of the ``russian_held`` snapshot of their date
(the front line of the day, plus its jitter), the rest around populated places from the
gazetteer, weighted by population. Everything is vectorised numpy: boundary points are
drawn once per monthly keyframe into a pool, events then pick from the pools by index, so
10 million rows cost seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.schema import EVENT_DTYPES, EVENT_TYPES

__all__ = ["DATASET", "END", "SOURCE", "START", "generate_events", "parse_size", "write_dataset"]

DATASET = "generated"
SOURCE = "GENERATED FOR BENCHMARK — not real events"
START, END = dt.date(2022, 4, 4), dt.date(2025, 8, 3)
#: ACLED's six types, mostly fighting (roughly ACLED's Ukraine mix).
TYPE_WEIGHTS = (0.38, 0.50, 0.05, 0.03, 0.01, 0.03)
SUB_TYPES = {
    "Battles": "Armed clash",
    "Explosions/Remote violence": "Shelling/artillery/missile attack",
    "Violence against civilians": "Attack",
    "Protests": "Peaceful protest",
    "Riots": "Mob violence",
    "Strategic developments": "Other",
}
ACTORS = ("Military Forces of Russia", "Military Forces of Ukraine", "Civilians (Ukraine)")
FRONT_SHARE = 0.7  # share of events along the front line; the rest near towns
POOL = 4000  # boundary points per keyframe
_BOX = (22.0, 44.0, 41.0, 53.0)  # Ukraine and the Russian border regions


def parse_size(text: str) -> int:
    """``"100k"`` → 100000, ``"1M"`` → 1000000, ``"2500"`` → 2500."""
    s = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(s[-1:], 1)
    try:
        return int(float(s[:-1] if mult > 1 else s) * mult)
    except ValueError:
        raise ValueError(f"size: expected e.g. 100k, 1M or 2500, got {text!r}") from None


def _admin1(regions, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """ISO 3166-2 code of each point (None outside every region): one STRtree query."""
    admin1 = regions.admin1
    points = shapely.points(x, y)
    tree = shapely.STRtree(admin1.geometry.to_numpy())
    pt, poly = tree.query(points, predicate="within")
    out = np.full(len(x), None, dtype=object)
    out[pt] = admin1["iso_3166_2"].to_numpy()[poly]
    return out


def _coords(line) -> np.ndarray:
    return shapely.get_coordinates(line)


def _front_pools(territory, rng) -> tuple[np.ndarray, list[np.ndarray]]:
    """Monthly keyframe dates (days since epoch) and per keyframe POOL x 2 boundary points."""
    keys, pools = [], []
    day = START.replace(day=1)
    while day <= END:
        snap = territory.snapshot(max(day, START), "russian_held")
        # Random points on random segments of the boundary: interpolating by distance
        # along a line of tens of thousands of vertices costs a walk per point.
        parts = shapely.get_parts(shapely.get_parts(snap.geometry.boundary))
        segs = np.concatenate([np.stack([c[:-1], c[1:]], 1) for c in map(_coords, parts)])
        pick = segs[rng.integers(0, len(segs), POOL)]
        frac = rng.random((POOL, 1))
        xy = pick[:, 0] + frac * (pick[:, 1] - pick[:, 0])
        keys.append((np.datetime64(max(day, START), "D") - np.datetime64(0, "D")).astype(int))
        pools.append(xy)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return np.asarray(keys), pools


def generate_events(store, n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` GENERATED events in the canonical schema, sorted by date then id.

    Parameters
    ----------
    store : a store with ``territory``, ``regions`` and ``places`` (the bundled data).
    n : number of events.
    seed : the same seed gives the same events.

    Returns
    -------
    GeoDataFrame with :data:`geo.schema.EVENT_COLUMNS` in their dtypes, EPSG:4326, every
    row labelled ``dataset="generated"`` and ``source=SOURCE``.
    """
    if n < 0:
        raise ValueError(f"n: expected a non-negative count, got {n}")
    rng = np.random.default_rng(seed)
    start = (np.datetime64(START, "D") - np.datetime64(0, "D")).astype(int)
    end = (np.datetime64(END, "D") - np.datetime64(0, "D")).astype(int)
    days = np.sort(rng.integers(start, end + 1, n))
    keys, pools = _front_pools(store.territory, rng)
    # Towns in the box, weighted by population (a city sees more reports than a village).
    places = store.places
    west, south, east, north = _BOX
    places = places[places["lon"].between(west, east) & places["lat"].between(south, north)]
    places = places[places["country_code"].isin(["UA", "RU"])].reset_index(drop=True)
    weight = places["population"].fillna(0).to_numpy(dtype=float) + 1000.0

    x, y = np.empty(n), np.empty(n)
    location = np.empty(n, dtype=object)
    front = rng.random(n) < FRONT_SHARE
    # Front events: the pool of the last keyframe on or before the event's date.
    k = np.clip(np.searchsorted(keys, days[front], side="right") - 1, 0, len(pools) - 1)
    flat = np.concatenate(pools)
    pick = k * POOL + rng.integers(0, POOL, front.sum())
    x[front] = flat[pick, 0] + rng.normal(0, 0.04, front.sum())
    y[front] = flat[pick, 1] + rng.normal(0, 0.03, front.sum())
    location[front] = "front line (generated)"
    town = ~front
    which = rng.choice(len(places), town.sum(), p=weight / weight.sum())
    x[town] = places["lon"].to_numpy()[which] + rng.normal(0, 0.02, town.sum())
    y[town] = places["lat"].to_numpy()[which] + rng.normal(0, 0.015, town.sum())
    location[town] = places["name"].to_numpy(dtype=object)[which]
    x, y = np.clip(x, -180, 180), np.clip(y, -90, 90)

    # Regions by a spatial join on a 0.02° grid (about 2 km): a few tens of thousands of
    # distinct cells, so 10M rows need no 10M-point join. One int64 key per cell keeps the
    # unique() one-dimensional (a 2-D unique sorts rows and is ten times slower).
    ix = np.floor(x / 0.02).astype(np.int64)
    iy = np.floor(y / 0.02).astype(np.int64)
    cells, inverse = np.unique((ix + 20_000) * 100_000 + iy + 20_000, return_inverse=True)
    cx = (cells // 100_000 - 20_000 + 0.5) * 0.02
    cy = (cells % 100_000 - 20_000 + 0.5) * 0.02
    admin1 = _admin1(store.regions, cx, cy)[inverse.ravel()]
    prefix = pd.Series(admin1, dtype="string").str[:2]
    country = prefix.map({"UA": "UKR", "RU": "RUS"}).astype("string")

    type_idx = rng.choice(len(EVENT_TYPES), n, p=TYPE_WEIGHTS)
    types = np.asarray(EVENT_TYPES, dtype=object)[type_idx]
    a1 = rng.integers(0, 2, n)
    fat = rng.poisson(0.8, n).astype("int32")
    fat_known = rng.random(n) < 0.8
    frame = pd.DataFrame(
        {
            "event_id": pd.Series(np.arange(n).astype(str)).radd(f"{DATASET}:"),
            "dataset": DATASET,
            "date": (days.astype("datetime64[D]")).astype("datetime64[s]"),
            "date_precision": rng.choice([1, 2, 3], n, p=[0.9, 0.08, 0.02]).astype("int8"),
            "event_type": types,
            "sub_event_type": pd.Series(types).map(SUB_TYPES).to_numpy(),
            "actor1": np.asarray(ACTORS, dtype=object)[a1],
            "actor2": np.asarray(ACTORS, dtype=object)[1 - a1],
            "country": country.to_numpy(),
            "admin1": admin1,
            "location": location,
            "geo_precision": rng.choice([1, 2, 3], n, p=[0.7, 0.25, 0.05]).astype("int8"),
            "fatalities": pd.array(np.where(fat_known, fat, 0), dtype="Int32"),
            "source": SOURCE,
        }
    )
    frame.loc[~fat_known, "fatalities"] = pd.NA
    for col in EVENT_DTYPES:
        if col not in frame.columns:
            frame[col] = pd.NA
    frame = frame[list(EVENT_DTYPES)].astype(EVENT_DTYPES)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(x, y), crs=4326)


def write_dataset(events: gpd.GeoDataFrame, user_dir: Path) -> Path:
    """Write ``events`` as ``<user_dir>/datasets/generated.parquet`` (GeoParquet), the path
    the real server loads user datasets from (``FRONTLINE_DATA_DIR``)."""
    folder = Path(user_dir) / "datasets"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{DATASET}.parquet"
    events.to_parquet(path, compression="zstd", row_group_size=1_000_000)
    # As `frontline ingest` does: prepare the serving cache, so the server that the
    # benchmark starts maps it (cold start) instead of parsing Parquet on its first read.
    from geo.stores import FileStore

    FileStore(user_dir=user_dir).build_cache()
    return path
