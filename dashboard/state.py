"""The explorer's view state and its URL query string, both ways, as pure functions.

The query string is the whole view: filters, dates, layers, language, theme, basemap, map
position, timeline step, the air-raid layer and the open event. Filter parameters share the
spelling of :class:`geo.query.Query` (``from``, ``to``, ``datasets``, ``types``, ``actors``,
``regions``, ``precision``, ``q``) so an explorer URL is also an API URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, replace
from urllib.parse import parse_qsl, urlencode

from dashboard.formatting import LANGS
from geo.errors import FrontlineError
from geo.query import Query, split_list

__all__ = [
    "BASEMAPS",
    "BY_CHOICES",
    "DEFAULT_FROM",
    "DEFAULT_STORY_EMBED_VIEWS",
    "DEFAULT_TO",
    "LAYER_CHOICES",
    "THEMES",
    "VIEW_CHOICES",
    "ViewState",
    "check_view_params",
    "lang_from_accept_language",
    "parse_search",
    "ui_part",
]

DEFAULT_FROM = dt.date(2024, 10, 1)
DEFAULT_TO = dt.date(2024, 11, 1)
#: Map overlays a reader can switch: events, control areas at the end of the period,
#: ground gained/lost during it, admin-1 borders.
LAYER_CHOICES = ("events", "territory", "changes", "settlements", "borders")
BY_CHOICES = ("day", "week", "month")
#: Parts an embed can show (``views=map,timeline,figures``); the explorer shows them all.
VIEW_CHOICES = (
    "map", "timeline", "figures", "claims", "details", "table",
    "settlements", "front", "speed", "oblasts", "distance", "check",
)  # fmt: skip
DEFAULT_EMBED_VIEWS = ("map", "timeline", "figures")
#: A story's embed: the map and the figure check, then the article's events.
DEFAULT_STORY_EMBED_VIEWS = ("map", "claims")
THEMES = ("light", "dark")
#: Basemaps a view may name: the bundled offline outlines, or a MapLibre style that needs no
#: key. Anything else in a link is refused (and never copied into a share link or an iframe).
BASEMAPS = ("offline", "carto-positron", "carto-darkmatter", "carto-voyager", "open-street-map")
MAX_ZOOM = 20.0


@dataclass(frozen=True)
class ViewState:
    """Everything that makes one explorer view; ``None``/empty means "default / no filter"."""

    date_from: dt.date = DEFAULT_FROM
    date_to: dt.date = DEFAULT_TO
    datasets: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    precision: int | None = None
    q: str = ""
    layers: tuple[str, ...] = LAYER_CHOICES
    lang: str = "en"
    theme: str = "light"
    basemap: str = "offline"
    lat: float | None = None
    lon: float | None = None
    z: float | None = None
    by: str = "week"
    alerts: bool = False
    event: str | None = None
    views: tuple[str, ...] = ()

    # -- conversions -------------------------------------------------------------------
    def query(self) -> Query:
        """The event filter of this view (half-open dates)."""
        return Query(
            date_from=self.date_from,
            date_to=self.date_to,
            datasets=self.datasets,
            types=self.types,
            actors=self.actors,
            regions=self.regions,
            precision=self.precision,
            text=self.q,
        )

    def to_params(self) -> dict[str, str]:
        """URL parameters: dates always, everything else only when it is not the default,
        so shared links stay short and a default view has a plain URL."""
        out = self.query().to_params()
        if self.layers != LAYER_CHOICES:
            out["layers"] = ",".join(self.layers) or "none"
        out["lang"] = self.lang
        if self.theme != "light":
            out["theme"] = self.theme
        if self.basemap != "offline":
            out["basemap"] = self.basemap
        if self.lat is not None and self.lon is not None and self.z is not None:
            out["lat"] = f"{self.lat:.4f}"
            out["lon"] = f"{self.lon:.4f}"
            out["z"] = f"{self.z:.2f}"
        if self.by != "week":
            out["by"] = self.by
        if self.alerts:
            out["alerts"] = "1"
        if self.event:
            out["event"] = self.event
        if self.views:
            out["views"] = ",".join(self.views)
        return out

    def to_search(self) -> str:
        """The query string, with a leading ``?``."""
        return "?" + urlencode(self.to_params(), safe=",:")

    def to_dict(self) -> dict:
        """JSON-ready form for a ``dcc.Store`` (dates as ISO strings)."""
        # Shallow: every field is immutable (asdict's deep copy cost ~1 ms a filter change).
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        for k, v in d.items():
            if isinstance(v, tuple):
                d[k] = list(v)  # as the Store gives it back, so stored and new compare equal
        d["date_from"] = self.date_from.isoformat()
        d["date_to"] = self.date_to.isoformat()
        return d

    @classmethod
    def from_dict(cls, d: Mapping) -> ViewState:
        """Inverse of :meth:`to_dict`."""
        d = dict(d)
        d["date_from"] = dt.date.fromisoformat(d["date_from"])
        d["date_to"] = dt.date.fromisoformat(d["date_to"])
        for k in ("datasets", "types", "actors", "regions", "layers", "views"):
            d[k] = tuple(d.get(k) or ())
        return cls(**d)

    def replace(self, **changes) -> ViewState:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def key(self) -> tuple:
        """Hashable normalised form of the data part of the view (for caches): language,
        theme and map position do not change which events or figures are computed."""
        return (*self.query().key(), self.by, self.alerts)

    # -- parsing -----------------------------------------------------------------------
    @classmethod
    def from_params(
        cls,
        params: Mapping[str, str],
        *,
        lang: str = "en",
        basemap: str = "offline",
        regions: Collection[str] | None = None,
    ) -> ViewState:
        """Parse URL parameters strictly: the first bad one raises
        :class:`~geo.errors.FrontlineError` naming it. ``lang``/``basemap`` are the defaults
        used when the URL has none (from Accept-Language and the settings); ``regions``, when
        given, are the known region codes (an unknown one is an error naming it)."""
        get = params.get
        merged = {"from": DEFAULT_FROM.isoformat(), "to": DEFAULT_TO.isoformat(), **params}
        if not get("from") and get("to"):
            merged.pop("from")  # an explicit `to` before the default `from` must not fail
        query = Query.from_params(merged)
        if query.date_from is None or query.date_to is None:
            raise FrontlineError("from/to: both dates are needed", param="from")
        unknown = [c for c in query.regions if regions is not None and c not in regions]
        if unknown:
            raise FrontlineError(
                f"regions: unknown region {', '.join(unknown)}: expected ISO 3166-2 codes such "
                "as UA-14 (Donetsk)",
                param="regions",
            )
        return cls(
            date_from=query.date_from,
            date_to=query.date_to,
            datasets=query.datasets,
            types=query.types,
            actors=query.actors,
            regions=query.regions,
            precision=query.precision,
            q=query.text,
            layers=_layers(get("layers")),
            lang=_choice(get("lang"), LANGS, lang, "lang"),
            theme=_choice(get("theme"), THEMES, "light", "theme"),
            basemap=_choice((get("basemap") or "").strip(), BASEMAPS, basemap, "basemap"),
            **_position(get("lat"), get("lon"), get("z")),
            by=_choice(get("by"), BY_CHOICES, "week", "by"),
            alerts=_flag(get("alerts")),
            event=(get("event") or "").strip() or None,
            views=_views(get("views")),
        )


def parse_search(
    search: str | None,
    *,
    lang: str = "en",
    basemap: str = "offline",
    regions: Collection[str] | None = None,
) -> tuple[ViewState, list[str]]:
    """Parse a query string leniently: each bad parameter is dropped and its error message
    returned, so a mistyped link still opens a page that says what was wrong (``regions``:
    the known region codes, see :meth:`ViewState.from_params`)."""
    params = dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=True))
    errors: list[str] = []
    dropped_date = False
    for _ in range(len(params) + 2):
        try:
            return ViewState.from_params(params, lang=lang, basemap=basemap,
                                         regions=regions), errors  # fmt: skip
        except FrontlineError as exc:
            bad = exc.param if exc.param in params else None
            lone = ("from" in params) != ("to" in params)
            if dropped_date and lone and exc.param in ("to", "from"):
                # One date left after the other was dropped: it cannot stand alone (or
                # clashes with the other's default), so drop it too, with no message about
                # a date the reader never wrote.
                params.pop("from", None), params.pop("to", None)
                continue
            errors.append(str(exc))
            if bad is None or (bad == "to" and _is_iso_date(params.get("to"))):
                # A well-formed "to" refused is an order error (to before from): drop the
                # pair, else the default of the other date makes a second, confusing error.
                bad_keys = [k for k in ("from", "to") if k in params] or list(params)[:1]
            elif bad in ("lat", "lon", "z"):
                bad_keys = ["lat", "lon", "z"]  # a position is all three or nothing
            else:
                bad_keys = [bad]
            for k in bad_keys:
                params.pop(k, None)
            dropped_date = dropped_date or bool({"from", "to"} & set(bad_keys))
    return ViewState(lang=lang, basemap=basemap), errors


def _is_iso_date(value: str | None) -> bool:
    try:
        dt.date.fromisoformat(value or "")
    except ValueError:
        return False
    return True


#: View parameters that are not event filters (checked by :func:`check_view_params`).
_VIEW_ONLY = ("layers", "lang", "theme", "basemap", "lat", "lon", "z", "alerts", "views")


def check_view_params(params: Mapping[str, str]) -> None:
    """Raise FrontlineError naming the first bad view parameter that is not a filter
    (``basemap``, ``lang``, ``theme``, ``layers``, ``views``, the map position): strictly, as
    the API checks everything it is given."""
    ViewState.from_params({k: v for k, v in params.items() if k in _VIEW_ONLY})


def lang_from_accept_language(header: str | None) -> str:
    """The first supported language in an Accept-Language header (``de-DE,de;q=0.9``)."""
    best, best_q = "en", -1.0
    for part in (header or "").split(","):
        tag, _, q = part.strip().partition(";q=")
        code = tag.split("-")[0].strip().lower()
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        if code in LANGS and weight > best_q:
            best, best_q = code, weight
    return best


def _choice(value, choices, default, param):
    if value in (None, ""):
        return default
    if value not in choices:
        raise FrontlineError(
            f"{param}: expected one of {', '.join(choices)}, got {value!r}", param=param
        )
    return value


def _flag(value) -> bool:
    return str(value or "").strip().lower() in ("1", "true", "yes", "on")


def _layers(value) -> tuple[str, ...]:
    if value in (None, ""):
        return LAYER_CHOICES
    if value == "none":
        return ()
    items = split_list(value)
    bad = [v for v in items if v not in LAYER_CHOICES]
    if bad:
        raise FrontlineError(
            f"layers: unknown {', '.join(bad)}; expected some of {', '.join(LAYER_CHOICES)}",
            param="layers",
        )
    # A fixed order, so that the same set of layers is always the same URL.
    return tuple(v for v in LAYER_CHOICES if v in items)


def _views(value) -> tuple[str, ...]:
    items = split_list(value)
    bad = [v for v in items if v not in VIEW_CHOICES]
    if bad:
        raise FrontlineError(
            f"views: unknown {', '.join(bad)}; expected some of {', '.join(VIEW_CHOICES)}",
            param="views",
        )
    return tuple(v for v in VIEW_CHOICES if v in items)


def _position(lat, lon, z) -> dict:
    given = [n for n, v in (("lat", lat), ("lon", lon), ("z", z)) if v not in (None, "")]
    if not given:
        return {}
    if len(given) < 3:
        raise FrontlineError(
            f"{given[0]}: a map position needs lat, lon and z together", param=given[0]
        )
    out = {}
    for name, value, lo, hi in (("lat", lat, -90, 90), ("lon", lon, -180, 180), ("z", z, 0, 20)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise FrontlineError(f"{name}: expected a number, got {value!r}", param=name) from None
        if not lo <= number <= hi:
            raise FrontlineError(f"{name}: must be between {lo} and {hi}", param=name)
        out[name] = number
    return out


def state_from_controls(values: Mapping, base: ViewState) -> ViewState:
    """The view state after a control changed. ``values`` maps URL parameter names to the
    controls' raw values (lists for multi-selects); ``base`` supplies what no control holds
    (map position, open event). Raises FrontlineError for an invalid value."""
    params = {k: v for k, v in base.to_params().items() if k in ("lat", "lon", "z", "event")}
    for key, value in values.items():
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        params[key] = "" if value is None else str(value)
    if params.get("layers") == "":
        params["layers"] = "none"
    if params.get("precision") == "all":
        params["precision"] = ""
    return ViewState.from_params(params, lang=base.lang, basemap=base.basemap)


def dates_from_range(start: str, end: str) -> tuple[dt.date, dt.date]:
    """A dragged timeline range (``"2024-10-07 12:00"``, ``"2024-10-20"``) → whole days,
    half-open: the first day touched to the day after the last day touched."""
    first = dt.date.fromisoformat(str(start)[:10])
    last_ts = str(end)
    last = dt.date.fromisoformat(last_ts[:10])
    # An end exactly at midnight means the range stops before that day.
    at_midnight = len(last_ts) <= 10 or last_ts[11:].strip("0:. ") == ""
    date_to = last if at_midnight else last + dt.timedelta(days=1)
    if date_to <= first:
        date_to = first + dt.timedelta(days=1)
    return first, date_to


def ui_part(state: ViewState) -> dict:
    """The part of the state that panels independent of the filters depend on (the claims,
    the event details, the theme): a filter change does not fire their callbacks."""
    return {"lang": state.lang, "theme": state.theme}
