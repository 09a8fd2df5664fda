"""A minimal Dash client: what the browser's renderer does, over plain HTTP.

It reads ``/_dash-layout`` and ``/_dash-dependencies``, keeps every component's props, and
fires server callbacks the way the renderer would: the initial calls, then, whenever a
prop changes, every callback that has it as an input, until nothing changes. Each request
is timed and its bytes counted as sent (compressed when the server compresses) and
uncompressed, so the server is measured through its real endpoints and payloads.
"""

from __future__ import annotations

import gc
import gzip
import json
import time
import urllib.request
from dataclasses import dataclass, field

__all__ = ["DashClient", "Traffic"]


@dataclass
class Traffic:
    """Requests made for one user action: seconds of server time and bytes received."""

    seconds: float = 0.0
    raw_bytes: int = 0
    wire_bytes: int = 0
    requests: int = 0
    per_callback: dict = field(default_factory=dict)

    def add(self, name: str, seconds: float, raw: int, wire: int) -> None:
        self.seconds += seconds
        self.raw_bytes += raw
        self.wire_bytes += wire
        self.requests += 1
        self.per_callback[name] = self.per_callback.get(name, 0.0) + seconds


def fetch(
    url: str, body: bytes | None = None, timeout: float = 600, referer: str | None = None
) -> tuple[bytes, int, float]:
    """(decoded body, bytes on the wire, seconds) of one request sent with gzip allowed.

    The client's own garbage collector is held off while a request is timed: the figures
    it keeps are hundreds of thousands of objects, and a full collection of them (~5 ms)
    would otherwise land inside whichever request came next and be counted as the server's.
    """
    headers = {"Accept-Encoding": "gzip", "Content-Type": "application/json"}
    if referer:
        # The server builds the layout of the page a browser is on from the Referer.
        headers["Referer"] = referer
    req = urllib.request.Request(url, data=body, headers=headers)
    collecting = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            wire = resp.read()
            encoding = resp.headers.get("Content-Encoding", "")
        seconds = time.perf_counter() - start
    finally:
        if collecting:
            gc.enable()
    raw = gzip.decompress(wire) if encoding == "gzip" else wire
    return raw, len(wire), seconds


def _walk(node, props: dict) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, props)
        return
    if not isinstance(node, dict) or "props" not in node:
        return
    p = node["props"]
    if isinstance(p.get("id"), str):
        props[p["id"]] = p
    for value in p.values():
        if isinstance(value, dict | list):
            _walk(value, props)


def _parse_outputs(spec: str) -> list[tuple[str, str]]:
    # "..a.b...c.d.." is several outputs; "a.b" one. Ids here never contain dots.
    parts = spec.strip(".").split("...") if spec.startswith("..") else [spec]
    return [tuple(p.rsplit(".", 1)) for p in parts]


class DashClient:
    """Drive the Dash app at ``base`` like a browser tab, minus the drawing."""

    def __init__(self, base: str, skip_outputs: tuple[str, ...] = ()):
        self.base = base.rstrip("/")
        self.props: dict[str, dict] = {}
        self.deps: list[dict] = []
        self.skip = skip_outputs

    def load(self, traffic: Traffic, path: str = "/") -> None:
        """GET the page, its layout and dependencies, then run the initial callbacks."""
        for name in (path, "/_dash-layout", "/_dash-dependencies"):
            raw, wire, secs = fetch(self.base + name, referer=self.base + path)
            traffic.add(name, secs, len(raw), wire)
            if name == "/_dash-layout":
                _walk(json.loads(raw), self.props)
            elif name == "/_dash-dependencies":
                self.deps = [d for d in json.loads(raw) if self._usable(d)]
        initial = [d for d in self.deps if not d.get("prevent_initial_call")]
        self._run(initial, traffic, changed=())

    def _usable(self, dep: dict) -> bool:
        if dep.get("clientside_function"):
            return False
        outs = _parse_outputs(dep["output"])
        items = [*dep["inputs"], *dep["state"]]
        if any(not isinstance(i["id"], str) for i in items):
            return False  # pattern-matching ids: not used by the views measured here
        return not any(o[0] in self.skip for o in outs)

    def change(self, updates: dict[tuple[str, str], object], traffic: Traffic) -> None:
        """Set props as a user would (``{(id, prop): value}``) and run what they trigger."""
        for (cid, prop), value in updates.items():
            self.props.setdefault(cid, {})[prop] = value
        keys = {f"{cid}.{prop}" for cid, prop in updates}
        triggered = [
            d for d in self.deps if keys & {f"{i['id']}.{i['property']}" for i in d["inputs"]}
        ]
        self._run(triggered, traffic, changed=keys)

    def _run(self, queue: list[dict], traffic: Traffic, changed) -> None:
        changed_by = {id(d): set(changed) for d in queue}
        fired = 0
        while queue and fired < 60:
            dep = queue.pop(0)
            fired += 1
            keys = changed_by.pop(id(dep), set())
            updated = self._call(dep, traffic, keys)
            for d in self.deps:
                if d is dep:
                    continue  # as in the renderer: a callback's outputs never re-trigger it
                ins = {f"{i['id']}.{i['property']}" for i in d["inputs"]}
                hit = ins & updated
                if hit:
                    if id(d) not in changed_by:
                        queue.append(d)
                        changed_by[id(d)] = set()
                    changed_by[id(d)] |= hit

    def _value(self, item: dict) -> dict:
        cid, prop = item["id"], item["property"]
        return {"id": cid, "property": prop, "value": self.props.get(cid, {}).get(prop)}

    def _call(self, dep: dict, traffic: Traffic, changed: set[str]) -> set[str]:
        outs = _parse_outputs(dep["output"])
        outputs = [{"id": c, "property": p.split("@")[0]} for c, p in outs]
        body = {
            "output": dep["output"],
            "outputs": outputs if dep["output"].startswith("..") else outputs[0],
            "inputs": [self._value(i) for i in dep["inputs"]],
            "state": [self._value(s) for s in dep["state"]],
            "changedPropIds": sorted(changed),
        }
        raw, wire, secs = fetch(self.base + "/_dash-update-component", json.dumps(body).encode())
        traffic.add(outputs[0]["id"] + "." + outputs[0]["property"], secs, len(raw), wire)
        if not raw.strip():
            return set()  # 204: PreventUpdate
        response = json.loads(raw).get("response", {})
        updated = set()
        for cid, props in response.items():
            for prop, value in props.items():
                if isinstance(value, dict) and "__dash_patch_update" in value:
                    continue  # a Patch: the browser applies it; we only count its bytes
                if self.props.setdefault(cid, {}).get(prop) != value:
                    self.props[cid][prop] = value
                    updated.add(f"{cid}.{prop}")
        return updated
