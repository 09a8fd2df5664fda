"""The URL is the view: one callback keeps the query string, the controls and the state
stores in step, in both directions.

Dash allows a callback to have the same property as input and output (a "synchronised"
pair), which is what a two-way link between the URL and the controls needs: a control
change writes the URL (a history entry, so back/forward work), a URL change (load, back,
forward, pasted link) sets the controls.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from dash import ClientsideFunction, Input, Output, State, ctx, html, no_update

from dashboard import ids
from dashboard.i18n import t
from dashboard.pages.routes import resolve
from dashboard.state import (
    ViewState,
    dates_from_range,
    parse_search,
    state_from_controls,
    ui_part,
)
from geo.errors import FrontlineError

__all__ = ["CONTROLS", "controls_from_state", "register"]

#: URL parameter -> control id; every control's property is ``value``.
CONTROLS = {
    "from": ids.DATE_FROM,
    "to": ids.DATE_TO,
    "datasets": ids.DATASETS,
    "types": ids.TYPES,
    "actors": ids.ACTORS,
    "regions": ids.REGIONS,
    "precision": ids.EXACT_ONLY,
    "q": ids.TEXT,
    "layers": ids.LAYERS,
    "alerts": ids.ALERTS,
    "by": ids.BY,
    "lang": ids.LANG,
    "theme": ids.THEME,
    "basemap": ids.BASEMAP,
}


def controls_from_state(state: ViewState) -> list:
    """Control values for ``state``, in the order of :data:`CONTROLS`."""
    return [
        state.date_from.isoformat(),
        state.date_to.isoformat(),
        list(state.datasets),
        list(state.types),
        list(state.actors),
        list(state.regions),
        str(state.precision) if state.precision else "all",
        state.q,
        list(state.layers),
        ["on"] if state.alerts else [],
        state.by,
        state.lang,
        state.theme,
        state.basemap,
    ]


def _control_values(values: list) -> dict:
    out = dict(zip(CONTROLS, values, strict=True))
    out["alerts"] = "1" if out["alerts"] else ""
    return out


def _data_part(state: ViewState) -> dict:
    return state.replace(lat=None, lon=None, z=None, event=None).to_dict()


def _viewport(state: ViewState):
    return {"lat": state.lat, "lon": state.lon, "z": state.z} if state.z is not None else None


def _from_relayout(relayout: dict | None, state: ViewState) -> ViewState | None:
    """Map centre/zoom from a MapLibre relayout event (``map.center``, ``map.zoom``)."""
    if not relayout or "map.center" not in relayout:
        return None
    center = relayout["map.center"]
    zoom = relayout.get("map.zoom", state.z if state.z is not None else 5)
    return state.replace(lat=float(center["lat"]), lon=float(center["lon"]), z=float(zoom))


def _clicked_event(click: dict | None) -> str | None:
    points = (click or {}).get("points") or []
    if not points:
        return None
    custom = points[0].get("customdata")
    if isinstance(custom, list | tuple):
        custom = custom[0] if custom else None
    # Spatial bins carry no event id (their customdata starts with a count); a region-level
    # marker carries "id1,id2,...": open the first.
    if not isinstance(custom, str) or ":" not in custom:
        return None
    return custom.split(",")[0]


#: The map size a region is fitted into when chosen (CSS pixels): a region fills about
#: this much of the map on a desktop, and still shows whole on a tablet.
_FIT_PX = (760, 540)  # a little under the wide map, so the region has a margin


def fit_regions(scope, codes: tuple[str, ...]) -> dict | None:
    """The camera (``lat``, ``lon``, ``z``) that shows the regions ``codes`` whole."""
    from geo.labels import zoom_for_bbox

    regions = scope.data.regions
    if not codes or not set(codes) <= set(regions.codes):
        return None
    west, south, east, north = regions.geometry(codes).bounds
    zoom = min(max(zoom_for_bbox((west, south, east, north), *_FIT_PX), 3.0), 11.0)
    return {"lat": round((south + north) / 2, 4), "lon": round((west + east) / 2, 4),
            "z": round(zoom, 2)}  # fmt: skip


def focus_on(scope, event_id: str, zoom) -> dict | None:
    """Where the map moves to show the event ``event_id``: its place, at least zoom 8."""
    row = scope.data.event(event_id)
    if row is None:
        return None
    return {"lat": float(row.geometry.y), "lon": float(row.geometry.x),
            "z": max(float(zoom or 0), 8.0)}  # fmt: skip


def register(app, rt) -> None:
    """Attach the URL <-> controls callback and the browser-side navigation."""
    control_outputs = [Output(cid, "value") for cid in CONTROLS.values()]
    control_inputs = [Input(cid, "value") for cid in CONTROLS.values()]

    @app.callback(
        Output(ids.URL, "search"),
        Output(ids.URL_REPLACE, "data"),
        Output(ids.STATE, "data"),
        Output(ids.UI, "data"),
        Output(ids.VIEWPORT, "data"),
        Output(ids.OPEN_EVENT, "data"),
        Output(ids.NAVIGATE, "data"),
        Output(ids.FOCUS, "data"),
        Output(ids.ERROR, "children"),
        Output(ids.ERROR, "hidden"),
        *control_outputs,
        Input(ids.URL, "search"),
        *control_inputs,
        Input(ids.MAP, "relayoutData"),
        Input(ids.MAP, "clickData"),
        Input(ids.TIMELINE, "relayoutData"),
        Input(ids.DETAILS_CLOSE, "n_clicks"),
        Input(ids.TABLE, "active_cell"),
        State(ids.STATE, "data"),
        State(ids.UI, "data"),
        State(ids.VIEWPORT, "data"),
        State(ids.OPEN_EVENT, "data"),
        State(ids.URL, "pathname"),
    )
    def sync(search, *args):
        n = len(CONTROLS)
        values = list(args[:n])
        (
            map_relayout,
            map_click,
            timeline_relayout,
            _close,
            cell,
            data,
            ui,
            viewport,
            event,
            path,
        ) = args[n:]
        current = ViewState.from_dict(data).replace(**(viewport or {}), event=event)
        trigger = ctx.triggered_id
        # Dash hands over every input that changed since the last call: a click that lands
        # while the map is still settling (a relayout, the controls' echo) arrives in the
        # same call, behind another trigger, and must not be lost.
        triggered = set(ctx.triggered_prop_ids)
        clicked = f"{ids.MAP}.clickData" in triggered
        errors: list[str] = []
        controls = [no_update] * n
        state = current
        focus = no_update
        scope = rt.scope(session=False)
        codes = scope.data.regions.codes
        if trigger is None:
            # The server built this page from its URL (and the page's defaults, e.g. a
            # story's dates): start from that state, and write it into the URL.
            controls = controls_from_state(state)
        elif trigger == ids.URL or (search or "") != current.to_search():
            # Back/forward: the URL over the defaults of the page it is on. Also when another
            # input triggered this call but the URL is not the view's: the map's call
            # followed Back within milliseconds and Dash dropped the answer to Back's own.
            defaults = resolve(path or "/", scope).defaults
            merged = "?" + urlencode({**defaults, **dict(parse_qsl((search or "").lstrip("?")))})
            state, errors = parse_search(merged, lang=current.lang, basemap=rt.settings.basemap,
                                         regions=codes)  # fmt: skip
            if state.z is None:
                # A URL without a camera keeps the map where it is (at load: where the page
                # put it, e.g. on the linked region).
                state = state.replace(lat=current.lat, lon=current.lon, z=current.z)
            controls = controls_from_state(state)
        else:
            # The controls as they stand. Usually that is the view already (the trigger is
            # a pan, a click, ...), but a date typed just before the map moved is in them
            # only: Dash drops the answer to the date's own call when the map's call follows
            # within milliseconds, and the date would be lost.
            try:
                state = state_from_controls(_control_values(values), current)
            except FrontlineError as exc:
                if trigger in CONTROLS.values():
                    errors = [str(exc)]
            if state.regions != current.regions and state.regions:
                # A region chosen: the map moves to show it whole.
                state = state.replace(**(fit_regions(scope, state.regions) or {}))
        # The reader's own actions on the map, timeline, table and details: each one that is
        # in this call is applied, whichever input Dash names as the trigger.
        if f"{ids.MAP}.relayoutData" in triggered:
            state = _from_relayout(map_relayout, state) or state
        r = timeline_relayout or {}
        if (
            f"{ids.TIMELINE}.relayoutData" in triggered
            and {"xaxis.range[0]", "xaxis.range[1]"} <= r.keys()
        ):
            start, end = dates_from_range(r["xaxis.range[0]"], r["xaxis.range[1]"])
            state = state.replace(date_from=start, date_to=end)
            controls[0], controls[1] = start.isoformat(), end.isoformat()
        if f"{ids.TABLE}.active_cell" in triggered and cell and cell.get("row_id"):
            state = state.replace(event=str(cell["row_id"]))
            camera = focus_on(scope, state.event, state.z)
            if camera:
                # The reader picked a row: show that event on the map.
                state, focus = state.replace(**camera), camera
        if clicked:
            state = state.replace(event=_clicked_event(map_click) or state.event)
        if f"{ids.DETAILS_CLOSE}.n_clicks" in triggered:
            state = state.replace(event=None)
        new_search = state.to_search()
        data_part = _data_part(state)
        lang = state.lang
        navigate = no_update
        if state.lang != current.lang and trigger not in (None, ids.URL):
            # Labels are rendered server-side in one language: load the page in the new one.
            navigate = (path or "/") + new_search
        # A pan or zoom of the map replaces the history entry: Back goes to the previous
        # view, not through every drag.
        moved = trigger == ids.MAP and not clicked
        # Writing the canonical form of the URL just loaded (or gone back to) is no new
        # view either: a pushed entry would make Back land on the same view again.
        moved = moved or trigger in (None, ids.URL)
        changed = new_search != (search or "")
        errors = list(dict.fromkeys(errors))
        # The alert about a bad link stays until the reader changes what is shown; the
        # controls echoing the state written into them at load are not a change.
        hide = not errors and trigger not in (None, ids.URL) and data_part != data
        return (
            new_search if changed and not moved else no_update,
            new_search if changed and moved else no_update,
            data_part if data_part != data else no_update,
            ui_part(state) if ui_part(state) != ui else no_update,
            _viewport(state) if _viewport(state) != viewport else no_update,
            state.event if state.event != event else no_update,
            navigate,
            focus,
            [html.Ul([html.Li(t("error.param", lang, msg=m)) for m in errors])]
            if errors
            else no_update,
            False if errors else (True if hide else no_update),
            *controls,
        )

    # What only the browser can do: go to another page, change the history entry in
    # place, move the map's camera (assets/frontline.js).
    app.clientside_callback(
        ClientsideFunction("frontline", "navigate"), Input(ids.NAVIGATE, "data")
    )
    app.clientside_callback(
        ClientsideFunction("frontline", "replaceUrl"), Input(ids.URL_REPLACE, "data")
    )
    app.clientside_callback(ClientsideFunction("frontline", "focusMap"), Input(ids.FOCUS, "data"))
