"""Offline place-name lookup (GeoNames) for stories, ingest and map labels.

Names match case- and accent-insensitively on every spelling the bundled table has: the
GeoNames name, the German, Ukrainian, Russian and English names, generated English and
German transliterations and other Latin spellings. So "Kiew", "Київ", "Kiev" and "Kyiv"
all find the same place. No network is used: the lookup runs inside embeds and tests.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.errors import FrontlineError

__all__ = ["NAME_COLUMNS", "Gazetteer", "Place", "labels", "normalise_name"]

#: Columns searched, best first: a match on an earlier column ranks higher among equals.
NAME_COLUMNS = (
    "name",
    "asciiname",
    "alt_names_de",
    "alt_names_en",
    "alt_names_uk",
    "alt_names_ru",
    "en_translit",
    "de_translit",
    "alt_names_latin_other",
)
_APOSTROPHES = re.compile(r"[’'ʼ`´‘]")
# A Latin letter followed by combining marks (ö = o + ¨ after NFKD): keep the letter only.
_LATIN_MARKS = re.compile("([\u0000-\u024f])[\u0300-\u036f]+")
_SEPARATORS = re.compile(r"[\s\-‐–—_.,]+")
#: Shortest query that also returns places whose name merely starts with it.
MIN_PREFIX = 3


def normalise_name(text: str) -> str:
    """Fold a place name for matching: lower case, no accents on Latin letters, no
    apostrophes, hyphens and spaces alike (``"Ust’-Donetskiy"`` → ``"ust donetskiy"``).

    Marks on Cyrillic letters are kept: й and и, ї and і are different letters in
    Ukrainian and Russian, not accented forms of one letter.
    """
    folded = str(text).casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = unicodedata.normalize("NFC", _LATIN_MARKS.sub(r"\1", decomposed))
    folded = _APOSTROPHES.sub("", folded)
    return _SEPARATORS.sub(" ", folded).strip()


@dataclass(frozen=True)
class Place:
    """One gazetteer entry and the spelling that matched the query."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country_code: str
    admin1: str | None
    population: int
    matched: str
    #: The first German name GeoNames has for it, else ``name``.
    name_de: str = ""


