"""What a reader feels, measured in real headless Chromium: the first map drawn, a filter
change to the map redrawn, a playback step, and an embed's transfer.

Headless Chromium, software rendering, on this machine's CPUs (:mod:`dashboard.bench.chromium`).
Times are taken by the page itself (``performance.now()`` at Plotly's ``plotly_afterplot``
on the map, at the reader's input event, around Dash's callback requests); the harness
polls only to learn that something has happened, never to time it. The server's share of a
filter change comes from Chrome's network events: request sent to response headers, on
loopback. Bytes on the wire are ``Network.loadingFinished`` ``encodedDataLength``.

Every wait has a deadline and fails with a message that names the app, the step and the
deadline; a failed step is reported as an error and the others still run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dashboard.bench.chromium import BrowserBenchError, Session, browser_missing

__all__ = ["APPS", "PLANS", "App", "BrowserBenchError", "Plan", "browser_missing",
           "measure_browser"]  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """How much to measure: ``quick`` for a smoke test, ``full`` for ``make bench``."""

    first_map_runs: int = 3
    changes: int = 20
    play_from: str = "2024-10-01"
    play_to: str = "2024-11-01"
    embed_query: str = "from=2024-10-01&to=2024-11-01"
    timeout: float = 60.0  # seconds, for any one wait
    quiet: float = 2.0  # seconds without a draw or request after the first map: settled


PLANS = {
    "full": Plan(),
    "quick": Plan(first_map_runs=1, changes=2, play_to="2024-10-06", timeout=30.0, quiet=0.7),
}


@dataclass(frozen=True)
class App:
    """What applies to an app: how its date box commits, whether it has regions to
    choose, playback and an embed page (its path, or None). ``offline_style``: its map
    style lives on a tile server this machine cannot reach (see :data:`APPS`)."""

    name: str
    commit_on_enter: bool
    regions: bool
    playback: bool
    embed_path: str | None
    offline_style: bool = False


APPS = {
    "frontline": App("frontline", commit_on_enter=True, regions=True, playback=True,
                     embed_path="/embed"),
    # Its one page is all it has to embed; its date box commits on every input event.
    # px.scatter_map's default style is fetched from basemaps.cartocdn.com; offline that
    # fails and Plotly never finishes a redraw, so the page is answered an empty style
    # instead (no tiles): the naive figures leave out loading and drawing a basemap.
    "naive": App("naive", commit_on_enter=False, regions=False, playback=False,
                 embed_path="/", offline_style=True),
}  # fmt: skip

#: Filter changes in order, each different from the one before. Regions are toggled on and
#: off (a second click on a chosen option removes it), so the view returns to all of them.
DATES = ("2024-08-01", "2024-09-15", "2024-07-01", "2024-10-01", "2024-09-01",
         "2024-06-15", "2024-10-15", "2024-08-15", "2024-07-15", "2024-10-01")  # fmt: skip
REGIONS = ("UA-14", "UA-14", "UA-63", "UA-63", "UA-23", "UA-23", "UA-65", "UA-65")


def _session(work_dir: Path, app: App, plan: Plan) -> Session:
    return Session(work_dir, app.name, plan.timeout, offline_style=app.offline_style)


def _ms(value) -> float | None:
    return None if value is None else round(value, 1)


def _pct(values, q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if len(values) else None


# -- 1. the first map -----------------------------------------------------------------------


def first_map(base: str, app: App, plan: Plan, work_dir: Path) -> dict:
    """Seconds from navigation start to the first afterplot with events on ``/``, in a
    fresh profile, ``plan.first_map_runs`` times (the median); each run also says when the
    map's answer arrived, when the page stopped redrawing the map and how often it drew."""
    runs = []
    for _ in range(plan.first_map_runs):
        with _session(work_dir, app, plan) as s:
            first = s.open(base + "/")
            s.settle(quiet=plan.quiet)
            r = s.js(
                "const r = window.__bench, f = r.fetches.find(x => x.map);"
                "const nav = performance.getEntriesByType('navigation')[0];"
                "return {answer: f ? f.t_body : null, draws: r.afterplot.length,"
                " last: r.afterplot[r.afterplot.length - 1].t,"
                " dcl: nav ? nav.domContentLoadedEventEnd : null};"
            )
        runs.append({"first_map_ms": round(first), "map_answer_ms": _ms(r["answer"]),
                     "dom_content_loaded_ms": _ms(r["dcl"]), "last_draw_ms": _ms(r["last"]),
                     "map_draws": r["draws"]})  # fmt: skip
    med = float(np.median([run["first_map_ms"] for run in runs])) / 1000
    return {"first_map_s": round(med, 2), "first_map_runs": runs, "chromium": s.version}


