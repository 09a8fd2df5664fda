"""Reading UCDP release files: CSV with or without a header row, zip files, revisions.

Some releases (Candidate 24.0.1) have no header row; they get the 49 GED columns in their
known order. A later release revises events already published under the same ``id``, so
releases are merged oldest first and the last version of each id is kept.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterable, Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

from geo.sources.errors import SourceError

__all__ = ["GED_COLUMNS", "UKRAINE", "merge_releases", "read_release"]

#: Gleditsch-Ward code of Ukraine (Russia is 365).
UKRAINE = 369
#: The 49 columns of GED and Candidate files, in their order (GED codebook 25.1).
GED_COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)  # fmt: skip


def read_release(
    data: bytes,
    name: str,
    *,
    country_ids: Sequence[int] | None = (UKRAINE,),
    source: str = "ucdp",
) -> pd.DataFrame:
    """One release file (a CSV, or a zip holding CSVs) as native UCDP columns of text.

    Parameters
    ----------
    data : the file's bytes
    name : its name, for messages
    country_ids : keep rows whose ``country_id`` is one of these (None: all rows)

    Raises
    ------
    SourceError
        When the file is not a CSV or zip of CSVs, or has no header row and not the 49
        GED columns.
    """
    if data[:4] == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
            parts = [archive.read(m) for m in members]
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as err:
            raise SourceError(
                f"{source}: {name}: the zip file is damaged or truncated ({err})",
                source=source,
                where=name,
                reason="truncated",
            ) from None
        if not parts:
            raise SourceError(
                f"{source}: {name}: the zip file holds no .csv file", source=source, where=name,
                reason="wrong_content",
            )  # fmt: skip
        frames = [_read_csv(p, f"{name}:{m}", source) for m, p in zip(members, parts, strict=True)]
        table = pa.concat_tables(frames, promote_options="permissive")
    else:
        table = _read_csv(data, name, source)
    if country_ids is not None and "country_id" in table.column_names:
        wanted = pa.array([str(int(c)) for c in country_ids])
        codes = pc.utf8_trim_whitespace(table["country_id"])
        codes = pc.replace_substring_regex(codes, r"\.0+$", "")
        table = table.filter(pc.is_in(codes, value_set=wanted))
    return table.to_pandas()


def _read_csv(data: bytes, name: str, source: str) -> pa.Table:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    first = data[: data.find(b"\n") if b"\n" in data else len(data)].decode("utf-8", "replace")
    fields = next(csv.reader([first.rstrip("\r")]), [])
    names = [f.strip().lower() for f in fields]
    has_header = "id" in names and ("date_start" in names or "type_of_violence" in names)
    if not has_header and len(fields) != len(GED_COLUMNS):
        raise SourceError(
            f"{source}: {name}: no header row and {len(fields)} columns in the first row; "
            f"expected a header or the {len(GED_COLUMNS)} GED columns "
            f"(first row: {first[:80]!r})",
            source=source,
            where=name,
            reason="wrong_content",
        )
    read = pa_csv.ReadOptions(
        column_names=None if has_header else list(GED_COLUMNS), block_size=16 << 20
    )
    try:
        header = [f.strip() for f in fields] if has_header else list(GED_COLUMNS)
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=read,
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as err:
        raise SourceError(
            f"{source}: {name}: cannot be read as CSV: {err}",
            source=source,
            where=name,
            reason="malformed",
        ) from None
    return table.rename_columns([c.strip() for c in table.column_names])


def merge_releases(releases: Iterable[tuple[str, pd.DataFrame]]) -> tuple[pd.DataFrame, dict]:
    """Apply revisions: the last version of each ``id``, releases given oldest first.

    Returns
    -------
    (frame, report) : the merged rows (columns united, missing values empty), and
        ``files`` (name and rows of each), ``rows_read``, ``rows`` and ``revised_ids``.
    """
    frames, files = [], []
    for name, frame in releases:
        files.append({"name": name, "rows": len(frame)})
        frames.append(frame.assign(_release=len(frames)))
    if not frames:
        return pd.DataFrame(columns=list(GED_COLUMNS)), {"files": [], "rows_read": 0, "rows": 0,
                                                         "revised_ids": 0}  # fmt: skip
    merged = pd.concat(frames, ignore_index=True).fillna("")
    ids = merged["id"].astype(str).str.strip()
    releases_per_id = merged.assign(_id=ids).groupby("_id")["_release"].nunique()
    keep = ~ids.duplicated(keep="last")
    out = merged[keep.to_numpy()].drop(columns="_release").reset_index(drop=True)
    report = {
        "files": files,
        "rows_read": len(merged),
        "rows": len(out),
        "revised_ids": int((releases_per_id > 1).sum()),
    }
    return out, report