class Gazetteer:
    """Place lookup over the bundled GeoNames table (``FileStore().places``).

    The index (normalised spelling → row numbers) is built once here, so a lookup is a
    dictionary access plus a sort of the few candidates, not a scan of the table.

    Parameters
    ----------
    places : DataFrame with ``geonameid``, ``name``, ``lat``, ``lon``, ``country_code``,
        ``population``, ``admin1`` (ISO 3166-2 or missing) and the :data:`NAME_COLUMNS`
        (semicolon-separated lists; absent columns are skipped).
    """

    def __init__(self, places: pd.DataFrame):
        self.places = places.reset_index(drop=True)
        # key -> {row: (column rank, spelling)}; the best column wins for each row.
        index: dict[str, dict[int, tuple[int, str]]] = {}
        for rank, column in enumerate(NAME_COLUMNS):
            if column not in self.places.columns:
                continue
            for row, value in enumerate(self.places[column].fillna("").astype(str)):
                for spelling in value.split(";"):
                    key = normalise_name(spelling)
                    if key:
                        hits = index.setdefault(key, {})
                        if row not in hits or hits[row][0] > rank:
                            hits[row] = (rank, spelling.strip())
        self._index = index
        self._keys = sorted(index)
        self._population = self.places["population"].fillna(0).to_numpy(dtype="int64")
        self._country = self.places["country_code"].fillna("").astype(str).str.upper().to_numpy()
        admin1 = self.places["admin1"] if "admin1" in self.places.columns else None
        self._admin1 = (
            admin1.astype(object).where(admin1.notna(), None).to_numpy()
            if admin1 is not None
            else np.full(len(self.places), None, dtype=object)
        )

    def _candidates(self, key: str) -> list[tuple[int, int, int, str]]:
        """(match kind, row, column rank, spelling): kind 0 whole name, 1 name prefix."""
        out = [(0, row, rank, sp) for row, (rank, sp) in self._index.get(key, {}).items()]
        if len(key) >= MIN_PREFIX:
            seen = {c[1] for c in out}
            keys = self._keys
            for i in range(bisect.bisect_left(keys, key), len(keys)):
                other = keys[i]
                if not other.startswith(key):
                    break
                for row, (rank, sp) in self._index[other].items():
                    if row not in seen:
                        seen.add(row)
                        out.append((1, row, rank, sp))
        return out

    def lookup(
        self, name: str, *, country: str | None = None, admin1: str | None = None, limit: int = 5
    ) -> list[Place]:
        """Places whose name matches ``name``, best first.

        Parameters
        ----------
        name : any spelling: "Kyiv", "Kiew", "Київ", "Киев", "Pjöngjang".
        country : ISO 3166-1 alpha-2 code (``"UA"``) that ranks its places first.
        admin1 : ISO 3166-2 code (``"UA-14"``) that ranks its places first.
        limit : at most this many places.

        Returns
        -------
        list of Place, ranked: whole-name matches before names that only start with
        ``name``; then places in ``country`` / ``admin1``; then by population.
        """
        key = normalise_name(name or "")
        if not key:
            raise FrontlineError("place: empty name", param="place")
        country = country.upper() if country else None
        admin1 = admin1.upper() if admin1 else None

        def rank(c):
            kind, row, column, _ = c
            return (
                kind,
                country is not None and self._country[row] != country,
                admin1 is not None and self._admin1[row] != admin1,
                -self._population[row],
                column,
            )

        ranked = sorted(self._candidates(key), key=rank)[: max(int(limit), 0)]
        return [self._place(row, spelling) for _, row, _, spelling in ranked]

    def _place(self, row: int, spelling: str) -> Place:
        rec = self.places.iloc[row]
        return Place(
            geonameid=int(rec["geonameid"]),
            name=str(rec["name"]),
            lat=float(rec["lat"]),
            lon=float(rec["lon"]),
            country_code=str(self._country[row]),
            admin1=self._admin1[row],
            population=int(self._population[row]),
            matched=spelling,
            name_de=_first_german(rec.get("alt_names_de")) or str(rec["name"]),
        )

    def resolve(self, name: str, *, country: str | None = None, admin1: str | None = None) -> Place:
        """The one place meant by ``name``, or an error that says why there is none.

        Places of the given ``country`` / ``admin1`` are preferred; without context a
        name found in several countries ("Donetsk": Ukraine and Rostov oblast) is an error
        that lists the candidates. Within one country the most populous place wins; pass
        ``admin1`` to pick another. A name known only as one of a place's other spellings
        (a former name, as "Pokrovsk" for Engels) yields to places that bear it today.

        Raises
        ------
        FrontlineError
            ``param="place"``: the name is unknown (with close spellings, if any) or
            ambiguous (with the candidates and how to choose).
        """
        key = normalise_name(name or "")
        whole = [c for c in self._candidates(key) if c[0] == 0] if key else []
        if country:
            whole = [c for c in whole if self._country[c[1]] == country.upper()]
        if admin1:
            whole = [c for c in whole if self._admin1[c[1]] == admin1.upper()]
        if not whole:
            near = self.lookup(name, limit=5) if key else []
            hint = "; did you mean " + ", ".join(_describe(p) for p in near) if near else ""
            where = "".join(f" in {c}" for c in (country, admin1) if c)
            raise FrontlineError(f"place: unknown place {name!r}{where}{hint}", param="place")
        # A spelling GeoNames keeps only among "other" names (often a former name: Engels
        # was Pokrovsk until 1931) does not compete with places that bear the name today.
        current = [c for c in whole if NAME_COLUMNS[c[2]] != "alt_names_latin_other"]
        whole = current or whole
        countries = {self._country[c[1]] for c in whole}
        if len(countries) > 1 and not (country or admin1):
            listing = ", ".join(
                _describe(self._place(row, sp))
                for _, row, _, sp in sorted(whole, key=lambda c: -self._population[c[1]])[:10]
            )
            raise FrontlineError(
                f"place: {name!r} is ambiguous: {listing}; give a country "
                f"({' or '.join(sorted(countries))}) or a region (admin1)",
                param="place",
            )
        _, row, _, spelling = min(whole, key=lambda c: (-self._population[c[1]], c[2]))
        return self._place(row, spelling)


def _first_german(names) -> str:
    return str(names).split(";")[0].strip() if isinstance(names, str) else ""


def _describe(place: Place) -> str:
    where = place.admin1 or place.country_code
    return f"{place.name} ({where}, pop. {place.population:,})"


def labels(
    places: pd.DataFrame, bbox=None, limit: int = 200, min_population: int = 10_000
) -> pd.DataFrame:
    """The largest places in view, for map labels.

    Parameters
    ----------
    places : the gazetteer table.
    bbox : (west, south, east, north) in degrees; None for everywhere.
    limit : at most this many labels, largest first.
    min_population : smaller places are left out.

    Returns
    -------
    DataFrame with ``name``, ``name_de`` (the first German name where GeoNames has one,
    else ``name``), ``lat``, ``lon``, ``population``, largest first.
    """
    keep = (places["population"].fillna(0) >= min_population).to_numpy().copy()
    if bbox is not None:
        try:
            west, south, east, north = (float(v) for v in bbox)
        except (TypeError, ValueError):
            raise FrontlineError(
                f"bbox: expected (west, south, east, north) in degrees, got {bbox!r}",
                param="bbox",
            ) from None
        lon, lat = places["lon"].to_numpy(), places["lat"].to_numpy()
        keep &= (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    top = places[keep].nlargest(max(int(limit), 0), "population")
    german = top["alt_names_de"].fillna("").astype(str).str.split(";").str[0].str.strip()
    return pd.DataFrame(
        {
            "name": top["name"].astype(str).to_numpy(),
            "name_de": german.where(german != "", top["name"]).astype(str).to_numpy(),
            "lat": top["lat"].to_numpy(dtype=float),
            "lon": top["lon"].to_numpy(dtype=float),
            "population": top["population"].to_numpy(dtype="int64"),
        }
    )
