"""The explorer page (``/``): filters, map with playback, timeline, figures, figure check,
event details, the events table and upload. Built from the view state of the request URL,
so the first paint already shows the view a permalink describes."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.as_of import as_of_line, stale_warning
from dashboard.i18n import t
from dashboard.pages.check import check_panel
from dashboard.pages.measures import measure_panels
from dashboard.pages.panels import TABLE_COLUMNS, field, panels, playback
from dashboard.state import (
    BASEMAPS,
    BY_CHOICES,
    DEFAULT_EMBED_VIEWS,
    DEFAULT_STORY_EMBED_VIEWS,
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
    return html.Aside(
        [
            html.Div(
                [
                    html.H2(t("filters.title", lang)),
                    html.Button(
                        t("filters.close", lang), id=ids.FILTERS_CLOSE, className="button close"
                    ),
                ],
                className="filters-head",
            ),
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
                # "text", not "search": axe-core refuses any autocomplete on a search
                # field, and Dash always sets one.
                dcc.Input(id=ids.TEXT, type="text", value=state.q, debounce=True),
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
                ]
            ),
            # Its own group: a checkbox in the layers' fieldset read as a fifth layer.
            dcc.Checklist(
                id=ids.ALERTS,
                options=[{"label": t("filters.alerts_on", lang), "value": "on"}],
                value=["on"] if state.alerts else [],
                className="alerts-toggle",
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
        id=ids.FILTERS_PANEL,
        **{"aria-label": t("filters.title", lang)},
    )


def _header(state: ViewState) -> html.Header:
    lang = state.lang
    return html.Header(
        [
            html.A(t("app.skip", lang), href="#map-section", className="skip"),
            html.Div(
                [
                    html.H1(t("app.title", lang)),
                    html.P(t("app.tagline", lang), className="tagline"),
                ],
                className="brand",
            ),
            html.Button(
                t("filters.open", lang),
                id=ids.FILTERS_TOGGLE,
                className="button filters-toggle",
                **{"aria-controls": ids.FILTERS_PANEL, "aria-expanded": "false"},
            ),
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
                            searchable=False,
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
                            searchable=False,
                        ),
                    ),
                ],
                className="header-controls",
            ),
        ],
        className="header",
    )


def _alert(errors, lang: str) -> html.Div:
    """The page's alert: what in the link was ignored, one line each, named."""
    items = [html.Li(t("error.param", lang, msg=m)) for m in errors]
    return html.Div(
        [html.Ul(items)] if items else [],
        id=ids.ERROR,
        role="alert",
        className="alert",
        hidden=not errors,
    )


