"""Which gazetteer places to label on a map, and where, without labels overlapping.

Places are ranked once (population, weighted up for capitals and regional seats) and then
placed greedily, most important first, in screen space: each label is a box estimated from
its text length and font size, put beside, above, below or diagonally off its dot, kept only where
it overlaps no label already placed. Screen positions are Web Mercator pixels at the map's
zoom (MapLibre's 512-px tiles, as Plotly's ``layout.map`` uses), which is how the map is
drawn; no distance or area is ever measured in them.

Two entry points:

- :func:`choose_labels` places labels for one view (a bounding box at a zoom), for a
  server-drawn picture.
- :func:`label_tiers` gives every place the least zoom from which it is shown (like the
  ``min_zoom`` of a vector tile), so a browser can show labels by zoom without asking the
  server again. Once shown, a label stays shown at every larger zoom: labels only move
  apart as the map zooms in.
"""

from __future__ import annotations

import difflib
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geo.errors import FrontlineError
from geo.gazetteer import normalise_name
from geo.label_placement import candidate_boxes, place

__all__ = [
    "LANGS",
    "POSITIONS",
    "TILE_SIZE",
    "choose_labels",
    "label_table",
    "label_tiers",
    "mercator_pixels",
    "zoom_for_bbox",
]

#: Pixels across the whole world at zoom 0 in MapLibre (and so in Plotly's ``layout.map``).
TILE_SIZE = 512
LANGS = ("en", "de")
#: Where a label sits relative to its dot, in Plotly's ``textposition`` words, best first.
POSITIONS = (
    "middle right",
    "middle left",
    "top center",
    "bottom center",
    "top right",
    "bottom right",
    "top left",
    "bottom left",
)
_REQUIRED = ("name", "lat", "lon", "population")
# Sections of a place, historical and abandoned places: never labelled.
_NOT_PLACES = {"PPLX", "PPLH", "PPLQ"}
_WEIGHT = {"PPLC": 3.0, "PPLA": 2.0, "PPLA2": 1.3}
_DISTRICT_WORDS = r"\b(?:raion|rayon|rajon|masyv|massyw|mikrorajon|kvartal)\b"
_DISTRICT_ENDINGS = ("skyi", "nyi", "yi", " bereh")


def mercator_pixels(lon, lat, zoom: float, tile_size: int = TILE_SIZE):
    """Web Mercator pixel coordinates (x right, y down) of lon/lat at ``zoom``.

    Parameters
    ----------
    lon, lat : array-like of degrees (EPSG:4326); latitudes are clipped to ±85.0511°.
    zoom : map zoom; the world is ``tile_size * 2**zoom`` pixels wide.
    tile_size : 512 for MapLibre / Plotly maps, 256 for classic raster tiles.

    Returns
    -------
    (x, y) float arrays.

    Examples
    --------
    >>> x, y = mercator_pixels([0.0], [0.0], 0)
    >>> float(x[0]), float(y[0])
    (256.0, 256.0)
    """
    world = tile_size * 2.0**zoom
    lat = np.clip(np.asarray(lat, dtype=float), -85.0511, 85.0511)
    x = (np.asarray(lon, dtype=float) + 180.0) / 360.0 * world
    y = (1.0 - np.log(np.tan(np.radians(lat)) + 1.0 / np.cos(np.radians(lat))) / np.pi) / 2.0
    return x, y * world


def zoom_for_bbox(bbox, width_px: int, height_px: int, tile_size: int = TILE_SIZE) -> float:
    """The largest zoom at which ``bbox`` (west, south, east, north) fits the pixel size."""
    west, south, east, north = _check_bbox(bbox)
    x0, y0 = mercator_pixels([west, east], [north, south], 0, tile_size)
    return float(min(math.log2(width_px / (x0[1] - x0[0])), math.log2(height_px / (y0[1] - y0[0]))))