# -- 2. filter changes ----------------------------------------------------------------------


def _changes(app: App, n: int) -> list[tuple[str, str]]:
    if not app.regions:
        return [("dates", DATES[i % len(DATES)]) for i in range(n)]
    return [("dates", DATES[i // 2 % len(DATES)]) if i % 2 == 0
            else ("region", REGIONS[i // 2 % len(REGIONS)]) for i in range(n)]  # fmt: skip


def _type_date(s: Session, app: App, value: str) -> float:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = s.driver.find_element(By.ID, "date-from")
    s.js("arguments[0].scrollIntoView({block: 'center'});", box)
    box.send_keys(Keys.CONTROL, "a")
    if app.commit_on_enter:
        s.driver.execute_cdp_cmd("Input.insertText", {"text": value})
        s.arm("keydown")
        box.send_keys(Keys.ENTER)
    else:
        s.arm("input")  # the whole date in one input event, as a paste
        s.driver.execute_cdp_cmd("Input.insertText", {"text": value})
    return s.action()


def _open_dropdown(s: Session, control: str) -> list:
    """Open the dropdown ``control``; its options' value inputs."""
    from selenium.webdriver.common.by import By

    s.click(s.driver.find_element(By.ID, control))
    return s.wait(
        f"the options of #{control}",
        lambda: s.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option input"),
        timeout=10,
    )


def _close_dropdown(s: Session) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    with contextlib.suppress(StaleElementReferenceException):
        s.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)


def _choose(s: Session, control: str, value: str) -> float:
    """Click the option ``value`` of the dropdown ``control``: the click is the action."""
    from selenium.webdriver.common.by import By

    options = _open_dropdown(s, control)
    match = [o for o in options if o.get_attribute("value") == value]
    if not match:
        _close_dropdown(s)
        raise BrowserBenchError(f"{s.name}: no option {value!r} in #{control}")
    s.arm("pointerdown", "mousedown")
    s.click(match[0].find_element(By.XPATH, "./ancestor::label[1]"))
    t = s.action()
    _close_dropdown(s)
    return t


def filter_changes(s: Session, app: App, base: str, plan: Plan) -> dict:
    """Milliseconds from the reader's keystroke or click to the first map afterplot that
    draws the answer, over ``plan.changes`` changes, with the part the server took (the
    callback requests in between, request sent to response headers). On the page open in
    ``s`` (else on ``/``)."""
    samples = []
    if not s.driver.current_url.startswith(base):
        s.open(base + "/?lang=en")
    origin = s.js("return performance.timeOrigin")
    for kind, value in _changes(app, plan.changes):
        s.settle()
        t = _type_date(s, app, value) if kind == "dates" else _choose(s, "regions", value)
        drawn = s.wait(
            f"the map redrawn after {kind} {value}",
            lambda t=t: s.js("return window.__bench.redrawAfter(arguments[0])", t),
        )
        start, end = origin + t, origin + drawn["t"]  # on the wall clock, in ms
        calls = [r for r in s.network().values()
                 if "_dash-update-component" in r["url"] and "end" in r
                 and (r["start"] + r["offset"]) * 1000 >= start - 5
                 and (r["end"] + r["offset"]) * 1000 <= end + 5]  # fmt: skip
        server = sum(r.get("server_ms", 0.0) for r in calls)
        total, answer = drawn["t"] - t, drawn["answer"]
        samples.append({"kind": kind, "value": value, "total_ms": round(total, 1),
                        "server_ms": round(server, 1), "browser_ms": round(total - server, 1),
                        "requests": len(calls), "marks_drawn": drawn["marks"],
                        "answer_to_drawn_ms": _ms(answer and drawn["t"] - answer)})  # fmt: skip
    totals = [x["total_ms"] for x in samples]
    out = {
        "filter_p50_ms": _pct(totals, 50),
        "filter_p95_ms": _pct(totals, 95),
        "filter_server_p50_ms": _pct([x["server_ms"] for x in samples], 50),
        "filter_browser_p50_ms": _pct([x["browser_ms"] for x in samples], 50),
        "filter_changes": len(samples),
        "filter_samples": samples,
    }
    for kind in ("dates", "region"):
        out[f"filter_{kind}_p50_ms"] = _pct(
            [x["total_ms"] for x in samples if x["kind"] == kind], 50
        )
    return out


# -- 3. playback ----------------------------------------------------------------------------

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\.? ([^\W\d_]+) (\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _label_date(text: str) -> dt.date | None:
    """The date in a play label ("Showing up to 3 October 2024", or an ISO date)."""
    if m := _ISO.search(text):
        return dt.date.fromisoformat(m.group(0))
    if m := _DAY_MONTH_YEAR.search(text):
        with contextlib.suppress(ValueError):
            return dt.datetime.strptime(" ".join(m.groups()), "%d %B %Y").date()
    return None


def playback(s: Session, app: App, base: str, plan: Plan) -> dict:
    """Play ``plan.play_from``–``plan.play_to`` a day a step at the fastest speed: ms
    between consecutive map updates, press to first frame, tick request to drawn (when the
    server steps it), and the days the play label never showed."""
    from selenium.webdriver.common.by import By

    first, last = dt.date.fromisoformat(plan.play_from), dt.date.fromisoformat(plan.play_to)
    days = (last - first).days + 1
    s.open(f"{base}/?from={first}&to={last}&lang=en")
    s.settle()
    speeds = [o.get_attribute("value") for o in _open_dropdown(s, "play-speed")]
    _close_dropdown(s)
    numeric = [v for v in speeds if re.fullmatch(r"\d+(\.\d+)?", v or "")]
    if not numeric:
        raise BrowserBenchError(f"{s.name}: no speed in ms among #play-speed's {speeds}")
    fastest = min(numeric, key=float)
    _choose(s, "play-speed", fastest)
    s.settle()
    button = s.driver.find_element(By.ID, "play")
    idle = button.text  # "Play" in the page's language: back to it when playback ends
    s.arm("pointerdown", "mousedown")
    s.click(button)
    pressed = s.action()
    # It ends when the label shows the last day, the button reads as before once it has
    # changed, or the label stops moving for 5 s.
    limit = max(plan.timeout, days * 3.0)
    deadline = time.monotonic() + limit
    playing = False
    while True:
        labels, text, now = s.js(
            "const r = window.__bench, b = document.getElementById('play');"
            "return [r.labels.filter(l => l.t >= arguments[0]), b ? b.innerText : null,"
            " performance.now()]",
            pressed,
        )
        if (labels and _label_date(labels[-1]["text"]) == last) or (playing and text == idle):
            break
        playing = playing or text != idle
        if now - (labels[-1]["t"] if labels else pressed) > 5000:
            break
        if time.monotonic() > deadline:
            s.click(s.driver.find_element(By.ID, "play"))  # pause it before giving up
            raise BrowserBenchError(f"{s.name}: playback did not end in {limit:.0f} s")
        time.sleep(0.25)
    s.settle()
    r = s.js(
        "const r = window.__bench, t = arguments[0];"
        "return {plots: r.afterplot.filter(a => a.t >= t).map(a => a.t),"
        " ticks: r.fetches.filter(f => f.map && f.t0 >= t && f.t_body !== undefined)"
        "  .map(f => [f.t0, f.t_body]), labels: r.labels.filter(l => l.t >= t)};",
        pressed,
    )
    shown = [d for d in (_label_date(x["text"]) for x in r["labels"]) if d is not None]
    if not shown:
        raise BrowserBenchError(f"{s.name}: no date in the play labels {r['labels']}")
    # One map update a day shown; later draws (the map restored at the end) are not steps.
    plots = r["plots"][: len(shown)]
    ticks = []
    for sent, answered in r["ticks"]:
        drawn = next((p for p in plots if p >= answered), None)
        if drawn is not None:
            ticks.append(drawn - sent)
    skipped = sorted({first + dt.timedelta(days=i) for i in range(days)} - set(shown))
    return {
        "play_step_p50_ms": _pct(np.diff(plots), 50),
        "play_step_p95_ms": _pct(np.diff(plots), 95),
        "play_first_step_ms": round(plots[0] - pressed, 1) if plots else None,
        "play_tick_to_draw_p50_ms": _pct(ticks, 50),
        "play_interval_ms": float(fastest),
        "play_map_updates": len(r["plots"]),
        "play_days_expected": days,
        "play_days_shown": len(set(shown)),
        "play_skipped_days": len(skipped),
        "play_skipped": [d.isoformat() for d in skipped],
    }


# -- 4. an embed's transfer -----------------------------------------------------------------


def embed_transfer(base: str, app: App, plan: Plan, work_dir: Path, quiet: float = 1.0) -> dict:
    """Bytes on the wire and requests of the embed in a fresh profile, until no request
    has been in flight for ``quiet`` s (no tap, no scroll)."""
    path = app.embed_path + (f"?{plan.embed_query}" if app.embed_path == "/embed" else "")
    with _session(work_dir, app, plan) as s:
        s.driver.get(base + path)
        calm_since = None
        deadline = time.monotonic() + max(plan.timeout, 90)
        while True:
            # blob: and data: URLs never reach the wire (and a blob: one never "finishes").
            wire = [r for r in s.network().values() if r["url"].startswith("http")]
            if any("end" not in r for r in wire):
                calm_since = None
            elif calm_since is None:
                calm_since = time.monotonic()
            elif time.monotonic() - calm_since >= quiet:
                break
            if time.monotonic() > deadline:
                pending = [r["url"] for r in wire if "end" not in r]
                raise BrowserBenchError(f"{app.name}: network never idle at {path}: {pending}")
            time.sleep(0.1)
    return {
        "embed_path": path,
        "embed_bytes": sum(r["bytes"] for r in wire),
        "embed_requests": len(wire),
        "embed_transfers": [
            {"url": r["url"].replace(base, ""), "bytes": r["bytes"]}
            for r in sorted(wire, key=lambda r: -r["bytes"])
        ],
    }


# -- all of it ------------------------------------------------------------------------------


def measure_browser(base: str, app: str, *, plan: Plan, work_dir: Path, log=None) -> dict:
    """The browser figures of ``app`` ("frontline" or "naive") served at ``base``.

    Returns one flat dict: ``first_map_s``, ``filter_p50_ms``, ``filter_p95_ms``,
    ``filter_server_p50_ms``, ``filter_browser_p50_ms``, ``play_step_p50_ms``,
    ``play_skipped_days``, ``embed_bytes``, ``embed_requests`` and their details; ``na``
    names the figures that do not apply to the app and why; ``errors`` the steps that
    failed and why (their figures are then absent). Never raises for a failed step.
    """
    spec = APPS[app]
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    out: dict = {"na": {}, "errors": {}, "load_avg_before": [round(x, 2) for x in os.getloadavg()]}
    if not spec.playback:
        out["na"] |= dict.fromkeys(("play_step_p50_ms", "play_interval_ms",
                                    "play_tick_to_draw_p50_ms", "play_skipped_days"),
                                   "no playback")  # fmt: skip
    if not spec.regions:
        out["na"]["filter_region_p50_ms"] = "no regions to choose"

    def interactive():
        # Playback, then filter changes on the same page: a reader who has it open.
        with _session(work_dir, spec, plan) as s:
            result = {}
            try:
                if spec.playback:
                    result |= playback(s, spec, base, plan)
            except Exception as exc:
                out["errors"]["playback"] = _why(exc)
                s.driver.get("about:blank")  # in an unknown state: filter on a new page
            try:
                result |= filter_changes(s, spec, base, plan)
            except Exception as exc:
                out["errors"]["filter"] = _why(exc)
            return result

    steps = (("first_map", lambda: first_map(base, spec, plan, work_dir)),
             ("playback+filter", interactive),
             ("embed", lambda: embed_transfer(base, spec, plan, work_dir)))  # fmt: skip
    for name, step in steps:
        t = time.perf_counter()
        try:
            out |= step()
        except Exception as exc:  # one failed step must not cost the others
            out["errors"][name] = _why(exc)
        if log is not None:
            errors = "; ".join(f"{k}: {v}" for k, v in out["errors"].items() if k in name)
            log.write(f"  {app} {name}: {time.perf_counter() - t:.0f} s {errors}\n")
            log.flush()
    out["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    return out


def _why(exc: Exception) -> str:
    text = str(exc) if isinstance(exc, BrowserBenchError) else f"{type(exc).__name__}: {exc}"
    return text.strip().splitlines()[0][:300]
