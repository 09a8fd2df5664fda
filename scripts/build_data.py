"""Build the compact files in data/ from the upstream copies in ../shared/data.

Run from the repository root:  python scripts/build_data.py --shared ../shared/data

This is the only code that reads the upstream formats (xz-compressed GeoJSON, raw CSVs);
the app and the tests read only what it writes. Re-running it gives the same files.
"""

from __future__ import annotations

import argparse
import io
import lzma
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.areas import area_km2  # noqa: E402  (needs the repo on sys.path first)
from geo.regions import Regions  # noqa: E402

PARQUET = dict(compression="zstd", compression_level=22)
# Small row groups let pyarrow decompress in parallel (0.2 s instead of 1.3 s to read the
# territory table); geometry gains nothing from dictionary encoding.
TERRITORY_PARQUET = dict(PARQUET, row_group_size=200, use_dictionary=False)

LAYERED = "territory/deepstate_layers_daily_2022-04-03_to_2025-08-03.geojson.xz"
CYTERAT = "territory/deepstate_occupied_daily_2024-07-08_to_2026-08-22.geojson.xz"

# German names as German-language reference works spell them (Duden / de.wikipedia titles),
# and the common English names; Natural Earth's own spellings ("Donets'k") stay in name_ne.
REGION_NAMES = {
    "UA-05": ("Vinnytsia Oblast", "Oblast Winnyzja"),
    "UA-07": ("Volyn Oblast", "Oblast Wolyn"),
    "UA-09": ("Luhansk Oblast", "Oblast Luhansk"),
    "UA-12": ("Dnipropetrovsk Oblast", "Oblast Dnipropetrowsk"),
    "UA-14": ("Donetsk Oblast", "Oblast Donezk"),
    "UA-18": ("Zhytomyr Oblast", "Oblast Schytomyr"),
    "UA-21": ("Zakarpattia Oblast", "Oblast Transkarpatien"),
    "UA-23": ("Zaporizhzhia Oblast", "Oblast Saporischschja"),
    "UA-26": ("Ivano-Frankivsk Oblast", "Oblast Iwano-Frankiwsk"),
    "UA-30": ("Kyiv City", "Kiew (Stadt)"),
    "UA-32": ("Kyiv Oblast", "Oblast Kiew"),
    "UA-35": ("Kirovohrad Oblast", "Oblast Kirowohrad"),
    "UA-40": ("Sevastopol", "Sewastopol"),
    "UA-43": ("Crimea", "Autonome Republik Krim"),
    "UA-46": ("Lviv Oblast", "Oblast Lwiw"),
    "UA-48": ("Mykolaiv Oblast", "Oblast Mykolajiw"),
    "UA-51": ("Odesa Oblast", "Oblast Odessa"),
    "UA-53": ("Poltava Oblast", "Oblast Poltawa"),
    "UA-56": ("Rivne Oblast", "Oblast Riwne"),
    "UA-59": ("Sumy Oblast", "Oblast Sumy"),
    "UA-61": ("Ternopil Oblast", "Oblast Ternopil"),
    "UA-63": ("Kharkiv Oblast", "Oblast Charkiw"),
    "UA-65": ("Kherson Oblast", "Oblast Cherson"),
    "UA-68": ("Khmelnytskyi Oblast", "Oblast Chmelnyzkyj"),
    "UA-71": ("Cherkasy Oblast", "Oblast Tscherkassy"),
    "UA-74": ("Chernihiv Oblast", "Oblast Tschernihiw"),
    "UA-77": ("Chernivtsi Oblast", "Oblast Czernowitz"),
    "RU-BEL": ("Belgorod Oblast", "Oblast Belgorod"),
    "RU-BRY": ("Bryansk Oblast", "Oblast Brjansk"),
    "RU-KRS": ("Kursk Oblast", "Oblast Kursk"),
    "RU-ROS": ("Rostov Oblast", "Oblast Rostow"),
    "RU-VOR": ("Voronezh Oblast", "Oblast Woronesch"),
}

# Natural Earth 110m leaves ISO_A3 as -99 for a few countries; their codes are not in doubt.
COUNTRY_FIXES = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX", "N. Cyprus": "CYN"}


def read_xz_geojson(path: Path) -> gpd.GeoDataFrame:
    """GDAL cannot open .xz, so decompress in memory and hand GeoPandas the bytes."""
    with lzma.open(path) as fh:
        return gpd.read_file(io.BytesIO(fh.read()))


