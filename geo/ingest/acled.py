"""ACLED CSV export: the 31 columns of the data export tool, or a subset of them.

ACLED's own ``admin1``/``country`` text is not used for the event's region (the spatial
join sets it); the file's values stay in ``raw`` with every other unmapped column.
"""

from __future__ import annotations

import pandas as pd

from geo.ingest._common import (
    Prepared,
    map_codes,
    require_columns,
    rows_json,
    unmapped_json,
)
from geo.ingest._csv import read_table
from geo.schema import ISO_DATE

__all__ = ["DATE_FORMATS", "REQUIRED", "prepare"]

REQUIRED = ("event_id_cnty", "event_date", "latitude", "longitude", "event_type")

# ACLED's exports have written dates several ways over the years ("01 October 2024",
# "1-Oct-24", ISO). A slash date such as 10/01/2024 is ambiguous (day/month or
# month/day) and is deliberately not guessed: it is rejected as unparseable_date.
DATE_FORMATS = (ISO_DATE, "%d %B %Y", "%d %b %Y", "%d-%b-%y", "%d-%B-%Y", "%d-%b-%Y")

_MAPPED = {
    "event_id_cnty": "event_id",
    "event_date": "date",
    "event_type": "event_type",
    "sub_event_type": "sub_event_type",
    "actor1": "actor1",
    "actor2": "actor2",
    "location": "location",
    "latitude": "latitude",
    "longitude": "longitude",
    "source": "source",
    "notes": "notes",
    "fatalities": "fatalities",
}
# time_precision and geo_precision are 1..3 in ACLED, the same scale as ours up to 3.
_PRECISION = {"1": "1", "2": "2", "3": "3"}
_CODED = {"time_precision": "date_precision", "geo_precision": "geo_precision"}


def prepare(text: str, label: str, data: bytes | None = None) -> Prepared:
    """Map an ACLED CSV to canonical columns (see :func:`geo.ingest.read_events`)."""
    read = read_table(text, label, data)
    table = read.frame
    cols = require_columns(list(table.columns), REQUIRED, label, "ACLED")
    used = [cols[n] for n in (*_MAPPED, *_CODED) if n in cols]
    read.refuse_duplicates(used, label)
    frame = pd.DataFrame({canon: table[cols[n]] for n, canon in _MAPPED.items() if n in cols})
    checks = list(read.checks)
    for native, canon in _CODED.items():
        if native in cols:
            frame[canon], check = map_codes(table[cols[native]], _PRECISION, native, "1, 2 or 3")
            checks.append(check)
    frame["raw"] = unmapped_json(table, used)
    return Prepared(
        frame=frame,
        columns={canon: cols[n] for n, canon in _MAPPED.items() if n in cols},
        native_json=rows_json(table),
        checks=checks,
        date_formats=DATE_FORMATS,
    )