def _map_section(state: ViewState, caption=None) -> html.Section:
    lang = state.lang
    return html.Section(
        [
            html.H2(t("map.title", lang), className="visually-hidden"),
            caption,
            html.Div(
                [
                    dcc.Graph(
                        id=ids.MAP,
                        config={
                            "scrollZoom": True,
                            "displaylogo": False,
                            # The toolbar only where a pointer can hover it; a phone gets
                            # the map alone (zoom with two fingers).
                            "displayModeBar": "hover",
                            "modeBarButtonsToRemove": ["select2d", "lasso2d"],
                        },
                        className="map",
                    ),
                    html.Div(id=ids.MAP_LEGEND, className="map-key"),
                    html.Div(
                        [
                            html.Div(className="map-scale-bar"),
                            html.Span(className="map-scale-text"),
                        ],
                        id=ids.MAP_SCALE,
                        className="map-scale",
                        **{"aria-hidden": "true"},
                    ),
                    html.P(t("map.two_fingers", lang), className="map-hint", id="map-hint"),
                ],
                className="map-wrap",
            ),
            playback(lang),
        ],
        id="map-section",
        className="map-area",
        tabIndex="-1",
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
    story=None,
    story_events=None,
    as_of=None,
) -> html.Div:
    """The whole explorer for ``state``; ``errors`` are messages about ignored URL params.

    Map first: on a wide screen the map fills the first screen between the filters (a side
    panel) and the period's figures and the event details; the timeline, the figure check,
    the table, sharing and upload follow. On a phone the filters are a drawer opened from
    the header. ``mode="embed"`` keeps every component (the callbacks need them) but CSS
    hides the chrome and every part not in ``state.views``; ``intro`` is a story's header
    and ``footer`` replaces the attribution footer. A ``story`` page puts its figure check
    and ``story_events`` (the article's events) right below the map. ``as_of``
    (:class:`geo.updates.status.AsOf`) says under the page how current the data is, and
    above it when the newest map is old.
    """
    lang = state.lang
    embed_views = DEFAULT_STORY_EMBED_VIEWS if story is not None else DEFAULT_EMBED_VIEWS
    views = state.views or (embed_views if mode == "embed" else VIEW_CHOICES)
    root_class = " ".join([f"app theme-{state.theme} mode-{mode}", *(f"show-{v}" for v in views)])
    viewport = {"lat": state.lat, "lon": state.lon, "z": state.z} if state.z is not None else None
    if viewport is None and state.regions:
        # A link to a region (or a story about one) opens the map on it.
        from dashboard.callbacks.permalink import fit_regions

        viewport = fit_regions(scope, state.regions)
    sections = {_kind(section): section for section in panels(state, settings)}
    sections.update({_kind(section): section for section in measure_panels(lang)})
    sections["check"] = check_panel(lang, scope.data.regions, _article_date(story))
    side = [sections.pop("figures"), sections.pop("details")]
    first = [sections.pop("claims"), story_events] if story is not None else []
    page = {"mode": mode}
    if story is not None:
        page["claims"] = list(story.claims)  # the figure check shows the story's claims
        page["sentences"] = story_sentences(story)
    filters = _filters(state, scope, settings)
    # An embed carries its title, the period's km² and their source in the map's frame:
    # an article shows the graphic without the page around it.
    caption = _caption(scope, state) if mode == "embed" else None
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.NAVIGATE),
            dcc.Store(id=ids.URL_REPLACE),
            dcc.Store(id=ids.FOCUS),
            dcc.Store(
                id=ids.STATE, data=state.replace(lat=None, lon=None, z=None, event=None).to_dict()
            ),
            dcc.Store(id=ids.UI, data=ui_part(state)),
            dcc.Store(id=ids.DATA_VERSION, data=0),
            dcc.Store(id=ids.PAGE, data=page),
            dcc.Store(id=ids.VIEWPORT, data=viewport),
            dcc.Store(id=ids.OPEN_EVENT, data=state.event),
            dcc.Store(id=ids.MAP_KEY),
            dcc.Store(id=ids.MEASURES_KEY),
            _header(state),
            stale_warning(as_of, lang) if as_of is not None and mode != "embed" else None,
            _alert(errors, lang),
            intro,
            html.Div(
                [
                    filters,
                    html.Main(_map_section(state, caption), className="content"),
                    html.Aside(side, className="side", **{"aria-label": t("side.title", lang)}),
                ],
                className="workspace",
            ),
            html.Div(
                [
                    *first,
                    html.Section(
                        [
                            html.H2(t("timeline.title", lang)),
                            html.P(t("timeline.hint", lang), className="note"),
                            dcc.Graph(
                                id=ids.TIMELINE,
                                config={"displaylogo": False, "displayModeBar": "hover"},
                                className="timeline",
                            ),
                        ],
                        className="timeline-section panel",
                    ),
                    *sections.values(),
                ],
                className="below panels",
            ),
            _footer(footer, as_of, lang),
        ],
        id=ids.ROOT,
        className=root_class,
        lang=lang,
    )


def story_sentences(story) -> list[list]:
    """A story's claims given as sentences, as ``[text, publication date]`` pairs."""
    return [[p.text, p.anchor_date.isoformat() if p.anchor_date else None]
            for p in getattr(story, "sentences", ())]  # fmt: skip


def _article_date(story):
    """A story's publication date (it anchors "im Oktober" in a pasted sentence), else None."""
    import datetime as dt

    raw = (story.article or {}).get("date") if story is not None else None
    try:
        return dt.date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def _footer(footer, as_of, lang: str) -> html.Footer:
    """The attribution footer (or an embed's), with the as-of line."""
    footer = footer or html.Footer([html.P(t("attribution", lang))], className="footer")
    if as_of is not None:
        footer.children = [*footer.children, as_of_line(as_of, lang)]
    return footer


def _caption(scope, state: ViewState) -> html.Div:
    from dashboard.picture_view import picture_texts

    texts = picture_texts(scope, state)
    return html.Div(
        [html.Strong(texts["title"]), html.Span(texts["subtitle"])],
        className="map-caption",
        id="map-caption",
    )


def _kind(section) -> str:
    """Which panel a section of :func:`panels` is (its second CSS class)."""
    classes = (section.className or "").split()
    return classes[1] if len(classes) > 1 else classes[0]