def build_territory(shared: Path) -> gpd.GeoDataFrame:
    """Merge both DeepState series into one table: date, layer, source, source_time, geometry.

    The layered archive keeps the *last* map of each UTC day (often late afternoon), while
    the cyterat series is fetched at about 03:00 UTC. Both are re-dated to "the map as it
    stood early on ``date``": a layered snapshot of day D becomes D+1. After that shift the
    two series agree to within 0.1 km² on every day they share (checked in tests), so for
    shared days the layered series is kept (it also has the split layers and grey zones)
    and the cyterat series fills the days the layered one lacks.
    """
    layered = read_xz_geojson(shared / LAYERED)
    layered["date"] = pd.to_datetime(layered["date"]).dt.normalize() + pd.Timedelta(days=1)
    layered["source"] = "deepstate-layers"
    layered["source_time"] = pd.to_datetime(layered["snapshot_utc"], utc=True)
    layered = layered[["date", "layer", "source", "source_time", "geometry"]]

    held = (
        layered[layered["layer"].isin(["occupied", "occupied_pre2022"])]
        .groupby("date")
        .agg(
            source=("source", "first"),
            source_time=("source_time", "first"),
            geometry=("geometry", lambda g: shapely.union_all(np.asarray(g))),
        )
        .reset_index()
    )
    held["layer"] = "russian_held"

    cyterat = read_xz_geojson(shared / CYTERAT)
    cyterat["date"] = pd.to_datetime(cyterat["date"]).dt.normalize()
    cyterat["source"] = "deepstate-cyterat"
    cyterat["source_time"] = pd.to_datetime(cyterat["source_commit_time"], utc=True)
    cyterat["layer"] = "russian_held"
    cyterat = cyterat[~cyterat["date"].isin(set(held["date"]))]

    table = pd.concat(
        [
            held[["date", "layer", "source", "source_time", "geometry"]],
            cyterat[["date", "layer", "source", "source_time", "geometry"]],
            layered,
        ],
        ignore_index=True,
    )
    gdf = gpd.GeoDataFrame(table, geometry="geometry", crs=4326)
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    gdf["area_km2"] = area_km2(gdf.geometry.values).round(3)
    gdf["date"] = gdf["date"].dt.date.astype("datetime64[s]")
    gdf["layer"] = gdf["layer"].astype("category")
    gdf["source"] = gdf["source"].astype("category")
    return gdf.sort_values(["layer", "date"], ignore_index=True)


def build_admin1(shared: Path) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(shared / "admin/admin1_ukraine_russia_border.geojson").to_crs(4326)
    gdf = gdf.rename(columns={"name_en": "name_ne"})
    gdf["name_en"] = gdf["iso_3166_2"].map(lambda c: REGION_NAMES[c][0])
    gdf["name_de"] = gdf["iso_3166_2"].map(lambda c: REGION_NAMES[c][1])
    cols = ["iso_3166_2", "name_en", "name_de", "name_uk", "name_ru", "name_ne", "name_iso"]
    cols += ["country_iso3", "geometry"]
    gdf = gdf[cols].sort_values("iso_3166_2", ignore_index=True)
    gdf["area_km2"] = area_km2(gdf.geometry.values).round(1)
    return gdf


def build_countries(shared: Path) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(shared / "admin/countries_ne_110m.geojson").to_crs(4326)
    gdf["ISO_A3"] = [
        COUNTRY_FIXES.get(name, code) for name, code in zip(gdf["NAME"], gdf["ISO_A3"], strict=True)
    ]
    gdf = gdf.rename(columns=str.lower)
    return gdf[["iso_a3", "iso_a2", "name_en", "name_de", "name_uk", "name_ru", "geometry"]]


def build_places(shared: Path, regions: Regions) -> pd.DataFrame:
    df = pd.read_csv(
        shared / "places/places.csv", dtype={"admin1_code": str}, keep_default_na=False
    )
    df = df.drop(columns=["timezone", "feature_code_source"])
    df["admin1"], _ = regions.assign(df["lon"], df["lat"])
    df["population"] = pd.to_numeric(df["population"], errors="coerce").fillna(0).astype("int64")
    return df


AIRRAID = {
    "volunteer": "events/airraid_volunteer_alerts_en_2022-02-25_to_2024-10-10.csv.gz",
    "official": "events/airraid_official_alerts_en_2022-03-15_to_2024-04-22.csv.gz",
}


