"""The explorer page (``/``): filters, map with playback, timeline, figures, figure check,
event details, the events table and upload. Built from the view state of the request URL,
so the first paint already shows the view a permalink describes."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.i18n import t
from dashboard.pages.panels import TABLE_COLUMNS, field, panels, playback
from dashboard.state import (
    BASEMAPS,
    BY_CHOICES,
    DEFAULT_EMBED_VIEWS,
    LAYER_CHOICES,
    VIEW_CHOICES,
    ViewState,
    ui_part,
)
from geo.schema import EVENT_TYPES

__all__ = ["PRECISION_ALL", "TABLE_COLUMNS", "layout", "region_options"]

PRECISION_ALL = "all"


def region_options(scope, lang: str) -> list[dict]:
    """Region dropdown options: "Donetsk Oblast (UA-14)", sorted by name."""
    admin1 = scope.data.regions.admin1
    name_col = "name_de" if lang == "de" else "name_en"
    pairs = sorted(zip(admin1[name_col], admin1["iso_3166_2"], strict=True))
    return [{"label": f"{name} ({code})", "value": code} for name, code in pairs]


def precision_options(lang: str) -> list[dict]:
    """All events / place or near a place / exact locations only."""
    return [
        {"label": t("filters.all", lang), "value": PRECISION_ALL},
        {"label": t("geo_precision.2", lang), "value": "2"},
        {"label": t("filters.exact_only", lang), "value": "1"},
    ]


def _filters(state: ViewState, scope, settings) -> html.Section:
    lang = state.lang
    # Distinct actors over every event: a second at a million rows, so once per version.
    actors = scope.cached(("actors",), scope.data.actors, shared=False)
    basemaps = list(dict.fromkeys([settings.basemap, *BASEMAPS]))
    return html.Section(
        [
            html.H2(t("filters.title", lang)),
            field(
                t("filters.from", lang),
                ids.DATE_FROM,
                dcc.Input(
                    id=ids.DATE_FROM,
                    value=state.date_from.isoformat(),
                    debounce=True,
                    placeholder="YYYY-MM-DD",
                    pattern=r"\d{4}-\d{2}-\d{2}",
                ),
            ),
            field(
                t("filters.to", lang),
                ids.DATE_TO,
                dcc.Input(
                    id=ids.DATE_TO,
                    value=state.date_to.isoformat(),
                    debounce=True,
                    placeholder="YYYY-MM-DD",
                    pattern=r"\d{4}-\d{2}-\d{2}",
                ),
            ),
            field(
                t("filters.datasets", lang),
                ids.DATASETS,
                dcc.Dropdown(
                    id=ids.DATASETS,
                    options=scope.data.dataset_names(),
                    value=list(state.datasets),
                    multi=True,
                    placeholder=t("filters.all", lang),
                ),
            ),
            field(
                t("filters.types", lang),
                ids.TYPES,
                dcc.Dropdown(
                    id=ids.TYPES,
                    options=[{"label": t(f"type.{k}", lang), "value": k} for k in EVENT_TYPES],
                    value=list(state.types),
                    multi=True,
                    placeholder=t("filters.all", lang),
                ),
            ),
            field(
                t("filters.actors", lang),
                ids.ACTORS,
                dcc.Dropdown(
                    id=ids.ACTORS,
                    options=actors,
                    value=list(state.actors),
                    multi=True,
                    searchable=True,
                    placeholder=t("filters.all", lang),
                ),
            ),
            field(
                t("filters.regions", lang),
                ids.REGIONS,
                dcc.Dropdown(
                    id=ids.REGIONS,
                    options=region_options(scope, lang),
                    value=list(state.regions),
                    multi=True,
                    placeholder=t("filters.all", lang),
                ),
            ),
            html.Fieldset(
                [
                    html.Legend(t("hover.precision", lang)),
                    dcc.RadioItems(
                        id=ids.EXACT_ONLY,
                        options=precision_options(lang),
                        value=str(state.precision) if state.precision else PRECISION_ALL,
                    ),
                    html.P(id=ids.PRECISION_NOTE, className="note", **{"aria-live": "polite"}),
                ]
            ),
            field(
                t("filters.text", lang),
                ids.TEXT,
                dcc.Input(id=ids.TEXT, type="search", value=state.q, debounce=True),
            ),
            html.Fieldset(
                [
                    html.Legend(t("filters.layers", lang)),
                    dcc.Checklist(
                        id=ids.LAYERS,
                        options=[
                            {"label": t(f"layers.{k}", lang), "value": k} for k in LAYER_CHOICES
                        ],
                        value=list(state.layers),
                    ),
                    dcc.Checklist(
                        id=ids.ALERTS,
                        options=[{"label": t("filters.alerts_on", lang), "value": "on"}],
                        value=["on"] if state.alerts else [],
                    ),
                ]
            ),
            html.Fieldset(
                [
                    html.Legend(t("filters.by", lang)),
                    dcc.RadioItems(
                        id=ids.BY,
                        options=[{"label": t(f"by.{b}", lang), "value": b} for b in BY_CHOICES],
                        value=state.by,
                        inline=True,
                    ),
                ]
            ),
            field(
                t("filters.basemap", lang),
                ids.BASEMAP,
                dcc.Dropdown(
                    id=ids.BASEMAP,
                    options=[
                        {"label": t("basemap.offline", lang) if b == "offline" else b, "value": b}
                        for b in basemaps
                    ],
                    value=state.basemap,
                    clearable=False,
                ),
            ),
        ],
        className="filters",
        **{"aria-label": t("filters.title", lang)},
    )


def _header(state: ViewState) -> html.Header:
    lang = state.lang
    return html.Header(
        [
            html.A(t("app.skip", lang), href="#map-section", className="skip"),
            html.H1(t("app.title", lang)),
            html.P(t("app.tagline", lang), className="tagline"),
            html.Div(
                [
                    field(
                        t("filters.lang", lang),
                        ids.LANG,
                        dcc.Dropdown(
                            id=ids.LANG,
                            options=[
                                {"label": "English", "value": "en"},
                                {"label": "Deutsch", "value": "de"},
                            ],
                            value=lang,
                            clearable=False,
                        ),
                    ),
                    field(
                        t("filters.theme", lang),
                        ids.THEME,
                        dcc.Dropdown(
                            id=ids.THEME,
                            options=[
                                {"label": t(f"theme.{k}", lang), "value": k}
                                for k in ("light", "dark")
                            ],
                            value=state.theme,
                            clearable=False,
                        ),
                    ),
                ],
                className="header-controls",
            ),
        ],
        className="header",
    )


def layout(
    state: ViewState,
    scope,
    settings,
    errors: list[str] = (),
    *,
    mode: str = "explorer",
    intro=None,
    footer=None,
) -> html.Div:
    """The whole explorer for ``state``; ``errors`` are messages about ignored URL params.

    ``mode="embed"`` keeps every component (the callbacks need them) but CSS hides the chrome
    and every part not in ``state.views``; ``intro`` goes above the map (a story's header)
    and ``footer`` replaces the attribution footer.
    """
    lang = state.lang
    views = state.views or (DEFAULT_EMBED_VIEWS if mode == "embed" else VIEW_CHOICES)
    root_class = " ".join([f"app theme-{state.theme} mode-{mode}", *(f"show-{v}" for v in views)])
    viewport = {"lat": state.lat, "lon": state.lon, "z": state.z} if state.z is not None else None
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Location(id=ids.RELOAD, refresh=True),
            dcc.Store(
                id=ids.STATE, data=state.replace(lat=None, lon=None, z=None, event=None).to_dict()
            ),
            dcc.Store(id=ids.UI, data=ui_part(state)),
            dcc.Store(id=ids.DATA_VERSION, data=0),
            dcc.Store(id=ids.PAGE, data={"mode": mode}),
            dcc.Store(id=ids.VIEWPORT, data=viewport),
            dcc.Store(id=ids.OPEN_EVENT, data=state.event),
            dcc.Store(id=ids.MAP_KEY),
            _header(state),
            intro,
            html.Div(
                [t("error.param", lang, msg=m) for m in errors],
                id=ids.ERROR,
                role="alert",
                className="alert",
                hidden=not errors,
            ),
            html.Div(
                [
                    _filters(state, scope, settings),
                    html.Main(
                        [
                            html.Section(
                                [
                                    html.H2(t("map.title", lang), className="visually-hidden"),
                                    dcc.Graph(
                                        id=ids.MAP,
                                        config={"scrollZoom": True, "displaylogo": False},
                                        className="map",
                                    ),
                                    playback(lang),
                                ],
                                id="map-section",
                                tabIndex="-1",
                            ),
                            html.Section(
                                [
                                    html.H2(t("timeline.title", lang)),
                                    html.P(t("timeline.hint", lang), className="note"),
                                    dcc.Graph(
                                        id=ids.TIMELINE,
                                        config={"displaylogo": False},
                                        className="timeline",
                                    ),
                                ],
                                className="timeline-section",
                            ),
                            html.Div(panels(state, settings), className="panels"),
                        ],
                        className="content",
                    ),
                ],
                className="grid",
            ),
            footer or html.Footer(html.P(t("attribution", lang)), className="footer"),
        ],
        id=ids.ROOT,
        className=root_class,
        lang=lang,
    )