def label_table(places: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The places worth a label, ranked, with their text and font size in ``lang``.

    Sections of a place (GeoNames PPLX), historical and abandoned places are left out, and
    so are city districts listed as places of their own (Kyiv's Obolon, Mariupol's
    "Pravyi Bereh"): a place is taken for a district when it lies within its city's radius
    (0.009 km × √population, at most 15 km) and has a third or less of its population, or
    when its names say "Raion", "Masyv" and the like, or when it has a district's name form
    and ≥ 20,000 people within 10 km of a town of ≥ 50,000.

    Parameters
    ----------
    places : the gazetteer table (``name``, ``lat``, ``lon``, ``population``; optional
        ``feature_code``, ``alt_names_de``, ``en_translit``, ``alt_names_en``,
        ``alt_names_latin_other``).
    lang : "en" (the GeoNames name) or "de" (an attested German name from
        ``alt_names_de`` when one is close to the current name, else the GeoNames name:
        old names such as "Krasnoarmejsk" for Pokrovsk are never shown).

    Returns
    -------
    DataFrame with ``lon``, ``lat``, ``text``, ``size`` (font px), ``rank`` (0 = most
    important), ``population``, sorted by rank, index from the input.
    """
    _check_places(places)
    _check_lang(lang)
    pop = pd.to_numeric(places["population"], errors="coerce").fillna(0).to_numpy(dtype=float)
    code = _column(places, "feature_code")
    lon = places["lon"].to_numpy(dtype=float)
    lat = places["lat"].to_numpy(dtype=float)
    keep = np.isfinite(lon) & np.isfinite(lat) & ~np.isin(code, list(_NOT_PLACES))
    keep &= ~_districts(places, pop, code, lon, lat)
    names = places["name"].fillna("").astype(str).to_numpy()
    if lang == "de":
        names = _german_names(names, _column(places, "alt_names_de"), code)
    keep &= names != ""
    weight = np.array([_WEIGHT.get(c, 1.0) for c in code])
    size = np.select(
        [(code == "PPLC") | (pop >= 1e6), (code == "PPLA") | (pop >= 3e5), pop >= 5e4, pop >= 1e4],
        [14, 13, 12, 11],
        10,
    )
    out = pd.DataFrame(
        {"lon": lon, "lat": lat, "text": names, "size": size, "population": pop.astype("int64")},
        index=places.index,
    )[keep]
    score = (pop * weight)[keep]
    # Ties go by name, then place, so the order never depends on the input order.
    order = np.lexsort((out["lat"], out["lon"], out["text"].to_numpy(), -score))
    out = out.iloc[order]
    out = out[~_repeated_names(out)]
    out.insert(4, "rank", np.arange(len(out), dtype="int64"))
    return out


#: Two places of one name closer than this are one town to a reader (GeoNames lists a town
#: and, say, the village by its station under the same name): only the larger is labelled.
SAME_NAME_KM = 20.0


def _repeated_names(ranked: pd.DataFrame) -> np.ndarray:
    """True for a place whose name a higher-ranked place within :data:`SAME_NAME_KM` has."""
    text = ranked["text"].to_numpy(dtype=object)
    drop = np.zeros(len(ranked), dtype=bool)
    dupes = pd.Series(text).duplicated(keep=False).to_numpy()
    if not dupes.any():
        return drop
    lon, lat = ranked["lon"].to_numpy(dtype=float), ranked["lat"].to_numpy(dtype=float)
    kept: dict[str, list[int]] = {}
    for i in np.flatnonzero(dupes):
        name = text[i]
        for j in kept.get(name, ()):
            # Equirectangular distance: plenty for "within 20 km".
            dx = (lon[i] - lon[j]) * np.cos(np.radians((lat[i] + lat[j]) / 2)) * 111.32
            dy = (lat[i] - lat[j]) * 110.57
            if dx * dx + dy * dy < SAME_NAME_KM**2:
                drop[i] = True
                break
        if not drop[i]:
            kept.setdefault(name, []).append(i)
    return drop


def choose_labels(
    places: pd.DataFrame,
    bbox,
    zoom: float | None,
    lang: str = "en",
    *,
    width_px: int,
    height_px: int,
    max_labels: int = 150,
    tile_size: int = TILE_SIZE,
) -> pd.DataFrame:
    """Labels for one view: the most important places first, none overlapping another.

    Parameters
    ----------
    places : the gazetteer table (see :func:`label_table`).
    bbox : (west, south, east, north) in degrees: places outside are not labelled.
    zoom : map zoom (512-px tiles); None fits ``bbox`` into the pixel size.
    lang : "en" or "de".
    width_px, height_px : size of the map in pixels. The view is this rectangle centred on
        the middle of ``bbox``; no label sticks out of it.
    max_labels : at most this many labels.

    Returns
    -------
    DataFrame ``lon``, ``lat``, ``text``, ``size``, ``rank``, ``population``,
    ``textposition`` (one of :data:`POSITIONS`) and ``x``, ``y`` (pixels from the view's
    top-left corner), in rank order.

    Examples
    --------
    >>> places = pd.DataFrame({"name": ["Pokrovsk", "Myrnohrad"], "lat": [48.280, 48.310],
    ...                        "lon": [37.177, 37.265], "population": [60127, 46098]})
    >>> list(choose_labels(places, (36.5, 48.0, 38.0, 48.6), 9, width_px=800,
    ...                    height_px=600)["text"])
    ['Pokrovsk', 'Myrnohrad']
    """
    west, south, east, north = _check_bbox(bbox)
    width_px, height_px = _check_size(width_px, height_px)
    if zoom is None:
        zoom = zoom_for_bbox(bbox, width_px, height_px, tile_size)
    zoom = _check_zoom(zoom)
    _check_places(places)
    lon = places["lon"].to_numpy(dtype=float)
    lat = places["lat"].to_numpy(dtype=float)
    # Districts are recognised by their neighbours: keep a margin of ~20 km around the box.
    near = (lon >= west - 0.3) & (lon <= east + 0.3) & (lat >= south - 0.2) & (lat <= north + 0.2)
    table = label_table(places[near], lang)
    inside = (
        (table["lon"] >= west)
        & (table["lon"] <= east)
        & (table["lat"] >= south)
        & (table["lat"] <= north)
    ).to_numpy()
    table = table[inside]
    # The middle of the box on the screen: Mercator's, not the mean latitude.
    corner_x, corner_y = mercator_pixels([west, east], [north, south], zoom, tile_size)
    x, y = mercator_pixels(table["lon"], table["lat"], zoom, tile_size)
    x = x - (corner_x.mean() - width_px / 2)
    y = y - (corner_y.mean() - height_px / 2)
    boxes = candidate_boxes(table["text"].to_numpy(), table["size"].to_numpy())
    # A position whose box leaves the view is never a choice.
    fits = (
        (x[:, None] + boxes[:, :, 0] >= 0)
        & (x[:, None] + boxes[:, :, 2] <= width_px)
        & (y[:, None] + boxes[:, :, 1] >= 0)
        & (y[:, None] + boxes[:, :, 3] <= height_px)
    )
    free_from = np.where(fits, -np.inf, np.inf)
    scale = 2.0**zoom
    chosen, _ = place(
        x / scale,
        y / scale,
        boxes,
        free_from,
        weight=table["population"].to_numpy(),
        min_zoom=zoom,
        max_zoom=zoom,
        limit=max(int(max_labels), 0),
    )
    shown = chosen >= 0
    out = table[shown].copy()
    out["textposition"] = np.array(POSITIONS, dtype=object)[chosen[shown]]
    out["x"], out["y"] = x[shown], y[shown]
    return out


def label_tiers(
    places: pd.DataFrame,
    lang: str = "en",
    *,
    min_zoom: float = 3.0,
    max_zoom: float = 12.0,
    step: float = 0.25,
    tile_size: int = TILE_SIZE,
) -> pd.DataFrame:
    """The least zoom at which each place is labelled, for showing labels by zoom.

    A place is shown from the least zoom (``min_zoom + k * step``) at which one of its
    positions overlaps no label of a more important place shown by then, and keeps that
    position. So a label never hides a more important one, the labels with
    ``min_zoom <= z`` never overlap at zoom ``z`` (with the box estimate of
    :func:`choose_labels`, on any screen size), and once shown a label stays shown.

    Parameters
    ----------
    places : the gazetteer table (see :func:`label_table`).
    lang : "en" or "de".
    min_zoom, max_zoom, step : the zooms tried (512-px tiles).

    Returns
    -------
    DataFrame ``lon``, ``lat``, ``text``, ``size``, ``rank``, ``population``,
    ``textposition``, ``min_zoom``, in rank order; places not shown by ``max_zoom`` are
    left out.
    """
    lo, hi = _check_zoom(min_zoom, "min_zoom"), _check_zoom(max_zoom, "max_zoom")
    if not (step > 0 and lo <= hi):
        raise FrontlineError(
            f"label_tiers: expected min_zoom <= max_zoom and step > 0, got "
            f"min_zoom={min_zoom!r}, max_zoom={max_zoom!r}, step={step!r}",
            param="step",
        )
    table = label_table(places, lang)
    x0, y0 = mercator_pixels(table["lon"], table["lat"], 0, tile_size)
    boxes = candidate_boxes(table["text"].to_numpy(), table["size"].to_numpy())
    free_from = np.full(boxes.shape[:2], -np.inf)
    chosen, shown_at = place(
        x0,
        y0,
        boxes,
        free_from,
        weight=table["population"].to_numpy(),
        min_zoom=lo,
        max_zoom=hi,
        step=step,
    )
    shown = chosen >= 0
    out = table[shown].copy()
    out["textposition"] = np.array(POSITIONS, dtype=object)[chosen[shown]]
    out["min_zoom"] = shown_at[shown]
    return out


def _districts(places, pop, code, lon, lat) -> np.ndarray:
    """Rows that are city districts listed as places (see :func:`label_table`)."""
    plain = code == "PPL"
    district = np.zeros(len(places), dtype=bool)
    for column in ("en_translit", "alt_names_en", "alt_names_latin_other", "de_translit"):
        if column in places.columns:
            text = pa.array(places[column].fillna("").astype(str), type=pa.string())
            found = pc.match_substring_regex(text, _DISTRICT_WORDS, ignore_case=True)
            district |= found.to_numpy(zero_copy_only=False)
    district &= plain
    big = np.flatnonzero(pop >= 5e4)
    if len(big) == 0 or not plain.any():
        return district
    # Pairs of a town and a place within ~0.3° (more than 15 km up to 62°N), then their
    # distance. It decides only which rows count as districts (a screening rule, not a
    # reported figure), so a spherical approximation is enough.
    tree = shapely.STRtree(shapely.points(lon[big], lat[big]))
    j, k = tree.query(shapely.points(lon, lat), predicate="dwithin", distance=0.3)
    i = big[k]
    keep = (i != j) & plain[j]
    i, j = i[keep], j[keep]
    phi_i, phi_j = np.radians(lat[i]), np.radians(lat[j])
    dx = np.radians(lon[j] - lon[i]) * np.cos((phi_i + phi_j) / 2)
    km = 6371.0 * np.hypot(dx, phi_j - phi_i)
    within_city = (km < np.minimum(0.009 * np.sqrt(pop[i]), 15.0)) & (pop[j] * 3 <= pop[i])
    district[j[within_city]] = True
    form = places["name"].fillna("").astype(str).str.lower().str.endswith(_DISTRICT_ENDINGS)
    near_town = j[(km < 10.0) & (pop[j] >= 2e4) & form.to_numpy()[j]]
    district[near_town] = True
    return district


def _german_names(names: np.ndarray, alt_de: np.ndarray, code: np.ndarray) -> np.ndarray:
    """An attested German name close to the current name, else the current name.

    GeoNames lists old names beside current ones without saying which is which
    ("Krasnoarmejsk;Pokrowsk"); the one most like the current name is taken, and none
    whose similarity is below 0.45 (old Soviet names, or "Puerto Rico" for San Juan).
    Capitals keep their first German name ("Kiew", "Moskau") when it is close enough.
    """
    out = names.copy()
    matcher = difflib.SequenceMatcher(autojunk=False)
    for i in np.flatnonzero(alt_de != ""):
        options = [o.strip() for o in alt_de[i].split(";") if o.strip()]
        if options == [names[i]]:
            continue
        current = normalise_name(names[i])
        matcher.set_seq2(current)
        scores = []
        for option in options:
            matcher.set_seq1(normalise_name(option))
            scores.append(matcher.ratio())
        if code[i] == "PPLC" and scores and scores[0] >= 0.45:
            out[i] = options[0]
            continue
        best = int(np.argmax(scores)) if scores else -1
        if best >= 0 and scores[best] >= 0.45:
            out[i] = options[best]
    return out


def _column(places: pd.DataFrame, name: str) -> np.ndarray:
    if name not in places.columns:
        return np.full(len(places), "", dtype=object)
    return places[name].fillna("").astype(str).to_numpy(dtype=object)


def _check_places(places) -> None:
    if not isinstance(places, pd.DataFrame):
        raise FrontlineError(
            f"places: expected a DataFrame (the gazetteer table), got {type(places).__name__}",
            param="places",
        )
    missing = [c for c in _REQUIRED if c not in places.columns]
    if missing:
        raise FrontlineError(
            f"places: missing columns {missing}; expected {list(_REQUIRED)}, "
            f"got {list(places.columns)}",
            param="places",
        )


def _check_lang(lang) -> None:
    if lang not in LANGS:
        raise FrontlineError(
            f"lang: expected one of {', '.join(LANGS)}, got {lang!r}", param="lang"
        )


def _check_bbox(bbox) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise FrontlineError(
            f"bbox: expected (west, south, east, north) in degrees, got {bbox!r}", param="bbox"
        ) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise FrontlineError(
            "bbox: expected west < east within ±180 and south < north within ±90, "
            f"got {(west, south, east, north)!r}",
            param="bbox",
        )
    return west, south, east, north


def _check_zoom(zoom, param: str = "zoom") -> float:
    try:
        value = float(zoom)
    except (TypeError, ValueError):
        value = math.nan
    if not 0 <= value <= 24:
        raise FrontlineError(f"{param}: expected a number from 0 to 24, got {zoom!r}", param=param)
    return value


def _check_size(width_px, height_px) -> tuple[int, int]:
    for name, value in (("width_px", width_px), ("height_px", height_px)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
            raise FrontlineError(
                f"{name}: expected a positive whole number of pixels, got {value!r}", param=name
            )
    return int(width_px), int(height_px)