def build_airraid(shared: Path, admin1: gpd.GeoDataFrame) -> pd.DataFrame:
    """Air-raid alerts, with the upstream oblast names joined to ISO 3166-2 codes.

    Upstream names follow the ISO romanisation ("Kharkivska oblast") except "Kyiv City".
    One official row has oblast and raion swapped; it is repaired and flagged, not dropped.
    """
    lookup = dict(zip(admin1["name_iso"], admin1["iso_3166_2"], strict=True))
    lookup["Kyiv City"] = "UA-30"
    frames = []
    vol = pd.read_csv(shared / AIRRAID["volunteer"])
    vol = vol.rename(columns={"region": "oblast"})
    vol["level"], vol["raion"], vol["hromada"] = "oblast", "", ""
    vol["naive"] = vol["naive"].astype(bool)
    vol["dataset"] = "volunteer"
    frames.append(vol)
    off = pd.read_csv(shared / AIRRAID["official"], keep_default_na=False)
    swapped = ~off["oblast"].isin(lookup) & off["raion"].isin(lookup)
    off.loc[swapped, ["oblast", "raion"]] = off.loc[swapped, ["raion", "oblast"]].to_numpy()
    off["naive"] = False
    off["dataset"] = "official"
    off["repaired"] = swapped
    frames.append(off.drop(columns=["source"]))
    df = pd.concat(frames, ignore_index=True)
    df["repaired"] = df["repaired"].fillna(False).astype(bool)
    df["admin1"] = df["oblast"].map(lookup)
    unmatched = df["admin1"].isna()
    if unmatched.any():
        raise SystemExit(
            f"air-raid regions without ISO code: {sorted(set(df.loc[unmatched, 'oblast']))}"
        )
    for col in ("started_at", "finished_at"):
        df[col] = pd.to_datetime(df[col], utc=True)
    cols = ["dataset", "admin1", "level", "raion", "hromada", "started_at", "finished_at"]
    cols += ["naive", "repaired"]
    return df[cols].sort_values(["started_at", "admin1"], ignore_index=True)


def build_ucdp(shared: Path, regions: Regions, out: Path) -> None:
    from geo.ingest import read_events

    path = shared / "events/ucdp_ged251_russia_ukraine_random_sample2000_2022-2024.csv"
    result = read_events(path, format="ucdp", regions=regions)
    if len(result.rejects):
        raise SystemExit(f"UCDP sample: {len(result.rejects)} rows rejected:\n{result.rejects}")
    result.events.to_parquet(out / "events_ucdp.parquet", **PARQUET)


def build_stories(regions: Regions, places: pd.DataFrame, out: Path) -> None:
    """Compile the events of every story in data/stories into events_story.parquet.

    The YAML files stay the source; tests fail when the compiled file is out of date.
    """
    from geo.claims import load_claims
    from geo.gazetteer import Gazetteer
    from geo.stories import load_story, story_events

    claims = [c.id for c in load_claims(out / "claims.yaml", regions)]
    gazetteer = Gazetteer(places)
    frames = [
        story_events(load_story(path, gazetteer, regions, claims), regions)
        for path in sorted((out / "stories").glob("*.yaml"))
    ]
    events = pd.concat(frames, ignore_index=True)
    gpd.GeoDataFrame(events, geometry="geometry", crs=4326).to_parquet(
        out / "events_story.parquet", **PARQUET
    )


def build_periods(out: Path, regions: Regions) -> None:
    """Km² per whole week and month of the record (geo.periods), from the territory file
    just written: derived data, so it needs nothing from ../shared."""
    from geo.periods import PERIODS_FILE, PeriodTable, build_period_table
    from geo.territory import Territory

    territory = Territory.from_data_dir(out, regions)
    frame, prints = build_period_table(territory, regions.admin1)
    PeriodTable.write(frame, prints, out / PERIODS_FILE)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    parser.add_argument("--only", nargs="*", help="build only these parts")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    want = set(
        args.only or ["territory", "periods", "admin", "places", "airraid", "ucdp", "stories"]
    )

    admin1 = build_admin1(args.shared)
    countries = build_countries(args.shared)
    if "admin" in want:
        admin1.to_parquet(args.out / "admin1.parquet", **PARQUET)
        countries.to_parquet(args.out / "countries.parquet", **PARQUET)
    regions = Regions(admin1, countries)
    if "places" in want:
        build_places(args.shared, regions).to_parquet(args.out / "places.parquet", **PARQUET)
    if "airraid" in want:
        build_airraid(args.shared, admin1).to_parquet(
            args.out / "airraid_alerts.parquet", **PARQUET
        )
    if "territory" in want:
        build_territory(args.shared).to_parquet(args.out / "territory.parquet", **TERRITORY_PARQUET)
    if "periods" in want:
        build_periods(args.out, regions)
    if "ucdp" in want:
        build_ucdp(args.shared, regions, args.out)
    if "stories" in want:
        build_stories(regions, pd.read_parquet(args.out / "places.parquet"), args.out)
    for path in sorted(args.out.glob("*.parquet")):
        print(f"{path.name:28s} {path.stat().st_size:>10,d} bytes")


if __name__ == "__main__":
    main()
